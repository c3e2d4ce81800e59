//! Eclipse intervals of an object: penumbra (from first to last partial shadow, around an
//! umbra if there is one) and umbra, clipped to the window.
//!
//! Method: with the conical model of [`crate::eclipse`], the object is in shadow where
//! `a + b − c > 0` and in umbra where `b − a − c > 0` (apparent radii a of the Sun and b of
//! the Earth, separation c). Both functions are smooth; they are sampled every
//! [`ECLIPSE_COARSE_STEP`] = 60 s, sign changes are bisected to 1 ms, and local peaks between
//! samples are searched (golden section) so short grazing eclipses are caught. As for passes
//! (see [`crate::access::passes`]), any shadow interval longer than the step is guaranteed to
//! contain a sample and be found; the separation `c` has one minimum per orbit, so peaks
//! between samples are bracketed for any orbit with a period above a few minutes.
//!
//! The Sun comes from [`crate::sun::sun_position_teme_km`] (0.01°), which moves shadow
//! boundaries by well under a second in LEO.

use super::scan::{grid, positive_intervals};
use super::{AccessError, at, window_seconds};
use crate::eclipse::{DiscGeometry, ShadowState};
use crate::propagate::Propagator;
use crate::sun::sun_position_teme_km;
use crate::time::round_utc;
use hifitime::{Duration, Epoch};

/// Coarse sampling step for eclipse finding: 60 s.
pub const ECLIPSE_COARSE_STEP: Duration = Duration::from_total_nanoseconds(60_000_000_000);

/// One shadow interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EclipseInterval {
    /// Object identifier.
    pub object_id: String,
    /// [`ShadowState::Penumbra`] (any part of the Sun hidden, umbra included) or
    /// [`ShadowState::Umbra`] (all of it hidden).
    pub kind: ShadowState,
    /// Start (entry, or the window start if already in shadow).
    pub start: Epoch,
    /// End (exit, or the window end if still in shadow).
    pub end: Epoch,
}

impl EclipseInterval {
    /// end − start.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }
}

/// Eclipse intervals found for one object, and the error that stopped the search, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct EclipseSearch {
    /// Intervals sorted by start, penumbra before umbra.
    pub intervals: Vec<EclipseInterval>,
    /// Why the search stopped before the window end.
    pub stopped: Option<AccessError>,
}

/// Penumbra and umbra intervals of one object between `start` and `end` (UTC). A propagation
/// error is returned as an error (use [`search_eclipses`] to keep earlier intervals).
pub fn find_eclipses(
    prop: &Propagator,
    start: Epoch,
    end: Epoch,
) -> Result<Vec<EclipseInterval>, AccessError> {
    let search = search_eclipses(prop, start, end)?;
    match search.stopped {
        Some(e) => Err(e),
        None => Ok(search.intervals),
    }
}

/// Like [`find_eclipses`], but a propagation error ends the search at the last good sample
/// and is returned beside the intervals found until then.
pub fn search_eclipses(
    prop: &Propagator,
    start: Epoch,
    end: Epoch,
) -> Result<EclipseSearch, AccessError> {
    let length_s = window_seconds(prop, start, end)?;
    let mut stopped = None;
    let mut times = grid(length_s, ECLIPSE_COARSE_STEP.to_seconds());
    let mut geometry = Vec::with_capacity(times.len());
    for &s in &times {
        let t = at(start, s);
        match prop.state_at(t) {
            Ok(state) => geometry.push(DiscGeometry::new(
                &state.pos_teme_km,
                &sun_position_teme_km(t),
            )),
            Err(e) => {
                stopped = Some(AccessError::Propagation(e));
                break;
            }
        }
    }
    times.truncate(geometry.len());
    let mut intervals = Vec::new();
    let geometry_at = |s: f64| -> Result<DiscGeometry, AccessError> {
        let t = at(start, s);
        let state = prop.state_at(t)?;
        Ok(DiscGeometry::new(
            &state.pos_teme_km,
            &sun_position_teme_km(t),
        ))
    };
    let ms = Duration::from_total_nanoseconds(1_000_000);
    for kind in [ShadowState::Penumbra, ShadowState::Umbra] {
        // positive inside the shadow of this kind
        let inside = |g: &DiscGeometry| match kind {
            ShadowState::Umbra => -g.umbra_margin_rad(),
            _ => -g.penumbra_margin_rad(),
        };
        let values: Vec<f64> = geometry.iter().map(inside).collect();
        let mut f = |s: f64| geometry_at(s).map(|g| inside(&g));
        match positive_intervals(&times, &values, &mut f) {
            Ok(found) => intervals.extend(found.into_iter().map(|iv| EclipseInterval {
                object_id: prop.object_id().to_owned(),
                kind,
                start: if iv.start_clipped {
                    at(start, iv.start_s)
                } else {
                    round_utc(at(start, iv.start_s), ms)
                },
                end: if iv.end_clipped {
                    at(start, iv.end_s)
                } else {
                    round_utc(at(start, iv.end_s), ms)
                },
            })),
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
    }
    let rank = |k: ShadowState| if k == ShadowState::Umbra { 1 } else { 0 };
    intervals.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then_with(|| rank(a.kind).cmp(&rank(b.kind)))
    });
    Ok(EclipseSearch { intervals, stopped })
}
