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
    field: String,
    /// The last row time and its text (every satellite of a step has the same).
    time: Option<(hifitime::Epoch, String)>,
}

/// Appends `x` with `decimals` decimals (NaN: nothing). The value is rounded once, to the
/// nearest multiple of 10^-decimals (ties to even, as the formatter rounds exact ties), and written as an integer with the
/// point inserted: several times faster than the formatter's exact decimal expansion, and as
/// deterministic. Magnitudes too large for that go through the formatter.
pub fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    use std::fmt::Write as _;
    if x.is_nan() {
        return;
    }
    let scale = 10f64.powi(decimals as i32);
    let scaled = (x * scale).round_ties_even();
    if !(scaled.abs() < 9.0e15) {
        let _ = write!(out, "{x:.decimals$}");
        return;
    }
    let n = scaled as i64;
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs().to_string();
    if decimals == 0 {
        out.push_str(&digits);
        return;
    }
    if digits.len() <= decimals {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', decimals - digits.len()));
        out.push_str(&digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - decimals);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
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
            field: String::with_capacity(32),
            time: None,
        })
    }

    fn number(&mut self, x: f64, decimals: usize) -> io::Result<()> {
        self.field.clear();
        push_fixed(&mut self.field, x, decimals);
        self.out.write_field(&self.field).map_err(io::Error::other)
    }

    /// One row.
    pub fn row(&mut self, satellite: &str, r: &TelemetryRecord<'_>) -> io::Result<()> {
        let t = r.row.time;
        if self.time.as_ref().is_none_or(|(last, _)| *last != t) {
            self.time = Some((t, orbit::format_utc(t)));
        }
        if let Some((_, text)) = &self.time {
            self.out.write_field(text).map_err(io::Error::other)?;
        }
        self.out.write_field(satellite).map_err(io::Error::other)?;
        for &(c, d) in BEFORE_STATION {
            self.number(column(r.row, c), d)?;
        }
        self.out
            .write_field(&r.row.station)
            .map_err(io::Error::other)?;
        for &(c, d) in AFTER_STATION {
            self.number(column(r.row, c), d)?;
        }
        for &t in r.temps_c {
            self.number(t, 3)?;
        }
        self.number(column(r.row, Column::InContact), 0)?;
        self.out
            .write_record(None::<&[u8]>)
            .map_err(io::Error::other)
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

#[cfg(test)]
mod tests {
    use super::push_fixed;

    #[test]
    fn regress_fixed_decimals_match_the_formatter() {
        let cases = [
            (0.0, 3),
            (1.5, 0),
            (2.5, 0),
            (-0.25, 1),
            (0.899989, 6),
            (-37.030458123, 6),
            (868.9149999, 3),
            (1e-9, 4),
            (-1e-9, 4),
            (123456.0, 0),
            (0.001, 3),
            (-17.8311504, 6),
        ];
        for (x, d) in cases {
            let mut s = String::new();
            push_fixed(&mut s, x, d);
            let std = format!("{x:.d$}");
            let same = s == std
                || (std.starts_with('-') && std[1..] == s && s.trim_matches(['0', '.']).is_empty());
            assert!(same, "{x} with {d} decimals: {s} vs {std}");
        }
        let mut s = String::new();
        push_fixed(&mut s, f64::NAN, 3);
        assert!(s.is_empty());
    }
}
