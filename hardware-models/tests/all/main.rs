//! Integration tests of hardware-models (one binary: faster to build).

mod basilisk;
mod camera;
mod camera_georef;
mod common;
mod earth_ir;
mod gyro_noise;
mod itu_validation;
mod itur;
mod power_orbit;
mod robustness;
mod satellite;
mod settled;
mod shadow;
mod templates;
