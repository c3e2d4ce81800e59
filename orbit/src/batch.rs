//! Batch propagation of many objects on all cores (rayon); results in input order.

use crate::propagate::{PropagationError, Propagator, TemeState};
use crate::time::utc_nanoseconds_since_1900;
use hifitime::Epoch;
use rayon::prelude::*;

/// Propagates every object to every time, in parallel over objects on the current rayon
/// pool (run it inside `ThreadPool::install` to choose the number of threads). The outer
/// vector follows `props`, each inner vector follows `times`. Each object's row is
/// [`Propagator::states_at`]: the same values as [`Propagator::state_at`] at each time, so
/// the result does not depend on the number of threads.
pub fn propagate_batch(
    props: &[Propagator],
    times: &[Epoch],
) -> Vec<Vec<Result<TemeState, PropagationError>>> {
    // each object runs through the times as `Propagator::states_at` does; the times' UTC
    // offsets are shared by all objects
    let utc_ns: Vec<i128> = times
        .iter()
        .map(|&t| utc_nanoseconds_since_1900(t))
        .collect();
    props
        .par_iter()
        .map(|p| p.states_at_utc_ns(times, &utc_ns))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::parse_elements;
    use hifitime::Duration;

    /// Near-earth, 12 h resonant (Molniya 08195), 24 h resonant (GEO 28626) and a
    /// non-resonant deep-space orbit (GTO 23177), from Vallado's verification set.
    const OBJECTS: &str = "\
1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667
1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992
2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008
1 08195U 75081A   06176.33215444  .00000099  00000-0  11873-3 0   813
2 08195  64.1586 279.0717 6877146 264.7651  20.2257  2.00491383225656
1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190
2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891
1 23177U 94040C   06175.45752052  .00000386  00000-0  76590-3 0    95
2 23177   7.0496 179.8238 7258491 296.0482   8.3061  2.25906668 97438
";

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
