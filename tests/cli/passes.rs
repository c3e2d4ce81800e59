//! `skytwin passes`: columns, order, partial passes, station forms.

use super::common::{END, START, csv, ok, repo, sample_tle};
use orbit::parse_utc;

const HEADER: &str =
    "object_id,station,aos_utc,tca_utc,los_utc,max_elevation_deg,duration_s,partial";

fn stations() -> String {
    repo("assets/stations.csv").display().to_string()
}

#[test]
fn regress_passes_columns_and_order() {
    let out = ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--stations",
        &stations(),
        "--start",
        START,
        "--end",
        END,
        "--min-elevation",
        "10",
    ]);
    let (header, rows) = csv(&out);
    assert_eq!(header.join(","), HEADER);
    assert!(rows.len() > 50);
    // sorted by AOS, then object (catalogue number), then station
    let key = |r: &std::collections::BTreeMap<String, String>| {
        (
            parse_utc(&r["aos_utc"]).unwrap(),
            r["object_id"].parse::<u64>().unwrap(),
            r["station"].clone(),
        )
    };
    assert!(rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    for r in &rows {
        let (aos, tca, los) = (
            parse_utc(&r["aos_utc"]).unwrap(),
            parse_utc(&r["tca_utc"]).unwrap(),
            parse_utc(&r["los_utc"]).unwrap(),
        );
        assert!(aos <= tca && tca <= los);
        let duration: f64 = r["duration_s"].parse().unwrap();
        assert!(((los - aos).to_seconds() - duration).abs() < 1e-3);
        assert!(r["max_elevation_deg"].parse::<f64>().unwrap() >= 10.0 - 1e-6);
        assert!(r["partial"] == "true" || r["partial"] == "false");
    }
}

#[test]
fn regress_partial_passes_at_window_edges() {
    let out = ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--stations",
        &stations(),
        "--start",
        START,
        "--end",
        END,
    ]);
    let (_, rows) = csv(&out);
    let start = "2018-01-20T06:00:00.000Z";
    let end = "2018-01-21T18:00:00.000Z";
    // GOES 16 never sets over Wallops: one pass spanning the window
    let goes: Vec<_> = rows.iter().filter(|r| r["object_id"] == "41866").collect();
    assert_eq!(goes.len(), 1);
    assert_eq!(
        (
            goes[0]["aos_utc"].as_str(),
            goes[0]["los_utc"].as_str(),
            goes[0]["partial"].as_str()
        ),
        (start, end, "true")
    );
    // the Molniya is up over Wallops at the window start: AOS = start, partial
    let first = rows
        .iter()
        .find(|r| r["object_id"] == "15429" && r["station"] == "Wallops")
        .unwrap();
    assert_eq!(
        (first["aos_utc"].as_str(), first["partial"].as_str()),
        (start, "true")
    );
    // every partial pass touches an edge, every complete one does not
    for r in &rows {
        let touches = r["aos_utc"] == start || r["los_utc"] == end;
        assert_eq!(touches, r["partial"] == "true", "{r:?}");
    }
}

#[test]
fn regress_station_flag_equals_stations_file() {
    let file = ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--stations",
        &stations(),
        "--start",
        START,
        "--end",
        END,
    ]);
    let flag = ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--station",
        "Wallops=37.940194,-75.466389,10",
        "--start",
        START,
        "--end",
        END,
    ]);
    let (_, all) = csv(&file);
    let (_, wallops) = csv(&flag);
    let expected: Vec<_> = all
        .into_iter()
        .filter(|r| r["station"] == "Wallops")
        .collect();
    assert_eq!(wallops, expected);
    // altitude is optional
    ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--station",
        "Equator=0,0",
        "--station",
        "Pole=90,0",
        "--start",
        START,
        "--end",
        END,
    ]);
}

#[test]
fn val_skyfield_cli_passes_agree_with_golden() {
    // The CLI reproduces the library's comparison with Skyfield for one station and mask.
    let eop = repo("orbit/tests/data/skyfield/finals2000A.subset")
        .display()
        .to_string();
    let out = ok(&[
        "passes",
        "--elements",
        &sample_tle(),
        "--station",
        "Kiruna=67.8571278,20.964325,402.2",
        "--start",
        START,
        "--end",
        END,
        "--min-elevation",
        "10",
        "--eop",
        &eop,
    ]);
    let (_, ours) = csv(&out);
    let golden = std::fs::read_to_string(repo("orbit/tests/data/skyfield/passes.csv")).unwrap();
    let (_, golden) = csv(&golden);
    let golden: Vec<_> = golden
        .iter()
        .filter(|g| g["station"] == "Kiruna" && g["min_elevation_deg"] == "10.0")
        .collect();
    assert!(!golden.is_empty());
    for g in golden {
        let aos = parse_utc(&g["aos_utc"]).unwrap();
        let ours = ours
            .iter()
            .find(|r| {
                r["object_id"] == g["object_id"]
                    && (parse_utc(&r["aos_utc"]).unwrap() - aos).to_seconds().abs() < 2.0
            })
            .unwrap_or_else(|| panic!("{g:?}"));
        let los =
            (parse_utc(&ours["los_utc"]).unwrap() - parse_utc(&g["los_utc"]).unwrap()).to_seconds();
        assert!(los.abs() < 2.0);
    }
}
