//! The simulation: satellites (SGP4 orbit + hardware models + onboard computer running apps),
//! ground stations and areas of interest, on a fixed-step clock.
//!
//! Each [`Simulation::step`] runs every satellite's own step in parallel (rayon; see
//! [`super::satellite`]) and then, at the step boundary and in satellite order, everything
//! that connects satellites (`isl_exchange.rs`). Results are merged in satellite order, so the
//! output is the same at any thread count.

use std::collections::BTreeSet;
use std::sync::Arc;

use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hifitime::{Duration, Epoch};
use orbit::{
    EarthOrientation, EarthRotation, ElementSet, Propagator, Station, StationFrame,
    sun_position_teme_km,
};
use rayon::prelude::*;

use super::area::Area;
use super::error::SimError;
use super::report::{SimEvent, SimEventKind, StepReport};
use super::satellite::{Satellite, SatelliteSetup};
use super::satellite_step::{LocalStep, StepEnv};
use super::transfer::{InFlight, Transfer, TransferKind};
use crate::computer::config::AppConfig;
use crate::hypervisor::engine::Hypervisor;
use crate::hypervisor::image::AppImage;

/// Configuration of a simulation.
#[derive(Clone)]
pub struct SimulationConfig {
    /// Start time (UTC).
    pub start: Epoch,
    /// Fixed step.
    pub step: Duration,
    /// Run seed: every satellite's and app's random stream derives from it.
    pub seed: u64,
    /// Earth orientation (UT1 − UTC, polar motion); default UT1 = UTC.
    pub eop: EarthOrientation,
    /// Earth texture for the cameras (`None`: satellites have no camera).
    pub texture: Option<Arc<EarthTexture>>,
    /// Grazing altitude for inter-satellite line of sight, km.
    pub isl_grazing_altitude_km: f64,
    /// Worker threads for the satellites (`None`: rayon's global pool).
    pub threads: Option<usize>,
}

impl std::fmt::Debug for SimulationConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulationConfig")
            .field("start", &self.start)
            .field("step", &self.step)
            .field("seed", &self.seed)
            .field("texture", &self.texture.is_some())
            .finish_non_exhaustive()
    }
}

impl SimulationConfig {
    /// A 1 s step from `start`, seed 0, no camera texture.
    pub fn new(start: Epoch) -> Self {
        Self {
            start,
            step: Duration::from_seconds(1.0),
            seed: 0,
            eop: EarthOrientation::default(),
            texture: None,
            isl_grazing_altitude_km: orbit::DEFAULT_GRAZING_ALTITUDE_KM,
            threads: None,
        }
    }
}

/// A simulation of satellites running apps.
pub struct Simulation {
    pub(super) hv: Hypervisor,
    pub(super) config: SimulationConfig,
    pub(super) eop: Arc<EarthOrientation>,
    pub(super) time: Epoch,
    pub(super) satellites: Vec<Satellite>,
    pub(super) stations: Vec<Station>,
    /// Each station's ITRF position and east-north-up axes, computed once.
    pub(super) station_frames: Vec<StationFrame>,
    /// Whether each station is in service.
    pub(super) station_available: Vec<bool>,
    pub(super) areas: Vec<Area>,
    pub(super) in_flight: Vec<InFlight>,
    pub(super) seq: u64,
    pub(super) pool: Option<Arc<rayon::ThreadPool>>,
    /// Satellites were added since the computers last got the peer names: they get one
    /// shared set before the next step (not a copy per satellite at every addition, which
    /// made adding N satellites cost O(N²) names).
    pub(super) peers_stale: bool,
    /// (sender, receiver) satellite indices whose inter-satellite link carried data at the
    /// last step boundary, in satellite order.
    pub(super) isl_links: Vec<(usize, usize)>,
    /// Scratch of the ISL exchange, kept between steps: whose terminal carried data.
    pub(super) isl_active: Vec<bool>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("time", &self.time)
            .field(
                "satellites",
                &self.satellites.iter().map(|s| &*s.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// An empty simulation at `config.start`.
    pub fn new(hv: &Hypervisor, config: SimulationConfig) -> Result<Self, SimError> {
        if config.step <= Duration::ZERO {
            return Err(SimError::BadStep);
        }
        let pool = match config.threads {
            Some(n) => Some(Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .stack_size(8 << 20)
                    .build()
                    .map_err(|source| SimError::Threads { source })?,
            )),
            None => None,
        };
        Ok(Self {
            hv: hv.clone(),
            eop: Arc::new(config.eop.clone()),
            time: config.start,
            config,
            satellites: Vec::new(),
            stations: Vec::new(),
            station_frames: Vec::new(),
            station_available: Vec::new(),
            areas: Vec::new(),
            in_flight: Vec::new(),
            seq: 0,
            pool,
            peers_stale: false,
            isl_links: Vec::new(),
            isl_active: Vec::new(),
        })
    }

    /// The current time (start of the next step).
    pub fn time(&self) -> Epoch {
        self.time
    }

    /// The step.
    pub fn step_size(&self) -> Duration {
        self.config.step
    }

    /// Adds a satellite flying `elements` with the hardware of `template`.
    pub fn add_satellite(
        &mut self,
        name: &str,
        elements: &ElementSet,
        template: HardwareTemplate,
    ) -> Result<usize, SimError> {
        if self.satellites.iter().any(|s| *s.name == *name) {
            return Err(SimError::DuplicateSatellite {
                name: name.to_string(),
            });
        }
        let prop = Propagator::new(elements).map_err(|source| SimError::Orbit {
            satellite: name.to_string(),
            source,
        })?;
        let setup = SatelliteSetup {
            hv: &self.hv,
            seed: self.config.seed,
            start: self.time,
            texture: self.config.texture.clone(),
            eop: self.eop.clone(),
            // the last satellite of the same body: a constellation shares one copy
            like: self
                .satellites
                .iter()
                .rev()
                .map(|s| &s.hw)
                .find(|hw| hw.same_body(&template)),
        };
        let sat = Satellite::new(name, prop, template, setup)?;
        self.satellites.push(sat);
        self.peers_stale = true;
        Ok(self.satellites.len() - 1)
    }

    /// The inter-satellite links that carried data at the last step boundary: (sender,
    /// receiver) satellite indices, each pair once, in satellite order (a viewer draws them).
    pub fn isl_links(&self) -> &[(usize, usize)] {
        &self.isl_links
    }

    /// Adds a ground station.
    pub fn add_station(&mut self, station: Station) {
        self.station_frames
            .push(StationFrame::new(&station.location));
        self.stations.push(station);
        self.station_available.push(true);
    }

    /// Takes ground station `index` out of service (an outage: no links through it) or puts
    /// it back. Out-of-range indices are ignored.
    pub fn set_station_available(&mut self, index: usize, available: bool) {
        if let Some(a) = self.station_available.get_mut(index) {
            *a = available;
        }
    }

    /// Adds an area of interest.
    pub fn add_area(&mut self, area: Area) {
        self.areas.push(area);
    }

    /// The satellites, in the order they were added.
    pub fn satellites(&self) -> &[Satellite] {
        &self.satellites
    }

    /// A satellite by name.
    pub fn satellite_mut(&mut self, name: &str) -> Result<&mut Satellite, SimError> {
        self.satellites
            .iter_mut()
            .find(|s| *s.name == *name)
            .ok_or_else(|| SimError::NoSuchSatellite {
                name: name.to_string(),
            })
    }

    pub(super) fn index(&self, name: &str) -> Result<usize, SimError> {
        self.satellites
            .iter()
            .position(|s| *s.name == *name)
            .ok_or_else(|| SimError::NoSuchSatellite {
                name: name.to_string(),
            })
    }

    /// Installs and starts an app on a satellite at once (loaded before launch).
    pub fn install_app(
        &mut self,
        satellite: &str,
        image: &AppImage,
        config: AppConfig,
    ) -> Result<(), SimError> {
        let sat = self.satellite_mut(satellite)?;
        let err = |source| SimError::Computer {
            satellite: satellite.to_string(),
            source,
        };
        let id = sat.computer.install(image, config).map_err(err)?;
        sat.computer.start(id).map_err(err)
    }

    /// Uploads an image over the uplink: it is installed and started (or, with `update`,
    /// replaces the app's image) once all its bytes have gone up, over as many contacts as the
    /// link budget needs.
    pub fn upload_app(
        &mut self,
        satellite: &str,
        image: &AppImage,
        config: AppConfig,
        update: bool,
    ) -> Result<(), SimError> {
        let sat = self.satellite_mut(satellite)?;
        let bytes = image.size_bytes() as u64;
        sat.uplink.push_back(Transfer {
            bytes_left: bytes,
            total_bytes: bytes,
            kind: TransferKind::Upload {
                image: image.clone(),
                config,
                update,
            },
        });
        Ok(())
    }

    /// Sends a command to an app over the uplink (delivered during a contact).
    pub fn uplink_command(
        &mut self,
        satellite: &str,
        app: &str,
        data: &[u8],
    ) -> Result<(), SimError> {
        let sat = self.satellite_mut(satellite)?;
        let bytes = data.len().max(1) as u64;
        sat.uplink.push_back(Transfer {
            bytes_left: bytes,
            total_bytes: bytes,
            kind: TransferKind::Command {
                app: app.to_string(),
                data: data.to_vec(),
            },
        });
        Ok(())
    }

    /// Moves an app from one satellite to another over the inter-satellite link: it leaves now
    /// (a reactor with its memory, a command app with its files) and is installed on arrival,
    /// after the link time of its image, files and memory.
    pub fn migrate_app(&mut self, from: &str, app: &str, to: &str) -> Result<(), SimError> {
        let (i, j) = (self.index(from)?, self.index(to)?);
        let sat = &mut self.satellites[i];
        let id = sat
            .computer
            .app_id(app)
            .ok_or_else(|| SimError::NoSuchApp {
                satellite: from.to_string(),
                app: app.to_string(),
            })?;
        let package = sat
            .computer
            .migrate_out(id)
            .map_err(|source| SimError::Computer {
                satellite: from.to_string(),
                source,
            })?;
        let bytes = package.transfer_bytes();
        sat.isl_tx.push_back(Transfer {
            bytes_left: bytes,
            total_bytes: bytes,
            kind: TransferKind::Migration {
                to: j,
                package: Box::new(package),
            },
        });
        Ok(())
    }

    /// Advances the simulation by one step: every satellite's own step (in parallel), their
    /// results merged in satellite order, then the exchanges between satellites at the step
    /// boundary.
    pub fn step(&mut self) -> StepReport {
        self.share_peers();
        let t = self.time;
        let (envs, pool, sats) = self.envs_and_satellites(&[t]);
        let locals = on_workers(pool, sats, |s| s.step_local(&envs[0]));
        self.close_step(locals)
    }

    /// Ends the step starting at `self.time`: the satellites' own steps (`locals`, in
    /// satellite order) merged into its report, then the exchanges between satellites at the
    /// boundary; the clock moves to the boundary.
    fn close_step(&mut self, locals: impl IntoIterator<Item = LocalStep>) -> StepReport {
        let t_end = self.time + self.config.step;
        let mut report = StepReport::starting(self.time, self.satellites.len());
        for (sat, local) in self.satellites.iter().zip(locals) {
            merge_local_step(&mut report, sat.name(), local, t_end);
        }
        self.exchange_isl(t_end, &mut report);
        self.time = t_end;
        report
    }

    /// The shared environments of steps starting at `times` (the Sun, the Earth's rotation,
    /// the ground segment), the worker pool and the satellites, borrowed apart so that workers
    /// can step the satellites while reading the rest.
    fn envs_and_satellites(
        &mut self,
        times: &[Epoch],
    ) -> (
        Vec<StepEnv<'_>>,
        Option<&rayon::ThreadPool>,
        &mut [Satellite],
    ) {
        let envs = times
            .iter()
            .map(|&t| {
                let sun = sun_position_teme_km(t);
                let earth = EarthRotation::at(t, &self.eop);
                let sun_itrf = earth.itrf_position_from_teme(&sun);
                StepEnv {
                    t,
                    dt: self.config.step,
                    sun_pos_eci_km: sun,
                    sun_lon_rad: sun_itrf.y.atan2(sun_itrf.x),
                    earth,
                    stations: &self.stations,
                    station_frames: &self.station_frames,
                    station_available: &self.station_available,
                    areas: &self.areas,
                    eop: &self.eop,
                }
            })
            .collect();
        (envs, self.pool.as_deref(), &mut self.satellites)
    }

    /// Gives every computer the names of the satellites it can address over ISL (all of
    /// them), as one shared set, when satellites were added since the last time.
    fn share_peers(&mut self) {
        if !self.peers_stale {
            return;
        }
        let names: Arc<BTreeSet<String>> =
            Arc::new(self.satellites.iter().map(|s| s.name.to_string()).collect());
        for s in &self.satellites {
            s.computer.share_peers(names.clone());
        }
        self.peers_stale = false;
    }

    /// Whether the satellites can run several steps each on their own
    /// ([`Self::step_apart`]): nothing is in flight between them, and no satellite has
    /// anything queued for the ISL, its ISL terminal on, or an app (installed or being
    /// uploaded) that can send over it. Then the exchanges at the step boundaries have nothing
    /// to do until a command changes that.
    pub fn can_step_apart(&self) -> bool {
        self.in_flight.is_empty() && self.satellites.iter().all(Satellite::keeps_to_itself)
    }

    /// Advances by `steps` steps (at least one) and returns their reports. When
    /// [`Self::can_step_apart`], each satellite runs all of them at once on a worker thread
    /// (its state stays in that core's cache, and the workers meet once, not at every step);
    /// otherwise the steps are taken one by one. Either way the reports, and the state after
    /// them, are those of as many [`Self::step`]s: the boundaries' exchanges still run, in
    /// order, and find nothing to do.
    pub fn step_apart(&mut self, steps: usize) -> Vec<StepReport> {
        if steps <= 1 || !self.can_step_apart() {
            return (0..steps.max(1)).map(|_| self.step()).collect();
        }
        self.share_peers();
        let mut times = Vec::with_capacity(steps);
        let mut t = self.time;
        for _ in 0..steps {
            times.push(t);
            t += self.config.step;
        }
        let (envs, pool, sats) = self.envs_and_satellites(&times);
        let per_satellite = on_workers(pool, sats, |s| {
            envs.iter().map(|env| s.step_local(env)).collect::<Vec<_>>()
        });
        let mut locals: Vec<_> = per_satellite.into_iter().map(Vec::into_iter).collect();
        (0..steps)
            .map(|_| {
                let report =
                    self.close_step(locals.iter_mut().map(|l| l.next().unwrap_or_default()));
                debug_assert!(self.in_flight.is_empty() && self.isl_links.is_empty());
                report
            })
            .collect()
    }

    /// [`Self::step_apart`] with `beside` running at the same time on the simulation's worker
    /// threads (a worker free of satellites takes it; on one thread, or with one satellite,
    /// it runs first). `beside`
    /// must not depend on the simulation: it is typically the records of the previous block.
    pub fn step_apart_beside<R: Send>(
        &mut self,
        steps: usize,
        beside: impl FnOnce() -> R + Send,
    ) -> (Vec<StepReport>, R) {
        let one_thread = one_worker(self.pool.as_deref());
        // One satellite: its steps and `beside` would be the only two pieces of work, and
        // handing them to two threads costs more than it saves (the satellite's state and the
        // reports cross between cores at every block).
        if one_thread || self.satellites.len() < 2 {
            let r = beside();
            return (self.step_apart(steps), r);
        }
        match self.pool.clone() {
            Some(pool) => pool.install(|| rayon::join(|| self.step_apart(steps), beside)),
            None => rayon::join(|| self.step_apart(steps), beside),
        }
    }

    /// Runs until `end` (whole steps); returns the reports.
    pub fn run_until(&mut self, end: Epoch) -> Vec<StepReport> {
        let mut out = Vec::new();
        while self.time < end {
            out.push(self.step());
        }
        out
    }
}

/// Whether the pool (rayon's global pool without one) has a single worker thread.
fn one_worker(pool: Option<&rayon::ThreadPool>) -> bool {
    pool.map_or_else(rayon::current_num_threads, |p| p.current_num_threads()) == 1
}

/// `work` on every satellite, on the pool's worker threads (rayon's global pool without
/// one), or on this thread when there is one worker or one satellite (not waking a pool for
/// nothing); the results in satellite order.
fn on_workers<R: Send>(
    pool: Option<&rayon::ThreadPool>,
    sats: &mut [Satellite],
    work: impl Fn(&mut Satellite) -> R + Sync + Send,
) -> Vec<R> {
    if one_worker(pool) || sats.len() <= 1 {
        return sats.iter_mut().map(work).collect();
    }
    // pieces of at most an eighth of the satellites, so a worker that comes late (or from
    // other work) still finds some
    let piece = sats.len().div_ceil(8).max(1);
    let mut par = || {
        sats.par_iter_mut()
            .with_max_len(piece)
            .map(&work)
            .collect::<Vec<_>>()
    };
    match pool {
        Some(pool) => pool.install(par),
        None => par(),
    }
}

/// Adds satellite `satellite`'s own step to the report: its telemetry, then its events (its
/// own, its computer's, and the downlink deliveries at `t_end`) in time order, its app log
/// lines and its delivered messages.
fn merge_local_step(report: &mut StepReport, satellite: &str, local: LocalStep, t_end: Epoch) {
    report.telemetry.extend(local.telemetry);
    let mut events = local.events;
    events.extend(local.computer_events.into_iter().map(|e| SimEvent {
        time: e.time(),
        satellite: satellite.to_string(),
        kind: SimEventKind::Computer(e),
    }));
    report
        .logs
        .extend(local.logs.into_iter().map(|l| (satellite.to_string(), l)));
    for m in local.delivered {
        events.push(SimEvent {
            time: t_end,
            satellite: satellite.to_string(),
            kind: SimEventKind::Downlinked {
                app: m.app.clone(),
                id: m.id,
                bytes: m.data.len() as u64,
            },
        });
        report.delivered.push((satellite.to_string(), m));
    }
    // Stable: equal times keep the order they were produced in.
    events.sort_by_key(|e| e.time);
    report.events.extend(events);
}
