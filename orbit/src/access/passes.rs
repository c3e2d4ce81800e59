//! Passes of an object over ground stations: acquisition (AOS), culmination (TCA), loss of
//! signal (LOS) and maximum elevation above an elevation mask.
//!
//! # Method and the choice of the coarse step
//!
//! The elevation above the mask, `g(t) = el(t) − mask`, is sampled on a grid of
//! [`PASS_COARSE_STEP`] = 60 s over the window (the window end always included). A pass is
//! an interval where `g > 0`.
//!
//! * **No pass longer than one minute is missed.** Grid points are at most 60 s apart, so any
//!   interval longer than 60 s contains at least one grid point, where `g > 0`; the pass is
//!   then found from the sign changes of `g` between neighbouring samples. (Pigeonhole
//!   argument: it does not depend on the orbit.)
//! * Shorter passes are found too when their peak falls between samples: every sample that is
//!   a local maximum of three non-positive samples starts a golden-section search for the
//!   peak of `g` between its neighbours, and a peak above zero becomes a pass. In LEO the
//!   elevation has one peak per orbit per station, so this catches grazing passes of a few
//!   seconds as well; only the one-minute bound is guaranteed.
//! * AOS and LOS are refined by bisection of the bracketing 60 s interval to a bracket of
//!   1 ms (well inside the required 0.1 s); TCA by golden-section search of the elevation
//!   around the highest sample to 10 ms (the elevation is flat there, so the maximum
//!   elevation is accurate to ~10⁻⁶ rad). Reported instants are rounded to the millisecond.
//!
//! Cost: one propagation and one TEME → ITRF rotation per grid point (shared by all
//! stations), plus ~20 evaluations per refined event.
//!
//! A pass already in progress at the window start, or still in progress at its end, is
//! reported with `partial = true` and the window edge as its AOS or LOS. If the object stops
//! propagating (decay), the passes up to the last good sample are kept and the error is
//! returned beside them ([`search_passes`]).

use super::scan::{Interval, grid, maximize, positive_intervals};
use super::{AccessError, Station, at, window_seconds};
use crate::eop::EarthOrientation;
use crate::frames::{StationFrame, teme_to_itrf};
use crate::propagate::Propagator;
use crate::time::round_utc;
use hifitime::{Duration, Epoch};
use nalgebra::Vector3;

/// Coarse sampling step for pass finding: 60 s (see the module documentation).
pub const PASS_COARSE_STEP: Duration = Duration::from_total_nanoseconds(60_000_000_000);

/// One pass of an object over a station.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pass {
    /// Object identifier.
    pub object_id: String,
    /// Station name.
    pub station: String,
    /// Acquisition of signal: elevation rises through the mask (or the window start).
    pub aos: Epoch,
    /// Time of closest approach: highest elevation within the pass.
    pub tca: Epoch,
    /// Loss of signal: elevation sets through the mask (or the window end).
    pub los: Epoch,
    /// Highest elevation within the pass, rad.
    pub max_elevation_rad: f64,
    /// Whether the pass is cut by the window (or by the end of propagation).
    pub partial: bool,
}

impl Pass {
    /// LOS − AOS.
    pub fn duration(&self) -> Duration {
        self.los - self.aos
    }
}

/// Passes found for one object, and the error that stopped the search early, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct PassSearch {
    /// Passes sorted by AOS, then station name.
    pub passes: Vec<Pass>,
    /// Why the search stopped before the window end (e.g. the object decayed).
    pub stopped: Option<AccessError>,
}

/// Passes of one object over one station between `start` and `end` (UTC). A propagation
/// error anywhere in the window is returned as an error (use [`search_passes`] to keep the
/// passes found before it).
pub fn find_passes(
    prop: &Propagator,
    station: &Station,
    start: Epoch,
    end: Epoch,
    eop: &EarthOrientation,
) -> Result<Vec<Pass>, AccessError> {
    let search = search_passes(prop, std::slice::from_ref(station), start, end, eop)?;
    match search.stopped {
        Some(e) => Err(e),
        None => Ok(search.passes),
    }
}

/// Passes of one object over several stations (the propagation is shared). Invalid input
/// (window, stations) is an error; a propagation error ends the search at the last good
/// sample and is returned in [`PassSearch::stopped`] with the passes found until then.
pub fn search_passes(
    prop: &Propagator,
    stations: &[Station],
    start: Epoch,
    end: Epoch,
    eop: &EarthOrientation,
) -> Result<PassSearch, AccessError> {
    let length_s = window_seconds(prop, start, end)?;
    for s in stations {
        s.validate()?;
    }
    let mut stopped = None;
    // coarse samples: ITRF positions, shared by the stations
    let mut times = grid(length_s, PASS_COARSE_STEP.to_seconds());
    let mut positions: Vec<Vector3<f64>> = Vec::with_capacity(times.len());
    for &s in &times {
        let t = at(start, s);
        match prop.state_at(t) {
            Ok(state) => {
                positions.push(teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, t, eop).0)
            }
            Err(e) => {
                stopped = Some(AccessError::Propagation(e));
                break;
            }
        }
    }
    times.truncate(positions.len());
    let mut passes = Vec::new();
    if times.is_empty() {
        return Ok(PassSearch { passes, stopped });
    }
    'stations: for station in stations {
        let mask = station.min_elevation_rad;
        let frame = StationFrame::new(&station.location);
        let values: Vec<f64> = positions
            .iter()
            .map(|p| frame.elevation_rad(p) - mask)
            .collect();
        let mut g = |s: f64| -> Result<f64, AccessError> {
            let t = at(start, s);
            let state = prop.state_at(t)?;
            let (p, _) = teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, t, eop);
            Ok(frame.elevation_rad(&p) - mask)
        };
        let intervals = match positive_intervals(&times, &values, &mut g) {
            Ok(iv) => iv,
            Err(e) => {
                stopped = Some(e);
                break 'stations;
            }
        };
        for iv in intervals {
            match culmination(&iv, &times, &values, &mut g) {
                Ok((tca_s, peak)) => {
                    passes.push(make_pass(prop, station, start, &iv, tca_s, peak + mask))
                }
                Err(e) => {
                    stopped = Some(e);
                    break 'stations;
                }
            }
        }
    }
    passes.sort_by(|a, b| a.aos.cmp(&b.aos).then_with(|| a.station.cmp(&b.station)));
    Ok(PassSearch { passes, stopped })
}

/// The highest point of `g` within an interval: around the highest grid sample inside it, or
/// over the whole interval when no sample falls inside.
fn culmination(
    iv: &Interval,
    times: &[f64],
    values: &[f64],
    g: &mut impl FnMut(f64) -> Result<f64, AccessError>,
) -> Result<(f64, f64), AccessError> {
    // the grid is sorted: the samples inside the interval are one slice of it
    let first = times.partition_point(|&t| t < iv.start_s);
    let past = times.partition_point(|&t| t <= iv.end_s).max(first);
    let best = times[first..past]
        .iter()
        .zip(&values[first..past])
        .max_by(|a, b| a.1.total_cmp(b.1));
    let step_s = PASS_COARSE_STEP.to_seconds();
    let (lo, hi) = match best {
        Some((&t, _)) => ((t - step_s).max(iv.start_s), (t + step_s).min(iv.end_s)),
        None => (iv.start_s, iv.end_s),
    };
    if hi - lo <= 0.0 {
        return Ok((lo, g(lo)?));
    }
    // the peak may sit at an end (a pass cut by the window): compare with both ends
    let inner = maximize(g, lo, hi)?;
    let (g_lo, g_hi) = (g(lo)?, g(hi)?);
    Ok([(lo, g_lo), (hi, g_hi)]
        .into_iter()
        .fold(inner, |best, x| if x.1 > best.1 { x } else { best }))
}

fn make_pass(
    prop: &Propagator,
    station: &Station,
    start: Epoch,
    iv: &Interval,
    tca_s: f64,
    max_el: f64,
) -> Pass {
    let ms = Duration::from_total_nanoseconds(1_000_000);
    let edge = |s: f64, clipped: bool| {
        if clipped {
            at(start, s)
        } else {
            round_utc(at(start, s), ms)
        }
    };
    let aos = edge(iv.start_s, iv.start_clipped);
    let los = edge(iv.end_s, iv.end_clipped);
    let tca = round_utc(at(start, tca_s), ms).max(aos).min(los);
    Pass {
        object_id: prop.object_id().to_owned(),
        station: station.name.clone(),
        aos,
        tca,
        los,
        max_elevation_rad: max_el,
        partial: iv.start_clipped || iv.end_clipped,
    }
}
