//! Hardware models of a satellite for skytwin: power, thermal, link budget, onboard computer,
//! attitude, camera payload and sensors, and the spacecraft's geometry (rapier3d: mass
//! properties, self-shadowing of the solar panels, obstruction of fields of view).
//!
//! Every model is plain input → output code in SI units with the unit in each name: a
//! serde-deserialisable parameter struct (unknown fields rejected; complete sets for the
//! built-in hardware templates, TOML files read by [`template`]), a state struct, and
//! `step(dt, &inputs[, rng]) -> outputs` (or `evaluate(&geometry)` for the stateless link
//! budget). No clock and no global state: time comes in as [`hifitime::Duration`], randomness
//! as a caller-provided seeded RNG. "ECI" means TEME of date, the frame SGP4 gives; orbit
//! geometry (Sun, eclipse, frames) comes from the `orbit` crate and is passed in — models do
//! not propagate orbits.
//!
//! | module | model | state + step |
//! |---|---|---|
//! | [`power`] | arrays, battery, loads, shedding, safe mode | [`power::PowerSystem`] |
//! | [`thermal`] | lumped network, orbital heat loads, heaters, limits | [`thermal::ThermalModel`] |
//! | [`link`] | antenna patterns, losses, C/N0, Eb/N0, ACM, data volume | [`link::LinkBudget`] |
//! | [`computer`] | fuel budget, busy power, boot, watchdog | [`computer::Computer`] |
//! | [`geometry`] | parts in rapier: mass properties, panel self-shadowing, field-of-view obstruction | [`geometry::SpacecraftGeometry`] |
//! | [`attitude`] | rigid body (inertia from the geometry), wheels, gravity gradient, pointing modes | [`attitude::AttitudeModel`] |
//! | [`camera`] | pinhole camera over the Earth texture | [`camera::Camera`] |
//! | [`sensors`] | GNSS, sun sensor, gyro, temperatures | [`sensors::Sensors`] |
//! | [`satellite`] | all of the above, coupled | [`satellite::SatelliteHardware`] |
//!
//! ```
//! use hardware_models::attitude::AttitudeMode;
//! use hardware_models::satellite::{SatelliteHardware, SatelliteInputs};
//! use hardware_models::template::HardwareTemplate;
//! use hifitime::Duration;
//! use nalgebra::{UnitQuaternion, Vector3};
//! use rand::SeedableRng;
//!
//! let template = HardwareTemplate::builtin("cubesat-6u").unwrap();
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
//! let mut sat = SatelliteHardware::new(template, None, UnitQuaternion::identity(), &mut rng)?;
//! let out = sat.step(
//!     Duration::from_seconds(1.0),
//!     &SatelliteInputs {
//!         pos_eci_km: Vector3::new(6878.137, 0.0, 0.0),
//!         vel_eci_km_s: Vector3::new(0.0, 7.613, 0.0),
//!         sun_pos_eci_km: Vector3::new(1.496e8, 0.0, 0.0),
//!         illumination: 1.0,
//!         attitude_mode: AttitudeMode::Nadir,
//!         busy_fraction: 0.25,
//!         watchdog_kicked: true,
//!         reboot_requested: false,
//!         time_since_launch: Duration::ZERO,
//!     },
//! );
//! assert!(out.computer.instruction_budget > 0);
//! assert!(out.power.soc > 0.8);
//! // What the sensors saw at the start of the step, with their noise.
//! let mut readings = hardware_models::sensors::SensorReadings::default();
//! assert!(sat.read_sensors(&mut rng, &mut readings));
//! assert!(readings.gnss.is_some() || readings.omega_body_rad_s.is_some());
//! # Ok::<(), hardware_models::HardwareError>(())
//! ```

pub mod attitude;
pub mod camera;
pub mod computer;
pub mod environment;
pub mod error;
pub mod geometry;
pub mod link;
pub mod power;
pub mod satellite;
pub mod sensors;
pub mod template;
pub mod texture;
pub mod thermal;

pub use error::HardwareError;
