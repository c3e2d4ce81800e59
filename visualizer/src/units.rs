//! Kilometres and frames become scene units here, and only here.
//!
//! The scene is TEME (the simulation's inertial frame) in bevy's Y-up axes: TEME x → scene X,
//! TEME z (north) → scene Y, TEME y → scene −Z (a proper rotation: right-handed stays
//! right-handed). One scene unit is [`KM_PER_UNIT`] km, so the Earth is 6.378 units across
//! in radius and f32 keeps metre-level precision near it. The Earth's own entity is ITRF in
//! the same axes, turned about scene Y by the Earth rotation angle (GMST), so everything on
//! the ground is placed in ITRF once and turns with it.

use bevy::math::{Quat, Vec3};

/// Kilometres per scene unit.
pub const KM_PER_UNIT: f64 = 1000.0;

/// WGS-84 equatorial radius, km.
pub const EARTH_EQUATORIAL_RADIUS_KM: f64 = 6378.137;
/// WGS-84 polar radius, km (b = a (1 − f), f = 1/298.257223563).
pub const EARTH_POLAR_RADIUS_KM: f64 = 6_356.752_314_245;

/// A TEME (or ITRF, for things on the Earth entity) position in km as scene coordinates.
#[inline]
pub fn scene_from_km(p: [f64; 3]) -> [f32; 3] {
    [
        (p[0] / KM_PER_UNIT) as f32,
        (p[2] / KM_PER_UNIT) as f32,
        (-p[1] / KM_PER_UNIT) as f32,
    ]
}

/// [`scene_from_km`] as a vector.
#[inline]
pub fn scene_vec(p: [f64; 3]) -> Vec3 {
    Vec3::from_array(scene_from_km(p))
}

/// A direction (unitless) in scene axes.
#[inline]
pub fn scene_dir(d: [f64; 3]) -> Vec3 {
    Vec3::new(d[0] as f32, d[2] as f32, -d[1] as f32).normalize_or_zero()
}

/// A scene position back to km in the frame it was made from.
#[inline]
pub fn km_from_scene(v: Vec3) -> [f64; 3] {
    [
        f64::from(v.x) * KM_PER_UNIT,
        -f64::from(v.z) * KM_PER_UNIT,
        f64::from(v.y) * KM_PER_UNIT,
    ]
}

/// Kilometres as scene units (a length).
#[inline]
pub fn units_from_km(km: f64) -> f32 {
    (km / KM_PER_UNIT) as f32
}

/// The Earth entity's rotation: ITRF → TEME is `r_TEME = R3(−θ) r_ITRF`, a turn of the vector
/// by +θ (GMST) about z; about scene Y that is `Quat::from_rotation_y(θ)` (it takes X, TEME x,
/// toward −Z, TEME y).
#[inline]
pub fn earth_rotation(earth_rotation_rad: f64) -> Quat {
    Quat::from_rotation_y(earth_rotation_rad as f32)
}

/// A point on the WGS-84 ellipsoid (height `alt_km`) at geodetic latitude and longitude, ITRF km.
pub fn itrf_from_geodetic_deg(lat_deg: f64, lon_deg: f64, alt_km: f64) -> [f64; 3] {
    let p = orbit::geodetic_to_itrf(&orbit::Geodetic::from_degrees(lat_deg, lon_deg, alt_km));
    [p.x, p.y, p.z]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_axes_are_a_proper_rotation() {
        let x = scene_vec([1000.0, 0.0, 0.0]);
        let y = scene_vec([0.0, 1000.0, 0.0]);
        let z = scene_vec([0.0, 0.0, 1000.0]);
        // right-handed in, right-handed out: x × y = z
        assert!((x.cross(y) - z).length() < 1e-6);
        assert_eq!(z, Vec3::Y);
        let back = km_from_scene(scene_vec([1234.5, -6789.0, 42.0]));
        assert!((back[0] - 1234.5).abs() < 1e-3 && (back[1] + 6789.0).abs() < 1e-3);
    }

    #[test]
    fn val_analytic_earth_rotation_turns_greenwich_east() {
        // at θ = 90°, ITRF x (Greenwich meridian) points along TEME y
        let r = earth_rotation(std::f64::consts::FRAC_PI_2);
        let g = r * scene_vec([1000.0, 0.0, 0.0]);
        let want = scene_vec([0.0, 1000.0, 0.0]);
        assert!((g - want).length() < 1e-6, "{g} vs {want}");
    }
}
