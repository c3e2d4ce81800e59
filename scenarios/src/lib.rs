//! # scenarios: mission files, headless runs and their standard outputs
//!
//! A scenario file (TOML, `docs/scenarios.md`) describes a whole mission: satellites (element
//! files, inline TLEs, Walker constellations) with hardware templates and overrides, ground
//! stations, areas of interest, apps with their schedules and limits, a command timeline,
//! fault injections, success criteria and output options. This crate loads it — every error
//! with file, line, column and the offending text underlined — runs it on `sim-core`, and
//! writes what CI and other tools read: telemetry CSV, events as JSON Lines, `summary.json`,
//! JUnit XML, a CCSDS OEM and a CZML scene.
//!
//! | module | what |
//! |---|---|
//! | [`diag`], [`reader`], [`expr`] | diagnostics, span-keeping TOML reading, the assertion and schedule expressions |
//! | [`load`], [`files`] | a scenario file (or a bundled example) → a checked [`Scenario`] |
//! | [`model`] | the loaded scenario |
//! | [`assertions`] | metrics, their accumulation over a run, outcomes |
//! | [`mc`] | Monte Carlo batches: dispersions, sharding, resume, merge, statistics, reports |
//!
//! Layers run one way: `diag → reader → expr → model/assertions → load`.

pub mod assertions;
pub mod diag;
pub mod events;
pub mod expr;
pub mod files;
pub mod geometry;
pub mod load;
pub mod mc;
pub mod model;
pub mod outputs;
pub mod reader;
pub mod run;

pub use diag::{Diagnostic, InvalidScenario, SourceFile};
pub use load::{LoadCache, LoadError, load_argument, load_example, load_file, load_text};
pub use model::Scenario;
pub use run::{Run, RunError, RunOptions, RunResult, Sink};
