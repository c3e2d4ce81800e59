//! Reading what every command needs: element sets, Earth orientation, times, stations.

use super::error::{CliError, CliResult};
use orbit::elements::omm_csv::split_csv_line as omm_csv_fields;
use orbit::{
    Duration, EarthOrientation, ElementSet, Epoch, Geodetic, Propagator, Station, TimeSpec,
    format_utc, load_elements, parse_duration,
};
use std::path::Path;

/// clap value parser for `T`: RFC 3339 UTC, `epoch`, `epoch+90m`, `epoch-1d`.
pub fn time_spec(s: &str) -> Result<TimeSpec, String> {
    TimeSpec::parse(s).map_err(|e| {
        format!("{e} (expected an RFC 3339 UTC time like 2024-03-01T00:00:00Z, or epoch, epoch+90m, epoch-1d)")
    })
}

/// clap value parser for a positive duration (`30s`, `15m`, `6h`, `1d`, `0.5s`).
pub fn positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)
        .map_err(|e| format!("{e} (expected a duration like 30s, 15m, 6h, 1d, 0.5s)"))?;
    if d <= Duration::ZERO {
        return Err(format!("{s:?}: the step must be positive"));
    }
    Ok(d)
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

/// Propagators and windows for every element set. A window that ends before it starts is
/// bad input; an element set SGP4 cannot initialise is reported on stderr and skipped.
pub fn jobs(
    sets: Vec<ElementSet>,
    start: &TimeSpec,
    end: &TimeSpec,
    file: &Path,
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
        match Propagator::new(&set) {
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

/// clap value parser for `--station NAME=LAT_DEG,LON_DEG[,ALT_M]`.
pub fn station_spec(s: &str) -> Result<(String, f64, f64, f64), String> {
    const EXPECTED: &str =
        "expected NAME=LAT_DEG,LON_DEG[,ALT_M], e.g. Svalbard=78.2298,15.4078,500";
    let (name, rest) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: {EXPECTED}"))?;
    let name = name.trim();
    if name.is_empty() || name.contains(',') {
        return Err(format!(
            "{s:?}: the name must be non-empty and without commas ({EXPECTED})"
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

/// Stations from a CSV file with the header `name,lat_deg,lon_deg,alt_m` (any column order,
/// an optional `min_elevation_deg` column overrides `--min-elevation` per station).
pub fn stations_from_file(path: &Path, mask_deg: f64) -> CliResult<Vec<Station>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::bad_input_msg(format!("{file}: cannot read stations file: {e}")))?;
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
        if name.is_empty() {
            return Err(CliError::bad_input_msg(format!(
                "{file}:{line}: field name: expected a station name, found \"\""
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
