//! The satellites: one mesh of camera-facing markers (see [`crate::instances`]) rebuilt from
//! the scene every frame, coloured by state, with hover and click picking.

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::window::PrimaryWindow;

use crate::control::{SceneRect, ViewerAction, ViewerUi};
use crate::instances::{MarkerBuffers, MarkerView, colours, scene_positions, status_colour};
use crate::scene::Scene;
use crate::units::{EARTH_POLAR_RADIUS_KM, units_from_km};

/// Marker diameter, pixels.
pub const MARKER_PX: f32 = 7.0;
/// How near (pixels) the pointer must be to a marker to pick it.
pub const PICK_RADIUS_PX: f32 = 10.0;

/// The markers' mesh entity.
#[derive(Debug, Component)]
pub struct SatelliteMarkers;

/// The markers' CPU-side buffers and the satellites' scene positions this frame.
#[derive(Debug, Default, Resource)]
pub struct Markers {
    /// Vertex data.
    pub buffers: MarkerBuffers,
    /// Scene positions (the same order as the scenario's satellites).
    pub scene_positions: Vec<Vec3>,
    /// Which satellite is drawn selected (its colour is overridden).
    shown_selected: Option<usize>,
    mesh: Option<Handle<Mesh>>,
}

/// Updating the markers (after the camera has moved).
#[derive(Debug, Clone, PartialEq, Eq, Hash, SystemSet)]
pub struct MarkersUpdate;

/// The satellites plugin.
#[derive(Debug, Default)]
pub struct SatellitesPlugin;

impl Plugin for SatellitesPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Markers>()
            .add_systems(Startup, setup_markers)
            .add_systems(
                PostUpdate,
                (prepare_markers, upload_markers)
                    .chain()
                    .in_set(MarkersUpdate)
                    .after(bevy::transform::TransformSystems::Propagate),
            )
            .add_systems(Update, pick_satellites);
    }
}

/// A white disc with a soft edge, for the markers' alpha mask.
fn disc_image() -> Image {
    const N: u32 = 32;
    let mut data = Vec::with_capacity((N * N * 4) as usize);
    for y in 0..N {
        for x in 0..N {
            let dx = (x as f32 + 0.5) / N as f32 * 2.0 - 1.0;
            let dy = (y as f32 + 0.5) / N as f32 * 2.0 - 1.0;
            let r = (dx * dx + dy * dy).sqrt();
            let a = ((1.0 - r) * 6.0).clamp(0.0, 1.0);
            data.extend_from_slice(&[255, 255, 255, (a * 255.0) as u8]);
        }
    }
    Image::new(
        Extent3d {
            width: N,
            height: N,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    )
}

/// An empty marker mesh (kept in the main world: it is rewritten every frame).
fn marker_mesh(b: &MarkerBuffers) -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, b.positions.clone())
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, b.uvs.clone())
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, b.colours.clone())
    .with_inserted_indices(Indices::U32(b.indices.clone()))
}

fn setup_markers(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
    mut markers: ResMut<Markers>,
) {
    // one placeholder satellite until the scenario is loaded
    markers.buffers.resize(1);
    let mesh = meshes.add(marker_mesh(&markers.buffers));
    markers.mesh = Some(mesh.clone());
    commands.spawn((
        SatelliteMarkers,
        Mesh3d(mesh),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::WHITE,
            base_color_texture: Some(images.add(disc_image())),
            alpha_mode: AlphaMode::Mask(0.5),
            unlit: true,
            double_sided: true,
            cull_mode: None,
            ..default()
        })),
        Transform::IDENTITY,
        // the mesh changes every frame; its first bounds would cull it wrongly
        NoFrustumCulling,
    ));
}

/// The camera's view for the markers.
pub fn marker_view(
    camera: &Camera,
    projection: &Projection,
    cam: &GlobalTransform,
    ui: &ViewerUi,
) -> Option<MarkerView> {
    let fov = match projection {
        Projection::Perspective(p) => p.fov,
        _ => return None,
    };
    let h = camera.logical_viewport_size()?.y.max(1.0);
    Some(MarkerView {
        camera_pos: cam.translation(),
        right: cam.right().as_vec3(),
        up: cam.up().as_vec3(),
        world_per_px_at_unit: 2.0 * (fov / 2.0).tan() / h,
        marker_px: MARKER_PX,
        selected: ui.selected,
        hovered: ui.hovered,
    })
}

/// Snapshot → marker buffers: new colours for the satellites whose status changed, positions
/// for all of them.
pub fn prepare_markers(
    mut scene: ResMut<Scene>,
    mut markers: ResMut<Markers>,
    ui: Res<ViewerUi>,
    camera: Query<(&Camera, &Projection, &GlobalTransform), With<Camera3d>>,
) {
    let n = scene.satellite_count();
    let m = &mut *markers;
    if n == 0 {
        return;
    }
    if m.buffers.len() != n {
        m.buffers.resize(n);
        m.shown_selected = None;
        scene.status_changed = (0..n as u32).collect();
    }
    let mut recolour = std::mem::take(&mut scene.status_changed);
    if m.shown_selected != ui.selected {
        recolour.extend(m.shown_selected.iter().map(|&i| i as u32));
        recolour.extend(ui.selected.iter().map(|&i| i as u32));
        m.shown_selected = ui.selected;
    }
    for i in recolour {
        let i = i as usize;
        let c = if Some(i) == ui.selected {
            colours::SELECTED
        } else {
            scene
                .status
                .get(i)
                .map_or(colours::LOST, |&s| status_colour(s))
        };
        m.buffers.set_colour(i, c);
    }
    if scene.positions_changed {
        scene_positions(&scene.positions_teme_km, &mut m.scene_positions);
        scene.positions_changed = false;
    }
    let Some((camera, projection, cam)) = camera.iter().next() else {
        return;
    };
    if let Some(view) = marker_view(camera, projection, cam, &ui) {
        m.buffers.update_positions(&m.scene_positions, &view);
    }
}

/// Marker buffers → the mesh (written in place).
fn upload_markers(markers: Res<Markers>, mut meshes: ResMut<Assets<Mesh>>) {
    if !markers.is_changed() {
        return;
    }
    let Some(mut mesh) = markers.mesh.as_ref().and_then(|h| meshes.get_mut(h)) else {
        return;
    };
    let b = &markers.buffers;
    let same_size = mesh
        .attribute(Mesh::ATTRIBUTE_POSITION)
        .is_some_and(|a| a.len() == b.positions.len());
    if !same_size {
        *mesh = marker_mesh(b);
        return;
    }
    if let Some(VertexAttributeValues::Float32x3(p)) = mesh.attribute_mut(Mesh::ATTRIBUTE_POSITION)
    {
        p.copy_from_slice(&b.positions);
    }
    if let Some(VertexAttributeValues::Float32x4(c)) = mesh.attribute_mut(Mesh::ATTRIBUTE_COLOR) {
        c.copy_from_slice(&b.colours);
    }
}

/// The satellite nearest the pointer within [`PICK_RADIUS_PX`] that the Earth does not hide.
pub fn pick(
    pointer: Vec2,
    positions: &[Vec3],
    camera: &Camera,
    cam: &GlobalTransform,
) -> Option<usize> {
    let earth_r = units_from_km(EARTH_POLAR_RADIUS_KM);
    let eye = cam.translation();
    let mut best: Option<(f32, usize)> = None;
    for (i, p) in positions.iter().enumerate() {
        if !p.is_finite() {
            continue;
        }
        let Ok(s) = camera.world_to_viewport(cam, *p) else {
            continue;
        };
        let d = s.distance(pointer);
        if d > PICK_RADIUS_PX || best.is_some_and(|(bd, _)| bd <= d) {
            continue;
        }
        if !segment_misses_sphere(eye, *p, earth_r) {
            continue;
        }
        best = Some((d, i));
    }
    best.map(|(_, i)| i)
}

/// Whether the segment a → b stays outside the sphere of radius r about the origin: the
/// closest point of the segment to the centre is a + t (b − a), t = clamp(−a·(b−a)/|b−a|², 0, 1).
pub fn segment_misses_sphere(a: Vec3, b: Vec3, r: f32) -> bool {
    let ab = b - a;
    let t = (-a.dot(ab) / ab.length_squared().max(1e-12)).clamp(0.0, 1.0);
    (a + ab * t).length() >= r
}

/// Hover labels and click selection (not when the pointer is over a panel).
#[allow(clippy::too_many_arguments)] // a bevy system: one parameter per resource it reads
fn pick_satellites(
    window: Query<&Window, With<PrimaryWindow>>,
    camera: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    markers: Res<Markers>,
    scene_rect: Res<SceneRect>,
    mut ui: ResMut<ViewerUi>,
    mut out: MessageWriter<ViewerAction>,
    mut press: Local<Option<Vec2>>,
) {
    let (Some(window), Some((camera, cam))) = (window.iter().next(), camera.iter().next()) else {
        return;
    };
    let pointer = window.cursor_position().filter(|&p| scene_rect.contains(p));
    let hovered = pointer.and_then(|p| pick(p, &markers.scene_positions, camera, cam));
    if ui.hovered != hovered {
        ui.hovered = hovered;
    }
    let Some(buttons) = buttons else { return };
    // a click is a press and release in (nearly) the same place: a drag turns the camera
    if buttons.just_pressed(MouseButton::Left) {
        *press = pointer;
    }
    if buttons.just_released(MouseButton::Left)
        && let (Some(p0), Some(p1)) = (press.take(), pointer)
        && p0.distance(p1) < 4.0
    {
        out.write(ViewerAction::Select(hovered));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_earth_hides_what_is_behind_it() {
        let eye = Vec3::new(0.0, 0.0, 20.0);
        assert!(!segment_misses_sphere(eye, Vec3::new(0.0, 0.0, -8.0), 6.3));
        assert!(segment_misses_sphere(eye, Vec3::new(0.0, 7.0, 0.0), 6.3));
        assert!(segment_misses_sphere(eye, Vec3::new(0.0, 0.0, 7.0), 6.3));
    }
}
