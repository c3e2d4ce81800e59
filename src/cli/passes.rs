//! `skytwin passes`: passes of objects over ground stations.
//!
//! CSV columns (a contract): `object_id,station,aos_utc,tca_utc,los_utc,max_elevation_deg,
//! duration_s,partial`, sorted by AOS, then object (catalogue number), then station name. A
//! pass cut by the window has `partial=true` and the window edge as its AOS or LOS.

use super::error::{CliError, CliResult};
use super::input::{self, Sgp4ModeArg};
use super::output::Output;
use orbit::{Pass, TimeSpec, format_utc, search_passes};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `skytwin passes`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Times T: an RFC 3339 UTC time (2024-03-01T00:00:00Z), or epoch, epoch+90m, epoch-1d \
relative to each element set's own epoch.\n\
A stations file is CSV with the header name,lat_deg,lon_deg,alt_m (height above the WGS-84 ellipsoid); an optional \
min_elevation_deg column overrides --min-elevation per station; other columns are an error. Station names hold no \
commas, double quotes or control characters.\n\
AOS/LOS are found to better than 0.1 s; no pass longer than one minute is missed."
)]
pub struct Args {
    /// Element sets: TLE/3LE, OMM JSON or OMM CSV, recognised from the content.
    #[arg(long, value_name = "FILE")]
    elements: PathBuf,
    /// A station NAME=LAT_DEG,LON_DEG[,ALT_M] (repeatable).
    #[arg(long, value_name = "NAME=LAT_DEG,LON_DEG[,ALT_M]", value_parser = input::station_spec, required_unless_present = "stations", conflicts_with = "stations")]
    station: Vec<(String, f64, f64, f64)>,
    /// Stations from a CSV file (name,lat_deg,lon_deg,alt_m).
    #[arg(long, value_name = "FILE")]
    stations: Option<PathBuf>,
    /// Window start.
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    start: TimeSpec,
    /// Window end.
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    end: TimeSpec,
    /// Elevation mask, degrees (geometric, no refraction).
    #[arg(
        long,
        value_name = "DEG",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    min_elevation: f64,
    /// SGP4 variant: Vallado's improved mode, or AFSPC-compatible mode (differs for deep space).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = Sgp4ModeArg::Improved)]
    sgp4_mode: Sgp4ModeArg,
    /// IERS finals2000A file for UT1-UTC and polar motion [default: UT1 = UTC].
    #[arg(long, value_name = "FILE")]
    eop: Option<PathBuf>,
    /// Write to FILE instead of stdout (a regular file is replaced atomically).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `skytwin passes`.
pub fn run(args: Args) -> CliResult {
    if !(args.min_elevation.is_finite() && (-90.0..=90.0).contains(&args.min_elevation)) {
        return Err(CliError::bad_input_msg(format!(
            "--min-elevation {}: expected degrees between -90 and 90",
            args.min_elevation
        )));
    }
    let stations = match &args.stations {
        Some(path) => input::stations_from_file(path, args.min_elevation)?,
        None => input::stations_from_specs(&args.station, args.min_elevation)?,
    };
    let sets = input::elements(&args.elements)?;
    let eop = input::eop(args.eop.as_deref())?;
    let jobs = input::jobs(
        sets,
        &args.start,
        &args.end,
        &args.elements,
        args.sgp4_mode.mode(),
    )?;
    input::warn_outside_eop(&eop, args.eop.as_deref(), &jobs);
    let out = Output::create(args.out.as_deref())?;
    let searches: Vec<_> = jobs
        .par_iter()
        .map(|job| {
            search_passes(&job.prop, &stations, job.start, job.end, &eop)
                .map(|s| (job.set.norad_id, s))
        })
        .collect::<Result<_, _>>()
        .map_err(|e| input::window_error(&e, &args.start, &args.end, &args.elements))?;
    let mut passes: Vec<(u64, Pass)> = Vec::new();
    for (job, (norad, search)) in jobs.iter().zip(searches) {
        if let Some(e) = search.stopped {
            eprintln!(
                "warning: {e}; passes of object {} after that are not computed",
                job.set.object_id
            );
        }
        passes.extend(search.passes.into_iter().map(|p| (norad, p)));
    }
    passes.sort_by(|(na, a), (nb, b)| {
        a.aos
            .cmp(&b.aos)
            .then(na.cmp(nb))
            .then_with(|| a.object_id.cmp(&b.object_id))
            .then_with(|| a.station.cmp(&b.station))
    });
    write(out, &passes)
}

fn write(mut out: Output, passes: &[(u64, Pass)]) -> CliResult {
    let mut text = String::from(
        "object_id,station,aos_utc,tca_utc,los_utc,max_elevation_deg,duration_s,partial\n",
    );
    for (_, p) in passes {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{:.4},{:.3},{}",
            p.object_id,
            p.station,
            format_utc(p.aos),
            format_utc(p.tca),
            format_utc(p.los),
            p.max_elevation_rad.to_degrees(),
            p.duration().to_seconds(),
            p.partial
        );
        if text.len() > 1 << 16 {
            out.write_str(&text)?;
            text.clear();
        }
    }
    out.write_str(&text)?;
    out.finish()
}
