//! Earth orientation parameters: UT1 − UTC and polar motion from an IERS `finals2000A` file.
//!
//! Without a file ([`EarthOrientation::default`]) UT1 = UTC and there is no polar motion: a
//! TEME → ITRF rotation of a LEO position then errs by ω⊕ · r · |UT1 − UTC| (Earth rotation
//! rate × orbit radius × the time error): ~100 m at a typical |UT1 − UTC| of 0.2 s, up to
//! ~450 m at the 0.9 s limit; the pole adds ≤ ~20 m.
//!
//! Interpolation is linear between the daily values, as Skyfield does. UT1 − UTC jumps by one
//! second at a leap second, so what is interpolated is UT1 − TAI (continuous); the current
//! TAI − UTC is then added back. Outside the table the first or last value is held
//! ([`EarthOrientation::coverage`] tells a caller when to warn about it).

use crate::constants::ARCSEC_TO_RAD;
use crate::time::{days_from_civil, utc_nanoseconds_since_1900};
use hifitime::{Duration, Epoch};
use std::path::Path;

/// Errors from reading an Earth orientation file.
#[derive(Debug, thiserror::Error)]
pub enum EopError {
    /// The file could not be read.
    #[error("{file}: cannot read Earth orientation file: {message}")]
    Io {
        /// File name.
        file: String,
        /// The operating system's message.
        message: String,
    },
    /// The file is not valid UTF-8 text.
    #[error("{file}:{line}: column {column}: invalid UTF-8 (expected ASCII text)")]
    InvalidUtf8 {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// 1-based byte column.
        column: usize,
    },
    /// A field of a data line could not be read.
    #[error("{file}:{line}: columns {start}-{end} ({field}): expected {expected}, found {found:?}")]
    Field {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// First column (1-based).
        start: usize,
        /// Last column (1-based, inclusive).
        end: usize,
        /// Field name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The text found.
        found: String,
    },
    /// Dates do not increase by one day from line to line.
    #[error(
        "{file}:{line}: MJD {found} does not follow the previous line's MJD {previous} (expected daily values in order)"
    )]
    NotDaily {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The MJD on this line.
        found: i64,
        /// The MJD on the previous data line.
        previous: i64,
    },
    /// The file holds no line with both polar motion and UT1 − UTC.
    #[error(
        "{file}: no data lines with polar motion and UT1-UTC (expected the IERS finals2000A format)"
    )]
    Empty {
        /// File name.
        file: String,
    },
}

/// One daily row of the table, at 0h UTC of `mjd`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EopRow {
    mjd: i64,
    /// UT1 − TAI in seconds (continuous across leap seconds).
    ut1_minus_tai_s: f64,
    xp_rad: f64,
    yp_rad: f64,
}

/// Earth orientation: UT1 − UTC and polar motion as functions of time.
///
/// The default has UT1 = UTC and no polar motion.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EarthOrientation {
    rows: Vec<EopRow>,
}

/// MJD of 1900-01-01 (hifitime's UTC reference).
const MJD_1900: i64 = 15_020;
/// MJD of 1970-01-01.
const MJD_1970: i64 = 40_587;

/// TAI − UTC in seconds at an instant (whole seconds since 1972; hifitime's table).
fn tai_minus_utc_s(t: Epoch) -> f64 {
    crate::time::tai_minus_utc_ns(utc_nanoseconds_since_1900(t)) as f64 / 1e9
}

/// The UTC instant at 0h of a modified Julian date.
fn utc_at_mjd(mjd: i64) -> Epoch {
    let ns = i128::from(mjd - MJD_1900) * crate::constants::NANOSECONDS_PER_DAY;
    Epoch::from_utc_duration(Duration::from_total_nanoseconds(ns))
}

impl EarthOrientation {
    /// UT1 = UTC, no polar motion.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads an IERS `finals2000A` file (`finals2000A.all`, `.data`, `.daily`, or a subset of
    /// its lines) and uses its Bulletin A polar motion (columns 19–27, 38–46, arcsec) and
    /// UT1 − UTC (columns 59–68, s). Lines without those values (future predictions at the
    /// end of the file) are skipped.
    pub fn from_finals2000a(path: &Path) -> Result<Self, EopError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| EopError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let text = crate::text::utf8_text(bytes).map_err(|p| EopError::InvalidUtf8 {
            file: file.clone(),
            line: p.line,
            column: p.column,
        })?;
        Self::parse_finals2000a(&text, &file)
    }

    /// Parses the text of a `finals2000A` file; `source` names it in errors.
    pub fn parse_finals2000a(text: &str, source: &str) -> Result<Self, EopError> {
        let mut rows: Vec<EopRow> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim_end_matches(['\r', '\n']);
            if line.trim().is_empty() {
                continue;
            }
            let field = |start: usize, end: usize| -> &str {
                // 1-based inclusive columns; lines may be shorter than the full record
                line.get(start - 1..end.min(line.len()))
                    .unwrap_or("")
                    .trim()
            };
            let err = |start, end, name, expected, found: &str| EopError::Field {
                file: source.to_owned(),
                line: line_no,
                start,
                end,
                field: name,
                expected,
                found: found.to_owned(),
            };
            if !line.is_ascii() {
                return Err(err(1, line.len(), "record", "ASCII text", line));
            }
            let mjd_text = field(8, 15);
            let mjd: f64 = mjd_text.parse().map_err(|_| {
                err(
                    8,
                    15,
                    "MJD",
                    "a modified Julian date like 60310.00",
                    mjd_text,
                )
            })?;
            if !mjd.is_finite() || mjd.fract() != 0.0 || !(0.0..=200_000.0).contains(&mjd) {
                return Err(err(8, 15, "MJD", "a whole modified Julian date", mjd_text));
            }
            let (xp_text, yp_text, dut1_text) = (field(19, 27), field(38, 46), field(59, 68));
            if xp_text.is_empty() || yp_text.is_empty() || dut1_text.is_empty() {
                continue; // beyond the predictions: no values
            }
            let number = |text: &str, start, end, name, limit: f64| -> Result<f64, EopError> {
                text.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && v.abs() <= limit)
                    .ok_or_else(|| err(start, end, name, "a number in the IERS format", text))
            };
            let xp = number(xp_text, 19, 27, "PM-x (arcsec)", 10.0)?;
            let yp = number(yp_text, 38, 46, "PM-y (arcsec)", 10.0)?;
            let dut1 = number(dut1_text, 59, 68, "UT1-UTC (s)", 1.0)?;
            let mjd = mjd as i64;
            if let Some(prev) = rows.last()
                && mjd != prev.mjd + 1
            {
                return Err(EopError::NotDaily {
                    file: source.to_owned(),
                    line: line_no,
                    found: mjd,
                    previous: prev.mjd,
                });
            }
            let tai_utc = tai_minus_utc_s(utc_at_mjd(mjd));
            rows.push(EopRow {
                mjd,
                ut1_minus_tai_s: dut1 - tai_utc,
                xp_rad: xp * ARCSEC_TO_RAD,
                yp_rad: yp * ARCSEC_TO_RAD,
            });
        }
        if rows.is_empty() {
            return Err(EopError::Empty {
                file: source.to_owned(),
            });
        }
        Ok(Self { rows })
    }

    /// Whether a table is loaded (false: UT1 = UTC, no polar motion).
    pub fn has_table(&self) -> bool {
        !self.rows.is_empty()
    }

    /// The first and last instants (0h UTC) covered by the table, if any.
    pub fn coverage(&self) -> Option<(Epoch, Epoch)> {
        Some((
            utc_at_mjd(self.rows.first()?.mjd),
            utc_at_mjd(self.rows.last()?.mjd),
        ))
    }

    /// Linear interpolation of the table at `t`: (UT1 − TAI in s, xp, yp in rad).
    fn interpolate(&self, t: Epoch) -> Option<(f64, f64, f64)> {
        let first = self.rows.first()?;
        let last = self.rows.last()?;
        // MJD (UTC) as whole days + fraction, from exact nanoseconds
        let ns = utc_nanoseconds_since_1900(t);
        let day = ns.div_euclid(crate::constants::NANOSECONDS_PER_DAY) as i64 + MJD_1900;
        let frac = ns.rem_euclid(crate::constants::NANOSECONDS_PER_DAY) as f64
            / crate::constants::NANOSECONDS_PER_DAY as f64;
        if day < first.mjd {
            return Some((first.ut1_minus_tai_s, first.xp_rad, first.yp_rad));
        }
        if day >= last.mjd {
            return Some((last.ut1_minus_tai_s, last.xp_rad, last.yp_rad));
        }
        let i = (day - first.mjd) as usize;
        let (a, b) = (&self.rows[i], &self.rows[i + 1]);
        // y = y₀ + (y₁ − y₀) f
        let lerp = |y0: f64, y1: f64| y0 + (y1 - y0) * frac;
        Some((
            lerp(a.ut1_minus_tai_s, b.ut1_minus_tai_s),
            lerp(a.xp_rad, b.xp_rad),
            lerp(a.yp_rad, b.yp_rad),
        ))
    }

    /// UT1 − UTC at `t` (zero without a table).
    pub fn ut1_minus_utc(&self, t: Epoch) -> Duration {
        match self.interpolate(t) {
            Some((ut1_tai, _, _)) => {
                // rounded to the nearest nanosecond
                let ns = ((ut1_tai + tai_minus_utc_s(t)) * 1e9).round();
                Duration::from_total_nanoseconds(ns as i128)
            }
            None => Duration::ZERO,
        }
    }

    /// Polar motion (xp, yp) in radians at `t` ((0, 0) without a table).
    pub fn polar_motion_rad(&self, t: Epoch) -> (f64, f64) {
        match self.interpolate(t) {
            Some((_, xp, yp)) => (xp, yp),
            None => (0.0, 0.0),
        }
    }
}

/// MJD of a calendar date, for tests and tools.
pub fn mjd_from_calendar(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day) + MJD_1970
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;

    // Four unmodified lines of `finals2000A.all` (IERS) as shipped in PyPI skyfield-data 7.0.0,
    // around the leap second at the end of 2016-12-31.
    const SAMPLE: &str = "\
161230 57752.00 I  0.082883 0.000052  0.263539 0.000038  I-0.4069180 0.0000079  0.8286 0.0056  I     0.022    0.119    -0.155    0.024  0.082924  0.263518 -0.4069106    -0.023    -0.038  
161231 57753.00 I  0.081400 0.000052  0.263094 0.000039  I-0.4077601 0.0000078  0.8842 0.0055  I     0.025    0.119    -0.169    0.024  0.081318  0.262990 -0.4077600    -0.021    -0.048  
17 1 1 57754.00 I  0.080504 0.000028  0.263145 0.000028  I 0.5912821 0.0000077  1.0342 0.0050  I     0.012    0.119    -0.168    0.018  0.080450  0.263074  0.5912975    -0.019    -0.057  
17 1 2 57755.00 I  0.080285 0.000029  0.263605 0.000032  I 0.5901752 0.0000063  1.1730 0.0048  I    -0.001    0.040    -0.156    0.033  0.080275  0.263595  0.5902149    -0.027    -0.065  
";

    #[test]
    fn val_analytic_reads_table_values_at_nodes() {
        let eop = EarthOrientation::parse_finals2000a(SAMPLE, "sample").unwrap();
        let t = parse_utc("2016-12-30T00:00:00Z").unwrap();
        assert!((eop.ut1_minus_utc(t).to_seconds() + 0.4069180).abs() < 1e-9);
        let (xp, yp) = eop.polar_motion_rad(t);
        assert!((xp / ARCSEC_TO_RAD - 0.082883).abs() < 1e-12);
        assert!((yp / ARCSEC_TO_RAD - 0.263539).abs() < 1e-12);
        let t = parse_utc("2017-01-01T00:00:00Z").unwrap();
        assert!((eop.ut1_minus_utc(t).to_seconds() - 0.5912821).abs() < 1e-9);
    }

    #[test]
    fn val_analytic_interpolates_across_leap_second() {
        let eop = EarthOrientation::parse_finals2000a(SAMPLE, "sample").unwrap();
        // Half-way through 2016-12-31 (before the leap second at its end): UT1 − TAI is
        // interpolated, so UT1 − UTC is the mean of −0.4077601 and 0.5912821 − 1 s.
        let t = parse_utc("2016-12-31T12:00:00Z").unwrap();
        let expected = 0.5 * (-0.4077601 + (0.5912821 - 1.0));
        assert!((eop.ut1_minus_utc(t).to_seconds() - expected).abs() < 1e-9);
    }

    #[test]
    fn val_analytic_default_and_clamping() {
        let none = EarthOrientation::default();
        let t = parse_utc("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(none.ut1_minus_utc(t), Duration::ZERO);
        assert_eq!(none.polar_motion_rad(t), (0.0, 0.0));
        let eop = EarthOrientation::parse_finals2000a(SAMPLE, "sample").unwrap();
        // 2024 is after the table: last values held
        assert!((eop.ut1_minus_utc(t).to_seconds() - 0.5901752).abs() < 1e-9);
        assert_eq!(mjd_from_calendar(2017, 1, 2), 57755);
    }

    #[test]
    fn regress_bad_lines_name_line_and_columns() {
        let bad = SAMPLE.replace("57753.00", "57753.x0");
        match EarthOrientation::parse_finals2000a(&bad, "f.txt") {
            Err(EopError::Field {
                line,
                start,
                end,
                field,
                ..
            }) => {
                assert_eq!((line, start, end, field), (2, 8, 15, "MJD"));
            }
            other => panic!("{other:?}"),
        }
        let bad = SAMPLE.replace("I-0.4077601", "I-0.40776x1");
        match EarthOrientation::parse_finals2000a(&bad, "f.txt") {
            Err(EopError::Field {
                line: 2,
                start: 59,
                end: 68,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        let gap: String = SAMPLE
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        assert!(matches!(
            EarthOrientation::parse_finals2000a(&gap, "f.txt"),
            Err(EopError::NotDaily { line: 2, .. })
        ));
        assert!(matches!(
            EarthOrientation::parse_finals2000a("\n\n", "f.txt"),
            Err(EopError::Empty { .. })
        ));
    }
}
