//! Running a scenario: the simulation stepped from start to end, the command timeline and the
//! faults applied at step boundaries, telemetry and events handed to a [`Sink`] in time order,
//! the assertions accumulated over every step.
//!
//! A command or fault whose time falls inside a step takes effect at the first step boundary
//! at or after it. Seeded fault rates are Poisson processes drawn from the run seed, one
//! ChaCha stream per fault, so they do not depend on threads or on the other faults.

use std::io;

use hifitime::Epoch;
use nalgebra::Vector3;
use orbit::Propagator;
use sim_core::{Hypervisor, SimError, Simulation, SimulationConfig, StepReport, TelemetryRow};

use crate::assertions::{Column, Counter, Evaluator, Outcome};
use crate::events::{EventRecord, Reorder};
use crate::geometry::GeometryEvents;
use crate::model::Scenario;

mod record;
mod timeline;

use record::Recorder;
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
    next_command: usize,
    faults: Vec<FaultAt>,
    next_fault: usize,
    outages: Vec<(usize, Epoch)>,
    /// Steps simulated.
    steps: u64,
    end: Epoch,
    /// What is kept of the steps' reports.
    rec: Recorder<'s>,
    /// Reports of the last block, not recorded yet ([`Self::advance_overlapped`]).
    pending: Vec<StepReport>,
    /// Events of commands and faults applied while `pending` waits: they go to the records
    /// after the pending steps', as they would have without the overlap.
    held: Option<Vec<EventRecord>>,
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
        let evaluator = Evaluator::new(&scenario.assertions);
        let rec = Recorder {
            scenario,
            wants_logs: scenario.output.log_lines || record::counts_logs(&evaluator),
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
            geometry,
            propagators,
            reorder: Reorder::default(),
            evaluator,
            temps_c: vec![f64::NAN; node_names.len()],
            node_names,
            node_index,
            steps: 0,
            every,
        };
        Ok(Self {
            next_command: 0,
            faults: fault_times(scenario, seed),
            next_fault: 0,
            outages: Vec::new(),
            steps: 0,
            end: scenario.end(),
            seed,
            sim,
            scenario,
            rec,
            pending: Vec::new(),
            held: None,
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
        self.rec.evaluator.outcomes(&self.rec.names)
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
        &self.rec.names
    }

    /// The scenario's thermal node names (the `temp_<node>_c` columns).
    pub fn node_names(&self) -> &[String] {
        &self.rec.node_names
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
        self.record_pending(sink)?;
        let steps = self.apply_due_and_count(max_steps);
        let reports = self.sim.step_apart(steps);
        self.steps += reports.len() as u64;
        let taken = reports.len();
        self.rec.record_block(reports, sink)?;
        Ok(taken)
    }

    /// As [`Self::advance`], but the block's records are made while the next block is
    /// simulated (on the simulation's worker threads, beside the satellites), so the records
    /// of the last block wait until the next call, [`Self::finish`] or [`Self::step`]. The
    /// records and their order are those of [`Self::advance`]: the commands' and faults'
    /// events of the next block are held until the pending steps are recorded.
    pub fn advance_overlapped(
        &mut self,
        max_steps: usize,
        sink: &mut (dyn Sink + Send),
    ) -> Result<usize, RunError> {
        self.held = (!self.pending.is_empty()).then(Vec::new);
        let steps = self.apply_due_and_count(max_steps);
        let pending = std::mem::take(&mut self.pending);
        let rec = &mut self.rec;
        let (reports, recorded) = self
            .sim
            .step_apart_beside(steps, || rec.record_block(pending, sink));
        recorded?;
        for e in self.held.take().unwrap_or_default() {
            self.rec.reorder.push(e);
        }
        self.steps += reports.len() as u64;
        let taken = reports.len();
        self.pending = reports;
        Ok(taken)
    }

    /// Records the steps left by [`Self::advance_overlapped`].
    fn record_pending(&mut self, sink: &mut dyn Sink) -> Result<(), RunError> {
        let pending = std::mem::take(&mut self.pending);
        self.rec.record_block(pending, sink)
    }

    /// Applies the commands and faults due now; returns the steps a block may take from now.
    fn apply_due_and_count(&mut self, max_steps: usize) -> usize {
        let t = self.sim.time();
        self.apply_commands(t);
        self.apply_faults(t);
        self.steps_before_due(t, max_steps)
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
        (4096 / self.rec.names.len().max(1)).clamp(1, 64)
    }

    /// Runs the remaining steps.
    pub fn run_to_end(&mut self, sink: &mut (dyn Sink + Send)) -> Result<(), RunError> {
        let block = self.block_steps();
        while !self.done() {
            self.advance_overlapped(block, sink)?;
        }
        Ok(())
    }

    /// Ends the run: the remaining events, the assertions' outcomes and the totals.
    pub fn finish(mut self, sink: &mut dyn Sink) -> Result<RunResult, RunError> {
        self.record_pending(sink)?;
        let rec = &mut self.rec;
        let (geometry, reorder) = (&mut rec.geometry, &mut rec.reorder);
        geometry.rest(|e| reorder.push(e));
        rec.flush(None, sink)?;
        for (i, sat) in self.sim.satellites().iter().enumerate() {
            let t = &mut rec.totals[i];
            t.final_battery_soc = sat.hardware().power.soc();
            t.images_captured = sat.images_captured();
            rec.evaluator
                .add_total(i, None, Counter::ImagesCaptured, t.images_captured as f64);
            t.computer_energy_wh = sat.computer_energy_j() / 3600.0;
            if !t.min_battery_soc.is_finite() {
                t.min_battery_soc = t.final_battery_soc;
            }
            let obc = sat.computer();
            for id in obc.app_ids() {
                if let Some(st) = obc.app_status(id) {
                    rec.evaluator.add_total(
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
            outcomes: rec.evaluator.outcomes(&rec.names),
            totals: std::mem::take(&mut rec.totals),
        })
    }

    /// An event of a command or fault: to the records, or held while steps wait to be
    /// recorded.
    fn emit(&mut self, e: EventRecord) {
        match &mut self.held {
            Some(held) => held.push(e),
            None => self.rec.reorder.push(e),
        }
    }
}
