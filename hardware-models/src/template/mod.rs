//! Hardware templates: complete parameter sets of one satellite, read from TOML.
//!
//! The built-in templates (`cubesat-6u`, `smallsat-100kg`) are data files in
//! `assets/hardware/`, embedded in the crate and read by the same code as a user's template
//! ([`HardwareTemplate::from_toml_str`], [`HardwareTemplate::from_toml_table`]): unknown
//! fields are rejected and every value is validated. Their numbers are typical of flight
//! hardware of each class (datasheet-class values rounded, not one vendor's product); the
//! comment beside each group in the file says where it comes from. Scenarios start from a
//! template and override fields.

mod validate;

pub use validate::Placement;

use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::attitude::AttitudeParams;
use crate::camera::CameraParams;
use crate::computer::ComputerParams;
use crate::error::HardwareError;
use crate::geometry::{GeometryParams, MassProperties, SpacecraftGeometry};
use crate::link::LinkParams;
use crate::power::PowerParams;
use crate::sensors::SensorParams;
use crate::thermal::ThermalParams;

/// The satellite's radios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioParams {
    /// Space-to-ground payload/telemetry downlink (with a typical ground station).
    pub downlink: LinkParams,
    /// Ground-to-space command uplink.
    pub uplink: LinkParams,
    /// Inter-satellite link (identical terminals at both ends).
    pub isl: LinkParams,
    /// Boresight of the spacecraft's ground-link antenna (downlink transmit, uplink receive),
    /// body frame.
    pub ground_antenna_boresight_body: Vector3<f64>,
    /// Boresight of the inter-satellite antenna, body frame.
    pub isl_antenna_boresight_body: Vector3<f64>,
    /// Power-system load of the downlink transmitter.
    #[serde(default)]
    pub downlink_power_load: Option<String>,
    /// Power-system load of the inter-satellite transceiver.
    #[serde(default)]
    pub isl_power_load: Option<String>,
}

/// A complete hardware description of one satellite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareTemplate {
    /// Template name (`"cubesat-6u"`, `"smallsat-100kg"`, or a scenario's own).
    pub name: String,
    /// Electrical power system.
    pub power: PowerParams,
    /// Thermal network.
    pub thermal: ThermalParams,
    /// Onboard computer.
    pub computer: ComputerParams,
    /// Attitude determination and control.
    pub attitude: AttitudeParams,
    /// Radios.
    pub radio: RadioParams,
    /// Camera payload.
    pub camera: CameraParams,
    /// Sensors.
    pub sensors: SensorParams,
    /// The spacecraft's shape and mass distribution: its mass, centre of mass and inertia
    /// tensor (the attitude model's), the self-shadowing of its solar panels and the
    /// obstruction of its instruments' fields of view all come from it.
    pub geometry: GeometryParams,
}

/// The built-in templates: name and embedded TOML text (`assets/hardware/<name>.toml`).
const BUILTIN: [(&str, &str); 2] = [
    (
        "cubesat-6u",
        include_str!("../../../assets/hardware/cubesat-6u.toml"),
    ),
    (
        "smallsat-100kg",
        include_str!("../../../assets/hardware/smallsat-100kg.toml"),
    ),
];

/// Names of the built-in templates, in the order of [`BUILTIN`].
const BUILTIN_NAMES: [&str; 2] = [BUILTIN[0].0, BUILTIN[1].0];

impl HardwareTemplate {
    /// A built-in template by name: `"cubesat-6u"` or `"smallsat-100kg"`, read from its
    /// embedded TOML file ([`Self::builtin_toml`]) by [`Self::from_toml_str`], the code a
    /// user's template goes through. `None` for an unknown name (the embedded files parse and
    /// validate: a test checks it).
    pub fn builtin(name: &str) -> Option<Self> {
        Self::builtin_toml(name).and_then(|text| Self::from_toml_str(text).ok())
    }

    /// Names of the built-in templates.
    pub fn builtin_names() -> &'static [&'static str] {
        &BUILTIN_NAMES
    }

    /// The embedded TOML text of a built-in template (`assets/hardware/<name>.toml`), for
    /// callers that edit the tree before deserialising (scenario overrides by dotted path).
    pub fn builtin_toml(name: &str) -> Option<&'static str> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    }

    /// Reads a template from TOML text and validates it ([`Self::validate`]). A syntax error,
    /// an unknown or missing field or a wrong type is [`HardwareError::TemplateToml`] (with
    /// the line and column); a value out of range or a broken reference is
    /// [`HardwareError::InvalidTemplate`].
    pub fn from_toml_str(text: &str) -> Result<Self, HardwareError> {
        let template: Self =
            toml::from_str(text).map_err(|source| HardwareError::TemplateToml { source })?;
        template.validate()?;
        Ok(template)
    }

    /// Deserialises a template from a parsed TOML table (unknown fields are rejected) and
    /// validates it ([`Self::validate`]): the entry point for trees edited after parsing.
    /// Errors as [`Self::from_toml_str`] (without line and column: a table has no text).
    pub fn from_toml_table(table: toml::Table) -> Result<Self, HardwareError> {
        let template: Self = table
            .try_into()
            .map_err(|source| HardwareError::TemplateToml { source })?;
        template.validate()?;
        Ok(template)
    }

    /// Mass, centre of mass and inertia tensor of the spacecraft, from its geometry (rapier's
    /// mass properties of the parts).
    pub fn mass_properties(&self) -> Result<MassProperties, HardwareError> {
        Ok(*SpacecraftGeometry::new(&self.geometry)?.mass_properties())
    }
}
