//! Self-shadowing of the solar panels by the rest of the spacecraft.
//!
//! A panel's lit fraction for a Sun direction ŝ (body frame, in front of the panel) is the
//! fraction of its sample points from which the ray toward the Sun leaves the spacecraft
//! without hitting another part (rapier's query pipeline). The sample points are the centres
//! of a regular grid of cells over the panel's face (midpoint rule), minus those covered by
//! another part (no cells there). For a straight shadow edge the error of the fraction is at
//! most half a grid cell: 1/(2n) for n cells across the edge.
//!
//! Ray casting every step would cost microseconds, so each panel's fraction is tabulated on a
//! cube map of directions ([`ShadowTable`]): the direction d is put on the face of the cube
//! [−1, 1]³ whose axis has the largest |dₐ|, at gnomonic coordinates (s, t) = (d_b, d_c) / |dₐ|,
//! and the fraction is bilinear in (s, t) between the grid nodes (a few nanoseconds, no
//! trigonometry). A node is computed the first time a lookup needs it and kept (a cache: a
//! satellite in a pointing mode sees the Sun along a few paths, and building every node up
//! front takes 0.2–1 s for the built-in templates). Nodes behind or within 1° of the panel's plane take the
//! value at 1° above the plane in the same azimuth (the panel's power, ∝ cos θ, is ~0 there).
//! Rays are cast only where a shadow can fall: a part whose bounding box lies behind the
//! panel's plane cannot shadow it, and only sample points inside the projection of the other
//! bounding boxes along ŝ onto the plane, whose ray meets such a box (slab test), can be in
//! shadow; rapier's ray cast against the parts' shapes decides.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use nalgebra::Vector3;

use super::scene::{Face, SpacecraftGeometry};

/// Cells along an edge of each cube-map face of a [`ShadowTable`] (nodes at gnomonic
/// coordinates −1 + 2k/N: spacing 3.6° at a face centre, 1.8° at its edges).
pub const SHADOW_TABLE_CELLS: usize = 32;

/// Sample points along the shorter side of a panel (the longer side gets proportionally more,
/// up to [`MAX_PANEL_SAMPLES_PER_SIDE`]).
pub const PANEL_SAMPLES_SHORT_SIDE: usize = 32;

/// Most sample points along one side of a panel.
pub const MAX_PANEL_SAMPLES_PER_SIDE: usize = 96;

/// Sample points and ray origins sit this far off the face, m (off the part's own surface).
const SURFACE_OFFSET_M: f64 = 1e-6;

/// A part is in front of a panel when some corner of its bounding box is higher than this
/// above the panel's plane, m (parts flush with the plane cannot shadow it).
const IN_FRONT_M: f64 = 1e-9;

/// Directions closer than this to a panel's plane are tabulated at this elevation, rad (1°).
const GRAZING_ELEVATION_RAD: f64 = 0.017_453_292_519_943_295;

/// The sample points of one panel and the parts that can shadow it.
#[derive(Clone, Debug)]
pub struct PanelSampling {
    face: Face,
    /// Grid cells along u and v.
    cells: [usize; 2],
    /// Whether each grid cell (row-major in u) has a sample point: false where another part
    /// covers the face (or outside a disc).
    sampled: Vec<bool>,
    /// Number of sample points.
    point_count: usize,
    /// Bounding-box corners of every part in front of the panel, as (u, v, height above the
    /// plane), m.
    occluders: Vec<[[f64; 3]; 8]>,
    /// The same boxes as (lowest, highest) corners, body frame, m.
    occluder_boxes: Vec<(Vector3<f64>, Vector3<f64>)>,
}

/// Face coordinates (u, v) of the centre of grid cell (i, j), m: u = −h_u + (2i + 1) h_u / n_u.
fn cell_center(face: &Face, cells: [usize; 2], i: usize, j: usize) -> [f64; 2] {
    let [hu, hv] = face.half_extent_m;
    [
        -hu + (2 * i + 1) as f64 * hu / cells[0] as f64,
        -hv + (2 * j + 1) as f64 * hv / cells[1] as f64,
    ]
}

/// The sample point of grid cell (i, j), lifted off the face, body frame, m.
fn sample_point(face: &Face, cells: [usize; 2], i: usize, j: usize) -> Vector3<f64> {
    let [u, v] = cell_center(face, cells, i, j);
    face.center_body_m + face.u_body * u + face.v_body * v + face.normal_body * SURFACE_OFFSET_M
}

/// Whether the ray from `o` along `d` meets the axis-aligned box [lo, hi] (the slab test, Kay
/// & Kajiya 1986): a necessary condition for hitting the part inside the box.
fn ray_meets_box(o: &Vector3<f64>, d: &Vector3<f64>, lo: &Vector3<f64>, hi: &Vector3<f64>) -> bool {
    let (mut near, mut far) = (0.0f64, f64::INFINITY);
    for k in 0..3 {
        if d[k] == 0.0 {
            if o[k] < lo[k] || o[k] > hi[k] {
                return false;
            }
        } else {
            let (a, b) = ((lo[k] - o[k]) / d[k], (hi[k] - o[k]) / d[k]);
            near = near.max(a.min(b));
            far = far.min(a.max(b));
        }
    }
    near <= far
}

impl PanelSampling {
    /// Samples the panel that covers `face`.
    pub fn new(geometry: &SpacecraftGeometry, face: Face) -> Self {
        let [hu, hv] = face.half_extent_m;
        let short = hu.min(hv);
        let count = |h: f64| {
            ((PANEL_SAMPLES_SHORT_SIDE as f64 * h / short).round() as usize)
                .clamp(PANEL_SAMPLES_SHORT_SIDE, MAX_PANEL_SAMPLES_PER_SIDE)
        };
        let (nu, nv) = (count(hu), count(hv));
        let cells = [nu, nv];
        // A point can be inside another part only inside its bounding box: rapier decides
        // there.
        let other_boxes: Vec<[Vector3<f64>; 8]> = (0..geometry.parts().len())
            .filter(|&k| k != face.part)
            .filter_map(|k| geometry.part_bounding_corners(k))
            .collect();
        let in_a_box = |p: &Vector3<f64>| {
            other_boxes
                .iter()
                .any(|c| (0..3).all(|k| p[k] >= c[0][k] && p[k] <= c[7][k]))
        };
        let mut sampled = Vec::with_capacity(nu * nv);
        for i in 0..nu {
            for j in 0..nv {
                let [u, v] = cell_center(&face, cells, i, j);
                let inside = !face.disc || u * u + v * v <= hu * hu;
                let p = sample_point(&face, cells, i, j);
                let covered = in_a_box(&p) && geometry.contains_point(&p, Some(face.part));
                sampled.push(inside && !covered);
            }
        }
        let point_count = sampled.iter().filter(|s| **s).count();
        let (occluders, occluder_boxes) = (0..geometry.parts().len())
            .filter(|&k| k != face.part)
            .filter_map(|k| geometry.part_bounding_corners(k))
            .map(|corners| {
                let local = corners.map(|c| {
                    let r = c - face.center_body_m;
                    [
                        r.dot(&face.u_body),
                        r.dot(&face.v_body),
                        r.dot(&face.normal_body),
                    ]
                });
                (local, (corners[0], corners[7]))
            })
            .filter(|(local, _)| local.iter().any(|c| c[2] > IN_FRONT_M))
            .unzip();
        Self {
            face,
            cells,
            sampled,
            point_count,
            occluders,
            occluder_boxes,
        }
    }

    /// The face the panel covers.
    pub fn face(&self) -> &Face {
        &self.face
    }

    /// Number of sample points (grid cells not covered by another part).
    pub fn point_count(&self) -> usize {
        self.point_count
    }

    /// Whether any other part lies in front of the panel (otherwise it is never shadowed).
    pub fn can_be_shadowed(&self) -> bool {
        !self.occluders.is_empty() && self.point_count > 0
    }

    /// Fraction of the panel lit for the unit Sun direction `sun_dir_body`, by ray casts from
    /// the sample points (1 when the Sun is behind or in the plane of the panel, or no sample
    /// point is left).
    pub fn lit_fraction(&self, geometry: &SpacecraftGeometry, sun_dir_body: &Vector3<f64>) -> f64 {
        let cos = sun_dir_body.dot(&self.face.normal_body);
        if cos <= 0.0 || self.point_count == 0 {
            return 1.0;
        }
        // Projection along ŝ onto the plane: (u, v, h) ↦ (u, v) − h (ŝ·û, ŝ·v̂)/(ŝ·n̂). The
        // shadow of a part is inside the box spanned by its corners projected (above the
        // plane) and its corners themselves (a part crossing the plane meets it inside that).
        let du = sun_dir_body.dot(&self.face.u_body) / cos;
        let dv = sun_dir_body.dot(&self.face.v_body) / cos;
        let [hu, hv] = self.face.half_extent_m;
        // Grid cells under each shadow box (cell i spans u from −hu + 2i·hu/nu), tested by the
        // slab test against the boxes, then cast.
        let [nu, nv] = self.cells;
        let range = |lo: f64, hi: f64, h: f64, n: usize| {
            let cell = 2.0 * h / n as f64;
            let first = ((lo + h) / cell).floor().max(0.0) as usize;
            let last = (((hi + h) / cell).ceil().max(0.0) as usize).min(n);
            first..last
        };
        let mut boxes: Vec<&(Vector3<f64>, Vector3<f64>)> = Vec::new();
        let mut candidates: Vec<usize> = Vec::new();
        for (corners, body_box) in self.occluders.iter().zip(&self.occluder_boxes) {
            let mut b = [
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ];
            for &[u, v, h] in corners {
                for (pu, pv) in [(u, v), (u - h.max(0.0) * du, v - h.max(0.0) * dv)] {
                    b = [b[0].min(pu), b[1].max(pu), b[2].min(pv), b[3].max(pv)];
                }
            }
            if b[0] <= hu && b[1] >= -hu && b[2] <= hv && b[3] >= -hv {
                boxes.push(body_box);
                for i in range(b[0], b[1], hu, nu) {
                    candidates.extend(range(b[2], b[3], hv, nv).map(|j| i * nv + j));
                }
            }
        }
        if boxes.is_empty() {
            return 1.0;
        }
        if boxes.len() > 1 {
            candidates.sort_unstable();
            candidates.dedup();
        }
        let shadowed = candidates
            .iter()
            .filter(|&&k| self.sampled[k])
            .map(|&k| sample_point(&self.face, self.cells, k / nv, k % nv))
            .filter(|p| {
                boxes
                    .iter()
                    .any(|(lo, hi)| ray_meets_box(p, sun_dir_body, lo, hi))
            })
            .filter(|p| {
                geometry
                    .cast_ray(p, sun_dir_body, Some(self.face.part))
                    .is_some()
            })
            .count();
        1.0 - shadowed as f64 / self.point_count as f64
    }

    /// The direction tabulated for node direction `d`: `d` itself when it is more than 1°
    /// above the panel's plane, else the direction 1° above the plane in the same azimuth.
    fn tabulated_direction(&self, d: &Vector3<f64>) -> Vector3<f64> {
        let n = &self.face.normal_body;
        let (sin_min, cos_min) = GRAZING_ELEVATION_RAD.sin_cos();
        if d.dot(n) >= sin_min {
            return *d;
        }
        let tangential = d - n * d.dot(n);
        let azimuth = tangential.try_normalize(1e-12).unwrap_or(self.face.u_body);
        azimuth * cos_min + n * sin_min
    }
}

/// A function of direction tabulated on a cube map: 6 faces of (N + 1)² nodes, N =
/// [`SHADOW_TABLE_CELLS`], bilinear in the gnomonic coordinates of each face. Nodes may be
/// filled all at once ([`Self::new`]) or when a lookup first needs them
/// ([`Self::lookup_filling`]): a node's value does not depend on when it is computed, nor on
/// who computes it. Clones share the nodes (satellites built from one geometry fill one
/// table: a node computed for one serves all, and 100 satellites keep one copy, not 100).
/// A node is an atomic `f32` (its bits); two threads filling the same node write the same
/// bits.
#[derive(Clone, Debug)]
pub struct ShadowTable {
    /// Node values' bits; NaN for a node not computed yet.
    values: Arc<[AtomicU32]>,
}

const NODES: usize = SHADOW_TABLE_CELLS + 1;

/// Where a direction falls in the cube map: its face, the cell's first node (i, j) and the
/// fractions (f_s, f_t) across the cell.
#[derive(Clone, Copy, Debug)]
struct CellPosition {
    face: usize,
    i: usize,
    j: usize,
    fs: f64,
    ft: f64,
}

impl CellPosition {
    /// Index of node (i + di, j + dj).
    fn node(&self, di: usize, dj: usize) -> usize {
        self.face * NODES * NODES + (self.i + di) * NODES + self.j + dj
    }
}

impl ShadowTable {
    /// Tabulates `f` at every node direction.
    pub fn new(f: impl FnMut(&Vector3<f64>) -> f64) -> Self {
        let mut table = Self::empty();
        table.fill(f);
        table
    }

    /// A table with no node computed yet.
    pub fn empty() -> Self {
        Self {
            values: (0..6 * NODES * NODES)
                .map(|_| AtomicU32::new(f32::NAN.to_bits()))
                .collect(),
        }
    }

    /// Node `k`'s value (NaN if not computed yet).
    fn node_value(&self, k: usize) -> f32 {
        // Relaxed: a node is written once with the one value it can have; a reader that
        // does not see it yet computes the same value.
        f32::from_bits(self.values[k].load(Ordering::Relaxed))
    }

    fn set_node(&self, k: usize, value: f32) {
        self.values[k].store(value.to_bits(), Ordering::Relaxed);
    }

    /// Computes every node not computed yet.
    pub fn fill(&mut self, mut f: impl FnMut(&Vector3<f64>) -> f64) {
        for k in 0..self.values.len() {
            if self.node_value(k).is_nan() {
                let (face, rest) = (k / (NODES * NODES), k % (NODES * NODES));
                let value = f(&Self::node_direction(face, rest / NODES, rest % NODES)) as f32;
                self.set_node(k, value);
            }
        }
    }

    /// Number of nodes computed so far.
    pub fn computed_nodes(&self) -> usize {
        (0..self.values.len())
            .filter(|&k| !self.node_value(k).is_nan())
            .count()
    }

    /// Whether `self` and `other` are one table (clones of each other).
    pub fn is_shared_with(&self, other: &ShadowTable) -> bool {
        Arc::ptr_eq(&self.values, &other.values)
    }

    /// Unit direction of node (i, j) of cube face `face` (= 2 × axis + 1 if negative):
    /// ±eₐ + s e_b + t e_c normalised, s = −1 + 2i/N, t = −1 + 2j/N, (a, b, c) cyclic.
    pub fn node_direction(face: usize, i: usize, j: usize) -> Vector3<f64> {
        let (a, sign) = (face / 2, if face.is_multiple_of(2) { 1.0 } else { -1.0 });
        let n = SHADOW_TABLE_CELLS as f64;
        let mut d = Vector3::zeros();
        d[a] = sign;
        d[(a + 1) % 3] = -1.0 + 2.0 * i as f64 / n;
        d[(a + 2) % 3] = -1.0 + 2.0 * j as f64 / n;
        d.normalize()
    }

    /// The cell containing direction `dir` (`None` for a zero or non-finite vector): the face
    /// of the largest |dₐ|, gnomonic coordinates (s, t) = (d_b, d_c)/|dₐ| scaled to the grid.
    fn locate(dir: &Vector3<f64>) -> Option<CellPosition> {
        let abs = dir.abs();
        let a = if abs.x >= abs.y && abs.x >= abs.z {
            0
        } else if abs.y >= abs.z {
            1
        } else {
            2
        };
        let major = abs[a];
        if !(major > 0.0 && dir.iter().all(|c| c.is_finite())) {
            return None;
        }
        let half_n = 0.5 * SHADOW_TABLE_CELLS as f64;
        let scale = half_n / major;
        let grid = |x: f64| {
            let g = (x * scale + half_n).clamp(0.0, SHADOW_TABLE_CELLS as f64);
            let k = (g as usize).min(SHADOW_TABLE_CELLS - 1);
            (k, g - k as f64)
        };
        let (i, fs) = grid(dir[(a + 1) % 3]);
        let (j, ft) = grid(dir[(a + 2) % 3]);
        Some(CellPosition {
            face: 2 * a + usize::from(dir[a] < 0.0),
            i,
            j,
            fs,
            ft,
        })
    }

    /// The four node values of the cell: (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1).
    fn corners(&self, c: &CellPosition) -> [f32; 4] {
        let base = c.node(0, 0);
        [base, base + 1, base + NODES, base + NODES + 1].map(|k| self.node_value(k))
    }

    /// Bilinear interpolation in the cell between its corner values.
    fn interpolate(v: [f32; 4], c: &CellPosition) -> f64 {
        let [v00, v01, v10, v11] = v.map(f64::from);
        let (fs, ft) = (c.fs, c.ft);
        (v00 * (1.0 - ft) + v01 * ft) * (1.0 - fs) + (v10 * (1.0 - ft) + v11 * ft) * fs
    }

    /// The tabulated function at direction `dir` (any length; 1 for a zero or non-finite
    /// vector), bilinear between the four nodes around it; NaN if one of them is not
    /// computed yet.
    pub fn lookup(&self, dir: &Vector3<f64>) -> f64 {
        Self::locate(dir).map_or(1.0, |c| Self::interpolate(self.corners(&c), &c))
    }

    /// As [`Self::lookup`], computing with `f` any of the four nodes not computed yet.
    pub fn lookup_filling(
        &mut self,
        dir: &Vector3<f64>,
        mut f: impl FnMut(&Vector3<f64>) -> f64,
    ) -> f64 {
        let Some(c) = Self::locate(dir) else {
            return 1.0;
        };
        let v = self.corners(&c);
        if !v.iter().any(|x| x.is_nan()) {
            return Self::interpolate(v, &c);
        }
        for (di, dj) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let k = c.node(di, dj);
            if self.node_value(k).is_nan() {
                let value = f(&Self::node_direction(c.face, c.i + di, c.j + dj)) as f32;
                self.set_node(k, value);
            }
        }
        Self::interpolate(self.corners(&c), &c)
    }
}

/// The self-shadowing of every solar panel: one table per panel that something can shadow,
/// filled as the Sun directions of the simulation need its nodes (a cache: the value of a node
/// does not depend on when it is computed, so results do not either), or all at once with
/// [`Self::tabulate_all`]. A panel nothing can shadow has no table and is always fully lit.
/// Clones share the tables ([`ShadowTable`]) and the geometry.
#[derive(Clone, Debug)]
pub struct SelfShadowing {
    geometry: Arc<SpacecraftGeometry>,
    panels: Vec<Option<(PanelSampling, ShadowTable)>>,
}

impl SelfShadowing {
    /// Samples the panels covering `faces` (in the power system's panel order); no ray is cast
    /// yet.
    pub fn new(geometry: Arc<SpacecraftGeometry>, faces: &[Face]) -> Self {
        let panels = faces
            .iter()
            .map(|face| {
                let sampling = PanelSampling::new(&geometry, *face);
                sampling
                    .can_be_shadowed()
                    .then(|| (sampling, ShadowTable::empty()))
            })
            .collect();
        Self { geometry, panels }
    }

    /// Number of panels.
    pub fn panel_count(&self) -> usize {
        self.panels.len()
    }

    /// Whether something can shadow panel `index`.
    pub fn can_be_shadowed(&self, index: usize) -> bool {
        matches!(self.panels.get(index), Some(Some(_)))
    }

    /// The table of panel `index` (the nodes computed so far), if something can shadow it.
    pub fn table(&self, index: usize) -> Option<&ShadowTable> {
        self.panels
            .get(index)
            .and_then(Option::as_ref)
            .map(|(_, t)| t)
    }

    /// Computes every node of every table.
    pub fn tabulate_all(&mut self) {
        let geometry = &self.geometry;
        for (sampling, table) in self.panels.iter_mut().flatten() {
            table.fill(|d| sampling.lit_fraction(geometry, &sampling.tabulated_direction(d)));
        }
    }

    /// Lit fraction of panel `index` for the Sun direction `sun_dir_body` (body frame), 0..1,
    /// interpolated in its table (computing the nodes it needs the first time; 1 for a panel
    /// nothing can shadow).
    pub fn lit_fraction(&mut self, index: usize, sun_dir_body: &Vector3<f64>) -> f64 {
        let geometry = &self.geometry;
        match self.panels.get_mut(index) {
            Some(Some((sampling, table))) => table.lookup_filling(sun_dir_body, |d| {
                sampling.lit_fraction(geometry, &sampling.tabulated_direction(d))
            }),
            _ => 1.0,
        }
    }
}
