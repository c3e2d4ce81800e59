//! Bad parameter files must give errors, never panics or hangs: every numeric field of both
//! templates is set in turn to NaN, ±∞, a negative number, zero, a tiny and a huge value, and
//! every list is emptied, through TOML (the scenario format, which can spell `nan` and `inf`).
//! A template that deserialises is then validated and built; one that builds is stepped.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hardware_models::HardwareError;
use hardware_models::attitude::AttitudeMode;
use hardware_models::satellite::{SatelliteHardware, SatelliteInputs};
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use nalgebra::{UnitQuaternion, Vector3};
use orbit::Duration;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use toml::Value;

/// Paths (keys and indices) of every numeric leaf and every array in a TOML tree.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, bool)>) {
    match v {
        Value::Integer(_) | Value::Float(_) => out.push((path.clone(), false)),
        Value::Array(items) => {
            out.push((path.clone(), true));
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                leaves(item, path, out);
                path.pop();
            }
        }
        Value::Table(t) => {
            for (k, item) in t {
                path.push(k.clone());
                leaves(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, key| match v {
        Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        Value::Table(t) => t.get_mut(key).unwrap(),
        _ => unreachable!(),
    })
}

const BAD_FLOATS: [f64; 8] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -1.0,
    0.0,
    1e-300,
    1e300,
    -1e300,
];
const BAD_INTEGERS: [i64; 3] = [0, -1, i64::MAX];

/// Builds and steps a satellite; returns a description of anything non-finite it produced.
fn fly(template: HardwareTemplate) -> Result<Option<String>, HardwareError> {
    let texture = EarthTexture::from_rgb(8, 4, vec![100; 96]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut sat = SatelliteHardware::new(
        template,
        Some(texture),
        UnitQuaternion::identity(),
        &mut rng,
    )?;
    let pos = Vector3::new(6878.0, 0.0, 0.0);
    let vel = Vector3::new(0.0, 1.0, 7.5);
    for (dt_s, mode) in [
        (1.0, AttitudeMode::Nadir),
        (60.0, AttitudeMode::SunPointing),
        (0.25, AttitudeMode::Idle),
    ] {
        let out = sat.step(
            Duration::from_seconds(dt_s),
            &SatelliteInputs {
                pos_eci_km: pos,
                vel_eci_km_s: vel,
                sun_pos_eci_km: Vector3::new(1.0e8, 1.0e8, 0.0),
                illumination: 1.0,
                attitude_mode: mode,
                busy_fraction: 0.5,
                watchdog_kicked: true,
                reboot_requested: false,
                time_since_launch: Duration::from_seconds(3.0e7),
            },
        );
        let q = out.attitude.q_body_from_eci;
        let finite = out.power.soc.is_finite()
            && out.power.load_w.is_finite()
            && sat.thermal.temps_k().iter().all(|t| t.is_finite())
            && q.coords.iter().all(|c| c.is_finite())
            && out.attitude.omega_body_rad_s.iter().all(|c| c.is_finite());
        if !finite {
            return Ok(Some(format!(
                "non-finite state after a {dt_s} s step: soc {}, temps {:?}, q {q:?}",
                out.power.soc,
                sat.thermal.temps_k()
            )));
        }
    }
    let mut image = vec![0u8; sat.template().camera.width_px as usize * 3];
    // A capture into a too-small buffer is an error, not a panic.
    let _ = sat.capture(
        orbit::parse_utc("2024-06-21T00:00:00Z").unwrap(),
        &pos,
        &Vector3::new(1.0e8, 1.0e8, 0.0),
        &orbit::EarthOrientation::none(),
        &mut image,
        &mut rng,
    );
    Ok(None)
}

#[test]
fn regress_bad_template_values_give_errors_not_panics() {
    let mut problems = Vec::new();
    let mut cases = 0;
    let mut unnamed = Vec::new();
    for name in HardwareTemplate::builtin_names() {
        let template = HardwareTemplate::builtin(name).unwrap();
        let tree = Value::try_from(&template).unwrap();
        let mut paths = Vec::new();
        leaves(&tree, &mut Vec::new(), &mut paths);
        for (path, is_array) in paths {
            let mut variants: Vec<Value> = if is_array {
                vec![Value::Array(Vec::new())]
            } else if matches!(at(&mut tree.clone(), &path), Value::Integer(_)) {
                BAD_INTEGERS.iter().map(|&i| Value::Integer(i)).collect()
            } else {
                BAD_FLOATS.iter().map(|&x| Value::Float(x)).collect()
            };
            for bad in variants.drain(..) {
                cases += 1;
                let mut t = tree.clone();
                let shown = format!("{name}: {} = {bad}", path.join("."));
                *at(&mut t, &path) = bad;
                let Ok(parsed) = t.try_into::<HardwareTemplate>() else {
                    continue; // rejected by serde (a negative size, an empty vector3 ...)
                };
                let validated = parsed.validate();
                match catch_unwind(AssertUnwindSafe(|| fly(parsed))) {
                    Err(_) => problems.push(format!("{shown}: PANIC")),
                    Ok(Ok(Some(bad_state))) => problems.push(format!("{shown}: {bad_state}")),
                    Ok(Ok(None)) => {
                        if let Err(e) = validated {
                            problems
                                .push(format!("{shown}: validate() rejects ({e}) but it builds"));
                        }
                    }
                    Ok(Err(e)) => match validated {
                        Ok(()) => problems.push(format!(
                            "{shown}: validate() accepts but building fails: {e}"
                        )),
                        Err(e) => {
                            // The error names the field that was changed (for a vector or
                            // matrix element, the vector; for an emptied list, the list or
                            // what it must contain).
                            let key = path
                                .iter()
                                .rev()
                                .find(|k| k.parse::<usize>().is_err())
                                .unwrap();
                            let text = e.to_string();
                            // Emptying the load list breaks the references to its loads.
                            let reference = is_array && text.contains("unknown power load");
                            if !text.contains(key.as_str()) && !reference {
                                unnamed.push(format!("{shown}: {e}"));
                            }
                        }
                    },
                }
            }
        }
    }
    println!("{cases} mutated templates");
    assert!(
        unnamed.is_empty(),
        "errors that do not name the field:\n{}",
        unnamed.join("\n")
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn regress_bad_step_inputs_and_initial_states_do_not_panic() {
    let t = HardwareTemplate::builtin("cubesat-6u").unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    // A non-finite initial attitude is an input error.
    let nan_q = UnitQuaternion::new_unchecked(nalgebra::Quaternion::new(f64::NAN, 0.0, 0.0, 0.0));
    assert!(matches!(
        SatelliteHardware::new(t.clone(), None, nan_q, &mut rng),
        Err(HardwareError::InvalidInput { .. })
    ));
    let mut sat = SatelliteHardware::new(t, None, UnitQuaternion::identity(), &mut rng).unwrap();
    let mut readings = hardware_models::sensors::SensorReadings::default();
    let good = SatelliteInputs {
        pos_eci_km: Vector3::new(6878.0, 0.0, 0.0),
        vel_eci_km_s: Vector3::new(0.0, 1.0, 7.5),
        sun_pos_eci_km: Vector3::new(1.0e8, 1.0e8, 0.0),
        illumination: 1.0,
        attitude_mode: AttitudeMode::Nadir,
        busy_fraction: 0.5,
        watchdog_kicked: true,
        reboot_requested: false,
        time_since_launch: Duration::ZERO,
    };
    let bad_vectors = [
        Vector3::new(f64::NAN, 0.0, 0.0),
        Vector3::new(f64::INFINITY, 0.0, 0.0),
        Vector3::zeros(),
    ];
    let mut cases = Vec::new();
    for v in bad_vectors {
        cases.push(SatelliteInputs {
            pos_eci_km: v,
            ..good
        });
        cases.push(SatelliteInputs {
            vel_eci_km_s: v,
            ..good
        });
        cases.push(SatelliteInputs {
            sun_pos_eci_km: v,
            ..good
        });
        cases.push(SatelliteInputs {
            attitude_mode: AttitudeMode::TargetTracking {
                target_pos_eci_km: v,
                target_vel_eci_km_s: v,
            },
            ..good
        });
    }
    for x in [f64::NAN, f64::INFINITY, -1.0, 2.0] {
        cases.push(SatelliteInputs {
            illumination: x,
            busy_fraction: x,
            reboot_requested: true,
            ..good
        });
    }
    for (k, inputs) in cases.iter().enumerate() {
        for dt_s in [0.0, 1.0, 60.0] {
            let out = sat.step(Duration::from_seconds(dt_s), inputs);
            // The sensors read the bad truth without panicking.
            assert!(sat.read_sensors(&mut rng, &mut readings));
            assert!(
                out.power.soc.is_finite()
                    && sat.thermal.temps_k().iter().all(|t| t.is_finite())
                    && out
                        .attitude
                        .q_body_from_eci
                        .coords
                        .iter()
                        .all(|c| c.is_finite())
                    && out.attitude.omega_body_rad_s.iter().all(|c| c.is_finite()),
                "case {k}, dt {dt_s}: {out:?}"
            );
            // A good step afterwards still works.
            sat.step(Duration::from_seconds(1.0), &good);
        }
    }
    // Wheel momenta from a command: non-finite values are ignored.
    sat.attitude
        .set_wheel_momentum_nms(&[f64::NAN, 0.01, f64::INFINITY]);
    let m = sat.attitude.wheels().momentum_nms();
    assert!(m.iter().all(|h| h.is_finite()) && (m[1] - 0.01).abs() < 1e-15);
}
