//! The command timeline and the faults, applied at step boundaries: commands in their file
//! order, faults at their given times or as seeded Poisson processes (one ChaCha stream per
//! fault, so their times depend on neither the threads nor the other faults).

use hifitime::{Duration, Epoch};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim_core::AppId;

use super::Run;
use crate::events::EventRecord;
use crate::model::{CommandAction, FaultKind, FaultTiming, Scenario};

/// A fault occurrence.
#[derive(Debug, Clone)]
pub(super) struct FaultAt {
    pub(super) time: Epoch,
    pub(super) fault: usize,
}

/// The stream of a named fault's random times.
fn fault_stream(name: &str) -> u64 {
    // FNV-1a, as sim-core derives per-satellite streams
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The occurrences of every fault between `start` and `end`, in time order.
pub(super) fn fault_times(s: &Scenario, seed: u64) -> Vec<FaultAt> {
    let mut out = Vec::new();
    for (i, f) in s.faults.iter().enumerate() {
        match &f.timing {
            FaultTiming::At(times) => {
                out.extend(times.iter().map(|&time| FaultAt { time, fault: i }))
            }
            FaultTiming::Rate { per_day } if *per_day > 0.0 => {
                let mut key = [0u8; 32];
                key[..8].copy_from_slice(&seed.to_le_bytes());
                key[8..16].copy_from_slice(b"faults\0\0");
                let mut rng = ChaCha8Rng::from_seed(key);
                rng.set_stream(fault_stream(&f.name));
                let mean_s = 86_400.0 / per_day;
                let mut t = s.start;
                loop {
                    // exponential inter-arrival by inversion: Δt = −ln(1 − U) · mean
                    let u: f64 = rng.random();
                    t += Duration::from_seconds(-(1.0 - u).ln() * mean_s);
                    if t >= s.end() {
                        break;
                    }
                    out.push(FaultAt { time: t, fault: i });
                }
            }
            FaultTiming::Rate { .. } => {}
        }
    }
    out.sort_by(|a, b| {
        a.time
            .partial_cmp(&b.time)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.fault.cmp(&b.fault))
    });
    out
}

impl Run<'_> {
    pub(super) fn apply_commands(&mut self, t: Epoch) {
        while let Some(c) = self.scenario.commands.get(self.next_command) {
            if c.at > t {
                break;
            }
            self.next_command += 1;
            let name = self.rec.names[c.satellite].clone();
            let mut e = EventRecord::new(t, Some(c.satellite), "command_executed")
                .field("action", c.action.name());
            let result: Result<(), String> = match &c.action {
                CommandAction::AppCommand { app, data } => {
                    e = EventRecord::new(t, Some(c.satellite), "command_queued")
                        .field("action", "app_command")
                        .field("bytes", data.len() as u64);
                    e = e.app(app.clone());
                    self.sim
                        .uplink_command(&name, app, data)
                        .map_err(|x| crate::diag::error_chain(&x))
                }
                CommandAction::Upload {
                    image,
                    config,
                    update,
                } => {
                    e = EventRecord::new(t, Some(c.satellite), "command_queued")
                        .field("action", c.action.name())
                        .field("bytes", image.size_bytes() as u64)
                        .app(config.name.clone());
                    self.sim
                        .upload_app(&name, image, (**config).clone(), *update)
                        .map_err(|x| crate::diag::error_chain(&x))
                }
                CommandAction::Start { app }
                | CommandAction::Stop { app }
                | CommandAction::Remove { app } => {
                    e = e.app(app.clone());
                    self.lifecycle(c.satellite, app, &c.action)
                }
                CommandAction::Migrate { app, to } => {
                    e = e.app(app.clone()).field("to", self.rec.names[*to].clone());
                    self.sim
                        .migrate_app(&name, app, &self.rec.names[*to].clone())
                        .map_err(|x| crate::diag::error_chain(&x))
                }
                CommandAction::Attitude { mode } => {
                    e = e.field("mode", attitude_name(mode));
                    self.sim
                        .satellite_mut(&name)
                        .map(|s| s.command_attitude(Some(*mode), t))
                        .map_err(|x| crate::diag::error_chain(&x))
                }
            };
            e = match result {
                Ok(()) => e.field("ok", true),
                Err(msg) => e.field("ok", false).field("error", msg),
            };
            self.emit(e);
        }
    }

    fn lifecycle(&mut self, sat: usize, app: &str, action: &CommandAction) -> Result<(), String> {
        let name = self.rec.names[sat].clone();
        let s = self
            .sim
            .satellite_mut(&name)
            .map_err(|e| crate::diag::error_chain(&e))?;
        let obc = s.computer_mut();
        let id: AppId = obc
            .app_id(app)
            .ok_or_else(|| format!("no app {app:?} on {name}"))?;
        let r = match action {
            CommandAction::Start { .. } => obc.start(id),
            CommandAction::Stop { .. } => obc.stop(id),
            _ => obc.remove(id),
        };
        r.map_err(|e| e.to_string())
    }

    pub(super) fn apply_faults(&mut self, t: Epoch) {
        // outages that end by now
        let ended: Vec<usize> = self
            .outages
            .iter()
            .filter(|(_, until)| *until <= t)
            .map(|(st, _)| *st)
            .collect();
        self.outages.retain(|(_, until)| *until > t);
        for st in ended {
            if !self.outages.iter().any(|(s, _)| *s == st) {
                self.sim.set_station_available(st, true);
                let name = self.scenario.stations[st].name.clone();
                self.emit(EventRecord::new(t, None, "station_restored").station(name));
            }
        }
        while let Some(f) = self.faults.get(self.next_fault) {
            if f.time > t {
                break;
            }
            let f = f.clone();
            self.next_fault += 1;
            self.inject(f.fault, t);
        }
    }

    fn inject(&mut self, fault: usize, t: Epoch) {
        let def = &self.scenario.faults[fault];
        let mut e = EventRecord::new(t, None, "fault_injected")
            .field("fault", def.name.clone())
            .field("what", def.kind.name());
        let seed =
            self.seed ^ fault_stream(&def.name) ^ (self.steps.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        match &def.kind {
            FaultKind::BitFlips {
                satellite,
                app,
                bits,
            } => {
                e.satellite = Some(*satellite);
                let name = self.rec.names[*satellite].clone();
                if let Ok(s) = self.sim.satellite_mut(&name) {
                    let obc = s.computer_mut();
                    let ids: Vec<AppId> = match app {
                        Some(a) => obc.app_id(a).into_iter().collect(),
                        None => obc.app_ids(),
                    };
                    let mut flipped = 0;
                    for id in ids {
                        flipped += obc.flip_memory_bits(id, *bits, seed).unwrap_or(0);
                    }
                    e = e.field("bits", flipped);
                    if let Some(a) = app {
                        e = e.app(a.clone());
                    }
                }
            }
            FaultKind::Reboot { satellite } => {
                e.satellite = Some(*satellite);
                if let Ok(s) = self.sim.satellite_mut(&self.rec.names[*satellite].clone()) {
                    s.request_reboot();
                }
            }
            FaultKind::Hang { satellite } => {
                e.satellite = Some(*satellite);
                if let Ok(s) = self.sim.satellite_mut(&self.rec.names[*satellite].clone()) {
                    s.hang_computer();
                }
            }
            FaultKind::BrownOut {
                satellite,
                duration,
            } => {
                e.satellite = Some(*satellite);
                e = e.field("duration_s", duration.to_seconds());
                if let Ok(s) = self.sim.satellite_mut(&self.rec.names[*satellite].clone()) {
                    s.brown_out_until(t + *duration);
                }
            }
            FaultKind::SolarString {
                satellite,
                panel,
                fraction,
            } => {
                e.satellite = Some(*satellite);
                e = e.field("panel", panel.clone()).field("fraction", *fraction);
                if let Ok(s) = self.sim.satellite_mut(&self.rec.names[*satellite].clone()) {
                    s.hardware_mut().power.fail_panel_fraction(panel, *fraction);
                }
            }
            FaultKind::WheelFailure { satellite, wheel } => {
                e.satellite = Some(*satellite);
                let name = self.scenario.satellites[*satellite]
                    .hardware
                    .attitude
                    .wheels[*wheel]
                    .name
                    .clone();
                e = e.field("wheel", name);
                if let Ok(s) = self.sim.satellite_mut(&self.rec.names[*satellite].clone()) {
                    s.hardware_mut().attitude.fail_wheel(*wheel);
                }
            }
            FaultKind::StationOutage { station, duration } => {
                let name = self.scenario.stations[*station].name.clone();
                e = e.station(name).field("duration_s", duration.to_seconds());
                self.sim.set_station_available(*station, false);
                self.outages.push((*station, t + *duration));
            }
        }
        self.emit(e);
    }
}

fn attitude_name(m: &sim_core::AttitudeMode) -> &'static str {
    match m {
        sim_core::AttitudeMode::Nadir => "nadir",
        sim_core::AttitudeMode::Sun => "sun",
        sim_core::AttitudeMode::Inertial { .. } => "inertial",
        sim_core::AttitudeMode::Target { .. } => "target",
    }
}
