//! Frame preparation on the CPU: snapshot positions → the satellite markers' vertex buffers.
//!
//! All satellites are one mesh drawn in one call: four vertices per satellite, a quad facing
//! the camera whose size grows with the distance so that every marker covers the same number
//! of pixels, textured with a disc and coloured by the satellite's state. Corner texture
//! coordinates and indices are made once per constellation size; colours change only for the
//! satellites whose state changed; positions are rewritten every frame in place (no
//! allocation). `benches/frame_prep.rs` measures this for 30,000 satellites.

use bevy::math::Vec3;

use crate::protocol::SatStatus;
use crate::units::scene_from_km;

/// Marker colours (linear RGBA), by state, the most important state first.
pub mod colours {
    /// Lost (decayed).
    pub const LOST: [f32; 4] = [0.35, 0.35, 0.35, 1.0];
    /// An app is faulted.
    pub const APP_FAULT: [f32; 4] = [1.0, 0.08, 0.08, 1.0];
    /// Safe mode.
    pub const SAFE_MODE: [f32; 4] = [1.0, 0.45, 0.0, 1.0];
    /// In contact with a ground station.
    pub const CONTACT: [f32; 4] = [0.1, 1.0, 0.35, 1.0];
    /// Sunlit.
    pub const SUNLIT: [f32; 4] = [1.0, 0.92, 0.55, 1.0];
    /// In the Earth's shadow.
    pub const ECLIPSE: [f32; 4] = [0.35, 0.5, 1.0, 1.0];
    /// Selected (whatever its state).
    pub const SELECTED: [f32; 4] = [1.0, 1.0, 1.0, 1.0];
}

/// The colour of a satellite in state `st`.
pub fn status_colour(st: SatStatus) -> [f32; 4] {
    if st.has(SatStatus::LOST) {
        colours::LOST
    } else if st.has(SatStatus::APP_FAULT) {
        colours::APP_FAULT
    } else if st.has(SatStatus::SAFE_MODE) {
        colours::SAFE_MODE
    } else if st.has(SatStatus::CONTACT) {
        colours::CONTACT
    } else if st.has(SatStatus::SUNLIT) {
        colours::SUNLIT
    } else {
        colours::ECLIPSE
    }
}

/// Where the markers are seen from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarkerView {
    /// Camera position, scene units.
    pub camera_pos: Vec3,
    /// Camera right axis (unit).
    pub right: Vec3,
    /// Camera up axis (unit).
    pub up: Vec3,
    /// World size of one pixel at unit distance: `2 tan(fov_y / 2) / viewport_height_px`.
    pub world_per_px_at_unit: f32,
    /// Marker diameter, pixels.
    pub marker_px: f32,
    /// The selected satellite (drawn larger).
    pub selected: Option<usize>,
    /// The satellite under the pointer (drawn larger).
    pub hovered: Option<usize>,
}

/// The markers' vertex data, laid out for one mesh.
#[derive(Debug, Default, Clone)]
pub struct MarkerBuffers {
    /// Four corners per satellite, scene units.
    pub positions: Vec<[f32; 3]>,
    /// Colour of each corner.
    pub colours: Vec<[f32; 4]>,
    /// Texture coordinate of each corner (constant).
    pub uvs: Vec<[f32; 2]>,
    /// Two triangles per satellite (constant).
    pub indices: Vec<u32>,
}

/// Corner offsets (right, up) of a quad and their texture coordinates.
const CORNERS: [([f32; 2], [f32; 2]); 4] = [
    ([-1.0, -1.0], [0.0, 1.0]),
    ([1.0, -1.0], [1.0, 1.0]),
    ([1.0, 1.0], [1.0, 0.0]),
    ([-1.0, 1.0], [0.0, 0.0]),
];

impl MarkerBuffers {
    /// Buffers for `n` satellites (every one in the default colour until its status arrives).
    pub fn new(n: usize) -> Self {
        let mut b = Self::default();
        b.resize(n);
        b
    }

    /// Number of satellites.
    pub fn len(&self) -> usize {
        self.positions.len() / 4
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Makes room for `n` satellites; the constant parts are rebuilt.
    pub fn resize(&mut self, n: usize) {
        self.positions = vec![[0.0; 3]; 4 * n];
        self.colours = vec![status_colour(SatStatus::default()); 4 * n];
        self.uvs = (0..n).flat_map(|_| CORNERS.map(|c| c.1)).collect();
        self.indices = (0..n as u32)
            .flat_map(|i| {
                let b = 4 * i;
                [b, b + 1, b + 2, b, b + 2, b + 3]
            })
            .collect();
    }

    /// Sets satellite `i`'s colour.
    pub fn set_colour(&mut self, i: usize, c: [f32; 4]) {
        if let Some(slot) = self.colours.get_mut(4 * i..4 * i + 4) {
            slot.fill(c);
        }
    }

    /// Rewrites every marker's corners for the view (positions in scene units; a non-finite
    /// one makes an empty quad).
    pub fn update_positions(&mut self, scene_positions: &[Vec3], view: &MarkerView) {
        let half_px = 0.5 * view.marker_px * view.world_per_px_at_unit;
        for (i, (p, quad)) in scene_positions
            .iter()
            .zip(self.positions.chunks_exact_mut(4))
            .enumerate()
        {
            if !p.is_finite() {
                quad.fill([0.0; 3]);
                continue;
            }
            let grow = if Some(i) == view.selected {
                2.0
            } else if Some(i) == view.hovered {
                1.6
            } else {
                1.0
            };
            // size ∝ distance: the same number of pixels at any distance
            let s = half_px * grow * (*p - view.camera_pos).length();
            let (r, u) = (view.right * s, view.up * s);
            for (corner, (off, _)) in quad.iter_mut().zip(CORNERS) {
                *corner = (*p + r * off[0] + u * off[1]).to_array();
            }
        }
    }
}

/// Snapshot positions (TEME km) → scene positions, into `out` (resized to fit).
pub fn scene_positions(positions_teme_km: &[[f64; 3]], out: &mut Vec<Vec3>) {
    out.clear();
    out.extend(
        positions_teme_km
            .iter()
            .map(|&p| Vec3::from_array(scene_from_km(p))),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> MarkerView {
        MarkerView {
            camera_pos: Vec3::new(0.0, 0.0, 30.0),
            right: Vec3::X,
            up: Vec3::Y,
            world_per_px_at_unit: 0.001,
            marker_px: 10.0,
            selected: Some(1),
            hovered: None,
        }
    }

    #[test]
    fn val_analytic_markers_keep_their_pixel_size() {
        let mut b = MarkerBuffers::new(3);
        let pos = [
            Vec3::new(0.0, 0.0, 20.0), // 10 units from the camera
            Vec3::new(0.0, 0.0, 10.0), // 20 units, selected
            Vec3::new(f32::NAN, 0.0, 0.0),
        ];
        b.update_positions(&pos, &view());
        // half-width = 0.5 · 10 px · 0.001 · distance
        let w0 = b.positions[1][0] - b.positions[0][0];
        assert!((w0 - 2.0 * 0.5 * 10.0 * 0.001 * 10.0).abs() < 1e-6, "{w0}");
        let w1 = b.positions[5][0] - b.positions[4][0];
        assert!(
            (w1 - 2.0 * 2.0 * 0.5 * 10.0 * 0.001 * 20.0).abs() < 1e-5,
            "{w1}"
        );
        assert!(b.positions[8..12].iter().all(|c| *c == [0.0; 3]));
        assert_eq!(b.indices.len(), 18);
        assert_eq!(&b.indices[6..12], &[4, 5, 6, 4, 6, 7]);
    }

    #[test]
    fn status_colours_follow_importance() {
        let st = SatStatus(SatStatus::SUNLIT | SatStatus::CONTACT | SatStatus::APP_FAULT);
        assert_eq!(status_colour(st), colours::APP_FAULT);
        assert_eq!(
            status_colour(SatStatus(SatStatus::SUNLIT | SatStatus::CONTACT)),
            colours::CONTACT
        );
        assert_eq!(status_colour(SatStatus(0)), colours::ECLIPSE);
    }
}
