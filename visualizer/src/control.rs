//! The viewer's end of the simulation thread, as a bevy plugin: snapshots are applied to
//! [`Scene`] at the start of each frame ([`ReceiveSnapshots`]), and what the user does
//! ([`ViewerAction`], written by the panels, the keyboard and picking) becomes commands to the
//! simulation and changes to [`ViewerUi`].

use std::io::Write;

use bevy::prelude::*;
use crossbeam_channel::{Receiver, Sender};

use crate::protocol::{AppAction, Command, NextKind, SimMessage};
use crate::scene::Scene;
use crate::sim_thread::SimLink;

/// The warps the time controls step through (simulated s per wall s).
pub const WARPS: [f64; 11] = [
    1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1_000.0, 3_000.0, 10_000.0, 100_000.0,
];

/// The channels to the simulation thread (and the thread itself, ended when this is dropped).
#[derive(Debug, Resource)]
pub struct SimChannel {
    commands: Sender<Command>,
    messages: Receiver<SimMessage>,
    _link: Option<SimLink>,
}

impl SimChannel {
    /// The channels of a running simulation thread.
    pub fn from_link(link: SimLink) -> Self {
        Self {
            commands: link.commands.clone(),
            messages: link.messages.clone(),
            _link: Some(link),
        }
    }

    /// Bare channels (tests feed snapshots and read commands at the other ends).
    pub fn from_channels(commands: Sender<Command>, messages: Receiver<SimMessage>) -> Self {
        Self {
            commands,
            messages,
            _link: None,
        }
    }

    /// Sends a command; `false` when the simulation thread is gone or its queue is full.
    pub fn send(&self, c: Command) -> bool {
        self.commands.try_send(c).is_ok()
    }
}

/// What the user wants, as far as the viewer itself is concerned.
#[derive(Debug, Clone, Resource)]
pub struct ViewerUi {
    /// The selected satellite.
    pub selected: Option<usize>,
    /// The satellite under the pointer.
    pub hovered: Option<usize>,
    /// The camera follows the selected satellite.
    pub follow: bool,
    /// Panels shown (Tab toggles).
    pub panels: bool,
    /// Country outlines shown.
    pub borders: bool,
    /// Stars shown.
    pub stars: bool,
    /// Index into [`WARPS`] of the asked-for warp.
    pub warp_index: usize,
    /// Paused.
    pub paused: bool,
    /// Search text of the satellite list.
    pub search: String,
    /// Event log filter: text in kind, app or fields.
    pub event_filter: String,
    /// Event log: only the selected satellite's events.
    pub events_selected_only: bool,
    /// Event log: include app log lines.
    pub events_logs: bool,
    /// The jump-to-time text field.
    pub jump_text: String,
    /// The app-command text field.
    pub command_text: String,
}

impl Default for ViewerUi {
    fn default() -> Self {
        Self {
            selected: None,
            hovered: None,
            follow: false,
            panels: true,
            borders: false,
            stars: true,
            warp_index: warp_index_of(60.0),
            paused: false,
            search: String::new(),
            event_filter: String::new(),
            events_selected_only: false,
            events_logs: true,
            jump_text: String::new(),
            command_text: String::new(),
        }
    }
}

/// The index of the warp in [`WARPS`] closest to `warp` (on a log scale).
pub fn warp_index_of(warp: f64) -> usize {
    let w = warp.max(1e-9).ln();
    (0..WARPS.len())
        .min_by(|&a, &b| {
            (WARPS[a].ln() - w)
                .abs()
                .total_cmp(&(WARPS[b].ln() - w).abs())
        })
        .unwrap_or(0)
}

/// The part of the window the panels leave to the 3D view, in logical pixels (egui points);
/// pointer input there belongs to the camera and picking.
#[derive(Debug, Default, Clone, Copy, Resource)]
pub struct SceneRect(pub Option<bevy_egui::egui::Rect>);

impl SceneRect {
    /// Whether a window position (logical pixels) is on the 3D view.
    pub fn contains(&self, p: Vec2) -> bool {
        self.0
            .is_none_or(|r| r.contains(bevy_egui::egui::pos2(p.x, p.y)))
    }
}

/// Something the user did.
#[derive(Debug, Clone, PartialEq, Message)]
pub enum ViewerAction {
    /// Select a satellite, or none.
    Select(Option<usize>),
    /// Pause or run.
    SetPaused(bool),
    /// Warp one notch faster (`+1`) or slower (`-1`).
    WarpStep(i32),
    /// Set the warp to [`WARPS`]`[i]`.
    SetWarpIndex(usize),
    /// One simulation step.
    Step,
    /// Jump to a time.
    JumpTo(hifitime::Epoch),
    /// Jump to the selected satellite's next pass or eclipse.
    JumpToNext(NextKind),
    /// An app lifecycle action on the selected satellite.
    App(String, AppAction),
    /// A command for an app of the selected satellite.
    AppCommand(String, String),
    /// Follow the selected satellite with the camera, or not.
    Follow(bool),
}

/// Applying the snapshots that arrived (runs first in the frame).
#[derive(Debug, Clone, PartialEq, Eq, Hash, SystemSet)]
pub struct ReceiveSnapshots;

/// Turning user actions into commands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, SystemSet)]
pub struct HandleActions;

/// The plugin: [`Scene`], [`ViewerUi`], [`ViewerAction`] and the systems between them and the
/// simulation thread. Needs a [`SimChannel`] resource.
#[derive(Debug, Default)]
pub struct ControlPlugin;

impl Plugin for ControlPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Scene>()
            .init_resource::<ViewerUi>()
            .init_resource::<SceneRect>()
            .add_message::<ViewerAction>()
            .add_systems(PreUpdate, receive_snapshots.in_set(ReceiveSnapshots))
            .add_systems(PostUpdate, handle_actions.in_set(HandleActions));
    }
}

/// Applies every message waiting in the channel.
pub fn receive_snapshots(
    chan: Res<SimChannel>,
    mut scene: ResMut<Scene>,
    mut ui: ResMut<ViewerUi>,
    mut adopted: Local<bool>,
) {
    while let Ok(m) = chan.messages.try_recv() {
        match m {
            SimMessage::Loaded(setup) => scene.load(*setup),
            SimMessage::Failed(f) => {
                // also on stderr, for a terminal and for scripts
                let mut err = std::io::stderr();
                let _ = writeln!(err, "skytwin view: {}", f.summary);
                for p in &f.problems {
                    let _ = writeln!(err, "{}", p.rendered);
                }
                scene.failure = Some(f);
            }
            SimMessage::Snapshot(s) => {
                scene.apply(*s);
                if let Some(c) = scene.clock {
                    ui.paused = c.paused;
                }
            }
        }
    }
    // the simulation thread's first word on the selection (`--select`) becomes the viewer's;
    // after that the viewer's own choice leads
    if !*adopted && scene.snapshots > 0 {
        *adopted = true;
        if ui.selected.is_none() {
            ui.selected = scene.selected;
        }
    }
}

/// User actions → [`ViewerUi`] and commands to the simulation.
pub fn handle_actions(
    mut actions: MessageReader<ViewerAction>,
    mut ui: ResMut<ViewerUi>,
    chan: Res<SimChannel>,
) {
    for a in actions.read() {
        match a.clone() {
            ViewerAction::Select(sel) => {
                ui.selected = sel;
                if sel.is_none() {
                    ui.follow = false;
                }
                chan.send(Command::Select(sel));
            }
            ViewerAction::SetPaused(p) => {
                ui.paused = p;
                chan.send(Command::SetPaused(p));
            }
            ViewerAction::WarpStep(d) => {
                let i = (ui.warp_index as i64 + i64::from(d)).clamp(0, WARPS.len() as i64 - 1);
                ui.warp_index = i as usize;
                chan.send(Command::SetWarp(WARPS[ui.warp_index]));
            }
            ViewerAction::SetWarpIndex(i) => {
                ui.warp_index = i.min(WARPS.len() - 1);
                chan.send(Command::SetWarp(WARPS[ui.warp_index]));
            }
            ViewerAction::Step => {
                chan.send(Command::Step);
            }
            ViewerAction::JumpTo(t) => {
                chan.send(Command::JumpTo(t));
            }
            ViewerAction::JumpToNext(k) => {
                chan.send(Command::JumpToNext(k));
            }
            ViewerAction::App(app, action) => {
                if let Some(satellite) = ui.selected {
                    chan.send(Command::App {
                        satellite,
                        app,
                        action,
                    });
                }
            }
            ViewerAction::AppCommand(app, text) => {
                if let Some(satellite) = ui.selected {
                    chan.send(Command::AppCommand {
                        satellite,
                        app,
                        text,
                    });
                }
            }
            ViewerAction::Follow(f) => ui.follow = f && ui.selected.is_some(),
        }
    }
}
