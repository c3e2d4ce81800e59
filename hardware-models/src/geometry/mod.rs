//! The spacecraft's geometry: rigid parts (bus, deployed panels, antennas, camera baffle) as
//! boxes and cylinders with masses, in the body frame, held in rapier3d.
//!
//! rapier gives three things the simulation needs and the other models cannot compute:
//! - **mass properties** ([`MassProperties`]): each part's mass, centre of mass and inertia
//!   from parry's closed forms for its shape, combined by the parallel-axis theorem; the
//!   attitude model's inertia tensor comes from here (one source of truth);
//! - **self-shadowing** of each solar panel ([`SelfShadowing`]): the fraction of the panel's
//!   sample points from which a ray toward the Sun leaves the spacecraft without hitting
//!   another part (rapier's query pipeline), tabulated once per template on a cube map of Sun
//!   directions in the body frame and interpolated in the step;
//! - **obstruction of fields of view** ([`ApertureView`]): whether the line of sight from an
//!   antenna or the camera toward a direction passes through another part, and the fraction of
//!   the field blocked.
//!
//! The body frame's origin is the template's reference point (for the built-in templates the
//! centre of the bus); the centre of mass is wherever the parts put it
//! ([`MassProperties::center_of_mass_body_m`]). Shapes, poses and sizes are public
//! ([`SpacecraftGeometry::parts`], [`SpacecraftGeometry::part_pose_body`]) so that a viewer
//! can draw the same spacecraft.

mod scene;
mod shadow;
mod view;

pub use scene::{Face, MassProperties, SpacecraftGeometry};
pub use shadow::{
    MAX_PANEL_SAMPLES_PER_SIDE, PANEL_SAMPLES_SHORT_SIDE, PanelSampling, SHADOW_TABLE_CELLS,
    SelfShadowing, ShadowTable,
};
pub use view::ApertureView;

use nalgebra::{Isometry3, Translation3, UnitQuaternion, Vector3};
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Smallest dimension of a part, m (0.1 mm: foil is modelled as 0.1 mm thick).
pub const MIN_PART_SIZE_M: f64 = 1e-4;
/// Largest dimension of a part and farthest part centre from the body origin, m.
pub const MAX_PART_EXTENT_M: f64 = 1e3;

/// The shape of a part, in the part's own axes (centred on the part's position).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ShapeParams {
    /// A rectangular box with these edge lengths along the part's x, y, z axes, m.
    Box {
        /// Full edge lengths, m.
        size_m: Vector3<f64>,
    },
    /// A solid circular cylinder whose axis is the part's z axis.
    Cylinder {
        /// Radius, m.
        radius_m: f64,
        /// Length along the axis, m.
        length_m: f64,
    },
}

impl ShapeParams {
    /// Volume, m³.
    pub fn volume_m3(&self) -> f64 {
        match self {
            ShapeParams::Box { size_m } => size_m.x * size_m.y * size_m.z,
            ShapeParams::Cylinder { radius_m, length_m } => {
                std::f64::consts::PI * radius_m * radius_m * length_m
            }
        }
    }
}

/// A rotation of a part about an axis through its centre, body frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationParams {
    /// Rotation axis, body frame (any length; normalised).
    pub axis_body: Vector3<f64>,
    /// Rotation angle, degrees (right-handed about the axis).
    pub angle_deg: f64,
}

/// What instrument looks out of a part: the aperture is the centre of the part's face whose
/// outward normal is the instrument's boresight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aperture {
    /// The ground-link antenna (`radio.ground_antenna_boresight_body`).
    GroundAntenna,
    /// The inter-satellite antenna (`radio.isl_antenna_boresight_body`).
    IslAntenna,
    /// The camera (`camera.boresight_body`).
    Camera,
}

impl Aperture {
    /// Every aperture a template places.
    pub const ALL: [Aperture; 3] = [
        Aperture::GroundAntenna,
        Aperture::IslAntenna,
        Aperture::Camera,
    ];

    /// The aperture's name in template files.
    pub fn name(&self) -> &'static str {
        match self {
            Aperture::GroundAntenna => "ground_antenna",
            Aperture::IslAntenna => "isl_antenna",
            Aperture::Camera => "camera",
        }
    }
}

/// One rigid part of the spacecraft, a homogeneous solid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartParams {
    /// Part name, unique within the spacecraft.
    pub name: String,
    /// Shape and size.
    pub shape: ShapeParams,
    /// Centre of the shape, body frame, m.
    pub center_body_m: Vector3<f64>,
    /// Rotation of the part's axes from the body axes (default: aligned).
    #[serde(default)]
    pub rotation: Option<RotationParams>,
    /// Mass, kg (give either this or `density_kg_m3`).
    #[serde(default)]
    pub mass_kg: Option<f64>,
    /// Density of the homogeneous solid, kg/m³ (give either this or `mass_kg`).
    #[serde(default)]
    pub density_kg_m3: Option<f64>,
    /// Solar panels (names in `power.solar_panels`) whose cells cover this part's face toward
    /// the panel's `normal_body`.
    #[serde(default)]
    pub solar_panels: Vec<String>,
    /// Instruments looking out of this part.
    #[serde(default)]
    pub apertures: Vec<Aperture>,
}

impl PartParams {
    /// The part's pose: body ← part (rotation about its centre, then translation).
    pub fn pose_body(&self) -> Isometry3<f64> {
        let rotation = self
            .rotation
            .as_ref()
            .map_or(UnitQuaternion::identity(), |r| {
                UnitQuaternion::from_scaled_axis(r.axis_body.normalize() * r.angle_deg.to_radians())
            });
        Isometry3::from_parts(Translation3::from(self.center_body_m), rotation)
    }

    /// Mass, kg (from `mass_kg`, or density × volume).
    pub fn mass(&self) -> f64 {
        match (self.mass_kg, self.density_kg_m3) {
            (Some(m), _) => m,
            (None, Some(rho)) => rho * self.shape.volume_m3(),
            (None, None) => 0.0,
        }
    }

    fn validate(&self) -> Result<(), HardwareError> {
        let m = "geometry";
        let f = |s: &str| format!("parts[{}].{s}", self.name);
        let size = |field: String, x: f64| {
            check(
                (MIN_PART_SIZE_M..=MAX_PART_EXTENT_M).contains(&x),
                m,
                field,
                x,
                "1e-4 m <= value <= 1e3 m",
            )
        };
        match &self.shape {
            ShapeParams::Box { size_m } => {
                for x in size_m.iter() {
                    size(f("shape.size_m"), *x)?;
                }
            }
            ShapeParams::Cylinder { radius_m, length_m } => {
                size(f("shape.radius_m"), *radius_m)?;
                size(f("shape.length_m"), *length_m)?;
            }
        }
        for x in self.center_body_m.iter() {
            check(
                x.abs() <= MAX_PART_EXTENT_M,
                m,
                f("center_body_m"),
                *x,
                "|value| <= 1e3 m",
            )?;
        }
        if let Some(r) = &self.rotation {
            let n = r.axis_body.norm();
            check(
                n > 0.0 && n.is_finite(),
                m,
                f("rotation.axis_body"),
                n,
                "a non-zero vector",
            )?;
            check(
                r.angle_deg.abs() <= 360.0,
                m,
                f("rotation.angle_deg"),
                r.angle_deg,
                "|value| <= 360°",
            )?;
        }
        match (self.mass_kg, self.density_kg_m3) {
            (Some(mass), None) => check(
                mass > 0.0 && mass <= 1e6,
                m,
                f("mass_kg"),
                mass,
                "0 < value <= 1e6 kg",
            ),
            (None, Some(rho)) => {
                check(
                    rho > 0.0 && rho <= 1e5,
                    m,
                    f("density_kg_m3"),
                    rho,
                    "0 < value <= 1e5 kg/m³",
                )?;
                check(
                    self.mass() <= 1e6,
                    m,
                    f("density_kg_m3"),
                    rho,
                    "a density giving a mass <= 1e6 kg",
                )
            }
            _ => Err(HardwareError::Inconsistent {
                model: m,
                reason: "every geometry part needs exactly one of mass_kg and density_kg_m3",
            }),
        }
    }
}

/// The spacecraft's geometry: its rigid parts, body frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometryParams {
    /// The parts (at least one).
    pub parts: Vec<PartParams>,
}

impl GeometryParams {
    /// Checks every part's ranges and that names are unique (cross-references to panels and
    /// instruments are checked by the template).
    pub fn validate(&self) -> Result<(), HardwareError> {
        check(
            !self.parts.is_empty(),
            "geometry",
            "parts",
            0.0,
            "at least one part (value: the number of parts)",
        )?;
        for (i, p) in self.parts.iter().enumerate() {
            p.validate()?;
            if self.parts[..i].iter().any(|q| q.name == p.name) {
                return Err(HardwareError::DuplicateName {
                    model: "geometry",
                    kind: "part",
                    name: p.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Index of the part called `name`.
    pub fn part_index(&self, name: &str) -> Option<usize> {
        self.parts.iter().position(|p| p.name == name)
    }

    /// Index of the part carrying the solar panel called `panel`.
    pub fn panel_part(&self, panel: &str) -> Option<usize> {
        self.parts
            .iter()
            .position(|p| p.solar_panels.iter().any(|n| n == panel))
    }

    /// Index of the part carrying `aperture`.
    pub fn aperture_part(&self, aperture: Aperture) -> Option<usize> {
        self.parts
            .iter()
            .position(|p| p.apertures.contains(&aperture))
    }
}

#[cfg(test)]
mod tests;
