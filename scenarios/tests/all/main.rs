//! Integration tests of the scenarios crate: one binary (faster to build), one module per
//! area.

mod common;
mod examples;
mod load_errors;
mod mc;
mod outputs;
