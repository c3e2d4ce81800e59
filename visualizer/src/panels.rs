//! The egui panels: time controls (top), the satellite list with search (left), the selected
//! satellite's telemetry plots, apps and logs (right), the timeline of its passes and
//! eclipses, the event log with filters and the assertions (bottom), hover labels, and the
//! scenario's problems when it could not be loaded. Tab hides and shows the panels.

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use egui_plot::{Legend, Line, Plot};
use hifitime::Epoch;

use crate::control::{SceneRect, ViewerAction, ViewerUi, WARPS};
use crate::instances::{colours, status_colour};
use crate::protocol::{AppAction, NextKind, SatStatus, TelemetrySample};
use crate::satellites::Markers;
use crate::scene::Scene;
use crate::sim_thread::TimeArg;

/// Width of the satellite list, points.
pub const LIST_WIDTH: f32 = 190.0;
/// Width of the selected satellite's panel, points.
pub const DETAIL_WIDTH: f32 = 330.0;
/// Height of the bottom panel, points.
pub const BOTTOM_HEIGHT: f32 = 170.0;
/// Height of one telemetry plot, points.
const PLOT_HEIGHT: f32 = 95.0;
/// Log lines shown per app.
const LOG_LINES_PER_APP: usize = 4;
/// Events shown in the log (the newest).
const EVENTS_SHOWN: usize = 400;

/// The panels plugin.
#[derive(Debug, Default)]
pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(EguiPrimaryContextPass, panels)
            .add_systems(Update, keyboard_actions);
    }
}

fn colour32(c: [f32; 4]) -> Color32 {
    let b = |x: f32| (x.clamp(0.0, 1.0) * 255.0) as u8;
    Color32::from_rgb(b(c[0]), b(c[1]), b(c[2]))
}

fn utc(t: Epoch) -> String {
    orbit::format_utc(t)
}

/// Hours since `start`.
fn hours(t: Epoch, start: Epoch) -> f64 {
    (t - start).to_seconds() / 3600.0
}

/// A number of bytes, short.
pub fn bytes_text(b: u64) -> String {
    match b {
        0..1_000 => format!("{b} B"),
        1_000..1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}

/// A warp as text (`1×`, `1,000×`).
pub fn warp_text(w: f64) -> String {
    if w >= 1_000.0 {
        let k = w.round() as u64;
        let s = k.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{out}×")
    } else if w >= 10.0 {
        format!("{w:.0}×")
    } else {
        format!("{w:.1}×")
    }
}

/// Parses the jump field: `+DURATION` from the scenario's start or an RFC 3339 UTC time.
pub fn parse_jump(text: &str, start: Epoch) -> Result<Epoch, String> {
    TimeArg::parse(text)
        .map(|t| t.resolve(start))
        .map_err(|e| e.to_string())
}

#[allow(clippy::too_many_arguments)]
fn panels(
    mut contexts: EguiContexts,
    scene: Res<Scene>,
    mut ui_state: ResMut<ViewerUi>,
    mut scene_rect: ResMut<SceneRect>,
    markers: Res<Markers>,
    camera: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    mut out: MessageWriter<ViewerAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut actions = Vec::new();
    let ui = &mut *ui_state;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "skytwin-view".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    if let Some(f) = &scene.failure {
        failure_window(&ctx, f);
    }
    if ui.panels {
        egui::Panel::top("time").show(&mut root, |p| time_bar(p, &scene, ui, &mut actions));
        egui::Panel::bottom("log")
            .resizable(true)
            .default_size(BOTTOM_HEIGHT)
            .show(&mut root, |p| bottom_panel(p, &scene, ui));
        egui::Panel::left("satellites")
            .resizable(true)
            .default_size(LIST_WIDTH)
            .show(&mut root, |p| satellite_list(p, &scene, ui, &mut actions));
        if let Some(i) = ui.selected.filter(|&i| i < scene.satellite_count()) {
            egui::Panel::right("selected")
                .resizable(true)
                .default_size(DETAIL_WIDTH)
                .show(&mut root, |p| detail_panel(p, &scene, ui, i, &mut actions));
        }
    } else if let Some(t) = scene.time {
        // the clock stays readable with the panels hidden
        egui::Area::new(egui::Id::new("clock"))
            .fixed_pos(egui::pos2(8.0, 6.0))
            .interactable(false)
            .show(&ctx, |a| {
                a.label(RichText::new(utc(t)).monospace().color(Color32::LIGHT_GRAY));
            });
    }
    scene_rect.0 = Some(root.available_rect_before_wrap());
    // hover label at the satellite under the pointer
    if let (Some(i), Some((cam, gt))) = (ui.hovered, camera.iter().next())
        && let Some(p) = markers.scene_positions.get(i)
        && let Ok(s) = cam.world_to_viewport(gt, *p)
    {
        let st = scene.status.get(i).copied().unwrap_or_default();
        egui::Area::new(egui::Id::new("hover"))
            .fixed_pos(egui::pos2(s.x + 10.0, s.y - 22.0))
            .order(egui::Order::Tooltip)
            .interactable(false)
            .show(&ctx, |a| {
                egui::Frame::popup(a.style()).show(a, |a| {
                    a.label(RichText::new(scene.name(i)).strong());
                    a.label(RichText::new(status_words(st)).small());
                });
            });
    }
    for a in actions {
        out.write(a);
    }
    Ok(())
}

/// A filled disc of `radius` points in the status colour (egui's bundled fonts have no "●").
fn status_dot(ui: &mut egui::Ui, radius: f32, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(2.0 * radius + 2.0, 2.0 * radius + 2.0),
        egui::Sense::hover(),
    );
    ui.painter().circle_filled(rect.center(), radius, colour);
}

/// A status in words.
pub fn status_words(st: SatStatus) -> String {
    let mut w = Vec::new();
    if st.has(SatStatus::LOST) {
        w.push("lost");
    }
    w.push(if st.has(SatStatus::SUNLIT) {
        "sunlit"
    } else {
        "eclipse"
    });
    if st.has(SatStatus::CONTACT) {
        w.push("in contact");
    }
    if st.has(SatStatus::SAFE_MODE) {
        w.push("safe mode");
    }
    if st.has(SatStatus::APP_FAULT) {
        w.push("app faulted");
    }
    w.join(", ")
}

fn failure_window(ctx: &egui::Context, f: &crate::protocol::LoadFailure) {
    egui::Window::new("The scenario could not be loaded")
        .default_width(640.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(RichText::new(&f.summary).strong().color(Color32::LIGHT_RED));
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for p in &f.problems {
                        ui.separator();
                        if !p.location.is_empty() {
                            ui.label(RichText::new(&p.location).monospace().strong());
                        }
                        ui.label(RichText::new(&p.rendered).monospace());
                    }
                });
        });
}

fn time_bar(ui: &mut egui::Ui, scene: &Scene, st: &mut ViewerUi, actions: &mut Vec<ViewerAction>) {
    ui.horizontal_wrapped(|ui| {
        let name = scene.setup.as_ref().map_or("loading…", |s| s.name.as_str());
        ui.label(RichText::new(name).strong());
        ui.separator();
        match scene.time {
            Some(t) => ui.label(RichText::new(utc(t)).monospace()),
            None => ui.label("—"),
        };
        let paused = st.paused;
        if ui
            .button(if paused { "▶ Play" } else { "⏸ Pause" })
            .on_hover_text("Space")
            .clicked()
        {
            actions.push(ViewerAction::SetPaused(!paused));
        }
        if ui.button("Step").clicked() {
            actions.push(ViewerAction::Step);
        }
        let mut w = st.warp_index;
        egui::ComboBox::from_id_salt("warp")
            .selected_text(warp_text(WARPS[w]))
            .width(80.0)
            .show_ui(ui, |ui| {
                for (i, &x) in WARPS.iter().enumerate() {
                    ui.selectable_value(&mut w, i, warp_text(x));
                }
            });
        if w != st.warp_index {
            actions.push(ViewerAction::SetWarpIndex(w));
        }
        if let Some(c) = scene.clock {
            if c.behind {
                ui.colored_label(
                    Color32::from_rgb(255, 170, 40),
                    format!(
                        "falling behind: {} achieved",
                        warp_text(c.achieved_warp.max(0.0))
                    ),
                );
            }
            if let Some(t) = c.seeking {
                ui.colored_label(Color32::LIGHT_BLUE, format!("going to {}…", utc(t)));
            }
            if c.done {
                ui.label("end of the scenario");
            }
        }
        ui.separator();
        let edit = ui.add(
            egui::TextEdit::singleline(&mut st.jump_text)
                .hint_text("+90m or 2018-01-20T08:00:00Z")
                .desired_width(170.0),
        );
        let go = ui.button("Go").clicked()
            || (edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
        if go && let Some(setup) = &scene.setup {
            match parse_jump(&st.jump_text, setup.start) {
                Ok(t) => actions.push(ViewerAction::JumpTo(t)),
                Err(e) => st.jump_text = format!("? {e}"),
            }
        }
        let has_sel = st.selected.is_some();
        if ui
            .add_enabled(has_sel, egui::Button::new("Next pass"))
            .clicked()
        {
            actions.push(ViewerAction::JumpToNext(NextKind::Pass));
        }
        if ui
            .add_enabled(has_sel, egui::Button::new("Next eclipse"))
            .clicked()
        {
            actions.push(ViewerAction::JumpToNext(NextKind::Eclipse));
        }
        let mut follow = st.follow;
        if ui
            .add_enabled(has_sel, egui::Checkbox::new(&mut follow, "Follow"))
            .changed()
        {
            actions.push(ViewerAction::Follow(follow));
        }
        ui.checkbox(&mut st.borders, "Borders");
        ui.checkbox(&mut st.stars, "Stars");
    });
}

fn satellite_list(
    ui: &mut egui::Ui,
    scene: &Scene,
    st: &mut ViewerUi,
    actions: &mut Vec<ViewerAction>,
) {
    ui.heading("Satellites");
    ui.add(egui::TextEdit::singleline(&mut st.search).hint_text("search"));
    let Some(setup) = &scene.setup else {
        ui.label("loading…");
        return;
    };
    let needle = st.search.to_lowercase();
    let hits: Vec<usize> = (0..setup.satellites.len())
        .filter(|&i| needle.is_empty() || setup.satellites[i].to_lowercase().contains(&needle))
        .collect();
    ui.label(RichText::new(format!("{} of {}", hits.len(), setup.satellites.len())).small());
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .id_salt("sat-list")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, hits.len(), |ui, range| {
            for &i in &hits[range] {
                let stt = scene.status.get(i).copied().unwrap_or_default();
                ui.horizontal(|ui| {
                    status_dot(ui, 4.0, colour32(status_colour(stt)));
                    let sel = st.selected == Some(i);
                    if ui
                        .selectable_label(sel, &setup.satellites[i])
                        .on_hover_text(status_words(stt))
                        .clicked()
                    {
                        actions.push(ViewerAction::Select(if sel { None } else { Some(i) }));
                    }
                });
            }
        });
}

/// A telemetry quantity of a sample.
type SampleFn<'a> = &'a dyn Fn(&TelemetrySample) -> f64;
/// An owned [`SampleFn`].
type BoxedSampleFn = Box<dyn Fn(&TelemetrySample) -> f64>;
/// One line of a plot: its name, colour and quantity.
type Series<'a> = (&'a str, Color32, SampleFn<'a>);

/// One plot of telemetry against hours since the start.
fn plot(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    start: Epoch,
    history: &[&TelemetrySample],
    series: &[Series<'_>],
) {
    ui.label(RichText::new(title).small().strong());
    Plot::new(id)
        .height(PLOT_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .legend(Legend::default())
        .show(ui, |p| {
            for (name, colour, f) in series {
                let pts: Vec<[f64; 2]> = history
                    .iter()
                    .map(|s| [hours(s.time, start), f(s)])
                    .filter(|p| p[1].is_finite())
                    .collect();
                p.line(Line::new(*name, pts).color(*colour));
            }
        });
}

const NODE_COLOURS: [Color32; 6] = [
    Color32::from_rgb(255, 120, 80),
    Color32::from_rgb(120, 200, 255),
    Color32::from_rgb(140, 255, 140),
    Color32::from_rgb(255, 220, 90),
    Color32::from_rgb(220, 140, 255),
    Color32::from_rgb(200, 200, 200),
];

fn detail_panel(
    ui: &mut egui::Ui,
    scene: &Scene,
    st: &mut ViewerUi,
    i: usize,
    actions: &mut Vec<ViewerAction>,
) {
    let Some(setup) = &scene.setup else { return };
    let status = scene.status.get(i).copied().unwrap_or_default();
    ui.horizontal(|ui| {
        status_dot(ui, 7.0, colour32(status_colour(status)));
        ui.heading(scene.name(i));
    });
    ui.label(status_words(status));
    if let Some(s) = scene.history.back() {
        ui.label(
            RichText::new(format!(
                "alt {:.0} km · battery {:.1} % · CPU {:.0} % · queue {}",
                s.alt_km,
                100.0 * s.battery_soc,
                100.0 * s.busy_fraction,
                bytes_text(s.downlink_queued_bytes as u64)
            ))
            .small(),
        );
    }
    egui::ScrollArea::vertical()
        .id_salt("detail")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let h: Vec<&TelemetrySample> = scene.history.iter().collect();
            let start = setup.start;
            plot(
                ui,
                "battery",
                "Battery state of charge, %",
                start,
                &h,
                &[("SoC", Color32::from_rgb(120, 220, 120), &|s| {
                    100.0 * s.battery_soc
                })],
            );
            plot(
                ui,
                "power",
                "Power, W",
                start,
                &h,
                &[
                    ("solar in", Color32::from_rgb(255, 210, 80), &|s| {
                        s.array_power_w
                    }),
                    ("loads out", Color32::from_rgb(255, 110, 90), &|s| {
                        s.load_power_w
                    }),
                ],
            );
            let node_fns: Vec<BoxedSampleFn> = (0..setup.node_names.len())
                .map(|k| {
                    Box::new(move |s: &TelemetrySample| {
                        s.temps_c.get(k).copied().unwrap_or(f64::NAN)
                    }) as BoxedSampleFn
                })
                .collect();
            let nodes: Vec<Series<'_>> = setup
                .node_names
                .iter()
                .zip(&node_fns)
                .enumerate()
                .map(|(k, (n, f))| (n.as_str(), NODE_COLOURS[k % NODE_COLOURS.len()], &**f))
                .collect();
            plot(ui, "temps", "Temperatures, °C", start, &h, &nodes);
            plot(
                ui,
                "cpu",
                "CPU load, %",
                start,
                &h,
                &[("busy", Color32::from_rgb(150, 180, 255), &|s| {
                    100.0 * s.busy_fraction
                })],
            );
            plot(
                ui,
                "queue",
                "Downlink queue, kB",
                start,
                &h,
                &[("queued", Color32::from_rgb(230, 150, 255), &|s| {
                    s.downlink_queued_bytes / 1e3
                })],
            );
            ui.separator();
            apps_section(ui, scene, st, actions);
        });
}

fn apps_section(
    ui: &mut egui::Ui,
    scene: &Scene,
    st: &mut ViewerUi,
    actions: &mut Vec<ViewerAction>,
) {
    ui.heading("Apps");
    if scene.apps.is_empty() {
        ui.label("no apps installed");
    }
    for app in &scene.apps {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&app.name).strong());
                let colour = if app.faulted {
                    colour32(colours::APP_FAULT)
                } else {
                    Color32::LIGHT_GRAY
                };
                ui.colored_label(colour, &app.state);
            });
            ui.label(
                RichText::new(format!(
                    "CPU {:.1} % · memory {} · storage {} · queue {} · faults {} · restarts {}",
                    100.0 * app.cpu_share,
                    bytes_text(app.memory_bytes),
                    bytes_text(app.storage_bytes),
                    bytes_text(app.downlink_queued_bytes),
                    app.faults,
                    app.restarts
                ))
                .small(),
            );
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(app.startable, egui::Button::new("Start"))
                    .clicked()
                {
                    actions.push(ViewerAction::App(app.name.clone(), AppAction::Start));
                }
                if ui
                    .add_enabled(!app.startable, egui::Button::new("Stop"))
                    .clicked()
                {
                    actions.push(ViewerAction::App(app.name.clone(), AppAction::Stop));
                }
                if ui.button("Restart").clicked() {
                    actions.push(ViewerAction::App(app.name.clone(), AppAction::Restart));
                }
            });
            let lines: Vec<_> = scene
                .logs
                .iter()
                .rev()
                .filter(|l| l.app == app.name)
                .take(LOG_LINES_PER_APP)
                .collect();
            for l in lines.into_iter().rev() {
                ui.label(
                    RichText::new(format!("{} {} {}", short_time(l.time), l.level, l.text))
                        .monospace()
                        .small(),
                );
            }
        });
    }
    if let Some(first) = scene.apps.first() {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut st.command_text)
                    .hint_text(format!("command for {}", first.name))
                    .desired_width(200.0),
            );
            if ui.button("Uplink").clicked() && !st.command_text.is_empty() {
                actions.push(ViewerAction::AppCommand(
                    first.name.clone(),
                    std::mem::take(&mut st.command_text),
                ));
            }
        });
    }
}

/// `HH:MM:SS` of a time.
fn short_time(t: Epoch) -> String {
    let s = utc(t);
    s.get(11..19).unwrap_or(&s).to_string()
}

fn bottom_panel(ui: &mut egui::Ui, scene: &Scene, st: &mut ViewerUi) {
    if let (Some(tl), Some(now)) = (&scene.timeline, scene.time) {
        timeline(ui, tl, now);
    }
    ui.columns(2, |cols| {
        event_log(&mut cols[0], scene, st);
        assertions(&mut cols[1], scene);
    });
}

/// Passes (green) and eclipses (grey, umbra darker) of the selected satellite on a time axis,
/// with the current time as a white line.
fn timeline(ui: &mut egui::Ui, tl: &crate::protocol::Timeline, now: Epoch) {
    let w = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(egui::vec2(w, 22.0), egui::Sense::hover());
    let span = (tl.end - tl.start).to_seconds().max(1.0);
    let x = |t: Epoch| rect.left() + rect.width() * ((t - tl.start).to_seconds() / span) as f32;
    let p = ui.painter();
    p.rect_filled(rect, 2.0, Color32::from_gray(30));
    let band = |y0: f32, y1: f32| {
        (
            rect.top() + rect.height() * y0,
            rect.top() + rect.height() * y1,
        )
    };
    for &(a, b, umbra) in &tl.eclipses {
        let (y0, y1) = band(0.55, 1.0);
        let c = if umbra {
            Color32::from_gray(90)
        } else {
            Color32::from_gray(60)
        };
        p.rect_filled(
            egui::Rect::from_min_max(egui::pos2(x(a), y0), egui::pos2(x(b).max(x(a) + 1.0), y1)),
            0.0,
            c,
        );
    }
    for (a, b, _) in &tl.passes {
        let (y0, y1) = band(0.0, 0.45);
        p.rect_filled(
            egui::Rect::from_min_max(
                egui::pos2(x(*a), y0),
                egui::pos2(x(*b).max(x(*a) + 1.0), y1),
            ),
            0.0,
            colour32(colours::CONTACT),
        );
    }
    let xn = x(now);
    p.line_segment(
        [egui::pos2(xn, rect.top()), egui::pos2(xn, rect.bottom())],
        egui::Stroke::new(1.5, Color32::WHITE),
    );
    ui.label(
        RichText::new(format!(
            "passes (top) and eclipses (bottom) {} … {}",
            short_time(tl.start),
            short_time(tl.end)
        ))
        .small(),
    );
}

fn event_log(ui: &mut egui::Ui, scene: &Scene, st: &mut ViewerUi) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Events").strong());
        ui.add(
            egui::TextEdit::singleline(&mut st.event_filter)
                .hint_text("filter")
                .desired_width(110.0),
        );
        ui.checkbox(&mut st.events_selected_only, "selected only");
        ui.checkbox(&mut st.events_logs, "logs");
    });
    if scene.events_dropped > 0 {
        ui.label(
            RichText::new(format!(
                "{} events not shown (too many at once)",
                scene.events_dropped
            ))
            .small()
            .color(Color32::from_rgb(255, 170, 40)),
        );
    }
    let needle = st.event_filter.to_lowercase();
    let shown: Vec<_> = scene
        .events
        .iter()
        .rev()
        .filter(|e| st.events_logs || e.kind != "log")
        .filter(|e| {
            !st.events_selected_only
                || (st.selected.is_some() && e.satellite.map(|s| s as usize) == st.selected)
        })
        .filter(|e| {
            needle.is_empty()
                || e.kind.contains(&needle)
                || e.text.to_lowercase().contains(&needle)
                || e.app
                    .as_ref()
                    .is_some_and(|a| a.to_lowercase().contains(&needle))
                || e.satellite
                    .is_some_and(|s| scene.name(s as usize).to_lowercase().contains(&needle))
        })
        .take(EVENTS_SHOWN)
        .collect();
    egui::ScrollArea::vertical()
        .id_salt("events")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for e in shown {
                let who = e.satellite.map_or("", |s| scene.name(s as usize));
                let app = e.app.as_deref().unwrap_or("");
                ui.label(
                    RichText::new(format!(
                        "{} {} {} {} {}",
                        short_time(e.time),
                        who,
                        e.kind,
                        app,
                        e.text
                    ))
                    .monospace()
                    .small(),
                );
            }
        });
}

fn assertions(ui: &mut egui::Ui, scene: &Scene) {
    ui.label(RichText::new("Assertions (so far)").strong());
    if scene.outcomes.is_empty() {
        ui.label(RichText::new("none in this scenario").small());
    }
    egui::ScrollArea::vertical()
        .id_salt("assertions")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for o in &scene.outcomes {
                let c = if o.passed {
                    Color32::from_rgb(120, 230, 120)
                } else {
                    Color32::from_rgb(255, 110, 90)
                };
                ui.colored_label(c, RichText::new(&o.text).small());
            }
        });
}

/// Space: pause/run; `.`/`,`: faster/slower; Tab: panels; F: follow; Escape: deselect.
fn keyboard_actions(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut contexts: EguiContexts,
    mut ui: ResMut<ViewerUi>,
    mut out: MessageWriter<ViewerAction>,
) {
    let Some(keys) = keys else { return };
    if contexts
        .ctx_mut()
        .is_ok_and(|c| c.egui_wants_keyboard_input())
    {
        return;
    }
    if keys.just_pressed(KeyCode::Space) {
        out.write(ViewerAction::SetPaused(!ui.paused));
    }
    if keys.just_pressed(KeyCode::Period) {
        out.write(ViewerAction::WarpStep(1));
    }
    if keys.just_pressed(KeyCode::Comma) {
        out.write(ViewerAction::WarpStep(-1));
    }
    if keys.just_pressed(KeyCode::Tab) {
        ui.panels = !ui.panels;
    }
    if keys.just_pressed(KeyCode::KeyF) {
        out.write(ViewerAction::Follow(!ui.follow));
    }
    if keys.just_pressed(KeyCode::Escape) {
        out.write(ViewerAction::Select(None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(warp_text(100_000.0), "100,000×");
        assert_eq!(warp_text(1.0), "1.0×");
        assert_eq!(bytes_text(1_500), "1.5 kB");
        let start = orbit::parse_utc("2018-01-20T06:00:00Z").unwrap();
        assert_eq!(
            parse_jump("+90m", start).unwrap(),
            orbit::parse_utc("2018-01-20T07:30:00Z").unwrap()
        );
        assert!(parse_jump("tomorrow", start).is_err());
    }
}
