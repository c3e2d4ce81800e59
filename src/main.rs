//! `skytwin`: satellite simulator and digital twin for software-defined satellites.
//!
//! Each subcommand lives in its own module under `cli/`; this file only hands over to it.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
