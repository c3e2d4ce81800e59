//! End-to-end tests of the `skytwin` binary: one test binary, one module per command.

mod app;
mod common;
mod eclipses;
mod errors;
mod passes;
mod propagate;
