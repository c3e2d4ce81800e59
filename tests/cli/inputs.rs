//! Input rules shared by the commands: station names, stations-file headers, text encoding,
//! time and duration messages, window errors, Earth-orientation coverage.

use super::common::{START, expect_bad, ok, repo, run, sample_tle, temp_dir};

fn eop_subset() -> String {
    repo("orbit/tests/data/skyfield/finals2000A.subset")
        .display()
        .to_string()
}

fn passes_with_stations(file: &str) -> Vec<String> {
    [
        "passes",
        "--elements",
        &sample_tle(),
        "--stations",
        file,
        "--start",
        "epoch",
        "--end",
        "epoch+1d",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn regress_station_names_that_would_break_the_csv_are_rejected() {
    let dir = temp_dir();
    let st = dir.path().join("st.csv");
    let s = st.display().to_string();
    for (row, why) in [
        ("\"Kiruna, Sweden\",67.86,20.96,402", "comma"),
        ("\"Say \"\"hi\"\"\",67.86,20.96,402", "double quote"),
        ("Tab\there,67.86,20.96,402", "control"),
        ("\"\",67.86,20.96,402", "empty"),
    ] {
        std::fs::write(
            &st,
            format!("name,lat_deg,lon_deg,alt_m\nOK,1,2,3\n{row}\n"),
        )
        .unwrap();
        expect_bad(
            &strs(&passes_with_stations(&s)),
            &[&format!("{s}:3: field name: "), why],
        );
    }
    // the same rules for --station
    for (spec, why) in [
        ("Kiruna,Sweden=67.86,20.96", "comma"),
        ("Say\"hi\"=67.86,20.96", "double quote"),
        ("Tab\there=67.86,20.96", "control"),
    ] {
        expect_bad(
            &[
                "passes",
                "--elements",
                &sample_tle(),
                "--station",
                spec,
                "--start",
                "epoch",
                "--end",
                "epoch+1d",
            ],
            &["--station", why],
        );
    }
}

#[test]
fn regress_stations_file_header_rules() {
    let dir = temp_dir();
    let st = dir.path().join("st.csv");
    let s = st.display().to_string();
    let body = "Kiruna,67.8571278,20.964325,402.2\n";
    std::fs::write(&st, format!("name,lat_deg,lon_deg,alt_m\n{body}")).unwrap();
    let plain = ok(&strs(&passes_with_stations(&s)));
    // a UTF-8 byte-order mark is skipped, as in element files
    std::fs::write(&st, format!("\u{feff}name,lat_deg,lon_deg,alt_m\n{body}")).unwrap();
    assert_eq!(ok(&strs(&passes_with_stations(&s))), plain);
    // a repeated column names the column and line
    std::fs::write(
        &st,
        format!(
            "name,lat_deg,lon_deg,alt_m,lat_deg\n{}",
            body.replace('\n', ",1\n")
        ),
    )
    .unwrap();
    expect_bad(
        &strs(&passes_with_stations(&s)),
        &[&format!("{s}:1:"), "lat_deg twice"],
    );
    // an unknown column (a typo of min_elevation_deg) is not silently dropped
    std::fs::write(
        &st,
        format!(
            "\nname,lat_deg,lon_deg,alt_m,min_elevation\n{}",
            body.replace('\n', ",10\n")
        ),
    )
    .unwrap();
    expect_bad(
        &strs(&passes_with_stations(&s)),
        &[
            &format!("{s}:2:"),
            "unknown column \"min_elevation\"",
            "name,lat_deg,lon_deg,alt_m and optionally min_elevation_deg",
        ],
    );
}

#[test]
fn regress_non_utf8_eop_and_stations_files_name_line_and_column() {
    let dir = temp_dir();
    let eop = dir.path().join("finals.bad");
    let mut bytes = std::fs::read(eop_subset()).unwrap();
    let third = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    bytes[third + 5] = 0xff;
    std::fs::write(&eop, &bytes).unwrap();
    let e = eop.display().to_string();
    expect_bad(
        &[
            "propagate",
            "--elements",
            &sample_tle(),
            "--frame",
            "itrf",
            "--eop",
            &e,
        ],
        &[&format!("{e}:3: column 5: invalid UTF-8")],
    );
    let st = dir.path().join("st.csv");
    std::fs::write(
        &st,
        b"name,lat_deg,lon_deg,alt_m\nKiruna,1,2,3\nG\xf6teborg,57.7,11.9,0\n",
    )
    .unwrap();
    let s = st.display().to_string();
    expect_bad(
        &strs(&passes_with_stations(&s)),
        &[&format!("{s}:3: column 2: invalid UTF-8")],
    );
}

#[test]
fn regress_time_and_duration_messages() {
    let tle = sample_tle();
    let stderr = expect_bad(
        &["propagate", "--elements", &tle, "--step", "0"],
        &["--step", "invalid duration \"0\""],
    );
    assert!(!stderr.contains("invalid time"), "{stderr}");
    assert_eq!(stderr.matches("expected").count(), 1, "{stderr}");
    let stderr = expect_bad(
        &["propagate", "--elements", &tle, "--start", "yesterday"],
        &["--start", "invalid time \"yesterday\"", "RFC 3339"],
    );
    assert_eq!(stderr.matches("expected").count(), 1, "{stderr}");
    expect_bad(
        &["propagate", "--elements", &tle, "--step", "0s"],
        &["--step", "must be positive"],
    );
}

#[test]
fn regress_window_errors_name_file_options_and_object() {
    let tle = sample_tle();
    let window = ["--start", "epoch", "--end", "epoch+4000d"];
    let eclipses = ["eclipses", "--elements", &tle];
    let passes = ["passes", "--elements", &tle, "--station", "A=1,2"];
    for base in [&eclipses[..], &passes[..]] {
        expect_bad(
            &[base, &window].concat(),
            &[
                "sample.tle: --start epoch to --end epoch+4000d: object 25544: window of 4000.0 days is too long",
            ],
        );
    }
}

#[test]
fn regress_eop_coverage_is_warned_about_once() {
    let (tle, eop) = (sample_tle(), eop_subset());
    let warnings = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success());
        String::from_utf8(out.stderr)
            .unwrap()
            .lines()
            .filter(|l| l.contains("--eop"))
            .count()
    };
    // inside the table (2018-01-14 to 2018-01-27): quiet
    let inside = ["--start", START, "--end", "2018-01-20T07:00:00Z"];
    let outside = [
        "--start",
        "2018-03-01T00:00:00Z",
        "--end",
        "2018-03-01T06:00:00Z",
    ];
    let propagate = [
        "propagate",
        "--elements",
        &tle,
        "--frame",
        "itrf",
        "--eop",
        &eop,
    ];
    assert_eq!(warnings(&[&propagate[..], &inside].concat()), 0);
    assert_eq!(warnings(&[&propagate[..], &outside].concat()), 1);
    // TEME does not use the table
    assert_eq!(
        warnings(
            &[
                &["propagate", "--elements", &tle, "--eop", &eop][..],
                &outside
            ]
            .concat()
        ),
        0
    );
    let passes = [
        "passes",
        "--elements",
        &tle,
        "--station",
        "A=1,2",
        "--eop",
        &eop,
    ];
    assert_eq!(warnings(&[&passes[..], &inside].concat()), 0);
    assert_eq!(warnings(&[&passes[..], &outside].concat()), 1);
}

#[test]
fn regress_oem_says_how_itrf_was_made() {
    let (tle, eop) = (sample_tle(), eop_subset());
    let oem = |extra: &[&str]| {
        let base = [
            "propagate",
            "--elements",
            &tle,
            "--format",
            "oem",
            "--start",
            START,
            "--end",
            START,
        ];
        ok(&[&base[..], extra].concat())
    };
    let comment = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("COMMENT ITRF"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        comment(&oem(&["--frame", "itrf"])),
        ["COMMENT ITRF from GMST-1982 with UT1 = UTC and no polar motion (no --eop file given)"]
    );
    assert_eq!(
        comment(&oem(&["--frame", "itrf", "--eop", &eop])),
        ["COMMENT ITRF from GMST-1982 of UT1 and polar motion from finals2000A.subset"]
    );
    assert!(comment(&oem(&[])).is_empty());
}
