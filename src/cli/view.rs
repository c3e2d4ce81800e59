//! `skytwin view`: the interactive 3D viewer. The viewer is its own binary, `skytwin-view`
//! (crate `visualizer`, the only one that builds bevy), so that the command line builds
//! without it; this runs the `skytwin-view` found beside this executable, or else on PATH,
//! with the arguments passed through unchanged, and exits with its exit code.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::error::{CliError, CliResult, EXIT_BAD_INPUT};

/// The viewer's executable name.
pub const VIEWER: &str = if cfg!(windows) {
    "skytwin-view.exe"
} else {
    "skytwin-view"
};

/// Arguments of `skytwin view` (all passed to `skytwin-view`; `skytwin view --help` shows its
/// options).
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// [SCENARIO] [--screenshot OUT.png] [--at T] [--size WxH] [--select NAME] ...
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<OsString>,
}

/// The viewer beside `exe` (the same directory), or else the first on `path` (a PATH value).
pub fn find_viewer(exe: Option<&Path>, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let beside = exe
        .and_then(Path::parent)
        .map(|d| d.join(VIEWER))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        path.into_iter()
            .flat_map(std::env::split_paths)
            .map(|d| d.join(VIEWER))
            .find(|p| p.is_file())
    })
}

/// Runs `skytwin view`.
pub fn run(args: Args) -> CliResult {
    let exe = std::env::current_exe().ok();
    let path = std::env::var_os("PATH");
    let Some(viewer) = find_viewer(exe.as_deref(), path.as_deref()) else {
        eprintln!(
            "error: the viewer ({VIEWER}) is not built: it is not beside {} nor on PATH.\n\
             Build it with: cargo build --release -p visualizer\n\
             (or cargo build --release --workspace; it needs bevy, a long first build)",
            exe.as_deref()
                .and_then(Path::parent)
                .map_or("skytwin".into(), |d| d.display().to_string())
        );
        return Err(CliError::Exit(EXIT_BAD_INPUT));
    };
    let status = std::process::Command::new(&viewer)
        .args(&args.args)
        .status()
        .map_err(|e| CliError::bad_input_msg(format!("cannot run {}: {e}", viewer.display())))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(CliError::Exit(u8::try_from(code).unwrap_or(1))),
        // ended by a signal
        None => Err(CliError::Exit(1)),
    }
}
