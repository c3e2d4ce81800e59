//! The simulation: satellites (SGP4 orbit + hardware models + onboard computer running apps),
//! ground stations and areas of interest, on a fixed-step clock.
//!
//! Each [`Simulation::step`] runs every satellite's own step in parallel (rayon; see
//! [`satellite`]) and then, at the step boundary and in satellite order, everything that
//! connects satellites: inter-satellite messages and migrations move over the ISL at the
//! link-budget rate while the two satellites see each other, and arrive after the light-time
//! delay. Results are merged in satellite order, so the output is the same at any thread
//! count.

mod area;
mod camera;
pub mod satellite;

use std::sync::Arc;

use hardware_models::link::{LinkGeometry, light_time};
use hardware_models::satellite::Antenna;
use hardware_models::template::HardwareTemplate;
use hardware_models::texture::EarthTexture;
use hifitime::{Duration, Epoch};
use orbit::{
    EarthOrientation, ElementSet, Propagator, Station, StationFrame, line_of_sight,
    sun_position_teme_km,
};
use rayon::prelude::*;

pub use area::{Area, AreaShape};
pub use satellite::{Satellite, computer_spec, nadir_attitude};

use crate::bus::{DeliveredMessage, IslMessage};
use crate::computer::{AppConfig, AppPackage, ComputerEvent, LogLine};
use crate::hypervisor::{AppImage, Hypervisor};
use satellite::StepEnv;

/// Errors of building or commanding a simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The elements do not initialise SGP4.
    #[error("satellite {satellite}: {message}")]
    Orbit {
        /// Satellite.
        satellite: String,
        /// The propagator's message.
        message: String,
    },
    /// The hardware template is inconsistent.
    #[error("satellite {satellite}: hardware: {message}")]
    Hardware {
        /// Satellite.
        satellite: String,
        /// The models' message.
        message: String,
    },
    /// Two satellites with one name.
    #[error("a satellite named {name:?} already exists")]
    DuplicateSatellite {
        /// The name.
        name: String,
    },
    /// No such satellite.
    #[error("no satellite named {name:?}")]
    NoSuchSatellite {
        /// The name.
        name: String,
    },
    /// A lifecycle command failed.
    #[error("satellite {satellite}: {message}")]
    Computer {
        /// Satellite.
        satellite: String,
        /// What the computer said.
        message: String,
    },
    /// The step must be positive.
    #[error("the step must be positive")]
    BadStep,
}

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

/// One row of per-satellite telemetry per step.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryRow {
    /// Step start.
    pub time: Epoch,
    /// Satellite.
    pub satellite: String,
    /// Geodetic latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees.
    pub lon_deg: f64,
    /// Altitude, km.
    pub alt_km: f64,
    /// Illumination 0..1.
    pub illumination: f64,
    /// Battery state of charge at the end of the step.
    pub battery_soc: f64,
    /// Solar array power drawn, average over the step, W.
    pub array_power_w: f64,
    /// Power delivered to the loads, average, W.
    pub load_power_w: f64,
    /// Onboard computer power, average, W.
    pub computer_power_w: f64,
    /// Onboard computer's thermal node at the end of the step, °C.
    pub computer_temp_c: f64,
    /// CPU busy fraction.
    pub busy_fraction: f64,
    /// Instructions executed.
    pub instructions: u64,
    /// Attitude mode (ABI number).
    pub attitude_mode: u32,
    /// Attitude error at the end of the step, degrees.
    pub attitude_error_deg: f64,
    /// Safe mode.
    pub safe_mode: bool,
    /// Station in contact ("" when none).
    pub station: String,
    /// Downlink rate, bit/s.
    pub downlink_rate_bps: f64,
    /// Downlink capacity of the step, bytes.
    pub downlink_bytes: u64,
    /// Bytes waiting in the downlink queue after the step.
    pub downlink_queued_bytes: u64,
}

impl TelemetryRow {
    /// CSV header matching [`TelemetryRow::csv`].
    pub const CSV_HEADER: &'static str = "time,satellite,lat_deg,lon_deg,alt_km,illumination,battery_soc,array_power_w,load_power_w,computer_power_w,computer_temp_c,busy_fraction,instructions,attitude_mode,attitude_error_deg,safe_mode,station,downlink_rate_bps,downlink_bytes,downlink_queued_bytes";

    /// One CSV line (no newline).
    pub fn csv(&self) -> String {
        format!(
            "{},{},{:.6},{:.6},{:.3},{:.4},{:.6},{:.3},{:.3},{:.3},{:.2},{:.6},{},{},{:.4},{},{},{:.0},{},{}",
            orbit::format_utc(self.time),
            self.satellite,
            self.lat_deg,
            self.lon_deg,
            self.alt_km,
            self.illumination,
            self.battery_soc,
            self.array_power_w,
            self.load_power_w,
            self.computer_power_w,
            self.computer_temp_c,
            self.busy_fraction,
            self.instructions,
            self.attitude_mode,
            self.attitude_error_deg,
            self.safe_mode,
            self.station,
            self.downlink_rate_bps,
            self.downlink_bytes,
            self.downlink_queued_bytes
        )
    }
}

/// Something that happened in the simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimEvent {
    /// When.
    pub time: Epoch,
    /// Satellite.
    pub satellite: String,
    /// What.
    pub kind: SimEventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEventKind {
    /// An event of the onboard computer (apps).
    Computer(ComputerEvent),
    /// A ground contact began.
    ContactStart {
        /// Station.
        station: String,
    },
    /// A ground contact ended.
    ContactEnd {
        /// Station.
        station: String,
    },
    /// A hardware model reported something (power, thermal, computer).
    Hardware {
        /// Description.
        what: String,
    },
    /// An uplinked command arrived (`delivered`: an app of that name exists).
    CommandDelivered {
        /// App.
        app: String,
        /// Size.
        bytes: u64,
        /// Whether it reached an app.
        delivered: bool,
    },
    /// An uploaded image arrived and was installed (and started) or updated.
    UploadComplete {
        /// App.
        app: String,
        /// Image size.
        bytes: u64,
        /// Install or update result.
        result: Result<(), String>,
    },
    /// A downlink message reached the ground.
    Downlinked {
        /// App.
        app: String,
        /// The app's message id.
        id: i64,
        /// Size.
        bytes: u64,
    },
    /// An inter-satellite message arrived (`delivered`: an app took it).
    IslDelivered {
        /// Sender, `SATELLITE/APP`.
        from: String,
        /// Size.
        bytes: u64,
        /// Whether an app received it.
        delivered: bool,
    },
    /// A migrating app arrived.
    MigrationComplete {
        /// App.
        app: String,
        /// Bytes transferred.
        bytes: u64,
        /// Install result.
        result: Result<(), String>,
    },
    /// The satellite can no longer be propagated (decay); it stops.
    Lost {
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for SimEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            SimEventKind::Computer(e) => write!(f, "{} {}", self.satellite, e),
            other => write!(
                f,
                "{} {} {:?}",
                orbit::format_utc(self.time),
                self.satellite,
                other
            ),
        }
    }
}

/// What is moving over a link.
#[derive(Debug, Clone)]
pub(crate) enum TransferKind {
    Command {
        app: String,
        data: Vec<u8>,
    },
    Upload {
        image: AppImage,
        config: AppConfig,
        update: bool,
    },
    Isl(IslMessage),
    Migration {
        to: usize,
        package: Box<AppPackage>,
    },
}

/// A transfer in a link queue.
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub bytes_left: u64,
    pub total_bytes: u64,
    pub kind: TransferKind,
}

/// A transfer that left its sender and arrives after the light time.
#[derive(Debug)]
struct InFlight {
    arrive: Epoch,
    seq: u64,
    to: usize,
    bytes: u64,
    kind: TransferKind,
}

/// What one step produced, in satellite order.
#[derive(Debug, Default)]
pub struct StepReport {
    /// Step start.
    pub time: Option<Epoch>,
    /// One row per satellite.
    pub telemetry: Vec<TelemetryRow>,
    /// Events (simulation and onboard computers), in satellite order, each satellite's in time
    /// order; inter-satellite arrivals last.
    pub events: Vec<SimEvent>,
    /// App log lines: (satellite, line).
    pub logs: Vec<(String, LogLine)>,
    /// Downlink messages that reached the ground: (satellite, message).
    pub delivered: Vec<(String, DeliveredMessage)>,
}

/// A simulation of satellites running apps.
pub struct Simulation {
    hv: Hypervisor,
    config: SimulationConfig,
    eop: Arc<EarthOrientation>,
    time: Epoch,
    satellites: Vec<Satellite>,
    stations: Vec<Station>,
    /// Each station's ITRF position and east-north-up axes, computed once.
    station_frames: Vec<StationFrame>,
    areas: Vec<Area>,
    in_flight: Vec<InFlight>,
    seq: u64,
    pool: Option<rayon::ThreadPool>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("time", &self.time)
            .field(
                "satellites",
                &self.satellites.iter().map(|s| &s.name).collect::<Vec<_>>(),
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
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .stack_size(8 << 20)
                    .build()
                    .map_err(|e| SimError::Computer {
                        satellite: String::new(),
                        message: e.to_string(),
                    })?,
            ),
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
            areas: Vec::new(),
            in_flight: Vec::new(),
            seq: 0,
            pool,
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
        if self.satellites.iter().any(|s| s.name == name) {
            return Err(SimError::DuplicateSatellite {
                name: name.to_string(),
            });
        }
        let prop = Propagator::new(elements).map_err(|e| SimError::Orbit {
            satellite: name.to_string(),
            message: e.to_string(),
        })?;
        let sat = Satellite::new(
            name,
            prop,
            template,
            self.config.texture.clone(),
            &self.hv,
            self.config.seed,
            self.time,
            self.eop.clone(),
        )?;
        self.satellites.push(sat);
        let names: Vec<String> = self.satellites.iter().map(|s| s.name.clone()).collect();
        for s in &self.satellites {
            s.computer.set_peers(names.iter().cloned());
        }
        Ok(self.satellites.len() - 1)
    }

    /// Adds a ground station.
    pub fn add_station(&mut self, station: Station) {
        self.station_frames
            .push(StationFrame::new(&station.location));
        self.stations.push(station);
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
            .find(|s| s.name == name)
            .ok_or_else(|| SimError::NoSuchSatellite {
                name: name.to_string(),
            })
    }

    fn index(&self, name: &str) -> Result<usize, SimError> {
        self.satellites
            .iter()
            .position(|s| s.name == name)
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
        let err = |e: crate::computer::ComputerError| SimError::Computer {
            satellite: satellite.to_string(),
            message: e.to_string(),
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
        let err = |e: crate::computer::ComputerError| SimError::Computer {
            satellite: from.to_string(),
            message: e.to_string(),
        };
        let id = sat.computer.app_id(app).ok_or_else(|| SimError::Computer {
            satellite: from.to_string(),
            message: format!("no app {app:?}"),
        })?;
        let package = sat.computer.migrate_out(id).map_err(err)?;
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

    /// Advances the simulation by one step.
    pub fn step(&mut self) -> StepReport {
        let t = self.time;
        let dt = self.config.step;
        let sun = sun_position_teme_km(t);
        let (sun_itrf, _) = orbit::teme_to_itrf(&sun, &nalgebra::Vector3::zeros(), t, &self.eop);
        let env = StepEnv {
            t,
            dt,
            sun_pos_eci_km: sun,
            sun_lon_rad: sun_itrf.y.atan2(sun_itrf.x),
            stations: &self.stations,
            station_frames: &self.station_frames,
            areas: &self.areas,
            eop: &self.eop,
        };
        let sats = &mut self.satellites;
        let locals = match &self.pool {
            Some(pool) => pool.install(|| {
                sats.par_iter_mut()
                    .map(|s| s.step_local(&env))
                    .collect::<Vec<_>>()
            }),
            None => sats
                .par_iter_mut()
                .map(|s| s.step_local(&env))
                .collect::<Vec<_>>(),
        };

        let mut report = StepReport {
            time: Some(t),
            ..StepReport::default()
        };
        for (sat, local) in self.satellites.iter().zip(locals) {
            report.telemetry.extend(local.telemetry);
            let mut events = local.events;
            if let Some(r) = local.report {
                events.extend(r.events.into_iter().map(|e| SimEvent {
                    time: e.time(),
                    satellite: sat.name.clone(),
                    kind: SimEventKind::Computer(e),
                }));
                report
                    .logs
                    .extend(r.logs.into_iter().map(|l| (sat.name.clone(), l)));
            }
            for m in local.delivered {
                events.push(SimEvent {
                    time: t + dt,
                    satellite: sat.name.clone(),
                    kind: SimEventKind::Downlinked {
                        app: m.app.clone(),
                        id: m.id,
                        bytes: m.data.len() as u64,
                    },
                });
                report.delivered.push((sat.name.clone(), m));
            }
            // Stable: equal times keep the order they were produced in.
            events.sort_by_key(|e| e.time);
            report.events.extend(events);
        }
        self.exchange_isl(t + dt, &mut report);
        self.time = t + dt;
        report
    }

    /// Runs until `end` (whole steps); returns the reports.
    pub fn run_until(&mut self, end: Epoch) -> Vec<StepReport> {
        let mut out = Vec::new();
        while self.time < end {
            out.push(self.step());
        }
        out
    }

    /// At the step boundary `t_end`: ISL transfers progress while sender and receiver see each
    /// other, completed ones fly for the light time, arrivals are delivered. All in satellite
    /// order, then arrival order.
    fn exchange_isl(&mut self, t_end: Epoch, report: &mut StepReport) {
        let dt_s = self.config.step.to_seconds();
        let names: Vec<String> = self.satellites.iter().map(|s| s.name.clone()).collect();
        let mut active = vec![false; self.satellites.len()];
        for i in 0..self.satellites.len() {
            let mut budget: Option<u64> = None;
            while let Some(front) = self.satellites[i].isl_tx.front() {
                let to = match &front.kind {
                    TransferKind::Isl(m) => names.iter().position(|n| *n == m.to_satellite),
                    TransferKind::Migration { to, .. } => Some(*to),
                    _ => None,
                };
                let Some(j) = to.filter(|&j| !self.satellites[j].lost && !self.satellites[i].lost)
                else {
                    self.satellites[i].isl_tx.pop_front();
                    continue;
                };
                let (pa, pb) = (self.satellites[i].pos_eci_km, self.satellites[j].pos_eci_km);
                let terminals = {
                    let (a, b) = (&self.satellites[i], &self.satellites[j]);
                    a.load_available(a.isl_load) && b.load_available(b.isl_load)
                };
                if i != j
                    && (!terminals || !line_of_sight(&pa, &pb, self.config.isl_grazing_altitude_km))
                {
                    break;
                }
                let range_km = (pb - pa).norm();
                let bytes = *budget.get_or_insert_with(|| {
                    if i == j {
                        return u64::MAX;
                    }
                    let (a, b) = (&self.satellites[i].hw, &self.satellites[j].hw);
                    // A part of either spacecraft in the line of sight: no link.
                    if a.antenna_line_of_sight_blocked(Antenna::InterSatellite, &(pb - pa))
                        || b.antenna_line_of_sight_blocked(Antenna::InterSatellite, &(pa - pb))
                    {
                        return 0;
                    }
                    let tx = a.antenna_off_boresight_rad(Antenna::InterSatellite, &(pb - pa));
                    let rx = b.antenna_off_boresight_rad(Antenna::InterSatellite, &(pa - pb));
                    let rate = a
                        .isl
                        .evaluate(&LinkGeometry {
                            range_km,
                            elevation_rad: None,
                            tx_off_boresight_rad: tx,
                            rx_off_boresight_rad: rx,
                        })
                        .rate_bps
                        .max(0.0);
                    (rate * dt_s / 8.0).floor() as u64
                });
                let Some(front) = self.satellites[i].isl_tx.front_mut() else {
                    break;
                };
                let n = front.bytes_left.min(bytes);
                if n > 0 && i != j {
                    active[i] = true;
                    active[j] = true;
                }
                front.bytes_left -= n;
                budget = Some(bytes - n);
                if front.bytes_left > 0 {
                    break;
                }
                let Some(done) = self.satellites[i].isl_tx.pop_front() else {
                    break;
                };
                self.seq += 1;
                self.in_flight.push(InFlight {
                    arrive: t_end + light_time(range_km),
                    seq: self.seq,
                    to: j,
                    bytes: done.total_bytes,
                    kind: done.kind,
                });
            }
        }
        // ISL terminals that carried data draw their power in the next step.
        for (sat, on) in self.satellites.iter_mut().zip(active) {
            let id = sat.isl_load;
            sat.switch_load(id, on, "on");
        }
        // Deliver what has arrived by the end of this step (the next step's start).
        self.in_flight.sort_by(|a, b| {
            (a.arrive, a.seq)
                .partial_cmp(&(b.arrive, b.seq))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let horizon = t_end + self.config.step;
        let (now, later): (Vec<InFlight>, Vec<InFlight>) = std::mem::take(&mut self.in_flight)
            .into_iter()
            .partition(|f| f.arrive < horizon);
        self.in_flight = later;
        for f in now {
            let sat = &mut self.satellites[f.to];
            let kind = match f.kind {
                TransferKind::Isl(msg) => {
                    let from = msg.from.clone();
                    let delivered = sat.computer.deliver_isl(msg);
                    SimEventKind::IslDelivered {
                        from,
                        bytes: f.bytes,
                        delivered,
                    }
                }
                TransferKind::Migration { package, .. } => {
                    let app = package.config.name.clone();
                    let result = sat
                        .computer
                        .migrate_in(*package)
                        .map(|_| ())
                        .map_err(|e| e.to_string());
                    SimEventKind::MigrationComplete {
                        app,
                        bytes: f.bytes,
                        result,
                    }
                }
                TransferKind::Command { .. } | TransferKind::Upload { .. } => continue,
            };
            report.events.push(SimEvent {
                time: f.arrive,
                satellite: sat.name.clone(),
                kind,
            });
        }
    }
}
