//! Validation of a whole hardware template before any model is built, and the placement of
//! its solar panels and instruments on its geometry.

use nalgebra::Vector3;

use super::HardwareTemplate;
use crate::error::{HardwareError, check};
use crate::geometry::{Aperture, Face, PanelSampling, SpacecraftGeometry};

/// Where a template's solar panels and instruments sit on its geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// The face each solar panel covers, in the order of `power.solar_panels`.
    pub panel_faces: Vec<Face>,
    /// The face the ground-link antenna looks out of.
    pub ground_antenna: Face,
    /// The face the inter-satellite antenna looks out of.
    pub isl_antenna: Face,
    /// The face the camera looks out of.
    pub camera: Face,
}

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

        // Geometry: the parts, the placement of panels and instruments, the inertia tensor.
        match self.geometry.validate() {
            Err(e) => problems.push(e),
            Ok(()) => match SpacecraftGeometry::new(&self.geometry) {
                Err(e) => problems.push(e),
                Ok(geometry) => {
                    self.place(&geometry, &mut problems);
                    let inertia = geometry.mass_properties().inertia_kg_m2;
                    if let Err(e) = crate::attitude::check_inertia(&inertia) {
                        problems.push(match e {
                            HardwareError::InvalidParameter {
                                value, expected, ..
                            } => HardwareError::InvalidParameter {
                                model: "geometry",
                                field: "parts (the inertia tensor they give)".into(),
                                value,
                                expected,
                            },
                            other => other,
                        });
                    }
                }
            },
        }
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

/// One problem with the number of parts that carry something that must be carried once.
fn carried_once(field: String, count: usize) -> Result<(), HardwareError> {
    check(
        count == 1,
        "geometry",
        field,
        count as f64,
        "exactly one part carrying it (value: the number of parts)",
    )
}

impl HardwareTemplate {
    /// The faces the template's solar panels and instruments sit on in `geometry` (built from
    /// `self.geometry`): each panel covers the face of its part whose outward normal is the
    /// panel's `normal_body`, each instrument looks out of the face of its part whose outward
    /// normal is its boresight. The error lists every problem (as [`Self::validate`]).
    pub fn placement(&self, geometry: &SpacecraftGeometry) -> Result<Placement, HardwareError> {
        let mut problems = Vec::new();
        match self.place(geometry, &mut problems) {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(HardwareError::InvalidTemplate {
                name: self.name.clone(),
                problems,
            }),
        }
    }

    /// [`Self::placement`], pushing each problem onto `problems`.
    fn place(
        &self,
        geometry: &SpacecraftGeometry,
        problems: &mut Vec<HardwareError>,
    ) -> Option<Placement> {
        let g = &self.geometry;
        let panels = &self.power.solar_panels;
        for part in &g.parts {
            for name in &part.solar_panels {
                if !panels.iter().any(|p| &p.name == name) {
                    problems.push(HardwareError::UnknownName {
                        model: "geometry.parts.solar_panels",
                        kind: "solar panel",
                        name: name.clone(),
                    });
                }
            }
        }
        let mut panel_faces = Vec::with_capacity(panels.len());
        for panel in panels {
            let carriers = g
                .parts
                .iter()
                .filter(|p| p.solar_panels.contains(&panel.name))
                .count();
            if let Err(e) = carried_once(format!("parts.solar_panels[{}]", panel.name), carriers) {
                problems.push(e);
                continue;
            }
            let Some(part) = g.panel_part(&panel.name) else {
                continue;
            };
            let field = |f: &str| format!("solar_panels[{}].{f}", panel.name);
            match geometry.face_toward(part, &panel.normal_body) {
                Err(best_cos) => problems.push(HardwareError::InvalidParameter {
                    model: "power",
                    field: field("normal_body"),
                    value: best_cos,
                    expected: "the outward normal of a flat face of the geometry part carrying \
                               the panel (value: the best cosine)",
                }),
                Ok(face) => {
                    if let Err(e) = check(
                        panel.area_m2 <= face.area_m2() * (1.0 + 1e-9),
                        "power",
                        field("area_m2"),
                        panel.area_m2,
                        "at most the area of the geometry face the panel covers",
                    ) {
                        problems.push(e);
                    } else if PanelSampling::new(geometry, face).point_count() == 0 {
                        problems.push(HardwareError::InvalidParameter {
                            model: "geometry",
                            field: format!("parts.solar_panels[{}]", panel.name),
                            value: 0.0,
                            expected: "a panel face not entirely covered by other parts \
                                       (value: the uncovered sample points)",
                        });
                    } else {
                        panel_faces.push(face);
                    }
                }
            }
        }
        let r = &self.radio;
        let instruments: [(Aperture, &Vector3<f64>, &'static str, &'static str); 3] = [
            (
                Aperture::GroundAntenna,
                &r.ground_antenna_boresight_body,
                "radio",
                "ground_antenna_boresight_body",
            ),
            (
                Aperture::IslAntenna,
                &r.isl_antenna_boresight_body,
                "radio",
                "isl_antenna_boresight_body",
            ),
            (
                Aperture::Camera,
                &self.camera.boresight_body,
                "camera",
                "boresight_body",
            ),
        ];
        let mut apertures = Vec::with_capacity(3);
        for (aperture, boresight, model, field) in instruments {
            let carriers = g
                .parts
                .iter()
                .filter(|p| p.apertures.contains(&aperture))
                .count();
            if let Err(e) = carried_once(format!("parts.apertures[{}]", aperture.name()), carriers)
            {
                problems.push(e);
                continue;
            }
            let Some(part) = g.aperture_part(aperture) else {
                continue;
            };
            match geometry.face_toward(part, boresight) {
                Ok(face) => apertures.push(face),
                Err(best_cos) => problems.push(HardwareError::InvalidParameter {
                    model,
                    field: field.into(),
                    value: best_cos,
                    expected: "the outward normal of a flat face of the geometry part with \
                               the aperture (value: the best cosine)",
                }),
            }
        }
        match (panel_faces.len() == panels.len(), apertures.as_slice()) {
            (true, [ground, isl, camera]) => Some(Placement {
                panel_faces,
                ground_antenna: *ground,
                isl_antenna: *isl,
                camera: *camera,
            }),
            _ => None,
        }
    }
}
