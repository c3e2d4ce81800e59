//! `telemetry.csv`: `time_utc,satellite,` the fixed columns, `station`, then one
//! `temp_<node>_c` per thermal node of the scenario's satellites (empty where a satellite has
//! no such node), then `in_contact`. Numbers are written with fixed decimals per column.

use std::io;
use std::path::Path;

use crate::assertions::Column;
use crate::model::Scenario;
use crate::outputs::AtomicFile;
use crate::run::{TelemetryRecord, column};

/// The columns before `station`, with their decimals.
const BEFORE_STATION: &[(Column, usize)] = &[
    (Column::LatDeg, 6),
    (Column::LonDeg, 6),
    (Column::AltKm, 3),
    (Column::Illumination, 4),
    (Column::BatterySoc, 6),
    (Column::ArrayPowerW, 3),
    (Column::LoadPowerW, 3),
    (Column::ComputerPowerW, 3),
    (Column::BusyFraction, 6),
    (Column::AttitudeMode, 0),
    (Column::AttitudeErrorDeg, 4),
    (Column::SafeMode, 0),
];

/// The columns after `station`.
const AFTER_STATION: &[(Column, usize)] = &[
    (Column::DownlinkRateBps, 0),
    (Column::DownlinkQueuedBytes, 0),
];

/// The telemetry file being written.
#[derive(Debug)]
pub struct TelemetryCsv {
    out: csv::Writer<AtomicFile>,
    record: Vec<String>,
}

fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x:.decimals$}")
    }
}

impl TelemetryCsv {
    /// Starts `DIR/telemetry.csv` with its header.
    pub fn create(dir: &Path, scenario: &Scenario) -> io::Result<Self> {
        let mut out = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(AtomicFile::create(&dir.join("telemetry.csv"))?);
        let mut header: Vec<String> = vec!["time_utc".into(), "satellite".into()];
        header.extend(BEFORE_STATION.iter().map(|(c, _)| c.name().to_string()));
        header.push("station".into());
        header.extend(AFTER_STATION.iter().map(|(c, _)| c.name().to_string()));
        header.extend(
            scenario
                .thermal_node_names()
                .iter()
                .map(|n| format!("temp_{n}_c")),
        );
        header.push(Column::InContact.name().into());
        out.write_record(&header).map_err(io::Error::other)?;
        Ok(Self {
            out,
            record: Vec::with_capacity(header.len()),
        })
    }

    /// One row.
    pub fn row(&mut self, satellite: &str, r: &TelemetryRecord<'_>) -> io::Result<()> {
        let rec = &mut self.record;
        rec.clear();
        rec.push(orbit::format_utc(r.row.time));
        rec.push(satellite.to_string());
        rec.extend(
            BEFORE_STATION
                .iter()
                .map(|(c, d)| fixed(column(r.row, *c), *d)),
        );
        rec.push(r.row.station.clone());
        rec.extend(
            AFTER_STATION
                .iter()
                .map(|(c, d)| fixed(column(r.row, *c), *d)),
        );
        rec.extend(r.temps_c.iter().map(|t| fixed(*t, 3)));
        rec.push(fixed(column(r.row, Column::InContact), 0));
        self.out.write_record(rec.iter()).map_err(io::Error::other)
    }

    /// Completes the file.
    pub fn finish(self) -> io::Result<()> {
        let file = self
            .out
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        file.commit()
    }
}
