//! Reference frames: TEME ("ECI" in skytwin) ↔ ITRF via GMST-1982 of UT1 and polar motion,
//! WGS-84 geodetic coordinates, and topocentric azimuth / elevation / range / range rate.
//!
//! Rotation conventions: `R3(θ)` rotates the *axes* by θ about z,
//! `R3(θ) = [[cos θ, sin θ, 0], [−sin θ, cos θ, 0], [0, 0, 1]]` (Vallado 4th ed. §3.2).

use crate::constants::{
    ARCSEC_TO_RAD, EARTH_ROTATION_RAD_S, NANOSECONDS_PER_DAY, WGS84_A_KM, WGS84_E2, WGS84_F,
};
use crate::eop::EarthOrientation;
use crate::time::{J2000_FROM_1900_NS, nanoseconds_to_f64, utc_nanoseconds_since_1900};
use hifitime::Epoch;
use nalgebra::{Matrix3, Vector3};
use std::f64::consts::TAU;

/// Greenwich mean sidereal time, IAU-1982 model, of the UT1 instant corresponding to `t_utc`
/// (UT1 = UTC + (UT1 − UTC) from `eop`), in radians in [0, 2π).
///
/// Vallado 4th ed. eq. 3-47 (Aoki et al. 1982):
/// `θ_GMST = 67310.54841 s + (876600 h + 8640184.812866 s) T + 0.093104 s T² − 6.2×10⁻⁶ s T³`,
/// `T = (JD_UT1 − 2451545.0) / 36525`. The term `876600 h · T = 86400 s · d` (d = UT1 days
/// since J2000.0) is taken modulo one day exactly, from integer nanoseconds, so the angle
/// keeps full precision.
pub fn gmst82_rad(t_utc: Epoch, eop: &EarthOrientation) -> f64 {
    let dut1_ns = eop.ut1_minus_utc(t_utc).total_nanoseconds();
    let ns = utc_nanoseconds_since_1900(t_utc) + dut1_ns - J2000_FROM_1900_NS;
    let (whole_days, ns_of_day) = split_days(ns);
    let day_fraction = ns_of_day as f64 / NANOSECONDS_PER_DAY as f64;
    // T = d / 36525 (Julian centuries of UT1 since J2000.0)
    let t = (whole_days as f64 + day_fraction) / 36_525.0;
    // θ in seconds of time, the whole-day part of 86400 d removed
    let theta_s = 67_310.548_41
        + 86_400.0 * day_fraction
        + (8_640_184.812_866 + (0.093_104 + (-6.2e-6) * t) * t) * t;
    detmath::rem_euclid(theta_s * (TAU / 86_400.0), TAU)
}

/// Whole days (floor) and the nanoseconds of the day (0 ≤ ns < 1 day) of `ns`, in `i64` when
/// it fits (±292 years: a multiplication instead of a 128-bit division call).
fn split_days(ns: i128) -> (i64, i64) {
    const DAY: i64 = NANOSECONDS_PER_DAY as i64;
    match i64::try_from(ns) {
        Ok(n) => (n.div_euclid(DAY), n.rem_euclid(DAY)),
        Err(_) => (
            ns.div_euclid(NANOSECONDS_PER_DAY) as i64,
            ns.rem_euclid(NANOSECONDS_PER_DAY) as i64,
        ),
    }
}

/// `R3(θ)`: rotation of axes about z by θ.
fn r3(theta: f64) -> Matrix3<f64> {
    let (s, c) = detmath::sin_cos(theta);
    Matrix3::new(c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0)
}

/// The TIO locator s′ in radians (IERS Conventions 2010 eq. 5.13): `s′ = −47 µas · t`, t in
/// Julian centuries since J2000.0 (TT; taking the UTC instant instead moves s′ by < 10⁻¹⁶
/// rad). It is −8.5 µas in 2018: 1.7 mm at geostationary distance.
fn tio_locator_rad(t_utc: Epoch) -> f64 {
    const NANOSECONDS_PER_CENTURY: f64 = 36_525.0 * NANOSECONDS_PER_DAY as f64;
    let centuries = nanoseconds_to_f64(utc_nanoseconds_since_1900(t_utc) - J2000_FROM_1900_NS)
        / NANOSECONDS_PER_CENTURY;
    -47e-6 * ARCSEC_TO_RAD * centuries
}

/// Polar-motion matrix `W` taking pseudo-Earth-fixed (PEF, about the CIP) coordinates to ITRF:
/// `r_ITRF = R1(−y_p) R2(−x_p) R3(s′) r_PEF` (the transpose of IERS Conventions 2010 eq. 5.3,
/// `W = R3(−s′) R2(x_p) R1(y_p)`, which takes ITRF to the intermediate frame; the same product
/// as Skyfield's `rot_x(yp) · rot_y(xp) · rot_z(−s′)`). With it the CIP lies at (x_p, −y_p, 1)
/// in ITRF, as the IERS defines.
fn polar_motion_matrix(xp_rad: f64, yp_rad: f64, sprime_rad: f64) -> Matrix3<f64> {
    let (sx, cx) = detmath::sin_cos(xp_rad);
    let (sy, cy) = detmath::sin_cos(yp_rad);
    // R1(−y_p) = [[1, 0, 0], [0, cos y, −sin y], [0, sin y, cos y]]
    let r1 = Matrix3::new(1.0, 0.0, 0.0, 0.0, cy, -sy, 0.0, sy, cy);
    // R2(−x_p) = [[cos x, 0, sin x], [0, 1, 0], [−sin x, 0, cos x]]
    let r2 = Matrix3::new(cx, 0.0, sx, 0.0, 1.0, 0.0, -sx, 0.0, cx);
    r1 * r2 * r3(sprime_rad)
}

/// The polar-motion matrix at `t`, or None without an Earth orientation table (then ITRF is
/// taken as PEF: no polar motion and no s′).
fn polar_motion_at(t: Epoch, eop: &EarthOrientation) -> Option<Matrix3<f64>> {
    if !eop.has_table() {
        return None;
    }
    let (xp, yp) = eop.polar_motion_rad(t);
    Some(polar_motion_matrix(xp, yp, tio_locator_rad(t)))
}

/// The rotation between TEME and ITRF at one UTC instant (Vallado 4th ed. `teme2ecef`,
/// eq. 3-90): `r_PEF = R3(θ_GMST) r_TEME`, `v_PEF = R3(θ_GMST) v_TEME − ω⊕ × r_PEF`,
/// `r_ITRF = W r_PEF`, `v_ITRF = W v_PEF`, with ω⊕ = (0, 0, 7.292115146706979×10⁻⁵ rad/s)
/// and W the polar-motion matrix with the TIO locator s′ (identity without an Earth
/// orientation table); the inverse `r_PEF = Wᵀ r_ITRF`, `v_PEF = Wᵀ v_ITRF`,
/// `r_TEME = R3(−θ) r_PEF`, `v_TEME = R3(−θ) (v_PEF + ω⊕ × r_PEF)`. Computed once for an
/// instant (GMST and W cost more than applying them), it transforms any number of vectors at
/// that instant, with the same results as [`teme_to_itrf`] and [`itrf_to_teme`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarthRotation {
    /// `R3(θ_GMST)`.
    st: Matrix3<f64>,
    /// `W`, None without an Earth orientation table.
    w: Option<Matrix3<f64>>,
}

impl EarthRotation {
    /// The rotation at UTC instant `t`.
    pub fn at(t: Epoch, eop: &EarthOrientation) -> Self {
        Self {
            st: r3(gmst82_rad(t, eop)),
            w: polar_motion_at(t, eop),
        }
    }

    /// TEME → ITRF of a position (km).
    pub fn itrf_position_from_teme(&self, pos_teme_km: &Vector3<f64>) -> Vector3<f64> {
        let pos_pef = self.st * pos_teme_km;
        match &self.w {
            Some(w) => w * pos_pef,
            None => pos_pef,
        }
    }

    /// TEME → ITRF of a position (km) and velocity (km/s).
    pub fn itrf_from_teme(
        &self,
        pos_teme_km: &Vector3<f64>,
        vel_teme_km_s: &Vector3<f64>,
    ) -> (Vector3<f64>, Vector3<f64>) {
        let omega = Vector3::new(0.0, 0.0, EARTH_ROTATION_RAD_S);
        let pos_pef = self.st * pos_teme_km;
        let vel_pef = self.st * vel_teme_km_s - omega.cross(&pos_pef);
        match &self.w {
            Some(w) => (w * pos_pef, w * vel_pef),
            None => (pos_pef, vel_pef),
        }
    }

    /// ITRF → TEME of a position (km).
    pub fn teme_position_from_itrf(&self, pos_itrf_km: &Vector3<f64>) -> Vector3<f64> {
        let pos_pef = match &self.w {
            Some(w) => w.transpose() * pos_itrf_km,
            None => *pos_itrf_km,
        };
        self.st.transpose() * pos_pef
    }

    /// ITRF → TEME of a position (km) and velocity (km/s).
    pub fn teme_from_itrf(
        &self,
        pos_itrf_km: &Vector3<f64>,
        vel_itrf_km_s: &Vector3<f64>,
    ) -> (Vector3<f64>, Vector3<f64>) {
        let (pos_pef, vel_pef) = match &self.w {
            Some(w) => (w.transpose() * pos_itrf_km, w.transpose() * vel_itrf_km_s),
            None => (*pos_itrf_km, *vel_itrf_km_s),
        };
        let omega = Vector3::new(0.0, 0.0, EARTH_ROTATION_RAD_S);
        let ts = self.st.transpose();
        (ts * pos_pef, ts * (vel_pef + omega.cross(&pos_pef)))
    }
}

/// TEME → ITRF at UTC instant `t` ([`EarthRotation`]). Positions in km, velocities in km/s.
pub fn teme_to_itrf(
    pos_teme_km: &Vector3<f64>,
    vel_teme_km_s: &Vector3<f64>,
    t: Epoch,
    eop: &EarthOrientation,
) -> (Vector3<f64>, Vector3<f64>) {
    EarthRotation::at(t, eop).itrf_from_teme(pos_teme_km, vel_teme_km_s)
}

/// ITRF → TEME at UTC instant `t`, the exact inverse of [`teme_to_itrf`] ([`EarthRotation`]).
pub fn itrf_to_teme(
    pos_itrf_km: &Vector3<f64>,
    vel_itrf_km_s: &Vector3<f64>,
    t: Epoch,
    eop: &EarthOrientation,
) -> (Vector3<f64>, Vector3<f64>) {
    EarthRotation::at(t, eop).teme_from_itrf(pos_itrf_km, vel_itrf_km_s)
}

/// WGS-84 geodetic coordinates: latitude and longitude in radians (longitude in (−π, π]),
/// height above the ellipsoid in km.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Geodetic {
    /// Geodetic latitude, rad, in [−π/2, π/2].
    pub lat_rad: f64,
    /// Longitude east of Greenwich, rad, in (−π, π].
    pub lon_rad: f64,
    /// Height above the WGS-84 ellipsoid, km.
    pub alt_km: f64,
}

impl Geodetic {
    /// A point from degrees and kilometres.
    pub fn from_degrees(lat_deg: f64, lon_deg: f64, alt_km: f64) -> Self {
        Self {
            lat_rad: lat_deg.to_radians(),
            lon_rad: lon_deg.to_radians(),
            alt_km,
        }
    }
}

/// ITRF (km) → WGS-84 geodetic.
///
/// Longitude `λ = atan2(y, x)`. Latitude by fixed-point iteration on
/// `φ = atan2(z + N e² sin φ, p)` with `N = a / √(1 − e² sin² φ)`, `p = √(x² + y²)`
/// (Vallado 4th ed. algorithm 12, in the form that stays well conditioned at the poles),
/// run to convergence (|Δφ| < 10⁻¹⁴ rad) from Bowring's latitude (Bowring 1976, *Survey
/// Review* 23(181): `tan β = a z / (b p)`, `tan φ₀ = (z + e′² b sin³ β) / (p − e² a cos³ β)`),
/// which is within ~10⁻⁹ rad in low orbit, so the iteration takes ~3 turns instead of ~5
/// from `atan2(z, p (1 − e²))`; the height is then
/// `h = p cos φ + z sin φ − a √(1 − e² sin² φ)` (exact for any φ).
///
/// The iteration carries the direction `(cos φ, sin φ)` as the unit vector along
/// `(p, z + N e² sin φ)` rather than the angle, so each turn is two square roots instead of a
/// sine and an arctangent; the angle is taken once at the end. The step between two turns'
/// unit vectors is the chord of `Δφ`, so the stopping rule is the same.
pub fn itrf_to_geodetic(pos_itrf_km: &Vector3<f64>) -> Geodetic {
    let (x, y, z) = (pos_itrf_km.x, pos_itrf_km.y, pos_itrf_km.z);
    let p = detmath::hypot(x, y);
    let lon_rad = if p == 0.0 { 0.0 } else { detmath::atan2(y, x) };
    let Some((mut c, mut s)) = bowring_latitude(p, z) else {
        // The geocentre: any latitude; 0 as atan2(0, 0) gives.
        return Geodetic {
            lat_rad: 0.0,
            lon_rad,
            alt_km: -WGS84_A_KM,
        };
    };
    let mut z_aux = z;
    for _ in 0..50 {
        let n = WGS84_A_KM / (1.0 - WGS84_E2 * s * s).sqrt();
        z_aux = z + n * WGS84_E2 * s;
        let Some((c1, s1)) = unit(p, z_aux) else {
            break;
        };
        let done = (c1 - c).abs() + (s1 - s).abs() < 1e-14;
        (c, s) = (c1, s1);
        if done {
            break;
        }
    }
    let lat_rad = detmath::atan2(z_aux, p);
    let alt_km = p * c + z * s - WGS84_A_KM * (1.0 - WGS84_E2 * s * s).sqrt();
    Geodetic {
        lat_rad,
        lon_rad,
        alt_km,
    }
}

/// Bowring's geodetic latitude as (cos φ₀, sin φ₀) (see [`itrf_to_geodetic`]), or `None` at
/// the geocentre.
fn bowring_latitude(p: f64, z: f64) -> Option<(f64, f64)> {
    let b_km = WGS84_A_KM * (1.0 - WGS84_F);
    let ep2 = WGS84_E2 / (1.0 - WGS84_E2);
    let (cb, sb) = unit(b_km * p, WGS84_A_KM * z)?;
    unit(
        p - WGS84_E2 * WGS84_A_KM * cb * cb * cb,
        z + ep2 * b_km * sb * sb * sb,
    )
}

/// `(a, b) / |(a, b)|`, or `None` for the zero vector.
fn unit(a: f64, b: f64) -> Option<(f64, f64)> {
    let r = (a * a + b * b).sqrt();
    (r > 0.0).then(|| (a / r, b / r))
}

/// WGS-84 geodetic → ITRF (km) (Vallado 4th ed. eq. 3-14):
/// `x = (N + h) cos φ cos λ`, `y = (N + h) cos φ sin λ`, `z = (N (1 − e²) + h) sin φ`,
/// `N = a / √(1 − e² sin² φ)`.
pub fn geodetic_to_itrf(g: &Geodetic) -> Vector3<f64> {
    let (sl, cl) = detmath::sin_cos(g.lat_rad);
    let (so, co) = detmath::sin_cos(g.lon_rad);
    let n = WGS84_A_KM / (1.0 - WGS84_E2 * sl * sl).sqrt();
    Vector3::new(
        (n + g.alt_km) * cl * co,
        (n + g.alt_km) * cl * so,
        (n * (1.0 - WGS84_E2) + g.alt_km) * sl,
    )
}

/// Topocentric view of an object from a station.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Topocentric {
    /// Azimuth from north towards east, rad, in [0, 2π).
    pub azimuth_rad: f64,
    /// Geometric elevation above the local horizontal (ellipsoid normal), rad, no refraction.
    pub elevation_rad: f64,
    /// Slant range, km.
    pub range_km: f64,
    /// Range rate, km/s (positive: receding).
    pub range_rate_km_s: f64,
}

/// A station's position and local east-north-up axes in ITRF, computed once for many
/// look-angle evaluations (Vallado 4th ed. algorithm 27, in east-north-up form):
/// ê = (−sin λ, cos λ, 0), n̂ = (−sin φ cos λ, −sin φ sin λ, cos φ),
/// û = (cos φ cos λ, cos φ sin λ, sin φ).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StationFrame {
    site_itrf_km: Vector3<f64>,
    east: Vector3<f64>,
    north: Vector3<f64>,
    up: Vector3<f64>,
}

impl StationFrame {
    /// The frame of a station at `station`.
    pub fn new(station: &Geodetic) -> Self {
        let (sl, cl) = detmath::sin_cos(station.lat_rad);
        let (so, co) = detmath::sin_cos(station.lon_rad);
        Self {
            site_itrf_km: geodetic_to_itrf(station),
            east: Vector3::new(-so, co, 0.0),
            north: Vector3::new(-sl * co, -sl * so, cl),
            up: Vector3::new(cl * co, cl * so, sl),
        }
    }

    /// East, north and up components of `ρ = r − r_site`, and ρ.
    fn enu(&self, pos_itrf_km: &Vector3<f64>) -> (f64, f64, f64, Vector3<f64>) {
        let rho = pos_itrf_km - self.site_itrf_km;
        (
            rho.dot(&self.east),
            rho.dot(&self.north),
            rho.dot(&self.up),
            rho,
        )
    }

    /// The station's position, ITRF, km.
    pub fn site_itrf_km(&self) -> &Vector3<f64> {
        &self.site_itrf_km
    }

    /// The up component `u = ρ·û` of an object at ITRF position `pos_itrf_km`, km: negative
    /// exactly when the object is below the station's horizontal plane (elevation < 0), a cheap
    /// test before [`Self::elevation_rad`].
    pub fn up_km(&self, pos_itrf_km: &Vector3<f64>) -> f64 {
        (pos_itrf_km - self.site_itrf_km).dot(&self.up)
    }

    /// Slant range `|ρ|` to an object at ITRF position `pos_itrf_km`, km (the same value as
    /// [`Self::look`]'s).
    pub fn range_km(&self, pos_itrf_km: &Vector3<f64>) -> f64 {
        (pos_itrf_km - self.site_itrf_km).norm()
    }

    /// Elevation of an object at ITRF position `pos_itrf_km`: `el = atan2(u, √(e² + n²))`
    /// (the same value as [`Self::look`]'s).
    pub fn elevation_rad(&self, pos_itrf_km: &Vector3<f64>) -> f64 {
        let (e, n, u, _) = self.enu(pos_itrf_km);
        detmath::atan2(u, detmath::hypot(e, n))
    }

    /// Azimuth, elevation, range and range rate of an object at ITRF position/velocity
    /// (km, km/s): `az = atan2(e, n)`, `el = atan2(u, √(e² + n²))`, `ρ̇ = ρ·v / |ρ|`.
    pub fn look(&self, pos_itrf_km: &Vector3<f64>, vel_itrf_km_s: &Vector3<f64>) -> Topocentric {
        let (e, n, u, rho) = self.enu(pos_itrf_km);
        let range_km = rho.norm();
        let mut azimuth_rad = detmath::atan2(e, n);
        if azimuth_rad < 0.0 {
            azimuth_rad += TAU;
        }
        if azimuth_rad >= TAU {
            azimuth_rad -= TAU;
        }
        let elevation_rad = detmath::atan2(u, detmath::hypot(e, n));
        let range_rate_km_s = if range_km > 0.0 {
            rho.dot(vel_itrf_km_s) / range_km
        } else {
            0.0
        };
        Topocentric {
            azimuth_rad,
            elevation_rad,
            range_km,
            range_rate_km_s,
        }
    }
}

/// Azimuth, elevation, range and range rate of an object at ITRF position/velocity
/// (km, km/s) seen from a station: [`StationFrame::look`] for a single evaluation.
pub fn topocentric(
    station: &Geodetic,
    pos_itrf_km: &Vector3<f64>,
    vel_itrf_km_s: &Vector3<f64>,
) -> Topocentric {
    StationFrame::new(station).look(pos_itrf_km, vel_itrf_km_s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;
    use std::f64::consts::PI;

    #[test]
    fn val_skyfield_gmst_1982() {
        // Skyfield 1.55 `theta_GMST1982(2448854.5, (12 + 14/60) / 24)` = 152.57878785165747°
        // (1992-08-20 12:14 UT1, Vallado 4th ed. example 3-5, which prints 152.578787886° from
        // a rounded Julian date).
        let t = parse_utc("1992-08-20T12:14:00Z").unwrap();
        let gmst_deg = gmst82_rad(t, &EarthOrientation::default()).to_degrees();
        assert!(
            (gmst_deg - 152.578_787_851_657_47).abs() < 1e-10,
            "{gmst_deg}"
        );
        assert!((gmst_deg - 152.578_787_886).abs() < 1e-7, "{gmst_deg}");
    }

    #[test]
    fn val_vallado_teme_to_itrf_example_3_15() {
        // Vallado 4th ed. example 3-15 (teme2ecef): 2004-04-06 07:51:28.386009 UTC,
        // UT1−UTC = −0.4399619 s, xp = −0.140682″, yp = 0.333309″.
        // r_TEME = (5094.18016210, 6127.64465950, 6380.34453270) km,
        // v_TEME = (−4.746131487, 0.785818041, 5.531931288) km/s;
        // r_ITRF = (−1033.4793830, 7901.2952754, 6380.3565958) km,
        // v_ITRF = (−3.225636520, −2.872451450, 5.531924446) km/s.
        let lines = "04 4 6 53101.00 I -0.140682 0.000010  0.333309 0.000010  I-0.4399619 0.0000010  0.0000 0.0000\n\
                     04 4 7 53102.00 I -0.140682 0.000010  0.333309 0.000010  I-0.4399619 0.0000010  0.0000 0.0000\n";
        let eop = EarthOrientation::parse_finals2000a(lines, "example").unwrap();
        let t = parse_utc("2004-04-06T07:51:28.386009Z").unwrap();
        let r = Vector3::new(5094.18016210, 6127.64465950, 6380.34453270);
        let v = Vector3::new(-4.746131487, 0.785818041, 5.531931288);
        let (ri, vi) = teme_to_itrf(&r, &v, t, &eop);
        let r_ref = Vector3::new(-1033.4793830, 7901.2952754, 6380.3565958);
        let v_ref = Vector3::new(-3.225636520, -2.872451450, 5.531924446);
        assert!((ri - r_ref).norm() < 2e-5, "{ri:?}");
        assert!((vi - v_ref).norm() < 2e-8, "{vi:?}");
        // and back
        let (rt, vt) = itrf_to_teme(&ri, &vi, t, &eop);
        assert!((rt - r).norm() < 1e-9);
        assert!((vt - v).norm() < 1e-12);
    }

    #[test]
    fn val_analytic_polar_motion_moves_cip_to_xp_minus_yp() {
        let w = polar_motion_matrix(1e-6, 2e-6, -4e-11);
        let cip = w * Vector3::new(0.0, 0.0, 1.0);
        assert!((cip.x - 1e-6).abs() < 1e-15 && (cip.y + 2e-6).abs() < 1e-15);
        // s′ turns the x axis about the pole: x_ITRF·(R3(s′) x̂) = cos s′, y component −sin s′
        let x = polar_motion_matrix(0.0, 0.0, -4e-11) * Vector3::new(1.0, 0.0, 0.0);
        assert!((x.y - 4e-11).abs() < 1e-20, "{x:?}");
    }

    #[test]
    fn val_vallado_geodetic_example_3_3() {
        // Vallado 4th ed. example 3-3: r = (6524.834, 6862.875, 6448.296) km →
        // φ_gd = 34.352496°, λ = 46.4464°, h = 5085.22 km.
        let g = itrf_to_geodetic(&Vector3::new(6524.834, 6862.875, 6448.296));
        assert!((g.lat_rad.to_degrees() - 34.352_496).abs() < 1e-6);
        assert!((g.lon_rad.to_degrees() - 46.446_4).abs() < 1e-4);
        assert!((g.alt_km - 5085.22).abs() < 1e-2);
    }

    #[test]
    fn val_analytic_geodetic_special_points() {
        let equator = geodetic_to_itrf(&Geodetic::from_degrees(0.0, 0.0, 0.0));
        assert!((equator - Vector3::new(WGS84_A_KM, 0.0, 0.0)).norm() < 1e-12);
        let pole = geodetic_to_itrf(&Geodetic::from_degrees(90.0, 0.0, 0.0));
        let b = WGS84_A_KM * (1.0 - crate::constants::WGS84_F);
        assert!((pole.z - b).abs() < 1e-9 && pole.x.abs() < 1e-9);
        let g = itrf_to_geodetic(&Vector3::new(0.0, 0.0, b + 10.0));
        assert!((g.lat_rad - PI / 2.0).abs() < 1e-14 && (g.alt_km - 10.0).abs() < 1e-9);
        let g = itrf_to_geodetic(&Vector3::new(0.0, 0.0, -b - 10.0));
        assert!((g.lat_rad + PI / 2.0).abs() < 1e-14 && (g.alt_km - 10.0).abs() < 1e-9);
    }

    #[test]
    fn val_analytic_topocentric_zenith_and_horizon() {
        let station = Geodetic::from_degrees(45.0, 10.0, 0.2);
        let site = geodetic_to_itrf(&station);
        let up = Vector3::new(
            station.lat_rad.cos() * station.lon_rad.cos(),
            station.lat_rad.cos() * station.lon_rad.sin(),
            station.lat_rad.sin(),
        );
        let overhead = site + up * 500.0;
        let topo = topocentric(&station, &overhead, &(up * 2.0));
        assert!((topo.elevation_rad - PI / 2.0).abs() < 1e-9);
        assert!((topo.range_km - 500.0).abs() < 1e-9);
        assert!((topo.range_rate_km_s - 2.0).abs() < 1e-12);
        // due north on the local horizontal: azimuth 0, elevation 0
        let north = Vector3::new(
            -station.lat_rad.sin() * station.lon_rad.cos(),
            -station.lat_rad.sin() * station.lon_rad.sin(),
            station.lat_rad.cos(),
        );
        let topo = topocentric(&station, &(site + north * 100.0), &Vector3::zeros());
        assert!(topo.elevation_rad.abs() < 1e-12);
        assert!(topo.azimuth_rad.abs() < 1e-12 || (topo.azimuth_rad - TAU).abs() < 1e-12);
        // due east: azimuth 90°
        let east = Vector3::new(-station.lon_rad.sin(), station.lon_rad.cos(), 0.0);
        let topo = topocentric(&station, &(site + east * 100.0), &Vector3::zeros());
        assert!((topo.azimuth_rad - PI / 2.0).abs() < 1e-12);
    }

    #[test]
    fn regress_station_up_and_range_agree_with_look() {
        let frame = StationFrame::new(&Geodetic::from_degrees(-25.9, 27.7, 1.4));
        let site = geodetic_to_itrf(&Geodetic::from_degrees(-25.9, 27.7, 1.4));
        // Points around the station, above and below its horizontal plane.
        for k in 0..200 {
            let a = k as f64 * 0.7;
            let d = Vector3::new(
                a.cos() * 3000.0,
                (1.3 * a).sin() * 2500.0,
                (0.4 * a).cos() * 2000.0,
            );
            let pos = site + d;
            let topo = frame.look(&pos, &Vector3::zeros());
            assert_eq!(
                frame.up_km(&pos) < 0.0,
                topo.elevation_rad < 0.0,
                "point {k}"
            );
            assert!((frame.range_km(&pos) - topo.range_km).abs() <= 1e-12 * topo.range_km);
            assert_eq!(frame.elevation_rad(&pos), topo.elevation_rad);
        }
    }

    #[test]
    fn regress_earth_rotation_round_trip_and_position_only_forms_agree() {
        let t = crate::time::parse_utc("2004-04-06T07:51:28.386009Z").unwrap();
        let eop = EarthOrientation::none();
        let earth = EarthRotation::at(t, &eop);
        let (r, v) = (
            Vector3::new(5094.18, 6127.64, 6380.34),
            Vector3::new(-4.746, 0.786, 5.531),
        );
        let (ri, vi) = earth.itrf_from_teme(&r, &v);
        assert_eq!(earth.itrf_position_from_teme(&r), ri);
        let (rb, vb) = earth.teme_from_itrf(&ri, &vi);
        assert_eq!(earth.teme_position_from_itrf(&ri), rb);
        assert!((rb - r).norm() < 1e-9 && (vb - v).norm() < 1e-12);
    }
}
