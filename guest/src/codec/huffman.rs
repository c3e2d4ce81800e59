//! Canonical Huffman codes as DEFLATE uses them (RFC 1951 section 3.2.2): building
//! length-limited code lengths from symbol frequencies, assigning the canonical codes, and
//! decoding (the counting method of Mark Adler's `puff.c`).

/// Code lengths (0 = unused) for symbols with `freqs`, no longer than `max_len` bits.
///
/// A Huffman tree is built with a deterministic two-queue merge (ties broken by symbol
/// order); if it is deeper than `max_len`, the frequencies are halved (keeping every used
/// symbol at ≥ 1) and the tree rebuilt, which flattens it until it fits. Fewer than two used
/// symbols get two codes of length 1 (symbols 0/1 padded in), as zlib does, so every code is
/// complete.
pub fn code_lengths(freqs: &[u32], max_len: u8) -> Vec<u8> {
    let mut f: Vec<u64> = freqs.iter().map(|&x| u64::from(x)).collect();
    let used = f.iter().filter(|&&x| x > 0).count();
    if f.len() >= 2 {
        if used == 0 {
            f[0] = 1;
            f[1] = 1;
        } else if used == 1 {
            let other = if f[0] == 0 { 0 } else { 1 };
            f[other] = 1;
        }
    }
    loop {
        let lengths = tree_depths(&f);
        if lengths.iter().all(|&l| l <= max_len) {
            return lengths;
        }
        for x in f.iter_mut() {
            if *x > 0 {
                *x = (*x >> 1) | 1;
            }
        }
    }
}

/// Depth of each leaf in a Huffman tree over the non-zero `freqs`.
fn tree_depths(freqs: &[u64]) -> Vec<u8> {
    // leaves sorted by (frequency, symbol); internal nodes come out of the merge in
    // non-decreasing weight, so two FIFO queues replace a heap (van Leeuwen's method)
    let mut leaves: Vec<(u64, usize)> = freqs
        .iter()
        .enumerate()
        .filter(|(_, &w)| w > 0)
        .map(|(s, &w)| (w, s))
        .collect();
    leaves.sort_unstable();
    let n = leaves.len();
    let mut depths = vec![0u8; freqs.len()];
    if n == 0 {
        return depths;
    }
    if n == 1 {
        depths[leaves[0].1] = 1;
        return depths;
    }
    // nodes 0..n are leaves, n.. are internal; parent[i] links up the tree
    let mut weight: Vec<u64> = leaves.iter().map(|&(w, _)| w).collect();
    let mut parent = vec![usize::MAX; 2 * n - 1];
    let (mut li, mut qi) = (0usize, n);
    let pick = |li: &mut usize, qi: &mut usize, weight: &[u64]| -> usize {
        if *li < n && (*qi >= weight.len() || weight[*li] <= weight[*qi]) {
            *li += 1;
            *li - 1
        } else {
            *qi += 1;
            *qi - 1
        }
    };
    for _ in 0..n - 1 {
        let a = pick(&mut li, &mut qi, &weight);
        let b = pick(&mut li, &mut qi, &weight);
        let node = weight.len();
        weight.push(weight[a] + weight[b]);
        parent[a] = node;
        parent[b] = node;
    }
    // depth(node) = depth(parent) + 1, walking down from the root (the last node)
    let mut depth = vec![0u32; 2 * n - 1];
    for i in (0..2 * n - 2).rev() {
        depth[i] = depth[parent[i]] + 1;
    }
    for (i, &(_, s)) in leaves.iter().enumerate() {
        depths[s] = depth[i].min(255) as u8;
    }
    depths
}

/// Canonical codes for `lengths` (RFC 1951 section 3.2.2 steps 1–3), bit-reversed so they
/// can be written LSB-first into the DEFLATE bit stream.
pub fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut bl_count = [0u16; 16];
    for &l in lengths {
        bl_count[usize::from(l)] += 1;
    }
    bl_count[0] = 0;
    let mut next_code = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + bl_count[bits - 1]) << 1;
        next_code[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next_code[usize::from(l)];
            next_code[usize::from(l)] += 1;
            c.reverse_bits() >> (16 - u32::from(l))
        })
        .collect()
}

/// A canonical Huffman decoding table: counts of codes per length and symbols in code order.
#[derive(Debug, Clone)]
pub struct Decoder {
    /// Number of codes of each length 0…15.
    pub counts: [u16; 16],
    /// Symbols ordered by (length, symbol).
    pub symbols: Vec<u16>,
    /// Whether the lengths leave codes unused (Kraft sum < 1).
    pub incomplete: bool,
}

impl Decoder {
    /// Builds the table; `None` for an over-subscribed set of lengths (or one > 15).
    /// Incomplete codes are accepted here (the fixed distance code is one); see
    /// [`Decoder::complete_enough`].
    pub fn new(lengths: &[u8]) -> Option<Decoder> {
        let mut counts = [0u16; 16];
        for &l in lengths {
            if l > 15 {
                return None;
            }
            counts[usize::from(l)] += 1;
        }
        let used = lengths.len() as u16 - counts[0];
        // Kraft: left = 2^len − Σ codes so far must stay ≥ 0
        let mut left: i32 = 1;
        for &count in &counts[1..] {
            left = (left << 1) - i32::from(count);
            if left < 0 {
                return None;
            }
        }
        let incomplete = left > 0;
        let mut offs = [0u16; 16];
        for len in 1..15 {
            offs[len + 1] = offs[len] + counts[len];
        }
        let mut symbols = vec![0u16; usize::from(used)];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[usize::from(offs[usize::from(l)])] = s as u16;
                offs[usize::from(l)] += 1;
            }
        }
        counts[0] = 0;
        Some(Decoder {
            counts,
            symbols,
            incomplete,
        })
    }

    /// Whether a dynamic block may use this code: complete, or incomplete only as a single
    /// code of length 1 (or no code at all), as RFC 1951 and `puff.c` allow.
    pub fn complete_enough(&self) -> bool {
        !self.incomplete || self.symbols.len() == usize::from(self.counts[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kraft_sum(lengths: &[u8]) -> f64 {
        lengths
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(i32::from(l)))
            .sum()
    }

    #[test]
    fn val_rfc1951_example_codes() {
        // RFC 1951 3.2.2: lengths (3,3,3,3,3,2,4,4) for A..H give codes
        // 010 011 100 101 110 00 1110 1111
        let lengths = [3, 3, 3, 3, 3, 2, 4, 4];
        let expected = [0b010u16, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111];
        let codes = canonical_codes(&lengths);
        for i in 0..8 {
            let l = u32::from(lengths[i]);
            assert_eq!(
                codes[i],
                expected[i].reverse_bits() >> (16 - l),
                "symbol {i}"
            );
        }
    }

    #[test]
    fn lengths_are_optimal_for_dyadic_frequencies_and_complete() {
        let l = code_lengths(&[8, 4, 2, 1, 1, 0], 15);
        assert_eq!(l, vec![1, 2, 3, 4, 4, 0]);
        assert_eq!(kraft_sum(&l), 1.0);
    }

    #[test]
    fn lengths_respect_the_limit_and_stay_complete() {
        // Fibonacci frequencies give the deepest possible tree (depth n−1)
        let mut fib = vec![1u32, 1];
        while fib.len() < 30 {
            let n = fib[fib.len() - 1] + fib[fib.len() - 2];
            fib.push(n);
        }
        assert!(
            tree_depths(&fib.iter().map(|&x| u64::from(x)).collect::<Vec<_>>())
                .iter()
                .any(|&d| d > 15)
        );
        for limit in [7u8, 15] {
            let l = code_lengths(&fib, limit);
            assert!(l.iter().all(|&x| (1..=limit).contains(&x)));
            assert_eq!(kraft_sum(&l), 1.0);
            assert!(Decoder::new(&l).is_some());
        }
    }

    #[test]
    fn degenerate_alphabets_get_two_codes() {
        assert_eq!(code_lengths(&[0, 0, 0, 0], 15), vec![1, 1, 0, 0]);
        assert_eq!(code_lengths(&[0, 0, 5, 0], 15), vec![1, 0, 1, 0]);
        assert_eq!(code_lengths(&[5, 0, 0], 15), vec![1, 1, 0]);
    }

    #[test]
    fn decoder_rejects_oversubscribed_and_incomplete_codes() {
        assert!(Decoder::new(&[1, 1, 1]).is_none());
        assert!(
            !Decoder::new(&[2, 2, 2]).unwrap().complete_enough(),
            "incomplete"
        );
        assert!(
            Decoder::new(&[1]).unwrap().complete_enough(),
            "single code of length 1"
        );
        assert!(Decoder::new(&[0, 0]).unwrap().complete_enough(), "no codes");
        assert!(Decoder::new(&[2, 2, 2, 2]).unwrap().complete_enough());
        let d = Decoder::new(&[3, 3, 3, 3, 3, 2, 4, 4]).unwrap();
        assert_eq!(d.symbols, vec![5, 0, 1, 2, 3, 4, 6, 7]);
    }
}
