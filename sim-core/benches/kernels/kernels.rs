// Compute kernels compiled twice: natively into the `compute` benchmark and, by
// `build.sh` with Debian's rustc 1.63, into `kernels.wasm` for the hypervisor. Keep this
// file Rust 1.63 / edition 2021 compatible and free of dependencies.

/// Fills `buf` with a xorshift64 sequence (deterministic test data).
pub fn fill(buf: &mut [u8], mut seed: u64) {
    for b in buf.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *b = (seed >> 24) as u8;
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit: branchy integer code.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

/// 3×3 box blur of a grey image (edges copied): memory-bound image processing.
pub fn box_blur(src: &[u8], dst: &mut [u8], w: usize, h: usize) {
    dst.copy_from_slice(src);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut sum = 0u32;
            for dy in 0..3 {
                let row = (y + dy - 1) * w;
                for dx in 0..3 {
                    sum += u32::from(src[row + x + dx - 1]);
                }
            }
            dst[y * w + x] = (sum / 9) as u8;
        }
    }
}

/// `n` steps of the logistic map x ← 3.9 x (1 − x): a chain of dependent float operations.
pub fn logistic(n: u32) -> f64 {
    let mut x = 0.3f64;
    for _ in 0..n {
        x = 3.9 * x * (1.0 - x);
    }
    x
}

/// Runs kernel `name` once on deterministic data; returns a checksum of the result.
pub fn run(name: &str) -> u64 {
    match name {
        "crc32" => {
            let mut data = vec![0u8; 1 << 20];
            fill(&mut data, 1);
            u64::from(crc32(&data))
        }
        "blur" => {
            let (w, h) = (1024, 1024);
            let mut src = vec![0u8; w * h];
            fill(&mut src, 2);
            let mut dst = vec![0u8; w * h];
            box_blur(&src, &mut dst, w, h);
            box_blur(&dst, &mut src, w, h);
            src.iter().map(|&v| u64::from(v)).sum()
        }
        "logistic" => logistic(5_000_000).to_bits(),
        _ => 0,
    }
}
