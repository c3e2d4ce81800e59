//! Reading what every command needs: element sets, Earth orientation, times, stations.

use super::error::{CliError, CliResult};
use clap::ValueEnum;
use orbit::elements::omm_csv::{duplicate_column, split_csv_line as omm_csv_fields};
use orbit::text::utf8_text;
use orbit::{
    AccessError, Duration, EarthOrientation, ElementSet, Epoch, Geodetic, Propagator, Sgp4Mode,
    Station, TimeSpec, format_utc, load_elements, parse_duration,
};
use std::path::Path;

/// clap value parser for `T`: RFC 3339 UTC, `epoch`, `epoch+90m`, `epoch-1d`.
pub fn time_spec(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse(s).map_err(|e| {
        format!(
            "{e}; T is an RFC 3339 UTC time like 2024-03-01T00:00:00Z, or epoch, epoch+90m, epoch-1d"
        )
    })
}

/// clap value parser for a positive duration (`30s`, `15m`, `6h`, `1d`, `0.5s`).
pub fn positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)
        .map_err(|e| format!("{e}; DUR is a number and a unit, like 30s, 15m, 6h, 1d, 0.5s"))?;
    if d <= Duration::ZERO {
        return Err(format!("{s:?}: the step must be positive"));
    }
    Ok(d)
}

/// `--sgp4-mode`: which variant of SGP4 runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sgp4ModeArg {
    /// Vallado's improved mode (opsmode 'i'), WGS-72.
    Improved,
    /// AFSPC-compatible mode (opsmode 'a'), WGS-72: the operational code's sidereal time,
    /// epoch arithmetic and deep-space (Lyddane) handling; differs from improved mode for some
    /// deep-space objects.
    Afspc,
}

impl Sgp4ModeArg {
    /// The library's mode.
    pub fn mode(self) -> Sgp4Mode {
        match self {
            Self::Improved => Sgp4Mode::Improved,
            Self::Afspc => Sgp4Mode::AfspcCompatible,
        }
    }

    /// How the mode is named in output comments.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Improved => "improved mode",
            Self::Afspc => "AFSPC-compatible mode",
        }
    }
}

/// A text file as UTF-8, or a bad-input error naming the file, line and column of the first
/// invalid byte; `what` says what the file is ("stations file").
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    let file = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::bad_input_msg(format!("{file}: cannot read {what}: {e}")))?;
    utf8_text(bytes).map_err(|p| {
        CliError::bad_input_msg(format!(
            "{file}:{}: column {}: invalid UTF-8 (expected text)",
            p.line, p.column
        ))
    })
}

/// Element sets from a file (TLE/3LE, OMM JSON or OMM CSV).
pub fn elements(path: &Path) -> CliResult<Vec<ElementSet>> {
    load_elements(path).map_err(CliError::bad_input)
}

/// Earth orientation from an optional finals2000A file.
pub fn eop(path: Option<&Path>) -> CliResult<EarthOrientation> {
    match path {
        None => Ok(EarthOrientation::default()),
        Some(p) => EarthOrientation::from_finals2000a(p).map_err(CliError::bad_input),
    }
}

/// One object ready to run: its element set, propagator and window.
#[derive(Debug)]
pub struct Job {
    /// The element set.
    pub set: ElementSet,
    /// Its propagator.
    pub prop: Propagator,
    /// Window start (UTC).
    pub start: Epoch,
    /// Window end (UTC).
    pub end: Epoch,
}

/// Propagators (in `mode`) and windows for every element set. A window that ends before it
/// starts is bad input; an element set SGP4 cannot initialise is reported on stderr and
/// skipped.
pub fn jobs(
    sets: Vec<ElementSet>,
    start: &TimeSpec,
    end: &TimeSpec,
    file: &Path,
    mode: Sgp4Mode,
) -> CliResult<Vec<Job>> {
    let mut jobs = Vec::with_capacity(sets.len());
    for set in sets {
        let (s, e) = (start.resolve(set.epoch), end.resolve(set.epoch));
        if e < s {
            return Err(CliError::bad_input_msg(format!(
                "--end {end} ({}) is before --start {start} ({}) for object {} of {}",
                format_utc(e),
                format_utc(s),
                set.object_id,
                file.display()
            )));
        }
        match Propagator::with_mode(&set, mode) {
            Ok(prop) => jobs.push(Job {
                set,
                prop,
                start: s,
                end: e,
            }),
            Err(err) => eprintln!("warning: {err}; object skipped"),
        }
    }
    Ok(jobs)
}

/// A pass or eclipse search refused its input (a window too long): bad input naming the
/// file, the options and (through the library's message) the object.
pub fn window_error(e: &AccessError, start: &TimeSpec, end: &TimeSpec, file: &Path) -> CliError {
    match e {
        AccessError::WindowTooLong { .. } | AccessError::InvalidWindow { .. } => {
            CliError::bad_input_msg(format!(
                "{}: --start {start} to --end {end}: object {e}",
                file.display()
            ))
        }
        other => CliError::bad_input_msg(other),
    }
}

/// Warns once on stderr when some window reaches outside the `--eop` table, where its first
/// or last values are held.
pub fn warn_outside_eop(eop: &EarthOrientation, path: Option<&Path>, jobs: &[Job]) {
    let (Some((first, last)), Some(path)) = (eop.coverage(), path) else {
        return;
    };
    let (Some(earliest), Some(latest)) = (
        jobs.iter().map(|j| j.start).min(),
        jobs.iter().map(|j| j.end).max(),
    ) else {
        return;
    };
    if earliest < first || latest > last {
        eprintln!(
            "warning: --eop {} covers {} to {}, but the windows run from {} to {}: outside the table its first or last UT1-UTC and polar motion are held",
            path.display(),
            format_utc(first),
            format_utc(last),
            format_utc(earliest),
            format_utc(latest)
        );
    }
}

/// The rules for a station name, shared by `--station` and stations files: it is written
/// unquoted into CSV output, so it must be non-empty and hold no comma, double quote or
/// control character.
fn check_station_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("a station name must not be empty");
    }
    if name.contains(',') {
        return Err("a station name must not contain a comma");
    }
    if name.contains('"') {
        return Err("a station name must not contain a double quote");
    }
    if name.chars().any(char::is_control) {
        return Err("a station name must not contain control characters");
    }
    Ok(())
}

/// clap value parser for `--station NAME=LAT_DEG,LON_DEG[,ALT_M]`.
pub fn station_spec(s: &str) -> Result<(String, f64, f64, f64), String> {
    const EXPECTED: &str =
        "expected NAME=LAT_DEG,LON_DEG[,ALT_M], e.g. Svalbard=78.2298,15.4078,500";
    let (name, rest) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    let name = name.trim();
    if let Err(e) = check_station_name(name) {
        return Err(format!(
            "{s:?}: {e} (expected a name without commas, double quotes or control characters; {EXPECTED})"
        ));
    }
    let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(format!("{s:?}: {EXPECTED}"));
    }
    let number = |text: &str, what: &str| -> Result<f64, String> {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{s:?}: {what} {text:?} is not a number ({EXPECTED})"))
    };
    let lat = number(parts[0], "latitude")?;
    let lon = number(parts[1], "longitude")?;
    let alt = if parts.len() == 3 {
        number(parts[2], "altitude")?
    } else {
        0.0
    };
    check_station(lat, lon, alt).map_err(|e| format!("{s:?}: {e}"))?;
    Ok((name.to_owned(), lat, lon, alt))
}

/// Range checks for a station: latitude ±90°, longitude −180..360°, altitude −12..100 km.
fn check_station(lat_deg: f64, lon_deg: f64, alt_m: f64) -> Result<(), &'static str> {
    if !(-90.0..=90.0).contains(&lat_deg) {
        return Err("latitude must be between -90 and 90 degrees");
    }
    if !(-180.0..=360.0).contains(&lon_deg) {
        return Err("longitude must be between -180 and 360 degrees");
    }
    if !(-12_000.0..=100_000.0).contains(&alt_m) {
        return Err("altitude must be between -12000 and 100000 m");
    }
    Ok(())
}

/// A station from degrees and metres.
fn station(name: String, lat_deg: f64, lon_deg: f64, alt_m: f64, mask_deg: f64) -> Station {
    Station {
        name,
        location: Geodetic::from_degrees(lat_deg, lon_deg, alt_m / 1000.0),
        min_elevation_rad: mask_deg.to_radians(),
    }
}

/// Stations from `--station` values.
pub fn stations_from_specs(
    specs: &[(String, f64, f64, f64)],
    mask_deg: f64,
) -> CliResult<Vec<Station>> {
    let stations: Vec<Station> = specs
        .iter()
        .map(|(n, lat, lon, alt)| station(n.clone(), *lat, *lon, *alt, mask_deg))
        .collect();
    for (i, s) in stations.iter().enumerate() {
        if stations[..i].iter().any(|o| o.name == s.name) {
            return Err(CliError::bad_input_msg(format!(
                "--station: name {:?} is given twice",
                s.name
            )));
        }
    }
    Ok(stations)
}

/// The columns a stations file may have: the four required, then the optional one.
const STATION_COLUMNS: [&str; 5] = ["name", "lat_deg", "lon_deg", "alt_m", "min_elevation_deg"];

/// Stations from a CSV file with the header `name,lat_deg,lon_deg,alt_m` (any column order,
/// an optional `min_elevation_deg` column overrides `--min-elevation` per station). A UTF-8
/// byte-order mark is skipped; an unknown or repeated column is an error.
pub fn stations_from_file(path: &Path, mask_deg: f64) -> CliResult<Vec<Station>> {
    let text = read_text(path, "stations file")?;
    stations_from_text(&text, &path.display().to_string(), mask_deg)
}

/// [`stations_from_file`] for text already read; `file` names it in messages.
pub fn stations_from_text(text: &str, file: &str, mask_deg: f64) -> CliResult<Vec<Station>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header)) = rows.next() else {
        return Err(CliError::bad_input_msg(format!(
            "{file}: empty (expected the header name,lat_deg,lon_deg,alt_m)"
        )));
    };
    let header: Vec<String> = omm_csv_fields(header)
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if let Some(unknown) = header
        .iter()
        .find(|h| !STATION_COLUMNS.contains(&h.as_str()))
    {
        return Err(CliError::bad_input_msg(format!(
            "{file}:{header_line}: unknown column {unknown:?} (expected the columns name,lat_deg,lon_deg,alt_m and optionally min_elevation_deg)"
        )));
    }
    if let Some((first, _)) = duplicate_column(&header) {
        return Err(CliError::bad_input_msg(format!(
            "{file}:{header_line}: header names column {} twice (expected each column once)",
            header[first]
        )));
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(ci_name), Some(ci_lat), Some(ci_lon), Some(ci_alt)) = (
        column("name"),
        column("lat_deg"),
        column("lon_deg"),
        column("alt_m"),
    ) else {
        return Err(CliError::bad_input_msg(format!(
            "{file}:{header_line}: header {:?} (expected the columns name,lat_deg,lon_deg,alt_m)",
            header.join(",")
        )));
    };
    let ci_mask = column("min_elevation_deg");
    let mut stations: Vec<Station> = Vec::new();
    for (line, row) in rows {
        let fields = omm_csv_fields(row);
        if fields.len() != header.len() {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: {} fields (expected {}, as in the header)",
                fields.len(),
                header.len()
            )));
        }
        let number = |index: usize, field: &str, what: &str| -> CliResult<f64> {
            let text = fields[index].trim();
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    CliError::bad_input_msg(format!(
                        "{file}:{line}: field {field}: expected {what}, found {text:?}"
                    ))
                })
        };
        let name = fields[ci_name].trim().to_owned();
        if let Err(e) = check_station_name(&name) {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: field name: {e}, found {name:?} (expected a name without commas, double quotes or control characters)"
            )));
        }
        let lat = number(ci_lat, "lat_deg", "a latitude in degrees")?;
        let lon = number(ci_lon, "lon_deg", "a longitude in degrees")?;
        let alt = number(
            ci_alt,
            "alt_m",
            "a height above the WGS-84 ellipsoid in metres",
        )?;
        let mask = match ci_mask {
            Some(i) if !fields[i].trim().is_empty() => {
                number(i, "min_elevation_deg", "an elevation in degrees")?
            }
            _ => mask_deg,
        };
        if let Err(e) = check_station(lat, lon, alt) {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: station {name:?}: {e}"
            )));
        }
        if !(-90.0..=90.0).contains(&mask) {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: field min_elevation_deg: expected -90 to 90 degrees, found {mask}"
            )));
        }
        if stations.iter().any(|s| s.name == name) {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: field name: station {name:?} appears twice"
            )));
        }
        stations.push(station(name, lat, lon, alt, mask));
    }
    if stations.is_empty() {
        return Err(CliError::bad_input_msg(format!(
            "{file}: no stations (expected rows after the header)"
        )));
    }
    Ok(stations)
}
