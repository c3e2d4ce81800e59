//! `skytwin eclipses`: columns, clipping, order.

use super::common::{END, START, csv, ok, sample_tle};
use orbit::parse_utc;

#[test]
fn regress_eclipses_columns_clipping_and_order() {
    let out = ok(&[
        "eclipses",
        "--elements",
        &sample_tle(),
        "--start",
        START,
        "--end",
        END,
    ]);
    let (header, rows) = csv(&out);
    assert_eq!(
        header.join(","),
        "object_id,kind,start_utc,end_utc,duration_s"
    );
    assert!(
        rows.iter()
            .all(|r| r["kind"] == "penumbra" || r["kind"] == "umbra")
    );
    // the ISS is in the Earth's shadow at the window start: both intervals clipped to it
    let clipped: Vec<_> = rows
        .iter()
        .filter(|r| r["start_utc"] == "2018-01-20T06:00:00.000Z")
        .collect();
    assert_eq!(clipped.len(), 2);
    assert!(clipped.iter().all(|r| r["object_id"] == "25544"));
    assert_eq!(
        (clipped[0]["kind"].as_str(), clipped[1]["kind"].as_str()),
        ("penumbra", "umbra")
    );
    // the Molniya's last shadow is still running at the end: clipped to the window end
    let last = rows.iter().rfind(|r| r["object_id"] == "15429").unwrap();
    assert_eq!(last["end_utc"], "2018-01-21T18:00:00.000Z");
    // GOES 16 has no eclipse in January
    assert!(rows.iter().all(|r| r["object_id"] != "41866"));
    // sorted by start; each umbra inside a penumbra of the same object
    let start =
        |r: &std::collections::BTreeMap<String, String>| parse_utc(&r["start_utc"]).unwrap();
    let end = |r: &std::collections::BTreeMap<String, String>| parse_utc(&r["end_utc"]).unwrap();
    assert!(rows.windows(2).all(|w| start(&w[0]) <= start(&w[1])));
    for u in rows.iter().filter(|r| r["kind"] == "umbra") {
        assert!(rows.iter().any(|p| p["kind"] == "penumbra"
            && p["object_id"] == u["object_id"]
            && start(p) <= start(u)
            && end(u) <= end(p)));
    }
    for r in &rows {
        let d: f64 = r["duration_s"].parse().unwrap();
        assert!(((end(r) - start(r)).to_seconds() - d).abs() < 1e-3);
    }
}

#[test]
fn regress_relative_window() {
    let (_, rows) = csv(&ok(&[
        "eclipses",
        "--elements",
        &sample_tle(),
        "--start",
        "epoch",
        "--end",
        "epoch+3h",
    ]));
    assert!(rows.iter().any(|r| r["object_id"] == "25544"));
}
