use super::*;

const SIX_U_INERTIA: [[f64; 3]; 3] = [
    [0.120, 0.004, -0.002],
    [0.004, 0.154, 0.003],
    [-0.002, 0.003, 0.051],
];

fn orthogonal_wheels(max_torque_nm: f64, max_momentum_nms: f64) -> Vec<ReactionWheelParams> {
    [Vector3::x(), Vector3::y(), Vector3::z()]
        .into_iter()
        .enumerate()
        .map(|(i, axis)| ReactionWheelParams {
            name: format!("rw{i}"),
            axis_body: axis,
            max_torque_nm,
            max_momentum_nms,
            rotor_inertia_kg_m2: 2e-5,
            static_power_w: 0.1,
            motor_efficiency: 0.7,
        })
        .collect()
}

fn m3(j: [[f64; 3]; 3]) -> Matrix3<f64> {
    Matrix3::from_row_slice(&[
        j[0][0], j[0][1], j[0][2], j[1][0], j[1][1], j[1][2], j[2][0], j[2][1], j[2][2],
    ])
}

fn params(wheels: Vec<ReactionWheelParams>) -> AttitudeParams {
    AttitudeParams {
        wheels,
        controller: ControllerParams {
            control_period_s: 0.1,
            pointing_gain_per_s: 4.0,
            rate_gain_per_s: 8.0,
            max_slew_rate_rad_s: 0.5,
            braking_fraction: 0.95,
        },
        boresight_body: Vector3::z(),
        along_track_body: Vector3::x(),
        sun_axis_body: -Vector3::y(),
        sun_secondary_body: Vector3::z(),
        gravity_gradient: false,
        auto_dump_fraction: None,
        power_load: None,
        settled_steps: true,
    }
}

/// Circular 500 km equatorial-ish orbit state.
fn orbit_state(t_s: f64) -> (Vector3<f64>, Vector3<f64>) {
    let r: f64 = 6878.137;
    let v = (MU_EARTH_KM3_S2 / r).sqrt();
    let n = v / r;
    let i = 0.9f64;
    let (s, c) = (n * t_s).sin_cos();
    let pos = Vector3::new(r * c, r * s * i.cos(), r * s * i.sin());
    let vel = Vector3::new(-v * s, v * c * i.cos(), v * c * i.sin());
    (pos, vel)
}

fn inputs(t_s: f64, mode: AttitudeMode) -> AttitudeInputs {
    let (pos, vel) = orbit_state(t_s);
    AttitudeInputs {
        pos_eci_km: pos,
        vel_eci_km_s: vel,
        sun_dir_eci: Vector3::new(0.3, 0.9, 0.2).normalize(),
        mode,
        external_torque_body_nm: Vector3::zeros(),
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_seconds(s)
}

fn inertial_momentum(m: &AttitudeModel, out: &AttitudeOutputs) -> Vector3<f64> {
    // From the outputs: L = q⁻¹ (J ω + h)
    let j = *m.inertia_kg_m2();
    out.q_body_from_eci.inverse() * (j * out.omega_body_rad_s + m.wheels().momentum_body_nms())
}

#[test]
fn val_analytic_angular_momentum_conserved_over_an_orbit() {
    for dt_s in [1.0, 60.0] {
        let p = params(orthogonal_wheels(0.002, 0.03));
        let mut m = AttitudeModel::new(
            p,
            &m3(SIX_U_INERTIA),
            UnitQuaternion::from_euler_angles(0.3, -0.2, 1.0),
            Vector3::new(0.02, -0.03, 0.05),
        )
        .unwrap();
        m.set_wheel_momentum_nms(&[0.01, -0.005, 0.008]);
        let out0 = m.step(Duration::ZERO, &inputs(0.0, AttitudeMode::Idle));
        let l0 = inertial_momentum(&m, &out0);
        let j = *m.inertia_kg_m2();
        let energy =
            |out: &AttitudeOutputs| 0.5 * out.omega_body_rad_s.dot(&(j * out.omega_body_rad_s));
        let e0 = energy(&out0);
        let mut max_energy_error: f64 = 0.0;
        let mut t = 0.0;
        let mut last = out0;
        while t < 5600.0 {
            last = m.step(secs(dt_s), &inputs(t, AttitudeMode::Idle));
            t += dt_s;
            max_energy_error = max_energy_error.max((energy(&last) / e0 - 1.0).abs());
        }
        let l1 = inertial_momentum(&m, &last);
        let rel = (l1 - l0).norm() / l0.norm();
        assert!(rel < 1e-9, "dt {dt_s}: |ΔL|/|L| = {rel:e}");
        // The splitting is symplectic: energy error stays bounded (second order in the step).
        assert!(
            max_energy_error < 1e-4,
            "dt {dt_s}: energy error {max_energy_error:e}"
        );
        assert!(last.omega_body_rad_s.norm() > 0.01, "still tumbling");
        println!("dt {dt_s}: |ΔL|/|L| = {rel:e}, max |ΔE/E| = {max_energy_error:e}");
    }
}

/// Time from the command until the attitude error first drops below `tolerance_rad`.
fn slew_time(m: &mut AttitudeModel, target: UnitQuaternion<f64>, tolerance_rad: f64) -> f64 {
    let mode = AttitudeMode::InertialHold {
        q_body_from_eci: target,
    };
    let dt = 0.1;
    let mut t = 0.0;
    while t < 600.0 {
        let out = m.step(secs(dt), &inputs(t, mode));
        t += dt;
        for (i, h) in m.wheels().momentum_nms().iter().enumerate() {
            assert!(h.abs() <= m.wheels().params()[i].max_momentum_nms * (1.0 + 1e-12));
        }
        if out.attitude_error_rad < tolerance_rad {
            return t;
        }
    }
    f64::INFINITY
}

#[test]
fn val_analytic_rest_to_rest_slew_matches_bang_bang() {
    let inertia = [[0.120, 0.0, 0.0], [0.0, 0.154, 0.0], [0.0, 0.0, 0.051]];
    let tau = 0.002;
    // Torque-limited: 60° about z, t = 2 √(θ J / τ).
    let theta = 60f64.to_radians();
    let mut m = AttitudeModel::new(
        params(orthogonal_wheels(tau, 0.05)),
        &m3(inertia),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let target = UnitQuaternion::from_axis_angle(&Vector3::z_axis(), theta).inverse();
    let t_bang_bang = 2.0 * (theta * 0.051 / tau).sqrt();
    let t = slew_time(&mut m, target, 0.1f64.to_radians());
    assert!(
        (t / t_bang_bang - 1.0).abs() < 0.05,
        "torque-limited: {t} s vs {t_bang_bang} s"
    );
    println!("torque-limited slew: {t:.2} s vs bang-bang {t_bang_bang:.2} s");

    // Rate-limited: 90° about y at ω_max = 0.05 rad/s: t = θ/ω + ω J / τ.
    let mut p = params(orthogonal_wheels(tau, 0.05));
    p.controller.max_slew_rate_rad_s = 0.05;
    let mut m = AttitudeModel::new(
        p,
        &m3(inertia),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let theta = 90f64.to_radians();
    let target = UnitQuaternion::from_axis_angle(&Vector3::y_axis(), theta).inverse();
    let t_analytic = theta / 0.05 + 0.05 * 0.154 / tau;
    let t = slew_time(&mut m, target, 0.1f64.to_radians());
    assert!(
        (t / t_analytic - 1.0).abs() < 0.05,
        "rate-limited: {t} s vs {t_analytic} s"
    );
    println!("rate-limited slew: {t:.2} s vs bang-coast-bang {t_analytic:.2} s");
}

#[test]
fn val_analytic_wheel_momentum_never_exceeds_its_limit() {
    // Small wheels, a steady disturbance torque and repeated slews: the wheels saturate.
    let mut p = params(wheels::tests::pyramid(54.7356));
    for w in &mut p.wheels {
        w.max_momentum_nms = 0.004;
        w.max_torque_nm = 0.001;
    }
    p.gravity_gradient = true;
    let mut m = AttitudeModel::new(
        p,
        &m3(SIX_U_INERTIA),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let mut saturated = false;
    let mut t = 0.0;
    for k in 0..3000 {
        let angle = if (k / 300) % 2 == 0 { 2.5 } else { -2.5 };
        let mode = AttitudeMode::InertialHold {
            q_body_from_eci: UnitQuaternion::from_axis_angle(&Vector3::x_axis(), angle),
        };
        let mut i = inputs(t, mode);
        i.external_torque_body_nm = Vector3::new(2e-6, -1e-6, 3e-6);
        let out = m.step(secs(1.0), &i);
        t += 1.0;
        saturated |= out
            .events
            .iter()
            .any(|e| matches!(e, AttitudeEvent::WheelsSaturated { .. }));
        for (h, w) in m.wheels().momentum_nms().iter().zip(m.wheels().params()) {
            assert!(
                h.abs() <= w.max_momentum_nms,
                "{h} > {}",
                w.max_momentum_nms
            );
        }
    }
    assert!(saturated, "the test never drove the wheels into saturation");
}

#[test]
fn val_analytic_momentum_dump_keeps_body_rate_and_empties_wheels() {
    let mut p = params(orthogonal_wheels(0.002, 0.03));
    p.auto_dump_fraction = Some(0.8);
    let mut m = AttitudeModel::new(
        p,
        &m3(SIX_U_INERTIA),
        UnitQuaternion::identity(),
        Vector3::new(0.0, 0.0, 0.01),
    )
    .unwrap();
    m.set_wheel_momentum_nms(&[0.01, 0.0, -0.02]);
    let w_before = m.omega_body_rad_s();
    m.request_momentum_dump();
    let out = m.step(secs(0.1), &inputs(0.0, AttitudeMode::Idle));
    assert!(
        matches!(out.events[0], AttitudeEvent::MomentumDumped { removed_nms, .. } if (removed_nms - 0.05f64.sqrt() * 0.1).abs() < 1e-12)
    );
    assert!(m.wheels().momentum_nms().iter().all(|h| *h == 0.0));
    assert!((m.omega_body_rad_s() - w_before).norm() < 1e-3 * w_before.norm());
    // A steady disturbance fills the wheels in nadir mode until the automatic dump.
    let mut dumped = false;
    let mut t = 0.0;
    for _ in 0..20_000 {
        let mut i = inputs(t, AttitudeMode::Nadir);
        i.external_torque_body_nm = Vector3::new(0.0, 0.0, 2e-5);
        let out = m.step(secs(1.0), &i);
        t += 1.0;
        if out
            .events
            .iter()
            .any(|e| matches!(e, AttitudeEvent::MomentumDumped { .. }))
        {
            dumped = true;
            break;
        }
    }
    assert!(dumped);
}

#[test]
fn val_analytic_nadir_pointing_tracks_the_orbit() {
    let mut p = params(orthogonal_wheels(0.002, 0.03));
    p.gravity_gradient = true;
    p.controller.control_period_s = 0.25;
    p.controller.rate_gain_per_s = 2.0;
    p.controller.pointing_gain_per_s = 0.5;
    let mut m = AttitudeModel::new(
        p,
        &m3(SIX_U_INERTIA),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let mut t = 0.0;
    let mut worst_after_settling: f64 = 0.0;
    while t < 5600.0 {
        let out = m.step(secs(1.0), &inputs(t, AttitudeMode::Nadir));
        t += 1.0;
        if t > 600.0 {
            worst_after_settling = worst_after_settling.max(out.attitude_error_rad);
            // Boresight at nadir.
            let (pos, _) = orbit_state(t);
            let nadir_body = out.q_body_from_eci * (-pos.normalize());
            assert!(nadir_body.angle(&Vector3::z()) < 1e-3);
        }
    }
    assert!(worst_after_settling < 1e-4, "{worst_after_settling}");
}

#[test]
fn val_analytic_sun_pointing_and_target_tracking() {
    let p = params(orthogonal_wheels(0.002, 0.03));
    let mut m = AttitudeModel::new(
        p,
        &m3(SIX_U_INERTIA),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let mut t = 0.0;
    let mut out = m.step(Duration::ZERO, &inputs(0.0, AttitudeMode::SunPointing));
    for _ in 0..300 {
        out = m.step(secs(1.0), &inputs(t, AttitudeMode::SunPointing));
        t += 1.0;
    }
    let sun_body = out.q_body_from_eci * inputs(t, AttitudeMode::Idle).sun_dir_eci;
    assert!(
        sun_body.angle(&-Vector3::y()) < 1e-4,
        "{}",
        sun_body.angle(&-Vector3::y())
    );

    // A ground target near the sub-satellite point, moving with the Earth (rotation about z).
    let earth_rate = 7.292_115e-5;
    let target_at = |t: f64| {
        let (pos, _) = orbit_state(300.0);
        let g = pos.normalize() * 6378.137;
        let a = earth_rate * (t - 300.0);
        let rot = nalgebra::Rotation3::from_axis_angle(&Vector3::z_axis(), a);
        let p = rot * g;
        (p, Vector3::z().cross(&p) * earth_rate)
    };
    let mut errors = vec![];
    t = 200.0;
    for _ in 0..200 {
        let (target_pos_eci_km, target_vel_eci_km_s) = target_at(t);
        let mode = AttitudeMode::TargetTracking {
            target_pos_eci_km,
            target_vel_eci_km_s,
        };
        let out = m.step(secs(1.0), &inputs(t, mode));
        t += 1.0;
        let (pos, _) = orbit_state(t);
        let (tp, _) = target_at(t);
        let los_body = out.q_body_from_eci * (tp - pos).normalize();
        errors.push(los_body.angle(&Vector3::z()));
    }
    let tail = &errors[100..];
    assert!(tail.iter().all(|e| *e < 1e-3), "{:?}", &tail[..5]);
}

#[test]
fn regress_deterministic_and_bad_inputs_do_not_panic() {
    let p = params(orthogonal_wheels(0.002, 0.03));
    let mut a = AttitudeModel::new(
        p.clone(),
        &m3(SIX_U_INERTIA),
        UnitQuaternion::identity(),
        Vector3::zeros(),
    )
    .unwrap();
    let mut b = a.clone();
    for k in 0..100 {
        let i = inputs(k as f64, AttitudeMode::Nadir);
        assert_eq!(a.step(secs(1.0), &i), b.step(secs(1.0), &i));
    }
    let mut bad = inputs(0.0, AttitudeMode::Nadir);
    bad.pos_eci_km = Vector3::new(f64::NAN, 0.0, 0.0);
    let out = a.step(secs(1.0), &bad);
    assert!(out.q_body_from_eci.coords.iter().all(|x| x.is_finite()));
    let mut unphysical = SIX_U_INERTIA;
    unphysical[0][1] = 0.5;
    assert!(
        AttitudeModel::new(
            p,
            &m3(unphysical),
            UnitQuaternion::identity(),
            Vector3::zeros()
        )
        .is_err()
    );
}
