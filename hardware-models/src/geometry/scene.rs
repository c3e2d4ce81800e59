//! The parts as rapier colliders: mass properties, ray casts through the query pipeline, and
//! the flat faces that carry solar cells and apertures.

use nalgebra::{Isometry3, Matrix3, Vector3};
use rapier3d_f64::math::{Pose, Rotation as DQuat, Vec3 as DVec3};
use rapier3d_f64::parry::query::DefaultQueryDispatcher;
use rapier3d_f64::prelude::{
    BroadPhaseBvh, ColliderBuilder, ColliderHandle, ColliderSet, IntegrationParameters,
    QueryFilter, QueryPipeline, Ray, RigidBodySet,
};

use super::{GeometryParams, PartParams, ShapeParams};
use crate::error::HardwareError;

/// Mass, centre of mass and inertia of the whole spacecraft.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MassProperties {
    /// Total mass, kg.
    pub mass_kg: f64,
    /// Centre of mass, body frame, m (relative to the body origin of the geometry).
    pub center_of_mass_body_m: Vector3<f64>,
    /// Inertia tensor about the centre of mass, body axes, kg·m².
    pub inertia_kg_m2: Matrix3<f64>,
}

/// A flat face of a part: a rectangle (box faces) or a disc (cylinder end caps).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Face {
    /// Index of the part.
    pub part: usize,
    /// Centre of the face, body frame, m.
    pub center_body_m: Vector3<f64>,
    /// Outward unit normal, body frame.
    pub normal_body: Vector3<f64>,
    /// First in-plane unit axis, body frame.
    pub u_body: Vector3<f64>,
    /// Second in-plane unit axis (normal × u), body frame.
    pub v_body: Vector3<f64>,
    /// Half extents along u and v, m (both the radius for a disc).
    pub half_extent_m: [f64; 2],
    /// Whether the face is a disc of radius `half_extent_m[0]` (else a rectangle).
    pub disc: bool,
}

impl Face {
    /// Area, m².
    pub fn area_m2(&self) -> f64 {
        let [a, b] = self.half_extent_m;
        if self.disc {
            std::f64::consts::PI * a * a
        } else {
            4.0 * a * b
        }
    }
}

fn to_glam(v: &Vector3<f64>) -> DVec3 {
    DVec3::new(v.x, v.y, v.z)
}

fn from_glam(v: DVec3) -> Vector3<f64> {
    Vector3::new(v.x, v.y, v.z)
}

/// A ray cast misses a part beyond this distance, m (larger than any spacecraft).
const MAX_RAY_LENGTH_M: f64 = 1e4;

/// The spacecraft's parts in rapier: one collider per part in a collider set, indexed by a
/// broad-phase BVH for the query pipeline (no rigid body: nothing is simulated here).
#[derive(Clone)]
pub struct SpacecraftGeometry {
    parts: Vec<PartParams>,
    poses: Vec<Isometry3<f64>>,
    colliders: ColliderSet,
    bodies: RigidBodySet,
    broad_phase: BroadPhaseBvh,
    handles: Vec<ColliderHandle>,
    mass: MassProperties,
}

impl std::fmt::Debug for SpacecraftGeometry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpacecraftGeometry")
            .field("parts", &self.parts.len())
            .field("mass", &self.mass)
            .finish_non_exhaustive()
    }
}

/// The collider of one part: parry's box or cylinder (whose axis is rapier's y: turned onto
/// the part's z by +90° about x), with its mass, at its pose.
fn collider(part: &PartParams, index: usize, pose: &Isometry3<f64>) -> ColliderBuilder {
    let (builder, local) = match &part.shape {
        ShapeParams::Box { size_m } => (
            ColliderBuilder::cuboid(0.5 * size_m.x, 0.5 * size_m.y, 0.5 * size_m.z),
            nalgebra::UnitQuaternion::identity(),
        ),
        ShapeParams::Cylinder { radius_m, length_m } => (
            ColliderBuilder::cylinder(0.5 * length_m, *radius_m),
            nalgebra::UnitQuaternion::from_axis_angle(
                &Vector3::x_axis(),
                std::f64::consts::FRAC_PI_2,
            ),
        ),
    };
    let q = pose.rotation * local;
    let rotation = DQuat::from_xyzw(q.i, q.j, q.k, q.w);
    let builder = builder
        .position(Pose::from_parts(
            to_glam(&pose.translation.vector),
            rotation,
        ))
        .user_data(index as u128);
    match (part.mass_kg, part.density_kg_m3) {
        (Some(m), _) => builder.mass(m),
        (None, Some(rho)) => builder.density(rho),
        (None, None) => builder.mass(0.0),
    }
}

impl SpacecraftGeometry {
    /// Builds the colliders of `params` (validated first) and their mass properties.
    pub fn new(params: &GeometryParams) -> Result<Self, HardwareError> {
        params.validate()?;
        let poses: Vec<Isometry3<f64>> = params.parts.iter().map(PartParams::pose_body).collect();
        let mut colliders = ColliderSet::new();
        let handles: Vec<ColliderHandle> = params
            .parts
            .iter()
            .zip(&poses)
            .enumerate()
            .map(|(i, (part, pose))| colliders.insert(collider(part, i, pose)))
            .collect();
        let bodies = RigidBodySet::new();
        let mut broad_phase = BroadPhaseBvh::new();
        broad_phase.update(
            &IntegrationParameters::default(),
            &colliders,
            &bodies,
            &handles,
            &[],
            &mut Vec::new(),
        );
        let mass = combined_mass_properties(&colliders, &handles);
        Ok(Self {
            parts: params.parts.clone(),
            poses,
            colliders,
            bodies,
            broad_phase,
            handles,
            mass,
        })
    }

    /// The parts (shapes, sizes, masses), in template order.
    pub fn parts(&self) -> &[PartParams] {
        &self.parts
    }

    /// Pose of part `index`: body ← part (the shape is centred on the part's origin, a
    /// cylinder's axis is the part's z).
    pub fn part_pose_body(&self, index: usize) -> Option<Isometry3<f64>> {
        self.poses.get(index).copied()
    }

    /// Mass properties of the whole spacecraft.
    pub fn mass_properties(&self) -> &MassProperties {
        &self.mass
    }

    /// Mass properties of part `index` alone, as rapier computes them: mass, centre of mass
    /// (body frame) and inertia about that centre (body axes).
    pub fn part_mass_properties(&self, index: usize) -> Option<MassProperties> {
        let handle = *self.handles.get(index)?;
        Some(part_mass_properties(&self.colliders, handle))
    }

    /// rapier's query pipeline over the parts, ignoring part `exclude`.
    fn query_pipeline(&self, exclude: Option<usize>) -> QueryPipeline<'_> {
        let filter = match exclude.and_then(|i| self.handles.get(i)) {
            Some(h) => QueryFilter::default().exclude_collider(*h),
            None => QueryFilter::default(),
        };
        self.broad_phase.as_query_pipeline(
            &DefaultQueryDispatcher,
            &self.bodies,
            &self.colliders,
            filter,
        )
    }

    /// The first part hit by the ray from `origin_body_m` along the unit direction
    /// `dir_body` (rapier's query pipeline, solid shapes: a ray starting inside a part hits
    /// it at distance 0), ignoring part `exclude`: its index and the distance, m.
    pub fn cast_ray(
        &self,
        origin_body_m: &Vector3<f64>,
        dir_body: &Vector3<f64>,
        exclude: Option<usize>,
    ) -> Option<(usize, f64)> {
        let ray = Ray::new(to_glam(origin_body_m), to_glam(dir_body));
        self.query_pipeline(exclude)
            .cast_ray(&ray, MAX_RAY_LENGTH_M, true)
            .and_then(|(h, toi)| Some((self.colliders.get(h)?.user_data as usize, toi)))
    }

    /// Whether the point lies inside (or on) some part other than `exclude`.
    pub fn contains_point(&self, point_body_m: &Vector3<f64>, exclude: Option<usize>) -> bool {
        self.query_pipeline(exclude)
            .intersect_point(to_glam(point_body_m))
            .next()
            .is_some()
    }

    /// Corners of the axis-aligned box (body frame) that rapier bounds part `index` with.
    pub fn part_bounding_corners(&self, index: usize) -> Option<[Vector3<f64>; 8]> {
        let aabb = self
            .colliders
            .get(*self.handles.get(index)?)?
            .compute_aabb();
        let (lo, hi) = (from_glam(aabb.mins), from_glam(aabb.maxs));
        Some(std::array::from_fn(|k| {
            Vector3::new(
                if k & 1 == 0 { lo.x } else { hi.x },
                if k & 2 == 0 { lo.y } else { hi.y },
                if k & 4 == 0 { lo.z } else { hi.z },
            )
        }))
    }

    /// The flat face of part `index` whose outward normal is `direction_body` (cosine at least
    /// 1 − 1e-9; any length): the six faces of a box, the two end caps of a cylinder.
    /// Otherwise the best cosine found, as the error.
    pub fn face_toward(&self, index: usize, direction_body: &Vector3<f64>) -> Result<Face, f64> {
        let (Some(part), Some(pose)) = (self.parts.get(index), self.poses.get(index)) else {
            return Err(f64::NAN);
        };
        let Some(d) = direction_body.try_normalize(0.0) else {
            return Err(f64::NAN);
        };
        let r = pose.rotation;
        let axes = [r * Vector3::x(), r * Vector3::y(), r * Vector3::z()];
        let (half, candidates): ([f64; 3], &[usize]) = match &part.shape {
            ShapeParams::Box { size_m } => ((size_m * 0.5).into(), &[0, 1, 2]),
            ShapeParams::Cylinder { radius_m, length_m } => {
                ([*radius_m, *radius_m, 0.5 * length_m], &[2])
            }
        };
        let mut best = -1.0f64;
        for &k in candidates {
            for sign in [1.0, -1.0] {
                let normal = axes[k] * sign;
                let cos = normal.dot(&d);
                best = best.max(cos);
                if cos >= 1.0 - 1e-9 {
                    let (i, j) = ((k + 1) % 3, (k + 2) % 3);
                    let u = axes[i];
                    let v = normal.cross(&u);
                    return Ok(Face {
                        part: index,
                        center_body_m: pose.translation.vector + normal * half[k],
                        normal_body: normal,
                        u_body: u,
                        v_body: v,
                        half_extent_m: [half[i], half[j]],
                        disc: matches!(part.shape, ShapeParams::Cylinder { .. }),
                    });
                }
            }
        }
        Err(best)
    }
}

/// Mass properties of one collider in the body frame: parry's mass, local centre of mass and
/// principal inertia of the shape, moved to the collider's pose (`transform_by`), and the
/// tensor rebuilt as J = R diag(I₁, I₂, I₃) Rᵀ from the principal frame R (for a single
/// primitive the frame is the collider's rotation: no eigen-decomposition involved).
fn part_mass_properties(colliders: &ColliderSet, handle: ColliderHandle) -> MassProperties {
    let c = &colliders[handle];
    let m = c.mass_properties().transform_by(c.position());
    let j = m.reconstruct_inertia_matrix();
    MassProperties {
        mass_kg: m.mass(),
        center_of_mass_body_m: from_glam(m.local_com),
        inertia_kg_m2: Matrix3::new(
            j.x_axis.x, j.y_axis.x, j.z_axis.x, j.x_axis.y, j.y_axis.y, j.z_axis.y, j.x_axis.z,
            j.y_axis.z, j.z_axis.z,
        ),
    }
}

/// The whole spacecraft from its parts (rapier's per-collider mass properties) by the
/// parallel-axis theorem (Goldstein, *Classical Mechanics*, 3rd ed., §5.3):
///   m = Σ mᵢ,   c = Σ mᵢ cᵢ / m,   J = Σ [Jᵢ + mᵢ (|dᵢ|² 1 − dᵢ dᵢᵀ)],  dᵢ = cᵢ − c.
/// The sum is taken here rather than with parry's `Sum for MassProperties`, which diagonalises
/// the total with glamx's 0.3 eigen-solver and rebuilds it from the principal frame (that
/// solver's frame was measured wrong for a tensor with two equal moments, see
/// `attitude::check_inertia`); the attitude model decomposes the tensor itself. On the layouts
/// tested the two agree to 1e-12 (`regress_composition_agrees_with_rapiers_sum`).
fn combined_mass_properties(colliders: &ColliderSet, handles: &[ColliderHandle]) -> MassProperties {
    let parts: Vec<MassProperties> = handles
        .iter()
        .map(|h| part_mass_properties(colliders, *h))
        .collect();
    let mass_kg: f64 = parts.iter().map(|p| p.mass_kg).sum();
    let center = if mass_kg > 0.0 {
        parts
            .iter()
            .map(|p| p.center_of_mass_body_m * p.mass_kg)
            .sum::<Vector3<f64>>()
            / mass_kg
    } else {
        Vector3::zeros()
    };
    let inertia = parts
        .iter()
        .map(|p| {
            let d = p.center_of_mass_body_m - center;
            p.inertia_kg_m2
                + (Matrix3::identity() * d.norm_squared() - d * d.transpose()) * p.mass_kg
        })
        .sum::<Matrix3<f64>>();
    MassProperties {
        mass_kg,
        center_of_mass_body_m: center,
        inertia_kg_m2: inertia,
    }
}

#[cfg(test)]
pub(super) fn collider_for_test(part: &PartParams, index: usize) -> ColliderBuilder {
    collider(part, index, &part.pose_body())
}
