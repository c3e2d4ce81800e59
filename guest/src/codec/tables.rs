//! The fixed tables of DEFLATE (RFC 1951 section 3.2.5 and 3.2.7).

/// Base match length of length codes 257…285.
pub const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of length codes 257…285.
pub const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of distance codes 0…29.
pub const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits of distance codes 0…29.
pub const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// Order in which code-length code lengths are sent.
pub const CLEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The length code (0…28, i.e. symbol − 257) for a match length 3…258.
pub fn length_code(len: u16) -> usize {
    // the last base ≤ len (258 has its own code 28)
    LENGTH_BASE.iter().rposition(|&b| b <= len).unwrap_or(0)
}

/// The distance code (0…29) for a distance 1…32768.
pub fn dist_code(dist: u16) -> usize {
    DIST_BASE.iter().rposition(|&b| b <= dist).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_rfc1951_code_ranges() {
        // every length 3..=258 falls in [base, base + 2^extra) of its code
        for len in 3..=258u16 {
            let c = length_code(len);
            let hi = LENGTH_BASE[c] + (1 << LENGTH_EXTRA[c]);
            assert!(LENGTH_BASE[c] <= len && len < hi, "length {len}");
        }
        assert_eq!(length_code(258), 28);
        assert_eq!(length_code(257), 27);
        for dist in 1..=32768u32 {
            let c = dist_code(dist as u16);
            let hi = u32::from(DIST_BASE[c]) + (1 << DIST_EXTRA[c]);
            assert!(
                u32::from(DIST_BASE[c]) <= dist && dist < hi,
                "distance {dist}"
            );
        }
    }
}
