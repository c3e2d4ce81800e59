//! Batch propagation of many objects on all cores (rayon), results in input order.
//!
//! [`propagate_batch_into`] writes into a buffer the caller owns and reuses, and allocates
//! nothing per propagation: a failure is a small `Copy` [`Sgp4Failure`] (the object and the
//! instant are known from the entry's place), which [`Propagator::error_for`] turns into a
//! full [`PropagationError`] when wanted. [`propagate_batch`] is the allocating convenience
//! with one vector per object.

use crate::propagate::{PropagationError, Propagator, Sgp4Failure, TemeState};
use crate::time::utc_nanoseconds_since_1900;
use hifitime::Epoch;
use rayon::prelude::*;

/// One entry of a batch buffer: the state, or why there is none.
pub type BatchEntry = Result<TemeState, Sgp4Failure>;

/// The instants of a batch, with their UTC offsets computed once for every object and every
/// call (build it once, propagate many chunks of a catalogue with it).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchTimes {
    times: Vec<Epoch>,
    utc_ns: Vec<i128>,
}

impl BatchTimes {
    /// The instants (UTC), in the order the results follow.
    pub fn new(times: &[Epoch]) -> Self {
        Self {
            times: times.to_vec(),
            utc_ns: times
                .iter()
                .map(|&t| utc_nanoseconds_since_1900(t))
                .collect(),
        }
    }

    /// The instants.
    pub fn times(&self) -> &[Epoch] {
        &self.times
    }

    /// The number of instants.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether there are no instants.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
}

/// A batch buffer of the wrong size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "batch buffer holds {found} entries (expected {objects} objects x {times} times = {expected})"
)]
pub struct BatchBufferError {
    /// Number of objects.
    pub objects: usize,
    /// Number of times.
    pub times: usize,
    /// objects × times.
    pub expected: usize,
    /// The buffer's length.
    pub found: usize,
}

/// Propagates every object to every time into `out`, in parallel over objects on the current
/// rayon pool (run it inside `ThreadPool::install` to choose the number of threads), and
/// returns the number of failed propagations. `out` holds `props.len() × times.len()` entries,
/// object-major: entry `i × times.len() + k` is object `i` at time `k`. Each object's row is
/// [`Propagator::states_at`]'s values, so the result does not depend on the number of
/// threads. Nothing is allocated per propagation.
pub fn propagate_batch_into(
    props: &[Propagator],
    times: &BatchTimes,
    out: &mut [BatchEntry],
) -> Result<usize, BatchBufferError> {
    let expected = props.len().saturating_mul(times.len());
    if out.len() != expected {
        return Err(BatchBufferError {
            objects: props.len(),
            times: times.len(),
            expected,
            found: out.len(),
        });
    }
    if times.is_empty() {
        return Ok(0);
    }
    Ok(out
        .par_chunks_mut(times.len())
        .zip(props.par_iter())
        .map(|(row, p)| p.states_into(&times.times, &times.utc_ns, row))
        .sum())
}

/// Propagates every object to every time, in parallel over objects on the current rayon pool:
/// [`propagate_batch_into`] with one allocated vector per object and the failures turned into
/// [`PropagationError`]s. The outer vector follows `props`, each inner vector follows `times`.
pub fn propagate_batch(
    props: &[Propagator],
    times: &[Epoch],
) -> Vec<Vec<Result<TemeState, PropagationError>>> {
    let batch_times = BatchTimes::new(times);
    props
        .par_iter()
        .map(|p| {
            let mut row = vec![Err(Sgp4Failure::NonFinite); times.len()];
            p.states_into(&batch_times.times, &batch_times.utc_ns, &mut row);
            row.into_iter()
                .zip(times)
                .map(|(entry, &t)| entry.map_err(|f| p.error_for(f, t)))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::parse_elements;
    use hifitime::Duration;

    /// Near-earth (00005, ISS), 12 h resonant (Molniya 08195), 24 h resonant (GEO 28626), a
    /// non-resonant deep-space orbit (GTO 23177) and one that decays 55 min after its epoch
    /// (28872), from Vallado's verification set (`tests/data/batch/README.md`).
    const OBJECTS: &str = include_str!("../tests/data/batch/objects.tle");

    fn objects() -> Vec<Propagator> {
        parse_elements(OBJECTS, "t")
            .unwrap()
            .iter()
            .map(|e| Propagator::new(e).unwrap())
            .collect()
    }

    #[test]
    fn regress_batch_matches_serial_in_order_at_any_thread_count() {
        let props = objects();
        let t0 = props[1].epoch();
        let times: Vec<Epoch> = (0..50)
            .map(|k| t0 + Duration::from_seconds(60.0 * f64::from(k)))
            .collect();
        let serial: Vec<Vec<_>> = props
            .iter()
            .map(|p| times.iter().map(|&t| p.state_at(t)).collect())
            .collect();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let batch = pool.install(|| propagate_batch(&props, &times));
            assert_eq!(batch, serial, "{threads} threads");
        }
    }

    #[test]
    fn regress_batch_into_matches_serial_in_order_at_any_thread_count() {
        // around the epoch of 28872, which decays: failures are written too
        let props = objects();
        let t0 = props[5].epoch();
        let times: Vec<Epoch> = (-30..30)
            .map(|k| t0 + Duration::from_seconds(300.0 * f64::from(k)))
            .collect();
        let serial: Vec<_> = props
            .iter()
            .flat_map(|p| times.iter().map(move |&t| p.state_at(t)))
            .collect();
        let batch_times = BatchTimes::new(&times);
        let mut out = vec![Err(Sgp4Failure::NonFinite); props.len() * times.len()];
        for threads in [1, 2, 3] {
            out.fill(Err(Sgp4Failure::SemiLatusRectum));
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let failed = pool
                .install(|| propagate_batch_into(&props, &batch_times, &mut out))
                .unwrap();
            assert_eq!(failed, serial.iter().filter(|s| s.is_err()).count());
            for (k, (entry, expected)) in out.iter().zip(&serial).enumerate() {
                let (p, t) = (&props[k / times.len()], times[k % times.len()]);
                assert_eq!(&entry.map_err(|f| p.error_for(f, t)), expected, "{threads}");
            }
        }
        assert!(serial.iter().any(|s| s.is_err()) && serial.iter().any(|s| s.is_ok()));
        // a buffer of the wrong size is an error, not a panic
        let mut short = vec![Err(Sgp4Failure::NonFinite); 3];
        assert_eq!(
            propagate_batch_into(&props, &batch_times, &mut short),
            Err(BatchBufferError {
                objects: 6,
                times: 60,
                expected: 360,
                found: 3
            })
        );
        // no times: nothing to do
        assert_eq!(
            propagate_batch_into(&props, &BatchTimes::new(&[]), &mut []),
            Ok(0)
        );
    }

    #[test]
    fn regress_states_at_equals_state_at_bit_for_bit_in_any_time_order() {
        // the resonance integrator continues between times when they run away from the
        // epoch and restarts otherwise: the states must not depend on the path
        for p in objects() {
            let e = p.epoch();
            let minutes = [
                0.0, 300.0, 719.0, 720.0, 721.0, 2000.0, 1999.0, 5000.0, -10.0, -1500.0, -700.0,
                -3000.0, 0.5, 100_000.0, 4321.0, -0.0,
            ];
            let times: Vec<Epoch> = minutes
                .iter()
                .map(|m| e + Duration::from_total_nanoseconds((m * 60e9) as i128))
                .collect();
            let one_by_one: Vec<_> = times.iter().map(|&t| p.state_at(t)).collect();
            assert_eq!(p.states_at(&times), one_by_one, "{}", p.object_id());
            // and on a regular grid crossing the epoch
            let grid: Vec<Epoch> = (-30..30)
                .map(|k| e + Duration::from_seconds(3_600.0 * f64::from(k) + 7.0))
                .collect();
            let one_by_one: Vec<_> = grid.iter().map(|&t| p.state_at(t)).collect();
            assert_eq!(p.states_at(&grid), one_by_one, "{}", p.object_id());
        }
    }
}
