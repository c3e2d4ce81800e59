//! Comparison with Skyfield golden data (`tests/data/skyfield/`, see its README): Earth
//! orientation, TEME, ITRS (≤ 1 mm with the same UT1 and polar motion; velocity ≤ 1 µm/s once
//! put in Skyfield's convention), geodetic, passes (≤ 0.5 s), shadow transitions (inside our
//! penumbra interval ± 2 s) and the Sun.

use orbit::{
    Duration, EarthOrientation, Epoch, Geodetic, Propagator, ShadowState, Station, Vector3,
    constants::{ARCSEC_TO_RAD, EARTH_ROTATION_RAD_S},
    find_eclipses, itrf_to_geodetic, load_elements, parse_utc, search_passes, sun_position_teme_km,
    teme_to_itrf,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/skyfield")
        .join(name)
}

/// Rows of a CSV file as maps from column name to text.
fn csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(data(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn f(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key}: {:?}", row[key]))
}

fn t(row: &BTreeMap<String, String>, key: &str) -> Epoch {
    parse_utc(&row[key]).unwrap()
}

fn v3(row: &BTreeMap<String, String>, keys: [&str; 3]) -> Vector3<f64> {
    Vector3::new(f(row, keys[0]), f(row, keys[1]), f(row, keys[2]))
}

fn propagators() -> BTreeMap<String, Propagator> {
    load_elements(&data("objects.tle"))
        .unwrap()
        .iter()
        .map(|e| (e.object_id.clone(), Propagator::new(e).unwrap()))
        .collect()
}

fn eop() -> EarthOrientation {
    EarthOrientation::from_finals2000a(&data("finals2000A.subset")).unwrap()
}

fn window() -> (Epoch, Epoch) {
    let text = std::fs::read_to_string(data("window.txt")).unwrap();
    let mut lines = text.lines();
    (
        parse_utc(lines.next().unwrap()).unwrap(),
        parse_utc(lines.next().unwrap()).unwrap(),
    )
}

#[test]
fn val_skyfield_earth_orientation_from_the_same_table() {
    let eop = eop();
    let rows = csv("itrs.csv");
    assert_eq!(rows.len(), 888);
    for row in &rows {
        let time = t(row, "time_utc");
        let dut1 = eop.ut1_minus_utc(time).to_seconds();
        assert!(
            (dut1 - f(row, "ut1_minus_utc_s")).abs() < 1e-8,
            "{}: UT1-UTC {dut1}",
            row["time_utc"]
        );
        let (xp, yp) = eop.polar_motion_rad(time);
        assert!((xp / ARCSEC_TO_RAD - f(row, "xp_arcsec")).abs() < 1e-8);
        assert!((yp / ARCSEC_TO_RAD - f(row, "yp_arcsec")).abs() < 1e-8);
    }
}

#[test]
fn val_skyfield_teme_itrs_and_geodetic() {
    let props = propagators();
    let eop = eop();
    let (teme, itrs, geo) = (csv("teme.csv"), csv("itrs.csv"), csv("geodetic.csv"));
    assert_eq!((teme.len(), geo.len()), (itrs.len(), itrs.len()));
    let (
        mut worst_teme_km,
        mut worst_itrs_km,
        mut worst_itrs_v,
        mut worst_lat_deg,
        mut worst_alt_km,
    ) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for ((te, it), ge) in teme.iter().zip(&itrs).zip(&geo) {
        assert_eq!(
            (&te["object_id"], &te["time_utc"]),
            (&it["object_id"], &it["time_utc"])
        );
        let prop = &props[&te["object_id"]];
        let time = t(te, "time_utc");
        let state = prop.state_at(time).unwrap();
        // TEME: our SGP4 against python-sgp4 through Skyfield
        let d_teme = (state.pos_teme_km - v3(te, ["x_km", "y_km", "z_km"])).norm();
        let dv_teme = (state.vel_teme_km_s - v3(te, ["vx_km_s", "vy_km_s", "vz_km_s"])).norm();
        assert!(
            d_teme < 1e-6,
            "{} {}: TEME off by {} mm",
            te["object_id"],
            te["time_utc"],
            d_teme * 1e6
        );
        assert!(dv_teme < 1e-8, "TEME velocity off by {dv_teme} km/s");
        worst_teme_km = worst_teme_km.max(d_teme);
        // ITRS with the same UT1 and polar motion: within 0.1 mm (without the TIO locator s′
        // GEO rows would be 1.7 mm off)
        let (r, v) = teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, time, &eop);
        let d_itrs = (r - v3(it, ["x_km", "y_km", "z_km"])).norm();
        assert!(
            d_itrs < 1e-7,
            "{} {}: ITRS off by {} mm",
            it["object_id"],
            it["time_utc"],
            d_itrs * 1e6
        );
        // velocity: Skyfield applies ω × r after polar motion (README caveat); in its
        // convention ours agrees to 1 µm/s
        let dv =
            (skyfield_itrs_velocity(&r, &v, it) - v3(it, ["vx_km_s", "vy_km_s", "vz_km_s"])).norm();
        assert!(
            dv < 1e-9,
            "{} {}: ITRS velocity off by {} um/s",
            it["object_id"],
            it["time_utc"],
            dv * 1e9
        );
        worst_itrs_km = worst_itrs_km.max(d_itrs);
        worst_itrs_v = worst_itrs_v.max(dv);
        // geodetic from our ITRS; Skyfield stops its latitude iteration at ~2e-8 deg
        let g = itrf_to_geodetic(&r);
        let dlat = (g.lat_rad.to_degrees() - f(ge, "lat_deg")).abs();
        let dlon =
            ((g.lon_rad.to_degrees() - f(ge, "lon_deg") + 540.0).rem_euclid(360.0) - 180.0).abs();
        let dalt = (g.alt_km - f(ge, "alt_km")).abs();
        assert!(
            dlat < 1e-7 && dlon < 1e-7,
            "{} {}: lat {dlat} lon {dlon} deg",
            ge["object_id"],
            ge["time_utc"]
        );
        assert!(
            dalt < 1e-5,
            "{} {}: alt {dalt} km",
            ge["object_id"],
            ge["time_utc"]
        );
        worst_lat_deg = worst_lat_deg.max(dlat);
        worst_alt_km = worst_alt_km.max(dalt);
    }
    eprintln!(
        "worst: TEME {:.4} mm, ITRS {:.4} mm, ITRS velocity {:.4} um/s, latitude {:.1e} deg, height {:.4} mm",
        worst_teme_km * 1e6,
        worst_itrs_km * 1e6,
        worst_itrs_v * 1e9,
        worst_lat_deg,
        worst_alt_km * 1e6
    );
}

/// Skyfield's rotation rate for ITRS velocities, rad/s (`skyfield.constants.ANGVEL`).
const SKYFIELD_ANGVEL_RAD_S: f64 = 7.2921150e-5;

/// Our ITRS velocity `v = W (R v_TEME − ω ẑ × r_PEF) = W R v_TEME − ω p × r` (p = W ẑ, the
/// celestial intermediate pole in ITRS) put in Skyfield 1.55's convention,
/// `v_S = W R v_TEME − ω_S ẑ × r` (`itrs._dRdt_times_RT_at`: the Earth's rotation about the
/// ITRS z axis after polar motion): `v_S = v + ω p × r − ω_S ẑ × r`, with
/// p = R1(−y_p) R2(−x_p) ẑ = (sin x_p, −sin y_p cos x_p, cos y_p cos x_p) (s′ turns about p
/// and leaves it) and x_p, y_p from the row.
fn skyfield_itrs_velocity(
    r: &Vector3<f64>,
    v: &Vector3<f64>,
    row: &BTreeMap<String, String>,
) -> Vector3<f64> {
    let xp = f(row, "xp_arcsec") * ARCSEC_TO_RAD;
    let yp = f(row, "yp_arcsec") * ARCSEC_TO_RAD;
    let pole = Vector3::new(xp.sin(), -yp.sin() * xp.cos(), yp.cos() * xp.cos());
    v + pole.cross(r) * EARTH_ROTATION_RAD_S - Vector3::z().cross(r) * SKYFIELD_ANGVEL_RAD_S
}

#[test]
fn val_skyfield_itrs_without_eop_is_off_by_the_ut1_rotation() {
    // Sanity of the EOP path: without the table (UT1 = UTC, no polar motion) LEO positions
    // move by |UT1-UTC| × ω⊕ × r ≈ 0.207 s × 7.29e-5 × 6800 km ≈ 100 m.
    let props = propagators();
    let row = &csv("itrs.csv")[0];
    let time = t(row, "time_utc");
    let s = props[&row["object_id"]].state_at(time).unwrap();
    let (r, _) = teme_to_itrf(
        &s.pos_teme_km,
        &s.vel_teme_km_s,
        time,
        &EarthOrientation::default(),
    );
    let d_m = (r - v3(row, ["x_km", "y_km", "z_km"])).norm() * 1e3;
    assert!((50.0..150.0).contains(&d_m), "{d_m} m");
}

fn stations(mask_deg: f64) -> Vec<Station> {
    csv("stations.csv")
        .iter()
        .map(|r| Station {
            name: r["name"].clone(),
            location: Geodetic::from_degrees(
                f(r, "lat_deg"),
                f(r, "lon_deg"),
                f(r, "alt_m") / 1000.0,
            ),
            min_elevation_rad: mask_deg.to_radians(),
        })
        .collect()
}

/// Complete passes that Skyfield 1.55's `find_events` does not report, so they are missing
/// from `passes.csv`. The Molniya sets over these stations at about 06:27-06:44 and rises
/// again at these instants, but `find_events(station, 2018-01-20T06:00, 2018-01-21T18:00)`
/// returns neither that set nor this rise (its first event is the 12:51-13:39 culmination),
/// at both masks. Checked with Skyfield's own `(sat - station).at(t).altaz()`: two seconds
/// before each instant the altitude is 0.01-0.03 deg below the mask, two seconds after it is
/// as much above, and at the instant within 1e-4 deg of the mask.
const SKYFIELD_MISSED: [(&str, &str, f64, &str); 6] = [
    ("15429", "Kiruna", 0.0, "2018-01-20T08:24:48.760Z"),
    ("15429", "Svalbard", 0.0, "2018-01-20T08:28:42.489Z"),
    ("15429", "Fairbanks", 0.0, "2018-01-20T08:50:53.392Z"),
    ("15429", "Kiruna", 10.0, "2018-01-20T08:36:31.887Z"),
    ("15429", "Svalbard", 10.0, "2018-01-20T08:40:47.319Z"),
    ("15429", "Fairbanks", 10.0, "2018-01-20T09:11:37.180Z"),
];

#[test]
fn val_skyfield_passes_within_half_a_second() {
    let props = propagators();
    let eop = eop();
    let (start, end) = window();
    let golden = csv("passes.csv");
    assert_eq!(golden.len(), 192);
    let (mut worst, mut compared, mut extra) = (0.0_f64, 0, 0);
    for mask in [0.0, 10.0] {
        let stations = stations(mask);
        for (id, prop) in &props {
            let ours = search_passes(prop, &stations, start, end, &eop).unwrap();
            assert!(ours.stopped.is_none());
            let complete: Vec<_> = ours.passes.iter().filter(|p| !p.partial).collect();
            let theirs: Vec<_> = golden
                .iter()
                .filter(|r| &r["object_id"] == id && f(r, "min_elevation_deg") == mask)
                .collect();
            // every complete pass of ours is in the golden set, except the rises Skyfield's
            // find_events misses (SKYFIELD_MISSED)
            for pass in &complete {
                let in_golden = theirs.iter().any(|r| {
                    r["station"] == pass.station
                        && (pass.aos - t(r, "aos_utc")).to_seconds().abs() <= 0.5
                });
                let missed = SKYFIELD_MISSED.iter().any(|(o, st, m, aos)| {
                    o == id
                        && *st == pass.station
                        && *m == mask
                        && (pass.aos - parse_utc(aos).unwrap()).to_seconds().abs() < 1.0
                });
                assert!(
                    in_golden || missed,
                    "{id} {} mask {mask}: our pass at AOS {:?} is not in passes.csv",
                    pass.station,
                    pass.aos
                );
                assert!(!(in_golden && missed));
                extra += usize::from(missed);
            }
            for row in theirs {
                let aos = t(row, "aos_utc");
                let pass = complete
                    .iter()
                    .find(|p| {
                        p.station == row["station"] && (p.aos - aos).to_seconds().abs() <= 0.5
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{id} {} mask {mask}: no pass at {}",
                            row["station"], row["aos_utc"]
                        )
                    });
                for (ours, key) in [
                    (pass.aos, "aos_utc"),
                    (pass.tca, "tca_utc"),
                    (pass.los, "los_utc"),
                ] {
                    // Skyfield refines its events to 0.5 s; ours are found to 0.1 s
                    let d = (ours - t(row, key)).to_seconds().abs();
                    assert!(d <= 0.5, "{id} {} {key}: {d} s", row["station"]);
                    worst = worst.max(d);
                }
                let d_el =
                    (pass.max_elevation_rad.to_degrees() - f(row, "max_elevation_deg")).abs();
                assert!(
                    d_el < 0.01,
                    "{id} {}: max elevation off by {d_el} deg",
                    row["station"]
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 192);
    assert_eq!(extra, SKYFIELD_MISSED.len());
    eprintln!("192 passes; worst event time difference {worst:.3} s");
}

#[test]
fn val_skyfield_shadow_transitions_inside_our_penumbra() {
    let props = propagators();
    let (start, end) = window();
    let golden = csv("sunlit.csv");
    assert_eq!(golden.len(), 95);
    let margin = Duration::from_seconds(0.5);
    let mut worst_depth = 0.0_f64;
    for (id, prop) in &props {
        let ours = find_eclipses(prop, start, end).unwrap();
        let penumbrae: Vec<_> = ours
            .iter()
            .filter(|e| e.kind == ShadowState::Penumbra)
            .collect();
        let umbrae: Vec<_> = ours
            .iter()
            .filter(|e| e.kind == ShadowState::Umbra)
            .collect();
        let theirs: Vec<_> = golden.iter().filter(|r| &r["object_id"] == id).collect();
        // each of our entries/exits strictly inside the window has a Skyfield transition
        let inner_edges = penumbrae
            .iter()
            .map(|p| usize::from(p.start > start) + usize::from(p.end < end))
            .sum::<usize>();
        assert_eq!(inner_edges, theirs.len(), "{id}");
        for row in theirs {
            let time = t(row, "time_utc");
            let pen = penumbrae
                .iter()
                .find(|p| p.start - margin <= time && time <= p.end + margin)
                .unwrap_or_else(|| {
                    panic!(
                        "{id}: {} {} outside our penumbrae",
                        row["transition"], row["time_utc"]
                    )
                });
            let umb = umbrae
                .iter()
                .find(|u| pen.start <= u.start && u.end <= pen.end);
            match (row["transition"].as_str(), umb) {
                // entering: between our penumbra start and umbra start
                ("enter_shadow", Some(u)) => assert!(
                    pen.start - margin <= time && time <= u.start + margin,
                    "{id}"
                ),
                // leaving: between our umbra end and penumbra end
                ("exit_shadow", Some(u)) => {
                    assert!(u.end - margin <= time && time <= pen.end + margin, "{id}")
                }
                (kind, None) => panic!(
                    "{id}: {kind} at {} in a penumbra without umbra",
                    row["time_utc"]
                ),
                (kind, _) => panic!("unknown transition {kind}"),
            }
            let depth = (time - pen.start)
                .to_seconds()
                .min((pen.end - time).to_seconds());
            worst_depth = worst_depth.max(-depth);
        }
    }
    eprintln!("95 transitions inside our penumbrae (worst margin used {worst_depth:.3} s)");
}

#[test]
fn val_skyfield_sun_direction_and_distance() {
    // `sun.csv`: Skyfield's apparent geocentric Sun (de421) in TEME every 28 d 7 h 13 min
    // from 1972 to 2049. The Astronomical Almanac's series claims 0.01° in direction; against
    // de421 it reaches 0.01005° in its own frame (mean equator and equinox of date, on
    // 2025-04-22) and 0.01015° in TEME, so the bound is 0.011°. Its distance series has terms
    // down to 1.4e-4 AU: 8e-5 relative at worst here.
    let rows = csv("sun.csv");
    assert_eq!(rows.len(), 1007);
    let (mut worst_deg, mut worst_ratio) = (0.0_f64, 0.0_f64);
    for row in &rows {
        let ours = sun_position_teme_km(t(row, "time_utc"));
        let reference = v3(row, ["x_km", "y_km", "z_km"]);
        let angle_deg = ours.angle(&reference).to_degrees();
        let ratio = (ours.norm() / reference.norm() - 1.0).abs();
        assert!(angle_deg < 0.011, "{}: {angle_deg}°", row["time_utc"]);
        assert!(ratio < 1e-4, "{}: distance off by {ratio}", row["time_utc"]);
        worst_deg = worst_deg.max(angle_deg);
        worst_ratio = worst_ratio.max(ratio);
    }
    eprintln!(
        "Sun: {} positions; worst direction {worst_deg:.5}°, distance {worst_ratio:.2e}",
        rows.len()
    );
}
