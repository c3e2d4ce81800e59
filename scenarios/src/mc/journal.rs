//! `runs.jsonl` while a batch runs: each record appended as it finishes in one write and
//! synced, so a kill (SIGKILL, power loss) leaves at most one torn last line. Opening the
//! journal verifies every line's checksum, drops what does not verify (the torn tail) and
//! duplicates, and rewrites the file atomically when it had to drop something. A lock on
//! the file keeps a second process off the same directory.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::record::Record;
use crate::outputs::AtomicFile;

/// The journal's file name.
pub const RUNS_FILE: &str = "runs.jsonl";

/// The append-only journal of a batch directory.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

/// What opening a journal found.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Verified records by index.
    pub records: BTreeMap<u64, Record>,
    /// Lines dropped (torn, altered or duplicate).
    pub dropped: usize,
}

/// Reads and verifies the records of a `runs.jsonl` text.
pub fn read_records(text: &str) -> Recovered {
    let mut out = Recovered::default();
    let mut lines: Vec<&str> = text.split('\n').collect();
    // a complete file ends with a newline: the last piece is empty, anything else is torn
    if let Some(last) = lines.pop()
        && !last.is_empty()
    {
        out.dropped += 1;
    }
    for line in lines {
        match Record::verify(line) {
            Some(r) if !out.records.contains_key(&r.index) => {
                out.records.insert(r.index, r);
            }
            _ => out.dropped += 1,
        }
    }
    out
}

impl Journal {
    /// Opens (or creates) `dir/runs.jsonl`, takes its lock and recovers its records.
    pub fn open(dir: &Path) -> io::Result<(Self, Recovered)> {
        let path = dir.join(RUNS_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("{} is in use by another skytwin mc process", path.display()),
            ),
            std::fs::TryLockError::Error(e) => e,
        })?;
        let mut text = String::new();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        let recovered = read_records(&text);
        if recovered.dropped > 0 {
            // rewrite what verified, atomically; the lock stays on the old inode, so take
            // it again on the new file
            let mut clean = String::new();
            for r in recovered.records.values() {
                clean.push_str(&r.line);
                clean.push('\n');
            }
            AtomicFile::write(&path, clean.as_bytes())?;
            drop(file);
            file = OpenOptions::new().read(true).append(true).open(&path)?;
            file.try_lock().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!("{} is in use by another skytwin mc process", path.display()),
                )
            })?;
        }
        Ok((Self { path, file }, recovered))
    }

    /// Appends a record (one write, then synced).
    pub fn append(&mut self, line: &str) -> io::Result<()> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        self.file.write_all(&buf)?;
        self.file.sync_data()
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mc::record::{Ordered, seal};

    fn line(i: u64) -> String {
        let mut o = Ordered::default();
        o.push("index", i);
        seal(&o)
    }

    #[test]
    fn a_torn_tail_and_duplicates_are_dropped_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (line(0), line(1), line(2));
        let text = format!("{a}\n{b}\n{a}\n{}", &c[..c.len() / 2]);
        std::fs::write(dir.path().join(RUNS_FILE), text).unwrap();
        let (mut j, rec) = Journal::open(dir.path()).unwrap();
        assert_eq!(rec.records.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(rec.dropped, 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(RUNS_FILE)).unwrap(),
            format!("{a}\n{b}\n")
        );
        j.append(&c).unwrap();
        assert!(Journal::open(dir.path()).is_err(), "the lock is held");
        drop(j);
        let (_, rec) = Journal::open(dir.path()).unwrap();
        assert_eq!(rec.records.len(), 3);
        assert_eq!(rec.dropped, 0);
    }
}
