//! Orbit geometry shared by the integration tests (circular two-body orbits; the Sun and the
//! eclipse come from the `orbit` crate).

use hardware_models::power::PowerSystem;
use nalgebra::Vector3;
use orbit::constants::{MU_EARTH_KM3_S2, WGS84_A_KM};
use orbit::{Epoch, Propagator, Unit, load_elements};

/// A circular orbit: altitude, inclination, RAAN (all TEME).
#[derive(Clone, Copy, Debug)]
pub struct Circular {
    pub altitude_km: f64,
    pub inclination_rad: f64,
    pub raan_rad: f64,
    pub epoch: Epoch,
}

impl Circular {
    pub fn radius_km(&self) -> f64 {
        WGS84_A_KM + self.altitude_km
    }

    /// Position and velocity t seconds after the epoch (argument of latitude 0 at epoch).
    pub fn state(&self, t_s: f64) -> (Vector3<f64>, Vector3<f64>) {
        let r = self.radius_km();
        let n = (MU_EARTH_KM3_S2 / r.powi(3)).sqrt();
        let u = n * t_s;
        let (su, cu) = u.sin_cos();
        let (si, ci) = self.inclination_rad.sin_cos();
        let (so, co) = self.raan_rad.sin_cos();
        let p = Vector3::new(co * cu - so * ci * su, so * cu + co * ci * su, si * su);
        let q = Vector3::new(-co * su - so * ci * cu, -so * su + co * ci * cu, si * cu);
        (p * r, q * (r * n))
    }

    pub fn epoch_at(&self, t_s: f64) -> Epoch {
        self.epoch + t_s * Unit::Second
    }
}

/// A 500 km sun-synchronous-like orbit at the June solstice, Sun in the orbit plane.
pub fn leo() -> Circular {
    Circular {
        altitude_km: 500.0,
        inclination_rad: 97.4f64.to_radians(),
        raan_rad: 1.63, // Sun in the orbit plane (β ≈ 0): the longest eclipse
        epoch: orbit::parse_utc("2024-06-21T00:00:00Z").unwrap(),
    }
}

/// Checks the power ledger against the efficiencies and the battery's state of charge (which
/// the ledger does not close by construction). From the losses, the energy the bus gave the
/// charger and the energy the battery gave the bus are
///   E_c = L_charge / (1 − η_ch),   E_d = L_discharge / (1/η_dis − 1)
/// and then, to 1e-9 of the largest flow:
///   L_regulator = (1 − η_reg) · harvested
///   (SoC − SoC₀) · capacity = η_ch E_c − E_d / η_dis
///   η_reg · harvested + E_d = consumed + E_c     (the bus balance)
pub fn assert_ledger_obeys_efficiencies(ps: &PowerSystem) {
    let l = *ps.ledger();
    let b = &ps.params().battery;
    let reg = ps.params().regulator_efficiency;
    let (eta_ch, eta_dis) = (b.charge_efficiency, b.discharge_efficiency);
    assert!(eta_ch < 1.0 && eta_dis < 1.0 && reg < 1.0);
    let charge_bus_j = l.charge_loss_j / (1.0 - eta_ch);
    let discharge_bus_j = l.discharge_loss_j / (1.0 / eta_dis - 1.0);
    let capacity_j = b.capacity_wh * 3600.0;
    let stored_j = (ps.soc() - b.initial_soc) * capacity_j;
    let scale = l
        .harvested_j
        .max(l.consumed_j)
        .max(charge_bus_j)
        .max(discharge_bus_j)
        .max(1.0);
    let checks = [
        (
            "regulator loss",
            l.regulator_loss_j,
            (1.0 - reg) * l.harvested_j,
        ),
        (
            "stored (SoC × capacity)",
            stored_j,
            eta_ch * charge_bus_j - discharge_bus_j / eta_dis,
        ),
        (
            "bus balance",
            reg * l.harvested_j + discharge_bus_j,
            l.consumed_j + charge_bus_j,
        ),
    ];
    for (name, got, expected) in checks {
        let rel = (got - expected).abs() / scale;
        assert!(rel <= 1e-9, "{name}: {got} J vs {expected} J ({rel:.1e})");
    }
}

/// SGP4 for the ISS (ZARYA) element set of `assets/elements/sample.tle` (epoch 2018-01-20).
pub fn iss() -> Propagator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/elements/sample.tle");
    let sets = load_elements(std::path::Path::new(path)).unwrap();
    let iss = sets
        .iter()
        .find(|s| s.name.as_deref() == Some("ISS (ZARYA)"))
        .unwrap();
    Propagator::new(iss).unwrap()
}
