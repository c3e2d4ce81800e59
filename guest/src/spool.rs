//! A persistent first-in first-out queue of messages in a directory (the app's `/data`):
//! one file per message, named by a 16-digit sequence number, written to a temporary name
//! and renamed so that a restart never sees half a message. Store-and-forward apps keep
//! what they have not yet delivered here: files survive app restarts and migrate with the
//! app.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const SUFFIX: &str = ".msg";
const TMP_SUFFIX: &str = ".tmp";

/// A directory of queued messages.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    next_seq: u64,
}

impl Spool {
    /// Opens (creating it if needed) the spool in `dir`, removing leftover temporary files.
    pub fn open(dir: impl AsRef<Path>) -> io::Result<Spool> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)?;
        let mut next_seq = 0;
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(TMP_SUFFIX) {
                fs::remove_file(entry.path())?;
            } else if let Some(seq) = parse_name(&name) {
                next_seq = next_seq.max(seq + 1);
            }
        }
        Ok(Spool { dir, next_seq })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, seq: u64, suffix: &str) -> PathBuf {
        self.dir.join(format!("{seq:016}{suffix}"))
    }

    /// Appends a message; returns its sequence number.
    pub fn push(&mut self, data: &[u8]) -> io::Result<u64> {
        let seq = self.next_seq;
        let tmp = self.path(seq, TMP_SUFFIX);
        fs::write(&tmp, data)?;
        fs::rename(&tmp, self.path(seq, SUFFIX))?;
        self.next_seq += 1;
        Ok(seq)
    }

    /// Sequence numbers of the queued messages, oldest first.
    pub fn list(&self) -> io::Result<Vec<u64>> {
        let mut seqs = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            if let Some(seq) = parse_name(&entry?.file_name().to_string_lossy()) {
                seqs.push(seq);
            }
        }
        seqs.sort_unstable();
        Ok(seqs)
    }

    /// Reads message `seq`.
    pub fn read(&self, seq: u64) -> io::Result<Vec<u8>> {
        fs::read(self.path(seq, SUFFIX))
    }

    /// Removes message `seq` (delivered).
    pub fn remove(&self, seq: u64) -> io::Result<()> {
        fs::remove_file(self.path(seq, SUFFIX))
    }

    /// Number of queued messages and their total size, bytes.
    pub fn usage(&self) -> io::Result<(usize, u64)> {
        let mut n = 0;
        let mut bytes = 0;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if parse_name(&entry.file_name().to_string_lossy()).is_some() {
                n += 1;
                bytes += entry.metadata()?.len();
            }
        }
        Ok((n, bytes))
    }
}

/// The sequence number of a file name `NNNNNNNNNNNNNNNN.msg`.
fn parse_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(SUFFIX)?;
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new() -> TempDir {
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "skytwin-spool-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&p);
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn fifo_order_survives_reopen() {
        let t = TempDir::new();
        let mut s = Spool::open(t.0.join("out")).unwrap();
        assert_eq!(s.push(b"one").unwrap(), 0);
        assert_eq!(s.push(b"two").unwrap(), 1);
        assert_eq!(s.push(b"").unwrap(), 2);
        s.remove(0).unwrap();
        // a restart: the same directory, a half-written file left behind
        fs::write(t.0.join("out").join("0000000000000007.tmp"), b"partial").unwrap();
        fs::write(t.0.join("out").join("notes.txt"), b"ignored").unwrap();
        let mut s = Spool::open(t.0.join("out")).unwrap();
        assert_eq!(s.list().unwrap(), vec![1, 2]);
        assert_eq!(s.read(1).unwrap(), b"two");
        assert_eq!(
            s.push(b"four").unwrap(),
            3,
            "numbering continues after the last"
        );
        assert_eq!(s.usage().unwrap(), (3, 7));
        assert!(!t.0.join("out").join("0000000000000007.tmp").exists());
        assert!(s.read(0).is_err());
    }

    #[test]
    fn names_are_strict() {
        assert_eq!(parse_name("0000000000000042.msg"), Some(42));
        assert_eq!(parse_name("42.msg"), None);
        assert_eq!(parse_name("00000000000000x2.msg"), None);
        assert_eq!(parse_name("0000000000000042.tmp"), None);
    }
}
