//! `skytwin eclipses`: Earth-shadow intervals of objects.
//!
//! CSV columns (a contract): `object_id,kind,start_utc,end_utc,duration_s` with `kind` =
//! `penumbra` (from the first to the last partial shadow, around an umbra if any) or `umbra`;
//! an interval cut by the window is clipped to it. Sorted by start, then object (catalogue
//! number), penumbra before umbra.

use super::error::CliResult;
use super::input::{self, Sgp4ModeArg};
use super::output::Output;
use orbit::{EclipseInterval, ShadowState, TimeSpec, format_utc, search_eclipses};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `skytwin eclipses`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Times T: an RFC 3339 UTC time (2024-03-01T00:00:00Z), or epoch, epoch+90m, epoch-1d \
relative to each element set's own epoch.\n\
Shadow model: conical umbra and penumbra of a spherical Earth (6378.137 km), Sun from the Astronomical Almanac's \
low-precision series; boundaries found to better than 0.1 s."
)]
pub struct Args {
    /// Element sets: TLE/3LE, OMM JSON or OMM CSV, recognised from the content.
    #[arg(long, value_name = "FILE")]
    elements: PathBuf,
    /// Window start.
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    start: TimeSpec,
    /// Window end.
    #[arg(long, value_name = "T", value_parser = input::time_spec)]
    end: TimeSpec,
    /// SGP4 variant: Vallado's improved mode, or AFSPC-compatible mode (differs for deep space).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = Sgp4ModeArg::Improved)]
    sgp4_mode: Sgp4ModeArg,
    /// Write to FILE instead of stdout (a regular file is replaced atomically).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `skytwin eclipses`.
pub fn run(args: Args) -> CliResult {
    let sets = input::elements(&args.elements)?;
    let jobs = input::jobs(
        sets,
        &args.start,
        &args.end,
        &args.elements,
        args.sgp4_mode.mode(),
    )?;
    let mut out = Output::create(args.out.as_deref())?;
    let searches: Vec<_> = jobs
        .par_iter()
        .map(|job| search_eclipses(&job.prop, job.start, job.end).map(|s| (job.set.norad_id, s)))
        .collect::<Result<_, _>>()
        .map_err(|e| input::window_error(&e, &args.start, &args.end, &args.elements))?;
    let mut intervals: Vec<(u64, EclipseInterval)> = Vec::new();
    for (job, (norad, search)) in jobs.iter().zip(searches) {
        if let Some(e) = search.stopped {
            eprintln!(
                "warning: {e}; eclipses of object {} after that are not computed",
                job.set.object_id
            );
        }
        intervals.extend(search.intervals.into_iter().map(|i| (norad, i)));
    }
    let rank = |k: ShadowState| u8::from(k == ShadowState::Umbra);
    intervals.sort_by(|(na, a), (nb, b)| {
        a.start
            .cmp(&b.start)
            .then(na.cmp(nb))
            .then_with(|| a.object_id.cmp(&b.object_id))
            .then(rank(a.kind).cmp(&rank(b.kind)))
    });
    let mut text = String::from("object_id,kind,start_utc,end_utc,duration_s\n");
    for (_, e) in &intervals {
        let _ = writeln!(
            text,
            "{},{},{},{},{:.3}",
            e.object_id,
            e.kind.as_str(),
            format_utc(e.start),
            format_utc(e.end),
            e.duration().to_seconds()
        );
        if text.len() > 1 << 16 {
            out.write_str(&text)?;
            text.clear();
        }
    }
    out.write_str(&text)?;
    out.finish()
}
