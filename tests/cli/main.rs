//! End-to-end tests of the `skytwin` binary: one test binary, one module per command.

mod app;
mod common;
mod eclipses;
mod errors;
mod inputs;
mod mc;
mod mc_slurm;
mod output;
mod passes;
mod propagate;
mod run;
mod sgp4_mode;
mod streaming;
mod view;
