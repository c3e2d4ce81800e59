//! `skytwin propagate`: SGP4/SDP4 states on a time grid, as CSV or CCSDS OEM.
//!
//! CSV columns (a contract): teme/itrf
//! `object_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s`;
//! geodetic `object_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km`. Positions are
//! written to 1e-9 km, velocities to 1e-12 km/s, angles to 1e-10 deg.

use super::error::{CliError, CliResult};
use super::input::{self, Job};
use super::output::Output;
use clap::ValueEnum;
use orbit::{
    Duration, EarthOrientation, Epoch, PropagationError, TimeSpec, format_utc, itrf_to_geodetic,
    teme_to_itrf,
};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Objects computed in parallel before their rows are written in input order.
const CHUNK: usize = 64;

/// Output frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Frame {
    /// True equator, mean equinox of date (SGP4's frame; "ECI" in skytwin).
    Teme,
    /// Earth-fixed (GMST-1982 of UT1, polar motion with --eop).
    Itrf,
    /// WGS-84 latitude, longitude, height (from ITRF).
    Geodetic,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// CCSDS Orbit Ephemeris Message (502.0-B-3), KVN, one segment per object.
    Oem,
}

/// Arguments of `skytwin propagate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Times T: an RFC 3339 UTC time (2024-03-01T00:00:00Z), or epoch, epoch+90m, epoch-1d, \
epoch+54.2028672m relative to each element set's own epoch. Durations: 30s, 15m, 6h, 1d, 0.5s.\n\
Rows run from --start to --end inclusive on the --step grid; --end equal to --start gives one row per object.\n\
An object whose propagation fails (decay, eccentricity out of range) is reported once on stderr and stops; \
the others go on (exit code 0). Bad input: exit code 2."
)]
pub struct Args {
    /// Element sets: TLE/3LE, OMM JSON or OMM CSV, recognised from the content.
    #[arg(long, value_name = "FILE")]
    elements: PathBuf,
    /// First time [default: epoch].
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    start: Option<TimeSpec>,
    /// Last time, inclusive [default: start + 1d].
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    end: Option<TimeSpec>,
    /// Time step.
    #[arg(long, value_name = "DUR", default_value = "1m", value_parser = input::positive_duration, allow_hyphen_values = true)]
    step: Duration,
    /// Frame of the states.
    #[arg(long, value_enum, default_value_t = Frame::Teme)]
    frame: Frame,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// IERS finals2000A file for UT1-UTC and polar motion (itrf/geodetic) [default: UT1 = UTC].
    #[arg(long, value_name = "FILE")]
    eop: Option<PathBuf>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// What one object produced: formatted rows, their count and first/last time, and the error
/// that stopped it.
struct ObjectOutput {
    text: String,
    rows: usize,
    first: Option<Epoch>,
    last: Option<Epoch>,
    error: Option<PropagationError>,
}

/// Runs `skytwin propagate`.
pub fn run(args: Args) -> CliResult {
    if args.format == Format::Oem && args.frame == Frame::Geodetic {
        return Err(CliError::bad_input_msg(
            "--format oem holds Cartesian states: use --frame teme or --frame itrf with it",
        ));
    }
    let sets = input::elements(&args.elements)?;
    let eop = input::eop(args.eop.as_deref())?;
    let start = args.start.unwrap_or(TimeSpec::SinceEpoch(Duration::ZERO));
    let day = Duration::from_total_nanoseconds(86_400_000_000_000);
    let end = args.end.unwrap_or(match start {
        TimeSpec::Absolute(t) => TimeSpec::Absolute(t + day),
        TimeSpec::SinceEpoch(d) => TimeSpec::SinceEpoch(d + day),
    });
    let jobs = input::jobs(sets, &start, &end, &args.elements)?;
    let mut out = Output::create(args.out.as_deref())?;
    match args.format {
        Format::Csv => out.write_str(match args.frame {
            Frame::Geodetic => "object_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km\n",
            _ => "object_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s\n",
        })?,
        Format::Oem => out.write_str(&oem_header(&args.elements))?,
    }
    for chunk in jobs.chunks(CHUNK) {
        let results: Vec<ObjectOutput> = chunk
            .par_iter()
            .map(|job| object_rows(job, args.step, args.frame, args.format, &eop))
            .collect();
        for (job, result) in chunk.iter().zip(results) {
            if args.format == Format::Oem
                && let (Some(first), Some(last)) = (result.first, result.last)
            {
                out.write_str(&oem_segment_header(job, args.frame, first, last))?;
            }
            out.write_str(&result.text)?;
            if let Some(e) = result.error {
                eprintln!(
                    "warning: {e}; propagation of object {} stopped after {} rows",
                    job.set.object_id, result.rows
                );
            }
        }
    }
    out.finish()
}

/// Propagates one object over its grid and formats the rows.
fn object_rows(
    job: &Job,
    step: Duration,
    frame: Frame,
    format: Format,
    eop: &EarthOrientation,
) -> ObjectOutput {
    let mut result = ObjectOutput {
        text: String::new(),
        rows: 0,
        first: None,
        last: None,
        error: None,
    };
    let step_ns = step.total_nanoseconds();
    let id = &job.set.object_id;
    for k in 0_i128.. {
        let t = job.start + Duration::from_total_nanoseconds(step_ns * k);
        if t > job.end {
            break;
        }
        let state = match job.prop.state_at(t) {
            Ok(s) => s,
            Err(e) => {
                result.error = Some(e);
                break;
            }
        };
        let (r, v) = match frame {
            Frame::Teme => (state.pos_teme_km, state.vel_teme_km_s),
            Frame::Itrf | Frame::Geodetic => {
                teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, t, eop)
            }
        };
        let time = format_utc(t);
        // writing to a String cannot fail
        let _ = match (format, frame) {
            (Format::Csv, Frame::Geodetic) => {
                let g = itrf_to_geodetic(&r);
                writeln!(
                    result.text,
                    "{id},{time},{:.9},{:.10},{:.10},{:.9}",
                    job.prop.minutes_since_epoch(t),
                    g.lat_rad.to_degrees(),
                    g.lon_rad.to_degrees(),
                    g.alt_km
                )
            }
            (Format::Csv, _) => writeln!(
                result.text,
                "{id},{time},{:.9},{:.9},{:.9},{:.9},{:.12},{:.12},{:.12}",
                job.prop.minutes_since_epoch(t),
                r.x,
                r.y,
                r.z,
                v.x,
                v.y,
                v.z
            ),
            (Format::Oem, _) => writeln!(
                result.text,
                "{} {:.9} {:.9} {:.9} {:.12} {:.12} {:.12}",
                oem_time(t),
                r.x,
                r.y,
                r.z,
                v.x,
                v.y,
                v.z
            ),
        };
        result.rows += 1;
        result.first.get_or_insert(t);
        result.last = Some(t);
    }
    result
}

/// CCSDS time: RFC 3339 without the zone letter (TIME_SYSTEM says UTC).
fn oem_time(t: Epoch) -> String {
    let mut s = format_utc(t);
    s.pop();
    s
}

/// The creation time: `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds
/// convention) when set, so that identical inputs give byte-identical files; else now.
fn creation_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    oem_time(Epoch::from_unix_duration(Duration::from_total_nanoseconds(
        i128::from(seconds) * 1_000_000_000,
    )))
}

fn oem_header(elements: &std::path::Path) -> String {
    let source = elements
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "CCSDS_OEM_VERS = 3.0\n\
         COMMENT skytwin {} propagate: SGP4/SDP4 (improved mode, WGS-72) of {source}\n\
         CREATION_DATE = {}\n\
         ORIGINATOR = SKYTWIN\n",
        env!("CARGO_PKG_VERSION"),
        creation_date()
    )
}

fn oem_segment_header(job: &Job, frame: Frame, first: Epoch, last: Epoch) -> String {
    let set = &job.set;
    let name = set.name.clone().unwrap_or_else(|| set.object_id.clone());
    let object_id = set
        .international_designator
        .clone()
        .unwrap_or_else(|| set.object_id.clone());
    let frame = if frame == Frame::Itrf { "ITRF" } else { "TEME" };
    format!(
        "\nMETA_START\n\
         COMMENT NORAD catalogue number {}\n\
         OBJECT_NAME = {name}\n\
         OBJECT_ID = {object_id}\n\
         CENTER_NAME = EARTH\n\
         REF_FRAME = {frame}\n\
         TIME_SYSTEM = UTC\n\
         START_TIME = {}\n\
         STOP_TIME = {}\n\
         META_STOP\n\n",
        set.object_id,
        oem_time(first),
        oem_time(last),
    )
}
