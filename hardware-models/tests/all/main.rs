//! Integration tests of hardware-models (one binary: faster to build).

mod camera;
mod common;
mod power_orbit;
mod robustness;
mod satellite;
mod settled;
mod shadow;
mod templates;
