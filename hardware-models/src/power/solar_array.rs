//! Solar panels: power from the Sun direction, flux, temperature and age.

use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Reference cell temperature of datasheet efficiencies: 28 °C (AM0 test condition of space
/// cells, e.g. Azur Space 3G30C datasheet).
pub const CELL_REFERENCE_TEMP_K: f64 = 301.15;

fn default_reference_temp_k() -> f64 {
    CELL_REFERENCE_TEMP_K
}

/// One flat solar panel (body-mounted or deployed; a deployed panel is fixed in the body frame).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolarPanelParams {
    /// Panel name, unique within the array (for telemetry).
    pub name: String,
    /// Outward normal of the cell side, body frame (any length; normalised on construction).
    pub normal_body: Vector3<f64>,
    /// Gross panel area, m².
    pub area_m2: f64,
    /// Fraction of the panel area covered by cells, 0..1.
    pub packing_factor: f64,
    /// Cell conversion efficiency at beginning of life, AM0, at `reference_temp_k`, 0..1.
    pub cell_efficiency: f64,
    /// Temperature of the datasheet efficiency, K (default 301.15 K = 28 °C).
    #[serde(default = "default_reference_temp_k")]
    pub reference_temp_k: f64,
    /// Relative change of efficiency per kelvin above the reference, 1/K (negative; about
    /// -0.0022 /K for triple-junction GaAs).
    pub temp_coeff_per_k: f64,
    /// Relative loss of output per year in orbit (radiation, UV, thermal cycling), 1/yr.
    pub degradation_per_year: f64,
    /// Thermal node whose temperature is the cell temperature (and which loses the harvested
    /// electrical power as heat sink), if the thermal model has one.
    #[serde(default)]
    pub thermal_node: Option<String>,
}

impl SolarPanelParams {
    pub(crate) fn validate(&self) -> Result<(), HardwareError> {
        let m = "power";
        let f = |s: &str| format!("solar_panels[{}].{s}", self.name);
        check(
            self.normal_body.norm() > 0.0,
            m,
            f("normal_body"),
            self.normal_body.norm(),
            "a non-zero vector",
        )?;
        check(self.area_m2 > 0.0, m, f("area_m2"), self.area_m2, "> 0")?;
        check(
            self.packing_factor > 0.0 && self.packing_factor <= 1.0,
            m,
            f("packing_factor"),
            self.packing_factor,
            "0 < value <= 1",
        )?;
        check(
            self.cell_efficiency > 0.0 && self.cell_efficiency < 1.0,
            m,
            f("cell_efficiency"),
            self.cell_efficiency,
            "0 < value < 1",
        )?;
        check(
            self.reference_temp_k > 0.0,
            m,
            f("reference_temp_k"),
            self.reference_temp_k,
            "> 0 K",
        )?;
        check(
            self.temp_coeff_per_k.abs() < 0.05,
            m,
            f("temp_coeff_per_k"),
            self.temp_coeff_per_k,
            "|value| < 0.05 per K",
        )?;
        check(
            (0.0..1.0).contains(&self.degradation_per_year),
            m,
            f("degradation_per_year"),
            self.degradation_per_year,
            "0 <= value < 1",
        )
    }

    /// Electrical power available at the panel terminals (at its maximum power point), W.
    ///
    /// SMAD 3rd ed. §11.4 (eqs. 11-4..11-6), with the temperature term of the cell datasheet:
    ///   P = S · A · pf · η · (1 + k_T (T − T_ref)) · (1 − d)^age · max(0, n̂·ŝ) · illumination
    /// where S is the solar flux at the spacecraft, n̂ the panel normal and ŝ the unit Sun
    /// direction (both body frame). The cosine law is used down to grazing incidence
    /// (Kelly-cosine losses beyond ~60° are neglected); the temperature factor is floored at 0.
    /// This is the unshadowed panel: the power system multiplies it by the fraction of the panel
    /// the rest of the spacecraft leaves lit ([`crate::geometry::SelfShadowing`]).
    pub fn power_w(
        &self,
        sun_dir_body: &Vector3<f64>,
        solar_flux_w_m2: f64,
        illumination: f64,
        cell_temp_k: f64,
        age_years: f64,
    ) -> f64 {
        // the power system's own evaluation (it keeps the constants between steps)
        let c = PanelConstants::new(self);
        let age_factor = (age_years.max(0.0) * c.log_retention_per_year).exp();
        c.power_w(
            self,
            sun_dir_body,
            solar_flux_w_m2,
            illumination.clamp(0.0, 1.0),
            cell_temp_k,
            age_factor,
        )
    }
}

/// Per-panel constants of SMAD eq. 11-5, computed once.
#[derive(Clone, Copy, Debug)]
pub(super) struct PanelConstants {
    unit_normal_body: Vector3<f64>,
    /// A · pf · η, m².
    pub(super) effective_area_m2: f64,
    /// ln(1 − d), per year: (1 − d)^age = exp(age · ln(1 − d)).
    pub(super) log_retention_per_year: f64,
}

impl PanelConstants {
    pub(super) fn new(p: &SolarPanelParams) -> Self {
        Self {
            unit_normal_body: p.normal_body.normalize(),
            effective_area_m2: p.area_m2 * p.packing_factor * p.cell_efficiency,
            log_retention_per_year: (1.0 - p.degradation_per_year).ln(),
        }
    }

    /// The panel's power at its terminals, W ([`SolarPanelParams::power_w`]'s equation), for
    /// a finite unit Sun direction, a flux ≥ 0, an illumination in [0, 1] (the visible
    /// fraction of the solar disc, times the fraction of the panel the rest of the spacecraft
    /// leaves lit) and the age factor (1 − d)^age already evaluated.
    pub(super) fn power_w(
        &self,
        p: &SolarPanelParams,
        sun_dir_body: &Vector3<f64>,
        solar_flux_w_m2: f64,
        illumination: f64,
        cell_temp_k: f64,
        age_factor: f64,
    ) -> f64 {
        let cos_incidence = self.unit_normal_body.dot(sun_dir_body).max(0.0);
        let temp_factor = (1.0 + p.temp_coeff_per_k * (cell_temp_k - p.reference_temp_k)).max(0.0);
        solar_flux_w_m2
            * self.effective_area_m2
            * temp_factor
            * age_factor
            * cos_incidence
            * illumination
    }

    /// Whether the Sun (unit direction, body frame) is in front of the cell side.
    pub(super) fn faces(&self, sun_dir_body: &Vector3<f64>) -> bool {
        self.unit_normal_body.dot(sun_dir_body) > 0.0
    }
}
