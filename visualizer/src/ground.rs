//! Things on and to the ground: ground stations and areas of interest (on the Earth entity,
//! placed in ITRF once), a line for each contact (coloured by its data rate) and each
//! inter-satellite link that carried data, and the selected satellite's orbit trail (inertial)
//! and ground track (on the Earth).

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use crate::globe::Earth;
use crate::satellites::Markers;
use crate::scene::Scene;
use crate::units::{earth_rotation, scene_vec};

/// Half-width of a station marker, km.
const STATION_HALF_KM: f64 = 45.0;
/// Station colour.
const STATION_COLOUR: [f32; 4] = [1.0, 0.2, 0.8, 1.0];
/// Area outline colour.
const AREA_COLOUR: [f32; 4] = [1.0, 0.85, 0.1, 1.0];
/// Inter-satellite link colour.
const ISL_COLOUR: [f32; 4] = [0.85, 0.4, 1.0, 1.0];
/// Orbit trail colour (its oldest end fades out).
const TRAIL_COLOUR: [f32; 4] = [0.55, 0.85, 1.0, 1.0];
/// Ground track colour.
const GROUND_TRACK_COLOUR: [f32; 4] = [1.0, 1.0, 1.0, 1.0];

/// Lines in the inertial scene: contacts, links, the orbit trail.
#[derive(Debug, Component)]
pub struct SceneLines;

/// The ground track (a child of the Earth).
#[derive(Debug, Component)]
pub struct GroundTrack;

/// Stations and areas (a child of the Earth), built once the scenario is loaded.
#[derive(Debug, Component)]
pub struct GroundFeatures;

/// The line meshes this plugin rewrites.
#[derive(Debug, Default, Resource)]
struct GroundMeshes {
    scene_lines: Option<Handle<Mesh>>,
    ground_track: Option<Handle<Mesh>>,
    features_built: bool,
}

/// The ground plugin.
#[derive(Debug, Default)]
pub struct GroundPlugin;

impl Plugin for GroundPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<GroundMeshes>().add_systems(
            PostUpdate,
            (build_ground_features, update_lines).after(crate::satellites::MarkersUpdate),
        );
    }
}

/// A data rate's colour: red at 1 kbit/s through yellow to green at 100 Mbit/s and above
/// (log scale).
pub fn rate_colour(rate_bps: f64) -> [f32; 4] {
    let t = ((rate_bps.max(1.0).log10() - 3.0) / 5.0).clamp(0.0, 1.0) as f32;
    if t < 0.5 {
        [1.0, 2.0 * t, 0.1, 1.0]
    } else {
        [2.0 * (1.0 - t), 1.0, 0.1, 1.0]
    }
}

/// A line mesh (`LineList`), or a degenerate one when there is nothing to draw.
pub fn line_mesh(positions: Vec<[f32; 3]>, colours: Vec<[f32; 4]>) -> Mesh {
    let (positions, colours) = if positions.len() < 2 {
        (vec![[0.0; 3]; 2], vec![[0.0; 4]; 2])
    } else {
        (positions, colours)
    };
    Mesh::new(
        PrimitiveTopology::LineList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
}

/// Appends a polyline as line segments.
fn push_polyline(
    pos: &mut Vec<[f32; 3]>,
    col: &mut Vec<[f32; 4]>,
    pts: &[Vec3],
    colour: impl Fn(usize) -> [f32; 4],
) {
    for (k, w) in pts.windows(2).enumerate() {
        if w[0].is_finite() && w[1].is_finite() {
            pos.push(w[0].to_array());
            pos.push(w[1].to_array());
            col.push(colour(k));
            col.push(colour(k + 1));
        }
    }
}

fn line_material(materials: &mut Assets<StandardMaterial>) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial {
        base_color: Color::WHITE,
        unlit: true,
        ..default()
    })
}

/// Stations (small squares on the ground) and area outlines, once the scenario is loaded.
fn build_ground_features(
    mut commands: Commands,
    scene: Res<Scene>,
    mut state: ResMut<GroundMeshes>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    earth: Query<Entity, With<Earth>>,
) {
    if state.features_built {
        return;
    }
    let (Some(setup), Some(earth)) = (scene.setup.as_ref(), earth.iter().next()) else {
        return;
    };
    state.features_built = true;
    // stations: a square in the local horizontal plane, slightly above the ground
    let mut positions = Vec::new();
    let mut colours = Vec::new();
    let mut indices = Vec::new();
    for st in &setup.stations {
        let up = scene_vec(st.pos_itrf_km).normalize_or_zero();
        let c = scene_vec(st.pos_itrf_km) + up * 0.004;
        let east = Vec3::Y.cross(up).normalize_or(Vec3::X);
        let north = up.cross(east);
        let h = (STATION_HALF_KM / crate::units::KM_PER_UNIT) as f32;
        let base = positions.len() as u32;
        for (x, y) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            positions.push((c + east * (x * h) + north * (y * h)).to_array());
            colours.push(STATION_COLOUR);
        }
        indices.extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
    }
    let line_mat = line_material(&mut materials);
    commands.entity(earth).with_children(|e| {
        if !positions.is_empty() {
            e.spawn((
                GroundFeatures,
                Mesh3d(
                    meshes.add(
                        Mesh::new(
                            PrimitiveTopology::TriangleList,
                            RenderAssetUsages::RENDER_WORLD,
                        )
                        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
                        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
                        .with_inserted_indices(Indices::U32(indices)),
                    ),
                ),
                MeshMaterial3d(materials.add(StandardMaterial {
                    base_color: Color::WHITE,
                    unlit: true,
                    double_sided: true,
                    cull_mode: None,
                    ..default()
                })),
            ));
        }
        let (mut pos, mut col) = (Vec::new(), Vec::new());
        for a in &setup.areas {
            let pts: Vec<Vec3> = a.outline_itrf_km.iter().map(|&p| scene_vec(p)).collect();
            push_polyline(&mut pos, &mut col, &pts, |_| AREA_COLOUR);
        }
        if !pos.is_empty() {
            e.spawn((
                GroundFeatures,
                Mesh3d(meshes.add(line_mesh(pos, col))),
                MeshMaterial3d(line_mat.clone()),
            ));
        }
        let track = meshes.add(line_mesh(Vec::new(), Vec::new()));
        state.ground_track = Some(track.clone());
        e.spawn((
            GroundTrack,
            Mesh3d(track),
            MeshMaterial3d(line_mat.clone()),
            NoFrustumCulling,
        ));
    });
    let lines = meshes.add(line_mesh(Vec::new(), Vec::new()));
    state.scene_lines = Some(lines.clone());
    commands.spawn((
        SceneLines,
        Mesh3d(lines),
        MeshMaterial3d(line_mat),
        Transform::IDENTITY,
        NoFrustumCulling,
    ));
}

/// Contact and link lines and the selected satellite's trail (inertial), and its ground track
/// (Earth-fixed), from this frame's scene.
fn update_lines(
    scene: Res<Scene>,
    markers: Res<Markers>,
    state: Res<GroundMeshes>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let (Some(setup), Some(lines), Some(track)) = (
        scene.setup.as_ref(),
        state.scene_lines.as_ref(),
        state.ground_track.as_ref(),
    ) else {
        return;
    };
    let pos_of = |i: u32| markers.scene_positions.get(i as usize).copied();
    let rot = earth_rotation(scene.earth_rotation_rad);
    let (mut pos, mut col) = (Vec::new(), Vec::new());
    for c in &scene.contacts {
        let (Some(p), Some(st)) = (pos_of(c.satellite), setup.stations.get(c.station as usize))
        else {
            continue;
        };
        let g = rot * scene_vec(st.pos_itrf_km);
        if p.is_finite() {
            pos.extend([p.to_array(), g.to_array()]);
            col.extend([rate_colour(c.rate_bps); 2]);
        }
    }
    for &(a, b) in &scene.isl_links {
        if let (Some(pa), Some(pb)) = (pos_of(a), pos_of(b))
            && pa.is_finite()
            && pb.is_finite()
        {
            pos.extend([pa.to_array(), pb.to_array()]);
            col.extend([ISL_COLOUR; 2]);
        }
    }
    let mut ground = (Vec::new(), Vec::new());
    if let Some(t) = &scene.track {
        let trail: Vec<Vec3> = t.orbit_teme_km.iter().map(|&p| scene_vec(p)).collect();
        let n = trail.len().max(1) as f32;
        push_polyline(&mut pos, &mut col, &trail, |k| {
            let a = 0.15 + 0.85 * k as f32 / n;
            [
                TRAIL_COLOUR[0] * a,
                TRAIL_COLOUR[1] * a,
                TRAIL_COLOUR[2] * a,
                1.0,
            ]
        });
        let gt: Vec<Vec3> = t.ground_itrf_km.iter().map(|&p| scene_vec(p)).collect();
        push_polyline(&mut ground.0, &mut ground.1, &gt, |_| GROUND_TRACK_COLOUR);
    }
    if let Some(mut m) = meshes.get_mut(lines) {
        *m = line_mesh(pos, col);
    }
    if let Some(mut m) = meshes.get_mut(track) {
        *m = line_mesh(ground.0, ground.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_colours_run_red_to_green() {
        assert_eq!(rate_colour(0.0), [1.0, 0.0, 0.1, 1.0]);
        assert_eq!(rate_colour(1e8), [0.0, 1.0, 0.1, 1.0]);
        let mid = rate_colour(10f64.powf(5.5));
        assert!((mid[0] - 1.0).abs() < 1e-6 && (mid[1] - 1.0).abs() < 1e-6);
    }
}
