//! Contact and shadow events from the geometry, not from the simulation's step: AOS/LOS of
//! every station (elevation through its mask) and penumbra/umbra entry and exit, found by
//! `orbit`'s root finding (bisection to 1 ms, reported to the millisecond) whatever the step,
//! contacts shorter than a step included.
//!
//! The run's window is searched one day at a time, ahead of the simulation, so memory stays
//! bounded over any duration. An interval cut by a day boundary gives its start in one day
//! and its end in another; one cut by the run's start or end begins (ends) there, marked
//! `partial`.

use std::collections::VecDeque;
use std::sync::Arc;

use hifitime::{Duration, Epoch};
use orbit::{EarthOrientation, Propagator, ShadowState, Station, epoch_before};

use crate::events::EventRecord;

/// Length of one search window.
const CHUNK: Duration = Duration::from_total_nanoseconds(86_400 * 1_000_000_000);

/// Contact and shadow events of every satellite, generated a day at a time.
#[derive(Debug)]
pub struct GeometryEvents {
    satellites: Vec<Option<Propagator>>,
    stations: Vec<Station>,
    eop: Arc<EarthOrientation>,
    start: Epoch,
    end: Epoch,
    /// Start of the next window to search.
    next: Epoch,
    ready: VecDeque<EventRecord>,
}

impl GeometryEvents {
    /// Events of `satellites` (their propagators, in scenario order) over `stations` between
    /// `start` and `end`.
    pub fn new(
        satellites: Vec<Propagator>,
        stations: Vec<Station>,
        eop: Arc<EarthOrientation>,
        start: Epoch,
        end: Epoch,
    ) -> Self {
        Self {
            satellites: satellites.into_iter().map(Some).collect(),
            stations,
            eop,
            start,
            end,
            next: start,
            ready: VecDeque::new(),
        }
    }

    /// Every event before `t`, in time order.
    pub fn until(&mut self, t: Epoch, mut out: impl FnMut(EventRecord)) {
        while epoch_before(self.next, self.end) && epoch_before(self.next, t) {
            self.search_next();
        }
        while self.ready.front().is_some_and(|e| epoch_before(e.time, t)) {
            if let Some(e) = self.ready.pop_front() {
                out(e);
            }
        }
    }

    /// Every remaining event.
    pub fn rest(&mut self, out: impl FnMut(EventRecord)) {
        let after_end = self.end + Duration::from_seconds(1.0);
        self.until(after_end, out);
    }

    fn search_next(&mut self) {
        let a = self.next;
        let b = (a + CHUNK).min(self.end);
        self.next = b;
        let mut found = Vec::new();
        for i in 0..self.satellites.len() {
            let Some(prop) = &self.satellites[i] else {
                continue;
            };
            let stopped =
                self.contacts(i, prop, a, b, &mut found) | self.shadows(i, prop, a, b, &mut found);
            if stopped {
                // decayed: the simulation reports the loss; no geometry after it
                self.satellites[i] = None;
            }
        }
        // at equal times: satellite order, then contacts and shadows in the order they nest
        found.sort_by(|x: &EventRecord, y: &EventRecord| {
            x.time
                .partial_cmp(&y.time)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(x.satellite.cmp(&y.satellite))
                .then(nesting(x.kind).cmp(&nesting(y.kind)))
        });
        self.ready.extend(found);
    }

    /// Whether an event's edge is a real crossing, or the run's start or end (partial), or a
    /// window boundary inside the run (not an event).
    fn edge(&self, t: Epoch, window_edge: Epoch, cut: bool) -> Option<bool> {
        if !cut || t != window_edge {
            Some(false)
        } else if t == self.start || t == self.end {
            Some(true)
        } else {
            None
        }
    }

    fn contacts(
        &self,
        sat: usize,
        prop: &Propagator,
        a: Epoch,
        b: Epoch,
        out: &mut Vec<EventRecord>,
    ) -> bool {
        let Ok(search) = orbit::search_passes(prop, &self.stations, a, b, &self.eop) else {
            return true;
        };
        for p in &search.passes {
            if let Some(partial) = self.edge(p.aos, a, p.partial) {
                out.push(
                    EventRecord::new(p.aos, Some(sat), "contact_start")
                        .station(p.station.clone())
                        .field("partial", partial),
                );
            }
            if let Some(partial) = self.edge(p.los, b, p.partial) {
                out.push(
                    EventRecord::new(p.los, Some(sat), "contact_end")
                        .station(p.station.clone())
                        .field("partial", partial),
                );
            }
        }
        search.stopped.is_some()
    }

    fn shadows(
        &self,
        sat: usize,
        prop: &Propagator,
        a: Epoch,
        b: Epoch,
        out: &mut Vec<EventRecord>,
    ) -> bool {
        let Ok(search) = orbit::search_eclipses(prop, a, b) else {
            return true;
        };
        for iv in &search.intervals {
            let (entry, exit) = match iv.kind {
                ShadowState::Umbra => ("umbra_entry", "umbra_exit"),
                _ => ("penumbra_entry", "penumbra_exit"),
            };
            // an interval clipped by the window starts at a (ends at b)
            if let Some(partial) = self.edge(iv.start, a, iv.start == a) {
                out.push(EventRecord::new(iv.start, Some(sat), entry).field("partial", partial));
            }
            if let Some(partial) = self.edge(iv.end, b, iv.end == b) {
                out.push(EventRecord::new(iv.end, Some(sat), exit).field("partial", partial));
            }
        }
        search.stopped.is_some()
    }
}

/// Order of events at one instant: an interval ends before another starts, and shadows nest
/// (penumbra entry, umbra entry, umbra exit, penumbra exit).
fn nesting(kind: &str) -> u8 {
    match kind {
        "contact_end" => 0,
        "contact_start" => 1,
        "penumbra_entry" => 2,
        "umbra_entry" => 3,
        "umbra_exit" => 4,
        _ => 5,
    }
}
