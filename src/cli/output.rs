//! Output to stdout or to the `--out` file.
//!
//! Where `--out` names a regular file, or nothing yet, the text goes to a temporary file in
//! the destination's directory, which is flushed, synced to disk and renamed over the
//! destination only when everything was written: a failed run leaves no partial file. A
//! symbolic link is followed first, so the file it points to is replaced and the link stays;
//! the replaced file's permissions (and, where we may set it, its owner) are kept.
//!
//! Anything else is opened and written directly, in place: a character device
//! (`/dev/null`), a FIFO, `/dev/stdout` and other aliases of open descriptors
//! (`/proc/self/fd/N`, `/dev/fd/N`), and a regular file that has other hard links or an owner
//! a new file could not be given (a rename would cut those ties). A regular file written in
//! place is emptied just before the first byte is written, so bad input found before that
//! leaves it as it was.
//!
//! Errors: `--out` that cannot be opened or created is bad input (exit code 2); a failed
//! write is exit code 1. Both messages start with `--out PATH:` and give the system's reason.

use super::error::{CliError, CliResult};
use std::fs::{File, Metadata, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Context marking a vanished stdout reader; [`super::main`] exits quietly on it.
pub const BROKEN_PIPE: &str = "stdout closed";

/// Buffer size of every sink.
const BUFFER_BYTES: usize = 1 << 16;

/// Symbolic links followed at most (as Linux's `MAXSYMLINKS`).
const MAX_SYMLINKS: usize = 40;

/// Where a command writes its result.
#[derive(Debug)]
pub struct Output {
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    /// A temporary file renamed over `dest` by [`Output::finish`].
    Replace {
        /// `--out` as given, for messages.
        label: PathBuf,
        writer: Option<BufWriter<File>>,
        temp: PathBuf,
        dest: PathBuf,
    },
    /// Written in place.
    InPlace {
        label: PathBuf,
        writer: BufWriter<File>,
        /// A regular file still to be emptied before the first write.
        truncate_pending: bool,
        /// Whether it is a regular file (synced at the end; devices and FIFOs cannot be).
        regular: bool,
    },
}

/// What `--out` resolves to.
#[derive(Debug)]
enum Target {
    /// Absent, or a regular file with one link: replace it by rename.
    Replace {
        path: PathBuf,
        existing: Option<Metadata>,
    },
    /// Write through: a device, a FIFO, a descriptor alias, a multiply linked file.
    InPlace { path: PathBuf, regular: bool },
}

/// Whether an I/O error means the reader of stdout went away (e.g. `| head`).
fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::BrokenPipe
}

/// A path naming an open descriptor rather than a file (`/proc/self/fd/1`, `/dev/fd/1`):
/// its "target" is whatever the descriptor is, so it is written through, never replaced.
fn is_descriptor_alias(path: &Path) -> bool {
    path.starts_with("/proc") || path.starts_with("/dev/fd")
}

#[cfg(unix)]
fn link_count(m: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(m)
}

#[cfg(not(unix))]
fn link_count(_: &Metadata) -> u64 {
    1
}

/// Gives `temp` the owner of `existing` when they differ; false if that is not allowed.
#[cfg(unix)]
fn keep_owner(temp: &Path, existing: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(temp) {
        Ok(m) if m.uid() == existing.uid() && m.gid() == existing.gid() => true,
        Ok(_) => std::os::unix::fs::chown(temp, Some(existing.uid()), Some(existing.gid())).is_ok(),
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &Metadata) -> bool {
    true
}

/// Follows symbolic links from `dest` and says how to write to what it names. The error is
/// the reason, to follow `--out PATH: `.
fn resolve(dest: &Path) -> Result<Target, String> {
    if dest.as_os_str().is_empty() {
        return Err("empty path (expected a file name)".to_owned());
    }
    let mut path = dest.to_path_buf();
    let mut hops = 0;
    let meta = loop {
        if is_descriptor_alias(&path) {
            return Ok(Target::InPlace {
                path: dest.to_path_buf(),
                regular: false,
            });
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_SYMLINKS {
                    return Err("too many levels of symbolic links".to_owned());
                }
                let target = std::fs::read_link(&path).map_err(|e| e.to_string())?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(m) => break Some(m),
            Err(e) if e.kind() == ErrorKind::NotFound => break None,
            Err(e) => return Err(e.to_string()),
        }
    };
    let shown = |p: &Path| {
        if p == dest {
            String::new()
        } else {
            format!(" (the link points to {})", p.display())
        }
    };
    match meta {
        None => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if !dir.is_dir() {
                return Err(format!(
                    "directory {} does not exist{}",
                    dir.display(),
                    shown(&path)
                ));
            }
            Ok(Target::Replace {
                path,
                existing: None,
            })
        }
        Some(m) if m.is_dir() => Err(format!(
            "is a directory{} (expected a file name)",
            shown(&path)
        )),
        Some(m) if m.is_file() && link_count(&m) > 1 => Ok(Target::InPlace {
            path,
            regular: true,
        }),
        Some(m) if m.is_file() => Ok(Target::Replace {
            path,
            existing: Some(m),
        }),
        Some(_) => Ok(Target::InPlace {
            path,
            regular: false,
        }),
    }
}

/// Creates a new temporary file beside `dest`.
fn create_temp(dest: &Path) -> std::io::Result<(File, PathBuf)> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let mut attempt = 0_u32;
    loop {
        let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

impl Output {
    /// Stdout when `path` is `None`, else the `--out` file (see the module documentation).
    pub fn create(path: Option<&Path>) -> CliResult<Self> {
        let Some(dest) = path else {
            return Ok(Self {
                sink: Sink::Stdout(BufWriter::with_capacity(BUFFER_BYTES, std::io::stdout())),
            });
        };
        let bad =
            |reason: String| CliError::bad_input_msg(format!("--out {}: {reason}", dest.display()));
        let label = dest.to_path_buf();
        let (path, regular) = match resolve(dest).map_err(bad)? {
            Target::Replace { path, existing } => {
                let (file, temp) = create_temp(&path).map_err(|e| {
                    let dir = path
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new("."));
                    bad(format!("cannot create a file in {}: {e}", dir.display()))
                })?;
                let kept = match &existing {
                    None => Ok(true),
                    Some(m) => std::fs::set_permissions(&temp, m.permissions())
                        .map(|()| keep_owner(&temp, m)),
                };
                match kept {
                    Ok(true) => {
                        return Ok(Self {
                            sink: Sink::Replace {
                                label,
                                writer: Some(BufWriter::with_capacity(BUFFER_BYTES, file)),
                                temp,
                                dest: path,
                            },
                        });
                    }
                    // another owner that a new file cannot be given: write in place
                    Ok(false) => {
                        drop(file);
                        let _ = std::fs::remove_file(&temp);
                        (path, true)
                    }
                    Err(e) => {
                        drop(file);
                        let _ = std::fs::remove_file(&temp);
                        return Err(bad(format!(
                            "cannot set the permissions of {}: {e}",
                            temp.display()
                        )));
                    }
                }
            }
            Target::InPlace { path, regular } => (path, regular),
        };
        // a regular file is emptied at the first write; anything else is appended to (a
        // device or FIFO ignores the offset; a descriptor alias of a file opened by the
        // shell with `>>` must not be overwritten from its start)
        let file = if regular {
            OpenOptions::new().write(true).open(&path)
        } else {
            OpenOptions::new().append(true).open(&path)
        }
        .map_err(|e| bad(format!("cannot open for writing: {e}")))?;
        Ok(Self {
            sink: Sink::InPlace {
                label,
                writer: BufWriter::with_capacity(BUFFER_BYTES, file),
                truncate_pending: regular,
                regular,
            },
        })
    }

    /// Appends text.
    pub fn write_str(&mut self, text: &str) -> CliResult {
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(text.as_bytes()),
            Sink::Replace {
                writer: Some(w), ..
            } => w.write_all(text.as_bytes()),
            Sink::Replace { writer: None, .. } => Ok(()),
            Sink::InPlace {
                writer,
                truncate_pending,
                ..
            } => {
                let truncated = if *truncate_pending {
                    *truncate_pending = false;
                    writer.get_ref().set_len(0)
                } else {
                    Ok(())
                };
                truncated.and_then(|()| writer.write_all(text.as_bytes()))
            }
        };
        result.map_err(|e| self.write_error(e))
    }

    /// Hands what was written to stdout on at once (a file is written at [`Self::finish`]):
    /// for output that reports a run as it goes.
    pub fn flush_stdout(&mut self) -> CliResult {
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Replace { .. } | Sink::InPlace { .. } => Ok(()),
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
            Sink::Replace { label, .. } | Sink::InPlace { label, .. } => CliError::output(
                anyhow::Error::new(e).context(format!("--out {}: cannot write", label.display())),
            ),
        }
    }

    /// Flushes; a regular file is also synced to disk, and a temporary file renamed into
    /// place.
    pub fn finish(mut self) -> CliResult {
        match &mut self.sink {
            Sink::Stdout(w) => {
                let r = w.flush();
                r.map_err(|e| self.write_error(e))
            }
            Sink::InPlace {
                writer,
                truncate_pending,
                regular,
                ..
            } => {
                let result = (|| -> std::io::Result<()> {
                    if *truncate_pending {
                        *truncate_pending = false;
                        writer.get_ref().set_len(0)?;
                    }
                    writer.flush()?;
                    if *regular {
                        writer.get_ref().sync_all()?;
                    }
                    Ok(())
                })();
                result.map_err(|e| self.write_error(e))
            }
            Sink::Replace {
                label,
                writer,
                temp,
                dest,
            } => {
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
                        e.context(format!("--out {}: cannot write", label.display())),
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

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Replace { writer, temp, .. } = &mut self.sink
            && writer.take().is_some()
        {
            // not finished: leave no partial file behind
            let _ = std::fs::remove_file(temp);
        }
    }
}
