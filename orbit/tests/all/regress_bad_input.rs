//! Table-driven bad-input tests: each broken TLE / OMM gives the right error kind, and the
//! error names the file, the line and the column range or field.

use orbit::elements::tle::checksum;
use orbit::{ElementsError, parse_elements};

const NAME: &str = "ISS (ZARYA)";
const L1: &str = "1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992";
const L2: &str = "2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008";

/// Replaces columns `start..=end` (1-based) and recomputes the checksum.
fn edit(line: &str, start: usize, text: &str) -> String {
    let mut s = line.to_owned();
    s.replace_range(start - 1..start - 1 + text.len(), text);
    format!("{}{}", &s[..68], checksum(&s))
}

#[test]
fn regress_good_tle_variants_read() {
    let ok = |text: String| parse_elements(&text, "ok.tle").unwrap_or_else(|e| panic!("{e}"));
    // 3LE with CRLF and trailing spaces
    let sets = ok(format!("{NAME}  \r\n{L1}   \r\n{L2}\t\r\n"));
    assert_eq!(sets[0].name.as_deref(), Some(NAME));
    // 2LE, blank lines, no final newline
    assert_eq!(ok(format!("\n{L1}\n\n{L2}")).len(), 1);
    // Space-Track "0 NAME" form
    assert_eq!(
        ok(format!("0 {NAME}\n{L1}\n{L2}\n"))[0].name.as_deref(),
        Some(NAME)
    );
    // Alpha-5 on both lines
    let (a1, a2) = (edit(L1, 3, "A0001"), edit(L2, 3, "A0001"));
    let sets = ok(format!("{a1}\n{a2}\n"));
    assert_eq!(
        (sets[0].norad_id, sets[0].object_id.as_str()),
        (100_001, "100001")
    );
    // several sets
    assert_eq!(
        ok(format!("{NAME}\n{L1}\n{L2}\nCOPY\n{L1}\n{L2}\n")).len(),
        2
    );
}

/// What a bad TLE must produce: the variant, and the line/columns it must name.
#[derive(Debug)]
enum Expect {
    Checksum {
        line: usize,
        expected: u8,
        found: char,
    },
    LineLength {
        line: usize,
        tle_line: u8,
        length: usize,
    },
    NonAscii {
        line: usize,
        column: usize,
        code: u32,
    },
    Structure {
        line: usize,
    },
    Mismatch {
        line: usize,
    },
    Field {
        line: usize,
        start: usize,
        end: usize,
        field: &'static str,
    },
    OutOfRange {
        line: usize,
        location: &'static str,
    },
    Xp {
        line: usize,
    },
}

#[test]
fn regress_bad_tle_table() {
    let bad_checksum = format!("{}9", &L2[..68]);
    let short = &L1[..60];
    let nbsp = L1.replacen("U 98067A", "U\u{a0}98067A", 1);
    let mismatched = edit(L2, 3, "25545");
    let bad_ecc = edit(L2, 27, "00x1413");
    let bad_day = edit(L1, 21, "400.88612269");
    let xp = edit(L1, 63, "4");
    let fast = edit(L2, 53, "25.49507896");
    let tilted = edit(L2, 9, "200.0000");
    let secret = edit(L1, 8, "X");
    let no_separator = edit(L2, 8, "0");
    let bad_catalogue = edit(L1, 3, "I0001");
    let bad_bstar = edit(L1, 54, " 3x515-4");
    let long = format!("{L2}     0.00      4320.0        360.00");
    let cases: Vec<(&str, String, Expect)> = vec![
        (
            "checksum",
            format!("{NAME}\n{L1}\n{bad_checksum}\n"),
            Expect::Checksum {
                line: 3,
                expected: 8,
                found: '9',
            },
        ),
        (
            "short line",
            format!("{NAME}\n{short}\n{L2}\n"),
            Expect::LineLength {
                line: 2,
                tle_line: 1,
                length: 60,
            },
        ),
        (
            "long line",
            format!("{L1}\n{long}\n"),
            Expect::LineLength {
                line: 2,
                tle_line: 2,
                length: 104,
            },
        ),
        (
            "no-break space",
            format!("{NAME}\n{nbsp}\n{L2}\n"),
            Expect::NonAscii {
                line: 2,
                column: 9,
                code: 0xA0,
            },
        ),
        (
            "swapped lines",
            format!("{NAME}\n{L2}\n{L1}\n"),
            Expect::Structure { line: 1 },
        ),
        (
            "swapped 2LE",
            format!("{L2}\n{L1}\n"),
            Expect::Structure { line: 1 },
        ),
        (
            "line 2 missing",
            format!("{NAME}\n{L1}\n"),
            Expect::Structure { line: 2 },
        ),
        (
            "line 2 missing mid-file",
            format!("{L1}\n{L1}\n{L2}\n"),
            Expect::Structure { line: 1 },
        ),
        (
            "name only",
            format!("{L1}\n{L2}\nLONELY NAME\n"),
            Expect::Structure { line: 3 },
        ),
        (
            "two names",
            format!("A\nB\n{L1}\n{L2}\n"),
            Expect::Structure { line: 1 },
        ),
        (
            "mismatched numbers",
            format!("{NAME}\n{L1}\n{mismatched}\n"),
            Expect::Mismatch { line: 3 },
        ),
        (
            "bad eccentricity",
            format!("{L1}\n{bad_ecc}\n"),
            Expect::Field {
                line: 2,
                start: 27,
                end: 33,
                field: "eccentricity",
            },
        ),
        (
            "bad epoch day",
            format!("{bad_day}\n{L2}\n"),
            Expect::Field {
                line: 1,
                start: 21,
                end: 32,
                field: "epoch day",
            },
        ),
        (
            "bad classification",
            format!("{secret}\n{L2}\n"),
            Expect::Field {
                line: 1,
                start: 8,
                end: 8,
                field: "classification",
            },
        ),
        (
            "missing separator",
            format!("{L1}\n{no_separator}\n"),
            Expect::Field {
                line: 2,
                start: 8,
                end: 8,
                field: "separator",
            },
        ),
        (
            "bad catalogue number",
            format!("{bad_catalogue}\n{L2}\n"),
            Expect::Field {
                line: 1,
                start: 3,
                end: 7,
                field: "catalogue number",
            },
        ),
        (
            "bad B*",
            format!("{bad_bstar}\n{L2}\n"),
            Expect::Field {
                line: 1,
                start: 54,
                end: 61,
                field: "B*",
            },
        ),
        (
            "SGP4-XP",
            format!("{NAME}\n{xp}\n{L2}\n"),
            Expect::Xp { line: 2 },
        ),
        (
            "mean motion 25",
            format!("{L1}\n{fast}\n"),
            Expect::OutOfRange {
                line: 2,
                location: "columns 53-63 (mean motion)",
            },
        ),
        (
            "inclination 200",
            format!("{L1}\n{tilted}\n"),
            Expect::OutOfRange {
                line: 2,
                location: "columns 9-16 (inclination)",
            },
        ),
    ];
    for (what, text, expect) in cases {
        let err = parse_elements(&text, "bad.tle").expect_err(what);
        let message = err.to_string();
        let named_line = match (&err, &expect) {
            (
                ElementsError::Checksum {
                    line,
                    expected,
                    found,
                    ..
                },
                Expect::Checksum {
                    line: l,
                    expected: e,
                    found: f,
                },
            ) => {
                assert_eq!((line, expected, found), (l, e, f), "{what}");
                *line
            }
            (
                ElementsError::LineLength {
                    line,
                    tle_line,
                    length,
                    ..
                },
                Expect::LineLength {
                    line: l,
                    tle_line: t,
                    length: n,
                },
            ) => {
                assert_eq!((line, tle_line, length), (l, t, n), "{what}");
                *line
            }
            (
                ElementsError::NonAscii {
                    line, column, code, ..
                },
                Expect::NonAscii {
                    line: l,
                    column: c,
                    code: k,
                },
            ) => {
                assert_eq!((line, column, code), (l, c, k), "{what}");
                assert!(
                    message.contains(&format!("column {c}")),
                    "{what}: {message}"
                );
                *line
            }
            (ElementsError::Structure { line, .. }, Expect::Structure { line: l }) => {
                assert_eq!(line, l, "{what}: {message}");
                *line
            }
            (ElementsError::CatalogueMismatch { line, .. }, Expect::Mismatch { line: l }) => {
                assert_eq!(line, l, "{what}");
                assert!(message.contains("columns 3-7"), "{message}");
                *line
            }
            (
                ElementsError::TleField {
                    line,
                    start,
                    end,
                    field,
                    ..
                },
                Expect::Field {
                    line: l,
                    start: s,
                    end: e,
                    field: f,
                },
            ) => {
                assert_eq!((line, start, end, field), (l, s, e, f), "{what}");
                assert!(
                    message.contains(&format!("columns {s}-{e}")),
                    "{what}: {message}"
                );
                *line
            }
            (
                ElementsError::OutOfRange { line, location, .. },
                Expect::OutOfRange {
                    line: l,
                    location: loc,
                },
            ) => {
                assert_eq!((line, location.as_str()), (l, *loc), "{what}");
                *line
            }
            (ElementsError::EphemerisTypeXp { line, location, .. }, Expect::Xp { line: l }) => {
                assert_eq!(line, l, "{what}");
                assert!(
                    location.contains("column 63") || location.contains("columns 63-63"),
                    "{location}"
                );
                assert!(message.contains("SGP4-XP"), "{message}");
                *line
            }
            (e, x) => panic!("{what}: got {e:?}, expected {x:?}"),
        };
        assert!(
            message.starts_with(&format!("bad.tle:{named_line}:")),
            "{what}: {message}"
        );
        assert!(
            message.contains("expected"),
            "{what}: message does not say what was expected: {message}"
        );
    }
}

const OMM: &str = r#"[
  {
    "OBJECT_NAME": "ISS (ZARYA)",
    "OBJECT_ID": "1998-067A",
    "EPOCH": "2020-07-12T21:16:01.000416",
    "MEAN_MOTION": 15.49507896,
    "ECCENTRICITY": 0.0001413,
    "INCLINATION": 51.6461,
    "RA_OF_ASC_NODE": 221.2784,
    "ARG_OF_PERICENTER": 89.1723,
    "MEAN_ANOMALY": 280.4612,
    "EPHEMERIS_TYPE": 0,
    "CLASSIFICATION_TYPE": "U",
    "NORAD_CAT_ID": 25544,
    "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 23600,
    "BSTAR": -3.1515e-5,
    "MEAN_MOTION_DOT": -2.218e-5,
    "MEAN_MOTION_DDOT": 0
  }
]
"#;

/// The 1-based line of `"FIELD"` in the OMM text above.
fn line_of(text: &str, field: &str) -> usize {
    text.lines()
        .position(|l| l.contains(&format!("\"{field}\"")))
        .unwrap()
        + 1
}

#[test]
fn regress_bad_omm_json_table() {
    assert_eq!(parse_elements(OMM, "ok.json").unwrap()[0].norad_id, 25544);
    // catalogue numbers past Alpha-5 work through OMM
    let big = OMM.replace("25544", "412345");
    assert_eq!(
        parse_elements(&big, "big.json").unwrap()[0].object_id,
        "412345"
    );

    let cases: Vec<(&str, String, &str, &str)> = vec![
        // (what, text, field the error must name, kind)
        (
            "e = 1",
            OMM.replace("0.0001413", "1.0"),
            "ECCENTRICITY",
            "range",
        ),
        (
            "e = 1.5",
            OMM.replace("0.0001413", "1.5"),
            "ECCENTRICITY",
            "range",
        ),
        (
            "e < 0",
            OMM.replace("0.0001413", "-0.1"),
            "ECCENTRICITY",
            "range",
        ),
        (
            "n = 0",
            OMM.replace("15.49507896", "0"),
            "MEAN_MOTION",
            "range",
        ),
        (
            "n < 0",
            OMM.replace("15.49507896", "-15.5"),
            "MEAN_MOTION",
            "range",
        ),
        (
            "n = 1e308",
            OMM.replace("15.49507896", "1e308"),
            "MEAN_MOTION",
            "range",
        ),
        (
            "inclination 720",
            OMM.replace("51.6461", "720"),
            "INCLINATION",
            "range",
        ),
        (
            "mean anomaly -10",
            OMM.replace("280.4612", "-10"),
            "MEAN_ANOMALY",
            "range",
        ),
        (
            "NaN as text",
            OMM.replace("221.2784", "\"NaN\""),
            "RA_OF_ASC_NODE",
            "range",
        ),
        (
            "SGP4-XP",
            OMM.replace("\"EPHEMERIS_TYPE\": 0", "\"EPHEMERIS_TYPE\": 4"),
            "EPHEMERIS_TYPE",
            "xp",
        ),
        (
            "text for a number",
            OMM.replace("15.49507896", "\"fast\""),
            "MEAN_MOTION",
            "field",
        ),
        (
            "bad epoch",
            OMM.replace("2020-07-12T21:16:01.000416", "2020-13-12T21:16:01"),
            "EPOCH",
            "field",
        ),
        (
            "bad catalogue number",
            OMM.replace("25544", "\"ISS\""),
            "NORAD_CAT_ID",
            "field",
        ),
        (
            "bad classification",
            OMM.replace("\"U\"", "\"X\""),
            "CLASSIFICATION_TYPE",
            "field",
        ),
        (
            "missing MEAN_MOTION",
            OMM.replace("    \"MEAN_MOTION\": 15.49507896,\n", ""),
            "MEAN_MOTION",
            "missing",
        ),
        (
            "missing EPOCH",
            OMM.replace("    \"EPOCH\": \"2020-07-12T21:16:01.000416\",\n", ""),
            "EPOCH",
            "missing",
        ),
        (
            "null BSTAR",
            OMM.replace("-3.1515e-5", "null"),
            "BSTAR",
            "missing",
        ),
    ];
    for (what, text, field, kind) in cases {
        let err = parse_elements(&text, "bad.json").expect_err(what);
        let message = err.to_string();
        let line = match (&err, kind) {
            (ElementsError::OutOfRange { line, location, .. }, "range") => {
                assert_eq!(location, &format!("field {field}"), "{what}");
                assert_eq!(*line, line_of(&text, field), "{what}");
                *line
            }
            (ElementsError::EphemerisTypeXp { line, location, .. }, "xp") => {
                assert_eq!(location, &format!("field {field}"), "{what}");
                *line
            }
            (ElementsError::OmmField { line, field: f, .. }, "field") => {
                assert_eq!(f, field, "{what}");
                assert_eq!(*line, line_of(&text, field), "{what}");
                *line
            }
            (ElementsError::OmmMissingField { line, field: f, .. }, "missing") => {
                assert_eq!(*f, field, "{what}");
                assert_eq!(*line, 2, "{what}: the record starts on line 2");
                *line
            }
            (e, k) => panic!("{what}: got {e:?}, expected kind {k}"),
        };
        assert!(
            message.starts_with(&format!("bad.json:{line}:")),
            "{what}: {message}"
        );
        assert!(message.contains(field), "{what}: {message}");
        assert!(message.contains("expected"), "{what}: {message}");
    }
    // JSON syntax errors give line and column
    match parse_elements(
        &OMM.replace("\"INCLINATION\": 51.6461,", "\"INCLINATION\": 51.6461"),
        "broken.json",
    ) {
        Err(ElementsError::Json { line, column, .. }) => {
            assert_eq!((line, column), (line_of(OMM, "RA_OF_ASC_NODE"), 5))
        }
        other => panic!("{other:?}"),
    }
    // an array of something else
    assert!(matches!(
        parse_elements("[1, 2]", "nums.json"),
        Err(ElementsError::Json { .. })
    ));
    assert!(matches!(
        parse_elements("[]", "empty.json"),
        Err(ElementsError::Empty { .. })
    ));
}

#[test]
fn regress_bad_omm_csv_table() {
    let header = "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT";
    let row = "ISS (ZARYA),1998-067A,2020-07-12T21:16:01.000416,15.49507896,.0001413,51.6461,221.2784,89.1723,280.4612,0,U,25544,999,23600,-.31515E-4,-.2218E-4,0";
    let good = format!("{header}\n{row}\n{row}\n");
    assert_eq!(parse_elements(&good, "ok.csv").unwrap().len(), 2);
    let cases: Vec<(&str, String, &str)> = vec![
        ("e >= 1", row.replace(".0001413", "1.2"), "ECCENTRICITY"),
        ("n <= 0", row.replace("15.49507896", "-1"), "MEAN_MOTION"),
        (
            "inclination 720",
            row.replace("51.6461", "720"),
            "INCLINATION",
        ),
        (
            "mean motion 1e308",
            row.replace("15.49507896", "1e308"),
            "MEAN_MOTION",
        ),
        (
            "missing value",
            row.replace("15.49507896", ""),
            "MEAN_MOTION",
        ),
        (
            "text for a number",
            row.replace("51.6461", "steep"),
            "INCLINATION",
        ),
    ];
    for (what, bad_row, field) in cases {
        let text = format!("{header}\n{row}\n{bad_row}\n");
        let err = parse_elements(&text, "bad.csv").expect_err(what);
        let message = err.to_string();
        let line = match &err {
            ElementsError::OutOfRange { line, .. }
            | ElementsError::OmmField { line, .. }
            | ElementsError::OmmMissingField { line, .. } => *line,
            other => panic!("{what}: {other:?}"),
        };
        assert_eq!(line, 3, "{what}");
        assert!(message.starts_with("bad.csv:3:"), "{what}: {message}");
        assert!(message.contains(field), "{what}: {message}");
    }
    let short_row = row.rsplit_once(',').unwrap().0;
    match parse_elements(&format!("{header}\n{short_row}\n"), "short.csv") {
        Err(ElementsError::CsvFieldCount {
            line: 2,
            expected: 17,
            found: 16,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // a missing required column is named
    let no_bstar_header = header.replace(",BSTAR", "");
    let no_bstar_row = row.replace(",-.31515E-4", "");
    match parse_elements(&format!("{no_bstar_header}\n{no_bstar_row}\n"), "nob.csv") {
        Err(ElementsError::OmmMissingField {
            line: 2,
            field: "BSTAR",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn regress_json_scalars_are_omm_json_not_tle() {
    for text in ["\"hello\"", "42", "true", "null", "  \"hello\"\n"] {
        match parse_elements(text, "scalar.json") {
            Err(e @ ElementsError::Json { line: 1, .. }) => {
                let m = e.to_string();
                assert!(
                    m.contains("expected an array of OMM objects"),
                    "{text}: {m}"
                );
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn regress_out_of_range_values_are_echoed_as_written() {
    let text = OMM.replace("15.49507896", "1e308");
    let m = parse_elements(&text, "big.json").unwrap_err().to_string();
    assert!(
        m.contains("field MEAN_MOTION: 1e308 is out of range"),
        "{m}"
    );
    assert!(m.len() < 200, "{m}");
    // degrees as written, not after a radian round trip
    let m = parse_elements(&OMM.replace("51.6461", "720"), "inc.json")
        .unwrap_err()
        .to_string();
    assert!(m.contains("field INCLINATION: 720 is out of range"), "{m}");
    // TLE: the columns' text
    let l2 = "2 25544  51.6424  32.9776 0003646  28.7227  39.5332 25.54190080 95614";
    let l2 = format!("{}{}", &l2[..68], checksum(l2));
    let l1 = "1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992";
    let m = parse_elements(&format!("{l1}\n{l2}\n"), "fast.tle")
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("columns 53-63 (mean motion): 25.54190080 is out of range"),
        "{m}"
    );
}

#[test]
fn regress_truncated_json_points_at_the_end_of_the_text() {
    let cut = &OMM[..OMM.find("\"INCLINATION\"").unwrap()];
    let cut = format!("{}\n\n", cut.trim_end());
    let last_line = cut.trim_end().lines().count();
    let last_len = cut.trim_end().lines().last().unwrap().chars().count();
    match parse_elements(&cut, "cut.json") {
        Err(e @ ElementsError::Json { .. }) => {
            let ElementsError::Json { line, column, .. } = &e else {
                panic!("{e:?}")
            };
            assert_eq!((*line, *column), (last_line, last_len + 1), "{e}");
            let m = e.to_string();
            assert!(m.contains("ends early"), "{m}");
            assert!(!m.contains("column 0"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn regress_epochs_outside_the_space_age_are_rejected() {
    for (epoch, ok) in [
        ("0001-01-01T00:00:00", false),
        ("1956-12-31T23:59:59.999", false),
        ("1957-01-01T00:00:00", true),
        ("2099-12-31T23:59:59", true),
        ("2100-01-01T00:00:00.000001", false),
        ("9999-01-01T00:00:00", false),
    ] {
        let text = OMM.replace("2020-07-12T21:16:01.000416", epoch);
        match parse_elements(&text, "e.json") {
            Ok(_) if ok => {}
            Err(e @ ElementsError::OutOfRange { .. }) if !ok => {
                let m = e.to_string();
                let line = line_of(&text, "EPOCH");
                assert!(
                    m.starts_with(&format!("e.json:{line}: field EPOCH: {epoch}")),
                    "{m}"
                );
                assert!(m.contains("1957-01-01 to 2100-01-01"), "{m}");
            }
            other => panic!("{epoch}: {other:?}"),
        }
    }
}

#[test]
fn regress_duplicate_omm_csv_columns_are_rejected() {
    let text = "NORAD_CAT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,BSTAR,mean_motion\n\
        25544,2020-07-12T21:16:01.000416,15.49507896,.0001413,51.6461,221.2784,89.1723,280.4612,-.31515E-4,1.0\n";
    match parse_elements(text, "dup.csv") {
        Err(e @ ElementsError::CsvDuplicateColumn { .. }) => {
            assert_eq!(
                e,
                ElementsError::CsvDuplicateColumn {
                    file: "dup.csv".into(),
                    line: 1,
                    column: "MEAN_MOTION".into(),
                    first: 3,
                    second: 10,
                }
            );
            assert!(
                e.to_string()
                    .starts_with("dup.csv:1: header names column MEAN_MOTION twice")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn regress_control_characters_in_omm_names_are_rejected() {
    // a newline in OBJECT_NAME would forge lines of an OEM file
    let text = OMM.replace("ISS (ZARYA)", "ISS\\nREF_FRAME = ITRF");
    match parse_elements(&text, "nl.json") {
        Err(ElementsError::OmmField { field, line, .. }) => {
            assert_eq!(
                (field.as_str(), line),
                ("OBJECT_NAME", line_of(&text, "OBJECT_NAME"))
            );
        }
        other => panic!("{other:?}"),
    }
}
