//! Small example timing the hardware of one satellite over simulated days at 1 s steps, and
//! extrapolating to a simulated year.
//!
//! The orbit is the ISS element set of `assets/elements/sample.tle` (SGP4), with the Sun and
//! the eclipse from `orbit`. Each day's orbit states are computed first and are not timed; then
//! `SatelliteHardware::step` runs 86 400 times. The satellite alternates nadir pointing and
//! sun pointing (20 minutes per orbit while lit: two slews per orbit), images for 5 minutes per
//! orbit and keeps the computer 30 % busy.
//!
//! Run: `cargo run --release -p hardware-models --example simulated_year [-- DAYS [TEMPLATE
//! [full]]]` (default: 1 day, both templates; `365 cubesat-6u` runs a real year; `full`
//! disables the settled attitude step, running the full dynamics at every step).

use std::time::Instant;

use hardware_models::attitude::{AttitudeMode, align_body_axes};
use hardware_models::satellite::{SatelliteHardware, SatelliteInputs};
use hardware_models::sensors::SensorReadings;
use hardware_models::template::HardwareTemplate;
use orbit::{Duration, Propagator, illumination, load_elements, sun_position_teme_km};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const DAY_S: usize = 86_400;

/// CPU time this thread has used, s (user + system, from /proc on Linux; 10 ms resolution),
/// so that waiting for a core on a busy machine does not count.
fn thread_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ = 100 on Linux
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let days: usize = args.first().map_or(Ok(1), |a| a.parse())?;
    let full_dynamics = args.get(2).is_some_and(|a| a == "full");
    let names: Vec<String> = match args.get(1) {
        Some(n) if n != "all" => vec![n.clone()],
        _ => HardwareTemplate::builtin_names()
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/elements/sample.tle");
    let sets = load_elements(std::path::Path::new(path))?;
    let iss = sets
        .iter()
        .find(|s| s.name.as_deref() == Some("ISS (ZARYA)"))
        .ok_or("no ISS in the sample file")?;
    let prop = Propagator::new(iss)?;
    let period_s = 86_400.0 / iss.mean_motion_rev_day;

    for name in names {
        let mut template = HardwareTemplate::builtin(&name).ok_or("unknown template")?;
        template.attitude.settled_steps = !full_dynamics;
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let s0 = prop.state_after(Duration::ZERO)?;
        let q0 = align_body_axes(
            &template.attitude.boresight_body,
            &template.attitude.along_track_body,
            &-s0.pos_teme_km,
            &s0.vel_teme_km_s,
        )
        .ok_or("degenerate orbit")?;
        let mut sat = SatelliteHardware::new(template, None, q0, &mut rng)?;
        let mut readings = SensorReadings::default();
        let payload = sat.power.load_id("payload");
        let mut inputs = Vec::with_capacity(DAY_S);
        let mut stepping_s = 0.0;
        let mut cpu_s = Some(0.0);
        let (mut min_soc, mut max_error_rad) = (1.0f64, 0.0f64);
        let mut budget = 0u64;
        let mut since_mode_change_s = 0.0;
        let mut last_mode = AttitudeMode::Nadir;
        for day in 0..days {
            // The day's orbit, Sun and eclipse (not timed).
            inputs.clear();
            for k in 0..DAY_S {
                let t_s = (day * DAY_S + k) as f64;
                let s = prop.state_after(Duration::from_seconds(t_s))?;
                let sun = sun_position_teme_km(s.epoch);
                let lit = illumination(&s.pos_teme_km, &sun);
                let phase = (t_s % period_s) / period_s;
                let mode = if lit > 0.5 && (0.3..0.5).contains(&phase) {
                    AttitudeMode::SunPointing
                } else {
                    AttitudeMode::Nadir
                };
                inputs.push((
                    SatelliteInputs {
                        pos_eci_km: s.pos_teme_km,
                        vel_eci_km_s: s.vel_teme_km_s,
                        sun_pos_eci_km: sun,
                        illumination: lit,
                        attitude_mode: mode,
                        busy_fraction: 0.3,
                        watchdog_kicked: true,
                        reboot_requested: false,
                        time_since_launch: Duration::from_seconds(t_s),
                    },
                    phase < 0.05,
                ));
            }
            let cpu_start = thread_cpu_s();
            let start = Instant::now();
            for (input, imaging) in &inputs {
                if let Some(id) = payload {
                    sat.power.set_load_on(id, *imaging);
                }
                let out = sat.step(Duration::from_seconds(1.0), input);
                sat.read_sensors(&mut rng, &mut readings);
                min_soc = min_soc.min(out.power.soc);
                if input.attitude_mode == last_mode {
                    since_mode_change_s += 1.0;
                } else {
                    since_mode_change_s = 0.0;
                    last_mode = input.attitude_mode;
                }
                if since_mode_change_s > 300.0 {
                    max_error_rad = max_error_rad.max(out.attitude.attitude_error_rad);
                }
                budget = budget.wrapping_add(out.computer.instruction_budget);
            }
            stepping_s += start.elapsed().as_secs_f64();
            cpu_s = match (cpu_s, cpu_start, thread_cpu_s()) {
                (Some(total), Some(a), Some(b)) => Some(total + (b - a)),
                _ => None,
            };
        }
        let steps = (days * DAY_S) as f64;
        let year = 365.25 * 86_400.0 / steps;
        println!(
            "{name}: {days} simulated day(s) in {stepping_s:.3} s wall: {:.0} ns per 1 s step -> a simulated year in {:.1} s",
            stepping_s / steps * 1e9,
            stepping_s * year
        );
        if let Some(cpu_s) = cpu_s {
            println!(
                "  CPU time {cpu_s:.2} s: {:.0} ns per 1 s step -> a simulated year in {:.1} s",
                cpu_s / steps * 1e9,
                cpu_s * year
            );
        }
        println!(
            "  min SoC {min_soc:.3}, largest pointing error 5 min after a mode change {:.5}°, {budget} instructions offered, {:.1} % settled attitude steps",
            max_error_rad.to_degrees(),
            100.0 * sat.attitude.settled_step_count() as f64 / steps
        );
        println!(
            "  final state: SoC {:.12}, temperatures {:?} K, wheels {:?} N·m·s, q_body_from_eci {:?}",
            sat.power.soc(),
            sat.thermal.temps_k(),
            sat.attitude.wheels().momentum_nms(),
            sat.attitude.q_body_from_eci().coords.as_slice()
        );
    }
    Ok(())
}
