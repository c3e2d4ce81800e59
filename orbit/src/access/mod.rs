//! Access: ground-station passes, eclipse intervals and inter-satellite line of sight.

pub mod eclipses;
pub mod los;
pub mod passes;
mod scan;

use crate::constants::NANOSECONDS_PER_DAY;
use crate::frames::Geodetic;
use crate::propagate::PropagationError;
use crate::propagate::Propagator;
use crate::time::{format_utc, utc_calendar_elapsed};
use hifitime::{Duration, Epoch};

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
    #[error(
        "{object_id}: invalid window: end {} is before start {}",
        format_utc(*end),
        format_utc(*start)
    )]
    InvalidWindow {
        /// Object identifier.
        object_id: String,
        /// Window start.
        start: Epoch,
        /// Window end.
        end: Epoch,
    },
    /// The window is longer than the search supports.
    #[error(
        "{object_id}: window of {} days is too long (at most {} days: the coarse samples are kept in memory)",
        format_days(*length),
        format_days(*max)
    )]
    WindowTooLong {
        /// Object identifier.
        object_id: String,
        /// Window length (UTC calendar time).
        length: Duration,
        /// The limit, [`MAX_WINDOW`].
        max: Duration,
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

/// Longest window for pass and eclipse searches: 3660 days (about ten years: 5.3 million
/// coarse samples, ~170 MB per object searched; SGP4 elements are not meaningful that far
/// anyway).
pub const MAX_WINDOW: Duration = Duration::from_total_nanoseconds(3660 * NANOSECONDS_PER_DAY);

/// A duration in days with one decimal, for messages.
fn format_days(d: Duration) -> String {
    format!(
        "{:.1}",
        d.total_nanoseconds() as f64 / NANOSECONDS_PER_DAY as f64
    )
}

/// Window length in seconds of UTC calendar time, or an error if it ends before it starts or
/// is too long.
pub(crate) fn window_seconds(
    prop: &Propagator,
    start: Epoch,
    end: Epoch,
) -> Result<f64, AccessError> {
    let length = utc_calendar_elapsed(start, end);
    if length.is_negative() {
        return Err(AccessError::InvalidWindow {
            object_id: prop.object_id().to_owned(),
            start,
            end,
        });
    }
    if length > MAX_WINDOW {
        return Err(AccessError::WindowTooLong {
            object_id: prop.object_id().to_owned(),
            length,
            max: MAX_WINDOW,
        });
    }
    Ok(length.to_seconds())
}

/// The instant `s` seconds after `start`, to the nanosecond.
pub(crate) fn at(start: Epoch, s: f64) -> Epoch {
    start + hifitime::Duration::from_total_nanoseconds((s * 1e9).round() as i128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::parse_elements;

    #[test]
    fn regress_window_errors_name_the_object_and_carry_durations() {
        let set = parse_elements(
            "1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992\n\
             2 25544  51.6424  32.9776 0003646  28.7227  39.5332 15.54190080 95614\n",
            "iss",
        )
        .unwrap()
        .remove(0);
        let prop = Propagator::new(&set).unwrap();
        let start = set.epoch;
        let end = start + Duration::from_total_nanoseconds(4000 * NANOSECONDS_PER_DAY);
        let e = window_seconds(&prop, start, end).unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("25544: window of 4000.0 days is too long (at most 3660.0 days"),
            "{text}"
        );
        assert_eq!(
            e,
            AccessError::WindowTooLong {
                object_id: "25544".into(),
                length: end - start,
                max: MAX_WINDOW,
            }
        );
        match window_seconds(&prop, end, start) {
            Err(e @ AccessError::InvalidWindow { .. }) => {
                assert!(e.to_string().starts_with("25544: invalid window"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(window_seconds(&prop, start, start), Ok(0.0));
    }
}
