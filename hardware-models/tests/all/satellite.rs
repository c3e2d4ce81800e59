//! A whole satellite over a day in orbit: the coupled models stay physical (temperatures in
//! their limits, battery cycling within bounds, energy closing) and are deterministic.

use hardware_models::attitude::{AttitudeMode, align_body_axes};
use hardware_models::satellite::{SatelliteHardware, SatelliteInputs};
use hardware_models::sensors::{SensorReadings, SensorTruth};
use hardware_models::template::HardwareTemplate;
use nalgebra::Vector3;
use orbit::{Duration, illumination, sun_position_teme_km};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::common::{assert_ledger_obeys_efficiencies, leo};

fn fly(
    template: HardwareTemplate,
    seconds: f64,
    dt_s: f64,
    seed: u64,
) -> (SatelliteHardware, Vec<String>, f64, f64, Vec<(f64, f64)>) {
    let orbit = leo();
    let (pos0, vel0) = orbit.state(0.0);
    let q0 = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos0, &vel0).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sat = SatelliteHardware::new(template, None, q0, &mut rng).unwrap();
    let payload = sat.power.load_id("payload").unwrap();
    let mut log = Vec::new();
    let (mut min_soc, mut max_soc): (f64, f64) = (1.0, 0.0);
    let mut temps_range = vec![(f64::MAX, f64::MIN); sat.thermal.temps_k().len()];
    let mut t = 0.0;
    while t < seconds {
        let (pos, vel) = orbit.state(t);
        let sun = sun_position_teme_km(orbit.epoch_at(t));
        sat.power.set_load_on(payload, (t % 5700.0) < 300.0);
        let out = sat.step(
            Duration::from_seconds(dt_s),
            &SatelliteInputs {
                pos_eci_km: pos,
                vel_eci_km_s: vel,
                sun_pos_eci_km: sun,
                illumination: illumination(&pos, &sun),
                attitude_mode: AttitudeMode::Nadir,
                busy_fraction: 0.3,
                watchdog_kicked: true,
                reboot_requested: false,
                time_since_launch: Duration::ZERO,
            },
        );
        for e in &out.power.events {
            log.push(format!("{t}: {e:?}"));
        }
        for e in &out.thermal.events {
            log.push(format!("{t}: {e:?}"));
        }
        min_soc = min_soc.min(out.power.soc);
        max_soc = max_soc.max(out.power.soc);
        if t > 600.0 {
            // Nadir pointing holds to better than 0.05° once acquired.
            assert!(
                out.attitude.attitude_error_rad < 0.05f64.to_radians(),
                "{t}: {}",
                out.attitude.attitude_error_rad
            );
        }
        if t > 3.0 * 5700.0 {
            for (r, temp) in temps_range.iter_mut().zip(sat.thermal.temps_k()) {
                r.0 = r.0.min(*temp);
                r.1 = r.1.max(*temp);
            }
        }
        t += dt_s;
    }
    (sat, log, min_soc, max_soc, temps_range)
}

#[test]
fn regress_a_day_in_orbit_stays_physical() {
    let mut failures = Vec::new();
    for template in [
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        HardwareTemplate::builtin("smallsat-100kg").unwrap(),
    ] {
        let name = template.name.clone();
        let nodes: Vec<_> = template.thermal.nodes.clone();
        let (sat, log, min_soc, max_soc, temps) = fly(template, 86_400.0, 10.0, 7);
        println!("{name}: SoC {min_soc:.3}..{max_soc:.3}");
        for (n, (lo, hi)) in nodes.iter().zip(&temps) {
            println!(
                "  {:12} {:7.1} .. {:7.1} °C (limits {:.0} .. {:.0})",
                n.name,
                lo - 273.15,
                hi - 273.15,
                n.min_temp_k - 273.15,
                n.max_temp_k - 273.15
            );
        }
        for line in log.iter().take(10) {
            println!("  {line}");
        }
        // Energy-positive, no safe mode, every node inside its operating range after the
        // first orbits.
        if min_soc <= sat.template().power.safe_mode.enter_soc {
            failures.push(format!("{name}: SoC fell to {min_soc}"));
        }
        for (n, (lo, hi)) in nodes.iter().zip(&temps) {
            if *lo < n.min_temp_k || *hi > n.max_temp_k {
                failures.push(format!("{name}: {} {lo:.1}..{hi:.1} K", n.name));
            }
        }
        assert_ledger_obeys_efficiencies(&sat.power);
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn regress_same_seed_same_run() {
    let a = fly(
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        3000.0,
        10.0,
        11,
    );
    let b = fly(
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        3000.0,
        10.0,
        11,
    );
    assert_eq!(a.0.thermal.temps_k(), b.0.thermal.temps_k());
    assert_eq!(a.0.power.ledger(), b.0.power.ledger());
    assert_eq!(
        a.0.attitude.q_body_from_eci(),
        b.0.attitude.q_body_from_eci()
    );
    assert_eq!(a.1, b.1);
}

/// The sensors read the truth held at the start of the last step, once per step: the reading
/// is the one `Sensors::sample` gives for that truth and stream, a second read in the step
/// gives nothing, and nothing can be read before the first step.
#[test]
fn regress_sensors_read_the_truth_at_the_start_of_the_step_once() {
    let template = HardwareTemplate::builtin("cubesat-6u").unwrap();
    let orbit = leo();
    let (pos, vel) = orbit.state(0.0);
    let q0 = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &vel).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut sat = SatelliteHardware::new(template, None, q0, &mut rng).unwrap();
    let mut readings = SensorReadings::default();
    assert!(!sat.read_sensors(&mut rng, &mut readings));
    assert_eq!(readings, SensorReadings::default());

    let sun = sun_position_teme_km(orbit.epoch_at(0.0));
    // The truth the step starts from, as the sensors see it.
    let q = sat.attitude.q_body_from_eci();
    let truth_temps_k = sat.thermal.temps_k().to_vec();
    let truth = SensorTruth {
        pos_eci_km: pos,
        vel_eci_km_s: vel,
        sun_dir_body: q * (sun - pos).normalize(),
        illumination: illumination(&pos, &sun),
        omega_body_rad_s: sat.attitude.omega_body_rad_s(),
        temps_k: &truth_temps_k,
    };
    let mut twin = sat.sensors.clone();
    let mut twin_rng = rng.clone();
    let dt = Duration::from_seconds(1.0);
    sat.step(
        dt,
        &SatelliteInputs {
            pos_eci_km: pos,
            vel_eci_km_s: vel,
            sun_pos_eci_km: sun,
            illumination: truth.illumination,
            attitude_mode: AttitudeMode::Nadir,
            busy_fraction: 0.3,
            watchdog_kicked: true,
            reboot_requested: false,
            time_since_launch: Duration::ZERO,
        },
    );
    // The models moved on; the reading is of the state at the start.
    assert_ne!(sat.thermal.temps_k(), &truth_temps_k[..]);
    assert!(sat.read_sensors(&mut rng, &mut readings));
    assert_eq!(readings, twin.sample(dt, &truth, &mut twin_rng));
    let first = readings.clone();
    assert!(!sat.read_sensors(&mut rng, &mut readings));
    assert_eq!(readings, first);
}
