use nalgebra::{Matrix3, UnitQuaternion, Vector3};

use super::*;

fn part(name: &str, shape: ShapeParams, center: [f64; 3], mass_kg: f64) -> PartParams {
    PartParams {
        name: name.into(),
        shape,
        center_body_m: Vector3::from(center),
        rotation: None,
        mass_kg: Some(mass_kg),
        density_kg_m3: None,
        solar_panels: vec![],
        apertures: vec![],
    }
}

fn cuboid(x: f64, y: f64, z: f64) -> ShapeParams {
    ShapeParams::Box {
        size_m: Vector3::new(x, y, z),
    }
}

fn geometry(parts: Vec<PartParams>) -> SpacecraftGeometry {
    SpacecraftGeometry::new(&GeometryParams { parts }).unwrap()
}

fn rel(a: &Matrix3<f64>, b: &Matrix3<f64>) -> f64 {
    (a - b).norm() / b.norm()
}

/// A homogeneous box about its centre: J = m/12 diag(b² + c², a² + c², a² + b²) (Goldstein,
/// Classical Mechanics, 3rd ed., §5.3); rotated by R it is R J Rᵀ; by density, m = ρ a b c.
#[test]
fn val_analytic_box_inertia() {
    let (a, b, c, m) = (0.366, 0.226, 0.1, 9.3);
    let closed = |m: f64| {
        Matrix3::from_diagonal(&Vector3::new(b * b + c * c, a * a + c * c, a * a + b * b))
            * (m / 12.0)
    };
    let g = geometry(vec![part("bus", cuboid(a, b, c), [0.01, -0.02, 0.03], m)]);
    let mp = g.mass_properties();
    assert_eq!(mp.mass_kg, m);
    assert!((mp.center_of_mass_body_m - Vector3::new(0.01, -0.02, 0.03)).norm() < 1e-15);
    assert!(
        rel(&mp.inertia_kg_m2, &closed(m)) < 1e-14,
        "{}",
        mp.inertia_kg_m2
    );

    let axis = Vector3::new(0.3, -1.0, 0.5);
    let tilted = PartParams {
        rotation: Some(RotationParams {
            axis_body: axis,
            angle_deg: 37.0,
        }),
        density_kg_m3: Some(1200.0),
        mass_kg: None,
        ..part("bus", cuboid(a, b, c), [0.0, 0.0, 0.0], 0.0)
    };
    let g = geometry(vec![tilted]);
    let m_rho = 1200.0 * a * b * c;
    let r = UnitQuaternion::from_scaled_axis(axis.normalize() * 37f64.to_radians())
        .to_rotation_matrix()
        .into_inner();
    let mp = g.mass_properties();
    assert!((mp.mass_kg / m_rho - 1.0).abs() < 1e-14);
    let expected = r * closed(m_rho) * r.transpose();
    assert!(
        rel(&mp.inertia_kg_m2, &expected) < 1e-14,
        "{}",
        mp.inertia_kg_m2
    );
}

/// A solid cylinder about its centre: I_axis = m r²/2, I_⊥ = m (3r² + L²)/12 (Goldstein
/// §5.3); the axis is the part's z.
#[test]
fn val_analytic_cylinder_inertia() {
    let (r, l, m) = (0.09, 0.15, 1.5);
    let g = geometry(vec![part(
        "baffle",
        ShapeParams::Cylinder {
            radius_m: r,
            length_m: l,
        },
        [0.0, 0.0, 0.0],
        m,
    )]);
    let perp = m * (3.0 * r * r + l * l) / 12.0;
    let expected = Matrix3::from_diagonal(&Vector3::new(perp, perp, m * r * r / 2.0));
    let j = g.mass_properties().inertia_kg_m2;
    assert!(rel(&j, &expected) < 1e-14, "{j}");
}

/// Bus plus two deployed panels, against the parallel-axis composition written out by hand:
/// a 9.3 kg bus 0.366 × 0.226 × 0.1 m at the origin and two 0.25 kg panels 0.34 × 0.1 ×
/// 0.002 m at (0, ±0.163, −0.049). Centre of mass z_c = 2 · 0.25 · (−0.049) / 9.8; about it
///   J_xx = m_b/12 (b² + c²) + m_b z_c² + 2 [m_p/12 (w² + t²) + m_p (0.163² + (z_p − z_c)²)]
///   J_yy = m_b/12 (a² + c²) + m_b z_c² + 2 [m_p/12 (l² + t²) + m_p (z_p − z_c)²]
///   J_zz = m_b/12 (a² + b²) + 2 [m_p/12 (l² + w²) + m_p 0.163²]
/// and no products of inertia (mirror symmetry in y; x ↦ −x).
#[test]
fn val_analytic_box_plus_panels_inertia() {
    let (a, b, c, mb) = (0.366, 0.226, 0.1, 9.3);
    let (l, w, t, mp, y, zp) = (0.34, 0.1, 0.002, 0.25, 0.163, -0.049);
    let g = geometry(vec![
        part("bus", cuboid(a, b, c), [0.0, 0.0, 0.0], mb),
        part("wing_plus_y", cuboid(l, w, t), [0.0, y, zp], mp),
        part("wing_minus_y", cuboid(l, w, t), [0.0, -y, zp], mp),
    ]);
    let props = g.mass_properties();
    let zc = 2.0 * mp * zp / (mb + 2.0 * mp);
    let dz = zp - zc;
    let jxx = mb / 12.0 * (b * b + c * c)
        + mb * zc * zc
        + 2.0 * (mp / 12.0 * (w * w + t * t) + mp * (y * y + dz * dz));
    let jyy = mb / 12.0 * (a * a + c * c)
        + mb * zc * zc
        + 2.0 * (mp / 12.0 * (l * l + t * t) + mp * dz * dz);
    let jzz = mb / 12.0 * (a * a + b * b) + 2.0 * (mp / 12.0 * (l * l + w * w) + mp * y * y);
    let expected = Matrix3::from_diagonal(&Vector3::new(jxx, jyy, jzz));
    println!("box + panels: J = {}", props.inertia_kg_m2);
    assert!((props.mass_kg - 9.8).abs() < 1e-14);
    assert!((props.center_of_mass_body_m - Vector3::new(0.0, 0.0, zc)).norm() < 1e-15);
    assert!(
        rel(&props.inertia_kg_m2, &expected) < 1e-13,
        "{} vs {expected}",
        props.inertia_kg_m2
    );
}

/// The composition by the parallel-axis theorem agrees with rapier's own aggregation of
/// collider mass properties (parry's `Sum`, which diagonalises the total) on an unsymmetric
/// layout with tilted parts and a cylinder.
#[test]
fn regress_composition_agrees_with_rapiers_sum() {
    use rapier3d_f64::prelude::ColliderSet;
    let tilt = |angle_deg: f64| {
        Some(RotationParams {
            axis_body: Vector3::new(1.0, 1.0, 0.3),
            angle_deg,
        })
    };
    let parts = vec![
        part("bus", cuboid(0.6, 0.6, 0.8), [0.0, 0.0, 0.0], 89.0),
        PartParams {
            rotation: tilt(20.0),
            ..part("wing", cuboid(0.6, 0.75, 0.025), [0.0, 0.85, -0.3875], 4.0)
        },
        PartParams {
            rotation: tilt(-35.0),
            ..part(
                "baffle",
                ShapeParams::Cylinder {
                    radius_m: 0.09,
                    length_m: 0.15,
                },
                [0.15, 0.0, 0.475],
                1.5,
            )
        },
    ];
    let g = geometry(parts.clone());
    let mut colliders = ColliderSet::new();
    let total: rapier3d_f64::parry::mass_properties::MassProperties = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = colliders.insert(scene::collider_for_test(p, i));
            let c = &colliders[h];
            c.mass_properties().transform_by(c.position())
        })
        .sum();
    let j = total.reconstruct_inertia_matrix();
    let theirs = Matrix3::new(
        j.x_axis.x, j.y_axis.x, j.z_axis.x, j.x_axis.y, j.y_axis.y, j.z_axis.y, j.x_axis.z,
        j.y_axis.z, j.z_axis.z,
    );
    let ours = g.mass_properties();
    assert!(
        rel(&ours.inertia_kg_m2, &theirs) < 1e-12,
        "{}\n{theirs}",
        ours.inertia_kg_m2
    );
    assert!((ours.mass_kg - total.mass()).abs() < 1e-12);
    let com = Vector3::new(total.local_com.x, total.local_com.y, total.local_com.z);
    assert!((ours.center_of_mass_body_m - com).norm() < 1e-15);
}

#[test]
fn regress_faces_and_ray_casts() {
    let g = geometry(vec![
        part("bus", cuboid(0.4, 0.2, 0.1), [0.0, 0.0, 0.0], 5.0),
        part(
            "baffle",
            ShapeParams::Cylinder {
                radius_m: 0.03,
                length_m: 0.04,
            },
            [0.1, 0.0, 0.07],
            0.1,
        ),
    ]);
    let face = g.face_toward(0, &Vector3::new(0.0, 0.0, -2.0)).unwrap();
    assert_eq!(face.center_body_m, Vector3::new(0.0, 0.0, -0.05));
    assert!((face.area_m2() - 0.08).abs() < 1e-15);
    let cap = g.face_toward(1, &Vector3::z()).unwrap();
    assert!(cap.disc && (cap.center_body_m - Vector3::new(0.1, 0.0, 0.09)).norm() < 1e-15);
    assert!((cap.area_m2() - std::f64::consts::PI * 9e-4).abs() < 1e-15);
    // A cylinder has no flat face toward its side; the best cosine comes back.
    assert_eq!(g.face_toward(1, &Vector3::x()), Err(0.0));
    // Straight down onto the bus from above the baffle: the baffle first (at 0.01 m), then,
    // excluding it, the bus top (z = 0.05).
    let origin = Vector3::new(0.1, 0.0, 0.1);
    let (hit, d) = g.cast_ray(&origin, &-Vector3::z(), None).unwrap();
    assert_eq!(hit, 1);
    assert!((d - 0.01).abs() < 1e-12, "{d}");
    let (hit, d) = g.cast_ray(&origin, &-Vector3::z(), Some(1)).unwrap();
    assert_eq!(hit, 0);
    assert!((d - 0.05).abs() < 1e-12, "{d}");
    assert!(g.cast_ray(&origin, &Vector3::z(), None).is_none());
    assert!(g.contains_point(&Vector3::new(0.1, 0.0, 0.06), None));
    assert!(!g.contains_point(&Vector3::new(0.1, 0.0, 0.06), Some(1)));
}

/// The wing-under-the-bus configuration: a 0.0873 m deep bus stands on the cell side of a
/// 0.12 m wide wing hinged at its edge (sizes chosen so that neither the sample rows nor the
/// table's nodes fall on the kinks of the lit fraction). For a Sun direction ŝ tilted toward the bus (s_y < 0)
/// the bus's side wall casts a shadow of width h |s_y / s_z| across the wing (hand geometry:
/// the ray from a wing point at distance Δy from the hinge meets the wall if Δy ≤ h |s_y/s_z|),
/// so the lit fraction is 1 − min(1, (h / W) |s_y / s_z|); tilted away (s_y ≥ 0), 1. The bus
/// is longer than the wing in x, so a small x component of ŝ moves the shadow along the wall
/// without changing it.
fn hinged_wing() -> (SpacecraftGeometry, Face) {
    let g = geometry(vec![
        part("bus", cuboid(0.6, 0.2, 0.0873), [0.0, 0.0, 0.0], 8.0),
        part("wing", cuboid(0.3, 0.12, 0.002), [0.0, 0.16, 0.04465], 0.25),
    ]);
    let face = g.face_toward(1, &-Vector3::z()).unwrap();
    (g, face)
}

fn hinged_wing_lit_fraction(s: &Vector3<f64>) -> f64 {
    let (h, w) = (0.0873, 0.12);
    if s.y >= 0.0 || s.z >= 0.0 {
        1.0
    } else {
        1.0 - (h / w * (s.y / s.z).abs()).min(1.0)
    }
}

fn sun(tilt_y_deg: f64, tilt_x_deg: f64) -> Vector3<f64> {
    let (ty, tx) = (tilt_y_deg.to_radians(), tilt_x_deg.to_radians());
    Vector3::new(tx.sin(), -ty.sin() * tx.cos(), -ty.cos() * tx.cos())
}

#[test]
fn val_hand_geometry_panel_shadowed_by_the_bus() {
    let (g, face) = hinged_wing();
    let sampling = PanelSampling::new(&g, face);
    // 32 sample rows across the 0.12 m wing (80 along it): a straight shadow edge parallel to
    // the rows is resolved to half a row, 1/64.
    assert_eq!(sampling.point_count(), 32 * 80);
    let bound = 0.5 / PANEL_SAMPLES_SHORT_SIDE as f64 + 1e-12;
    let mut worst = 0.0f64;
    for tilt_y in [
        -40.0, -10.0, 0.0, 5.0, 10.0, 20.0, 26.565, 30.0, 40.0, 45.0, 60.0, 80.0,
    ] {
        for tilt_x in [0.0, 10.0, 25.0] {
            let s = sun(tilt_y, tilt_x);
            let got = sampling.lit_fraction(&g, &s);
            let hand = hinged_wing_lit_fraction(&s);
            worst = worst.max((got - hand).abs());
            assert!(
                (got - hand).abs() <= bound,
                "tilt {tilt_y}°/{tilt_x}°: ray casts {got}, hand {hand}"
            );
        }
    }
    println!(
        "ray-cast lit fraction vs hand geometry: largest difference {worst:.4} (bound {bound:.4})"
    );
}

#[test]
fn val_hand_geometry_tabulated_shadow() {
    let (g, face) = hinged_wing();
    let mut shadowing = SelfShadowing::new(std::sync::Arc::new(g), &[face]);
    assert!(shadowing.table(0).is_some_and(|t| t.computed_nodes() == 0));
    // Interpolating between nodes up to 3.6° apart smooths the kinks of the lit fraction
    // (where the shadow starts and where it covers the wing); measured largest difference
    // below.
    let (mut worst, mut sum, mut n) = (0.0f64, 0.0, 0);
    for k in 0..=88 {
        for tilt_x in [0.0, 7.0, 19.0] {
            let s = sun(-45.0 + k as f64 * 1.5, tilt_x);
            let d = (shadowing.lit_fraction(0, &s) - hinged_wing_lit_fraction(&s)).abs();
            worst = worst.max(d);
            sum += d;
            n += 1;
        }
    }
    println!(
        "tabulated lit fraction vs hand geometry: largest difference {worst:.4}, mean {:.4}",
        sum / n as f64
    );
    assert!(
        worst < 0.05 && sum / (n as f64) < 0.01,
        "{worst} {}",
        sum / n as f64
    );
}

/// A wing canted up out of the plane of the body panel shades it. The body panel covers the
/// 0.366 × 0.226 m −z face of a bus; a wing 0.1 m wide (and as long as the face) is hinged on
/// the face's +y edge (y = b = 0.113 m) and raised α = 60° into the panel's front half-space.
/// For the Sun tilted by θ from the panel's normal toward +y, the ray from a panel point at
/// distance Δ from the hinge meets the wing (hinge + t (cos α, −sin α), t ∈ [0, L]) at
/// t = Δ / (sin α tan θ − cos α): the shadow is a strip L (sin α tan θ − cos α) wide along the
/// hinge once θ > 90° − α (hand geometry in the y–z plane), so the lit fraction is
/// 1 − min(1, L (sin α tan θ − cos α) / 2b).
#[test]
fn val_hand_geometry_panel_shadowed_by_a_canted_wing() {
    let (b, c, l, alpha) = (0.113f64, 0.05f64, 0.1f64, 60f64.to_radians());
    let hinge = Vector3::new(0.0, b, -c);
    let along = Vector3::new(0.0, alpha.cos(), -alpha.sin());
    let g = geometry(vec![
        part("bus", cuboid(0.366, 2.0 * b, 2.0 * c), [0.0, 0.0, 0.0], 9.3),
        PartParams {
            rotation: Some(RotationParams {
                axis_body: Vector3::x(),
                angle_deg: -60.0,
            }),
            ..part(
                "wing",
                cuboid(0.366, l, MIN_PART_SIZE_M),
                (hinge + along * (0.5 * l)).into(),
                0.25,
            )
        },
    ]);
    let face = g.face_toward(0, &-Vector3::z()).unwrap();
    let hand = |theta: f64| {
        let width = l * (alpha.sin() * theta.tan() - alpha.cos());
        1.0 - (width / (2.0 * b)).clamp(0.0, 1.0)
    };
    let sun = |theta: f64| Vector3::new(0.0, theta.sin(), -theta.cos());
    let sampling = PanelSampling::new(&g, face);
    let mut shadowing = SelfShadowing::new(std::sync::Arc::new(g.clone()), &[face]);
    // Half a sample row (1/64), plus the wing's 0.1 mm thickness seen edge-on.
    let bound = 0.5 / PANEL_SAMPLES_SHORT_SIDE as f64 + MIN_PART_SIZE_M / (2.0 * b) + 1e-12;
    let (mut worst_rays, mut worst_table) = (0.0f64, 0.0f64);
    for k in 0..=85 {
        let theta = (k as f64).to_radians();
        let exact = hand(theta);
        let rays = sampling.lit_fraction(&g, &sun(theta));
        assert!(
            (rays - exact).abs() <= bound,
            "θ {k}°: rays {rays}, hand {exact}"
        );
        worst_rays = worst_rays.max((rays - exact).abs());
        worst_table = worst_table.max((shadowing.lit_fraction(0, &sun(theta)) - exact).abs());
    }
    println!(
        "canted wing over the body panel: ray casts within {worst_rays:.4} of hand geometry \
         (bound {bound:.4}), table within {worst_table:.4}"
    );
    assert!(worst_table < 0.03, "{worst_table}");
    // Tilted the other way, nothing shades the panel.
    assert_eq!(sampling.lit_fraction(&g, &sun(-40f64.to_radians())), 1.0);
}

/// A panel flush with the bus face it extends (the coplanar deployed wing) has nothing in
/// front of it: no table, always lit.
#[test]
fn regress_coplanar_wing_is_never_shadowed() {
    let g = geometry(vec![
        part("bus", cuboid(0.366, 0.226, 0.1), [0.0, 0.0, 0.0], 9.3),
        part("wing", cuboid(0.34, 0.1, 0.002), [0.0, 0.163, -0.049], 0.25),
    ]);
    let wing = g.face_toward(1, &-Vector3::z()).unwrap();
    let body = g.face_toward(0, &-Vector3::z()).unwrap();
    let mut s = SelfShadowing::new(std::sync::Arc::new(g), &[wing, body]);
    assert!(s.table(0).is_none() && s.table(1).is_none());
    assert_eq!(s.lit_fraction(0, &sun(80.0, 0.0)), 1.0);
}

/// The cube map reproduces a smooth function of direction to second order in the node
/// spacing, and is continuous across cube edges.
#[test]
fn regress_cube_map_interpolation() {
    let f = |d: &Vector3<f64>| 0.5 + 0.25 * d.x + 0.125 * d.y * d.z;
    let table = ShadowTable::new(f);
    let mut worst = 0.0f64;
    for k in 0..2000 {
        let z = 1.0 - (k as f64 + 0.5) / 1000.0;
        let r = (1.0 - z * z).sqrt();
        let phi = k as f64 * 2.399_963_229_728_653;
        let d = Vector3::new(r * phi.cos(), r * phi.sin(), z);
        worst = worst.max((table.lookup(&d) - f(&d)).abs());
        // Scale does not matter.
        assert!((table.lookup(&d) - table.lookup(&(d * 3.0))).abs() < 1e-15);
    }
    assert!(worst < 2e-3, "{worst}");
    for node in [(0, 0, 0), (3, 16, 5), (5, 8, 8)] {
        let d = ShadowTable::node_direction(node.0, node.1, node.2);
        assert!((table.lookup(&d) - f(&d)).abs() < 1e-7);
    }
    assert_eq!(table.lookup(&Vector3::zeros()), 1.0);
    assert_eq!(table.lookup(&Vector3::new(f64::NAN, 0.0, 1.0)), 1.0);
}

/// Whether the ray from `o` along `d` meets the axis-aligned box [lo, hi] (the slab test,
/// Kay & Kajiya 1986): written out here, independent of rapier.
fn slab_hit(o: &Vector3<f64>, d: &Vector3<f64>, lo: &Vector3<f64>, hi: &Vector3<f64>) -> bool {
    let (mut t0, mut t1) = (0.0f64, f64::INFINITY);
    for k in 0..3 {
        if d[k] == 0.0 {
            if o[k] < lo[k] || o[k] > hi[k] {
                return false;
            }
        } else {
            let (a, b) = ((lo[k] - o[k]) / d[k], (hi[k] - o[k]) / d[k]);
            t0 = t0.max(a.min(b));
            t1 = t1.min(a.max(b));
        }
    }
    t0 <= t1
}

/// A patch on the +x face of a bus with a bar above and in front of it (x 0.25..0.35,
/// z 0.10..0.12, y ±0.05). In the x–z plane the bar blocks the directions between
/// atan2(0.10, 0.146) and atan2(0.12, 0.046) above the boresight (34.4° to 69.0°, from the
/// aperture centre at x = 0.204); over the front hemisphere the blocked fraction equals that
/// of a slab test on the same directions.
#[test]
fn val_hand_geometry_aperture_view() {
    let g = geometry(vec![
        part("bus", cuboid(0.4, 0.2, 0.1), [0.0, 0.0, 0.0], 5.0),
        part("patch", cuboid(0.004, 0.06, 0.06), [0.202, 0.0, 0.0], 0.05),
        part("bar", cuboid(0.1, 0.1, 0.02), [0.3, 0.0, 0.11], 0.1),
    ]);
    let view = ApertureView::new(&g.face_toward(1, &Vector3::x()).unwrap());
    let o = view.origin_body_m();
    assert!((o - Vector3::new(0.204, 0.0, 0.0)).norm() < 1e-5);
    let (low, high) = (0.10f64.atan2(0.146), 0.12f64.atan2(0.046));
    for deg in (0..90).map(f64::from) {
        let th = deg.to_radians();
        let d = Vector3::new(th.cos(), 0.0, th.sin());
        let hand = th > low && th < high;
        assert_eq!(view.is_obstructed(&g, &d), hand, "{deg}°");
    }
    // Behind the aperture plane nothing is tested (the bus is there).
    assert!(!view.is_obstructed(&g, &-Vector3::x()));
    let (lo, hi) = (
        Vector3::new(0.25, -0.05, 0.10),
        Vector3::new(0.35, 0.05, 0.12),
    );
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let n = 4096;
    let slab = (0..n)
        .filter(|&k| {
            let z = 1.0 - (k as f64 + 0.5) / n as f64;
            let r = (1.0 - z * z).sqrt();
            let (sn, c) = (golden * k as f64).sin_cos();
            // Boresight +x, e1 = x × x̂-helper… the view's own frame: compare as sets below.
            let d = Vector3::new(z, -r * sn, r * c);
            slab_hit(&o, &d, &lo, &hi)
        })
        .count() as f64
        / n as f64;
    let fraction = view.obstructed_fraction(&g, std::f64::consts::FRAC_PI_2, n);
    println!("front hemisphere blocked: {fraction:.4} (slab test {slab:.4})");
    assert!(
        fraction > 0.01 && (fraction - slab).abs() < 2.0 / n as f64,
        "{fraction} vs {slab}"
    );
}
