//! The viewer's systems that need no GPU, run with `App::update` on bare channels: time warp
//! and pause, selection, and a snapshot turned into the satellite markers' vertex data.

use bevy::asset::AssetPlugin;
use bevy::camera::{ComputedCameraValues, RenderTargetInfo};
use bevy::mesh::VertexAttributeValues;
use bevy::prelude::*;
use crossbeam_channel::{Receiver, Sender, bounded};
use hifitime::{Duration, Epoch};
use visualizer::control::{ControlPlugin, SimChannel, ViewerAction, ViewerUi, WARPS};
use visualizer::instances::{colours, status_colour};
use visualizer::protocol::{ClockState, Command, SatStatus, SceneSetup, SimMessage, Snapshot};
use visualizer::satellites::{Markers, SatelliteMarkers, SatellitesPlugin};
use visualizer::scene::Scene;
use visualizer::units::scene_vec;

fn app() -> (App, Receiver<Command>, Sender<SimMessage>) {
    let (cmd_tx, cmd_rx) = bounded(64);
    let (msg_tx, msg_rx) = bounded(64);
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .init_asset::<Mesh>()
        .init_asset::<Image>()
        .init_asset::<StandardMaterial>()
        .insert_resource(SimChannel::from_channels(cmd_tx, msg_rx))
        .add_plugins((ControlPlugin, SatellitesPlugin));
    (app, cmd_rx, msg_tx)
}

fn t0() -> Epoch {
    orbit::parse_utc("2018-01-20T06:00:00Z").unwrap()
}

fn setup(n: usize) -> SceneSetup {
    SceneSetup {
        name: "test".into(),
        description: String::new(),
        file: "test.toml".into(),
        start: t0(),
        end: t0() + Duration::from_seconds(3600.0),
        step: Duration::from_seconds(1.0),
        satellites: (0..n).map(|i| format!("sat-{i}")).collect(),
        stations: Vec::new(),
        areas: Vec::new(),
        node_names: Vec::new(),
    }
}

fn snapshot(positions: Vec<[f64; 3]>, status_changes: Vec<(u32, SatStatus)>) -> Snapshot {
    Snapshot {
        time: t0() + Duration::from_seconds(60.0),
        earth_rotation_rad: 1.0,
        sun_dir_teme: [1.0, 0.0, 0.0],
        positions_teme_km: positions,
        status_changes,
        contacts: None,
        isl_links: None,
        events: Vec::new(),
        events_dropped: 0,
        selected: None,
        outcomes: None,
        clock: ClockState {
            paused: false,
            warp: 60.0,
            achieved_warp: 60.0,
            behind: false,
            done: false,
            seeking: None,
        },
    }
}

fn commands(rx: &Receiver<Command>) -> Vec<Command> {
    rx.try_iter().collect()
}

#[test]
fn warp_steps_and_pause_become_commands() {
    let (mut app, rx, _tx) = app();
    app.update();
    let start = app.world().resource::<ViewerUi>().warp_index;
    assert_eq!(WARPS[start], 60.0);
    app.world_mut().write_message(ViewerAction::WarpStep(1));
    app.world_mut().write_message(ViewerAction::WarpStep(1));
    app.update();
    assert_eq!(
        commands(&rx),
        vec![
            Command::SetWarp(WARPS[start + 1]),
            Command::SetWarp(WARPS[start + 2])
        ]
    );
    // the fastest warp is 100,000× and going further stays there
    app.world_mut()
        .write_message(ViewerAction::SetWarpIndex(WARPS.len() - 1));
    app.world_mut().write_message(ViewerAction::WarpStep(1));
    app.world_mut().write_message(ViewerAction::SetPaused(true));
    app.update();
    assert_eq!(
        commands(&rx),
        vec![
            Command::SetWarp(100_000.0),
            Command::SetWarp(100_000.0),
            Command::SetPaused(true)
        ]
    );
    let ui = app.world().resource::<ViewerUi>();
    assert!(ui.paused);
    assert_eq!(ui.warp_index, WARPS.len() - 1);
    // and the slowest is 1×
    app.world_mut().write_message(ViewerAction::SetWarpIndex(0));
    app.world_mut().write_message(ViewerAction::WarpStep(-1));
    app.update();
    assert_eq!(
        commands(&rx),
        vec![Command::SetWarp(1.0), Command::SetWarp(1.0)]
    );
}

#[test]
fn selection_reaches_the_simulation_and_follow_needs_one() {
    let (mut app, rx, _tx) = app();
    app.world_mut().write_message(ViewerAction::Follow(true));
    app.update();
    assert!(!app.world().resource::<ViewerUi>().follow);
    app.world_mut().write_message(ViewerAction::Select(Some(2)));
    app.world_mut().write_message(ViewerAction::Follow(true));
    app.update();
    assert_eq!(commands(&rx), vec![Command::Select(Some(2))]);
    let ui = app.world().resource::<ViewerUi>();
    assert_eq!((ui.selected, ui.follow), (Some(2), true));
    // app actions go to the selected satellite
    app.world_mut().write_message(ViewerAction::App(
        "beacon".into(),
        visualizer::protocol::AppAction::Restart,
    ));
    app.world_mut().write_message(ViewerAction::Select(None));
    app.update();
    assert_eq!(
        commands(&rx),
        vec![
            Command::App {
                satellite: 2,
                app: "beacon".into(),
                action: visualizer::protocol::AppAction::Restart
            },
            Command::Select(None)
        ]
    );
    assert!(!app.world().resource::<ViewerUi>().follow);
}

#[test]
fn a_snapshot_becomes_marker_vertices() {
    let (mut app, _rx, tx) = app();
    // a camera 20 000 km out on TEME x, as the camera plugin would place it
    let eye = Vec3::new(20.0, 0.0, 0.0);
    app.world_mut().spawn((
        Camera3d::default(),
        Camera {
            computed: ComputedCameraValues {
                target_info: Some(RenderTargetInfo {
                    physical_size: UVec2::new(1000, 800),
                    scale_factor: 1.0,
                }),
                ..default()
            },
            ..default()
        },
        Projection::Perspective(PerspectiveProjection::default()),
        GlobalTransform::from(Transform::from_translation(eye).looking_at(Vec3::ZERO, Vec3::Y)),
    ));
    app.update();
    let positions = vec![[7000.0, 0.0, 0.0], [0.0, 7000.0, 0.0], [0.0, 0.0, 7000.0]];
    tx.send(SimMessage::Loaded(Box::new(setup(3)))).unwrap();
    tx.send(SimMessage::Snapshot(Box::new(snapshot(
        positions.clone(),
        vec![
            (0, SatStatus(SatStatus::SUNLIT)),
            (1, SatStatus(SatStatus::SUNLIT | SatStatus::CONTACT)),
        ],
    ))))
    .unwrap();
    app.update();
    assert_eq!(app.world().resource::<Scene>().snapshots, 1);
    let markers = app.world().resource::<Markers>();
    let b = &markers.buffers;
    assert_eq!(b.len(), 3);
    // colours by state
    assert_eq!(b.colours[0], colours::SUNLIT);
    assert_eq!(b.colours[4], colours::CONTACT);
    assert_eq!(b.colours[8], status_colour(SatStatus(0)));
    // each marker's four corners are centred on its scene position, facing the camera
    for (i, p) in positions.iter().enumerate() {
        let centre = b.positions[4 * i..4 * i + 4]
            .iter()
            .fold(Vec3::ZERO, |a, c| a + Vec3::from_array(*c))
            / 4.0;
        assert!((centre - scene_vec(*p)).length() < 1e-4, "{i}: {centre}");
        let edge = Vec3::from_array(b.positions[4 * i + 1]) - Vec3::from_array(b.positions[4 * i]);
        assert!(
            edge.dot(eye).abs() < 1e-5,
            "marker {i} does not face the camera"
        );
        // 7 px at 400 px per tan(22.5°): width = 7 · 2 tan(22.5°) / 800 · distance
        let d = (scene_vec(*p) - eye).length();
        let want = 7.0 * 2.0 * (std::f32::consts::FRAC_PI_8).tan() / 800.0 * d;
        assert!(
            (edge.length() - want).abs() < 1e-4 * want.max(1.0),
            "{i}: {} vs {want}",
            edge.length()
        );
    }
    // and the mesh holds the same vertices
    let handle = app
        .world_mut()
        .query_filtered::<&Mesh3d, With<SatelliteMarkers>>()
        .single(app.world())
        .unwrap()
        .0
        .clone();
    let meshes = app.world().resource::<Assets<Mesh>>();
    let mesh = meshes.get(&handle).unwrap();
    match mesh.attribute(Mesh::ATTRIBUTE_POSITION) {
        Some(VertexAttributeValues::Float32x3(v)) => {
            assert_eq!(v, &app.world().resource::<Markers>().buffers.positions)
        }
        other => panic!("positions: {other:?}"),
    }
    // selecting recolours: the selected one is white, the others keep their state colours
    app.world_mut().write_message(ViewerAction::Select(Some(1)));
    app.update();
    app.update();
    let b = &app.world().resource::<Markers>().buffers;
    assert_eq!(b.colours[4], colours::SELECTED);
    assert_eq!(b.colours[0], colours::SUNLIT);
}
