//! Range checks applied to every element set, whatever its format.
//!
//! Rules: epoch from 1957-01-01 to 2100-01-01 UTC (the space age; SGP4 elements outside it
//! are typing errors, and times far from them cannot be written as RFC 3339); 0 ≤ e < 1;
//! 0 < n < 20 rev/day; inclination in [0°, 180°]; node, argument of
//! perigee and mean anomaly in [0°, 360°]; every number finite; ephemeris type 0–3 (types 1–3
//! are legacy codes for the SGP family and are propagated with SGP4/SDP4), never 4 (SGP4-XP)
//! nor 5 and above (special perturbations, not mean elements).

use super::ElementSet;
use crate::time::{days_from_civil, utc_from_days_ns};
use hifitime::Epoch;

/// Earliest accepted element-set epoch: 1957-01-01T00:00:00Z (Sputnik 1 flew in October 1957).
pub fn earliest_epoch() -> Epoch {
    utc_from_days_ns(days_from_civil(1957, 1, 1), 0)
}

/// Latest accepted element-set epoch: 2100-01-01T00:00:00Z.
pub fn latest_epoch() -> Epoch {
    utc_from_days_ns(days_from_civil(2100, 1, 1), 0)
}

/// The epoch range in words, for messages.
pub const EPOCH_RANGE: &str = "an epoch from 1957-01-01 to 2100-01-01 UTC";

/// The fields the checks refer to; each format maps them to a column range or a field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Epoch.
    Epoch,
    /// Inclination.
    Inclination,
    /// Right ascension of the ascending node.
    Raan,
    /// Eccentricity.
    Eccentricity,
    /// Argument of perigee.
    ArgPerigee,
    /// Mean anomaly.
    MeanAnomaly,
    /// Mean motion.
    MeanMotion,
    /// First derivative of the mean motion (TLE convention ṅ/2).
    MeanMotionDot,
    /// Second derivative of the mean motion (TLE convention n̈/6).
    MeanMotionDdot,
    /// B* drag term.
    Bstar,
    /// Ephemeris type.
    EphemerisType,
}

impl Field {
    /// TLE line (1 or 2) and 1-based inclusive column range of the field.
    pub fn tle_columns(&self) -> (u8, usize, usize) {
        match self {
            Self::Epoch => (1, 19, 32),
            Self::MeanMotionDot => (1, 34, 43),
            Self::MeanMotionDdot => (1, 45, 52),
            Self::Bstar => (1, 54, 61),
            Self::EphemerisType => (1, 63, 63),
            Self::Inclination => (2, 9, 16),
            Self::Raan => (2, 18, 25),
            Self::Eccentricity => (2, 27, 33),
            Self::ArgPerigee => (2, 35, 42),
            Self::MeanAnomaly => (2, 44, 51),
            Self::MeanMotion => (2, 53, 63),
        }
    }

    /// CelesTrak OMM field name.
    pub fn omm_name(&self) -> &'static str {
        match self {
            Self::Epoch => "EPOCH",
            Self::Inclination => "INCLINATION",
            Self::Raan => "RA_OF_ASC_NODE",
            Self::Eccentricity => "ECCENTRICITY",
            Self::ArgPerigee => "ARG_OF_PERICENTER",
            Self::MeanAnomaly => "MEAN_ANOMALY",
            Self::MeanMotion => "MEAN_MOTION",
            Self::MeanMotionDot => "MEAN_MOTION_DOT",
            Self::MeanMotionDdot => "MEAN_MOTION_DDOT",
            Self::Bstar => "BSTAR",
            Self::EphemerisType => "EPHEMERIS_TYPE",
        }
    }

    /// Human-readable name.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Epoch => "epoch",
            Self::Inclination => "inclination",
            Self::Raan => "right ascension of the ascending node",
            Self::Eccentricity => "eccentricity",
            Self::ArgPerigee => "argument of perigee",
            Self::MeanAnomaly => "mean anomaly",
            Self::MeanMotion => "mean motion",
            Self::MeanMotionDot => "mean motion derivative",
            Self::MeanMotionDdot => "mean motion second derivative",
            Self::Bstar => "B*",
            Self::EphemerisType => "ephemeris type",
        }
    }
}

/// A failed check: which field, its value in file units, and the valid range.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// A value outside its range (or not finite).
    OutOfRange {
        /// The field.
        field: Field,
        /// The value as written in files (degrees for angles).
        value: f64,
        /// The valid range in words.
        expected: &'static str,
    },
    /// An epoch outside [`earliest_epoch`]..[`latest_epoch`].
    EpochOutOfRange {
        /// The epoch found.
        epoch: Epoch,
    },
    /// Ephemeris type 4: SGP4-XP.
    SgpXp,
    /// Ephemeris type 5 or above: not mean elements.
    UnsupportedEphemerisType(u8),
}

impl Violation {
    /// The field concerned.
    pub fn field(&self) -> Field {
        match self {
            Self::OutOfRange { field, .. } => *field,
            Self::EpochOutOfRange { .. } => Field::Epoch,
            Self::SgpXp | Self::UnsupportedEphemerisType(_) => Field::EphemerisType,
        }
    }
}

/// Checks the ranges of an element set (see the module documentation).
pub fn check(set: &ElementSet) -> Result<(), Violation> {
    let out = |field, value: f64, expected| {
        Err(Violation::OutOfRange {
            field,
            value,
            expected,
        })
    };
    if !(earliest_epoch()..=latest_epoch()).contains(&set.epoch) {
        return Err(Violation::EpochOutOfRange { epoch: set.epoch });
    }
    let e = set.eccentricity;
    if !(e.is_finite() && (0.0..1.0).contains(&e)) {
        return out(Field::Eccentricity, e, "0 <= e < 1");
    }
    let n = set.mean_motion_rev_day;
    if !(n.is_finite() && n > 0.0 && n < 20.0) {
        return out(Field::MeanMotion, n, "0 < n < 20 rev/day");
    }
    let inc = set.inclination_rad.to_degrees();
    if !(inc.is_finite() && (0.0..=180.0).contains(&inc)) {
        return out(Field::Inclination, inc, "0 to 180 degrees");
    }
    for (field, value) in [
        (Field::Raan, set.raan_rad.to_degrees()),
        (Field::ArgPerigee, set.arg_perigee_rad.to_degrees()),
        (Field::MeanAnomaly, set.mean_anomaly_rad.to_degrees()),
    ] {
        if !(value.is_finite() && (0.0..=360.0).contains(&value)) {
            return out(field, value, "0 to 360 degrees");
        }
    }
    for (field, value) in [
        (Field::MeanMotionDot, set.mean_motion_dot_rev_day2),
        (Field::MeanMotionDdot, set.mean_motion_ddot_rev_day3),
        (Field::Bstar, set.bstar_per_earth_radius),
    ] {
        if !value.is_finite() {
            return out(field, value, "a finite number");
        }
    }
    match set.ephemeris_type {
        0..=3 => Ok(()),
        4 => Err(Violation::SgpXp),
        t => Err(Violation::UnsupportedEphemerisType(t)),
    }
}
