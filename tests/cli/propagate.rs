//! `skytwin propagate`: columns, grids, frames, OEM, errors of one object.

use super::common::{END, START, csv, ok, repo, run, sample_tle, temp_dir};
use orbit::{EarthOrientation, Propagator, load_elements, parse_utc, teme_to_itrf};

const TEME_HEADER: &str =
    "object_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s";

#[test]
fn regress_csv_headers_per_frame() {
    let tle = sample_tle();
    for (frame, header) in [
        ("teme", TEME_HEADER),
        ("itrf", TEME_HEADER),
        (
            "geodetic",
            "object_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km",
        ),
    ] {
        let out = ok(&[
            "propagate",
            "--elements",
            &tle,
            "--frame",
            frame,
            "--start",
            "epoch",
            "--end",
            "epoch",
        ]);
        assert_eq!(out.lines().next().unwrap(), header, "{frame}");
    }
}

#[test]
fn regress_end_equal_to_start_gives_one_row_per_object() {
    let tle = sample_tle();
    for (start, end) in [
        ("epoch", "epoch"),
        (START, START),
        ("epoch+90m", "epoch+90m"),
    ] {
        let (_, rows) = csv(&ok(&[
            "propagate",
            "--elements",
            &tle,
            "--start",
            start,
            "--end",
            end,
        ]));
        assert_eq!(rows.len(), 4, "{start}");
        let ids: Vec<&str> = rows.iter().map(|r| r["object_id"].as_str()).collect();
        assert_eq!(ids, ["25544", "33591", "15429", "41866"]);
    }
    // relative to each set's own epoch
    let (_, rows) = csv(&ok(&[
        "propagate",
        "--elements",
        &tle,
        "--start",
        "epoch+90m",
        "--end",
        "epoch+90m",
    ]));
    assert!(
        rows.iter()
            .all(|r| r["minutes_since_epoch"] == "90.000000000")
    );
    assert_eq!(rows[0]["time_utc"], "2018-01-20T23:03:14.841216Z");
}

#[test]
fn regress_rows_match_the_library_on_an_inclusive_grid() {
    let tle = sample_tle();
    let (_, rows) = csv(&ok(&[
        "propagate",
        "--elements",
        &tle,
        "--start",
        START,
        "--end",
        "2018-01-20T06:10:00Z",
        "--step",
        "5m",
    ]));
    assert_eq!(rows.len(), 4 * 3, "06:00, 06:05, 06:10 for each object");
    let sets = load_elements(std::path::Path::new(&tle)).unwrap();
    for row in &rows {
        let set = sets
            .iter()
            .find(|s| s.object_id == row["object_id"])
            .unwrap();
        let state = Propagator::new(set)
            .unwrap()
            .state_at(parse_utc(&row["time_utc"]).unwrap())
            .unwrap();
        // printed to 1e-9 km and 1e-12 km/s
        assert_eq!(row["x_km"], format!("{:.9}", state.pos_teme_km.x));
        assert_eq!(row["vz_km_s"], format!("{:.12}", state.vel_teme_km_s.z));
        let parsed: f64 = row["y_km"].parse().unwrap();
        assert!((parsed - state.pos_teme_km.y).abs() <= 5e-10);
    }
    let times: Vec<&str> = rows
        .iter()
        .take(3)
        .map(|r| r["time_utc"].as_str())
        .collect();
    assert_eq!(
        times,
        [
            "2018-01-20T06:00:00.000Z",
            "2018-01-20T06:05:00.000Z",
            "2018-01-20T06:10:00.000Z"
        ]
    );
}

#[test]
fn val_skyfield_itrf_rows_with_eop() {
    // ITRS of the Skyfield golden data, through the CLI with the same EOP table: ≤ 1 m.
    let eop = repo("orbit/tests/data/skyfield/finals2000A.subset")
        .display()
        .to_string();
    let (_, rows) = csv(&ok(&[
        "propagate",
        "--elements",
        &sample_tle(),
        "--frame",
        "itrf",
        "--eop",
        &eop,
        "--start",
        START,
        "--end",
        START,
    ]));
    let golden = std::fs::read_to_string(repo("orbit/tests/data/skyfield/itrs.csv")).unwrap();
    let (_, golden) = csv(&golden);
    for row in &rows {
        let g = golden
            .iter()
            .find(|g| {
                g["object_id"] == row["object_id"] && g["time_utc"] == "2018-01-20T06:00:00.000Z"
            })
            .unwrap();
        let d2: f64 = ["x_km", "y_km", "z_km"]
            .iter()
            .map(|k| (row[*k].parse::<f64>().unwrap() - g[*k].parse::<f64>().unwrap()).powi(2))
            .sum();
        assert!(
            d2.sqrt() < 1e-3,
            "{}: {} m",
            row["object_id"],
            d2.sqrt() * 1e3
        );
    }
    // without --eop: UT1 = UTC, ~100 m off in LEO
    let (_, plain) = csv(&ok(&[
        "propagate",
        "--elements",
        &sample_tle(),
        "--frame",
        "itrf",
        "--start",
        START,
        "--end",
        START,
    ]));
    assert_ne!(plain[0]["x_km"], rows[0]["x_km"]);
}

#[test]
fn regress_geodetic_rows_match_the_library() {
    let (_, rows) = csv(&ok(&[
        "propagate",
        "--elements",
        &sample_tle(),
        "--frame",
        "geodetic",
        "--start",
        START,
        "--end",
        START,
    ]));
    let sets = load_elements(std::path::Path::new(&sample_tle())).unwrap();
    let t = parse_utc(START).unwrap();
    for (row, set) in rows.iter().zip(&sets) {
        let s = Propagator::new(set).unwrap().state_at(t).unwrap();
        let (r, _) = teme_to_itrf(
            &s.pos_teme_km,
            &s.vel_teme_km_s,
            t,
            &EarthOrientation::default(),
        );
        let g = orbit::itrf_to_geodetic(&r);
        assert_eq!(row["lat_deg"], format!("{:.10}", g.lat_rad.to_degrees()));
        assert_eq!(row["alt_km"], format!("{:.9}", g.alt_km));
    }
}

#[test]
fn regress_omm_json_and_csv_give_the_same_rows_as_tle() {
    let args = |file: &str| {
        ok(&[
            "propagate",
            "--elements",
            &repo(file).display().to_string(),
            "--start",
            START,
            "--end",
            "2018-01-20T07:00:00Z",
            "--step",
            "10m",
        ])
    };
    let tle = args("assets/elements/sample.tle");
    assert_eq!(args("assets/elements/sample.omm.json"), tle);
    assert_eq!(args("assets/elements/sample.omm.csv"), tle);
}

#[test]
fn regress_oem_structure() {
    let out = ok(&[
        "propagate",
        "--elements",
        &sample_tle(),
        "--format",
        "oem",
        "--start",
        START,
        "--end",
        "2018-01-20T06:02:00Z",
        "--step",
        "1m",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "CCSDS_OEM_VERS = 3.0");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("CREATION_DATE = 2023-11-14T22:13:20")),
        "SOURCE_DATE_EPOCH"
    );
    assert!(lines.contains(&"ORIGINATOR = SKYTWIN"));
    assert_eq!(lines.iter().filter(|l| **l == "META_START").count(), 4);
    assert_eq!(lines.iter().filter(|l| **l == "META_STOP").count(), 4);
    for key in [
        "CENTER_NAME = EARTH",
        "REF_FRAME = TEME",
        "TIME_SYSTEM = UTC",
        "START_TIME = 2018-01-20T06:00:00.000",
        "STOP_TIME = 2018-01-20T06:02:00.000",
    ] {
        assert_eq!(lines.iter().filter(|l| **l == key).count(), 4, "{key}");
    }
    assert!(
        lines.contains(&"OBJECT_NAME = ISS (ZARYA)") && lines.contains(&"OBJECT_ID = 1998-067A")
    );
    let data: Vec<&&str> = lines.iter().filter(|l| l.starts_with("2018-")).collect();
    assert_eq!(data.len(), 12);
    for l in data {
        let fields: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(fields.len(), 7, "{l}");
        assert!(fields[1..].iter().all(|f| f.parse::<f64>().is_ok()));
    }
    // ITRF frame name; geodetic is refused
    let itrf = ok(&[
        "propagate",
        "--elements",
        &sample_tle(),
        "--format",
        "oem",
        "--frame",
        "itrf",
        "--start",
        START,
        "--end",
        START,
    ]);
    assert!(itrf.lines().any(|l| l == "REF_FRAME = ITRF"));
    assert_eq!(
        run(&[
            "propagate",
            "--elements",
            &sample_tle(),
            "--format",
            "oem",
            "--frame",
            "geodetic"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn regress_out_file_is_written_atomically_and_deterministically() {
    let dir = temp_dir();
    let file = dir.path().join("states.oem");
    let f = file.display().to_string();
    let args = [
        "propagate",
        "--elements",
        &sample_tle(),
        "--format",
        "oem",
        "--start",
        START,
        "--end",
        "2018-01-20T07:00:00Z",
        "--out",
        &f,
    ];
    let out = run(&args);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let first = std::fs::read(&file).unwrap();
    assert!(run(&args).status.success());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        first,
        "byte-identical on a second run"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}

#[test]
fn regress_decay_stops_one_object_and_the_run_goes_on() {
    // Vallado's 28872 decays at 55 min; the ISS in the same file goes on.
    let dir = temp_dir();
    let file = dir.path().join("mixed.tle");
    std::fs::write(
        &file,
        "MINOTAUR R/B\n\
         1 28872U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534\n\
         2 28872  96.4736 157.9986 0303955 244.0492 110.6523 16.46015938 10708\n\
         ISS (ZARYA)\n\
         1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992\n\
         2 25544  51.6424  32.9776 0003646  28.7227  39.5332 15.54190080 95614\n",
    )
    .unwrap();
    let out = run(&[
        "propagate",
        "--elements",
        &file.display().to_string(),
        "--start",
        "epoch",
        "--end",
        "epoch+60m",
        "--step",
        "5m",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "reported once: {stderr}");
    assert!(
        stderr.contains("28872") && stderr.contains("decayed") && stderr.contains("55.000 min"),
        "{stderr}"
    );
    let (_, rows) = csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        rows.iter().filter(|r| r["object_id"] == "28872").count(),
        11,
        "0..50 min"
    );
    assert_eq!(
        rows.iter().filter(|r| r["object_id"] == "25544").count(),
        13,
        "0..60 min"
    );
    // the decay instant alone: no row, one message
    let out = run(&[
        "propagate",
        "--elements",
        &file.display().to_string(),
        "--start",
        "epoch+60m",
        "--end",
        "epoch+60m",
    ]);
    let (_, rows) = csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["object_id"], "25544");
}

#[test]
fn regress_default_window_is_one_day_of_minutes() {
    let (_, rows) = csv(&ok(&["propagate", "--elements", &sample_tle()]));
    assert_eq!(rows.len(), 4 * 1441);
    let _ = END;
}
