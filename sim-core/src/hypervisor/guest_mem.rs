//! The one place where the host reads and writes an app's linear memory.
//!
//! Every `(ptr, len)` a guest passes is untrusted: both are read as unsigned 32-bit values,
//! `ptr + len` is computed with overflow checks in 64-bit arithmetic, and the range must lie
//! inside the memory as it is *now* (memory can grow between calls). Nothing here panics on
//! guest input, and nothing outside this module indexes guest memory directly.
//!
//! Audit checklist (keep it true): no `[]` indexing, no `unwrap`, no `as usize` of a sum that
//! could wrap; every accessor goes through [`GuestMem::range`].

use std::ops::Range;

/// A `(ptr, len)` pair lies outside the app's memory (or there is no memory): `ST_EFAULT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault;

/// Result of a guest-memory access.
pub type MemResult<T> = Result<T, Fault>;

/// Largest number of iovecs accepted in one `fd_read`/`fd_write` (POSIX `IOV_MAX`).
pub const MAX_IOVECS: u32 = 1024;

/// A view of one app's linear memory for the duration of one host call.
#[derive(Debug)]
pub struct GuestMem<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMem<'a> {
    /// Wraps the memory bytes (`Memory::data_mut`).
    pub fn new(bytes: &'a mut [u8]) -> Self {
        Self { bytes }
    }

    /// An empty memory: every non-empty access faults. Used when a module has no memory.
    pub fn none() -> GuestMem<'static> {
        GuestMem { bytes: &mut [] }
    }

    /// Size of the memory in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// The byte range `ptr .. ptr + len`, checked. `ptr` and `len` are the guest's `i32`
    /// arguments, read as unsigned.
    pub fn range(&self, ptr: i32, len: u64) -> MemResult<Range<usize>> {
        let start = u64::from(ptr as u32);
        let end = start.checked_add(len).ok_or(Fault)?;
        if end > self.bytes.len() as u64 {
            return Err(Fault);
        }
        // Both fit in usize: end <= bytes.len().
        Ok(start as usize..end as usize)
    }

    /// Borrow `len` bytes at `ptr`.
    pub fn slice(&self, ptr: i32, len: i32) -> MemResult<&[u8]> {
        let r = self.range(ptr, u64::from(len as u32))?;
        self.bytes.get(r).ok_or(Fault)
    }

    /// Borrow `len` bytes at `ptr` mutably.
    pub fn slice_mut(&mut self, ptr: i32, len: i32) -> MemResult<&mut [u8]> {
        let r = self.range(ptr, u64::from(len as u32))?;
        self.bytes.get_mut(r).ok_or(Fault)
    }

    /// Copies `len` bytes at `ptr` out of guest memory.
    pub fn copy_out(&self, ptr: i32, len: i32) -> MemResult<Vec<u8>> {
        Ok(self.slice(ptr, len)?.to_vec())
    }

    /// Write `data` at `ptr`.
    pub fn write(&mut self, ptr: i32, data: &[u8]) -> MemResult<()> {
        let r = self.range(ptr, data.len() as u64)?;
        self.bytes.get_mut(r).ok_or(Fault)?.copy_from_slice(data);
        Ok(())
    }

    /// Read `N` bytes at `ptr`.
    fn read_array<const N: usize>(&self, ptr: i32) -> MemResult<[u8; N]> {
        let r = self.range(ptr, N as u64)?;
        let s = self.bytes.get(r).ok_or(Fault)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    /// Little-endian `u8` at `ptr`.
    pub fn read_u8(&self, ptr: i32) -> MemResult<u8> {
        Ok(self.read_array::<1>(ptr)?[0])
    }
    /// Little-endian `u16` at `ptr`.
    pub fn read_u16(&self, ptr: i32) -> MemResult<u16> {
        Ok(u16::from_le_bytes(self.read_array(ptr)?))
    }
    /// Little-endian `u32` at `ptr`.
    pub fn read_u32(&self, ptr: i32) -> MemResult<u32> {
        Ok(u32::from_le_bytes(self.read_array(ptr)?))
    }
    /// Little-endian `u64` at `ptr`.
    pub fn read_u64(&self, ptr: i32) -> MemResult<u64> {
        Ok(u64::from_le_bytes(self.read_array(ptr)?))
    }

    /// Write a little-endian `u8` at `ptr`.
    pub fn write_u8(&mut self, ptr: i32, v: u8) -> MemResult<()> {
        self.write(ptr, &[v])
    }
    /// Write a little-endian `u32` at `ptr`.
    pub fn write_u32(&mut self, ptr: i32, v: u32) -> MemResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }
    /// Write a little-endian `u64` at `ptr`.
    pub fn write_u64(&mut self, ptr: i32, v: u64) -> MemResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Checks that `count` records of `size` bytes starting at `ptr` lie inside memory; returns
    /// their total size in bytes.
    pub fn check_array(&self, ptr: i32, count: u32, size: u32) -> MemResult<u64> {
        let total = u64::from(count) * u64::from(size);
        self.range(ptr, total)?;
        Ok(total)
    }

    /// Reads a WASI iovec/ciovec array (`{ buf: u32, buf_len: u32 }` × `count`) and checks that
    /// every buffer lies inside memory. At most [`MAX_IOVECS`] entries.
    pub fn read_iovecs(&self, iovs_ptr: i32, count: i32) -> MemResult<Vec<(i32, i32)>> {
        let count = count as u32;
        if count > MAX_IOVECS {
            return Err(Fault);
        }
        self.check_array(iovs_ptr, count, 8)?;
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = (iovs_ptr as u32).wrapping_add(i * 8) as i32;
            let buf = self.read_u32(at)? as i32;
            let len = self.read_u32(at.wrapping_add(4))? as i32;
            self.range(buf, u64::from(len as u32))?;
            out.push((buf, len));
        }
        Ok(out)
    }

    /// XORs `mask` into the byte at `offset` (fault injection). Out-of-range offsets are ignored.
    pub fn flip(&mut self, offset: u64, mask: u8) -> bool {
        match usize::try_from(offset)
            .ok()
            .and_then(|o| self.bytes.get_mut(o))
        {
            Some(b) => {
                *b ^= mask;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop_ranges_never_escape_memory() {
        let mut backing = vec![0u8; 100];
        let mem = GuestMem::new(&mut backing);
        assert_eq!(mem.range(0, 100), Ok(0..100));
        assert_eq!(mem.range(100, 0), Ok(100..100));
        assert_eq!(mem.range(101, 0), Err(Fault));
        assert_eq!(mem.range(99, 2), Err(Fault));
        // 4 GiB lengths and wrap-around pointers.
        assert_eq!(mem.range(-1, 1), Err(Fault));
        assert_eq!(mem.slice(0, -1), Err(Fault));
        assert_eq!(mem.slice(-1, -1), Err(Fault));
        assert_eq!(mem.range(50, u64::MAX), Err(Fault));
    }

    #[test]
    fn regress_iovec_count_and_buffers_checked() {
        let mut backing = vec![0u8; 64];
        backing[0..4].copy_from_slice(&16u32.to_le_bytes());
        backing[4..8].copy_from_slice(&8u32.to_le_bytes());
        backing[8..12].copy_from_slice(&60u32.to_le_bytes());
        backing[12..16].copy_from_slice(&8u32.to_le_bytes());
        let mem = GuestMem::new(&mut backing);
        assert_eq!(mem.read_iovecs(0, 1), Ok(vec![(16, 8)]));
        assert_eq!(mem.read_iovecs(0, 2), Err(Fault));
        assert_eq!(mem.read_iovecs(0, -1), Err(Fault));
        assert_eq!(mem.read_iovecs(60, 1), Err(Fault));
    }
}
