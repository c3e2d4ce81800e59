//! Output to stdout or to a file written atomically: the text goes to a temporary file in
//! the destination's directory, which is flushed, synced to disk and renamed over the
//! destination only when everything was written. A failed run leaves no partial file.

use super::error::{CliError, CliResult};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Where a command writes its result.
#[derive(Debug)]
pub struct Output {
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        writer: Option<BufWriter<File>>,
        temp: PathBuf,
        dest: PathBuf,
    },
}

/// Whether an I/O error means the reader of stdout went away (e.g. `| head`).
fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::BrokenPipe
}

impl Output {
    /// Stdout when `path` is `None`, else a temporary file beside `path`.
    pub fn create(path: Option<&Path>) -> CliResult<Self> {
        let Some(dest) = path else {
            return Ok(Self {
                sink: Sink::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            });
        };
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(CliError::bad_input_msg(format!(
                "--out {}: directory {} does not exist",
                dest.display(),
                dir.display()
            )));
        }
        if dest.is_dir() {
            return Err(CliError::bad_input_msg(format!(
                "--out {}: is a directory (expected a file name)",
                dest.display()
            )));
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned());
        let mut attempt = 0_u32;
        let (file, temp) = loop {
            let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(f) => break (f, temp),
                Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => {
                    return Err(CliError::output(anyhow::Error::new(e).context(format!(
                        "cannot create a temporary file in {}",
                        dir.display()
                    ))));
                }
            }
        };
        Ok(Self {
            sink: Sink::File {
                writer: Some(BufWriter::with_capacity(1 << 16, file)),
                temp,
                dest: dest.to_path_buf(),
            },
        })
    }

    /// Appends text.
    pub fn write_str(&mut self, text: &str) -> CliResult {
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(text.as_bytes()),
            Sink::File {
                writer: Some(w), ..
            } => w.write_all(text.as_bytes()),
            Sink::File { writer: None, .. } => Ok(()),
        };
        result.map_err(|e| self.write_error(e))
    }

    fn write_error(&self, e: std::io::Error) -> CliError {
        match &self.sink {
            Sink::Stdout(_) if is_broken_pipe(&e) => {
                CliError::Output(anyhow::Error::new(e).context(BROKEN_PIPE))
            }
            Sink::Stdout(_) => {
                CliError::output(anyhow::Error::new(e).context("cannot write to stdout"))
            }
            Sink::File { dest, .. } => CliError::output(
                anyhow::Error::new(e).context(format!("cannot write {}", dest.display())),
            ),
        }
    }

    /// Flushes; for a file also syncs it and renames it into place.
    pub fn finish(mut self) -> CliResult {
        match &mut self.sink {
            Sink::Stdout(w) => {
                let r = w.flush();
                r.map_err(|e| self.write_error(e))
            }
            Sink::File { writer, temp, dest } => {
                let Some(w) = writer.take() else {
                    return Ok(());
                };
                let result = (|| -> anyhow::Result<()> {
                    let file = w.into_inner().map_err(|e| e.into_error())?;
                    file.sync_all()?;
                    drop(file);
                    std::fs::rename(&*temp, &*dest)?;
                    Ok(())
                })();
                if let Err(e) = result {
                    let _ = std::fs::remove_file(&*temp);
                    return Err(CliError::output(
                        e.context(format!("cannot write {}", dest.display())),
                    ));
                }
                // make the rename durable
                if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty())
                    && let Ok(d) = File::open(dir)
                {
                    let _ = d.sync_all();
                }
                Ok(())
            }
        }
    }
}

/// Context marking a vanished stdout reader; [`super::main`] exits quietly on it.
pub const BROKEN_PIPE: &str = "stdout closed";

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::File { writer, temp, .. } = &mut self.sink
            && writer.take().is_some()
        {
            // not finished: leave no partial file behind
            let _ = std::fs::remove_file(temp);
        }
    }
}
