//! Why building or commanding a simulation failed, with the error underneath.

use crate::computer::error::ComputerError;

/// Errors of building or commanding a simulation.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The elements do not initialise SGP4.
    #[error("satellite {satellite}")]
    Orbit {
        /// Satellite.
        satellite: String,
        /// What the propagator reported.
        #[source]
        source: orbit::PropagationError,
    },
    /// The hardware template is inconsistent.
    #[error("satellite {satellite}: hardware")]
    Hardware {
        /// Satellite.
        satellite: String,
        /// What the models reported.
        #[source]
        source: hardware_models::HardwareError,
    },
    /// Two satellites with one name.
    #[error("a satellite named {name:?} already exists")]
    DuplicateSatellite {
        /// The name.
        name: String,
    },
    /// No such satellite.
    #[error("no satellite named {name:?}")]
    NoSuchSatellite {
        /// The name.
        name: String,
    },
    /// No app of that name on the satellite.
    #[error("satellite {satellite}: no app {app:?}")]
    NoSuchApp {
        /// Satellite.
        satellite: String,
        /// The app's name.
        app: String,
    },
    /// A lifecycle command failed.
    #[error("satellite {satellite}")]
    Computer {
        /// Satellite.
        satellite: String,
        /// What the computer reported.
        #[source]
        source: ComputerError,
    },
    /// The worker threads of [`super::SimulationConfig::threads`] could not be started.
    #[error("the simulation's worker threads could not be started")]
    Threads {
        /// What rayon reported.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
    /// The step must be positive.
    #[error("the step must be positive")]
    BadStep,
}
