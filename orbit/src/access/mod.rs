//! Access: ground-station passes, eclipse intervals and inter-satellite line of sight.

pub mod eclipses;
pub mod los;
pub mod passes;
mod scan;

use crate::frames::Geodetic;
use crate::propagate::PropagationError;
use crate::time::format_utc;
use hifitime::Epoch;

/// A ground station.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Station {
    /// Name used in outputs.
    pub name: String,
    /// WGS-84 location.
    pub location: Geodetic,
    /// Elevation mask: passes are the intervals above it, rad.
    pub min_elevation_rad: f64,
}

/// Errors from access computations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccessError {
    /// The object could not be propagated (decay, ...); results up to then are kept where the
    /// API allows it.
    #[error(transparent)]
    Propagation(#[from] PropagationError),
    /// The window ends before it starts.
    #[error("invalid window: end {} is before start {}", format_utc(*end), format_utc(*start))]
    InvalidWindow {
        /// Window start.
        start: Epoch,
        /// Window end.
        end: Epoch,
    },
    /// The window is longer than the search supports.
    #[error(
        "window of {days:.1} days is too long (at most {max_days} days: the coarse samples are kept in memory)"
    )]
    WindowTooLong {
        /// Window length, days.
        days: f64,
        /// The limit, days.
        max_days: u32,
    },
    /// A station with an impossible location or mask.
    #[error("station {name:?}: {reason}")]
    InvalidStation {
        /// Station name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
}

impl Station {
    /// Checks the station's values: latitude within ±90°, longitude within ±180° (or 0–360°),
    /// altitude between −12 km and +100 km, mask between −90° and 90°, all finite.
    pub fn validate(&self) -> Result<(), AccessError> {
        let bad = |reason| {
            Err(AccessError::InvalidStation {
                name: self.name.clone(),
                reason,
            })
        };
        let g = &self.location;
        if !(g.lat_rad.is_finite() && g.lat_rad.abs() <= std::f64::consts::FRAC_PI_2 + 1e-12) {
            return bad("latitude must be between -90 and 90 degrees");
        }
        if !(g.lon_rad.is_finite()
            && (-std::f64::consts::PI - 1e-12..=std::f64::consts::TAU + 1e-12).contains(&g.lon_rad))
        {
            return bad("longitude must be between -180 and 360 degrees");
        }
        if !(g.alt_km.is_finite() && (-12.0..=100.0).contains(&g.alt_km)) {
            return bad("altitude must be between -12000 and 100000 m");
        }
        if !(self.min_elevation_rad.is_finite()
            && self.min_elevation_rad.abs() <= std::f64::consts::FRAC_PI_2)
        {
            return bad("minimum elevation must be between -90 and 90 degrees");
        }
        Ok(())
    }
}

/// Longest window for pass and eclipse searches, days (about ten years: 5.3 million coarse
/// samples, ~170 MB per object searched; SGP4 elements are not meaningful that far anyway).
pub const MAX_WINDOW_DAYS: u32 = 3660;

/// Window length in seconds, or an error if it ends before it starts or is too long.
pub(crate) fn window_seconds(start: Epoch, end: Epoch) -> Result<f64, AccessError> {
    let length = crate::time::minutes_between(start, end) * 60.0;
    if length < 0.0 {
        return Err(AccessError::InvalidWindow { start, end });
    }
    if length > f64::from(MAX_WINDOW_DAYS) * 86_400.0 {
        return Err(AccessError::WindowTooLong {
            days: length / 86_400.0,
            max_days: MAX_WINDOW_DAYS,
        });
    }
    Ok(length)
}

/// The instant `s` seconds after `start`, to the nanosecond.
pub(crate) fn at(start: Epoch, s: f64) -> Epoch {
    start + hifitime::Duration::from_total_nanoseconds((s * 1e9).round() as i128)
}
