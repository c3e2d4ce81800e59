//! The viewer assembled: the simulation thread, bevy with the features used, and one plugin
//! per feature.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;

use crate::camera::{CameraPlugin, StartView};
use crate::control::{ControlPlugin, SimChannel, ViewerUi, warp_index_of};
use crate::fps::{FpsPlan, FpsPlugin};
use crate::globe::GlobePlugin;
use crate::ground::GroundPlugin;
use crate::panels::PanelsPlugin;
use crate::satellites::SatellitesPlugin;
use crate::screenshot::{ScreenshotPlan, ScreenshotPlugin};
use crate::sim_thread::{SimOptions, TimeArg};

/// How the viewer starts.
#[derive(Debug, Clone)]
pub struct ViewerOptions {
    /// The simulation thread's options.
    pub sim: SimOptions,
    /// Window size, pixels.
    pub size: (u32, u32),
    /// Render one frame to this PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// Where the camera starts.
    pub view: StartView,
    /// Panels shown at the start.
    pub panels: bool,
    /// Country outlines shown at the start.
    pub borders: bool,
    /// Measure the frame rate for this long, print it and exit.
    pub fps: Option<std::time::Duration>,
}

impl Default for ViewerOptions {
    fn default() -> Self {
        Self {
            sim: SimOptions::default(),
            size: (1280, 800),
            screenshot: None,
            view: StartView::default(),
            panels: true,
            borders: false,
            fps: None,
        }
    }
}

/// The bevy app of the viewer, with its simulation thread started.
pub fn build_app(opts: ViewerOptions) -> std::io::Result<App> {
    let screenshot = opts.screenshot.is_some();
    let mut sim = opts.sim.clone();
    if screenshot {
        // one frame at one time: stand still there
        sim.paused = true;
        sim.seek_to = sim
            .seek_to
            .or(Some(TimeArg::FromStart(hifitime::Duration::ZERO)));
    }
    let link = crate::sim_thread::spawn(sim.clone())?;
    let mut app = App::new();
    let title = format!(
        "skytwin view — {}",
        sim.scenario
            .as_ref()
            .map_or("eo-cubesat".to_string(), |p| p.display().to_string())
    );
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution: WindowResolution::new(opts.size.0, opts.size.1)
                        .with_scale_factor_override(1.0),
                    resizable: !screenshot,
                    ..default()
                }),
                ..default()
            })
            .set(RenderPlugin {
                // a screenshot must not wait for pipelines compiled in the background
                synchronous_pipeline_compilation: screenshot,
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    .insert_resource(SimChannel::from_link(link))
    .insert_resource(opts.view)
    .insert_resource(ViewerUi {
        panels: opts.panels,
        borders: opts.borders,
        paused: sim.paused,
        warp_index: warp_index_of(sim.warp),
        ..ViewerUi::default()
    })
    .add_plugins((
        ControlPlugin,
        GlobePlugin,
        CameraPlugin,
        SatellitesPlugin,
        GroundPlugin,
        PanelsPlugin,
    ));
    if let Some(d) = opts.fps {
        app.insert_resource(FpsPlan::new(d)).add_plugins(FpsPlugin);
    }
    if let Some(path) = opts.screenshot {
        app.insert_resource(ScreenshotPlan::new(path, sim.seek_to, sim.select.is_some()))
            .add_plugins(ScreenshotPlugin);
    }
    Ok(app)
}
