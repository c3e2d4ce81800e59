//! Reading what every command needs: element sets, Earth orientation, times, stations.

use super::error::{CliError, CliResult};
use clap::ValueEnum;
use orbit::stations::check_station_name;
use orbit::{
    AccessError, Duration, EarthOrientation, ElementSet, Epoch, Geodetic, Propagator, Sgp4Mode,
    Station, TimeSpec, format_utc, load_elements, load_stations, parse_duration, parse_stations,
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
    // the location rules of every station (the mask is checked with --min-elevation)
    match station(name.to_owned(), lat, lon, alt, 0.0).validate() {
        Err(AccessError::InvalidStation { reason, .. }) => Err(format!("{s:?}: {reason}")),
        Err(other) => Err(format!("{s:?}: {other}")),
        Ok(()) => Ok((name.to_owned(), lat, lon, alt)),
    }
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

/// Stations from a CSV file (`orbit::stations`: header `name,lat_deg,lon_deg,alt_m` in any
/// order, an optional `min_elevation_deg` column overriding `--min-elevation` per station).
pub fn stations_from_file(path: &Path, mask_deg: f64) -> CliResult<Vec<Station>> {
    load_stations(path, mask_deg).map_err(CliError::bad_input)
}

/// [`stations_from_file`] for text already read; `file` names it in messages.
pub fn stations_from_text(text: &str, file: &str, mask_deg: f64) -> CliResult<Vec<Station>> {
    parse_stations(text, file, mask_deg).map_err(CliError::bad_input)
}
