//! Running a scenario: the simulation stepped from start to end, the command timeline and the
//! faults applied at step boundaries, telemetry and events handed to a [`Sink`] in time order,
//! the assertions accumulated over every step.
//!
//! A command or fault whose time falls inside a step takes effect at the first step boundary
//! at or after it. Seeded fault rates are Poisson processes drawn from the run seed, one
//! ChaCha stream per fault, so they do not depend on threads or on the other faults.

use std::collections::HashMap;
use std::io;

use hifitime::Epoch;
use nalgebra::Vector3;
use orbit::Propagator;
use sim_core::{Hypervisor, SimError, Simulation, SimulationConfig, StepReport, TelemetryRow};

use crate::assertions::{Column, Counter, Evaluator, Outcome, Quantity, Sample};
use crate::events::{EventRecord, Reorder, log_event, sim_event};
use crate::geometry::GeometryEvents;
use crate::model::Scenario;

mod timeline;

use timeline::{FaultAt, fault_times};

/// Options of a run that are not in the scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replaces the scenario's seed.
    pub seed: Option<u64>,
    /// Worker threads for the satellites (`None`: rayon's global pool, which honours
    /// `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
}

/// Why a run could not go on.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The simulation refused the scenario's setup (a bug in the loader if it happens: the
    /// loader checks what the simulation checks).
    #[error("setting up the simulation failed")]
    Setup(#[source] SimError),
    /// An output could not be written.
    #[error("writing the outputs failed")]
    Output(#[source] io::Error),
}

/// Where a run's records go.
pub trait Sink {
    /// A telemetry row at an output time.
    fn telemetry(&mut self, record: &TelemetryRecord<'_>) -> io::Result<()>;
    /// An event, in time order.
    fn event(&mut self, record: &EventRecord) -> io::Result<()>;
}

/// A sink that keeps nothing (assertions only).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSink;

impl Sink for NoSink {
    fn telemetry(&mut self, _: &TelemetryRecord<'_>) -> io::Result<()> {
        Ok(())
    }
    fn event(&mut self, _: &EventRecord) -> io::Result<()> {
        Ok(())
    }
}

/// One satellite's telemetry at an output time.
#[derive(Debug)]
pub struct TelemetryRecord<'a> {
    /// Satellite index.
    pub satellite: usize,
    /// The simulation's row (step start time, the step's averages and end values).
    pub row: &'a TelemetryRow,
    /// Temperatures of the scenario's thermal nodes ([`Scenario::thermal_node_names`]), °C;
    /// NaN for a node this satellite does not have.
    pub temps_c: &'a [f64],
    /// Position at the row's time, TEME, km.
    pub pos_teme_km: Vector3<f64>,
    /// Velocity, TEME, km/s.
    pub vel_teme_km_s: Vector3<f64>,
    /// Position, ITRF, km.
    pub pos_itrf_km: Vector3<f64>,
}

/// A fixed telemetry column of a row.
pub fn column(row: &TelemetryRow, c: Column) -> f64 {
    match c {
        Column::LatDeg => row.lat_deg,
        Column::LonDeg => row.lon_deg,
        Column::AltKm => row.alt_km,
        Column::Illumination => row.illumination,
        Column::BatterySoc => row.battery_soc,
        Column::ArrayPowerW => row.array_power_w,
        Column::LoadPowerW => row.load_power_w,
        Column::ComputerPowerW => row.computer_power_w,
        Column::BusyFraction => row.busy_fraction,
        Column::AttitudeMode => f64::from(row.attitude_mode),
        Column::AttitudeErrorDeg => row.attitude_error_deg,
        Column::SafeMode => f64::from(u8::from(row.safe_mode)),
        Column::InContact => f64::from(u8::from(!row.station.is_empty())),
        Column::DownlinkRateBps => row.downlink_rate_bps,
        Column::DownlinkQueuedBytes => row.downlink_queued_bytes as f64,
    }
}

/// Totals of one satellite over a run (`summary.json`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SatelliteTotals {
    /// Bytes delivered to the ground.
    pub downlinked_bytes: u64,
    /// Images captured.
    pub images_captured: u64,
    /// Inter-satellite messages delivered to an app.
    pub isl_messages: u64,
    /// Uplinked commands delivered to an app.
    pub commands_delivered: u64,
    /// Image uploads installed.
    pub uploads: u64,
    /// Guest instructions executed.
    pub instructions: u64,
    /// Contacts (geometric, above the mask).
    pub contacts: u64,
    /// App faults.
    pub app_faults: u64,
    /// Safe-mode entries.
    pub safe_mode_entries: u64,
    /// Lowest battery state of charge.
    pub min_battery_soc: f64,
    /// Battery state of charge at the end.
    pub final_battery_soc: f64,
    /// Energy the onboard computer drew, Wh.
    pub computer_energy_wh: f64,
}

/// What a finished run measured.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The seed used.
    pub seed: u64,
    /// Steps taken.
    pub steps: u64,
    /// Simulated time, s.
    pub simulated_s: f64,
    /// Each assertion's outcome, in scenario order.
    pub outcomes: Vec<Outcome>,
    /// Per satellite, in scenario order.
    pub totals: Vec<SatelliteTotals>,
}

impl RunResult {
    /// Whether every assertion holds.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.passed)
    }
}

/// A scenario being run.
pub struct Run<'s> {
    scenario: &'s Scenario,
    sim: Simulation,
    seed: u64,
    names: Vec<String>,
    index_of: HashMap<String, usize>,
    next_command: usize,
    faults: Vec<FaultAt>,
    next_fault: usize,
    outages: Vec<(usize, Epoch)>,
    geometry: GeometryEvents,
    propagators: Vec<Propagator>,
    reorder: Reorder,
    evaluator: Evaluator,
    totals: Vec<SatelliteTotals>,
    node_names: Vec<String>,
    node_index: Vec<Vec<Option<usize>>>,
    temps_c: Vec<f64>,
    steps: u64,
    every: u64,
    end: Epoch,
}

impl std::fmt::Debug for Run<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("scenario", &self.scenario.name)
            .field("time", &self.sim.time())
            .finish_non_exhaustive()
    }
}

impl<'s> Run<'s> {
    /// Builds the simulation of `scenario`: satellites, stations, areas, apps installed.
    pub fn new(
        scenario: &'s Scenario,
        hv: &Hypervisor,
        opts: &RunOptions,
    ) -> Result<Self, RunError> {
        let seed = opts.seed.unwrap_or(scenario.seed);
        let mut config = SimulationConfig::new(scenario.start);
        config.step = scenario.step;
        config.seed = seed;
        config.eop = (*scenario.eop).clone();
        config.texture = scenario.texture.clone();
        config.isl_grazing_altitude_km = scenario.isl_grazing_altitude_km;
        config.threads = opts.threads;
        let mut sim = Simulation::new(hv, config).map_err(RunError::Setup)?;
        let mut propagators = Vec::new();
        for s in &scenario.satellites {
            sim.add_satellite(&s.name, &s.elements, s.hardware.clone())
                .map_err(RunError::Setup)?;
            propagators.push(Propagator::new(&s.elements).map_err(|e| {
                RunError::Setup(SimError::Orbit {
                    satellite: s.name.clone(),
                    source: e,
                })
            })?);
        }
        for st in &scenario.stations {
            sim.add_station(st.clone());
        }
        for a in &scenario.areas {
            sim.add_area(a.clone());
        }
        let names: Vec<String> = scenario.satellites.iter().map(|s| s.name.clone()).collect();
        for app in &scenario.apps {
            for &i in &app.on {
                if app.start {
                    sim.install_app(&names[i], &app.image, app.config.clone())
                        .map_err(RunError::Setup)?;
                } else {
                    let sat = sim.satellite_mut(&names[i]).map_err(RunError::Setup)?;
                    sat.computer_mut()
                        .install(&app.image, app.config.clone())
                        .map_err(|e| {
                            RunError::Setup(SimError::Computer {
                                satellite: names[i].clone(),
                                source: e,
                            })
                        })?;
                }
            }
        }
        let node_names = scenario.thermal_node_names();
        let node_index = scenario
            .satellites
            .iter()
            .map(|s| {
                node_names
                    .iter()
                    .map(|n| s.hardware.thermal.nodes.iter().position(|x| &x.name == n))
                    .collect()
            })
            .collect();
        let every = match scenario.output.telemetry_interval {
            Some(iv) => {
                (iv.total_nanoseconds() / scenario.step.total_nanoseconds().max(1)).max(1) as u64
            }
            None => 1,
        };
        let geometry = GeometryEvents::new(
            propagators.clone(),
            scenario.stations.clone(),
            scenario.eop.clone(),
            scenario.start,
            scenario.end(),
        );
        Ok(Self {
            index_of: names
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, n)| (n, i))
                .collect(),
            totals: vec![
                SatelliteTotals {
                    min_battery_soc: f64::INFINITY,
                    ..SatelliteTotals::default()
                };
                names.len()
            ],
            names,
            next_command: 0,
            faults: fault_times(scenario, seed),
            next_fault: 0,
            outages: Vec::new(),
            geometry,
            propagators,
            reorder: Reorder::default(),
            evaluator: Evaluator::new(&scenario.assertions),
            temps_c: vec![f64::NAN; node_names.len()],
            node_names,
            node_index,
            steps: 0,
            every,
            end: scenario.end(),
            seed,
            sim,
            scenario,
        })
    }

    /// The simulation (for a viewer).
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The simulation, mutably (a viewer's commands: start or stop an app, a command for an
    /// app). What is done through it is not part of the scenario, so a run driven this way is
    /// no longer the scenario's run.
    pub fn simulation_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    /// The assertions' outcomes so far (a viewer shows them while the run goes on).
    pub fn outcomes_so_far(&self) -> Vec<Outcome> {
        self.evaluator.outcomes(&self.names)
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }

    /// The seed in use.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulated time (start of the next step).
    pub fn time(&self) -> Epoch {
        self.sim.time()
    }

    /// Whether the run has reached its end.
    pub fn done(&self) -> bool {
        !orbit::epoch_before(self.sim.time(), self.end)
    }

    /// The satellites' names.
    pub fn satellite_names(&self) -> &[String] {
        &self.names
    }

    /// The scenario's thermal node names (the `temp_<node>_c` columns).
    pub fn node_names(&self) -> &[String] {
        &self.node_names
    }

    /// One step: commands and faults due, the simulation's step, its records.
    pub fn step(&mut self, sink: &mut dyn Sink) -> Result<(), RunError> {
        self.advance(1, sink).map(|_| ())
    }

    /// Up to `max_steps` steps (at least one): the commands and faults due now, then as many
    /// steps as can be taken before the next command, fault or outage end and the run's end,
    /// with the satellites running them apart when nothing crosses between them
    /// ([`Simulation::step_apart`]), then their records in step order. Writes exactly what as
    /// many [`Self::step`]s write. Returns the steps taken.
    pub fn advance(&mut self, max_steps: usize, sink: &mut dyn Sink) -> Result<usize, RunError> {
        let t = self.sim.time();
        self.apply_commands(t);
        self.apply_faults(t);
        let steps = self.steps_before_due(t, max_steps);
        let reports = if steps > 1 {
            self.sim.step_apart(steps)
        } else {
            vec![self.sim.step()]
        };
        let taken = reports.len();
        let mut now = t;
        for report in reports {
            let write_telemetry = self.steps.is_multiple_of(self.every);
            self.steps += 1;
            self.record(&report, write_telemetry, sink)?;
            // everything the simulation can still produce is at or after the step's end
            now += self.scenario.step;
            let (geometry, reorder) = (&mut self.geometry, &mut self.reorder);
            geometry.until(now, |e| reorder.push(e));
            self.flush(Some(now), sink)?;
        }
        Ok(taken)
    }

    /// Steps a block may take from `t` (1 ≤ n ≤ `max_steps`): the steps after the first must
    /// start before the next command, fault and outage end (applied at the start of the step
    /// they fall in) and before the run's end.
    fn steps_before_due(&self, t: Epoch, max_steps: usize) -> usize {
        let command = self.scenario.commands.get(self.next_command).map(|c| c.at);
        let fault = self.faults.get(self.next_fault).map(|f| f.time);
        let outage_end = self.outages.iter().map(|(_, until)| *until).min();
        let due = [command, fault, outage_end]
            .into_iter()
            .flatten()
            .fold(
                self.end,
                |a, b| if orbit::epoch_before(b, a) { b } else { a },
            );
        let mut steps = 1;
        let mut next = t + self.scenario.step;
        while steps < max_steps && orbit::epoch_before(next, due) {
            steps += 1;
            next += self.scenario.step;
        }
        steps
    }

    /// Steps a block takes at most ([`Self::advance`]): ~4,096 satellite-steps, at most 64
    /// steps (the steps' reports are held until the block ends).
    pub fn block_steps(&self) -> usize {
        (4096 / self.names.len().max(1)).clamp(1, 64)
    }

    /// Runs the remaining steps.
    pub fn run_to_end(&mut self, sink: &mut dyn Sink) -> Result<(), RunError> {
        let block = self.block_steps();
        while !self.done() {
            self.advance(block, sink)?;
        }
        Ok(())
    }

    /// Ends the run: the remaining events, the assertions' outcomes and the totals.
    pub fn finish(mut self, sink: &mut dyn Sink) -> Result<RunResult, RunError> {
        let (geometry, reorder) = (&mut self.geometry, &mut self.reorder);
        geometry.rest(|e| reorder.push(e));
        self.flush(None, sink)?;
        for (i, sat) in self.sim.satellites().iter().enumerate() {
            let t = &mut self.totals[i];
            t.final_battery_soc = sat.hardware().power.soc();
            t.images_captured = sat.images_captured();
            self.evaluator
                .add_total(i, None, Counter::ImagesCaptured, t.images_captured as f64);
            t.computer_energy_wh = sat.computer_energy_j() / 3600.0;
            if !t.min_battery_soc.is_finite() {
                t.min_battery_soc = t.final_battery_soc;
            }
            let obc = sat.computer();
            for id in obc.app_ids() {
                if let Some(st) = obc.app_status(id) {
                    self.evaluator.add_total(
                        i,
                        Some(&st.name),
                        Counter::Instructions,
                        st.instructions as f64,
                    );
                }
            }
        }
        Ok(RunResult {
            seed: self.seed,
            steps: self.steps,
            simulated_s: (self.sim.time() - self.scenario.start).to_seconds(),
            outcomes: self.evaluator.outcomes(&self.names),
            totals: self.totals,
        })
    }

    fn emit(&mut self, e: EventRecord) {
        self.reorder.push(e);
    }

    fn flush(&mut self, before: Option<Epoch>, sink: &mut dyn Sink) -> Result<(), RunError> {
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
            let i = if self.names.get(next) == Some(&row.satellite) {
                next
            } else {
                match self.index_of.get(&row.satellite) {
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
                self.emit(r);
            }
        }
        if self.scenario.output.log_lines || self.evaluator_counts_logs() {
            for (sat, l) in &report.logs {
                if let Some(&i) = self.index_of.get(sat) {
                    self.emit(log_event(i, l));
                }
            }
        }
        Ok(())
    }

    fn evaluator_counts_logs(&self) -> bool {
        self.evaluator.assertions().iter().any(|a| {
            matches!(&a.metric, crate::assertions::Metric::Count { kind, .. } | crate::assertions::Metric::First { kind, .. } if kind == "log")
        })
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
