//! The in-memory file store behind each app's preopened `/data` directory.
//!
//! A flat, ordered map from normalised relative paths (`"logs/a.txt"`) to nodes keeps listing
//! order deterministic and makes a snapshot (migration) a plain clone. Usage is charged against
//! a byte quota: file contents plus [`ENTRY_OVERHEAD_BYTES`] per file or directory, so an app
//! cannot exhaust host memory with millions of empty files either.

use std::collections::BTreeMap;

use super::wasi_types::*;

/// Bytes charged per file or directory entry on top of its contents.
pub const ENTRY_OVERHEAD_BYTES: u64 = 64;
/// Longest path accepted, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;
/// Longest path component accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// A node of the file tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A directory (its children are the keys below it).
    Dir,
    /// A regular file and its contents.
    File(Vec<u8>),
}

/// Metadata of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// `FILETYPE_DIRECTORY` or `FILETYPE_REGULAR_FILE`.
    pub filetype: u8,
    /// Size in bytes (0 for directories).
    pub size: u64,
    /// A stable inode number derived from the path (FNV-1a).
    pub ino: u64,
}

/// An app's private file store with a byte quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vfs {
    nodes: BTreeMap<String, Node>,
    used_bytes: u64,
    quota_bytes: u64,
}

/// FNV-1a 64-bit hash (Fowler–Noll–Vo; offset basis 0xcbf29ce484222325, prime 0x100000001b3).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Vfs {
    /// An empty store with a quota in bytes.
    pub fn new(quota_bytes: u64) -> Self {
        Self {
            nodes: BTreeMap::new(),
            used_bytes: 0,
            quota_bytes,
        }
    }

    /// Bytes charged against the quota.
    pub fn used_bytes(&self) -> u64 {
        self.used_bytes
    }

    /// The quota in bytes.
    pub fn quota_bytes(&self) -> u64 {
        self.quota_bytes
    }

    /// Changes the quota (existing contents are kept even if they exceed it).
    pub fn set_quota_bytes(&mut self, quota_bytes: u64) {
        self.quota_bytes = quota_bytes;
    }

    /// Joins `rel` (untrusted guest bytes) onto the directory `base` and normalises it.
    /// Absolute paths and `..` above the root are refused with `ENOTCAPABLE`.
    pub fn resolve(base: &str, rel: &[u8]) -> Result<String, Errno> {
        if rel.len() > MAX_PATH_BYTES {
            return Err(ENAMETOOLONG);
        }
        let rel = std::str::from_utf8(rel).map_err(|_| EILSEQ)?;
        if rel.contains('\0') {
            return Err(EINVAL);
        }
        if rel.starts_with('/') {
            return Err(ENOTCAPABLE);
        }
        let mut parts: Vec<&str> = if base.is_empty() {
            Vec::new()
        } else {
            base.split('/').collect()
        };
        for comp in rel.split('/') {
            match comp {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(ENOTCAPABLE);
                    }
                }
                c if c.len() > MAX_NAME_BYTES => return Err(ENAMETOOLONG),
                c => parts.push(c),
            }
        }
        let joined = parts.join("/");
        if joined.len() > MAX_PATH_BYTES {
            return Err(ENAMETOOLONG);
        }
        Ok(joined)
    }

    fn parent(path: &str) -> &str {
        path.rsplit_once('/').map_or("", |(p, _)| p)
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || matches!(self.nodes.get(path), Some(Node::Dir))
    }

    fn check_parent(&self, path: &str) -> Result<(), Errno> {
        let parent = Self::parent(path);
        if self.is_dir(parent) {
            Ok(())
        } else if self.nodes.contains_key(parent) {
            Err(ENOTDIR)
        } else {
            Err(ENOENT)
        }
    }

    fn charge(&mut self, bytes: u64, free: u64) -> Result<(), Errno> {
        let limit = self.quota_bytes.min(self.used_bytes.saturating_add(free));
        match self.used_bytes.checked_add(bytes) {
            Some(n) if n <= limit => {
                self.used_bytes = n;
                Ok(())
            }
            _ => Err(ENOSPC),
        }
    }

    /// Metadata of `path` (`""` is the root).
    pub fn stat(&self, path: &str) -> Result<Stat, Errno> {
        let ino = fnv1a64(path.as_bytes());
        if path.is_empty() {
            return Ok(Stat {
                filetype: FILETYPE_DIRECTORY,
                size: 0,
                ino,
            });
        }
        match self.nodes.get(path) {
            Some(Node::Dir) => Ok(Stat {
                filetype: FILETYPE_DIRECTORY,
                size: 0,
                ino,
            }),
            Some(Node::File(d)) => Ok(Stat {
                filetype: FILETYPE_REGULAR_FILE,
                size: d.len() as u64,
                ino,
            }),
            None => Err(ENOENT),
        }
    }

    /// Opens (and maybe creates or truncates) `path`; returns whether it is a directory.
    /// `free` is the storage left on the computer, in bytes.
    pub fn open(&mut self, path: &str, oflags: u32, free: u64) -> Result<bool, Errno> {
        let exists = path.is_empty() || self.nodes.contains_key(path);
        if exists {
            if oflags & OFLAGS_CREAT != 0 && oflags & OFLAGS_EXCL != 0 {
                return Err(EEXIST);
            }
            let is_dir = self.is_dir(path);
            if oflags & OFLAGS_DIRECTORY != 0 && !is_dir {
                return Err(ENOTDIR);
            }
            if is_dir && oflags & OFLAGS_TRUNC != 0 {
                return Err(EISDIR);
            }
            if oflags & OFLAGS_TRUNC != 0 {
                self.set_size(path, 0, free)?;
            }
            return Ok(is_dir);
        }
        if oflags & OFLAGS_CREAT == 0 {
            return Err(ENOENT);
        }
        if oflags & OFLAGS_DIRECTORY != 0 {
            return Err(EINVAL);
        }
        self.check_parent(path)?;
        self.charge(ENTRY_OVERHEAD_BYTES, free)?;
        self.nodes.insert(path.to_string(), Node::File(Vec::new()));
        Ok(false)
    }

    /// Creates a directory.
    pub fn create_dir(&mut self, path: &str, free: u64) -> Result<(), Errno> {
        if path.is_empty() || self.nodes.contains_key(path) {
            return Err(EEXIST);
        }
        self.check_parent(path)?;
        self.charge(ENTRY_OVERHEAD_BYTES, free)?;
        self.nodes.insert(path.to_string(), Node::Dir);
        Ok(())
    }

    fn children<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter_map(move |(k, v)| {
                let rest = k.get(if dir.is_empty() { 0 } else { dir.len() + 1 }..)?;
                (!rest.contains('/')).then_some((rest, v))
            })
    }

    /// Names of the entries of directory `dir`, in byte order, produced lazily (a reader that
    /// resumes at a cookie skips entries without building anything for them).
    pub fn entry_names<'a>(
        &'a self,
        dir: &'a str,
    ) -> Result<impl Iterator<Item = &'a str> + 'a, Errno> {
        if !self.is_dir(dir) {
            return Err(if self.nodes.contains_key(dir) {
                ENOTDIR
            } else {
                ENOENT
            });
        }
        Ok(self.children(dir).map(|(name, _)| name))
    }

    /// Removes an empty directory.
    pub fn remove_dir(&mut self, path: &str) -> Result<(), Errno> {
        if path.is_empty() {
            return Err(EPERM);
        }
        match self.nodes.get(path) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(ENOTDIR),
            None => return Err(ENOENT),
        }
        if self.children(path).next().is_some() {
            return Err(ENOTEMPTY);
        }
        self.nodes.remove(path);
        self.used_bytes = self.used_bytes.saturating_sub(ENTRY_OVERHEAD_BYTES);
        Ok(())
    }

    /// Removes a file.
    pub fn unlink(&mut self, path: &str) -> Result<(), Errno> {
        match self.nodes.get(path) {
            Some(Node::File(d)) => {
                let freed = ENTRY_OVERHEAD_BYTES + d.len() as u64;
                self.nodes.remove(path);
                self.used_bytes = self.used_bytes.saturating_sub(freed);
                Ok(())
            }
            Some(Node::Dir) => Err(EISDIR),
            None if path.is_empty() => Err(EISDIR),
            None => Err(ENOENT),
        }
    }

    /// Renames a file or directory (POSIX `rename`: replaces a file, or an empty directory).
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        if from.is_empty() || to.is_empty() {
            return Err(EPERM);
        }
        let from_dir = match self.nodes.get(from) {
            Some(Node::Dir) => true,
            Some(Node::File(_)) => false,
            None => return Err(ENOENT),
        };
        if from == to {
            return Ok(());
        }
        if to.starts_with(&format!("{from}/")) {
            return Err(EINVAL);
        }
        self.check_parent(to)?;
        match self.nodes.get(to) {
            Some(Node::Dir) if !from_dir => return Err(EISDIR),
            Some(Node::File(_)) if from_dir => return Err(ENOTDIR),
            Some(Node::Dir) => self.remove_dir(to)?,
            Some(Node::File(_)) => self.unlink(to)?,
            None => {}
        }
        // Move the node and, for a directory, everything below it.
        let prefix = format!("{from}/");
        let moved: Vec<String> = std::iter::once(from.to_string())
            .chain(
                self.nodes
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| k.clone()),
            )
            .collect();
        for old in moved {
            if let Some(node) = self.nodes.remove(&old) {
                let suffix = old.get(from.len()..).unwrap_or("");
                self.nodes.insert(format!("{to}{suffix}"), node);
            }
        }
        Ok(())
    }

    /// Reads up to `buf.len()` bytes of file `path` at `offset`; returns the count.
    pub fn read_at(&self, path: &str, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        match self.nodes.get(path) {
            Some(Node::File(d)) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(d.len());
                let n = buf.len().min(d.len() - start);
                if let (Some(dst), Some(src)) = (buf.get_mut(..n), d.get(start..start + n)) {
                    dst.copy_from_slice(src);
                }
                Ok(n)
            }
            Some(Node::Dir) => Err(EISDIR),
            None if path.is_empty() => Err(EISDIR),
            None => Err(EBADF),
        }
    }

    /// Writes `data` into file `path` at `offset` (zero-filling a gap); `free` is the storage
    /// left on the computer. All or nothing: `ENOSPC` writes nothing.
    pub fn write_at(
        &mut self,
        path: &str,
        offset: u64,
        data: &[u8],
        free: u64,
    ) -> Result<usize, Errno> {
        let end = offset.checked_add(data.len() as u64).ok_or(EFBIG)?;
        let cur = match self.nodes.get(path) {
            Some(Node::File(d)) => d.len() as u64,
            Some(Node::Dir) => return Err(EISDIR),
            None => return Err(EBADF),
        };
        let growth = end.saturating_sub(cur);
        self.charge(growth, free)?;
        let (Ok(start), Ok(end)) = (usize::try_from(offset), usize::try_from(end)) else {
            return Err(EFBIG);
        };
        if let Some(Node::File(d)) = self.nodes.get_mut(path) {
            if d.len() < end {
                d.resize(end, 0);
            }
            if let Some(dst) = d.get_mut(start..end) {
                dst.copy_from_slice(data);
            }
        }
        Ok(data.len())
    }

    /// Truncates or extends file `path` to `size` bytes.
    pub fn set_size(&mut self, path: &str, size: u64, free: u64) -> Result<(), Errno> {
        let cur = match self.nodes.get(path) {
            Some(Node::File(d)) => d.len() as u64,
            Some(Node::Dir) => return Err(EISDIR),
            None => return Err(EBADF),
        };
        if size > cur {
            self.charge(size - cur, free)?;
        } else {
            self.used_bytes = self.used_bytes.saturating_sub(cur - size);
        }
        let size = usize::try_from(size).map_err(|_| EFBIG)?;
        if let Some(Node::File(d)) = self.nodes.get_mut(path) {
            d.resize(size, 0);
        }
        Ok(())
    }

    /// All files and their contents (for inspection and tests), in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.nodes.iter().filter_map(|(k, v)| match v {
            Node::File(d) => Some((k.as_str(), d.as_slice())),
            Node::Dir => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regress_paths_cannot_escape_root() {
        assert_eq!(Vfs::resolve("", b"a/./b//c"), Ok("a/b/c".into()));
        assert_eq!(Vfs::resolve("a", b"../b"), Ok("b".into()));
        assert_eq!(Vfs::resolve("", b".."), Err(ENOTCAPABLE));
        assert_eq!(Vfs::resolve("a", b"../../etc/passwd"), Err(ENOTCAPABLE));
        assert_eq!(Vfs::resolve("", b"/etc/passwd"), Err(ENOTCAPABLE));
        assert_eq!(Vfs::resolve("", b"\xff"), Err(EILSEQ));
        assert_eq!(Vfs::resolve("", &[b'a'; 2000]), Err(ENAMETOOLONG));
    }

    #[test]
    fn regress_quota_is_all_or_nothing() {
        let mut v = Vfs::new(1000);
        v.open("f", OFLAGS_CREAT, u64::MAX).unwrap();
        assert_eq!(v.write_at("f", 0, &[1; 900], u64::MAX), Ok(900));
        assert_eq!(v.used_bytes(), 964);
        assert_eq!(v.write_at("f", 900, &[2; 100], u64::MAX), Err(ENOSPC));
        assert_eq!(v.stat("f").unwrap().size, 900);
        assert_eq!(v.write_at("f", 0, &[3; 900], u64::MAX), Ok(900)); // overwrite: no growth
        assert_eq!(v.write_at("f", u64::MAX, &[1], u64::MAX), Err(EFBIG));
        // The computer's free storage limits too.
        v.unlink("f").unwrap();
        assert_eq!(v.used_bytes(), 0);
        v.open("g", OFLAGS_CREAT, u64::MAX).unwrap();
        assert_eq!(v.write_at("g", 0, &[0; 100], 50), Err(ENOSPC));
    }

    #[test]
    fn regress_directories_and_rename() {
        let mut v = Vfs::new(1 << 20);
        v.create_dir("d", 1 << 20).unwrap();
        v.open("d/x", OFLAGS_CREAT, 1 << 20).unwrap();
        v.write_at("d/x", 0, b"hello", 1 << 20).unwrap();
        assert_eq!(v.remove_dir("d"), Err(ENOTEMPTY));
        assert_eq!(v.open("nope/x", OFLAGS_CREAT, 1 << 20), Err(ENOENT));
        assert_eq!(v.open("d/x/y", OFLAGS_CREAT, 1 << 20), Err(ENOTDIR));
        v.rename("d", "e").unwrap();
        let names: Vec<_> = v.entry_names("").unwrap().map(str::to_string).collect();
        assert_eq!(names, vec!["e"]);
        let mut buf = [0u8; 8];
        assert_eq!(v.read_at("e/x", 1, &mut buf), Ok(4));
        assert_eq!(&buf[..4], b"ello");
        assert_eq!(v.rename("e", "e/sub"), Err(EINVAL));
    }
}
