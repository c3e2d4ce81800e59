//! sim-core integration tests: one binary, one module per area (link time is precious).

mod common;

mod abi_bounds;
mod abi_rules;
mod determinism;
mod guest_apps;
mod hostile;
mod lifecycle;
mod module_fuzz;
mod module_layers;
mod nan;
mod reactor;
mod runaway;
mod scheduling;
mod services;
mod simulation;
mod wasi;
