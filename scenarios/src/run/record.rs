//! What a run keeps of the simulation's steps: telemetry records at the output times, events
//! in time order (the simulation's, the geometry's and the timeline's), the assertions'
//! samples and the totals, handed to a [`Sink`].

use std::collections::HashMap;

use hifitime::Epoch;
use nalgebra::Vector3;
use orbit::Propagator;
use sim_core::StepReport;

use super::{RunError, SatelliteTotals, Sink, TelemetryRecord, column};
use crate::assertions::{Counter, Evaluator, Quantity, Sample};
use crate::events::{EventRecord, Reorder, log_event, sim_event};
use crate::geometry::GeometryEvents;
use crate::model::Scenario;

/// The records of a run (see the module's documentation).
pub(super) struct Recorder<'s> {
    pub(super) scenario: &'s Scenario,
    pub(super) names: Vec<String>,
    pub(super) index_of: HashMap<String, usize>,
    pub(super) geometry: GeometryEvents,
    pub(super) propagators: Vec<Propagator>,
    pub(super) reorder: Reorder,
    pub(super) evaluator: Evaluator,
    pub(super) totals: Vec<SatelliteTotals>,
    pub(super) node_names: Vec<String>,
    pub(super) node_index: Vec<Vec<Option<usize>>>,
    pub(super) temps_c: Vec<f64>,
    /// Steps recorded.
    pub(super) steps: u64,
    /// Telemetry is written every `every` steps.
    pub(super) every: u64,
    /// App log lines become events (the output asks for them, or an assertion counts them).
    pub(super) wants_logs: bool,
}

impl Recorder<'_> {
    /// Records consecutive steps' reports in order: each step's telemetry and events, then the
    /// geometry's events up to the step's end, then the events before it go to the sink.
    pub(super) fn record_block(
        &mut self,
        reports: Vec<StepReport>,
        sink: &mut dyn Sink,
    ) -> Result<(), RunError> {
        for report in reports {
            let write_telemetry = self.steps.is_multiple_of(self.every);
            self.steps += 1;
            self.record(&report, write_telemetry, sink)?;
            // everything the simulation can still produce is at or after the step's end
            let Some(t) = report.time else { continue };
            let now = t + self.scenario.step;
            let (geometry, reorder) = (&mut self.geometry, &mut self.reorder);
            geometry.until(now, |e| reorder.push(e));
            self.flush(Some(now), sink)?;
        }
        Ok(())
    }

    pub(super) fn flush(
        &mut self,
        before: Option<Epoch>,
        sink: &mut dyn Sink,
    ) -> Result<(), RunError> {
        let mut out = Vec::new();
        self.reorder.release(before, |e| out.push(e));
        for e in out {
            self.count(&e);
            sink.event(&e).map_err(RunError::Output)?;
        }
        Ok(())
    }

    /// Feeds an event to the assertions and the totals.
    fn count(&mut self, e: &EventRecord) {
        self.evaluator.event(
            e.time,
            e.satellite,
            e.kind,
            e.app.as_deref(),
            e.station.as_deref(),
        );
        let Some(i) = e.satellite else { return };
        let number = |name: &str| {
            e.fields
                .iter()
                .find(|(k, _)| *k == name)
                .and_then(|(_, v)| v.as_f64())
        };
        let flag = |name: &str| {
            e.fields
                .iter()
                .any(|(k, v)| *k == name && v.as_bool() == Some(true))
        };
        let mut add = |c: Counter, x: f64| {
            self.evaluator.add_total(i, None, c, x);
            if let Some(app) = &e.app {
                self.evaluator.add_total(i, Some(app), c, x);
            }
        };
        let t = &mut self.totals[i];
        match e.kind {
            "downlinked" => {
                let b = number("bytes").unwrap_or(0.0);
                t.downlinked_bytes += b as u64;
                add(Counter::DownlinkedBytes, b);
            }
            "isl_delivered" if flag("delivered") => {
                t.isl_messages += 1;
                add(Counter::IslMessages, 1.0);
            }
            "command_delivered" if flag("delivered") => {
                t.commands_delivered += 1;
                add(Counter::CommandsDelivered, 1.0);
            }
            "upload_complete" if flag("ok") => {
                t.uploads += 1;
                add(Counter::Uploads, 1.0);
            }
            "contact_start" => t.contacts += 1,
            "app_fault" => t.app_faults += 1,
            "safe_mode_entry" => t.safe_mode_entries += 1,
            _ => {}
        }
    }

    /// Telemetry and events of a step.
    fn record(
        &mut self,
        report: &StepReport,
        write: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), RunError> {
        let dt = self.scenario.step;
        let mut next = 0;
        for row in &report.telemetry {
            // rows come in satellite order: the next name is the one expected
            let i = if self.names.get(next).map(String::as_str) == Some(&*row.satellite) {
                next
            } else {
                match self.index_of.get(&*row.satellite) {
                    Some(&i) => i,
                    None => continue,
                }
            };
            next = i + 1;
            for (k, slot) in self.temps_c.iter_mut().enumerate() {
                *slot = self.node_index[i][k]
                    .and_then(|n| row.node_temps_k.get(n))
                    .map_or(f64::NAN, |temp_k| temp_k - 273.15);
            }
            let (pos_teme_km, vel_teme_km_s, pos_itrf_km) = if write {
                self.state_at(i, row.time)
            } else {
                (Vector3::zeros(), Vector3::zeros(), Vector3::zeros())
            };
            let rec = TelemetryRecord {
                satellite: i,
                row,
                temps_c: &self.temps_c,
                pos_teme_km,
                vel_teme_km_s,
                pos_itrf_km,
            };
            let sample = NodeSample {
                rec: &rec,
                names: &self.node_names,
            };
            self.evaluator.sample(i, &sample, dt);
            let t = &mut self.totals[i];
            t.instructions += row.instructions;
            t.min_battery_soc = t.min_battery_soc.min(row.battery_soc);
            self.evaluator
                .add_total(i, None, Counter::Instructions, row.instructions as f64);
            if write {
                sink.telemetry(&rec).map_err(RunError::Output)?;
            }
        }
        for e in &report.events {
            let Some(&i) = self.index_of.get(&e.satellite) else {
                continue;
            };
            if let Some(r) = sim_event(i, e, &self.scenario.satellites[i].hardware) {
                self.reorder.push(r);
            }
        }
        if self.wants_logs {
            for (sat, l) in &report.logs {
                if let Some(&i) = self.index_of.get(sat) {
                    self.reorder.push(log_event(i, l));
                }
            }
        }
        Ok(())
    }

    /// TEME state and ITRF position of satellite `i` at `t`, from its own propagator.
    fn state_at(&self, i: usize, t: Epoch) -> (Vector3<f64>, Vector3<f64>, Vector3<f64>) {
        match self.propagators[i].state_at(t) {
            Ok(s) => {
                let (itrf, _) =
                    orbit::teme_to_itrf(&s.pos_teme_km, &s.vel_teme_km_s, t, &self.scenario.eop);
                (s.pos_teme_km, s.vel_teme_km_s, itrf)
            }
            Err(_) => (
                Vector3::repeat(f64::NAN),
                Vector3::repeat(f64::NAN),
                Vector3::repeat(f64::NAN),
            ),
        }
    }
}

/// Whether an assertion counts app log lines (or waits for the first).
pub(super) fn counts_logs(evaluator: &Evaluator) -> bool {
    evaluator.assertions().iter().any(|a| {
        matches!(&a.metric, crate::assertions::Metric::Count { kind, .. } | crate::assertions::Metric::First { kind, .. } if kind == "log")
    })
}

/// A record with the scenario's node names, to look up `temp_<node>_c`.
struct NodeSample<'a, 'r> {
    rec: &'a TelemetryRecord<'r>,
    names: &'a [String],
}

impl Sample for NodeSample<'_, '_> {
    fn quantity(&self, q: &Quantity) -> f64 {
        match q {
            Quantity::Column(c) => column(self.rec.row, *c),
            Quantity::TempC(node) => self
                .names
                .iter()
                .position(|n| n == node)
                .map_or(f64::NAN, |k| self.rec.temps_c[k]),
        }
    }
}
