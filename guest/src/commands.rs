//! Uplinked commands addressed to this app (`docs/abi.md` "Uplinked commands").

/// Removes the next pending command and returns its bytes; `Ok(None)` when none is waiting
/// (`command_next_len` + `command_recv`).
#[cfg(target_arch = "wasm32")]
pub fn recv() -> Result<Option<Vec<u8>>, crate::Error> {
    loop {
        // SAFETY: no memory is passed.
        let len = match crate::error::check(unsafe { crate::sys::command_next_len() }) {
            Ok(len) => len,
            Err(crate::Error::Again) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut buf = vec![0u8; len as usize];
        // SAFETY: the host writes at most `len == buf.len()` bytes into `buf`.
        match crate::error::check(unsafe { crate::sys::command_recv(buf.as_mut_ptr(), len) }) {
            Ok(n) => {
                buf.truncate(n as usize);
                return Ok(Some(buf));
            }
            Err(crate::Error::Again) => return Ok(None),
            // a longer command arrived first in between: ask for its length again
            Err(crate::Error::TooBig) => continue,
            Err(e) => return Err(e),
        }
    }
}
