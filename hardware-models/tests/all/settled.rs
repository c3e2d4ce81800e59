//! The settled attitude step against the full dynamics: one day on the ISS orbit (SGP4 from
//! `assets/elements/sample.tle`, Sun from `orbit`) at 1 s steps, nadir pointing with a
//! sun-pointing period on every lit orbit (two slews per orbit) and three target-tracking
//! passes over ground points, flown twice with identical inputs: with settled steps allowed
//! and with the full dynamics at every step. Wheel momenta, attitude, pointing error and wheel
//! energy must agree within the tolerances stated in docs/models.md.

use hardware_models::attitude::{AttitudeInputs, AttitudeMode, AttitudeModel, align_body_axes};
use hardware_models::template::HardwareTemplate;
use nalgebra::{UnitQuaternion, Vector3};
use orbit::{
    Duration, EarthOrientation, illumination, itrf_to_geodetic, itrf_to_teme, sun_position_teme_km,
    teme_to_itrf,
};

use super::common::iss;

const DAY_S: usize = 86_400;
/// Centre times of the target passes, s; each tracks for ±150 s a ground point 2° of longitude
/// off the ground track.
const PASSES_S: [f64; 3] = [2_000.0, 31_000.0, 63_000.0];

struct Step {
    pos: Vector3<f64>,
    vel: Vector3<f64>,
    sun_dir: Vector3<f64>,
    mode: AttitudeMode,
}

fn inputs() -> Vec<Step> {
    let prop = iss();
    let start = prop.epoch();
    let eop = EarthOrientation::none();
    let period_s = 86_400.0 / 15.541_900_8;
    // Ground targets: the sub-satellite point at the pass centre, 2° east.
    let targets: Vec<Vector3<f64>> = PASSES_S
        .iter()
        .map(|&t| {
            let epoch = start + Duration::from_seconds(t);
            let s = prop.state_at(epoch).unwrap();
            let (itrf, _) = teme_to_itrf(&s.pos_teme_km, &s.vel_teme_km_s, epoch, &eop);
            let mut g = itrf_to_geodetic(&itrf);
            g.lon_rad += 2f64.to_radians();
            g.alt_km = 0.0;
            orbit::geodetic_to_itrf(&g)
        })
        .collect();
    (0..DAY_S)
        .map(|k| {
            let t = k as f64;
            let epoch = start + Duration::from_seconds(t);
            let s = prop.state_at(epoch).unwrap();
            let sun = sun_position_teme_km(epoch);
            let lit = illumination(&s.pos_teme_km, &sun) > 0.5;
            let phase = (t % period_s) / period_s;
            let pass = PASSES_S.iter().position(|p| (t - p).abs() <= 150.0);
            let mode = if let Some(i) = pass {
                let (pos, vel) = itrf_to_teme(&targets[i], &Vector3::zeros(), epoch, &eop);
                AttitudeMode::TargetTracking {
                    target_pos_eci_km: pos,
                    target_vel_eci_km_s: vel,
                }
            } else if lit && (0.3..0.5).contains(&phase) {
                AttitudeMode::SunPointing
            } else {
                AttitudeMode::Nadir
            };
            Step {
                pos: s.pos_teme_km,
                vel: s.vel_teme_km_s,
                sun_dir: (sun - s.pos_teme_km).normalize(),
                mode,
            }
        })
        .collect()
}

struct Trace {
    momenta: Vec<Vec<f64>>,
    q: Vec<UnitQuaternion<f64>>,
    errors: Vec<f64>,
    wheel_energy_j: f64,
    settled_steps: u64,
}

fn fly(template: &HardwareTemplate, steps: &[Step], settled: bool) -> Trace {
    let mut params = template.attitude.clone();
    params.settled_steps = settled;
    let q0 = align_body_axes(
        &params.boresight_body,
        &params.along_track_body,
        &-steps[0].pos,
        &steps[0].vel,
    )
    .unwrap();
    let mut m = AttitudeModel::new(
        params,
        &template.mass_properties().unwrap().inertia_kg_m2,
        q0,
        Vector3::zeros(),
    )
    .unwrap();
    let mut trace = Trace {
        momenta: Vec::with_capacity(steps.len()),
        q: Vec::with_capacity(steps.len()),
        errors: Vec::with_capacity(steps.len()),
        wheel_energy_j: 0.0,
        settled_steps: 0,
    };
    for s in steps {
        let out = m.step(
            Duration::from_seconds(1.0),
            &AttitudeInputs {
                pos_eci_km: s.pos,
                vel_eci_km_s: s.vel,
                sun_dir_eci: s.sun_dir,
                mode: s.mode,
                external_torque_body_nm: Vector3::zeros(),
            },
        );
        trace.momenta.push(m.wheels().momentum_nms().to_vec());
        trace.q.push(out.q_body_from_eci);
        trace.errors.push(out.attitude_error_rad);
        trace.wheel_energy_j += out.wheel_power_w;
    }
    trace.settled_steps = m.settled_step_count();
    trace
}

#[test]
fn val_settled_steps_match_the_full_dynamics_over_a_day() {
    let steps = inputs();
    // Steps at least 300 s after a mode change (steady state).
    let mut steady = vec![false; steps.len()];
    let mut since = 0usize;
    for k in 1..steps.len() {
        let same =
            std::mem::discriminant(&steps[k].mode) == std::mem::discriminant(&steps[k - 1].mode);
        since = if same { since + 1 } else { 0 };
        steady[k] = since > 300;
    }
    for template in [
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        HardwareTemplate::builtin("smallsat-100kg").unwrap(),
    ] {
        let fast = fly(&template, &steps, true);
        let full = fly(&template, &steps, false);
        assert_eq!(full.settled_steps, 0);
        let limits: Vec<f64> = template
            .attitude
            .wheels
            .iter()
            .map(|w| w.max_momentum_nms)
            .collect();
        // Largest differences (wheel momentum as a fraction of the limit, attitude angle), in
        // steady state and anywhere (slews and tracking transients included).
        let (mut steady_dh, mut any_dh, mut peak_h): (f64, f64, f64) = (0.0, 0.0, 0.0);
        let (mut steady_dq, mut any_dq): (f64, f64) = (0.0, 0.0);
        let dh_at = |k: usize| {
            fast.momenta[k]
                .iter()
                .zip(&full.momenta[k])
                .zip(&limits)
                .map(|((x, y), lim)| (x - y).abs() / lim)
                .fold(0.0, f64::max)
        };
        for (k, is_steady) in steady.iter().enumerate() {
            let (dh, dq) = (dh_at(k), fast.q[k].angle_to(&full.q[k]));
            any_dh = any_dh.max(dh);
            any_dq = any_dq.max(dq);
            if *is_steady {
                steady_dh = steady_dh.max(dh);
                steady_dq = steady_dq.max(dq);
            }
            for (y, lim) in full.momenta[k].iter().zip(&limits) {
                peak_h = peak_h.max(y.abs() / lim);
            }
        }
        let end_dh = dh_at(steps.len() - 1);
        let steady_error = |t: &Trace| {
            t.errors
                .iter()
                .zip(&steady)
                .filter(|(_, s)| **s)
                .map(|(e, _)| *e)
                .fold(0.0, f64::max)
        };
        let (fast_error, full_error) = (steady_error(&fast), steady_error(&full));
        let energy_rel = (fast.wheel_energy_j / full.wheel_energy_j - 1.0).abs();
        let settled_fraction = fast.settled_steps as f64 / steps.len() as f64;
        println!(
            "{}: {:.1} % settled steps; wheel momentum (fraction of the limit; peak {:.1} %) \
             within {steady_dh:.1e} in steady state, {any_dh:.1e} anywhere, {end_dh:.1e} at the \
             end; attitude within {steady_dq:.1e} rad in steady state, {any_dq:.1e} rad \
             anywhere; steady pointing error {fast_error:.2e} rad settled vs {full_error:.2e} rad \
             full; wheel energy {:.0} J vs {:.0} J ({energy_rel:.1e})",
            template.name,
            100.0 * settled_fraction,
            100.0 * peak_h,
            fast.wheel_energy_j,
            full.wheel_energy_j
        );
        assert!(settled_fraction > 0.9, "{settled_fraction}");
        assert!(steady_dh < 1e-4 && end_dh < 1e-4, "{steady_dh} {end_dh}");
        assert!(any_dh < 1e-2, "{any_dh}");
        assert!(steady_dq < 1e-5, "{steady_dq}");
        assert!(any_dq < 5e-4, "{any_dq}");
        assert!(
            fast_error < 2.0 * full_error.max(1e-6),
            "{fast_error} vs {full_error}"
        );
        assert!(energy_rel < 1e-3, "{energy_rel}");
    }
}
