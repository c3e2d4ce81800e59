//! # visualizer: `skytwin view`, the interactive 3D desktop viewer
//!
//! A bevy + bevy_egui window over the live simulation: the textured Earth turning in ITRF,
//! lit from the simulated Sun; the satellites as one instanced mesh of markers coloured by
//! state; ground stations, areas of interest, contact and inter-satellite link lines; the
//! selected satellite's orbit trail, ground track, telemetry plots, apps and logs; the event
//! log and the assertions; time controls from pause to 100,000×. The only crate that imports
//! bevy.
//!
//! The simulation runs on its own thread ([`sim_thread`]) with the same loader and
//! `scenarios::Run` as `skytwin run`, and talks to the window only through plain snapshots and
//! commands over bounded `crossbeam-channel`s ([`protocol`]). Kilometres become scene units in
//! [`units`] alone.
//!
//! | module | what | bevy |
//! |---|---|---|
//! | [`units`] | km and frames → scene units and axes | math types |
//! | [`protocol`] | snapshots, commands, what crosses the channels | no |
//! | [`sim_thread`] | the paced simulation thread | no |
//! | [`instances`] | frame preparation: positions → marker vertex buffers | math types |
//! | [`scene`] | the snapshots applied: what the viewer shows | resource |
//! | [`control`] | channels into bevy, user actions → commands ([`control::ControlPlugin`]) | plugin |
//! | [`globe`], [`satellites`], [`ground`], [`camera`], [`panels`], [`screenshot`], [`fps`] | one plugin per feature | plugins |
//! | [`app`] | the app assembled | |
//!
//! Modules import only from the rows above them.

pub mod app;
pub mod camera;
pub mod control;
pub mod fps;
pub mod globe;
pub mod ground;
pub mod instances;
pub mod panels;
pub mod protocol;
pub mod satellites;
pub mod scene;
pub mod screenshot;
pub mod sim_thread;
pub mod units;
