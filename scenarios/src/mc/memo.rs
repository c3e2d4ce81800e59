//! A batch reads its scenario's files once: element files, hardware templates and app images
//! are kept in memory (and the images compiled once by the [`LoadCache`](crate::LoadCache)),
//! so a run costs no file system access.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::files::Files;

/// Files read once, then served from memory.
pub struct MemoFiles {
    inner: Box<dyn Files>,
    seen: Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>,
}

impl std::fmt::Debug for MemoFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoFiles").finish_non_exhaustive()
    }
}

impl MemoFiles {
    /// Remembers what `inner` reads.
    pub fn new(inner: Box<dyn Files>) -> Self {
        Self {
            inner,
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl Files for MemoFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some(b) = self
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
        {
            return Ok(b.as_ref().clone());
        }
        let bytes = self.inner.read(path)?;
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), Arc::new(bytes.clone()));
        Ok(bytes)
    }
}
