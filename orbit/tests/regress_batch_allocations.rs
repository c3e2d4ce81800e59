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

/// Near-earth (ISS), 12 h resonant (Molniya 08195), 24 h resonant (GEO 28626), non-resonant
/// deep space (GTO 23177) and one that decays 55 min after its epoch (28872), from Vallado's
/// verification set: every code path, failures included.
const OBJECTS: &str = "\
1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992
2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008
1 08195U 75081A   06176.33215444  .00000099  00000-0  11873-3 0   813
2 08195  64.1586 279.0717 6877146 264.7651  20.2257  2.00491383225656
1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190
2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891
1 23177U 94040C   06175.45752052  .00000386  00000-0  76590-3 0    95
2 23177   7.0496 179.8238 7258491 296.0482   8.3061  2.25906668 97438
1 28872U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534
2 28872  96.4736 157.9986 0303955 244.0492 110.6523 16.46015938 10708
";

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
    let t0 = props[4].epoch();
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
