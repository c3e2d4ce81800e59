//! Attenuation by atmospheric gases on an Earth–space path, ITU-R P.676-13 (08/2022):
//!
//! 1. specific attenuations γo, γw line by line (Annex 1 §1, [`SpectralLines`]);
//! 2. zenith attenuation A_z = ∫ γ(h) dh from the station to 100 km through the P.835 reference
//!    atmosphere (Annex 1's slant-path integral taken along the vertical), by Gauss–Legendre
//!    quadrature, once per link;
//! 3. the slant path from the equivalent heights hᵢ = A_z,i / γᵢ(station) in the curved-Earth
//!    form of the Recommendation's approximate method (Annex 2, effective radius 8500 km).
//!
//! Steps 1–2 run once when a link is built (under half a millisecond, docs/BENCHMARKS.md); an
//! evaluation costs two square roots. Checked against the `itur` package's Annex 1 ray
//! tracing (tools/itur/).

use serde::{Deserialize, Serialize};

use super::reference_atmosphere::{reference_pressure_hpa, reference_temperature_k};
use super::spectral::SpectralLines;
use crate::error::{HardwareError, check};

/// Effective Earth radius that stands for refraction on slant paths, km (P.676 Annex 2, 8500).
const EFFECTIVE_EARTH_RADIUS_KM: f64 = 8500.0;

/// Highest frequency of the gaseous model, GHz: where it is checked against Annex 1's ray
/// tracing (tools/itur/); the line tables themselves reach 1000 GHz.
pub const MAX_GASEOUS_FREQUENCY_GHZ: f64 = 100.0;

/// Water-vapour scale height of the reference atmosphere, km (P.835-6 §1.2, h₀ = 2 km).
const WATER_VAPOUR_SCALE_HEIGHT_KM: f64 = 2.0;

/// Smallest water-vapour mixing ratio e/P of the reference atmosphere (P.835-6 §1.2: above the
/// altitude where it is reached the mixing ratio stays constant).
const MIN_WATER_VAPOUR_MIXING_RATIO: f64 = 2e-6;

/// Top of the atmosphere integrated through, km (P.676-13 Annex 1: 100 km).
const TOP_OF_ATMOSPHERE_KM: f64 = 100.0;

/// Edges of the quadrature intervals above the station, km: close together where water vapour
/// lives (scale height 2 km).
const NEAR_STATION_EDGES_KM: [f64; 7] = [0.5, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0];

/// Fixed edges of the quadrature intervals, km: the layer boundaries of the P.835 profile
/// (geopotential 11, 20, 32, 47, 51, 71, 84.852 km as geometric altitude, where its derivatives
/// jump), intervals between them, and the top of the atmosphere. With [`NEAR_STATION_EDGES_KM`]
/// and two Gauss–Legendre points per interval the zenith integral is within 2·10⁻⁴ of a
/// 20 000-layer sum (test below) and of a 922-layer Annex 1 sum (tools/itur/).
const ALTITUDE_EDGES_KM: [f64; 14] = [
    11.019,
    14.0,
    20.063,
    26.0,
    32.162,
    40.0,
    47.350,
    51.413,
    60.0,
    71.802,
    86.0,
    91.0,
    95.5,
    TOP_OF_ATMOSPHERE_KM,
];

fn default_pressure() -> f64 {
    1013.25
}
fn default_temperature() -> f64 {
    288.15
}
fn default_water_vapour() -> f64 {
    7.5
}

/// Surface meteorology at the ground station (defaults: the ITU-R P.835 mean annual global
/// reference atmosphere at sea level, ρ = 7.5 g/m³). Above the station the P.835 profile is
/// scaled to pass through these values (see [`GaseousAttenuation::new`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtmosphereParams {
    /// Total barometric pressure (dry air + water vapour), hPa, as a weather station reports.
    #[serde(default = "default_pressure")]
    pub pressure_hpa: f64,
    /// Temperature, K.
    #[serde(default = "default_temperature")]
    pub temperature_k: f64,
    /// Water-vapour density, g/m³.
    #[serde(default = "default_water_vapour")]
    pub water_vapour_density_g_m3: f64,
    /// Station altitude above sea level, km (the path integral starts there).
    #[serde(default)]
    pub station_altitude_km: f64,
}

impl Default for AtmosphereParams {
    fn default() -> Self {
        Self {
            pressure_hpa: default_pressure(),
            temperature_k: default_temperature(),
            water_vapour_density_g_m3: default_water_vapour(),
            station_altitude_km: 0.0,
        }
    }
}

impl AtmosphereParams {
    /// Water-vapour partial pressure at the station, e = ρ T / 216.7, hPa (P.676-13 Annex 1).
    pub fn water_vapour_pressure_hpa(&self) -> f64 {
        self.water_vapour_density_g_m3 * self.temperature_k / 216.7
    }

    pub(crate) fn validate(&self, frequency_hz: f64) -> Result<(), HardwareError> {
        let m = "link";
        check(
            self.pressure_hpa > 0.0,
            m,
            "atmosphere.pressure_hpa",
            self.pressure_hpa,
            "> 0",
        )?;
        check(
            self.temperature_k > 150.0 && self.temperature_k < 350.0,
            m,
            "atmosphere.temperature_k",
            self.temperature_k,
            "150 K < value < 350 K",
        )?;
        check(
            (0.0..=100.0).contains(&self.water_vapour_density_g_m3),
            m,
            "atmosphere.water_vapour_density_g_m3",
            self.water_vapour_density_g_m3,
            "0..=100 g/m³",
        )?;
        check(
            (-0.5..10.0).contains(&self.station_altitude_km),
            m,
            "atmosphere.station_altitude_km",
            self.station_altitude_km,
            "-0.5 <= value < 10 km",
        )?;
        check(
            self.pressure_hpa > self.water_vapour_pressure_hpa(),
            m,
            "atmosphere.pressure_hpa",
            self.pressure_hpa,
            "> the water-vapour partial pressure ρT/216.7",
        )?;
        check(
            frequency_hz / 1e9 <= MAX_GASEOUS_FREQUENCY_GHZ,
            m,
            "frequency_hz",
            frequency_hz,
            "<= 100 GHz when atmospheric attenuation is modelled (where P.676 is validated here)",
        )
    }
}

/// Meteorology at one altitude: dry-air pressure p, water-vapour pressure e (hPa), T (K).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Meteorology {
    dry_pressure_hpa: f64,
    water_vapour_pressure_hpa: f64,
    temperature_k: f64,
}

/// The P.835 reference atmosphere scaled to pass through the station's surface values, and kept
/// in hydrostatic balance: with T(h) = k T₈₃₅(h), k = T_s / T₈₃₅(h_s), the hydrostatic equation
/// d ln P/dh = −g M / (R T) = (1/k) d ln P₈₃₅/dh gives
///   P(h) = P_s · (P₈₃₅(h)/P₈₃₅(h_s))^(1/k)
/// (a warmer column is a thicker one), and
///   ρ(h) = ρ_s · exp(−(h − h_s)/2 km),  e(h) = max(ρ T/216.7, 2·10⁻⁶ P),  p(h) = P(h) − e(h)
/// (the default station parameters at sea level give the reference atmosphere itself).
struct StationProfile {
    station_altitude_km: f64,
    station_pressure_hpa: f64,
    reference_station_pressure_hpa: f64,
    temperature_scale: f64,
    water_vapour_density_g_m3: f64,
}

impl StationProfile {
    fn new(p: &AtmosphereParams) -> Self {
        let h = p.station_altitude_km;
        Self {
            station_altitude_km: h,
            station_pressure_hpa: p.pressure_hpa,
            reference_station_pressure_hpa: reference_pressure_hpa(h),
            temperature_scale: p.temperature_k / reference_temperature_k(h),
            water_vapour_density_g_m3: p.water_vapour_density_g_m3,
        }
    }

    fn at(&self, h_km: f64) -> Meteorology {
        let ratio = reference_pressure_hpa(h_km) / self.reference_station_pressure_hpa;
        let total_pressure_hpa = if self.temperature_scale == 1.0 {
            self.station_pressure_hpa * ratio
        } else {
            self.station_pressure_hpa * ratio.powf(1.0 / self.temperature_scale)
        };
        let temperature_k = self.temperature_scale * reference_temperature_k(h_km);
        let rho = self.water_vapour_density_g_m3
            * (-(h_km - self.station_altitude_km) / WATER_VAPOUR_SCALE_HEIGHT_KM).exp();
        let water_vapour_pressure_hpa = if rho > 0.0 {
            (rho * temperature_k / 216.7)
                .max(MIN_WATER_VAPOUR_MIXING_RATIO * total_pressure_hpa)
                .min(total_pressure_hpa)
        } else {
            0.0
        };
        Meteorology {
            dry_pressure_hpa: total_pressure_hpa - water_vapour_pressure_hpa,
            water_vapour_pressure_hpa,
            temperature_k,
        }
    }
}

/// Zenith attenuation of dry air and of water vapour from `profile`'s station to 100 km, dB:
///   A_z,i = ∫ γᵢ(h) dh,
/// by two-point Gauss–Legendre quadrature on each interval of [`QUADRATURE_EDGES_KM`] above
/// the station (nodes at the interval's midpoint ± half-width/√3, weights half-width).
fn zenith_attenuation_db(
    lines: &SpectralLines,
    f_ghz: f64,
    profile: &StationProfile,
) -> (f64, f64) {
    let h_s = profile.station_altitude_km;
    // Station, the near-station edges, then the fixed edges above the station, in order.
    let mut edges =
        [TOP_OF_ATMOSPHERE_KM; 1 + NEAR_STATION_EDGES_KM.len() + ALTITUDE_EDGES_KM.len()];
    edges[0] = h_s;
    for (slot, offset) in edges[1..].iter_mut().zip(NEAR_STATION_EDGES_KM) {
        *slot = (h_s + offset).min(TOP_OF_ATMOSPHERE_KM);
    }
    for (slot, edge) in edges[1 + NEAR_STATION_EDGES_KM.len()..]
        .iter_mut()
        .zip(ALTITUDE_EDGES_KM)
    {
        *slot = edge.max(h_s);
    }
    edges.sort_by(f64::total_cmp);
    let node = 1.0 / 3f64.sqrt();
    let (mut dry_db, mut wet_db) = (0.0, 0.0);
    for (&a, &b) in edges.iter().zip(&edges[1..]) {
        if b - a < 1e-9 {
            continue;
        }
        let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
        for h in [mid - half * node, mid + half * node] {
            let m = profile.at(h);
            let (p, e, t) = (
                m.dry_pressure_hpa,
                m.water_vapour_pressure_hpa,
                m.temperature_k,
            );
            dry_db += half * lines.dry_air_db_km(f_ghz, p, e, t);
            wet_db += half * lines.water_vapour_db_km(f_ghz, p, e, t);
        }
    }
    (dry_db, wet_db)
}

/// One gas of a slant path: specific attenuation at the station and equivalent height.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Species {
    /// γᵢ at the station, dB/km.
    gamma_db_km: f64,
    /// hᵢ = A_z,i / γᵢ, km (0 when the gas does not attenuate).
    height_km: f64,
}

impl Species {
    fn new(gamma_db_km: f64, zenith_db: f64) -> Self {
        let height_km = if gamma_db_km > 0.0 && zenith_db > 0.0 {
            zenith_db / gamma_db_km
        } else {
            0.0
        };
        Self {
            gamma_db_km,
            height_km,
        }
    }

    /// Slant-path attenuation at elevation θ from a station at radius R = Rₑ + h_s, dB: the
    /// curved-Earth form of P.676 Annex 2 (eq. for 0–5°, whose h₂ → ∞ limit is used here),
    ///   A = γ √h √R F(x) / cos θ,  x = tan θ √(R/h),  F(x) = 1 / (0.661 x + 0.339 √(x² + 5.51)),
    /// written without tan θ / cos θ so that it holds up to the zenith:
    ///   A = γ h / (0.661 sin θ + 0.339 √(sin²θ + 5.51 (h/R) cos²θ)).
    /// Overhead it is γ h; above ~20° it tends to the cosecant law γ h / sin θ.
    fn slant_db(&self, sin_el: f64, cos_el: f64, radius_km: f64) -> f64 {
        if self.height_km <= 0.0 {
            return 0.0;
        }
        let curvature = 5.51 * self.height_km / radius_km * cos_el * cos_el;
        self.gamma_db_km * self.height_km
            / (0.661 * sin_el + 0.339 * (sin_el * sin_el + curvature).sqrt())
    }
}

/// Gaseous attenuation model of one link, with the frequency-dependent terms precomputed.
#[derive(Clone, Debug, PartialEq)]
pub struct GaseousAttenuation {
    dry: Species,
    wet: Species,
    /// Rₑ + h_s, km.
    radius_km: f64,
    /// [`Self::zenith_db`], computed once.
    zenith_db: f64,
}

impl GaseousAttenuation {
    /// Computes the specific attenuations at the station and the zenith attenuation of each gas
    /// (P.676-13 Annex 1) for the carrier `frequency_hz`. The caller validates `p` (see
    /// [`super::LinkParams::validate`]).
    pub fn new(frequency_hz: f64, p: &AtmosphereParams) -> Result<Self, HardwareError> {
        let lines = SpectralLines::itu_r_p676()?;
        let f_ghz = frequency_hz / 1e9;
        let e_hpa = p.water_vapour_pressure_hpa();
        let dry_pressure_hpa = p.pressure_hpa - e_hpa;
        let gamma_o = lines.dry_air_db_km(f_ghz, dry_pressure_hpa, e_hpa, p.temperature_k);
        let gamma_w = lines.water_vapour_db_km(f_ghz, dry_pressure_hpa, e_hpa, p.temperature_k);
        let (zenith_o, zenith_w) = zenith_attenuation_db(&lines, f_ghz, &StationProfile::new(p));
        Ok(Self {
            dry: Species::new(gamma_o, zenith_o),
            wet: Species::new(gamma_w, zenith_w),
            radius_km: EFFECTIVE_EARTH_RADIUS_KM + p.station_altitude_km,
            zenith_db: zenith_o + zenith_w,
        })
    }

    /// Specific attenuation of dry air at the station, dB/km.
    pub fn dry_air_specific_db_km(&self) -> f64 {
        self.dry.gamma_db_km
    }

    /// Specific attenuation of water vapour at the station, dB/km.
    pub fn water_vapour_specific_db_km(&self) -> f64 {
        self.wet.gamma_db_km
    }

    /// Equivalent heights of dry air and water vapour, km: A_z,i / γᵢ.
    pub fn equivalent_heights_km(&self) -> (f64, f64) {
        (self.dry.height_km, self.wet.height_km)
    }

    /// Attenuation at the zenith, dB.
    pub fn zenith_db(&self) -> f64 {
        self.zenith_db
    }

    /// Attenuation along a path at `elevation_rad`, dB (see `Species::slant_db`). Negative
    /// elevations are evaluated at 0° (the caller decides visibility).
    pub fn slant_path_db(&self, elevation_rad: f64) -> f64 {
        let theta = elevation_rad.clamp(0.0, std::f64::consts::FRAC_PI_2);
        let (sin_el, cos_el) = theta.sin_cos();
        self.dry.slant_db(sin_el, cos_el, self.radius_km)
            + self.wet.slant_db(sin_el, cos_el, self.radius_km)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gases(f_ghz: f64, p: &AtmosphereParams) -> GaseousAttenuation {
        GaseousAttenuation::new(f_ghz * 1e9, p).unwrap()
    }

    #[test]
    fn regress_zenith_attenuation_is_plausible() {
        // Reference atmosphere, sea level. P.676 shows a total zenith attenuation of a few
        // hundredths of a dB in L/S band, ~0.05 dB in X band, a maximum at the 22.2 GHz water
        // line, a window near 31 GHz and the oxygen wing rising towards 50 GHz.
        let z = |f_ghz: f64| gases(f_ghz, &AtmosphereParams::default()).zenith_db();
        assert!((0.02..0.06).contains(&z(2.2)), "{}", z(2.2));
        assert!((0.03..0.12).contains(&z(8.4)), "{}", z(8.4));
        assert!(z(22.2) > z(15.0) && z(22.2) > z(31.0));
        assert!(z(31.0) < z(40.0) && z(40.0) < z(50.0));
        // The water-vapour term vanishes in dry air; the dry term does not care.
        let dry_air = AtmosphereParams {
            water_vapour_density_g_m3: 0.0,
            ..AtmosphereParams::default()
        };
        let g = gases(22.235, &dry_air);
        assert_eq!(g.water_vapour_specific_db_km(), 0.0);
        assert_eq!(g.equivalent_heights_km().1, 0.0);
        assert!(g.zenith_db() > 0.0);
    }

    #[test]
    fn val_analytic_slant_path_limits() {
        let g = gases(20.0, &AtmosphereParams::default());
        let (h_o, h_w) = g.equivalent_heights_km();
        // Overhead: γo h_o + γw h_w, the zenith integral itself.
        let overhead = g.slant_path_db(std::f64::consts::FRAC_PI_2);
        let by_heights = g.dry_air_specific_db_km() * h_o + g.water_vapour_specific_db_km() * h_w;
        assert!((overhead - g.zenith_db()).abs() < 1e-12 * g.zenith_db());
        assert!((by_heights - g.zenith_db()).abs() < 1e-12 * g.zenith_db());
        // Equivalent heights of the reference atmosphere: about 6 km for oxygen (half the
        // pressure scale height, since γo ∝ p²) and about 2 km for water vapour.
        assert!((4.0..8.0).contains(&h_o), "{h_o}");
        assert!((1.5..2.6).contains(&h_w), "{h_w}");
        // Above 30° the curved Earth is within 0.3 % of the flat-Earth cosecant law, and
        // always below it; the attenuation rises monotonically towards the horizon.
        let mut previous = 0.0;
        for el_deg in (0..=90).rev() {
            let el = f64::from(el_deg).to_radians();
            let a = g.slant_path_db(el);
            assert!(a > previous, "{el_deg}°");
            previous = a;
            if el_deg >= 1 {
                let csc = g.zenith_db() / el.sin();
                assert!(a <= csc * (1.0 + 1e-12), "{el_deg}°");
                if el_deg >= 30 {
                    assert!(a > csc * 0.997, "{el_deg}°: {a} vs {csc}");
                }
            }
        }
        // At the horizon: γ √(h R) / (0.339 √5.51), finite.
        let r = EFFECTIVE_EARTH_RADIUS_KM;
        let horizon = (g.dry_air_specific_db_km() * (h_o * r).sqrt()
            + g.water_vapour_specific_db_km() * (h_w * r).sqrt())
            / (0.339 * 5.51f64.sqrt());
        assert!((g.slant_path_db(0.0) - horizon).abs() < 1e-9 * horizon);
        assert_eq!(g.slant_path_db(-0.1), g.slant_path_db(0.0));
    }

    #[test]
    fn regress_quadrature_matches_a_fine_midpoint_sum() {
        // The Gauss–Legendre integral against a 20 000-layer midpoint sum of the same
        // profile, for a sea-level and a mountain station.
        let lines = SpectralLines::itu_r_p676().unwrap();
        for (f_ghz, h_s) in [
            (2.0, 0.0),
            (22.235, 0.0),
            (30.0, 2.5),
            (50.0, 0.0),
            (60.0, 0.0),
        ] {
            let params = AtmosphereParams {
                station_altitude_km: h_s,
                pressure_hpa: reference_pressure_hpa(h_s),
                ..AtmosphereParams::default()
            };
            let profile = StationProfile::new(&params);
            let (dry, wet) = zenith_attenuation_db(&lines, f_ghz, &profile);
            let n = 20_000;
            let (mut dry_sum, mut wet_sum) = (0.0, 0.0);
            // Layers thin near the ground: h = h_s + (100 − h_s) u², u uniform.
            for k in 0..n {
                let (u0, u1) = (k as f64 / n as f64, (k + 1) as f64 / n as f64);
                let span = TOP_OF_ATMOSPHERE_KM - h_s;
                let (a, b) = (h_s + span * u0 * u0, h_s + span * u1 * u1);
                let m = profile.at(0.5 * (a + b));
                let (p, e, t) = (
                    m.dry_pressure_hpa,
                    m.water_vapour_pressure_hpa,
                    m.temperature_k,
                );
                dry_sum += (b - a) * lines.dry_air_db_km(f_ghz, p, e, t);
                wet_sum += (b - a) * lines.water_vapour_db_km(f_ghz, p, e, t);
            }
            assert!(
                (dry / dry_sum - 1.0).abs() < 2e-4,
                "{f_ghz} GHz dry {dry} vs {dry_sum}"
            );
            assert!(
                (wet / wet_sum - 1.0).abs() < 2e-4,
                "{f_ghz} GHz wet {wet} vs {wet_sum}"
            );
        }
    }

    #[test]
    fn val_analytic_a_warmer_column_is_thicker() {
        // Hydrostatic balance: with T = k T₈₃₅ the pressure scale height grows by k, and so
        // does the dry-air equivalent height (γo ∝ p² roughly: half the pressure scale height).
        let at = |t_k: f64| {
            gases(
                10.0,
                &AtmosphereParams {
                    temperature_k: t_k,
                    water_vapour_density_g_m3: 0.0,
                    ..AtmosphereParams::default()
                },
            )
            .equivalent_heights_km()
            .0
        };
        let k = 303.0 / 288.15;
        let ratio = at(303.0) / at(288.15);
        assert!((ratio / k - 1.0).abs() < 0.02, "{ratio} vs {k}");
    }

    #[test]
    fn regress_higher_stations_see_less_atmosphere() {
        let at = |h_s: f64| {
            gases(
                20.0,
                &AtmosphereParams {
                    station_altitude_km: h_s,
                    pressure_hpa: reference_pressure_hpa(h_s),
                    temperature_k: reference_temperature_k(h_s),
                    water_vapour_density_g_m3: 7.5 * (-h_s / 2.0).exp(),
                },
            )
            .zenith_db()
        };
        let sea = at(0.0);
        let mountain = at(3.0);
        // The atmosphere above 3 km: roughly e^{-3/2} of the water and e^{-6/8} of the dry air.
        assert!(
            mountain < 0.5 * sea && mountain > 0.1 * sea,
            "{mountain} vs {sea}"
        );
        // A station at 0 km given the reference values is the reference atmosphere itself.
        assert_eq!(
            at(0.0),
            gases(20.0, &AtmosphereParams::default()).zenith_db()
        );
    }
}
