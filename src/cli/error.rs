//! Errors and exit codes shared by every subcommand.
//!
//! Exit codes: 0 success (a propagation error that stops one object is reported on stderr and
//! is not a failure of the run), 1 the output could not be written, 2 bad input (arguments,
//! files; clap's own usage errors also exit with 2).

use std::process::ExitCode;

/// Exit code for bad input.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when the output cannot be written.
pub const EXIT_OUTPUT: u8 = 1;

/// A failed run: what to print and how to exit.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or input files (exit code 2). The message names file, line and field.
    BadInput(anyhow::Error),
    /// The output could not be written (exit code 1).
    Output(anyhow::Error),
    /// Already reported on stdout/stderr: exit with this code.
    Exit(u8),
}

impl CliError {
    /// A bad-input error from anything printable.
    pub fn bad_input(e: impl Into<anyhow::Error>) -> Self {
        Self::BadInput(e.into())
    }

    /// A bad-input error from a message.
    pub fn bad_input_msg(message: impl std::fmt::Display) -> Self {
        Self::BadInput(anyhow::anyhow!("{message}"))
    }

    /// An output error with context.
    pub fn output(e: impl Into<anyhow::Error>) -> Self {
        Self::Output(e.into())
    }

    /// Prints the error to stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        match self {
            Self::BadInput(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(EXIT_BAD_INPUT)
            }
            Self::Output(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(EXIT_OUTPUT)
            }
            Self::Exit(code) => ExitCode::from(*code),
        }
    }
}

/// Result of a subcommand.
pub type CliResult<T = ()> = Result<T, CliError>;
