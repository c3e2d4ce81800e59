//! A DEFLATE compressor (RFC 1951): LZ77 matching over a 32 KiB window with hash chains and
//! one-step lazy evaluation, then one dynamic-Huffman block per 64 Ki tokens (or a stored
//! block when that is smaller).

use super::huffman::{canonical_codes, code_lengths};
use super::tables::{
    dist_code, length_code, CLEN_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA,
};

const WINDOW: usize = 32768;
const WMASK: usize = WINDOW - 1;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const HASH_BITS: u32 = 15;
const NONE: u32 = u32::MAX;
/// Matches of the minimum length are not taken from farther back than this.
const TOO_FAR: usize = 4096;
/// Tokens per block: each block gets its own Huffman codes, fitted to its statistics.
const BLOCK_TOKENS: usize = 1 << 16;
/// Flag of a match token: `MATCH | len << 16 | dist`; a literal token is its byte.
const MATCH: u32 = 1 << 31;

/// How hard the matcher searches: the trade between onboard CPU and downlink bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effort {
    /// Hash-chain candidates examined per position (more: smaller output, more CPU).
    pub max_chain: u16,
    /// A match at least this long ends the search at once (3…258).
    pub nice_len: u16,
    /// Whether to look one byte ahead for a longer match before taking one (zlib's lazy
    /// matching), for matches shorter than `nice_len`.
    pub lazy: bool,
}

impl Effort {
    /// Few candidates, greedy: the least CPU per byte.
    pub const FAST: Effort = Effort {
        max_chain: 4,
        nice_len: 32,
        lazy: false,
    };
    /// The default: a moderate greedy search. On noisy camera images lazy matching made the
    /// output larger (measured: +13 % on a 1024×1024 RGB scene), so it is off here.
    pub const BALANCED: Effort = Effort {
        max_chain: 16,
        nice_len: 64,
        lazy: false,
    };
    /// Long searches with lazy matching: the smallest output (within 0.2 % of zlib level 9
    /// on license texts), at several times the CPU.
    pub const BEST: Effort = Effort {
        max_chain: 128,
        nice_len: 258,
        lazy: true,
    };
}

impl Default for Effort {
    fn default() -> Effort {
        Effort::BALANCED
    }
}

/// LSB-first bit packer (RFC 1951 section 3.1.1).
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, bits: u32, count: u32) {
        self.acc |= u64::from(bits) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }
}

/// The LZ77 matcher state: `head[hash]` is the latest position with that 3-byte hash,
/// `prev[pos % WINDOW]` the one before it.
struct Matcher {
    head: Vec<u32>,
    prev: Vec<u32>,
}

impl Matcher {
    fn hash(d: &[u8], i: usize) -> usize {
        // multiplicative hash of the next three bytes (Knuth's 2654435761)
        let v = u32::from(d[i]) | u32::from(d[i + 1]) << 8 | u32::from(d[i + 2]) << 16;
        (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
    }

    fn insert(&mut self, d: &[u8], i: usize) {
        if i + MIN_MATCH <= d.len() {
            let h = Matcher::hash(d, i);
            self.prev[i & WMASK] = self.head[h];
            self.head[h] = i as u32;
        }
    }

    /// Longest match for position `i` among earlier positions: (length, distance), length 0
    /// when none of at least 3 bytes.
    fn longest(&self, d: &[u8], i: usize, effort: Effort) -> (usize, usize) {
        if i + MIN_MATCH > d.len() {
            return (0, 0);
        }
        let max_len = MAX_MATCH.min(d.len() - i);
        let nice = usize::from(effort.nice_len).clamp(MIN_MATCH, max_len.max(MIN_MATCH));
        let here = &d[i..i + max_len];
        let mut best = (0usize, 0usize);
        let mut cand = self.head[Matcher::hash(d, i)];
        let mut chain = effort.max_chain;
        while cand != NONE && chain > 0 {
            let p = cand as usize;
            if p >= i || i - p > WINDOW {
                break;
            }
            let there = &d[p..p + max_len];
            // quick reject: a longer match must agree at the current best length
            if best.0 == 0 || there[best.0.min(max_len - 1)] == here[best.0.min(max_len - 1)] {
                let len = there.iter().zip(here).take_while(|(a, b)| a == b).count();
                if len > best.0 {
                    best = (len, i - p);
                    if len >= nice {
                        break;
                    }
                }
            }
            let next = self.prev[p & WMASK];
            if next != NONE && next as usize >= p {
                break;
            }
            cand = next;
            chain -= 1;
        }
        // a 3-byte match far back costs more bits than three literals (zlib's TOO_FAR rule)
        if best.0 < MIN_MATCH || (best.0 == MIN_MATCH && best.1 > TOO_FAR) {
            (0, 0)
        } else {
            best
        }
    }
}

/// Compresses `data` into a raw DEFLATE stream (no zlib or gzip wrapper).
pub fn deflate(data: &[u8], effort: Effort) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 2 + 64),
        acc: 0,
        n: 0,
    };
    let mut m = Matcher {
        head: vec![NONE; 1 << HASH_BITS],
        prev: vec![NONE; WINDOW],
    };
    let mut tokens: Vec<u32> = Vec::with_capacity(BLOCK_TOKENS.min(data.len() + 1));
    let tables = CodeTables::new();
    let mut block_start = 0usize;
    let mut i = 0usize;
    let mut lookahead: Option<(usize, usize)> = None;
    while i < data.len() {
        let (len, dist) = match lookahead.take() {
            Some(found) => found,
            None => m.longest(data, i, effort),
        };
        m.insert(data, i);
        if len == 0 {
            tokens.push(u32::from(data[i]));
            i += 1;
        } else {
            if effort.lazy && len < usize::from(effort.nice_len) {
                let next = m.longest(data, i + 1, effort);
                if next.0 > len {
                    tokens.push(u32::from(data[i]));
                    i += 1;
                    lookahead = Some(next);
                    continue;
                }
            }
            tokens.push(MATCH | (len as u32) << 16 | dist as u32);
            for k in i + 1..i + len {
                m.insert(data, k);
            }
            i += len;
        }
        if tokens.len() >= BLOCK_TOKENS && lookahead.is_none() {
            write_block(&mut w, &tokens, &data[block_start..i], false, &tables);
            tokens.clear();
            block_start = i;
        }
    }
    write_block(&mut w, &tokens, &data[block_start..], true, &tables);
    w.align();
    w.out
}

/// Splits a code-length sequence into code-length-alphabet symbols (RFC 1951 3.2.7):
/// 0–15 literal lengths, 16 repeat the previous 3–6 times, 17 zeros 3–10, 18 zeros 11–138.
/// Returns (symbol, extra bits value).
fn rle_lengths(lengths: &[u8]) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lengths.len() {
        let v = lengths[i];
        let mut run = lengths[i..].iter().take_while(|&&x| x == v).count();
        i += run;
        if v == 0 {
            while run >= 11 {
                let r = run.min(138);
                out.push((18, (r - 11) as u8));
                run -= r;
            }
            if run >= 3 {
                out.push((17, (run - 3) as u8));
                run = 0;
            }
        } else {
            out.push((v, 0));
            run -= 1;
            while run >= 3 {
                let r = run.min(6);
                out.push((16, (r - 3) as u8));
                run -= r;
            }
        }
        for _ in 0..run {
            out.push((v, 0));
        }
    }
    out
}

/// Code lookup tables: length code for each length 3…258 (index `len − 3`), and distance
/// code for distances 1…256 (index `dist − 1`) and, in steps of 128, for 257…32768 (index
/// `256 + ((dist − 1) >> 7)`), as zlib's `_length_code` / `_dist_code`.
struct CodeTables {
    length: [u8; 256],
    dist: [u8; 512],
}

impl CodeTables {
    fn new() -> CodeTables {
        let mut t = CodeTables {
            length: [0; 256],
            dist: [0; 512],
        };
        for (i, c) in t.length.iter_mut().enumerate() {
            *c = length_code(i as u16 + 3) as u8;
        }
        for (i, c) in t.dist.iter_mut().enumerate() {
            let d = if i < 256 { i + 1 } else { ((i - 256) << 7) + 1 };
            *c = dist_code(d.min(32768) as u16) as u8;
        }
        t
    }

    /// (length code 0…28, distance code 0…29) of a match token.
    fn codes(&self, len: u16, dist: u16) -> (usize, usize) {
        let d = usize::from(dist) - 1;
        let dc = if d < 256 {
            self.dist[d]
        } else {
            self.dist[256 + (d >> 7)]
        };
        (
            usize::from(self.length[usize::from(len) - 3]),
            usize::from(dc),
        )
    }
}

/// Writes the tokens of one block as a dynamic-Huffman block, or `raw` as stored blocks
/// when that is smaller.
fn write_block(w: &mut BitWriter, tokens: &[u32], raw: &[u8], last: bool, tables: &CodeTables) {
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    for &t in tokens {
        if t & MATCH != 0 {
            let (lc, dc) = tables.codes(((t >> 16) & 0x1FF) as u16, (t & 0xFFFF) as u16);
            lit_freq[257 + lc] += 1;
            dist_freq[dc] += 1;
        } else {
            lit_freq[t as usize] += 1;
        }
    }
    lit_freq[256] = 1;
    let lit_len = code_lengths(&lit_freq, 15);
    let dist_len = code_lengths(&dist_freq, 15);
    let hlit = 257.max(lit_len.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let hdist = 1.max(dist_len.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let mut all = lit_len[..hlit].to_vec();
    all.extend_from_slice(&dist_len[..hdist]);
    let rle = rle_lengths(&all);
    let mut cl_freq = [0u32; 19];
    for &(s, _) in &rle {
        cl_freq[usize::from(s)] += 1;
    }
    let cl_len = code_lengths(&cl_freq, 7);
    let hclen = 4.max(
        CLEN_ORDER
            .iter()
            .rposition(|&s| cl_len[s] > 0)
            .map_or(0, |p| p + 1),
    );

    // size of the dynamic block in bits: Σ frequency × (code length + extra bits)
    let extra_rle = |s: u8| match s {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    };
    let mut bits: u64 = 3 + 5 + 5 + 4 + 3 * hclen as u64;
    for &(s, _) in &rle {
        bits += u64::from(cl_len[usize::from(s)]) + extra_rle(s);
    }
    for (s, &f) in lit_freq.iter().enumerate() {
        let extra = if s > 256 { LENGTH_EXTRA[s - 257] } else { 0 };
        bits += u64::from(f) * u64::from(lit_len[s] + extra);
    }
    for (s, &f) in dist_freq.iter().enumerate() {
        bits += u64::from(f) * u64::from(dist_len[s] + DIST_EXTRA[s]);
    }
    let stored_bits = (raw.len() as u64 / 65535 + 1) * (3 + 7 + 32) + 8 * raw.len() as u64;
    if stored_bits < bits {
        write_stored(w, raw, last);
        return;
    }

    let lit_code = canonical_codes(&lit_len);
    let dist_code = canonical_codes(&dist_len);
    let cl_code = canonical_codes(&cl_len);
    w.put(u32::from(last), 1);
    w.put(2, 2);
    w.put((hlit - 257) as u32, 5);
    w.put((hdist - 1) as u32, 5);
    w.put((hclen - 4) as u32, 4);
    for &s in &CLEN_ORDER[..hclen] {
        w.put(u32::from(cl_len[s]), 3);
    }
    for &(s, extra) in &rle {
        let s = usize::from(s);
        w.put(u32::from(cl_code[s]), u32::from(cl_len[s]));
        w.put(u32::from(extra), extra_rle(s as u8) as u32);
    }
    for &t in tokens {
        if t & MATCH == 0 {
            let s = t as usize;
            w.put(u32::from(lit_code[s]), u32::from(lit_len[s]));
        } else {
            let (len, dist) = (((t >> 16) & 0x1FF) as u16, (t & 0xFFFF) as u16);
            let (lc, dc) = tables.codes(len, dist);
            w.put(u32::from(lit_code[257 + lc]), u32::from(lit_len[257 + lc]));
            w.put(
                u32::from(len - LENGTH_BASE[lc]),
                u32::from(LENGTH_EXTRA[lc]),
            );
            w.put(u32::from(dist_code[dc]), u32::from(dist_len[dc]));
            w.put(u32::from(dist - DIST_BASE[dc]), u32::from(DIST_EXTRA[dc]));
        }
    }
    w.put(u32::from(lit_code[256]), u32::from(lit_len[256]));
}

/// Writes `raw` as stored blocks of at most 65535 bytes (RFC 1951 section 3.2.4).
fn write_stored(w: &mut BitWriter, raw: &[u8], last: bool) {
    let mut chunks = raw.chunks(65535).peekable();
    if raw.is_empty() {
        w.put(u32::from(last), 1);
        w.put(0, 2);
        w.align();
        w.put(0, 16);
        w.put(0xFFFF, 16);
        return;
    }
    while let Some(chunk) = chunks.next() {
        let final_chunk = last && chunks.peek().is_none();
        w.put(u32::from(final_chunk), 1);
        w.put(0, 2);
        w.align();
        w.put(chunk.len() as u32, 16);
        w.put(!(chunk.len() as u32) & 0xFFFF, 16);
        w.out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_tables_agree_with_the_rfc_tables() {
        let t = CodeTables::new();
        for len in 3..=258u16 {
            for dist in [1u16, 2, 5, 255, 256, 257, 300, 1024, 4097, 24577, 32768] {
                assert_eq!(
                    t.codes(len, dist),
                    (length_code(len), dist_code(dist)),
                    "{len} {dist}"
                );
            }
        }
        for dist in 1..=32768u32 {
            assert_eq!(t.codes(3, dist as u16).1, dist_code(dist as u16), "{dist}");
        }
    }

    #[test]
    fn rle_uses_repeat_codes() {
        let mut l = vec![0u8; 140];
        l.extend_from_slice(&[5; 8]);
        l.extend_from_slice(&[0; 4]);
        l.push(3);
        let r = rle_lengths(&l);
        assert_eq!(
            r,
            vec![
                (18, 127),
                (0, 0),
                (0, 0),
                (5, 0),
                (16, 3),
                (5, 0),
                (17, 1),
                (3, 0)
            ]
        );
        // expands back to the same sequence
        let mut back = Vec::new();
        for (s, e) in r {
            match s {
                16 => {
                    let p = *back.last().unwrap();
                    back.extend(std::iter::repeat(p).take(3 + usize::from(e)));
                }
                17 => back.extend(std::iter::repeat(0).take(3 + usize::from(e))),
                18 => back.extend(std::iter::repeat(0).take(11 + usize::from(e))),
                v => back.push(v),
            }
        }
        assert_eq!(back, l);
    }
}
