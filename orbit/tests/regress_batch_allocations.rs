//! `propagate_batch_into` allocates nothing per propagation: every allocation of the process
//! is counted by a global allocator, so this test lives in a test binary of its own.

use orbit::{
    BatchTimes, Duration, Epoch, Propagator, Sgp4Failure, parse_elements, propagate_batch,
    propagate_batch_into,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting allocations and reallocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator, which upholds the
// GlobalAlloc contract; the counter is an atomic that does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout (the caller guarantees a non-zero size)
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for alloc
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: ptr was allocated by System with this layout (through this allocator)
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: ptr was allocated by System with this layout; the caller guarantees new_size
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Near-earth (00005, ISS), 12 h and 24 h resonant deep space, non-resonant deep space and one
/// that decays 55 min after its epoch (28872), from Vallado's verification set: every code
/// path, failures included (`tests/data/batch/README.md`).
const OBJECTS: &str = include_str!("data/batch/objects.tle");

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn regress_batch_into_allocates_nothing_per_propagation() {
    let props: Vec<Propagator> = parse_elements(OBJECTS, "t")
        .unwrap()
        .iter()
        .map(|e| Propagator::new(e).unwrap())
        .collect();
    // one minute steps over a day from the decaying object's epoch
    let t0 = props[5].epoch();
    let times: Vec<Epoch> = (0..1440)
        .map(|k| t0 + Duration::from_seconds(60.0 * f64::from(k)))
        .collect();
    let batch_times = BatchTimes::new(&times);
    let mut out = vec![Err(Sgp4Failure::NonFinite); props.len() * times.len()];
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    // the first call may set up the pool's thread-locals
    let failed = pool
        .install(|| propagate_batch_into(&props, &batch_times, &mut out))
        .unwrap();
    assert!(
        failed > 100,
        "{failed}: the decaying object fails from 55 min on"
    );
    let mut failed_again = 0;
    let allocations = allocations_during(|| {
        for _ in 0..3 {
            failed_again = pool
                .install(|| propagate_batch_into(&props, &batch_times, &mut out))
                .unwrap();
        }
    });
    assert_eq!(failed_again, failed);
    assert_eq!(
        allocations,
        0,
        "{allocations} allocations for {} propagations",
        3 * out.len()
    );
    // the counter sees allocations: the allocating convenience makes at least one per object
    let allocations = allocations_during(|| {
        std::hint::black_box(pool.install(|| propagate_batch(&props, &times)));
    });
    assert!(allocations >= props.len(), "{allocations}");
}
