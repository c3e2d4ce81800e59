//! `--sgp4-mode improved|afspc` is wired through `propagate`, `passes` and `eclipses`: for a
//! deep-space set where the modes differ (Vallado's 23599, the "Lyddane bug" case, i = 6.9°)
//! the CLI gives the library's AFSPC-compatible results, ~1 km from improved mode a day on.

use super::common::{csv, ok, repo, temp_dir};
use orbit::{
    EarthOrientation, Geodetic, Propagator, Sgp4Mode, Station, format_utc, load_elements,
    parse_utc, search_eclipses, search_passes,
};
use std::path::Path;

/// 23599 from Vallado's verification file, cut to 69 columns.
fn ariane(dir: &Path) -> String {
    let text = std::fs::read_to_string(repo("orbit/tests/data/vallado/SGP4-VER.TLE")).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("1 23599") || l.starts_with("2 23599"))
        .map(|l| &l[..69])
        .collect();
    assert_eq!(lines.len(), 2);
    let path = dir.join("23599.tle");
    std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    path.display().to_string()
}

fn propagator(file: &str, mode: Sgp4Mode) -> Propagator {
    let set = load_elements(Path::new(file)).unwrap().remove(0);
    Propagator::with_mode(&set, mode).unwrap()
}

#[test]
fn regress_propagate_sgp4_mode_afspc_is_the_librarys_afspc_mode() {
    let dir = temp_dir();
    let file = ariane(dir.path());
    let rows = |mode: &str| {
        let out = ok(&[
            "propagate",
            "--elements",
            &file,
            "--sgp4-mode",
            mode,
            "--start",
            "epoch",
            "--end",
            "epoch+2d",
            "--step",
            "6h",
        ]);
        csv(&out).1
    };
    let (improved, afspc) = (rows("improved"), rows("afspc"));
    assert_eq!(improved.len(), 9);
    let lib = propagator(&file, Sgp4Mode::AfspcCompatible);
    for a in &afspc {
        let t = parse_utc(&a["time_utc"]).unwrap();
        let s = lib.state_at(t).unwrap();
        assert_eq!(a["x_km"], format!("{:.9}", s.pos_teme_km.x));
        assert_eq!(a["z_km"], format!("{:.9}", s.pos_teme_km.z));
        assert_eq!(a["vy_km_s"], format!("{:.12}", s.vel_teme_km_s.y));
    }
    let at_two_days = |r: &std::collections::BTreeMap<String, String>| {
        ["x_km", "y_km", "z_km"].map(|k| r[k].parse::<f64>().unwrap())
    };
    let (a, b) = (at_two_days(&afspc[8]), at_two_days(&improved[8]));
    let d_km = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
    assert!(d_km > 0.1, "the modes differ by only {d_km} km");
    // the default is improved mode
    let default = ok(&[
        "propagate",
        "--elements",
        &file,
        "--start",
        "epoch",
        "--end",
        "epoch+2d",
        "--step",
        "6h",
    ]);
    assert_eq!(csv(&default).1, improved);
    // and the OEM says which mode made it
    let oem = ok(&[
        "propagate",
        "--elements",
        &file,
        "--sgp4-mode",
        "afspc",
        "--format",
        "oem",
        "--end",
        "epoch",
    ]);
    assert!(
        oem.contains("SGP4/SDP4 (AFSPC-compatible mode, WGS-72)"),
        "{oem}"
    );
}

#[test]
fn regress_passes_and_eclipses_take_the_sgp4_mode() {
    let dir = temp_dir();
    let file = ariane(dir.path());
    let passes = |mode: &str| {
        ok(&[
            "passes",
            "--elements",
            &file,
            "--sgp4-mode",
            mode,
            "--station",
            "Kourou=5.2,-52.8",
            "--start",
            "epoch",
            "--end",
            "epoch+2d",
        ])
    };
    let eclipses = |mode: &str| {
        ok(&[
            "eclipses",
            "--elements",
            &file,
            "--sgp4-mode",
            mode,
            "--start",
            "epoch",
            "--end",
            "epoch+2d",
        ])
    };
    let (p_afspc, e_afspc) = (passes("afspc"), eclipses("afspc"));
    assert_ne!(p_afspc, passes("improved"));
    assert_ne!(e_afspc, eclipses("improved"));
    let lib = propagator(&file, Sgp4Mode::AfspcCompatible);
    let (start, end) = (
        lib.epoch(),
        lib.epoch() + orbit::Duration::from_seconds(172_800.0),
    );
    let kourou = Station {
        name: "Kourou".into(),
        location: Geodetic::from_degrees(5.2, -52.8, 0.0),
        min_elevation_rad: 0.0,
    };
    let expected = search_passes(&lib, &[kourou], start, end, &EarthOrientation::default())
        .unwrap()
        .passes;
    let rows = csv(&p_afspc).1;
    assert_eq!(rows.len(), expected.len());
    assert!(!rows.is_empty());
    for (r, p) in rows.iter().zip(&expected) {
        assert_eq!(r["aos_utc"], format_utc(p.aos));
        assert_eq!(r["tca_utc"], format_utc(p.tca));
        assert_eq!(r["los_utc"], format_utc(p.los));
        assert_eq!(
            r["max_elevation_deg"],
            format!("{:.4}", p.max_elevation_rad.to_degrees())
        );
    }
    let expected = search_eclipses(&lib, start, end).unwrap().intervals;
    let rows = csv(&e_afspc).1;
    assert_eq!(rows.len(), expected.len());
    assert!(!rows.is_empty());
    for (r, e) in rows.iter().zip(&expected) {
        assert_eq!(r["kind"], e.kind.as_str());
        assert_eq!(r["start_utc"], format_utc(e.start));
        assert_eq!(r["end_utc"], format_utc(e.end));
    }
}
