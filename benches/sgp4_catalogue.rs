//! SGP4 catalogue propagation: a deterministic synthetic catalogue of 30 000 objects
//! (LEO/MEO/GEO/HEO mix) × 1 440 one-minute steps, on a rayon pool of 1 thread and of all
//! threads. Throughput is reported per propagation (one object at one time).
//!
//! Run: `cargo bench --bench sgp4_catalogue` (each sample propagates 43.2 million states;
//! criterion's minimum of 10 samples takes a few minutes per thread count).
//!
//! Groups: `sgp4_catalogue` — wall time, the whole catalogue on 1 thread and on all threads;
//! `sgp4_cpu` — CPU time of the process (all its threads, Linux), which other jobs on a
//! shared machine disturb far less than wall time: the whole catalogue on 1 thread, then the
//! first 1 000 objects of each orbit class on 1 thread.
//!
//! The catalogue goes through `orbit::propagate_batch_into` in chunks of 1 000 objects into
//! one results buffer allocated before timing and reused for every chunk and iteration, as a
//! library user propagating a catalogue repeatedly would: nothing is allocated per
//! propagation, and the process runs with the allocator's defaults (no tuning).
//!
//! `benches/sgp4_vs_python.py` runs this bench and python-sgp4's `SatrecArray` on the same
//! objects and times, checks that both compute the same states, and prints the ratio. For
//! that the catalogue is written as TLE to `target/bench-data/catalogue.tle` and read back, so
//! the benchmark propagates exactly the (TLE-rounded) objects that python-sgp4 propagates,
//! and the bench writes `target/bench-data/reference_states.csv` (the first 1 000 objects at 5
//! times: TEME state, or the failure as Vallado's error code).
//!
//! # The catalogue (documented formula, seeded)
//!
//! Object i = 0..29 999 draws its values from SplitMix64 (Steele, Lea & Flood 2014) seeded
//! with `0x5EED_0000 + i`; `u()` is the next value mapped to [0, 1). Classes by `i mod 20`:
//! 0–13 LEO (70 %), 14–15 MEO (10 %), 16–17 GEO (10 %), 18–19 HEO (10 %: Molniya and GTO
//! alternately).
//!
//! | class | altitude / mean motion | e | i (deg) | B* |
//! |---|---|---|---|---|
//! | LEO | 300 + 1700 u km (Kepler) | 0.02 u | 110 u | 1e-5 + 4.9e-4 u |
//! | MEO | 19 000 + 5 000 u km | 0.02 u | 50 + 15 u | 1e-4 |
//! | GEO | n = 1.0027 ± 0.01 rev/day | 0.001 u | 15 u | 1e-4 |
//! | Molniya | n = 2.006 ± 0.005 rev/day | 0.6 + 0.15 u | 63.4 | 1e-4 |
//! | GTO | n = 2.25 ± 0.05 rev/day | 0.70 + 0.03 u | 7 + 21 u | 1e-4 |
//!
//! Node, argument of perigee and mean anomaly are 360 u each; epochs are
//! 2024-03-01T00:00Z + (2 u − 1) days. The time grid is 2024-03-01T00:00Z + k minutes,
//! k = 0..1439.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use orbit::constants::{MU_EARTH_KM3_S2, WGS84_A_KM};
use orbit::{
    BatchEntry, BatchTimes, Duration, ElementSet, Epoch, Propagator, Sgp4Failure, parse_elements,
    parse_utc, propagate_batch_into,
};
use std::f64::consts::TAU;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;

const OBJECTS: u64 = 30_000;
const STEPS: i64 = 1_440;
/// Objects per `propagate_batch_into` call (the results buffer holds one chunk: 1 000 × 1 440
/// entries of 72 bytes, 104 MB).
const CHUNK: usize = 1_000;
/// Objects in `reference_states.csv`.
const REFERENCE_OBJECTS: usize = 1_000;

/// SplitMix64 (Steele, Lea & Flood 2014): x += 0x9E3779B97F4A7C15; z = x;
/// z = (z ^ z>>30) · 0xBF58476D1CE4E5B9; z = (z ^ z>>27) · 0x94D049BB133111EB; z ^ z>>31.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    fn u(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// Kepler mean motion of a circular orbit at `altitude_km`, rev/day.
fn mean_motion_rev_day(altitude_km: f64) -> f64 {
    let a = WGS84_A_KM + altitude_km;
    (MU_EARTH_KM3_S2 / (a * a * a)).sqrt() * 86_400.0 / TAU
}

/// Object `i` of the synthetic catalogue (see the module documentation).
fn synthetic(i: u64, t0: Epoch) -> ElementSet {
    let mut r = SplitMix64(0x5EED_0000 + i);
    let (n, e, inc_deg, bstar) = match i % 20 {
        0..=13 => (
            mean_motion_rev_day(300.0 + 1700.0 * r.u()),
            0.02 * r.u(),
            110.0 * r.u(),
            1e-5 + 4.9e-4 * r.u(),
        ),
        14..=15 => (
            mean_motion_rev_day(19_000.0 + 5_000.0 * r.u()),
            0.02 * r.u(),
            50.0 + 15.0 * r.u(),
            1e-4,
        ),
        16..=17 => (
            1.0027 + 0.02 * (r.u() - 0.5),
            0.001 * r.u(),
            15.0 * r.u(),
            1e-4,
        ),
        18 => (2.006 + 0.01 * (r.u() - 0.5), 0.6 + 0.15 * r.u(), 63.4, 1e-4),
        _ => (
            2.25 + 0.1 * (r.u() - 0.5),
            0.70 + 0.03 * r.u(),
            7.0 + 21.0 * r.u(),
            1e-4,
        ),
    };
    let (raan, argp, ma) = (360.0 * r.u(), 360.0 * r.u(), 360.0 * r.u());
    let epoch = t0 + Duration::from_seconds((2.0 * r.u() - 1.0) * 86_400.0);
    let norad_id = 10_000 + i;
    ElementSet {
        object_id: norad_id.to_string(),
        norad_id,
        name: None,
        international_designator: None,
        epoch,
        inclination_rad: inc_deg.to_radians(),
        raan_rad: raan.to_radians(),
        eccentricity: e,
        arg_perigee_rad: argp.to_radians(),
        mean_anomaly_rad: ma.to_radians(),
        mean_motion_rev_day: n,
        mean_motion_dot_rev_day2: 0.0,
        mean_motion_ddot_rev_day3: 0.0,
        bstar_per_earth_radius: bstar,
        element_set_number: 999,
        revolution_number: 0,
        ephemeris_type: 0,
        classification: 'U',
    }
}

fn bench_data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// Writes the catalogue as TLE, reads it back and initialises the propagators.
fn catalogue(t0: Epoch) -> Vec<Propagator> {
    let mut text = String::new();
    for i in 0..OBJECTS {
        let (l1, l2) = synthetic(i, t0).to_tle_lines().expect("representable");
        let _ = writeln!(text, "{l1}\n{l2}");
    }
    let dir = bench_data_dir();
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    std::fs::write(dir.join("catalogue.tle"), &text).expect("write catalogue.tle");
    let sets = parse_elements(&text, "catalogue.tle").expect("the catalogue reads back");
    assert_eq!(sets.len() as u64, OBJECTS);
    sets.iter()
        .map(|s| Propagator::new(s).expect("SGP4 initialises"))
        .collect()
}

/// Vallado's error code for a failure (`sgp4.cpp`): 1 mean eccentricity out of range, 3
/// perturbed eccentricity out of range, 4 negative semi-latus rectum, 6 decayed; a non-finite
/// state has no code (python-sgp4 gives NaN): 99.
fn vallado_error_code(failure: &Sgp4Failure) -> u8 {
    match failure {
        Sgp4Failure::Eccentricity {
            perturbed: false, ..
        } => 1,
        Sgp4Failure::Eccentricity {
            perturbed: true, ..
        } => 3,
        Sgp4Failure::SemiLatusRectum => 4,
        Sgp4Failure::Decayed { .. } => 6,
        Sgp4Failure::NonFinite => 99,
    }
}

/// Reference states for the Python script's cross-check: every propagation of the first
/// `REFERENCE_OBJECTS` objects at 5 of the times, through the same batch call as the bench.
fn write_reference_states(props: &[Propagator], times: &[Epoch]) {
    const MINUTES: [usize; 5] = [0, 1, 360, 720, 1439];
    let some_times = BatchTimes::new(&MINUTES.map(|m| times[m]));
    let objects = &props[..REFERENCE_OBJECTS];
    let mut states = vec![Err(Sgp4Failure::NonFinite); objects.len() * MINUTES.len()];
    propagate_batch_into(objects, &some_times, &mut states).expect("buffer size");
    let mut text = String::from("object_id,minute,error,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s\n");
    for (k, state) in states.iter().enumerate() {
        let id = objects[k / MINUTES.len()].object_id();
        let minute = MINUTES[k % MINUTES.len()];
        let _ = match state {
            Ok(s) => {
                let (r, v) = (s.pos_teme_km, s.vel_teme_km_s);
                writeln!(
                    text,
                    "{id},{minute},0,{:.9},{:.9},{:.9},{:.12},{:.12},{:.12}",
                    r.x, r.y, r.z, v.x, v.y, v.z
                )
            }
            Err(f) => writeln!(text, "{id},{minute},{},,,,,,", vallado_error_code(f)),
        };
    }
    std::fs::write(bench_data_dir().join("reference_states.csv"), text)
        .expect("write reference_states.csv");
}

/// Propagates every object to every time in chunks of `CHUNK` objects into `buffer` (at least
/// `CHUNK × times` entries, reused for every chunk); returns the number of failed
/// propagations.
fn propagate_all(props: &[Propagator], times: &BatchTimes, buffer: &mut [BatchEntry]) -> usize {
    let mut failed = 0;
    for chunk in props.chunks(CHUNK) {
        let out = &mut buffer[..chunk.len() * times.len()];
        failed += propagate_batch_into(chunk, times, out).expect("buffer size");
        black_box(&*out);
    }
    failed
}

/// A results buffer for one chunk of the catalogue, allocated once before timing.
fn chunk_buffer(times: &BatchTimes) -> Vec<BatchEntry> {
    vec![Err(Sgp4Failure::NonFinite); CHUNK * times.len()]
}

fn sgp4_catalogue(c: &mut Criterion) {
    let t0 = parse_utc("2024-03-01T00:00:00Z").unwrap();
    let props = catalogue(t0);
    let times: Vec<Epoch> = (0..STEPS)
        .map(|k| t0 + Duration::from_seconds(60.0 * k as f64))
        .collect();
    write_reference_states(&props, &times);
    let times = BatchTimes::new(&times);
    let mut buffer = chunk_buffer(&times);
    let failed = propagate_all(&props[..CHUNK], &times, &mut buffer);
    eprintln!(
        "sgp4_catalogue: {OBJECTS} objects x {STEPS} steps; {failed} failed propagations in the first {CHUNK} objects"
    );

    let mut group = c.benchmark_group("sgp4_catalogue");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(60));
    group.throughput(Throughput::Elements(OBJECTS * STEPS as u64));
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1];
    if all > 1 {
        counts.push(all);
    }
    for threads in counts {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| propagate_all(black_box(&props), &times, &mut buffer)))
        });
    }
    group.finish();
}

/// CPU time of the whole catalogue, then of the first `CLASS_OBJECTS` objects of each orbit
/// class (by `i mod 20`, see the module documentation), × 1 440 steps on one thread.
fn sgp4_cpu(c: &mut Criterion<ProcessCpuTime>) {
    let t0 = parse_utc("2024-03-01T00:00:00Z").unwrap();
    let props = catalogue(t0);
    let times: Vec<Epoch> = (0..STEPS)
        .map(|k| t0 + Duration::from_seconds(60.0 * k as f64))
        .collect();
    let times = BatchTimes::new(&times);
    let mut buffer = chunk_buffer(&times);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("sgp4_cpu");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(60));
    group.throughput(Throughput::Elements(OBJECTS * STEPS as u64));
    group.bench_function(BenchmarkId::new("threads_1", "catalogue"), |b| {
        b.iter(|| pool.install(|| propagate_all(black_box(&props), &times, &mut buffer)))
    });
    group.measurement_time(std::time::Duration::from_secs(15));
    for (name, classes) in CLASSES {
        let subset: Vec<Propagator> = props
            .iter()
            .enumerate()
            .filter(|(i, _)| classes.contains(&(*i as u64 % 20)))
            .take(CLASS_OBJECTS)
            .map(|(_, p)| p.clone())
            .collect();
        group.throughput(Throughput::Elements(subset.len() as u64 * STEPS as u64));
        group.bench_function(BenchmarkId::new("threads_1", name), |b| {
            b.iter(|| pool.install(|| propagate_all(black_box(&subset), &times, &mut buffer)))
        });
    }
    group.finish();
}

/// Criterion measurement: CPU time of all threads of this process in ns, the sum of the first
/// field of `/proc/self/task/*/schedstat` (Linux). Threads that exit in between (none here:
/// the pools live through each benchmark) would be missed.
struct ProcessCpuTime;

fn process_cpu_ns() -> u64 {
    let tasks = std::fs::read_dir("/proc/self/task").expect("/proc/self/task (Linux)");
    tasks
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
            stat.split_whitespace().next()?.parse::<u64>().ok()
        })
        .sum()
}

impl Measurement for ProcessCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        process_cpu_ns()
    }

    fn end(&self, start: u64) -> u64 {
        process_cpu_ns().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuTimeFormatter
    }
}

/// Formats CPU nanoseconds as seconds or milliseconds of CPU time.
struct CpuTimeFormatter;

impl ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical_ns >= 1e9 {
            (1e-9, "s (cpu)")
        } else {
            (1e-6, "ms (cpu)")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical_ns: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let elements = match throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                *n as f64
            }
            _ => 1.0,
        };
        // ns of CPU per element
        values.iter_mut().for_each(|v| *v /= elements);
        "ns (cpu)/elem"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// Objects per class in `sgp4_cpu`.
const CLASS_OBJECTS: usize = 1_000;

/// Orbit classes by `i mod 20` (see the module documentation).
const CLASSES: [(&str, std::ops::RangeInclusive<u64>); 4] = [
    ("leo", 0..=13),
    ("meo", 14..=15),
    ("geo", 16..=17),
    ("heo", 18..=19),
];

criterion_group!(benches, sgp4_catalogue);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ProcessCpuTime);
    targets = sgp4_cpu
}
criterion_main!(benches, cpu);
