//! Hardware models of a satellite for skytwin: power, thermal, link budget, onboard computer,
//! attitude (rapier3d), camera payload and sensors.
//!
//! Every model is plain input → output code in SI units with the unit in each name: a
//! serde-deserialisable parameter struct (with defaults for the built-in hardware templates),
//! a state struct, and a `step(dt, &inputs[, rng]) -> outputs` (or `evaluate(&inputs)` for the
//! stateless link budget). No clock, no global state: time comes in as `hifitime::Duration`,
//! randomness as a caller-provided seeded RNG. "ECI" means TEME of date, the frame SGP4 gives.
//!
//! ```
//! use hardware_models::template::HardwareTemplate;
//! let t = HardwareTemplate::builtin("cubesat-6u").unwrap();
//! assert!(t.power.battery.capacity_wh > 50.0);
//! ```

pub mod attitude;
pub mod camera;
pub mod computer;
pub mod environment;
pub mod error;
pub mod link;
pub mod power;
pub mod satellite;
pub mod sensors;
pub mod template;
pub mod texture;
pub mod thermal;

pub use error::HardwareError;
