//! `skytwin propagate`: SGP4/SDP4 states on a time grid, as CSV or CCSDS OEM.
//!
//! CSV columns (a contract): teme/itrf
//! `object_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s`;
//! geodetic `object_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km`. Positions are
//! written to 1e-9 km, velocities to 1e-12 km/s, angles to 1e-10 deg.

use super::error::{CliError, CliResult};
use super::input::{self, Job, Sgp4ModeArg};
use super::output::Output;
use clap::ValueEnum;
use orbit::{
    Duration, EarthOrientation, Epoch, PropagationError, TimeSpec, format_utc, itrf_to_geodetic,
    teme_to_itrf,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Rows of one object computed as one unit of parallel work (the default of the hidden
/// `--chunk-rows`).
const DEFAULT_CHUNK_ROWS: u64 = 4096;
/// Units computed in parallel before their rows are written in input order. At most
/// `UNITS_PER_BATCH × chunk rows` rows (~10 MB of text by default) are held at once, whatever
/// the number of objects and rows.
const UNITS_PER_BATCH: u64 = 16;

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
Rows run from --start to --end inclusive on the --step grid; --end equal to --start gives one row per object. \
Rows are written as they are computed, in input order, so any number of rows runs in bounded memory.\n\
An object whose propagation fails (decay, eccentricity out of range) is reported once on stderr and stops; \
the others go on (exit code 0). Bad input: exit code 2; the output cannot be written: exit code 1."
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
    /// Time step (positive).
    #[arg(long, value_name = "DUR", default_value = "1m", value_parser = input::positive_duration, allow_hyphen_values = true)]
    step: Duration,
    /// Frame of the states.
    #[arg(long, value_enum, default_value_t = Frame::Teme)]
    frame: Frame,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// SGP4 variant: Vallado's improved mode, or AFSPC-compatible mode (differs for deep space).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = Sgp4ModeArg::Improved)]
    sgp4_mode: Sgp4ModeArg,
    /// IERS finals2000A file for UT1-UTC and polar motion (itrf/geodetic) [default: UT1 = UTC].
    #[arg(long, value_name = "FILE")]
    eop: Option<PathBuf>,
    /// Write to FILE instead of stdout (a regular file is replaced atomically).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Rows per unit of parallel work (tuning and tests; the output does not depend on it).
    #[arg(long, hide = true, value_name = "N", default_value_t = DEFAULT_CHUNK_ROWS,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    chunk_rows: u64,
}

/// What every unit of work needs besides its rows.
#[derive(Debug, Clone, Copy)]
struct Settings<'a> {
    step_ns: i128,
    frame: Frame,
    format: Format,
    eop: &'a EarthOrientation,
}

/// Rows `first..end` of one object's grid.
#[derive(Debug, Clone, Copy)]
struct Unit {
    job: usize,
    first: i128,
    end: i128,
    /// Whether `end` is the object's last row (after a pre-scan, its last good row).
    last_of_job: bool,
}

/// What one unit produced: formatted rows, their count, the last row's time, and the error
/// that stopped the object inside the unit.
#[derive(Debug)]
struct Chunk {
    text: String,
    rows: i128,
    last: Option<Epoch>,
    error: Option<PropagationError>,
}

/// The instant of row `k` of a job's grid: start + k·step, exactly.
fn row_time(job: &Job, step_ns: i128, k: i128) -> Epoch {
    job.start + Duration::from_total_nanoseconds(step_ns * k)
}

/// Number of rows of a job's grid: the k ≥ 0 with start + k·step ≤ end. Estimated from the
/// window length, then fixed against that definition by galloping and bisection.
fn row_count(job: &Job, step_ns: i128) -> i128 {
    let ok = |k: i128| row_time(job, step_ns, k) <= job.end;
    if !ok(0) {
        return 0;
    }
    let estimate = ((job.end - job.start).total_nanoseconds() / step_ns).max(0);
    // find lo, hi with ok(lo) and !ok(hi)
    let (mut lo, mut hi);
    if ok(estimate) {
        lo = estimate;
        let mut gap = 1;
        hi = estimate + gap;
        while ok(hi) {
            lo = hi;
            gap *= 2;
            hi = estimate + gap;
        }
    } else {
        hi = estimate;
        let mut gap = 1;
        lo = (estimate - gap).max(0);
        while !ok(lo) {
            hi = lo;
            gap *= 2;
            lo = (estimate - gap).max(0);
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo + 1
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
    let jobs = input::jobs(sets, &start, &end, &args.elements, args.sgp4_mode.mode())?;
    if args.frame != Frame::Teme {
        input::warn_outside_eop(&eop, args.eop.as_deref(), &jobs);
    }
    let mut out = Output::create(args.out.as_deref())?;
    match args.format {
        Format::Csv => out.write_str(match args.frame {
            Frame::Geodetic => "object_id,time_utc,minutes_since_epoch,lat_deg,lon_deg,alt_km\n",
            _ => "object_id,time_utc,minutes_since_epoch,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s\n",
        })?,
        Format::Oem => out.write_str(&oem_header(&args))?,
    }
    let settings = Settings {
        step_ns: args.step.total_nanoseconds(),
        frame: args.frame,
        format: args.format,
        eop: &eop,
    };
    stream(&jobs, settings, i128::from(args.chunk_rows), &mut out)?;
    out.finish()
}

/// Computes and writes every job's rows in input order, a bounded batch of units at a time.
///
/// Objects of at most one batch of rows are kept whole in one batch (so an OEM segment header
/// knows its last row); longer ones run over several batches, and for OEM are pre-scanned
/// for the first failing row (SGP4 only), since the header precedes the rows.
fn stream(jobs: &[Job], settings: Settings<'_>, chunk_rows: i128, out: &mut Output) -> CliResult {
    let batch_rows = chunk_rows * i128::from(UNITS_PER_BATCH);
    // planner: the next row to schedule, and the current job's row count (capped by its
    // pre-scan)
    let (mut job, mut next_row, mut job_rows) = (0_usize, 0_i128, None::<i128>);
    // pre-scan results of long OEM objects: rows before the failure, and the failure
    let mut prescans: HashMap<usize, (i128, Option<PropagationError>)> = HashMap::new();
    // writer: the job being written, its rows so far, whether it stopped
    let mut writing: Option<(usize, i128, bool)> = None;
    loop {
        let mut units: Vec<Unit> = Vec::new();
        let mut planned = 0_i128;
        while job < jobs.len() && planned < batch_rows {
            let rows = match job_rows {
                Some(n) => n,
                None => {
                    let mut n = row_count(&jobs[job], settings.step_ns);
                    if n <= batch_rows && planned > 0 && planned + n > batch_rows {
                        break; // keep a short object whole: it starts the next batch
                    }
                    if settings.format == Format::Oem && n > batch_rows {
                        let (good, error) = first_failure(&jobs[job], n, settings, chunk_rows);
                        n = good;
                        prescans.insert(job, (good, error));
                    }
                    job_rows = Some(n);
                    n
                }
            };
            let end = (next_row + chunk_rows).min(rows);
            units.push(Unit {
                job,
                first: next_row,
                end,
                last_of_job: end == rows,
            });
            planned += end - next_row;
            next_row = end;
            if end == rows {
                (job, next_row, job_rows) = (job + 1, 0, None);
            }
        }
        if units.is_empty() {
            return Ok(());
        }
        let chunks: Vec<Chunk> = units
            .par_iter()
            .map(|u| compute(&jobs[u.job], u, settings))
            .collect();
        for (i, (unit, chunk)) in units.iter().zip(&chunks).enumerate() {
            let (rows_so_far, stopped) = match writing {
                Some((j, rows, stopped)) if j == unit.job => (rows, stopped),
                _ => (0, false),
            };
            if stopped {
                continue;
            }
            let this = &jobs[unit.job];
            if settings.format == Format::Oem && unit.first == 0 {
                let last = match prescans.get(&unit.job) {
                    Some(&(good, _)) => {
                        (good > 0).then(|| row_time(this, settings.step_ns, good - 1))
                    }
                    None => last_row_in_batch(&units[i..], &chunks[i..]),
                };
                if let Some(last) = last {
                    // row 0 is at the window start
                    out.write_str(&oem_segment_header(this, settings.frame, this.start, last))?;
                }
            }
            out.write_str(&chunk.text)?;
            let rows = rows_so_far + chunk.rows;
            let error = match &chunk.error {
                Some(e) => Some(e.clone()),
                None if unit.last_of_job => prescans.remove(&unit.job).and_then(|(_, e)| e),
                None => None,
            };
            if let Some(e) = &error {
                eprintln!(
                    "warning: {e}; propagation of object {} stopped after {rows} rows",
                    this.set.object_id
                );
            }
            writing = Some((unit.job, rows, error.is_some()));
            // a long object that stopped: schedule no more of it
            if error.is_some() && job == unit.job && job_rows.is_some() {
                prescans.remove(&job);
                (job, next_row, job_rows) = (job + 1, 0, None);
            }
        }
    }
}

/// The last row's time of the object whose first unit opens `units`, all of whose units are
/// in this batch: up to the unit where it stopped.
fn last_row_in_batch(units: &[Unit], chunks: &[Chunk]) -> Option<Epoch> {
    let job = units.first()?.job;
    let mut last = None;
    for (unit, chunk) in units.iter().zip(chunks).take_while(|(u, _)| u.job == job) {
        last = chunk.last.or(last);
        if chunk.error.is_some() || unit.last_of_job {
            break;
        }
    }
    last
}

/// Rows before the first row that fails to propagate (and its error), scanning `rows` rows
/// in parallel a batch of units at a time; `(rows, None)` when none fails.
fn first_failure(
    job: &Job,
    rows: i128,
    settings: Settings<'_>,
    chunk_rows: i128,
) -> (i128, Option<PropagationError>) {
    let batch_rows = chunk_rows * i128::from(UNITS_PER_BATCH);
    let mut first = 0;
    while first < rows {
        let starts: Vec<i128> = (0..i128::from(UNITS_PER_BATCH))
            .map(|u| first + u * chunk_rows)
            .filter(|&s| s < rows)
            .collect();
        let failure = starts.par_iter().find_map_first(|&s| {
            let times: Vec<Epoch> = (s..(s + chunk_rows).min(rows))
                .map(|k| row_time(job, settings.step_ns, k))
                .collect();
            (s..)
                .zip(job.prop.states_at(&times))
                .find_map(|(k, state)| state.err().map(|e| (k, e)))
        });
        if let Some((k, e)) = failure {
            return (k, Some(e));
        }
        first += batch_rows;
    }
    (rows, None)
}

/// Propagates one unit's rows and formats them.
fn compute(job: &Job, unit: &Unit, settings: Settings<'_>) -> Chunk {
    let mut chunk = Chunk {
        text: String::new(),
        rows: 0,
        last: None,
        error: None,
    };
    let id = &job.set.object_id;
    // one call for the unit's times: a resonant deep-space orbit's integrator then continues
    // from row to row instead of restarting at the epoch (identical states)
    let times: Vec<Epoch> = (unit.first..unit.end)
        .map(|k| row_time(job, settings.step_ns, k))
        .collect();
    for (&t, state) in times.iter().zip(job.prop.states_at(&times)) {
        let state = match state {
            Ok(s) => s,
            Err(e) => {
                chunk.error = Some(e);
                break;
            }
        };
        let (r, v) = match settings.frame {
            Frame::Teme => (state.pos_teme_km, state.vel_teme_km_s),
            Frame::Itrf | Frame::Geodetic => {
                teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, t, settings.eop)
            }
        };
        let time = format_utc(t);
        // writing to a String cannot fail
        let _ = match (settings.format, settings.frame) {
            (Format::Csv, Frame::Geodetic) => {
                let g = itrf_to_geodetic(&r);
                writeln!(
                    chunk.text,
                    "{id},{time},{:.9},{:.10},{:.10},{:.9}",
                    job.prop.minutes_since_epoch(t),
                    g.lat_rad.to_degrees(),
                    g.lon_rad.to_degrees(),
                    g.alt_km
                )
            }
            (Format::Csv, _) => writeln!(
                chunk.text,
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
                chunk.text,
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
        chunk.rows += 1;
        chunk.last = Some(t);
    }
    chunk
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

/// The file name of a path, for comments.
fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn oem_header(args: &Args) -> String {
    let source = file_name(&args.elements);
    let earth = match (args.frame, &args.eop) {
        (Frame::Teme, _) => String::new(),
        (_, None) => {
            "COMMENT ITRF from GMST-1982 with UT1 = UTC and no polar motion (no --eop file given)\n"
                .to_owned()
        }
        (_, Some(eop)) => format!(
            "COMMENT ITRF from GMST-1982 of UT1 and polar motion from {}\n",
            file_name(eop)
        ),
    };
    format!(
        "CCSDS_OEM_VERS = 3.0\n\
         COMMENT skytwin {} propagate: SGP4/SDP4 ({}, WGS-72) of {source}\n\
         {earth}\
         CREATION_DATE = {}\n\
         ORIGINATOR = SKYTWIN\n",
        env!("CARGO_PKG_VERSION"),
        args.sgp4_mode.describe(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use orbit::{Propagator, parse_elements, parse_utc};

    fn job(start: &str, end: &str) -> Job {
        let set = parse_elements(
            "1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992\n\
             2 25544  51.6424  32.9776 0003646  28.7227  39.5332 15.54190080 95614\n",
            "iss",
        )
        .unwrap()
        .remove(0);
        Job {
            prop: Propagator::new(&set).unwrap(),
            set,
            start: parse_utc(start).unwrap(),
            end: parse_utc(end).unwrap(),
        }
    }

    /// The grid as the former row loop walked it: k = 0, 1, ... while start + k·step ≤ end.
    fn walked(job: &Job, step_ns: i128) -> i128 {
        (0..)
            .take_while(|&k| row_time(job, step_ns, k) <= job.end)
            .count() as i128
    }

    #[test]
    fn regress_row_count_is_the_inclusive_grid() {
        let windows = [
            ("2018-01-20T00:00:00Z", "2018-01-20T00:00:00Z"),
            ("2018-01-20T00:00:00Z", "2018-01-20T01:00:00Z"),
            ("2018-01-20T00:00:00Z", "2018-01-20T00:59:59.999999999Z"),
            // across the leap second at the end of 2016
            ("2016-12-31T23:30:00Z", "2017-01-01T00:30:00Z"),
            ("2016-12-31T23:59:59Z", "2017-01-01T00:00:01Z"),
        ];
        for (start, end) in windows {
            let job = job(start, end);
            for step_ns in [1_000_000_000, 7_000_000_000, 60_000_000_000, 333_333_333, 1] {
                if step_ns == 1 && end != start {
                    continue; // billions of rows: counted below without walking
                }
                assert_eq!(
                    row_count(&job, step_ns),
                    walked(&job, step_ns),
                    "{start} {end} {step_ns}"
                );
            }
        }
        // a day at 1 ns: 86 400 000 000 001 rows, and the last one is on the end
        let day = job("2018-01-20T00:00:00Z", "2018-01-21T00:00:00Z");
        let n = row_count(&day, 1);
        assert_eq!(n, 86_400_000_000_001);
        assert_eq!(row_time(&day, 1, n - 1), day.end);
    }
}
