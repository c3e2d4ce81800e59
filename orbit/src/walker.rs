//! Walker-delta constellations `i: T/P/F` as ordinary element sets.
//!
//! Pattern (Walker 1984, "Satellite constellations", JBIS 37; Wertz, *Mission Geometry*, §7):
//! T satellites in P equally spaced planes of S = T/P satellites each, all at inclination i.
//! Plane k (0-based) has right ascension `Ω_k = Ω₀ + 2π k / P`; satellite j of plane k has
//! argument of latitude `u_kj = 2π j / S + 2π F k / T`, i.e. each plane is rotated by the
//! phasing F × 360°/T relative to the previous one (0 ≤ F < P).
//!
//! Mean elements: circular orbits (e = 0, ω = 0, so the mean anomaly is u) with the
//! semi-major axis `a = R⊕ + altitude` (R⊕ = 6378.137 km) and the mean motion from Kepler's
//! third law without J2, `n = √(μ / a³)` (μ = 398600.4418 km³/s²), written as the element
//! set's (Kozai) mean motion. SGP4 applies its own J2 corrections to that number, so the
//! orbit-averaged radius it propagates differs from `a` slightly (measured: −0.13 km at
//! 550 km / 53°, +1.5 km at 1200 km / 88°, +0.02 km at 20 200 km / 55°); spacing and phasing,
//! which a design study cares about, are exact at the epoch. B* and the mean
//! motion derivatives are zero (no drag).

use crate::constants::{MU_EARTH_KM3_S2, WGS84_A_KM};
use crate::elements::{ElementSet, validate};
use hifitime::Epoch;
use std::f64::consts::TAU;

/// A Walker-delta pattern `i: T/P/F` at one altitude.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WalkerDelta {
    /// Inclination of every plane, rad, in [0, π].
    pub inclination_rad: f64,
    /// T: total number of satellites.
    pub total_satellites: u32,
    /// P: number of equally spaced planes (T must be a multiple of P).
    pub planes: u32,
    /// F: relative phasing between adjacent planes, in units of 360°/T, 0 ≤ F < P.
    pub phasing: u32,
    /// Altitude above the equatorial radius, km: a = 6378.137 km + altitude.
    pub altitude_km: f64,
    /// Epoch of the element sets (UTC).
    pub epoch: Epoch,
    /// Right ascension of the first plane, rad.
    pub raan_offset_rad: f64,
}

/// Invalid Walker parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WalkerError {
    /// T, P, F do not form a Walker pattern.
    #[error("invalid Walker pattern {total}/{planes}/{phasing}: {reason}")]
    Pattern {
        /// T.
        total: u32,
        /// P.
        planes: u32,
        /// F.
        phasing: u32,
        /// What is wrong.
        reason: &'static str,
    },
    /// An angle or altitude out of range.
    #[error("invalid Walker constellation: {field} = {value} (expected {expected})")]
    OutOfRange {
        /// The parameter.
        field: &'static str,
        /// Its value (degrees for angles, km for the altitude).
        value: f64,
        /// The valid range.
        expected: &'static str,
    },
    /// Catalogue numbers would overflow.
    #[error("catalogue numbers from {first} for {count} satellites overflow")]
    CatalogueOverflow {
        /// First number.
        first: u64,
        /// Number of satellites.
        count: u32,
    },
}

impl WalkerDelta {
    /// The element sets, plane by plane: satellite j of plane k (0-based) gets catalogue
    /// number `first_norad_id + k S + j` and the name `WALKER P{k+1}-S{j+1}`.
    pub fn element_sets(&self, first_norad_id: u64) -> Result<Vec<ElementSet>, WalkerError> {
        let (t, p, f) = (self.total_satellites, self.planes, self.phasing);
        let pattern = |reason| {
            Err(WalkerError::Pattern {
                total: t,
                planes: p,
                phasing: f,
                reason,
            })
        };
        if t == 0 || p == 0 {
            return pattern("T and P must be at least 1");
        }
        if t % p != 0 {
            return pattern("T must be a multiple of P");
        }
        if f >= p {
            return pattern("F must be between 0 and P - 1");
        }
        let range = |field, value: f64, ok: bool, expected| {
            if ok {
                Ok(())
            } else {
                Err(WalkerError::OutOfRange {
                    field,
                    value,
                    expected,
                })
            }
        };
        let inc = self.inclination_rad;
        range(
            "inclination (deg)",
            inc.to_degrees(),
            inc.is_finite() && (0.0..=std::f64::consts::PI).contains(&inc),
            "0 to 180",
        )?;
        let alt = self.altitude_km;
        range(
            "altitude (km)",
            alt,
            alt.is_finite() && (100.0..=1.0e6).contains(&alt),
            "100 km to 1e6 km",
        )?;
        range(
            "RAAN offset (deg)",
            self.raan_offset_rad.to_degrees(),
            self.raan_offset_rad.is_finite(),
            "a finite angle",
        )?;
        if first_norad_id.checked_add(u64::from(t)).is_none() {
            return Err(WalkerError::CatalogueOverflow {
                first: first_norad_id,
                count: t,
            });
        }
        // n = √(μ / a³) rad/s → rev/day
        let a = WGS84_A_KM + alt;
        let n_rev_day = (MU_EARTH_KM3_S2 / (a * a * a)).sqrt() * 86_400.0 / TAU;
        let per_plane = t / p;
        let mut sets = Vec::with_capacity(t as usize);
        for k in 0..p {
            // Ω_k = Ω₀ + 2π k / P
            let raan = (self.raan_offset_rad + TAU * f64::from(k) / f64::from(p)).rem_euclid(TAU);
            for j in 0..per_plane {
                // u_kj = 2π j / S + 2π F k / T
                let u = (TAU * f64::from(j) / f64::from(per_plane)
                    + TAU * f64::from(f) * f64::from(k) / f64::from(t))
                .rem_euclid(TAU);
                let norad_id = first_norad_id + u64::from(k * per_plane + j);
                let set = ElementSet {
                    object_id: norad_id.to_string(),
                    norad_id,
                    name: Some(format!("WALKER P{}-S{}", k + 1, j + 1)),
                    international_designator: None,
                    epoch: self.epoch,
                    inclination_rad: inc,
                    raan_rad: raan,
                    eccentricity: 0.0,
                    arg_perigee_rad: 0.0,
                    mean_anomaly_rad: u,
                    mean_motion_rev_day: n_rev_day,
                    mean_motion_dot_rev_day2: 0.0,
                    mean_motion_ddot_rev_day3: 0.0,
                    bstar_per_earth_radius: 0.0,
                    element_set_number: 0,
                    revolution_number: 0,
                    ephemeris_type: 0,
                    classification: 'U',
                };
                if let Err(v) = validate::check(&set) {
                    let field = v.field();
                    return Err(WalkerError::OutOfRange {
                        field: field.label(),
                        value: match v {
                            validate::Violation::OutOfRange { value, .. } => value,
                            _ => f64::NAN,
                        },
                        expected: "a valid element set",
                    });
                }
                sets.push(set);
            }
        }
        Ok(sets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagate::Propagator;
    use crate::time::parse_utc;

    fn pattern(t: u32, p: u32, f: u32) -> WalkerDelta {
        WalkerDelta {
            inclination_rad: 53_f64.to_radians(),
            total_satellites: t,
            planes: p,
            phasing: f,
            altitude_km: 550.0,
            epoch: parse_utc("2024-03-01T00:00:00Z").unwrap(),
            raan_offset_rad: 10_f64.to_radians(),
        }
    }

    #[test]
    fn val_analytic_walker_24_3_1_geometry() {
        let sets = pattern(24, 3, 1).element_sets(90_000).unwrap();
        assert_eq!(sets.len(), 24);
        assert_eq!(sets[0].object_id, "90000");
        assert_eq!(sets[23].norad_id, 90_023);
        assert_eq!(sets[9].name.as_deref(), Some("WALKER P2-S2"));
        let deg = |x: f64| x.to_degrees();
        // planes at 10°, 130°, 250°
        for (k, raan) in [(0, 10.0), (1, 130.0), (2, 250.0)] {
            assert!((deg(sets[k * 8].raan_rad) - raan).abs() < 1e-9);
        }
        // in-plane spacing 45°, inter-plane phasing F·360/T = 15°
        assert!((deg(sets[1].mean_anomaly_rad) - 45.0).abs() < 1e-9);
        assert!((deg(sets[8].mean_anomaly_rad) - 15.0).abs() < 1e-9);
        assert!((deg(sets[16].mean_anomaly_rad) - 30.0).abs() < 1e-9);
        // Kepler: a = 6928.137 km → n = 15.05 rev/day (period 95.6 min)
        let period_min = 1440.0 / sets[0].mean_motion_rev_day;
        let a = WGS84_A_KM + 550.0;
        let expected = TAU * (a * a * a / MU_EARTH_KM3_S2).sqrt() / 60.0;
        assert!((period_min - expected).abs() < 1e-9 && (95.0..96.5).contains(&period_min));
    }

    #[test]
    fn val_analytic_walker_sets_propagate_at_the_altitude() {
        let w = pattern(24, 3, 1);
        for set in w.element_sets(1).unwrap() {
            let p = Propagator::new(&set).unwrap();
            for minutes in [0.0, 30.0, 95.0] {
                let s = p
                    .state_after(hifitime::Duration::from_seconds(minutes * 60.0))
                    .unwrap();
                let alt = s.pos_teme_km.norm() - WGS84_A_KM;
                assert!((535.0..575.0).contains(&alt), "{alt}");
            }
        }
    }

    #[test]
    fn regress_walker_rejects_bad_patterns() {
        assert!(matches!(
            pattern(24, 5, 1).element_sets(1),
            Err(WalkerError::Pattern { .. })
        ));
        assert!(matches!(
            pattern(24, 3, 3).element_sets(1),
            Err(WalkerError::Pattern { .. })
        ));
        assert!(matches!(
            pattern(0, 1, 0).element_sets(1),
            Err(WalkerError::Pattern { .. })
        ));
        let mut w = pattern(24, 3, 1);
        w.altitude_km = -5.0;
        assert!(matches!(
            w.element_sets(1),
            Err(WalkerError::OutOfRange { .. })
        ));
        let mut w = pattern(24, 3, 1);
        w.inclination_rad = 4.0;
        assert!(matches!(
            w.element_sets(1),
            Err(WalkerError::OutOfRange { .. })
        ));
        assert!(matches!(
            pattern(24, 3, 1).element_sets(u64::MAX - 3),
            Err(WalkerError::CatalogueOverflow { .. })
        ));
    }

    #[test]
    fn val_analytic_walker_sets_write_as_tle_and_omm() {
        let sets = pattern(6, 2, 1).element_sets(100).unwrap();
        let (l1, l2) = sets[0].to_tle_lines().unwrap();
        let back = crate::elements::parse_elements(&format!("{l1}\n{l2}\n"), "w").unwrap();
        assert_eq!(back[0].norad_id, 100);
        let json = crate::elements::write_omm_json(&sets);
        assert_eq!(
            crate::elements::parse_elements(&json, "w.json")
                .unwrap()
                .len(),
            6
        );
    }
}
