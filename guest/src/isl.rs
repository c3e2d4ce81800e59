//! Inter-satellite messages (`docs/abi.md` "Inter-satellite messages"): delivered only with
//! line of sight between two ISL terminals, at the ISL link rate, after the light-time delay.

/// Largest ISL message, bytes (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// Room for a sender's `"SATELLITE/APP"` name (the ABI bounds identities at 128 bytes).
pub const MAX_NAME_BYTES: usize = 128;

/// The id of a queued inter-satellite message (> 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IslMessageId(pub i64);

/// A received inter-satellite message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslMessage {
    /// The sender, `"SATELLITE/APP"` (untrusted bytes).
    pub from: Vec<u8>,
    /// The message.
    pub data: Vec<u8>,
}

impl IslMessage {
    /// The sender's name as text (invalid UTF-8 replaced).
    pub fn from_lossy(&self) -> String {
        String::from_utf8_lossy(&self.from).into_owned()
    }
}

/// The length of a name the host wrote into a zeroed buffer: the ABI returns only the data
/// length from `isl_recv`, so the name ends at the first NUL (names never contain NUL).
pub fn name_len(buf: &[u8]) -> usize {
    buf.iter().position(|&b| b == 0).unwrap_or(buf.len())
}

/// Sends `data` to `dest`: `"SATELLITE"` (the app of the same name there) or
/// `"SATELLITE/APP"` (`isl_send`). The message waits for line of sight.
#[cfg(target_arch = "wasm32")]
pub fn send(dest: &str, data: &[u8]) -> Result<IslMessageId, crate::Error> {
    let dest_len = u32::try_from(dest.len()).map_err(|_| crate::Error::Invalid)?;
    let len = u32::try_from(data.len()).map_err(|_| crate::Error::Invalid)?;
    // SAFETY: the host reads `dest_len` bytes of `dest` and `len` bytes of `data`.
    let id = crate::error::check64(unsafe {
        crate::sys::isl_send(dest.as_ptr(), dest_len, data.as_ptr(), len)
    })?;
    Ok(IslMessageId(id as i64))
}

/// Removes the next received message; `Ok(None)` when none is waiting
/// (`isl_next_len` + `isl_recv`).
#[cfg(target_arch = "wasm32")]
pub fn recv() -> Result<Option<IslMessage>, crate::Error> {
    loop {
        // SAFETY: no memory is passed.
        let len = match crate::error::check(unsafe { crate::sys::isl_next_len() }) {
            Ok(len) => len,
            Err(crate::Error::Again) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut data = vec![0u8; len as usize];
        let mut from = vec![0u8; MAX_NAME_BYTES];
        // SAFETY: the host writes at most `len` bytes into `data` and 128 into `from`.
        let r = unsafe {
            crate::sys::isl_recv(
                data.as_mut_ptr(),
                len,
                from.as_mut_ptr(),
                MAX_NAME_BYTES as u32,
            )
        };
        match crate::error::check(r) {
            Ok(n) => {
                data.truncate(n as usize);
                let from_len = name_len(&from);
                from.truncate(from_len);
                return Ok(Some(IslMessage { from, data }));
            }
            Err(crate::Error::Again) => return Ok(None),
            Err(crate::Error::TooBig) => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_len_stops_at_first_nul() {
        let mut b = [0u8; MAX_NAME_BYTES];
        b[..9].copy_from_slice(b"SAT-2/rly");
        assert_eq!(name_len(&b), 9);
        assert_eq!(name_len(b"full"), 4);
        assert_eq!(name_len(&[0u8; 4]), 0);
    }
}
