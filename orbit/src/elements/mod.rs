//! Element sets: TLE/3LE, CelesTrak OMM JSON and OMM CSV in (recognised from the content),
//! range-checked, with exact epochs; TLE and OMM JSON out.
//!
//! Every error names the file, the line, the column range (TLE) or field (OMM), and what was
//! expected.

mod omm;
mod omm_csv;
pub mod omm_json;
pub mod tle;
pub mod validate;

use hifitime::Epoch;
use std::path::Path;

/// One set of SGP4 mean elements (Kozai mean motion, TEME of epoch), as read from a TLE or an
/// OMM record.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ElementSet {
    /// Object identifier used in outputs: the catalogue number as decimal text ("25544"; an
    /// Alpha-5 number is decoded, "A0001" → "100001").
    pub object_id: String,
    /// Catalogue (NORAD) number; may exceed 339 999 when read from OMM.
    pub norad_id: u64,
    /// Name: 3LE line 0 or OMM `OBJECT_NAME`.
    pub name: Option<String>,
    /// International designator in OMM form, e.g. "1998-067A".
    pub international_designator: Option<String>,
    /// Epoch of the elements, UTC, converted exactly from the file's text.
    pub epoch: Epoch,
    /// Mean inclination, rad.
    pub inclination_rad: f64,
    /// Mean right ascension of the ascending node, rad.
    pub raan_rad: f64,
    /// Mean eccentricity, dimensionless, 0 ≤ e < 1.
    pub eccentricity: f64,
    /// Mean argument of perigee, rad.
    pub arg_perigee_rad: f64,
    /// Mean anomaly, rad.
    pub mean_anomaly_rad: f64,
    /// Kozai mean motion, rev/day.
    pub mean_motion_rev_day: f64,
    /// The TLE/OMM `MEAN_MOTION_DOT` field in rev/day² (by convention ṅ/2; SGP4 ignores it).
    pub mean_motion_dot_rev_day2: f64,
    /// The TLE/OMM `MEAN_MOTION_DDOT` field in rev/day³ (by convention n̈/6; SGP4 ignores it).
    pub mean_motion_ddot_rev_day3: f64,
    /// B* drag term, 1/earth radii.
    pub bstar_per_earth_radius: f64,
    /// Element set number.
    pub element_set_number: u64,
    /// Revolution number at epoch.
    pub revolution_number: u64,
    /// Ephemeris type (0 in distributed data; 4 = SGP4-XP is rejected on input).
    pub ephemeris_type: u8,
    /// Classification: 'U', 'C' or 'S'.
    pub classification: char,
}

/// Errors from reading or writing element sets. Each names the file, line and column range
/// or field, and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ElementsError {
    /// The file could not be read.
    #[error("{file}: cannot read element file: {message}")]
    Io {
        /// File name.
        file: String,
        /// The operating system's message.
        message: String,
    },
    /// No element set in the file.
    #[error("{file}: no element sets found (expected TLE/3LE lines, an OMM JSON array or OMM CSV)")]
    Empty {
        /// File name.
        file: String,
    },
    /// The file is not valid UTF-8 text.
    #[error("{file}:{line}: column {column}: invalid UTF-8 (expected text)")]
    InvalidUtf8 {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// 1-based byte column.
        column: usize,
    },
    /// A non-ASCII character in a TLE line (e.g. a no-break space).
    #[error(
        "{file}:{line}: column {column}: non-ASCII character U+{code:04X} in a TLE line (expected ASCII)"
    )]
    NonAscii {
        /// File name.
        file: String,
        /// 1-based line number in the file.
        line: usize,
        /// 1-based column (character position).
        column: usize,
        /// The character's code point.
        code: u32,
    },
    /// A TLE line that is not 69 columns long (after trailing spaces and CR are removed).
    #[error("{file}:{line}: TLE line {tle_line} has {length} columns (expected 69)")]
    LineLength {
        /// File name.
        file: String,
        /// 1-based line number in the file.
        line: usize,
        /// 1 or 2.
        tle_line: u8,
        /// Number of columns found.
        length: usize,
    },
    /// Lines out of order: a line 2 without a line 1, a line 1 not followed by a line 2, a
    /// name without element lines.
    #[error("{file}:{line}: {found} (expected {expected})")]
    Structure {
        /// File name.
        file: String,
        /// 1-based line number in the file.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// A TLE checksum (column 69) does not match the line.
    #[error("{file}:{line}: column 69 (checksum): expected {expected}, found {found:?}")]
    Checksum {
        /// File name.
        file: String,
        /// 1-based line number in the file.
        line: usize,
        /// The checksum computed from columns 1–68.
        expected: u8,
        /// The character in column 69.
        found: char,
    },
    /// A TLE field could not be read.
    #[error("{file}:{line}: columns {start}-{end} ({field}): expected {expected}, found {found:?}")]
    TleField {
        /// File name.
        file: String,
        /// 1-based line number in the file.
        line: usize,
        /// First column, 1-based.
        start: usize,
        /// Last column, 1-based inclusive.
        end: usize,
        /// Field name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The text found.
        found: String,
    },
    /// The catalogue numbers of lines 1 and 2 differ.
    #[error(
        "{file}:{line}: columns 3-7 (catalogue number): line 2 has {line2:?} but line 1 has {line1:?} (expected the same number on both lines)"
    )]
    CatalogueMismatch {
        /// File name.
        file: String,
        /// 1-based line number of line 2.
        line: usize,
        /// Catalogue number text on line 1.
        line1: String,
        /// Catalogue number text on line 2.
        line2: String,
    },
    /// Invalid JSON.
    #[error("{file}:{line}:{column}: invalid OMM JSON: {message}")]
    Json {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// An OMM field has a value of the wrong kind.
    #[error("{file}:{line}: field {field}: expected {expected}, found {found}")]
    OmmField {
        /// File name.
        file: String,
        /// 1-based line of the field (JSON) or record (CSV).
        line: usize,
        /// OMM field name.
        field: String,
        /// What was expected.
        expected: &'static str,
        /// The value found.
        found: String,
    },
    /// A required OMM field is missing.
    #[error("{file}:{line}: missing field {field} (expected in every OMM record)")]
    OmmMissingField {
        /// File name.
        file: String,
        /// 1-based line where the record starts.
        line: usize,
        /// OMM field name.
        field: &'static str,
    },
    /// A CSV record with a different number of fields than the header.
    #[error("{file}:{line}: {found} fields (expected {expected}, as in the header)")]
    CsvFieldCount {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Number of header fields.
        expected: usize,
        /// Number of fields found.
        found: usize,
    },
    /// OMM CSV text the `csv` crate cannot read.
    #[error("{file}:{line}: invalid CSV")]
    Csv {
        /// File name.
        file: String,
        /// 1-based line (0 if unknown).
        line: usize,
        /// The `csv` crate's error.
        #[source]
        source: crate::csv_table::CsvError,
    },
    /// A CSV header that names a column twice.
    #[error(
        "{file}:{line}: header names column {column} twice (fields {first} and {second}; expected each column once)"
    )]
    CsvDuplicateColumn {
        /// File name.
        file: String,
        /// 1-based line of the header.
        line: usize,
        /// The column name (as normalised: upper case).
        column: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// A value outside its valid range.
    #[error("{file}:{line}: {location}: {value} is out of range (expected {expected})")]
    OutOfRange {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Where: `columns 53-63 (mean motion)` or `field MEAN_MOTION`.
        location: String,
        /// The value as written in the file.
        value: String,
        /// The valid range.
        expected: &'static str,
    },
    /// Ephemeris type 4 (SGP4-XP) elements, which SGP4 cannot propagate correctly.
    #[error(
        "{file}:{line}: {location}: ephemeris type 4 (SGP4-XP) is not supported: these elements are fitted for the SGP4-XP theory and SGP4 would propagate them with km-level errors (expected ephemeris type 0 or 2)"
    )]
    EphemerisTypeXp {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Where: `column 63 (ephemeris type)` or `field EPHEMERIS_TYPE`.
        location: String,
    },
    /// Ephemeris type 5 or above (not SGP4 mean elements).
    #[error(
        "{file}:{line}: {location}: ephemeris type {found} is not supported (expected 0 or 2: SGP4 mean elements)"
    )]
    UnsupportedEphemerisType {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Where the field is.
        location: String,
        /// The type found.
        found: u8,
    },
    /// A value that cannot be written in a TLE field.
    #[error("{object_id}: {field} = {value} cannot be written in a TLE ({reason})")]
    NotRepresentable {
        /// Object identifier.
        object_id: String,
        /// Field name.
        field: &'static str,
        /// The value.
        value: String,
        /// Why not.
        reason: &'static str,
    },
}

impl ElementsError {
    /// The error for a failed range check at `location` (line and place in the file);
    /// `found` is the field's text as written in the file.
    pub(crate) fn from_violation(
        v: &validate::Violation,
        file: &str,
        line: usize,
        location: String,
        found: &str,
    ) -> Self {
        match v {
            validate::Violation::OutOfRange { expected, .. } => Self::OutOfRange {
                file: file.to_owned(),
                line,
                location,
                value: found.to_owned(),
                expected,
            },
            validate::Violation::EpochOutOfRange { .. } => Self::OutOfRange {
                file: file.to_owned(),
                line,
                location,
                value: found.to_owned(),
                expected: validate::EPOCH_RANGE,
            },
            validate::Violation::SgpXp => Self::EphemerisTypeXp {
                file: file.to_owned(),
                line,
                location,
            },
            validate::Violation::UnsupportedEphemerisType(found) => {
                Self::UnsupportedEphemerisType {
                    file: file.to_owned(),
                    line,
                    location,
                    found: *found,
                }
            }
        }
    }
}

/// The formats [`parse_elements`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementFormat {
    /// Two-line or three-line element sets.
    Tle,
    /// CelesTrak OMM JSON (an array of objects, or one object).
    OmmJson,
    /// CelesTrak OMM CSV (a header row of OMM field names).
    OmmCsv,
}

/// Recognises the format from the content: JSON starts with `[` or `{`, or is any other
/// JSON value (`"hello"`, `42`: read as OMM JSON, which then says what it expected); CSV has
/// a header row naming OMM fields; anything else is read as TLE/3LE.
pub fn detect_format(text: &str) -> ElementFormat {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.trim_start();
    if first.starts_with('[')
        || first.starts_with('{')
        || serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok()
    {
        return ElementFormat::OmmJson;
    }
    let header = first.lines().next().unwrap_or("");
    let upper = header.to_ascii_uppercase();
    if header.contains(',') && (upper.contains("NORAD_CAT_ID") || upper.contains("MEAN_MOTION")) {
        return ElementFormat::OmmCsv;
    }
    ElementFormat::Tle
}

/// Reads element sets from a file: TLE/3LE, OMM JSON or OMM CSV, recognised from the content.
pub fn load_elements(path: &Path) -> Result<Vec<ElementSet>, ElementsError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ElementsError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let text = crate::text::utf8_text(bytes).map_err(|p| ElementsError::InvalidUtf8 {
        file: file.clone(),
        line: p.line,
        column: p.column,
    })?;
    parse_elements(&text, &file)
}

/// Parses element sets from text; `source` names the file in errors.
pub fn parse_elements(text: &str, source: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sets = match detect_format(text) {
        ElementFormat::OmmJson => omm_json::parse(text, source)?,
        ElementFormat::OmmCsv => omm_csv::parse(text, source)?,
        ElementFormat::Tle => tle::parse(text, source)?,
    };
    if sets.is_empty() {
        return Err(ElementsError::Empty {
            file: source.to_owned(),
        });
    }
    Ok(sets)
}

impl ElementSet {
    /// The two TLE lines (69 columns each, with checksums) for this set. Fails for values a
    /// TLE cannot hold (catalogue number above 339 999, mean motion ≥ 100 rev/day, ...).
    /// The epoch is rounded to the TLE's resolution of 10⁻⁸ day (864 µs).
    pub fn to_tle_lines(&self) -> Result<(String, String), ElementsError> {
        tle::write(self)
    }

    /// This set as a CelesTrak OMM JSON object.
    pub fn to_omm_json(&self) -> serde_json::Value {
        omm_json::to_value(self)
    }
}

/// Element sets as a CelesTrak OMM JSON array (pretty-printed, one field per line).
pub fn write_omm_json(sets: &[ElementSet]) -> String {
    omm_json::write(sets)
}
