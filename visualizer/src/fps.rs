//! Frame-rate measurement (`--fps SECONDS`): once the first snapshot is shown, count the
//! frames drawn over that much wall time, print the rate (and how the simulation kept up) on
//! stdout, and exit. `visualizer/benches/fps.sh` runs it under lavapipe.

use std::io::Write;
use std::time::{Duration, Instant};

use bevy::prelude::*;

use crate::scene::Scene;

/// What to measure.
#[derive(Debug, Clone, Resource)]
pub struct FpsPlan {
    /// How long to count frames.
    pub duration: Duration,
    started: Option<(Instant, u64)>,
    frames: u64,
}

impl FpsPlan {
    /// Counts frames for `duration`.
    pub fn new(duration: Duration) -> Self {
        Self {
            duration,
            started: None,
            frames: 0,
        }
    }
}

/// The frame-rate plugin (needs an [`FpsPlan`]).
#[derive(Debug, Default)]
pub struct FpsPlugin;

impl Plugin for FpsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Last, count_frames);
    }
}

fn count_frames(mut plan: ResMut<FpsPlan>, scene: Res<Scene>, mut exit: MessageWriter<AppExit>) {
    plan.frames += 1;
    if scene.failure.is_some() {
        exit.write(AppExit::error());
        return;
    }
    let Some((t0, f0)) = plan.started else {
        if scene.time.is_some() {
            plan.started = Some((Instant::now(), plan.frames));
        }
        return;
    };
    let elapsed = t0.elapsed();
    if elapsed < plan.duration {
        return;
    }
    let frames = plan.frames - f0;
    let clock = scene.clock;
    let _ = writeln!(
        std::io::stdout(),
        "satellites={} frames={} seconds={:.2} fps={:.2} warp_asked={} warp_achieved={:.1} behind={} snapshots={}",
        scene.satellite_count(),
        frames,
        elapsed.as_secs_f64(),
        frames as f64 / elapsed.as_secs_f64(),
        clock.map_or(0.0, |c| c.warp),
        clock.map_or(0.0, |c| c.achieved_warp),
        clock.is_some_and(|c| c.behind),
        scene.snapshots
    );
    exit.write(AppExit::Success);
}
