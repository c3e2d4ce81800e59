//! What the viewer knows of the simulation: the snapshots applied in order. This is display
//! state only (what the last snapshot said, plus the histories the panels plot); the
//! simulation itself lives on its own thread.

use std::collections::VecDeque;

use bevy::prelude::Resource;
use hifitime::Epoch;

use crate::protocol::{
    AppView, ClockState, Contact, EventLine, LoadFailure, LogView, OutcomeView, SatStatus,
    SceneSetup, Snapshot, TelemetrySample, Timeline, Track,
};

/// Events the event log keeps.
pub const EVENTS_KEPT: usize = 20_000;
/// Log lines kept for the selected satellite.
pub const LOGS_KEPT: usize = 1_000;
/// Telemetry samples kept for the selected satellite.
pub const SAMPLES_KEPT: usize = 4_000;

/// The viewer's copy of the simulation's state.
#[derive(Debug, Default, Resource)]
pub struct Scene {
    /// The scenario's fixed parts, once loaded.
    pub setup: Option<SceneSetup>,
    /// Why the scenario could not be loaded.
    pub failure: Option<LoadFailure>,
    /// Time of the last snapshot.
    pub time: Option<Epoch>,
    /// Earth rotation angle, rad.
    pub earth_rotation_rad: f64,
    /// Unit vector to the Sun, TEME.
    pub sun_dir_teme: [f64; 3],
    /// Positions, TEME km.
    pub positions_teme_km: Vec<[f64; 3]>,
    /// Positions changed since the satellites plugin last looked.
    pub positions_changed: bool,
    /// Each satellite's status.
    pub status: Vec<SatStatus>,
    /// Satellites whose status changed since the satellites plugin last looked.
    pub status_changed: Vec<u32>,
    /// Contacts in progress.
    pub contacts: Vec<Contact>,
    /// Inter-satellite links that carried data.
    pub isl_links: Vec<(u32, u32)>,
    /// The event log (newest last).
    pub events: VecDeque<EventLine>,
    /// Events the simulation thread could not send (too many at once).
    pub events_dropped: u64,
    /// The satellite the simulation reports on.
    pub selected: Option<usize>,
    /// Its telemetry history.
    pub history: VecDeque<TelemetrySample>,
    /// Its apps.
    pub apps: Vec<AppView>,
    /// Its apps' log lines.
    pub logs: VecDeque<LogView>,
    /// Its passes and eclipses.
    pub timeline: Option<Timeline>,
    /// Its orbit trail and ground track.
    pub track: Option<Track>,
    /// The assertions so far.
    pub outcomes: Vec<OutcomeView>,
    /// The clock.
    pub clock: Option<ClockState>,
    /// Snapshots applied so far.
    pub snapshots: u64,
}

impl Scene {
    /// Takes the scenario's fixed parts.
    pub fn load(&mut self, setup: SceneSetup) {
        let n = setup.satellites.len();
        self.positions_teme_km = vec![[f64::NAN; 3]; n];
        self.status = vec![SatStatus::default(); n];
        self.status_changed = (0..n as u32).collect();
        self.setup = Some(setup);
    }

    /// Number of satellites.
    pub fn satellite_count(&self) -> usize {
        self.status.len()
    }

    /// A satellite's name.
    pub fn name(&self, i: usize) -> &str {
        self.setup
            .as_ref()
            .and_then(|s| s.satellites.get(i))
            .map_or("?", String::as_str)
    }

    /// Applies the next snapshot.
    pub fn apply(&mut self, s: Snapshot) {
        self.snapshots += 1;
        self.time = Some(s.time);
        self.earth_rotation_rad = s.earth_rotation_rad;
        self.sun_dir_teme = s.sun_dir_teme;
        if s.positions_teme_km.len() == self.positions_teme_km.len() {
            self.positions_teme_km = s.positions_teme_km;
            self.positions_changed = true;
        }
        for (i, st) in s.status_changes {
            if let Some(slot) = self.status.get_mut(i as usize) {
                *slot = st;
                self.status_changed.push(i);
            }
        }
        if let Some(c) = s.contacts {
            self.contacts = c;
        }
        if let Some(l) = s.isl_links {
            self.isl_links = l;
        }
        self.events.extend(s.events);
        let over = self.events.len().saturating_sub(EVENTS_KEPT);
        self.events.drain(..over);
        self.events_dropped += s.events_dropped;
        if let Some(o) = s.outcomes {
            self.outcomes = o;
        }
        self.clock = Some(s.clock);
        match s.selected {
            Some(d) => {
                if d.reset_history || self.selected != Some(d.satellite) {
                    self.history.clear();
                    self.logs.clear();
                    self.timeline = None;
                }
                self.selected = Some(d.satellite);
                self.history.extend(d.samples);
                let over = self.history.len().saturating_sub(SAMPLES_KEPT);
                self.history.drain(..over);
                self.logs.extend(d.logs);
                let over = self.logs.len().saturating_sub(LOGS_KEPT);
                self.logs.drain(..over);
                self.apps = d.apps;
                if d.timeline.is_some() {
                    self.timeline = d.timeline;
                }
                self.track = Some(d.track);
            }
            None => {
                self.selected = None;
                self.history.clear();
                self.logs.clear();
                self.apps.clear();
                self.timeline = None;
                self.track = None;
            }
        }
    }
}
