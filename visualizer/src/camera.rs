//! The camera: orbits a target (the Earth's centre, or the selected satellite when following)
//! with the mouse — drag to turn, wheel to zoom — north up. It starts above a chosen point of
//! the Earth (`--view LAT,LON`), by default one that shows the day/night terminator.

use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::control::{SceneRect, ViewerUi};
use crate::satellites::Markers;
use crate::scene::Scene;
use crate::units::{EARTH_EQUATORIAL_RADIUS_KM, earth_rotation, scene_vec, units_from_km};

/// Vertical field of view, rad.
pub const FOV_Y_RAD: f32 = std::f32::consts::FRAC_PI_4;
/// Default distance of the camera from the Earth's centre, in Earth radii.
pub const DEFAULT_DISTANCE_EARTH_RADII: f32 = 3.2;

/// Where the camera starts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Resource)]
pub enum StartView {
    /// Above a point 60° of longitude west of the sub-solar point, 20° north (the terminator
    /// in view).
    #[default]
    Terminator,
    /// Above this geodetic point (degrees) at the first snapshot's time.
    Above {
        /// Latitude, degrees.
        lat_deg: f64,
        /// Longitude, degrees.
        lon_deg: f64,
    },
}

/// The orbiting camera's state.
#[derive(Debug, Clone, Copy, Component)]
pub struct OrbitCamera {
    /// Direction from the target to the camera: longitude-like angle about scene Y, rad.
    pub yaw: f32,
    /// Elevation above the scene's equator plane, rad.
    pub pitch: f32,
    /// Distance from the target, scene units.
    pub distance: f32,
    /// Placed for the first snapshot.
    pub placed: bool,
}

impl Default for OrbitCamera {
    fn default() -> Self {
        Self {
            yaw: 0.0,
            pitch: 0.3,
            distance: DEFAULT_DISTANCE_EARTH_RADII * units_from_km(EARTH_EQUATORIAL_RADIUS_KM),
            placed: false,
        }
    }
}

impl OrbitCamera {
    /// The unit vector from the target to the camera.
    pub fn direction(&self) -> Vec3 {
        Vec3::new(
            self.pitch.cos() * self.yaw.cos(),
            self.pitch.sin(),
            -self.pitch.cos() * self.yaw.sin(),
        )
    }

    /// Points the camera along `dir` (target → camera).
    pub fn set_direction(&mut self, dir: Vec3) {
        let d = dir.normalize_or(Vec3::X);
        self.pitch = d.y.clamp(-1.0, 1.0).asin();
        self.yaw = (-d.z).atan2(d.x);
    }
}

/// The camera plugin.
#[derive(Debug, Default)]
pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<StartView>()
            .add_systems(Startup, spawn_camera)
            .add_systems(Update, (place_camera, orbit_input, follow_target).chain());
    }
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Camera3d::default(),
        Projection::Perspective(PerspectiveProjection {
            fov: FOV_Y_RAD,
            near: 0.01,
            far: 10_000.0,
            ..default()
        }),
        OrbitCamera::default(),
        Transform::from_xyz(20.0, 5.0, 0.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The direction (scene) above a geodetic point at the scene's time.
fn above(scene: &Scene, lat_deg: f64, lon_deg: f64) -> Vec3 {
    let (lat, lon) = (lat_deg.to_radians(), lon_deg.to_radians());
    earth_rotation(scene.earth_rotation_rad)
        * scene_vec([lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()])
}

/// The sub-solar longitude, degrees: the Sun direction turned into ITRF, `λ = atan2(y, x)`.
pub fn subsolar_lon_deg(sun_dir_teme: [f64; 3], earth_rotation_rad: f64) -> f64 {
    let (s, c) = earth_rotation_rad.sin_cos();
    // r_ITRF = R3(θ) r_TEME
    let x = c * sun_dir_teme[0] + s * sun_dir_teme[1];
    let y = -s * sun_dir_teme[0] + c * sun_dir_teme[1];
    y.atan2(x).to_degrees()
}

/// Places the camera at the first snapshot that is not on the way to a jump's time.
fn place_camera(scene: Res<Scene>, start: Res<StartView>, mut cams: Query<&mut OrbitCamera>) {
    // not while a jump (`--at`) is under way: above the point at the time it shows
    if scene.time.is_none() || scene.clock.is_none_or(|c| c.seeking.is_some()) {
        return;
    }
    for mut cam in &mut cams {
        if cam.placed {
            continue;
        }
        let dir = match *start {
            StartView::Terminator => above(
                &scene,
                20.0,
                subsolar_lon_deg(scene.sun_dir_teme, scene.earth_rotation_rad) - 60.0,
            ),
            StartView::Above { lat_deg, lon_deg } => above(&scene, lat_deg, lon_deg),
        };
        cam.set_direction(dir);
        cam.placed = true;
    }
}

/// Drag to turn, wheel to zoom (not over a panel).
#[allow(clippy::too_many_arguments)]
fn orbit_input(
    motion: Option<Res<AccumulatedMouseMotion>>,
    scroll: Option<Res<AccumulatedMouseScroll>>,
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    window: Query<&Window, With<PrimaryWindow>>,
    scene_rect: Res<SceneRect>,
    mut dragging: Local<bool>,
    mut cams: Query<&mut OrbitCamera>,
) {
    let on_scene = window
        .iter()
        .next()
        .and_then(Window::cursor_position)
        .is_some_and(|p| scene_rect.contains(p));
    if let Some(b) = &buttons {
        if b.just_pressed(MouseButton::Left) {
            *dragging = on_scene;
        }
        if !b.pressed(MouseButton::Left) {
            *dragging = false;
        }
    }
    let earth_r = units_from_km(EARTH_EQUATORIAL_RADIUS_KM);
    for mut cam in &mut cams {
        if let Some(m) = &motion
            && *dragging
        {
            // a full window width turns about 180°
            cam.yaw -= m.delta.x * 0.005;
            cam.pitch = (cam.pitch + m.delta.y * 0.005).clamp(-1.55, 1.55);
        }
        if let Some(s) = scroll.as_ref().filter(|_| on_scene) {
            let notches = match s.unit {
                MouseScrollUnit::Line => s.delta.y,
                MouseScrollUnit::Pixel => s.delta.y / 40.0,
            };
            cam.distance =
                (cam.distance * 0.9f32.powf(notches)).clamp(0.02 * earth_r, 200.0 * earth_r);
        }
    }
}

/// The camera looks at its target (the Earth's centre, or the followed satellite).
fn follow_target(
    ui: Res<ViewerUi>,
    markers: Res<Markers>,
    mut cams: Query<(&OrbitCamera, &mut Transform)>,
) {
    let target = ui
        .selected
        .filter(|_| ui.follow)
        .and_then(|i| markers.scene_positions.get(i).copied())
        .filter(|p| p.is_finite())
        .unwrap_or(Vec3::ZERO);
    for (cam, mut t) in &mut cams {
        let eye = target + cam.direction() * cam.distance;
        *t = Transform::from_translation(eye).looking_at(target, Vec3::Y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_direction_round_trips() {
        let mut c = OrbitCamera::default();
        let d = Vec3::new(0.3, -0.5, 0.8).normalize();
        c.set_direction(d);
        assert!((c.direction() - d).length() < 1e-5);
    }

    #[test]
    fn val_analytic_subsolar_longitude() {
        // Sun along TEME x with the Earth turned by 90°: Greenwich faces TEME y, so the
        // sub-solar point is 90° west of it
        let lon = subsolar_lon_deg([1.0, 0.0, 0.0], std::f64::consts::FRAC_PI_2);
        assert!((lon + 90.0).abs() < 1e-9, "{lon}");
    }
}
