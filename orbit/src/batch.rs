//! Batch propagation of many objects on all cores (rayon); results in input order.

use crate::propagate::{PropagationError, Propagator, TemeState};
use hifitime::Epoch;
use rayon::prelude::*;

/// Propagates every object to every time, in parallel over objects on the current rayon
/// pool (run it inside `ThreadPool::install` to choose the number of threads). The outer
/// vector follows `props`, each inner vector follows `times`; each state is computed
/// independently, so the result does not depend on the number of threads.
pub fn propagate_batch(
    props: &[Propagator],
    times: &[Epoch],
) -> Vec<Vec<Result<TemeState, PropagationError>>> {
    props
        .par_iter()
        .map(|p| times.iter().map(|&t| p.state_at(t)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::parse_elements;
    use hifitime::Duration;

    #[test]
    fn regress_batch_matches_serial_in_order_at_any_thread_count() {
        let text = "\
1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667
1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992
2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008
";
        let props: Vec<Propagator> = parse_elements(text, "t")
            .unwrap()
            .iter()
            .map(|e| Propagator::new(e).unwrap())
            .collect();
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
}
