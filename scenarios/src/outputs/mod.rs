//! The files of a run, in one directory, each written atomically (a temporary file in the same
//! directory, synced, then renamed), so a reader never sees half a file and a killed run leaves
//! no truncated output:
//!
//! | file | what |
//! |---|---|
//! | `telemetry.csv` | one row per satellite per output interval |
//! | `events.jsonl` | one JSON object per line, in time order |
//! | `summary.json` | scenario hash, seed, version, each assertion's value and result, totals |
//! | `junit.xml` | one test case per assertion (Surefire's schema) |
//! | `ephemeris.oem` | CCSDS OEM (KVN) of every satellite, TEME |
//! | `scene.czml` | a Cesium scene: satellites, stations, contacts |
//! | `host.json` | the only file with wall-clock times and facts about the machine |
//!
//! Every file but `host.json` depends only on the scenario and the seed.

mod atomic;
mod czml;
mod ephemeris;
mod junit;
mod summary;
mod telemetry;

use std::io;
use std::path::{Path, PathBuf};

pub use atomic::AtomicFile;
pub use summary::{HostFacts, Summary, outcome_text, summary_json, value_text};

use crate::events::EventRecord;
use crate::model::Scenario;
use crate::run::{RunResult, Sink, TelemetryRecord};

/// Writes a run's files into a directory.
#[derive(Debug)]
pub struct OutputWriter {
    dir: PathBuf,
    names: Vec<String>,
    telemetry: Option<telemetry::TelemetryCsv>,
    events: Option<AtomicFile>,
    ephemeris: ephemeris::Ephemeris,
    contacts: czml::Contacts,
}

impl OutputWriter {
    /// Starts the files of a run of `scenario` in `dir` (created if needed).
    pub fn create(dir: &Path, scenario: &Scenario) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let names: Vec<String> = scenario.satellites.iter().map(|s| s.name.clone()).collect();
        let o = &scenario.output;
        Ok(Self {
            telemetry: if o.telemetry {
                Some(telemetry::TelemetryCsv::create(dir, scenario)?)
            } else {
                None
            },
            events: if o.events {
                Some(AtomicFile::create(&dir.join("events.jsonl"))?)
            } else {
                None
            },
            ephemeris: ephemeris::Ephemeris::create(dir, scenario)?,
            contacts: czml::Contacts::default(),
            dir: dir.to_path_buf(),
            names,
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Completes every file: the streamed ones are finished and renamed, the summary, JUnit
    /// and CZML files are written. Returns the names of the files written.
    pub fn finish(self, scenario: &Scenario, result: &RunResult) -> io::Result<Vec<String>> {
        let mut written = Vec::new();
        if let Some(t) = self.telemetry {
            t.finish()?;
            written.push("telemetry.csv".to_string());
        }
        if let Some(e) = self.events {
            e.commit()?;
            written.push("events.jsonl".to_string());
        }
        written.extend(self.ephemeris.finish(scenario, &self.contacts)?);
        if scenario.output.junit {
            AtomicFile::write(
                &self.dir.join("junit.xml"),
                junit::junit_xml(scenario, result).as_bytes(),
            )?;
            written.push("junit.xml".to_string());
        }
        written.push("summary.json".to_string());
        let summary = summary_json(scenario, result, &written);
        AtomicFile::write(&self.dir.join("summary.json"), summary.as_bytes())?;
        Ok(written)
    }
}

impl Sink for OutputWriter {
    fn telemetry(&mut self, r: &TelemetryRecord<'_>) -> io::Result<()> {
        if let Some(t) = &mut self.telemetry {
            t.row(&self.names[r.satellite], r)?;
        }
        self.ephemeris.state(r)
    }

    fn event(&mut self, e: &EventRecord) -> io::Result<()> {
        self.contacts.event(e);
        if let Some(f) = &mut self.events {
            use std::io::Write as _;
            let mut line = e.to_json(&self.names);
            line.push('\n');
            f.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}
