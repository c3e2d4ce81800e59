//! Validation of a whole hardware template before any model is built.

use super::HardwareTemplate;
use crate::error::{HardwareError, check};

/// Replaces the model name of an error with the template section it came from (the three
/// radio links share the link model).
fn in_section(e: HardwareError, section: &'static str) -> HardwareError {
    use HardwareError as E;
    match e {
        E::InvalidParameter {
            field,
            value,
            expected,
            ..
        } => E::InvalidParameter {
            model: section,
            field,
            value,
            expected,
        },
        E::UnknownName { kind, name, .. } => E::UnknownName {
            model: section,
            kind,
            name,
        },
        E::DuplicateName { kind, name, .. } => E::DuplicateName {
            model: section,
            kind,
            name,
        },
        E::Inconsistent { reason, .. } => E::Inconsistent {
            model: section,
            reason,
        },
        other => other,
    }
}

impl HardwareTemplate {
    /// Checks every parameter of the template and every name one part uses to refer to
    /// another (power loads, thermal nodes), without building any model. Call it on templates
    /// read from files; [`SatelliteHardware::new`](crate::satellite::SatelliteHardware::new)
    /// calls it first.
    ///
    /// The error is [`HardwareError::InvalidTemplate`] listing every problem found: the first
    /// one of each section's parameters (`power`, `thermal`, `computer`, `attitude`,
    /// `radio.downlink`, `radio.uplink`, `radio.isl`, `camera`, `sensors`, `template`) and
    /// every broken reference (its `model` is the referring field, e.g.
    /// `power.loads.thermal_node`). Parameter errors name their field as in the file, e.g.
    /// `InvalidParameter { model: "power", field: "battery.capacity_wh", .. }`.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let mut problems = Vec::new();
        let mut keep = |r: Result<(), HardwareError>| {
            if let Err(e) = r {
                problems.push(e);
            }
        };
        keep(check(
            self.mass_kg > 0.0 && self.mass_kg <= 1e6,
            "template",
            "mass_kg",
            self.mass_kg,
            "0 < value <= 1e6 kg",
        ));
        keep(self.power.validate());
        keep(self.thermal.validate());
        keep(self.computer.validate());
        keep(self.attitude.validate());
        let r = &self.radio;
        for (link, section) in [
            (&r.downlink, "radio.downlink"),
            (&r.uplink, "radio.uplink"),
            (&r.isl, "radio.isl"),
        ] {
            keep(link.validate().map_err(|e| in_section(e, section)));
        }
        for (field, v) in [
            (
                "ground_antenna_boresight_body",
                &r.ground_antenna_boresight_body,
            ),
            ("isl_antenna_boresight_body", &r.isl_antenna_boresight_body),
        ] {
            keep(check(
                v.norm() > 0.0,
                "radio",
                field,
                v.norm(),
                "a non-zero vector",
            ));
        }
        keep(self.camera.validate());
        keep(self.sensors.validate());

        // Cross-references: power loads.
        let loads = &self.power.loads;
        let load = |referrer: &'static str, name: &Option<String>| match name {
            Some(n) if !loads.iter().any(|l| &l.name == n) => Err(HardwareError::UnknownName {
                model: referrer,
                kind: "power load",
                name: n.clone(),
            }),
            _ => Ok(()),
        };
        keep(load("attitude.power_load", &self.attitude.power_load));
        keep(load("computer.power_load", &self.computer.power_load));
        keep(load("camera.power_load", &self.camera.power_load));
        keep(load("radio.downlink_power_load", &r.downlink_power_load));
        keep(load("radio.isl_power_load", &r.isl_power_load));
        for h in &self.thermal.heaters {
            keep(load("thermal.heaters.power_load", &h.power_load));
            let doubled = h.power_load.as_ref().is_some_and(|n| {
                loads
                    .iter()
                    .any(|l| &l.name == n && l.thermal_node.is_some())
            });
            if doubled {
                keep(Err(HardwareError::Inconsistent {
                    model: "thermal.heaters.power_load",
                    reason: "a heater's power load must not also have a thermal node (its heat would count twice)",
                }));
            }
        }
        // Cross-references: thermal nodes.
        let nodes = &self.thermal.nodes;
        let node = |referrer: &'static str, name: &Option<String>| match name {
            Some(n) if !nodes.iter().any(|x| &x.name == n) => Err(HardwareError::UnknownName {
                model: referrer,
                kind: "thermal node",
                name: n.clone(),
            }),
            _ => Ok(()),
        };
        for l in loads {
            keep(node("power.loads.thermal_node", &l.thermal_node));
        }
        for p in &self.power.solar_panels {
            keep(node("power.solar_panels.thermal_node", &p.thermal_node));
        }
        keep(node(
            "power.battery.thermal_node",
            &self.power.battery.thermal_node,
        ));
        keep(node(
            "power.regulator_thermal_node",
            &self.power.regulator_thermal_node,
        ));
        keep(node("computer.thermal_node", &self.computer.thermal_node));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(HardwareError::InvalidTemplate {
                name: self.name.clone(),
                problems,
            })
        }
    }
}
