//! Physical and geodetic constants, with units in their names and their sources.

/// WGS-84 semi-major axis (equatorial radius) in km (NIMA TR8350.2, table 3.1).
pub const WGS84_A_KM: f64 = 6378.137;

/// WGS-84 flattening, dimensionless (NIMA TR8350.2, table 3.1): f = 1 / 298.257223563.
pub const WGS84_F: f64 = 1.0 / 298.257223563;

/// WGS-84 first eccentricity squared, dimensionless: e² = f (2 − f).
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// WGS-72 equatorial radius in km: the Earth radius SGP4's mean elements are fitted with,
/// and the radius below which Vallado's SGP4 code reports decay (error 6).
pub const WGS72_RADIUS_KM: f64 = 6378.135;

/// Earth's gravitational parameter GM in km³/s² (EGM-96 / WGS-84 value, Vallado 4th ed. table D-5).
pub const MU_EARTH_KM3_S2: f64 = 398600.4418;

/// Earth's rotation rate in rad/s used with GMST-1982 (Vallado 4th ed., `teme2ecef`, LOD = 0).
pub const EARTH_ROTATION_RAD_S: f64 = 7.292115146706979e-5;

/// Astronomical unit in km (IAU 2012 resolution B2).
pub const AU_KM: f64 = 149_597_870.7;

/// Nominal solar radius in km (IAU 2015 resolution B3).
pub const SUN_RADIUS_KM: f64 = 695_700.0;

/// Total solar irradiance at 1 AU in W/m² (Kopp & Lean 2011).
pub const SOLAR_CONSTANT_W_M2: f64 = 1361.0;

/// Speed of light in vacuum in km/s (SI definition).
pub const SPEED_OF_LIGHT_KM_S: f64 = 299_792.458;

/// Arc-seconds to radians: π / (180 × 3600).
pub const ARCSEC_TO_RAD: f64 = core::f64::consts::PI / 648_000.0;

/// Seconds in a (UTC or UT1) day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// Nanoseconds in a day, for exact integer time arithmetic.
pub const NANOSECONDS_PER_DAY: i128 = 86_400_000_000_000;
