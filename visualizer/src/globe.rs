//! The Earth, the Sun's light and the sky: a WGS-84 ellipsoid textured with the Blue Marble
//! and turned by the simulation's Earth rotation angle, a directional light from the simulated
//! Sun direction (the day/night terminator comes from it), the Hipparcos stars to magnitude 6
//! and, optionally, the Natural Earth country outlines.

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::image::{ImageAddressMode, ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use crate::control::ViewerUi;
use crate::scene::Scene;
use crate::units::{earth_rotation, itrf_from_geodetic_deg, scene_dir, scene_from_km};

/// The star catalogue (`tools/viewer/sky_data.py`).
const STARS_CSV: &str = include_str!("../../assets/sky/stars-mag6.csv");
/// The country outlines (`tools/viewer/sky_data.py`).
const BORDERS_TXT: &str = include_str!("../../assets/earth/borders-110m.txt");

/// Distance of the star sphere from the camera, scene units.
pub const STAR_SPHERE_UNITS: f32 = 3_000.0;

/// The Earth entity (ITRF in scene axes; its children are placed in ITRF).
#[derive(Debug, Component)]
pub struct Earth;

/// The Sun's light.
#[derive(Debug, Component)]
pub struct SunLight;

/// The star field (kept centred on the camera: stars are at infinity).
#[derive(Debug, Component)]
pub struct Stars;

/// The country outlines.
#[derive(Debug, Component)]
pub struct Borders;

/// Turning the globe and the light (after snapshots are applied).
#[derive(Debug, Clone, PartialEq, Eq, Hash, SystemSet)]
pub struct GlobeUpdate;

/// The globe plugin.
#[derive(Debug, Default)]
pub struct GlobePlugin;

impl Plugin for GlobePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ClearColor(Color::BLACK))
            .insert_resource(GlobalAmbientLight {
                color: Color::WHITE,
                brightness: 25.0,
                affects_lightmapped_meshes: true,
            })
            .add_systems(Startup, setup_globe)
            .add_systems(
                Update,
                (turn_earth_and_sun, sky_follows_camera, toggle_layers).in_set(GlobeUpdate),
            );
    }
}

/// A point of the ellipsoid mesh: position (ITRF km), outward normal (geodetic), texture
/// coordinate.
///
/// The Blue Marble is equirectangular with longitude −180° at the left edge and latitude +90°
/// at the top (`assets/earth/NOTICE`): u = (λ + 180°) / 360°, v = (90° − φ) / 180°.
pub fn ellipsoid_vertex(lat_deg: f64, lon_deg: f64) -> ([f64; 3], [f64; 3], [f32; 2]) {
    let p = itrf_from_geodetic_deg(lat_deg, lon_deg, 0.0);
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    let n = [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()];
    let uv = [
        ((lon_deg + 180.0) / 360.0) as f32,
        ((90.0 - lat_deg) / 180.0) as f32,
    ];
    (p, n, uv)
}

/// The Earth as a latitude/longitude grid on the WGS-84 ellipsoid, in Earth-fixed scene axes.
pub fn earth_mesh(lat_bands: usize, lon_bands: usize) -> Mesh {
    let mut positions = Vec::with_capacity((lat_bands + 1) * (lon_bands + 1));
    let mut normals = Vec::with_capacity(positions.capacity());
    let mut uvs = Vec::with_capacity(positions.capacity());
    for i in 0..=lat_bands {
        let lat = 90.0 - 180.0 * i as f64 / lat_bands as f64;
        for j in 0..=lon_bands {
            let lon = -180.0 + 360.0 * j as f64 / lon_bands as f64;
            let (p, n, uv) = ellipsoid_vertex(lat, lon);
            positions.push(scene_from_km(p));
            normals.push(scene_dir(n).to_array());
            uvs.push(uv);
        }
    }
    let row = lon_bands as u32 + 1;
    let mut indices = Vec::with_capacity(lat_bands * lon_bands * 6);
    for i in 0..lat_bands as u32 {
        for j in 0..lon_bands as u32 {
            let (a, b) = (i * row + j, (i + 1) * row + j);
            // counter-clockwise seen from outside
            indices.extend_from_slice(&[a, b, a + 1, a + 1, b, b + 1]);
        }
    }
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_indices(Indices::U32(indices))
}

/// An RGBA8 image and its mipmap chain (2×2 box filter per level, down to 1×1), levels
/// concatenated as the GPU upload expects them.
pub fn mip_chain(rgba: Vec<u8>, width: u32, height: u32) -> (Vec<u8>, u32) {
    let mut data = rgba;
    let (mut w, mut h) = (width as usize, height as usize);
    let mut level_start = 0;
    let mut levels = 1;
    while w > 1 || h > 1 {
        let (nw, nh) = ((w / 2).max(1), (h / 2).max(1));
        let mut next = Vec::with_capacity(nw * nh * 4);
        {
            let src = &data[level_start..level_start + w * h * 4];
            for y in 0..nh {
                let (y0, y1) = ((2 * y).min(h - 1), (2 * y + 1).min(h - 1));
                for x in 0..nw {
                    let (x0, x1) = ((2 * x).min(w - 1), (2 * x + 1).min(w - 1));
                    for c in 0..4 {
                        let sum: u32 = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
                            .iter()
                            .map(|&(xx, yy)| u32::from(src[(yy * w + xx) * 4 + c]))
                            .sum();
                        next.push(((sum + 2) / 4) as u8);
                    }
                }
            }
        }
        level_start = data.len();
        data.extend_from_slice(&next);
        (w, h) = (nw, nh);
        levels += 1;
    }
    (data, levels)
}

/// The Blue Marble as a mipmapped sRGB texture (a plain dark blue if it cannot be decoded).
fn earth_texture() -> Image {
    let (rgba, w, h) = match image::load_from_memory(scenarios::files::EARTH_TEXTURE_JPEG) {
        Ok(img) => {
            let rgba = img.to_rgba8();
            let (w, h) = rgba.dimensions();
            (rgba.into_raw(), w, h)
        }
        Err(e) => {
            warn!("the Earth texture cannot be decoded: {e}");
            (vec![10, 30, 80, 255], 1, 1)
        }
    };
    let mut img = Image::new(
        Extent3d {
            width: w,
            height: h,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        rgba.clone(),
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    let (data, levels) = mip_chain(rgba, w, h);
    img.data = Some(data);
    img.texture_descriptor.mip_level_count = levels;
    img.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        address_mode_u: ImageAddressMode::Repeat,
        address_mode_v: ImageAddressMode::ClampToEdge,
        mag_filter: ImageFilterMode::Linear,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        anisotropy_clamp: 4,
        ..ImageSamplerDescriptor::linear()
    });
    img
}

/// One star of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Star {
    /// Right ascension, degrees (J2000).
    pub ra_deg: f64,
    /// Declination, degrees.
    pub dec_deg: f64,
    /// V magnitude.
    pub mag: f64,
    /// B−V colour index.
    pub bv: f64,
}

/// The bundled stars (a malformed line is skipped).
pub fn stars() -> Vec<Star> {
    STARS_CSV
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<f64> = l.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            (f.len() == 5).then(|| Star {
                ra_deg: f[1],
                dec_deg: f[2],
                mag: f[3],
                bv: f[4],
            })
        })
        .collect()
}

/// A star's colour from its B−V index (blue-white below 0, white near 0.3, yellow near 0.6,
/// orange-red above 1.4), dimmed with magnitude: brightness ∝ 10^(−0.4 (m − m₀)) kept above
/// a floor so that faint stars still show.
pub fn star_colour(mag: f64, bv: f64) -> [f32; 4] {
    let t = ((bv + 0.3) / 2.0).clamp(0.0, 1.0) as f32;
    let rgb = [0.7 + 0.3 * t, 0.8 + 0.05 * t, 1.0 - 0.55 * t];
    let b = 10f64.powf(-0.4 * (mag - 1.0)).clamp(0.12, 1.0) as f32;
    [rgb[0] * b, rgb[1] * b, rgb[2] * b, 1.0]
}

/// The stars as quads on a sphere of radius [`STAR_SPHERE_UNITS`] (TEME; J2000 and TEME of
/// the 2020s differ by about a third of a degree of precession, below a pixel's worth at the
/// default field of view... and invisible to the eye).
fn star_mesh() -> Mesh {
    let list = stars();
    let mut positions = Vec::with_capacity(list.len() * 4);
    let mut colours = Vec::with_capacity(list.len() * 4);
    let mut indices = Vec::with_capacity(list.len() * 6);
    for (k, s) in list.iter().enumerate() {
        let (ra, dec) = (s.ra_deg.to_radians(), s.dec_deg.to_radians());
        let d = scene_dir([dec.cos() * ra.cos(), dec.cos() * ra.sin(), dec.sin()]);
        let c = d * STAR_SPHERE_UNITS;
        // a quad facing the centre, about 1.2–3 px wide at the default field of view
        let half = STAR_SPHERE_UNITS * 0.0011 * (1.6 - 0.2 * s.mag as f32).max(0.6);
        let a = d.any_orthonormal_vector();
        let b = d.cross(a);
        for (x, y) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            positions.push((c + a * (x * half) + b * (y * half)).to_array());
            colours.push(star_colour(s.mag, s.bv));
        }
        let i = 4 * k as u32;
        indices.extend_from_slice(&[i, i + 1, i + 2, i, i + 2, i + 3]);
    }
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
    .with_inserted_indices(Indices::U32(indices))
}

/// The country outlines: every arc as line segments, 3 km above the ellipsoid (Earth-fixed).
pub fn borders_mesh() -> Mesh {
    let mut positions = Vec::new();
    for line in BORDERS_TXT.lines().filter(|l| !l.starts_with('#')) {
        let pts: Vec<[f32; 3]> = line
            .split_whitespace()
            .filter_map(|p| {
                let (lon, lat) = p.split_once(',')?;
                let (lon, lat): (f64, f64) = (lon.parse().ok()?, lat.parse().ok()?);
                Some(scene_from_km(itrf_from_geodetic_deg(lat, lon, 3.0)))
            })
            .collect();
        for w in pts.windows(2) {
            positions.push(w[0]);
            positions.push(w[1]);
        }
    }
    Mesh::new(PrimitiveTopology::LineList, RenderAssetUsages::RENDER_WORLD)
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
}

fn setup_globe(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
) {
    let texture = images.add(earth_texture());
    let earth_material = materials.add(StandardMaterial {
        base_color_texture: Some(texture),
        perceptual_roughness: 0.85,
        reflectance: 0.2,
        ..default()
    });
    commands
        .spawn((
            Earth,
            Mesh3d(meshes.add(earth_mesh(128, 256))),
            MeshMaterial3d(earth_material),
            Transform::IDENTITY,
        ))
        .with_children(|earth| {
            earth.spawn((
                Borders,
                Mesh3d(meshes.add(borders_mesh())),
                MeshMaterial3d(materials.add(StandardMaterial {
                    base_color: Color::srgb(0.95, 0.95, 0.8),
                    unlit: true,
                    ..default()
                })),
                Visibility::Hidden,
            ));
        });
    commands.spawn((
        Stars,
        Mesh3d(meshes.add(star_mesh())),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::WHITE,
            unlit: true,
            ..default()
        })),
        Transform::IDENTITY,
        NoFrustumCulling,
    ));
    commands.spawn((
        SunLight,
        DirectionalLight {
            illuminance: light_consts::lux::AMBIENT_DAYLIGHT,
            ..default()
        },
        Transform::from_xyz(1.0, 0.0, 0.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The Earth turns by the snapshot's rotation angle; the light comes from the Sun.
fn turn_earth_and_sun(
    scene: Res<Scene>,
    mut earth: Query<&mut Transform, (With<Earth>, Without<SunLight>)>,
    mut sun: Query<&mut Transform, (With<SunLight>, Without<Earth>)>,
) {
    if scene.time.is_none() {
        return;
    }
    for mut t in &mut earth {
        t.rotation = earth_rotation(scene.earth_rotation_rad);
    }
    let d = scene_dir(scene.sun_dir_teme);
    if d == Vec3::ZERO {
        return;
    }
    for mut t in &mut sun {
        // the light shines along −d (from the Sun toward the Earth)
        *t = Transform::from_translation(d).looking_at(Vec3::ZERO, Vec3::Y);
    }
}

/// The stars stay centred on the camera.
fn sky_follows_camera(
    camera: Query<&GlobalTransform, With<Camera3d>>,
    mut stars: Query<&mut Transform, With<Stars>>,
) {
    let Some(cam) = camera.iter().next() else {
        return;
    };
    for mut t in &mut stars {
        t.translation = cam.translation();
    }
}

/// Shows or hides the stars and the outlines as the UI asks.
fn toggle_layers(
    ui: Res<ViewerUi>,
    mut stars: Query<&mut Visibility, (With<Stars>, Without<Borders>)>,
    mut borders: Query<&mut Visibility, (With<Borders>, Without<Stars>)>,
) {
    if !ui.is_changed() {
        return;
    }
    let vis = |on: bool| {
        if on {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        }
    };
    for mut v in &mut stars {
        *v = vis(ui.stars);
    }
    for mut v in &mut borders {
        *v = vis(ui.borders);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_texture_coordinates_follow_the_blue_marble_layout() {
        // assets/earth/NOTICE: lon −180° at the left edge, lat +90° at the top
        let (_, _, uv) = ellipsoid_vertex(0.0, 0.0);
        assert_eq!(uv, [0.5, 0.5]);
        let (p, n, uv) = ellipsoid_vertex(90.0, -180.0);
        assert_eq!(uv, [0.0, 0.0]);
        assert!((p[2] - 6356.752).abs() < 0.01, "{p:?}");
        assert!((n[2] - 1.0).abs() < 1e-12);
        let (p, _, uv) = ellipsoid_vertex(0.0, 90.0);
        assert_eq!(uv, [0.75, 0.5]);
        assert!((p[1] - 6378.137).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn val_analytic_mip_chain_averages_and_halves() {
        // 2×2 image → its average at level 1
        let px = vec![0, 0, 0, 255, 100, 0, 0, 255, 0, 200, 0, 255, 0, 0, 40, 255];
        let (data, levels) = mip_chain(px, 2, 2);
        assert_eq!(levels, 2);
        assert_eq!(&data[16..], &[25, 50, 10, 255]);
        let (_, levels) = mip_chain(vec![0; 8 * 4 * 4], 8, 4);
        assert_eq!(levels, 4); // 8×4, 4×2, 2×1, 1×1
    }

    #[test]
    fn bundled_sky_data_reads_whole() {
        let s = stars();
        assert!(s.len() > 5_000, "{}", s.len());
        // Sirius (HIP 32349), the brightest: RA 101.29°, Dec −16.72°, V −1.44
        let sirius = s.iter().min_by(|a, b| a.mag.total_cmp(&b.mag)).unwrap();
        assert!((sirius.ra_deg - 101.29).abs() < 0.05 && (sirius.dec_deg + 16.72).abs() < 0.05);
        let borders = borders_mesh();
        assert!(borders.count_vertices() > 5_000);
    }
}
