//! Frame preparation on the CPU for 30,000 satellites: a snapshot's TEME positions (km) →
//! scene positions → the marker mesh's vertex positions (four camera-facing corners each),
//! plus new colours for the 1 % of satellites whose state changed — what the viewer does every
//! frame before the GPU sees anything. The positions are a real constellation: a Walker-delta
//! 30000/100/1 at 550 km, 53°, propagated with SGP4 to one instant (not timed).
//!
//! `cargo bench -p visualizer --bench frame_prep`

use bevy::math::Vec3;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use visualizer::instances::{MarkerBuffers, MarkerView, scene_positions, status_colour};
use visualizer::protocol::SatStatus;

/// Satellites in the benchmark.
const N: usize = 30_000;

fn constellation() -> Vec<[f64; 3]> {
    let epoch = orbit::parse_utc("2018-01-20T06:00:00Z").unwrap();
    let w = orbit::WalkerDelta {
        inclination_rad: 53f64.to_radians(),
        total_satellites: N as u32,
        planes: 100,
        phasing: 1,
        altitude_km: 550.0,
        epoch,
        raan_offset_rad: 0.0,
    };
    let sets = w.element_sets(100_000).unwrap();
    sets.iter()
        .map(|e| {
            let s = orbit::Propagator::new(e)
                .unwrap()
                .state_at(epoch + orbit::Duration::from_seconds(600.0))
                .unwrap();
            [s.pos_teme_km.x, s.pos_teme_km.y, s.pos_teme_km.z]
        })
        .collect()
}

fn frame_prep(c: &mut Criterion) {
    let positions = constellation();
    assert_eq!(positions.len(), N);
    let cam = Vec3::new(20.0, 6.0, 3.0);
    let fwd = (-cam).normalize();
    let right = fwd.cross(Vec3::Y).normalize();
    let view = MarkerView {
        camera_pos: cam,
        right,
        up: right.cross(fwd),
        world_per_px_at_unit: 2.0 * (std::f32::consts::FRAC_PI_8).tan() / 800.0,
        marker_px: 7.0,
        selected: Some(17),
        hovered: Some(4_000),
    };
    let mut buffers = MarkerBuffers::new(N);
    let mut scene = Vec::with_capacity(N);
    let changed: Vec<usize> = (0..N).step_by(100).collect();
    let mut g = c.benchmark_group("frame_prep");
    g.sample_size(60);
    g.bench_function("30000_satellites", |b| {
        b.iter(|| {
            scene_positions(black_box(&positions), &mut scene);
            for &i in &changed {
                buffers.set_colour(i, status_colour(SatStatus(SatStatus::CONTACT)));
            }
            buffers.update_positions(&scene, black_box(&view));
            black_box(&buffers.positions);
        })
    });
    g.finish();
}

criterion_group!(benches, frame_prep);
criterion_main!(benches);
