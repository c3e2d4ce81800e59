//! `ephemeris.oem` and `scene.czml`: every satellite's states at the telemetry interval.
//!
//! States are buffered per satellite and written as one OEM segment and one CZML packet per
//! satellite; past [`FLUSH_STATES`] buffered states (very long or very large runs) the
//! buffers are written out and later states go into further segments and packets — an OEM
//! may hold several segments of one object, and Cesium adds the samples of a later packet with
//! the same `id` to the entity — so memory stays bounded.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::Path;

use hifitime::Epoch;
use nalgebra::Vector3;

use super::AtomicFile;
use super::czml::{self, Contacts};
use crate::model::Scenario;
use crate::run::TelemetryRecord;

/// Buffered states (all satellites) that trigger a write.
const FLUSH_STATES: usize = 200_000;

#[derive(Debug, Clone, Copy)]
struct State {
    t: Epoch,
    pos_teme_km: Vector3<f64>,
    vel_teme_km_s: Vector3<f64>,
    pos_itrf_km: Vector3<f64>,
}

/// The ephemeris files being written.
#[derive(Debug)]
pub struct Ephemeris {
    oem: Option<AtomicFile>,
    czml: Option<AtomicFile>,
    buffers: Vec<Vec<State>>,
    buffered: usize,
    /// Whether a satellite's first CZML packet (with its graphics) was written.
    introduced: Vec<bool>,
    names: Vec<String>,
    object_ids: Vec<String>,
    start: Epoch,
}

impl Ephemeris {
    /// Starts the files the scenario asks for.
    pub fn create(dir: &Path, s: &Scenario) -> io::Result<Self> {
        let oem = if s.output.oem {
            let mut f = AtomicFile::create(&dir.join("ephemeris.oem"))?;
            let comments = vec![
                format!(
                    "skytwin {} run of scenario {}: SGP4/SDP4 (improved mode, WGS-72), TEME of date",
                    env!("CARGO_PKG_VERSION"),
                    s.name
                ),
                "CREATION_DATE is the scenario's start, so that the file depends only on the scenario and seed (the run's wall-clock time is in host.json)".to_string(),
            ];
            f.write_all(orbit::oem::header(&comments, s.start).as_bytes())?;
            Some(f)
        } else {
            None
        };
        let czml = if s.output.czml {
            let mut f = AtomicFile::create(&dir.join("scene.czml"))?;
            f.write_all(czml::preamble(s).as_bytes())?;
            Some(f)
        } else {
            None
        };
        let n = s.satellites.len();
        Ok(Self {
            oem,
            czml,
            buffers: vec![Vec::new(); n],
            buffered: 0,
            introduced: vec![false; n],
            names: s.satellites.iter().map(|x| x.name.clone()).collect(),
            object_ids: s
                .satellites
                .iter()
                .map(|x| x.elements.object_id.clone())
                .collect(),
            start: s.start,
        })
    }

    /// A state at an output time.
    pub fn state(&mut self, r: &TelemetryRecord<'_>) -> io::Result<()> {
        if self.oem.is_none() && self.czml.is_none() {
            return Ok(());
        }
        if !(r.pos_teme_km.x.is_finite() && r.pos_itrf_km.x.is_finite()) {
            return Ok(());
        }
        self.buffers[r.satellite].push(State {
            t: r.row.time,
            pos_teme_km: r.pos_teme_km,
            vel_teme_km_s: r.vel_teme_km_s,
            pos_itrf_km: r.pos_itrf_km,
        });
        self.buffered += 1;
        if self.buffered >= FLUSH_STATES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        for i in 0..self.buffers.len() {
            let states = std::mem::take(&mut self.buffers[i]);
            let (Some(first), Some(last)) = (states.first(), states.last()) else {
                continue;
            };
            if let Some(f) = &mut self.oem {
                let comments = [format!("satellite {} of the scenario", self.names[i])];
                let mut text = orbit::oem::segment_header(&orbit::oem::SegmentMeta {
                    comments: &comments,
                    object_name: &self.names[i],
                    object_id: &self.object_ids[i],
                    ref_frame: "TEME",
                    start: first.t,
                    stop: last.t,
                });
                for s in &states {
                    orbit::oem::state_line(&mut text, s.t, &s.pos_teme_km, &s.vel_teme_km_s);
                }
                f.write_all(text.as_bytes())?;
            }
            if let Some(f) = &mut self.czml {
                let mut samples = String::with_capacity(states.len() * 48);
                for (k, s) in states.iter().enumerate() {
                    let p = s.pos_itrf_km * 1000.0;
                    let _ = write!(
                        samples,
                        "{}{},{:.3},{:.3},{:.3}",
                        if k == 0 { "" } else { "," },
                        czml::seconds(s.t - self.start),
                        p.x,
                        p.y,
                        p.z
                    );
                }
                let packet = czml::satellite_packet(
                    &self.names[i],
                    self.start,
                    &samples,
                    !self.introduced[i],
                );
                self.introduced[i] = true;
                f.write_all(packet.as_bytes())?;
            }
        }
        self.buffered = 0;
        Ok(())
    }

    /// Writes the rest and completes the files; returns their names.
    pub fn finish(mut self, s: &Scenario, contacts: &Contacts) -> io::Result<Vec<String>> {
        self.flush()?;
        let mut written = Vec::new();
        if let Some(f) = self.oem.take() {
            f.commit()?;
            written.push("ephemeris.oem".to_string());
        }
        if let Some(mut f) = self.czml.take() {
            f.write_all(czml::closing(s, contacts).as_bytes())?;
            f.commit()?;
            written.push("scene.czml".to_string());
        }
        Ok(written)
    }
}
