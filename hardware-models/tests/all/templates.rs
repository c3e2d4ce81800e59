//! The built-in templates: every model builds, serde round-trips (JSON and TOML, the scenario
//! format), and headline numbers are what the documentation claims.

use hardware_models::attitude::{AttitudeModel, WheelArray};
use hardware_models::link::LinkGeometry;
use hardware_models::satellite::SatelliteHardware;
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use nalgebra::{UnitQuaternion, Vector3};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn all() -> Vec<HardwareTemplate> {
    HardwareTemplate::builtin_names()
        .iter()
        .map(|n| HardwareTemplate::builtin(n).unwrap())
        .collect()
}

#[test]
fn regress_builtin_templates_are_the_toml_files_read_like_a_users() {
    use hardware_models::HardwareError;
    use std::error::Error;
    for name in HardwareTemplate::builtin_names() {
        let text = HardwareTemplate::builtin_toml(name).unwrap();
        let from_text = HardwareTemplate::from_toml_str(text).unwrap();
        assert_eq!(&from_text.name, name);
        assert_eq!(HardwareTemplate::builtin(name).unwrap(), from_text);
        let table: toml::Table = toml::from_str(text).unwrap();
        assert_eq!(HardwareTemplate::from_toml_table(table).unwrap(), from_text);
        // The file on disk is the embedded text.
        let path = format!(
            "{}/../assets/hardware/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        assert_eq!(std::fs::read_to_string(path).unwrap(), text);
    }
    assert!(HardwareTemplate::builtin_toml("cubesat-3u").is_none());

    // An edited tree (a scenario override by dotted path) goes through the same checks.
    let mut table: toml::Table =
        toml::from_str(HardwareTemplate::builtin_toml("cubesat-6u").unwrap()).unwrap();
    table["power"]["battery"]["capacity_wh"] = toml::Value::Float(154.0);
    let doubled = HardwareTemplate::from_toml_table(table.clone()).unwrap();
    assert_eq!(doubled.power.battery.capacity_wh, 154.0);
    table["power"]["battery"]["capacity_wh"] = toml::Value::Float(-1.0);
    let err = HardwareTemplate::from_toml_table(table.clone()).unwrap_err();
    assert!(
        matches!(&err, HardwareError::InvalidTemplate { problems, .. } if problems.len() == 1),
        "{err}"
    );
    table["power"]["battery"]
        .as_table_mut()
        .unwrap()
        .insert("capacity_kwh".into(), toml::Value::Float(1.0));
    let err = HardwareTemplate::from_toml_table(table).unwrap_err();
    let HardwareError::TemplateToml { .. } = &err else {
        panic!("{err}")
    };
    assert!(err.to_string().contains("capacity_kwh"), "{err}");
    assert!(err.source().unwrap().is::<toml::de::Error>());

    // From text, a misspelt field is reported with its line.
    let text = HardwareTemplate::builtin_toml("smallsat-100kg")
        .unwrap()
        .replace("boot_time_s = 30.0", "boot_time_sec = 30.0");
    let err = HardwareTemplate::from_toml_str(&text)
        .unwrap_err()
        .to_string();
    let line = text
        .lines()
        .position(|l| l.starts_with("boot_time_sec"))
        .unwrap()
        + 1;
    assert!(
        err.contains("boot_time_sec") && err.contains(&format!("line {line}")),
        "{err}"
    );
}

#[test]
fn regress_builtin_templates_build_every_model() {
    assert!(HardwareTemplate::builtin("cubesat-3u").is_none());
    let texture = EarthTexture::from_rgb(8, 4, vec![128; 96]).unwrap();
    for t in all() {
        assert_eq!(HardwareTemplate::builtin(&t.name).unwrap(), t);
        SatelliteHardware::new(
            t.clone(),
            Some(texture.clone()),
            UnitQuaternion::identity(),
            &mut ChaCha8Rng::seed_from_u64(0),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", t.name));
    }
}

/// Structural equality of two JSON trees with numbers equal to 1e-12 relative.
fn approx_equal(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                "{path}: {x} vs {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                approx_equal(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (k, v) in x {
                approx_equal(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn regress_templates_round_trip_through_json_and_toml() {
    for t in all() {
        // serde_json parses some floats 1 ulp off (without its `float_roundtrip` feature) and
        // the TOML writer (the scenario format) prints some with fewer digits: compare
        // numerically, and check that the TOML text is stable.
        let json = serde_json::to_string(&t).unwrap();
        let back: HardwareTemplate = serde_json::from_str(&json).unwrap();
        approx_equal(
            &serde_json::to_value(&back).unwrap(),
            &serde_json::to_value(&t).unwrap(),
            "",
        );
        let text = toml::to_string(&t).unwrap();
        let back: HardwareTemplate =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(toml::to_string(&back).unwrap(), text);
        approx_equal(
            &serde_json::to_value(&back).unwrap(),
            &serde_json::to_value(&t).unwrap(),
            "",
        );
    }
    // Unknown fields are rejected with the field's name.
    let mut value: serde_json::Value =
        serde_json::to_value(HardwareTemplate::builtin("cubesat-6u").unwrap()).unwrap();
    value["computer"]["clock_mhz"] = serde_json::json!(800);
    let err = serde_json::from_value::<HardwareTemplate>(value).unwrap_err();
    assert!(err.to_string().contains("clock_mhz"), "{err}");
}

#[test]
fn val_analytic_template_headline_numbers() {
    let six = HardwareTemplate::builtin("cubesat-6u").unwrap();
    // Mass from the parts: the bus takes what the other parts leave of 10 kg and 100 kg.
    for (t, mass_kg) in [
        (&six, 10.0),
        (&HardwareTemplate::builtin("smallsat-100kg").unwrap(), 100.0),
    ] {
        let m = t.mass_properties().unwrap();
        let parts: f64 = t.geometry.parts.iter().map(|p| p.mass()).sum();
        assert!((m.mass_kg - mass_kg).abs() < 1e-12 && (parts - mass_kg).abs() < 1e-12);
        let j = &m.inertia_kg_m2;
        println!(
            "{}: {:.3} kg, centre of mass {:.4?} m, J diag {:.4} {:.4} {:.4}, off-diagonal \
             {:.1e} {:.1e} {:.1e} kg·m²",
            t.name,
            m.mass_kg,
            m.center_of_mass_body_m.as_slice(),
            j[(0, 0)],
            j[(1, 1)],
            j[(2, 2)],
            j[(0, 1)],
            j[(0, 2)],
            j[(1, 2)]
        );
    }
    // Peak array power sun-normal at BOL, 28 °C: S · Σ(A · pf) · η.
    let cells: f64 = six
        .power
        .solar_panels
        .iter()
        .map(|p| p.area_m2 * p.packing_factor)
        .sum();
    let peak = 1361.0 * cells * 0.295;
    assert!((35.0..50.0).contains(&peak), "6U peak {peak} W");
    let small = HardwareTemplate::builtin("smallsat-100kg").unwrap();
    let cells: f64 = small
        .power
        .solar_panels
        .iter()
        .map(|p| p.area_m2 * p.packing_factor)
        .sum();
    let peak = 1361.0 * cells * 0.295;
    assert!((300.0..500.0).contains(&peak), "smallsat peak {peak} W");

    // Downlinks close at 1000 km / 30° elevation with the antenna 60° off boresight.
    for t in [&six, &small] {
        let sat = SatelliteHardware::new(
            t.clone(),
            None,
            UnitQuaternion::identity(),
            &mut ChaCha8Rng::seed_from_u64(0),
        )
        .unwrap();
        let down = sat.downlink.evaluate(&LinkGeometry {
            range_km: 1000.0,
            elevation_rad: Some(30f64.to_radians()),
            tx_off_boresight_rad: 60f64.to_radians(),
            rx_off_boresight_rad: 0.0,
        });
        assert!(down.closed, "{}: {down:?}", t.name);
        let up = sat.uplink.evaluate(&LinkGeometry {
            range_km: 2000.0,
            elevation_rad: Some(10f64.to_radians()),
            tx_off_boresight_rad: 0.0,
            rx_off_boresight_rad: 60f64.to_radians(),
        });
        assert!(up.closed, "{}: {up:?}", t.name);
        let isl = sat.isl.evaluate(&LinkGeometry {
            range_km: 1000.0,
            elevation_rad: None,
            tx_off_boresight_rad: 0.0,
            rx_off_boresight_rad: 0.0,
        });
        assert!(isl.closed, "{}: {isl:?}", t.name);
        println!(
            "{}: downlink {:.1} Mbit/s margin {:.1} dB; uplink margin {:.1} dB; ISL margin {:.1} dB at 1000 km",
            t.name,
            down.rate_bps / 1e6,
            down.margin_db,
            up.margin_db,
            isl.margin_db
        );
    }

    // Agility: wheel torque about the pitch axis and the slew rate limit.
    for t in [&six, &small] {
        let wheels = WheelArray::new(t.attitude.wheels.clone()).unwrap();
        let m = AttitudeModel::new(
            t.attitude.clone(),
            &t.mass_properties().unwrap().inertia_kg_m2,
            UnitQuaternion::identity(),
            Vector3::zeros(),
        )
        .unwrap();
        let j = m.body().inertia_kg_m2();
        let alpha = wheels.torque_capacity_along_nm(&Vector3::y()) / j[(1, 1)];
        println!(
            "{}: pitch acceleration {:.4} °/s², slew limit {:.2} °/s",
            t.name,
            alpha.to_degrees(),
            t.attitude.controller.max_slew_rate_rad_s.to_degrees()
        );
        assert!(alpha > 0.0);
    }
}

#[test]
fn val_analytic_template_slews_follow_bang_coast_bang() {
    use hardware_models::attitude::{AttitudeInputs, AttitudeMode};
    use orbit::Duration;
    for t in all() {
        let mut m = AttitudeModel::new(
            t.attitude.clone(),
            &t.mass_properties().unwrap().inertia_kg_m2,
            UnitQuaternion::identity(),
            Vector3::zeros(),
        )
        .unwrap();
        let wheels = WheelArray::new(t.attitude.wheels.clone()).unwrap();
        let axis = Vector3::y();
        let j = axis.dot(&(m.body().inertia_kg_m2() * axis));
        let alpha = wheels.torque_capacity_along_nm(&axis) / j;
        let w_max = t
            .attitude
            .controller
            .max_slew_rate_rad_s
            .min(0.9 * wheels.capacity_along_nms(&axis) / j);
        let theta = 30f64.to_radians();
        // Rest to rest: bang-coast-bang if the rate limit is reached, else bang-bang.
        let t_analytic = if theta >= w_max * w_max / alpha {
            theta / w_max + w_max / alpha
        } else {
            2.0 * (theta / alpha).sqrt()
        };
        let target = UnitQuaternion::from_axis_angle(&Vector3::y_axis(), theta).inverse();
        let mut time = f64::INFINITY;
        let mut clock = 0.0;
        while clock < 300.0 {
            let out = m.step(
                Duration::from_seconds(0.5),
                &AttitudeInputs {
                    pos_eci_km: Vector3::new(6878.0, 0.0, 0.0),
                    vel_eci_km_s: Vector3::new(0.0, 7.6, 0.0),
                    sun_dir_eci: Vector3::x(),
                    mode: AttitudeMode::InertialHold {
                        q_body_from_eci: target,
                    },
                    external_torque_body_nm: Vector3::zeros(),
                },
            );
            clock += 0.5;
            if out.attitude_error_rad < 0.1f64.to_radians() {
                time = clock;
                break;
            }
        }
        println!(
            "{}: 30° slew {time:.1} s, analytic {t_analytic:.1} s",
            t.name
        );
        assert!(
            (time / t_analytic - 1.0).abs() < 0.1,
            "{}: {time} vs {t_analytic}",
            t.name
        );
    }
}

#[test]
fn regress_validate_reports_every_problem_with_its_field() {
    use hardware_models::HardwareError;
    let mut t = HardwareTemplate::builtin("cubesat-6u").unwrap();
    t.power.battery.capacity_wh = -77.0;
    t.thermal.nodes[2].heat_capacity_j_k = f64::NAN;
    t.radio.isl.tx_power_w = 0.0;
    t.computer.thermal_node = Some("attic".into());
    let err = t.validate().unwrap_err();
    let HardwareError::InvalidTemplate { name, problems } = &err else {
        panic!("{err}")
    };
    assert_eq!(name, "cubesat-6u");
    let fields: Vec<(String, String)> = problems
        .iter()
        .map(|p| match p {
            HardwareError::InvalidParameter { model, field, .. } => {
                (model.to_string(), field.clone())
            }
            HardwareError::UnknownName { model, name, .. } => (model.to_string(), name.clone()),
            other => panic!("{other}"),
        })
        .collect();
    let expected = [
        ("power", "battery.capacity_wh"),
        ("thermal", "nodes[battery].heat_capacity_j_k"),
        ("radio.isl", "tx_power_w"),
        ("computer.thermal_node", "attic"),
    ];
    assert_eq!(
        fields,
        expected.map(|(m, f)| (m.to_string(), f.to_string())),
        "{err}"
    );
    // Building reports the same.
    let built = SatelliteHardware::new(
        t,
        None,
        UnitQuaternion::identity(),
        &mut ChaCha8Rng::seed_from_u64(0),
    );
    assert_eq!(built.unwrap_err().to_string(), err.to_string());
    // From a scenario file: TOML can spell NaN.
    let text = toml::to_string(&HardwareTemplate::builtin("smallsat-100kg").unwrap())
        .unwrap()
        .replace("capacity_wh = 600.0", "capacity_wh = nan");
    let t: HardwareTemplate = toml::from_str(&text).unwrap();
    let err = t.validate().unwrap_err().to_string();
    assert!(
        err.contains("power: parameter `battery.capacity_wh` = NaN is invalid"),
        "{err}"
    );
    for t in all() {
        t.validate().unwrap();
    }
}

/// Geometry problems are reported like every other, each naming the field a user would edit.
#[test]
fn regress_validate_reports_geometry_problems() {
    use hardware_models::HardwareError;
    use hardware_models::geometry::Aperture;
    let mut t = HardwareTemplate::builtin("cubesat-6u").unwrap();
    // The +y wing no longer carries its panel; the −y wing's part names an unknown one.
    t.geometry.parts[1].solar_panels.clear();
    t.geometry.parts[2].solar_panels.push("wing_plus_z".into());
    // The body panel now faces +x: the bus's +x face is smaller than the panel.
    t.power.solar_panels[0].normal_body = Vector3::x();
    // Nothing carries the camera's aperture any more; the ISL antenna looks along a diagonal.
    t.geometry
        .parts
        .iter_mut()
        .for_each(|p| p.apertures.retain(|a| *a != Aperture::Camera));
    t.radio.isl_antenna_boresight_body = Vector3::new(1.0, 1.0, 0.0);
    // A part of negative size.
    t.geometry.parts[6].shape = hardware_models::geometry::ShapeParams::Box {
        size_m: Vector3::new(0.034, -0.032, 0.02),
    };
    let err = t.validate().unwrap_err();
    let HardwareError::InvalidTemplate { problems, .. } = &err else {
        panic!("{err}")
    };
    let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    println!("{}", texts.join("\n"));
    // The part of negative size stops the geometry checks that need the parts built.
    assert_eq!(texts.len(), 1, "{err}");
    assert!(texts[0].contains("parts[sun_sensor].shape.size_m"), "{err}");

    t.geometry.parts[6].shape = hardware_models::geometry::ShapeParams::Box {
        size_m: Vector3::new(0.034, 0.032, 0.02),
    };
    let err = t.validate().unwrap_err();
    let HardwareError::InvalidTemplate { problems, .. } = &err else {
        panic!("{err}")
    };
    let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    println!("{}", texts.join("\n"));
    for expected in [
        "geometry.parts.solar_panels: unknown solar panel `wing_plus_z`",
        "parameter `solar_panels[body_minus_z].area_m2` = 0.0827",
        "parameter `parts.solar_panels[wing_plus_y]` = 0",
        "parameter `isl_antenna_boresight_body` = 0.707",
        "parameter `parts.apertures[camera]` = 0",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(expected)),
            "missing `{expected}` in:\n{}",
            texts.join("\n")
        );
    }
    assert_eq!(texts.len(), 5, "{err}");
    // Building reports the same.
    let built = SatelliteHardware::new(
        t,
        None,
        UnitQuaternion::identity(),
        &mut ChaCha8Rng::seed_from_u64(0),
    );
    assert_eq!(built.unwrap_err().to_string(), err.to_string());
}

/// The built-in templates' instruments: nothing blocks the camera's field; an antenna's front
/// hemisphere is blocked only near its horizon, so in nadir pointing every ground station above
/// the Earth's limb (within 70.2° of nadir from 400 km: asin(6378 / 6778)) is in view.
#[test]
fn regress_builtin_fields_of_view() {
    use hardware_models::satellite::Antenna;
    let limb_rad = (6378.0f64 / 6778.0).asin();
    for t in all() {
        // Body axes = ECI axes: a line of sight in ECI is the same vector in the body frame.
        let sat = SatelliteHardware::new(
            t.clone(),
            None,
            UnitQuaternion::identity(),
            &mut ChaCha8Rng::seed_from_u64(0),
        )
        .unwrap();
        assert_eq!(sat.camera_field_obstructed_fraction(), 0.0, "{}", t.name);
        let ground = sat.antenna_field_obstructed_fraction(Antenna::Ground);
        let isl = sat.antenna_field_obstructed_fraction(Antenna::InterSatellite);
        println!(
            "{}: front hemisphere blocked: ground antenna {:.2} %, ISL antenna {:.2} %",
            t.name,
            100.0 * ground,
            100.0 * isl
        );
        assert!(ground < 0.05 && isl < 0.05);
        let boresight = t.radio.ground_antenna_boresight_body.normalize();
        let e1 = boresight.cross(&Vector3::x()).normalize();
        let e2 = boresight.cross(&e1);
        for k in 0..=40 {
            let off = limb_rad * k as f64 / 40.0;
            for m in 0..72 {
                let az = (m as f64 * 5.0).to_radians();
                let d = boresight * off.cos() + (e1 * az.cos() + e2 * az.sin()) * off.sin();
                assert!(
                    !sat.antenna_line_of_sight_blocked(Antenna::Ground, &d),
                    "{}: blocked {:.1}° off nadir at azimuth {}°",
                    t.name,
                    off.to_degrees(),
                    m * 5
                );
            }
        }
        // Behind the aperture nothing is tested, and the camera baffle of the 6U stands on the
        // same face as its patch: at grazing elevation toward it the patch's view is blocked.
        assert!(!sat.antenna_line_of_sight_blocked(Antenna::Ground, &-boresight));
    }
    let six = SatelliteHardware::new(
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        None,
        UnitQuaternion::identity(),
        &mut ChaCha8Rng::seed_from_u64(0),
    )
    .unwrap();
    // From the patch centre (0.1, 0, 0.054) along −x, 8.5° above the face: the ray reaches the
    // baffle (x ≤ −0.06) at z = 0.078, below its top (0.09; its top edge is 12.7° up).
    let toward_baffle = Vector3::new(-1.0, 0.0, 0.15);
    assert!(six.antenna_line_of_sight_blocked(Antenna::Ground, &toward_baffle));
    // The same direction with the satellite turned 180° about z points away from it: clear.
    let turned = SatelliteHardware::new(
        HardwareTemplate::builtin("cubesat-6u").unwrap(),
        None,
        UnitQuaternion::from_axis_angle(&Vector3::z_axis(), std::f64::consts::PI),
        &mut ChaCha8Rng::seed_from_u64(0),
    )
    .unwrap();
    assert!(!turned.antenna_line_of_sight_blocked(Antenna::Ground, &toward_baffle));
}
