//! Bad input: exit code 2, a message naming file, line and field, no output, never a panic.

use super::common::{expect_bad, sample_tle, temp_dir};

const GOOD_1: &str = "1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992";
const GOOD_2: &str = "2 25544  51.6424  32.9776 0003646  28.7227  39.5332 15.54190080 95614";

#[test]
fn regress_bad_tle_names_file_and_line() {
    let dir = temp_dir();
    let file = dir.path().join("bad.tle");
    let bad_2 = format!("{}6", &GOOD_2[..68]);
    std::fs::write(&file, format!("ISS\n{GOOD_1}\n{bad_2}\n")).unwrap();
    let f = file.display().to_string();
    for cmd in [
        vec!["propagate", "--elements", &f],
        vec![
            "passes",
            "--elements",
            &f,
            "--station",
            "A=0,0",
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
        ],
        vec![
            "eclipses",
            "--elements",
            &f,
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
        ],
    ] {
        expect_bad(&cmd, &[&format!("{f}:3:"), "checksum", "expected 4"]);
    }
    // a short line: line and column count
    std::fs::write(&file, format!("{}\n{GOOD_2}\n", &GOOD_1[..60])).unwrap();
    expect_bad(
        &["propagate", "--elements", &f],
        &[&format!("{f}:1:"), "60 columns", "expected 69"],
    );
    // an OMM field
    let json = dir.path().join("bad.json");
    std::fs::write(&json, "[{\"NORAD_CAT_ID\": 1, \"EPOCH\": \"2018-01-20T00:00:00\",\n \"MEAN_MOTION\": 1e308, \"ECCENTRICITY\": 0.1,\n \"INCLINATION\": 1, \"RA_OF_ASC_NODE\": 1, \"ARG_OF_PERICENTER\": 1, \"MEAN_ANOMALY\": 1, \"BSTAR\": 0}]").unwrap();
    let j = json.display().to_string();
    expect_bad(
        &["propagate", "--elements", &j],
        &[&format!("{j}:2:"), "MEAN_MOTION", "expected 0 < n < 20"],
    );
}

#[test]
fn regress_bad_output_leaves_no_file() {
    let dir = temp_dir();
    let file = dir.path().join("bad.tle");
    std::fs::write(&file, format!("{GOOD_1}\n{}X\n", &GOOD_2[..68])).unwrap();
    let out = dir.path().join("out.csv");
    let o = out.display().to_string();
    expect_bad(
        &[
            "propagate",
            "--elements",
            &file.display().to_string(),
            "--out",
            &o,
        ],
        &["bad.tle:2:"],
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the input is there"
    );
}

#[test]
fn regress_bad_arguments() {
    let tle = sample_tle();
    expect_bad(
        &["propagate", "--elements", &tle, "--start", "yesterday"],
        &["--start", "RFC 3339"],
    );
    expect_bad(
        &["propagate", "--elements", &tle, "--step", "-5m"],
        &["--step"],
    );
    expect_bad(
        &["propagate", "--elements", &tle, "--step", "5 fortnights"],
        &["--step", "unit"],
    );
    expect_bad(
        &["propagate", "--elements", &tle, "--frame", "icrf"],
        &["--frame"],
    );
    expect_bad(
        &[
            "propagate",
            "--elements",
            &tle,
            "--start",
            "epoch+1h",
            "--end",
            "epoch",
        ],
        &["--end", "before"],
    );
    expect_bad(
        &["propagate", "--elements", "/no/such/file.tle"],
        &["/no/such/file.tle", "cannot read"],
    );
    expect_bad(
        &["propagate", "--elements", &tle, "--eop", &tle],
        &["sample.tle:1:", "columns 8-15 (MJD)"],
    );
    expect_bad(
        &[
            "passes",
            "--elements",
            &tle,
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
        ],
        &["--station"],
    );
    expect_bad(
        &[
            "passes",
            "--elements",
            &tle,
            "--station",
            "Bad=95,0",
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
        ],
        &["latitude"],
    );
    expect_bad(
        &[
            "passes",
            "--elements",
            &tle,
            "--station",
            "NoCoords",
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
        ],
        &["NAME=LAT_DEG"],
    );
    expect_bad(
        &[
            "passes",
            "--elements",
            &tle,
            "--station",
            "A=1,2",
            "--start",
            "epoch",
            "--end",
            "epoch+1d",
            "--min-elevation",
            "91",
        ],
        &["--min-elevation"],
    );
    expect_bad(
        &[
            "eclipses",
            "--elements",
            &tle,
            "--start",
            "epoch",
            "--end",
            "epoch+4000d",
        ],
        &["too long"],
    );
    expect_bad(&["frobnicate"], &["frobnicate"]);
}

#[test]
fn regress_bad_stations_file_names_line_and_field() {
    let dir = temp_dir();
    let st = dir.path().join("st.csv");
    let s = st.display().to_string();
    let tle = sample_tle();
    let cases = [
        (
            "name,lat_deg,lon_deg,alt_m\nA,1,2,3\nB,north,2,3\n",
            vec![":3:", "lat_deg", "north"],
        ),
        (
            "name,lat,lon\nA,1,2\n",
            vec![":1:", "name,lat_deg,lon_deg,alt_m"],
        ),
        (
            "name,lat_deg,lon_deg,alt_m\nA,1,2\n",
            vec![":2:", "3 fields", "expected 4"],
        ),
        (
            "name,lat_deg,lon_deg,alt_m\nA,1,400,3\n",
            vec![":2:", "longitude"],
        ),
        (
            "name,lat_deg,lon_deg,alt_m\nA,1,2,3\nA,4,5,6\n",
            vec![":3:", "twice"],
        ),
        ("name,lat_deg,lon_deg,alt_m\n", vec!["no stations"]),
    ];
    for (text, needles) in cases {
        std::fs::write(&st, text).unwrap();
        let mut needles: Vec<&str> = needles;
        needles.push(&s);
        expect_bad(
            &[
                "passes",
                "--elements",
                &tle,
                "--stations",
                &s,
                "--start",
                "epoch",
                "--end",
                "epoch+1d",
            ],
            &needles,
        );
    }
}
