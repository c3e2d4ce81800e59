//! The two checksums of PNG files: CRC-32 of every chunk and Adler-32 of the zlib stream.

/// CRC-32 lookup table: the reflected polynomial 0xEDB88320 of ISO 3309 / ITU-T V.42,
/// as PNG (ISO/IEC 15948 annex D) uses it.
const CRC32_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (ISO 3309) of `data`, continuing from `crc` (start with 0). Check value:
/// `crc32(0, b"123456789") == 0xCBF43926`.
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    // c' = T[(c ⊕ byte) & 0xFF] ⊕ (c >> 8), on the complemented register
    let mut c = !crc;
    for &b in data {
        c = CRC32_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// Adler-32 (RFC 1950 section 8.2) of `data`, continuing from `adler` (start with 1):
/// A = 1 + Σ bytes, B = Σ A after each byte, both mod 65521; result B·65536 + A.
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // 5552 is the largest n with 255·n·(n+1)/2 + (n+1)·(MOD−1) < 2³² (zlib's NMAX)
    const NMAX: usize = 5552;
    let (mut a, mut b) = (adler & 0xFFFF, adler >> 16);
    for chunk in data.chunks(NMAX) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_crc32_check_value() {
        assert_eq!(crc32(0, b"123456789"), 0xCBF4_3926);
        // incremental equals one-shot
        assert_eq!(crc32(crc32(0, b"1234"), b"56789"), 0xCBF4_3926);
        // the IEND chunk's CRC every PNG file ends with
        assert_eq!(crc32(0, b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn val_adler32_rfc1950_examples() {
        // "Wikipedia" is the usual worked example: 0x11E60398
        assert_eq!(adler32(1, b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(1, b""), 1);
        // long input: modulo reduction kicks in; compare with a naive per-byte reduction
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 + 7) as u8 | 0x80).collect();
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &data {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(adler32(1, &data), (b << 16) | a);
        assert_eq!(
            adler32(adler32(1, &data[..777]), &data[777..]),
            (b << 16) | a
        );
    }
}
