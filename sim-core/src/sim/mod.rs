//! The simulation: satellites (SGP4 orbit + hardware models + onboard computer running apps),
//! ground stations and areas of interest, on a fixed-step clock ([`Simulation`]); one
//! satellite and its own step ([`satellite`], `satellite_step.rs`, `sensor_view.rs`); what
//! crosses between satellites at the step boundary (`isl_exchange.rs`, `transfer.rs`); and
//! what a step reports ([`report`]).
//!
//! The top layer of sim-core: it sits on the onboard computer, the hypervisor and the bus.

mod area;
mod camera;
pub mod error;
mod isl_exchange;
pub mod report;
pub mod satellite;
mod satellite_step;
mod sensor_view;
pub mod simulation;
mod transfer;

pub use area::{Area, AreaShape};
pub use error::SimError;
pub use report::{SimEvent, SimEventKind, StepReport, TelemetryRow};
pub use satellite::{Satellite, computer_spec, nadir_attitude};
pub use simulation::{Simulation, SimulationConfig};
