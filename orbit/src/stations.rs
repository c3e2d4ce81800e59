//! Ground-station files, and the rule for station names shared with every other way of giving
//! a station (the command line's `--station`, scenario files).
//!
//! A stations file is CSV with the header `name,lat_deg,lon_deg,alt_m` (any column order and
//! letter case) and optionally `min_elevation_deg` (the station's elevation mask; where the
//! column is absent or the field empty, the caller's default applies). Latitude and
//! longitude are WGS-84 geodetic degrees, `alt_m` the height above the ellipsoid in metres.
//! It is read through the `csv` crate (RFC 4180 quoting, see `csv_table`) and each record
//! deserialised with serde into [`StationRecord`] by column name. A UTF-8 byte-order mark is
//! skipped; an unknown or repeated column, a repeated station name, a value out of range or a
//! file without stations is an error naming the file, the line and the field.

use crate::access::{AccessError, Station};
use crate::csv_table::{self, Row};
use crate::frames::Geodetic;
use std::path::Path;

/// The columns a stations file may have: the four required, then the optional one.
const COLUMNS: [&str; 5] = ["name", "lat_deg", "lon_deg", "alt_m", "min_elevation_deg"];

/// Why a station name is refused. Names are written unquoted into CSV outputs, so a name must
/// be non-empty and hold no comma, double quote or control character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StationNameError {
    /// The name is empty.
    #[error("a station name must not be empty")]
    Empty,
    /// The name holds a comma.
    #[error("a station name must not contain a comma")]
    Comma,
    /// The name holds a double quote.
    #[error("a station name must not contain a double quote")]
    DoubleQuote,
    /// The name holds a control character (tab, line break, ...).
    #[error("a station name must not contain control characters")]
    Control,
}

/// Checks a station name (see [`StationNameError`]).
pub fn check_station_name(name: &str) -> Result<(), StationNameError> {
    if name.is_empty() {
        Err(StationNameError::Empty)
    } else if name.contains(',') {
        Err(StationNameError::Comma)
    } else if name.contains('"') {
        Err(StationNameError::DoubleQuote)
    } else if name.chars().any(char::is_control) {
        Err(StationNameError::Control)
    } else {
        Ok(())
    }
}

/// Errors from reading a stations file. Each names the file, and where it applies the line
/// and the field.
#[derive(Debug, thiserror::Error)]
pub enum StationsError {
    /// The file could not be read.
    #[error("{file}: cannot read stations file")]
    Io {
        /// File name.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid UTF-8 text.
    #[error("{file}:{line}: column {column}: invalid UTF-8 (expected text)")]
    InvalidUtf8 {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based byte column.
        column: usize,
    },
    /// No header.
    #[error("{file}: empty (expected the header name,lat_deg,lon_deg,alt_m)")]
    Empty {
        /// File name.
        file: String,
    },
    /// A header column that is not a stations-file column.
    #[error(
        "{file}:{line}: unknown column {column:?} (expected the columns name,lat_deg,lon_deg,alt_m and optionally min_elevation_deg)"
    )]
    UnknownColumn {
        /// File name.
        file: String,
        /// 1-based line of the header.
        line: usize,
        /// The column name (lower case).
        column: String,
    },
    /// A header naming a column twice.
    #[error("{file}:{line}: header names column {column} twice (expected each column once)")]
    DuplicateColumn {
        /// File name.
        file: String,
        /// 1-based line of the header.
        line: usize,
        /// The column name (lower case).
        column: String,
    },
    /// A header without one of the required columns.
    #[error("{file}:{line}: header {header:?} (expected the columns name,lat_deg,lon_deg,alt_m)")]
    MissingColumns {
        /// File name.
        file: String,
        /// 1-based line of the header.
        line: usize,
        /// The header as read (lower case, comma-separated).
        header: String,
    },
    /// A record with a different number of fields than the header.
    #[error("{file}:{line}: {found} fields (expected {expected}, as in the header)")]
    FieldCount {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Number of header columns.
        expected: usize,
        /// Number of fields found.
        found: usize,
    },
    /// A numeric field that is not a finite number.
    #[error("{file}:{line}: field {field}: expected {expected}, found {found:?}")]
    Field {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// Column name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The text found.
        found: String,
    },
    /// A station name that breaks the naming rule.
    #[error(
        "{file}:{line}: field name: {rule}, found {name:?} (expected a name without commas, double quotes or control characters)"
    )]
    Name {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// The name found.
        name: String,
        /// The rule broken.
        rule: StationNameError,
    },
    /// An elevation mask outside ±90°.
    #[error("{file}:{line}: field min_elevation_deg: expected -90 to 90 degrees, found {found}")]
    MinElevation {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// The mask found, degrees.
        found: f64,
    },
    /// A location out of range ([`Station::validate`]).
    #[error("{file}:{line}")]
    Station {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong, naming the station.
        #[source]
        source: AccessError,
    },
    /// A station name that appears twice.
    #[error("{file}:{line}: field name: station {name:?} appears twice")]
    DuplicateStation {
        /// File name.
        file: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// The name.
        name: String,
    },
    /// A header but no stations.
    #[error("{file}: no stations (expected rows after the header)")]
    NoStations {
        /// File name.
        file: String,
    },
    /// Text the `csv` crate cannot read.
    #[error("{file}:{line}: invalid CSV")]
    Csv {
        /// File name.
        file: String,
        /// 1-based line (0 if unknown).
        line: usize,
        /// The `csv` crate's error.
        #[source]
        source: csv::Error,
    },
}

/// One record of a stations file, by column name.
#[derive(Debug, serde::Deserialize)]
struct StationRecord {
    name: String,
    lat_deg: f64,
    lon_deg: f64,
    alt_m: f64,
    min_elevation_deg: Option<f64>,
}

/// What each numeric column holds, for messages.
fn expected_value(column: &str) -> &'static str {
    match column {
        "lat_deg" => "a latitude in degrees",
        "lon_deg" => "a longitude in degrees",
        "alt_m" => "a height above the WGS-84 ellipsoid in metres",
        _ => "an elevation in degrees",
    }
}

/// The column name as a static string (it is one of [`COLUMNS`]).
fn column_name(column: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|c| **c == column)
        .copied()
        .unwrap_or("name")
}

/// Reads a stations file; `default_min_elevation_deg` is the mask of stations without one.
pub fn load_stations(
    path: &Path,
    default_min_elevation_deg: f64,
) -> Result<Vec<Station>, StationsError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| StationsError::Io {
        file: file.clone(),
        source,
    })?;
    let text = crate::text::utf8_text(bytes).map_err(|p| StationsError::InvalidUtf8 {
        file: file.clone(),
        line: p.line,
        column: p.column,
    })?;
    parse_stations(&text, &file, default_min_elevation_deg)
}

/// [`load_stations`] for text already read; `file` names it in errors.
pub fn parse_stations(
    text: &str,
    file: &str,
    default_min_elevation_deg: f64,
) -> Result<Vec<Station>, StationsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let csv_error = |e: csv::Error| StationsError::Csv {
        file: file.to_owned(),
        line: csv_table::error_line(&e),
        source: e,
    };
    let mut rows = csv_table::rows(text);
    let Some(header) = rows.next() else {
        return Err(StationsError::Empty {
            file: file.to_owned(),
        });
    };
    let header = header.map_err(csv_error)?;
    let names = csv_table::normalised_header(&header.fields, str::to_ascii_lowercase);
    if let Some(unknown) = names.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(StationsError::UnknownColumn {
            file: file.to_owned(),
            line: header.line,
            column: unknown.to_owned(),
        });
    }
    if let Some((first, _)) = csv_table::duplicate_column(&names) {
        return Err(StationsError::DuplicateColumn {
            file: file.to_owned(),
            line: header.line,
            column: names[first].to_owned(),
        });
    }
    if !COLUMNS[..4].iter().all(|c| names.iter().any(|h| h == *c)) {
        return Err(StationsError::MissingColumns {
            file: file.to_owned(),
            line: header.line,
            header: names.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut stations: Vec<Station> = Vec::new();
    for row in rows {
        let row = row.map_err(csv_error)?;
        let station = station_from_row(&row, &names, file, default_min_elevation_deg)?;
        if stations.iter().any(|s| s.name == station.name) {
            return Err(StationsError::DuplicateStation {
                file: file.to_owned(),
                line: row.line,
                name: station.name,
            });
        }
        stations.push(station);
    }
    if stations.is_empty() {
        return Err(StationsError::NoStations {
            file: file.to_owned(),
        });
    }
    Ok(stations)
}

/// One station from a record: field count, name rule, numbers, mask, location.
fn station_from_row(
    row: &Row,
    names: &csv::StringRecord,
    file: &str,
    default_min_elevation_deg: f64,
) -> Result<Station, StationsError> {
    let Row { line, fields } = row;
    let line = *line;
    if fields.len() != names.len() {
        return Err(StationsError::FieldCount {
            file: file.to_owned(),
            line,
            expected: names.len(),
            found: fields.len(),
        });
    }
    let name_index = names.iter().position(|h| h == "name").unwrap_or(0);
    let name = &fields[name_index];
    if let Err(rule) = check_station_name(name) {
        return Err(StationsError::Name {
            file: file.to_owned(),
            line,
            name: name.to_owned(),
            rule,
        });
    }
    // a number that does not parse names its column; so does one that is not finite
    let bad_field = |index: usize| {
        let column = column_name(&names[index]);
        StationsError::Field {
            file: file.to_owned(),
            line,
            field: column,
            expected: expected_value(column),
            found: fields[index].to_owned(),
        }
    };
    let record: StationRecord = fields.deserialize(Some(names)).map_err(|e| {
        let field = match e.kind() {
            csv::ErrorKind::Deserialize { err, .. } => err.field(),
            _ => None,
        };
        match field {
            Some(index) => bad_field(index as usize),
            None => StationsError::Csv {
                file: file.to_owned(),
                line,
                source: e,
            },
        }
    })?;
    for column in ["lat_deg", "lon_deg", "alt_m", "min_elevation_deg"] {
        let value = match column {
            "lat_deg" => Some(record.lat_deg),
            "lon_deg" => Some(record.lon_deg),
            "alt_m" => Some(record.alt_m),
            _ => record.min_elevation_deg,
        };
        if value.is_some_and(|v| !v.is_finite()) {
            let index = names.iter().position(|h| h == column).unwrap_or(0);
            return Err(bad_field(index));
        }
    }
    let min_elevation_deg = record
        .min_elevation_deg
        .unwrap_or(default_min_elevation_deg);
    if !(-90.0..=90.0).contains(&min_elevation_deg) {
        return Err(StationsError::MinElevation {
            file: file.to_owned(),
            line,
            found: min_elevation_deg,
        });
    }
    let station = Station {
        name: record.name,
        location: Geodetic::from_degrees(record.lat_deg, record.lon_deg, record.alt_m / 1000.0),
        min_elevation_rad: min_elevation_deg.to_radians(),
    };
    station
        .validate()
        .map_err(|source| StationsError::Station {
            file: file.to_owned(),
            line,
            source,
        })?;
    Ok(station)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error's message with its sources, as the command line prints it.
    fn message(e: &StationsError) -> String {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }

    fn error(text: &str) -> String {
        message(&parse_stations(text, "st.csv", 5.0).unwrap_err())
    }

    #[test]
    fn val_analytic_reads_stations_in_any_column_order() {
        let text = "\u{feff}LON_DEG, name ,alt_m,lat_deg,min_elevation_deg\r\n\
                    20.964325,Kiruna,402.2,67.8571278,\r\n\
                    \r\n\
                    15.4077861,\"Svalbard (SvalSat)\",500,78.2297722,10\r\n";
        let stations = parse_stations(text, "st.csv", 5.0).unwrap();
        assert_eq!(stations.len(), 2);
        assert_eq!(stations[0].name, "Kiruna");
        assert_eq!(stations[0].location.alt_km, 0.4022);
        assert_eq!(stations[0].location.lat_rad, 67.8571278_f64.to_radians());
        assert_eq!(stations[0].min_elevation_rad, 5.0_f64.to_radians());
        assert_eq!(stations[1].name, "Svalbard (SvalSat)");
        assert_eq!(stations[1].min_elevation_rad, 10.0_f64.to_radians());
    }

    #[test]
    fn regress_errors_name_file_line_and_field() {
        let h = "name,lat_deg,lon_deg,alt_m\n";
        for (text, expected) in [
            (
                "",
                "st.csv: empty (expected the header name,lat_deg,lon_deg,alt_m)",
            ),
            (
                "name,lat_deg\nA,1\n",
                "st.csv:1: header \"name,lat_deg\" (expected the columns name,lat_deg,lon_deg,alt_m)",
            ),
            (
                "\nname,lat_deg,lon_deg,alt_m,min_elevation\n",
                "st.csv:2: unknown column \"min_elevation\" (expected the columns name,lat_deg,lon_deg,alt_m and optionally min_elevation_deg)",
            ),
            (
                "name,lat_deg,lon_deg,alt_m,LAT_DEG\n",
                "st.csv:1: header names column lat_deg twice (expected each column once)",
            ),
            (
                &format!("{h}A,1,2,3\n\nB,north,2,3\n"),
                "st.csv:4: field lat_deg: expected a latitude in degrees, found \"north\"",
            ),
            (
                &format!("{h}A,1,2,inf\n"),
                "st.csv:2: field alt_m: expected a height above the WGS-84 ellipsoid in metres, found \"inf\"",
            ),
            (
                &format!("{h}A,1,2\n"),
                "st.csv:2: 3 fields (expected 4, as in the header)",
            ),
            (
                &format!("{h}A,1,400,3\n"),
                "st.csv:2: station \"A\": longitude must be between -180 and 360 degrees",
            ),
            (
                &format!("{h}\"Kiruna, Sweden\",1,2,3\n"),
                "st.csv:2: field name: a station name must not contain a comma, found \"Kiruna, Sweden\" (expected a name without commas, double quotes or control characters)",
            ),
            (
                &format!("{h}A,1,2,3\nA,4,5,6\n"),
                "st.csv:3: field name: station \"A\" appears twice",
            ),
            (
                "name,lat_deg,lon_deg,alt_m,min_elevation_deg\nA,1,2,3,95\n",
                "st.csv:2: field min_elevation_deg: expected -90 to 90 degrees, found 95",
            ),
            (
                "name,lat_deg,lon_deg,alt_m,min_elevation_deg\nA,1,2,3,high\n",
                "st.csv:2: field min_elevation_deg: expected an elevation in degrees, found \"high\"",
            ),
            (h, "st.csv: no stations (expected rows after the header)"),
        ] {
            assert_eq!(error(text), expected);
        }
    }

    #[test]
    fn regress_unreadable_and_non_utf8_files() {
        let e = load_stations(Path::new("/no/such/stations.csv"), 0.0).unwrap_err();
        assert!(matches!(e, StationsError::Io { .. }));
        assert!(message(&e).starts_with("/no/such/stations.csv: cannot read stations file: "));
        let dir = std::env::temp_dir().join(format!("orbit-stations-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("st.csv");
        std::fs::write(
            &path,
            b"name,lat_deg,lon_deg,alt_m\nG\xf6teborg,57.7,11.9,0\n",
        )
        .unwrap();
        let e = load_stations(&path, 0.0).unwrap_err();
        assert_eq!(
            message(&e),
            format!(
                "{}:2: column 2: invalid UTF-8 (expected text)",
                path.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn val_analytic_station_name_rules() {
        assert_eq!(check_station_name("Kiruna"), Ok(()));
        assert_eq!(check_station_name(""), Err(StationNameError::Empty));
        assert_eq!(check_station_name("a,b"), Err(StationNameError::Comma));
        assert_eq!(
            check_station_name("a\"b"),
            Err(StationNameError::DoubleQuote)
        );
        assert_eq!(check_station_name("a\tb"), Err(StationNameError::Control));
    }
}
