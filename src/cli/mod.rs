//! The `skytwin` command line: one module per subcommand, shared input/output/error helpers.
//!
//! Adding a subcommand: a module with an `Args` struct (clap derive) and a
//! `run(args) -> CliResult`, one variant in [`Command`], one arm in [`main`].

mod app;
mod eclipses;
mod error;
mod input;
mod mc;
mod output;
mod passes;
mod propagate;
mod run;
mod view;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Satellite simulator and digital twin for software-defined satellites.
#[derive(Debug, Parser)]
#[command(name = "skytwin", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario: its satellites, apps, commands and faults, checked against its
    /// assertions; writes telemetry, events, summary, JUnit, OEM and CZML.
    Run(run::Args),
    /// Monte Carlo batch of a scenario's [monte_carlo] dispersions (merge shards, rerun runs).
    Mc(mc::Args),
    /// Check a scenario (files, elements, templates, images, assertions) without running it.
    Validate(run::ValidateArgs),
    /// Propagate element sets with SGP4/SDP4 and write states (CSV or CCSDS OEM).
    Propagate(propagate::Args),
    /// Find passes of objects over ground stations.
    Passes(passes::Args),
    /// Find Earth-shadow (penumbra and umbra) intervals of objects.
    Eclipses(eclipses::Args),
    /// Run or inspect app images on a simulated satellite.
    App(app::Args),
    /// Watch a scenario in the interactive 3D viewer (runs skytwin-view, built with the
    /// workspace: cargo build --release -p visualizer).
    View(view::Args),
}

/// Parses the arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => run::validate(args),
        Command::Mc(args) => mc::run(args),
        Command::Propagate(args) => propagate::run(args),
        Command::Passes(args) => passes::run(args),
        Command::Eclipses(args) => eclipses::run(args),
        Command::App(args) => app::run(args),
        Command::View(args) => view::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error::CliError::Output(e)) if e.to_string() == output::BROKEN_PIPE => {
            ExitCode::SUCCESS
        }
        Err(e) => e.report(),
    }
}
