//! Little-endian field readers for the ABI's struct layouts (explicit offsets, no transmutes).

/// Reads the `u32` at `offset`. The caller guarantees `offset + 4 <= b.len()`.
pub(crate) fn u32_at(b: &[u8], offset: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[offset..offset + 4]);
    u32::from_le_bytes(a)
}

/// Reads the `u64` at `offset`.
pub(crate) fn u64_at(b: &[u8], offset: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[offset..offset + 8]);
    u64::from_le_bytes(a)
}

/// Reads the `i64` at `offset`.
pub(crate) fn i64_at(b: &[u8], offset: usize) -> i64 {
    u64_at(b, offset) as i64
}

/// Reads the `f64` at `offset`.
pub(crate) fn f64_at(b: &[u8], offset: usize) -> f64 {
    f64::from_bits(u64_at(b, offset))
}

/// Reads `N` consecutive `f64` starting at `offset`.
pub(crate) fn f64s_at<const N: usize>(b: &[u8], offset: usize) -> [f64; N] {
    let mut out = [0.0; N];
    for (i, v) in out.iter_mut().enumerate() {
        *v = f64_at(b, offset + 8 * i);
    }
    out
}
