//! One step of each hardware model, and all models of one satellite together, for a 1 s step
//! (at a fixed point of the orbit, and along a real orbit).
//!
//! Run: `cargo bench -p hardware-models --bench models`

use std::hint::black_box;
use std::time::Duration as StdDuration;

use criterion::{Criterion, criterion_group, criterion_main};
use hardware_models::attitude::{AttitudeInputs, AttitudeMode, AttitudeModel, align_body_axes};
use hardware_models::camera::{Camera, CaptureInputs};
use hardware_models::computer::{Computer, ComputerInputs};
use hardware_models::link::{LinkBudget, LinkGeometry};
use hardware_models::power::{PowerInputs, PowerSystem};
use hardware_models::satellite::{SatelliteHardware, SatelliteInputs};
use hardware_models::sensors::{SensorReadings, SensorTruth, Sensors};
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hardware_models::thermal::{OrbitalEnvironment, ThermalInputs, ThermalModel};
use nalgebra::Vector3;
use orbit::{Duration, EarthOrientation, illumination, sun_position_teme_km};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const ONE_SECOND: Duration = Duration::from_seconds(1.0);

fn state() -> (Vector3<f64>, Vector3<f64>) {
    (
        Vector3::new(6878.137, 0.0, 0.0),
        Vector3::new(0.0, 1.0, 7.55).normalize() * 7.613,
    )
}

fn bench_models(c: &mut Criterion) {
    let epoch = orbit::parse_utc("2024-06-21T00:00:00Z").unwrap();
    let sun = sun_position_teme_km(epoch);
    let (pos, vel) = state();
    let q = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &vel).unwrap();
    let sun_body = q * (sun - pos).normalize();
    let mut g = c.benchmark_group("model_step_1s");
    for name in HardwareTemplate::builtin_names() {
        let t = HardwareTemplate::builtin(name).unwrap();

        let mut power = PowerSystem::new(t.power.clone()).unwrap();
        let temps = vec![300.0; t.power.solar_panels.len()];
        g.bench_function(format!("power/{name}"), |b| {
            b.iter(|| {
                power.step(
                    ONE_SECOND,
                    black_box(&PowerInputs {
                        sun_dir_body: sun_body,
                        solar_flux_w_m2: 1361.0,
                        illumination: 1.0,
                        panel_temps_k: &temps,
                        time_since_launch: Duration::ZERO,
                    }),
                )
            })
        });

        let mut thermal = ThermalModel::new(t.thermal.clone()).unwrap();
        let heat = vec![1.0; t.thermal.nodes.len()];
        g.bench_function(format!("thermal/{name}"), |b| {
            b.iter(|| {
                thermal.step(
                    ONE_SECOND,
                    black_box(&ThermalInputs {
                        environment: OrbitalEnvironment {
                            sun_dir_body: sun_body,
                            solar_flux_w_m2: 1361.0,
                            illumination: 1.0,
                            nadir_dir_body: Vector3::z(),
                            radius_km: 6878.137,
                        },
                        internal_heat_w: &heat,
                        heater_supply: &[],
                    }),
                )
            })
        });

        let mut attitude = AttitudeModel::new(
            t.attitude.clone(),
            &t.mass_properties().unwrap().inertia_kg_m2,
            q,
            Vector3::zeros(),
        )
        .unwrap();
        g.bench_function(format!("attitude_nadir/{name}"), |b| {
            b.iter(|| {
                attitude.step(
                    ONE_SECOND,
                    black_box(&AttitudeInputs {
                        pos_eci_km: pos,
                        vel_eci_km_s: vel,
                        sun_dir_eci: sun.normalize(),
                        mode: AttitudeMode::Nadir,
                        external_torque_body_nm: Vector3::zeros(),
                    }),
                )
            })
        });

        let mut computer = Computer::new(t.computer.clone()).unwrap();
        g.bench_function(format!("computer/{name}"), |b| {
            b.iter(|| {
                computer.step(
                    ONE_SECOND,
                    black_box(&ComputerInputs {
                        powered: true,
                        busy_fraction: 0.3,
                        watchdog_kicked: true,
                        reboot_requested: false,
                    }),
                )
            })
        });

        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut sensors = Sensors::new(t.sensors.clone(), t.thermal.nodes.len(), &mut rng).unwrap();
        let temps_k = vec![290.0; t.thermal.nodes.len()];
        g.bench_function(format!("sensors/{name}"), |b| {
            b.iter(|| {
                sensors.sample(
                    ONE_SECOND,
                    black_box(&SensorTruth {
                        pos_eci_km: pos,
                        vel_eci_km_s: vel,
                        sun_dir_body: sun_body,
                        illumination: 1.0,
                        omega_body_rad_s: Vector3::new(0.0, -0.0011, 0.0),
                        temps_k: &temps_k,
                    }),
                    &mut rng,
                )
            })
        });

        // Building a link computes the P.676 line-by-line specific attenuations and the zenith
        // path integral once.
        g.bench_function(format!("link_downlink_construct/{name}"), |b| {
            b.iter(|| LinkBudget::new(black_box(t.radio.downlink.clone())).unwrap())
        });
        let downlink = LinkBudget::new(t.radio.downlink.clone()).unwrap();
        g.bench_function(format!("link_downlink_evaluate/{name}"), |b| {
            b.iter(|| {
                downlink.evaluate(black_box(&LinkGeometry {
                    range_km: 1200.0,
                    elevation_rad: Some(0.4),
                    tx_off_boresight_rad: 0.9,
                    rx_off_boresight_rad: 0.0,
                }))
            })
        });

        let mut sat = SatelliteHardware::new(t.clone(), None, q, &mut rng).unwrap();
        let mut readings = SensorReadings::default();
        let lit = illumination(&pos, &sun);
        g.bench_function(format!("satellite_all_models/{name}"), |b| {
            b.iter(|| {
                sat.step(
                    ONE_SECOND,
                    black_box(&SatelliteInputs {
                        pos_eci_km: pos,
                        vel_eci_km_s: vel,
                        sun_pos_eci_km: sun,
                        illumination: lit,
                        attitude_mode: AttitudeMode::Nadir,
                        busy_fraction: 0.3,
                        watchdog_kicked: true,
                        reboot_requested: false,
                        time_since_launch: Duration::ZERO,
                    }),
                );
                sat.read_sensors(&mut rng, &mut readings)
            })
        });
    }
    g.finish();

    // Along a real orbit: one ISS orbit (SGP4) at 1 s steps, cycled, nadir pointing. The fixed
    // inputs above keep the satellite at one point of its orbit; here the Sun, the eclipse and
    // the reference attitude move as in a simulation, so the attitude reaches its steady state
    // and takes settled steps (and the full dynamics is measured with them turned off).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/elements/sample.tle");
    let sets = orbit::load_elements(std::path::Path::new(path)).unwrap();
    let iss = sets
        .iter()
        .find(|s| s.name.as_deref() == Some("ISS (ZARYA)"))
        .unwrap();
    let prop = orbit::Propagator::new(iss).unwrap();
    let orbit_inputs: Vec<SatelliteInputs> = (0..(86_400.0 / iss.mean_motion_rev_day) as usize)
        .map(|k| {
            let s = prop.state_after(Duration::from_seconds(k as f64)).unwrap();
            let sun = sun_position_teme_km(s.epoch);
            SatelliteInputs {
                pos_eci_km: s.pos_teme_km,
                vel_eci_km_s: s.vel_teme_km_s,
                sun_pos_eci_km: sun,
                illumination: illumination(&s.pos_teme_km, &sun),
                attitude_mode: AttitudeMode::Nadir,
                busy_fraction: 0.3,
                watchdog_kicked: true,
                reboot_requested: false,
                time_since_launch: Duration::from_seconds(k as f64),
            }
        })
        .collect();
    let mut g = c.benchmark_group("orbit_step_1s");
    for name in HardwareTemplate::builtin_names() {
        for settled in [true, false] {
            let mut t = HardwareTemplate::builtin(name).unwrap();
            t.attitude.settled_steps = settled;
            let suffix = if settled { "" } else { "_full_dynamics" };
            let first = &orbit_inputs[0];
            let q0 = align_body_axes(
                &t.attitude.boresight_body,
                &t.attitude.along_track_body,
                &-first.pos_eci_km,
                &first.vel_eci_km_s,
            )
            .unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let mut sat = SatelliteHardware::new(t.clone(), None, q0, &mut rng).unwrap();
            let mut readings = SensorReadings::default();
            let mut attitude = AttitudeModel::new(
                t.attitude.clone(),
                &t.mass_properties().unwrap().inertia_kg_m2,
                q0,
                Vector3::zeros(),
            )
            .unwrap();
            // Settle first (acquisition is not what this measures).
            for i in &orbit_inputs[..600] {
                sat.step(ONE_SECOND, i);
                sat.read_sensors(&mut rng, &mut readings);
            }
            let mut k = 600;
            g.bench_function(format!("satellite{suffix}/{name}"), |b| {
                b.iter(|| {
                    k = (k + 1) % orbit_inputs.len();
                    sat.step(ONE_SECOND, black_box(&orbit_inputs[k]));
                    sat.read_sensors(&mut rng, &mut readings)
                })
            });
            let mut k = 0;
            g.bench_function(format!("attitude{suffix}/{name}"), |b| {
                b.iter(|| {
                    k = (k + 1) % orbit_inputs.len();
                    let i = &orbit_inputs[k];
                    attitude.step(
                        ONE_SECOND,
                        black_box(&AttitudeInputs {
                            pos_eci_km: i.pos_eci_km,
                            vel_eci_km_s: i.vel_eci_km_s,
                            sun_dir_eci: (i.sun_pos_eci_km - i.pos_eci_km).normalize(),
                            mode: AttitudeMode::Nadir,
                            external_torque_body_nm: Vector3::zeros(),
                        }),
                    )
                })
            });
        }
    }
    g.finish();

    // Camera captures happen on request, not every step: measured separately.
    let texture = EarthTexture::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/earth/blue_marble_4096x2048.jpg"
    ))
    .unwrap();
    let eop = EarthOrientation::none();
    let mut g = c.benchmark_group("camera_capture");
    g.sample_size(10);
    for name in HardwareTemplate::builtin_names() {
        let t = HardwareTemplate::builtin(name).unwrap();
        let camera = Camera::new(t.camera.clone(), texture.clone()).unwrap();
        let mut image = vec![0u8; camera.image_bytes()];
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let inputs = CaptureInputs {
            epoch,
            pos_eci_km: pos,
            q_body_from_eci: q,
            sun_pos_eci_km: sun,
            eop: &eop,
        };
        g.bench_function(
            format!(
                "{name}_{}x{}x{}",
                t.camera.width_px, t.camera.height_px, t.camera.channels
            ),
            |b| {
                b.iter(|| {
                    camera
                        .capture(black_box(&inputs), &mut image, &mut rng)
                        .unwrap()
                })
            },
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(StdDuration::from_millis(500))
        .measurement_time(StdDuration::from_secs(2))
        .sample_size(30);
    targets = bench_models
}
criterion_main!(benches);
