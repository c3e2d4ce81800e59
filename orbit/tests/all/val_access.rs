//! The pass and eclipse searches (sampling and root finding) checked against a 1 s scan of the
//! same elevation and shadow functions (`regress_*`: the scan calls the geometry under test, so
//! these check the search, not the geometry; `val_skyfield.rs` checks the geometry against
//! Skyfield), plus the window-edge rules (partial passes, clipped eclipses) and line of sight
//! along real orbits against a closed form.

use orbit::{
    Duration, EarthOrientation, Epoch, Geodetic, Propagator, ShadowState, Station, find_eclipses,
    find_passes, line_of_sight, parse_elements, shadow_state, sun_position_teme_km, teme_to_itrf,
    topocentric,
};

const ISS: &str = "ISS (ZARYA)
1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992
2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008
";
// Vallado case 28626 (XM-3, geostationary at 85.2 W)
const GEO: &str = "1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190
2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891
";

fn prop(text: &str) -> Propagator {
    Propagator::new(&parse_elements(text, "test").unwrap()[0]).unwrap()
}

fn station(name: &str, lat: f64, lon: f64, alt_m: f64, mask_deg: f64) -> Station {
    Station {
        name: name.to_owned(),
        location: Geodetic::from_degrees(lat, lon, alt_m / 1000.0),
        min_elevation_rad: mask_deg.to_radians(),
    }
}

fn elevation(p: &Propagator, st: &Station, t: Epoch) -> f64 {
    let s = p.state_at(t).unwrap();
    let (r, v) = teme_to_itrf(
        &s.pos_teme_km,
        &s.vel_teme_km_s,
        t,
        &EarthOrientation::default(),
    );
    topocentric(&st.location, &r, &v).elevation_rad
}

/// Intervals where `inside(t)` holds, scanning every second: (first inside, last inside).
fn scan(start: Epoch, seconds: i64, inside: impl Fn(Epoch) -> bool) -> Vec<(Epoch, Epoch)> {
    let mut out = Vec::new();
    let mut open: Option<Epoch> = None;
    let mut last = start;
    for k in 0..=seconds {
        let t = start + Duration::from_seconds(k as f64);
        match (inside(t), open) {
            (true, None) => open = Some(t),
            (false, Some(a)) => {
                out.push((a, last));
                open = None;
            }
            _ => {}
        }
        last = t;
    }
    if let Some(a) = open {
        out.push((a, last));
    }
    out
}

#[test]
fn regress_pass_search_matches_a_one_second_scan_of_the_same_elevation() {
    let p = prop(ISS);
    let start = p.epoch();
    let end = start + Duration::from_seconds(86_400.0);
    for st in [
        station("Fairbanks", 64.8587, -147.8576, 150.0, 0.0),
        station("Wallops", 37.9402, -75.4664, 10.0, 10.0),
    ] {
        let passes = find_passes(&p, &st, start, end, &EarthOrientation::default()).unwrap();
        let reference = scan(start, 86_400, |t| {
            elevation(&p, &st, t) > st.min_elevation_rad
        });
        assert!(!passes.is_empty(), "{}", st.name);
        assert_eq!(
            passes.len(),
            reference.len(),
            "{}: {passes:#?} vs {reference:?}",
            st.name
        );
        for (pass, (a, b)) in passes.iter().zip(&reference) {
            // the 1 s scan brackets each event to within 1 s
            let d_aos = (pass.aos - *a).to_seconds();
            let d_los = (pass.los - *b).to_seconds();
            assert!(
                (-1.0..=0.0).contains(&d_aos) || pass.partial,
                "{}: AOS {d_aos}",
                st.name
            );
            assert!(
                (0.0..=1.0).contains(&d_los) || pass.partial,
                "{}: LOS {d_los}",
                st.name
            );
            // elevation at AOS/LOS is the mask (to the 1 ms root tolerance)
            if !pass.partial {
                for t in [pass.aos, pass.los] {
                    let e = elevation(&p, &st, t) - st.min_elevation_rad;
                    assert!(
                        e.abs() < 1e-5,
                        "{}: elevation off the mask by {e} rad",
                        st.name
                    );
                }
            }
            // TCA is the highest point: higher than every 1 s sample of the pass
            let max_scan = (0..=(pass.los - pass.aos).to_seconds() as i64)
                .map(|k| elevation(&p, &st, pass.aos + Duration::from_seconds(k as f64)))
                .fold(f64::MIN, f64::max);
            assert!(pass.max_elevation_rad >= max_scan - 1e-6, "{}", st.name);
            assert!((elevation(&p, &st, pass.tca) - pass.max_elevation_rad).abs() < 1e-6);
            assert!(pass.aos <= pass.tca && pass.tca <= pass.los);
        }
        assert!(passes.windows(2).all(|w| w[0].aos <= w[1].aos));
    }
}

#[test]
fn val_analytic_partial_passes_at_window_edges() {
    let p = prop(ISS);
    let st = station("Fairbanks", 64.8587, -147.8576, 150.0, 0.0);
    let eop = EarthOrientation::default();
    let day = p.epoch() + Duration::from_seconds(86_400.0);
    let passes = find_passes(&p, &st, p.epoch(), day, &eop).unwrap();
    let middle = passes
        .iter()
        .find(|x| !x.partial && x.duration().to_seconds() > 300.0)
        .unwrap();
    // a window that starts and ends inside that pass
    let start = middle.aos + Duration::from_seconds(60.0);
    let end = middle.los - Duration::from_seconds(60.0);
    let cut = find_passes(&p, &st, start, end, &eop).unwrap();
    assert_eq!(cut.len(), 1);
    assert!(cut[0].partial);
    assert_eq!((cut[0].aos, cut[0].los), (start, end));
    // window starting inside, ending after: AOS is the window start, LOS the real one
    let cut = find_passes(
        &p,
        &st,
        start,
        middle.los + Duration::from_seconds(600.0),
        &eop,
    )
    .unwrap();
    assert!(cut[0].partial && cut[0].aos == start);
    assert!((cut[0].los - middle.los).to_seconds().abs() < 0.01);
    // empty window: no error, at most one partial pass
    assert!(find_passes(&p, &st, start, start, &eop).unwrap().len() <= 1);
    // end before start, or a window of more than ten years: an error, not an allocation
    assert!(matches!(
        find_passes(&p, &st, end, start, &eop),
        Err(orbit::AccessError::InvalidWindow { .. })
    ));
    let far = start + Duration::from_seconds(3661.0 * 86_400.0);
    assert!(matches!(
        find_passes(&p, &st, start, far, &eop),
        Err(orbit::AccessError::WindowTooLong { .. })
    ));
    assert!(matches!(
        find_eclipses(&p, start, far),
        Err(orbit::AccessError::WindowTooLong { .. })
    ));
}

#[test]
fn val_analytic_geostationary_is_one_window_long_pass() {
    let p = prop(GEO);
    // a station under the satellite at 85.2 W sees it all the time at high elevation
    let st = station("Under", 0.0, -85.2, 0.0, 10.0);
    let start = p.epoch();
    let end = start + Duration::from_seconds(2.0 * 86_400.0);
    let passes = find_passes(&p, &st, start, end, &EarthOrientation::default()).unwrap();
    assert_eq!(passes.len(), 1);
    assert!(passes[0].partial && passes[0].aos == start && passes[0].los == end);
    assert!(passes[0].max_elevation_rad.to_degrees() > 80.0);
    // and a station on the other side never does
    let far = station("Far", 0.0, 94.8, 0.0, 0.0);
    assert!(
        find_passes(&p, &far, start, end, &EarthOrientation::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn regress_eclipse_search_matches_a_one_second_scan_of_the_same_shadow_state() {
    let p = prop(ISS);
    let start = p.epoch();
    let end = start + Duration::from_seconds(86_400.0);
    let found = find_eclipses(&p, start, end).unwrap();
    let state = |t: Epoch| {
        shadow_state(
            &p.state_at(t).unwrap().pos_teme_km,
            &sun_position_teme_km(t),
        )
    };
    for kind in [ShadowState::Penumbra, ShadowState::Umbra] {
        let ours: Vec<_> = found.iter().filter(|e| e.kind == kind).collect();
        let reference = scan(start, 86_400, |t| match kind {
            ShadowState::Umbra => state(t) == ShadowState::Umbra,
            _ => state(t) != ShadowState::Sunlit,
        });
        assert!(ours.len() >= 14, "{kind:?}: {}", ours.len());
        assert_eq!(ours.len(), reference.len(), "{kind:?}");
        for (e, (a, b)) in ours.iter().zip(&reference) {
            let clipped_start = e.start == start;
            let clipped_end = e.end == end;
            assert!(
                clipped_start || (-1.0..=0.0).contains(&(e.start - *a).to_seconds()),
                "{kind:?} start"
            );
            assert!(
                clipped_end || (0.0..=1.0).contains(&(e.end - *b).to_seconds()),
                "{kind:?} end"
            );
        }
    }
    // This day has the ISS near its critical beta angle (β ≈ 67°): eclipses shrink and the last
    // ones are penumbra only, with long oblique penumbra phases before the umbra.
    assert!(
        found
            .iter()
            .filter(|e| e.kind == ShadowState::Penumbra)
            .count()
            > found
                .iter()
                .filter(|e| e.kind == ShadowState::Umbra)
                .count()
    );
    // every umbra lies inside a penumbra interval; penumbra spans first to last partial shadow
    for u in found.iter().filter(|e| e.kind == ShadowState::Umbra) {
        let pen = found
            .iter()
            .find(|e| e.kind == ShadowState::Penumbra && e.start <= u.start && u.end <= e.end);
        let pen = pen.expect("umbra outside every penumbra");
        if pen.start != start {
            let penumbra_time = (u.start - pen.start).to_seconds();
            assert!(
                (1.0..300.0).contains(&penumbra_time),
                "{penumbra_time} s of penumbra before umbra"
            );
        }
    }
    // sorted by start, penumbra first
    assert!(found.windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn val_analytic_eclipses_are_clipped_to_the_window() {
    let p = prop(ISS);
    let day = find_eclipses(&p, p.epoch(), p.epoch() + Duration::from_seconds(86_400.0)).unwrap();
    let umbra = day
        .iter()
        .find(|e| e.kind == ShadowState::Umbra && e.start > p.epoch())
        .unwrap();
    let start = umbra.start + Duration::from_seconds(100.0);
    let end = umbra.end - Duration::from_seconds(100.0);
    let cut = find_eclipses(&p, start, end).unwrap();
    assert_eq!(cut.len(), 2, "{cut:?}");
    for e in &cut {
        assert_eq!((e.start, e.end), (start, end));
    }
    assert_eq!(cut[0].kind, ShadowState::Penumbra);
}

#[test]
fn val_analytic_line_of_sight_along_orbits() {
    // ISS and a GEO: LOS is blocked only when the Earth is between them; compare with the
    // angle test |angle(r1, r2)| vs the tangent angles.
    let a = prop(ISS);
    let b = prop(GEO);
    let t0 = a.epoch();
    let mut clear_count = 0;
    for k in 0..200 {
        let t = t0 + Duration::from_seconds(60.0 * k as f64);
        let ra = a.state_at(t).unwrap().pos_teme_km;
        let rb = b.state_at(t).unwrap().pos_teme_km;
        let radius = 6378.137 + 100.0;
        // blocked iff the angle between them exceeds the sum of the angles to the tangent points
        let tangent = (radius / ra.norm()).acos() + (radius / rb.norm()).acos();
        let expected = ra.angle(&rb) < tangent;
        assert_eq!(line_of_sight(&ra, &rb, 100.0), expected, "t+{k} min");
        clear_count += usize::from(expected);
    }
    assert!(clear_count > 50 && clear_count < 200, "{clear_count}");
}
