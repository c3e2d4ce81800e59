//! Screenshot mode (`--screenshot OUT.png`): wait until the simulation shows the asked-for
//! time (and the selection, if any), let the renderer settle, capture the window, check that
//! the capture is not black (frames before shaders and textures are ready come out black; then
//! it waits and captures again), write the PNG and exit. A scenario that cannot be loaded is
//! captured with its problems shown, and the exit code is 2.

use std::io::Write;
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use crate::control::ReceiveSnapshots;
use crate::scene::Scene;
use crate::sim_thread::TimeArg;

/// Frames to let pass once the scene is right, before capturing.
const SETTLE_FRAMES: u32 = 6;
/// Captures that may come out black before giving up.
const MAX_ATTEMPTS: u32 = 30;

/// What to capture.
#[derive(Debug, Clone, Resource)]
pub struct ScreenshotPlan {
    /// Where the PNG goes.
    pub path: PathBuf,
    /// The simulated time to show (`None`: the scenario's start).
    pub at: Option<TimeArg>,
    /// Wait for the selected satellite's panel.
    pub selection: bool,
    stage: Stage,
    attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Waiting,
    Settling(u32),
    Capturing,
    Done,
}

impl ScreenshotPlan {
    /// A plan to capture `path` at `at`.
    pub fn new(path: PathBuf, at: Option<TimeArg>, selection: bool) -> Self {
        Self {
            path,
            at,
            selection,
            stage: Stage::Waiting,
            attempts: 0,
        }
    }
}

/// The screenshot plugin (needs a [`ScreenshotPlan`]).
#[derive(Debug, Default)]
pub struct ScreenshotPlugin;

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(PreUpdate, drive.after(ReceiveSnapshots));
    }
}

/// Whether the scene shows what the plan asks for.
fn ready(plan: &ScreenshotPlan, scene: &Scene) -> bool {
    if scene.failure.is_some() {
        return true;
    }
    let (Some(setup), Some(t), Some(clock)) = (&scene.setup, scene.time, scene.clock) else {
        return false;
    };
    if clock.seeking.is_some() {
        return false;
    }
    let want = plan
        .at
        .map_or(setup.start, |a| a.resolve(setup.start))
        .max(setup.start)
        .min(setup.end);
    t == want && (!plan.selection || scene.selected.is_some())
}

fn drive(mut commands: Commands, mut plan: ResMut<ScreenshotPlan>, scene: Res<Scene>) {
    match plan.stage {
        Stage::Waiting if ready(&plan, &scene) => plan.stage = Stage::Settling(SETTLE_FRAMES),
        Stage::Settling(0) => {
            plan.stage = Stage::Capturing;
            commands
                .spawn(Screenshot::primary_window())
                .observe(captured);
        }
        Stage::Settling(n) => plan.stage = Stage::Settling(n - 1),
        _ => {}
    }
}

/// Whether an RGB image shows anything: more than 0.5 % of its pixels have a channel above 24.
pub fn shows_something(rgb: &image::RgbImage) -> bool {
    let lit = rgb.pixels().filter(|p| p.0.iter().any(|&c| c > 24)).count();
    lit * 200 > rgb.pixels().len()
}

fn captured(
    shot: On<ScreenshotCaptured>,
    mut plan: ResMut<ScreenshotPlan>,
    scene: Res<Scene>,
    mut exit: MessageWriter<AppExit>,
) {
    let rgb = match shot.image.clone().try_into_dynamic() {
        Ok(img) => img.to_rgb8(),
        Err(e) => {
            error!("the screenshot cannot be read: {e}");
            plan.stage = Stage::Done;
            exit.write(AppExit::error());
            return;
        }
    };
    if !shows_something(&rgb) && plan.attempts < MAX_ATTEMPTS {
        // not drawn yet: wait and capture again
        plan.attempts += 1;
        plan.stage = Stage::Settling(SETTLE_FRAMES);
        return;
    }
    plan.stage = Stage::Done;
    match rgb.save_with_format(&plan.path, image::ImageFormat::Png) {
        Ok(()) => {
            info!("screenshot written to {}", plan.path.display());
            let code = if scene.failure.is_some() { 2 } else { 0 };
            exit.write(match std::num::NonZeroU8::new(code) {
                Some(c) => AppExit::Error(c),
                None => AppExit::Success,
            });
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "cannot write {}: {e}",
                plan.path.display()
            );
            exit.write(AppExit::error());
        }
    }
}
