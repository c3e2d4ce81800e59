//! Self-shadowing over a day in orbit: the ISS element set of `assets/elements/sample.tle`
//! (SGP4; β ≈ 32° that day) and the 500 km orbit with the Sun in its plane of the satellite
//! test (β ≈ 0), the Sun and the conical shadow from `orbit`, ideal nadir pointing, 60 s
//! steps. The
//! array energy the power system reports with the geometry's self-shadowing (rapier ray casts
//! from each panel's sample points, tabulated on the cube map and interpolated) is checked
//! against an independent ray trace written here: a fine grid over each panel, each point's
//! ray tested against the boxes of the other parts with the slab test (Kay & Kajiya 1986), no
//! rapier, no table. The parts in front of any panel in these templates are boxes aligned with
//! the body axes (checked), so the slab test is exact for them.
//!
//! Flown: the built-in 6U and smallsat (wings flush with the zenith face: only the sun sensor
//! stands above the cells) and a 6U whose wings are hinged at the nadir edges of its ±y faces,
//! so that the 100 mm deep bus stands on the cell side of each wing.

use hardware_models::attitude::align_body_axes;
use hardware_models::environment::{solar_flux_w_m2, sun_direction};
use hardware_models::geometry::{SelfShadowing, ShapeParams, SpacecraftGeometry};
use hardware_models::power::{PowerInputs, PowerSystem};
use hardware_models::template::HardwareTemplate;
use nalgebra::Vector3;
use orbit::{Duration, Epoch, illumination, sun_position_teme_km};
use std::sync::Arc;

use super::common::{iss, leo};

/// Whether the ray from `o` along `d` meets the box [lo, hi] (slab test).
fn ray_meets_box(o: &Vector3<f64>, d: &Vector3<f64>, lo: &Vector3<f64>, hi: &Vector3<f64>) -> bool {
    let (mut near, mut far) = (0.0f64, f64::INFINITY);
    for k in 0..3 {
        if d[k] == 0.0 {
            if o[k] < lo[k] || o[k] > hi[k] {
                return false;
            }
        } else {
            let (a, b) = ((lo[k] - o[k]) / d[k], (hi[k] - o[k]) / d[k]);
            near = near.max(a.min(b));
            far = far.min(a.max(b));
        }
    }
    near <= far
}

/// A panel for the independent ray trace: grid points over its face, and the boxes of the
/// parts that stand in front of it.
struct TracedPanel {
    normal: Vector3<f64>,
    points: Vec<Vector3<f64>>,
    boxes: Vec<(Vector3<f64>, Vector3<f64>)>,
}

/// Points per metre of the independent grid (2 mm cells).
const TRACE_POINTS_PER_M: f64 = 500.0;

fn traced_panels(t: &HardwareTemplate) -> Vec<TracedPanel> {
    let parts = &t.geometry.parts;
    let aligned_box = |k: usize| match &parts[k].shape {
        ShapeParams::Box { size_m } if parts[k].rotation.is_none() => Some((
            parts[k].center_body_m - size_m * 0.5,
            parts[k].center_body_m + size_m * 0.5,
        )),
        _ => None,
    };
    t.power
        .solar_panels
        .iter()
        .map(|panel| {
            let own = t.geometry.panel_part(&panel.name).unwrap();
            let (lo, hi) = aligned_box(own).expect("panels sit on aligned boxes here");
            let n = panel.normal_body.normalize();
            let axis = (0..3).find(|&k| n[k].abs() == 1.0).expect("an axis normal");
            let plane = if n[axis] > 0.0 { hi[axis] } else { lo[axis] };
            let height = |p: &Vector3<f64>| (p[axis] - plane) * n[axis];
            // Unrotated cylinders (axis z) are bounded by a box; none may stand in front.
            let bounds = |k: usize| match &parts[k].shape {
                ShapeParams::Cylinder { radius_m, length_m } if parts[k].rotation.is_none() => {
                    let h = Vector3::new(*radius_m, *radius_m, 0.5 * length_m);
                    (parts[k].center_body_m - h, parts[k].center_body_m + h)
                }
                _ => aligned_box(k).expect("unrotated parts"),
            };
            let boxes: Vec<_> = (0..parts.len())
                .filter(|&k| k != own)
                .filter(|&k| {
                    let (lo, hi) = bounds(k);
                    height(&lo).max(height(&hi)) > 1e-9
                })
                .map(|k| aligned_box(k).expect("only boxes stand in front of a panel"))
                .collect();
            let (a, b) = ((axis + 1) % 3, (axis + 2) % 3);
            let cells = |k: usize| ((hi[k] - lo[k]) * TRACE_POINTS_PER_M).round() as usize;
            let mut points = Vec::new();
            for i in 0..cells(a) {
                for j in 0..cells(b) {
                    let mut p = Vector3::zeros();
                    p[axis] = plane + n[axis] * 1e-6;
                    p[a] = lo[a] + (i as f64 + 0.5) / TRACE_POINTS_PER_M;
                    p[b] = lo[b] + (j as f64 + 0.5) / TRACE_POINTS_PER_M;
                    let covered = boxes
                        .iter()
                        .any(|(lo, hi)| (0..3).all(|k| p[k] >= lo[k] && p[k] <= hi[k]));
                    if !covered {
                        points.push(p);
                    }
                }
            }
            TracedPanel {
                normal: n,
                points,
                boxes,
            }
        })
        .collect()
}

fn traced_lit_fraction(panel: &TracedPanel, sun: &Vector3<f64>) -> f64 {
    if panel.normal.dot(sun) <= 0.0 || panel.boxes.is_empty() {
        return 1.0;
    }
    let shadowed = panel
        .points
        .iter()
        .filter(|p| {
            panel
                .boxes
                .iter()
                .any(|(lo, hi)| ray_meets_box(p, sun, lo, hi))
        })
        .count();
    1.0 - shadowed as f64 / panel.points.len() as f64
}

/// The 6U with its wings hinged at the nadir (+z) edges of the ±y faces, cells toward −z.
fn six_u_wings_below_the_bus() -> HardwareTemplate {
    let text = HardwareTemplate::builtin_toml("cubesat-6u")
        .unwrap()
        .replace(
            "center_body_m = [0.0, 0.163, -0.049]",
            "center_body_m = [0.0, 0.163, 0.051]",
        )
        .replace(
            "center_body_m = [0.0, -0.163, -0.049]",
            "center_body_m = [0.0, -0.163, 0.051]",
        );
    let mut t = HardwareTemplate::from_toml_str(&text).unwrap();
    t.name = "cubesat-6u, wings hinged at the nadir edges".into();
    t
}

/// Energies over the day, J, and the largest lit-fraction difference of any panel at any step.
struct Day {
    unshadowed_j: f64,
    model_j: f64,
    traced_j: f64,
    worst_lit_difference: f64,
    beta_deg: (f64, f64),
}

/// Position and velocity (TEME, km, km/s) and the epoch, `t_s` seconds into the day.
type Orbit<'a> = &'a dyn Fn(f64) -> (Vector3<f64>, Vector3<f64>, Epoch);

fn fly_a_day(t: &HardwareTemplate, orbit: Orbit<'_>) -> Day {
    let geometry = Arc::new(SpacecraftGeometry::new(&t.geometry).unwrap());
    let faces = t.placement(&geometry).unwrap().panel_faces;
    let mut power =
        PowerSystem::with_self_shadowing(t.power.clone(), SelfShadowing::new(geometry, &faces))
            .unwrap();
    let traced = traced_panels(t);
    let dt_s = 60.0;
    let mut day = Day {
        unshadowed_j: 0.0,
        model_j: 0.0,
        traced_j: 0.0,
        worst_lit_difference: 0.0,
        beta_deg: (f64::INFINITY, f64::NEG_INFINITY),
    };
    for k in 0..1440 {
        let (pos, vel, at) = orbit(k as f64 * dt_s);
        let sun_pos = sun_position_teme_km(at);
        let q = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &vel).unwrap();
        let sun = q * sun_direction(&pos, &sun_pos);
        let flux = solar_flux_w_m2(&pos, &sun_pos);
        let lit = illumination(&pos, &sun_pos);
        let beta = 90.0
            - pos
                .cross(&vel)
                .angle(&sun_direction(&pos, &sun_pos))
                .to_degrees();
        day.beta_deg = (day.beta_deg.0.min(beta), day.beta_deg.1.max(beta));
        let out = power.step(
            Duration::from_seconds(dt_s),
            &PowerInputs {
                sun_dir_body: sun,
                solar_flux_w_m2: flux,
                illumination: lit,
                panel_temps_k: &[],
                time_since_launch: Duration::ZERO,
            },
        );
        day.model_j += out.array_available_w * dt_s;
        for (i, (panel, tp)) in t.power.solar_panels.iter().zip(&traced).enumerate() {
            let p = panel.power_w(&sun, flux, lit, panel.reference_temp_k, 0.0);
            let traced_lit = traced_lit_fraction(tp, &sun);
            day.unshadowed_j += p * dt_s;
            day.traced_j += p * traced_lit * dt_s;
            if p > 0.0 {
                let d = (power.panel_lit_fraction()[i] - traced_lit).abs();
                day.worst_lit_difference = day.worst_lit_difference.max(d);
            }
        }
    }
    day
}

#[test]
fn val_independent_ray_trace_day_energy_with_self_shadowing() {
    let templates = [
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        HardwareTemplate::builtin("smallsat-100kg").unwrap(),
        six_u_wings_below_the_bus(),
    ];
    let prop = iss();
    let iss_orbit = |t_s: f64| {
        let s = prop
            .state_at(prop.epoch() + Duration::from_seconds(t_s))
            .unwrap();
        (s.pos_teme_km, s.vel_teme_km_s, s.epoch)
    };
    let leo = leo();
    let leo_orbit = |t_s: f64| {
        let (p, v) = leo.state(t_s);
        (p, v, leo.epoch_at(t_s))
    };
    let orbits: [(&str, Orbit<'_>); 2] = [
        ("ISS, SGP4", &iss_orbit),
        ("500 km, Sun in the orbit plane", &leo_orbit),
    ];
    for (t, (orbit_name, orbit)) in templates
        .iter()
        .flat_map(|t| orbits.iter().map(move |o| (t, o)))
    {
        let day = fly_a_day(t, *orbit);
        let wh = |j: f64| j / 3600.0;
        let loss_model = day.unshadowed_j - day.model_j;
        let loss_traced = day.unshadowed_j - day.traced_j;
        println!(
            "{} ({orbit_name}): β {:.1}°..{:.1}°; array energy over the day {:.2} Wh unshadowed, {:.2} Wh with \
             self-shadowing ({:.2} %), independent ray trace {:.2} Wh ({:.2} %); largest \
             lit-fraction difference at a step {:.3}",
            t.name,
            day.beta_deg.0,
            day.beta_deg.1,
            wh(day.unshadowed_j),
            wh(day.model_j),
            100.0 * loss_model / day.unshadowed_j,
            wh(day.traced_j),
            100.0 * loss_traced / day.unshadowed_j,
            day.worst_lit_difference,
        );
        assert!(day.model_j <= day.unshadowed_j);
        // The day's energy agrees with the independent trace to 2 % of the energy lost to
        // shadow, or 0.1 % of the day's energy when the loss is small (sampling: 16 points
        // across a panel's shorter side; interpolation between table nodes 1.8°–3.6° apart).
        let tolerance_j = (0.02 * loss_traced).max(1e-3 * day.unshadowed_j);
        assert!(
            (day.model_j - day.traced_j).abs() <= tolerance_j,
            "{}: {} J vs {} J",
            t.name,
            day.model_j,
            day.traced_j
        );
    }
}

/// Satellites built from one body share its self-shadowing tables
/// ([`SatelliteHardware::new_like`]): a node one of them computes serves the other, with the
/// value a satellite of its own computes; a different body gets tables of its own.
#[test]
fn regress_satellites_of_one_body_share_the_shadow_tables() {
    use hardware_models::satellite::SatelliteHardware;
    use nalgebra::UnitQuaternion;
    use rand::SeedableRng;

    let build = |t: &HardwareTemplate, like: Option<&SatelliteHardware>| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        SatelliteHardware::new_like(t.clone(), None, UnitQuaternion::identity(), &mut rng, like)
            .unwrap()
    };
    let t = six_u_wings_below_the_bus();
    let first = build(&t, None);
    let second = build(&t, Some(&first));
    let alone = build(&t, None);
    let shadowing = |hw: &SatelliteHardware| hw.power.self_shadowing().unwrap().clone();
    let (a, b, c) = (shadowing(&first), shadowing(&second), shadowing(&alone));
    let shadowed: Vec<usize> = (0..a.panel_count())
        .filter(|&i| a.can_be_shadowed(i))
        .collect();
    assert!(
        !shadowed.is_empty(),
        "the wings below the bus shadow something"
    );
    for &i in &shadowed {
        let (ta, tb, tc) = (
            a.table(i).unwrap(),
            b.table(i).unwrap(),
            c.table(i).unwrap(),
        );
        assert!(ta.is_shared_with(tb) && !ta.is_shared_with(tc));
    }
    // a node filled through the second satellite is there for the first, as computed alone
    let sun = Vector3::new(0.3, 0.8, 0.5).normalize();
    let i = shadowed[0];
    let before = a.table(i).unwrap().computed_nodes();
    let mut b_shadowing = shadowing(&second);
    let lit_b = b_shadowing.lit_fraction(i, &sun);
    assert!(a.table(i).unwrap().computed_nodes() > before);
    assert_eq!(a.table(i).unwrap().lookup(&sun).to_bits(), lit_b.to_bits());
    let lit_alone = alone
        .power
        .self_shadowing()
        .unwrap()
        .clone()
        .lit_fraction(i, &sun);
    assert_eq!(lit_b.to_bits(), lit_alone.to_bits());
    // another body: nothing shared
    let other = build(
        &HardwareTemplate::builtin("cubesat-6u").unwrap(),
        Some(&first),
    );
    let o = shadowing(&other);
    assert!(
        (0..o.panel_count())
            .filter(|&k| o.can_be_shadowed(k))
            .all(|k| shadowed
                .iter()
                .all(|&j| !o.table(k).unwrap().is_shared_with(a.table(j).unwrap())))
    );
}
