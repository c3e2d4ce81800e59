//! Power over a real orbit: the Sun position and the conical-shadow illumination come from the
//! `orbit` crate; energy bookkeeping must close to 1e-9 of the harvested energy.

use hardware_models::attitude::align_body_axes;
use hardware_models::environment::{solar_flux_w_m2, sun_direction};
use hardware_models::power::{PowerInputs, PowerSystem};
use hardware_models::template::HardwareTemplate;
use nalgebra::Vector3;
use orbit::{Duration, illumination, sun_position_teme_km};

use super::common::leo;

#[test]
fn val_energy_closes_over_an_orbit_with_orbit_sun_and_eclipse() {
    let orbit = leo();
    let period = orbit.period_s();
    for (dt_s, start_soc) in [(1.0, 0.9), (60.0, 0.5), (7.0, 0.37)] {
        let mut params = HardwareTemplate::cubesat_6u().power;
        params.battery.initial_soc = start_soc;
        let mut ps = PowerSystem::new(params).unwrap();
        let sband = ps.load_id("sband_tx").unwrap();
        let payload = ps.load_id("payload").unwrap();
        let (mut min_soc, mut max_soc): (f64, f64) = (1.0, 0.0);
        let (mut lit_s, mut dark_s, mut partial_s) = (0.0, 0.0, 0.0);
        let mut t = 0.0;
        let mut events = 0;
        while t < period {
            let epoch = orbit.epoch_at(t);
            let (pos, vel) = orbit.state(t);
            let sun = sun_position_teme_km(epoch);
            let lit = illumination(&pos, &sun);
            match lit {
                x if x >= 1.0 => lit_s += dt_s,
                x if x <= 0.0 => dark_s += dt_s,
                _ => partial_s += dt_s,
            }
            // Nadir pointing; the payload images for the first 10 minutes, the transmitter
            // runs for a 10-minute pass.
            let q = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &vel).unwrap();
            ps.set_load_on(payload, t < 600.0);
            ps.set_load_on(sband, (2000.0..2600.0).contains(&t));
            let out = ps.step(
                Duration::from_seconds(dt_s),
                &PowerInputs {
                    sun_dir_body: q * sun_direction(&pos, &sun),
                    solar_flux_w_m2: solar_flux_w_m2(&pos, &sun),
                    illumination: lit,
                    panel_temps_k: &[],
                    time_since_launch: Duration::ZERO,
                },
            );
            events += out.events.len();
            min_soc = min_soc.min(out.soc);
            max_soc = max_soc.max(out.soc);
            t += dt_s;
        }
        let l = *ps.ledger();
        let residual = ps.energy_balance_residual_j();
        println!(
            "dt {dt_s} s: harvested {:.0} J, consumed {:.0} J, stored {:+.0} J, residual {residual:.3e} J ({:.1e} rel.), eclipse {dark_s} s, penumbra {partial_s} s, events {events}",
            l.harvested_j,
            l.consumed_j,
            ps.battery().energy_j() - ps.initial_energy_j(),
            residual.abs() / l.harvested_j
        );
        assert!(residual.abs() <= 1e-9 * l.harvested_j);
        assert!(
            dark_s > 1500.0 && lit_s > 3000.0,
            "orbit geometry: lit {lit_s} dark {dark_s}"
        );
        assert!(min_soc >= 0.2 && max_soc <= 1.0);
        assert!(l.consumed_j > 0.0 && l.harvested_j > 0.0);
    }
    // The same orbit, stepped twice, gives identical ledgers (determinism).
    let run = || {
        let mut ps = PowerSystem::new(HardwareTemplate::cubesat_6u().power).unwrap();
        for k in 0..600 {
            let t = k as f64 * 10.0;
            let (pos, _) = orbit.state(t);
            let sun = sun_position_teme_km(orbit.epoch_at(t));
            ps.step(
                Duration::from_seconds(10.0),
                &PowerInputs {
                    sun_dir_body: -Vector3::z(),
                    solar_flux_w_m2: solar_flux_w_m2(&pos, &sun),
                    illumination: illumination(&pos, &sun),
                    panel_temps_k: &[],
                    time_since_launch: Duration::ZERO,
                },
            );
        }
        *ps.ledger()
    };
    assert_eq!(run(), run());
}
