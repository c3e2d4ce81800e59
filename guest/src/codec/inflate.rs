//! A DEFLATE decompressor (RFC 1951), after Mark Adler's reference decoder `puff.c`: stored,
//! fixed- and dynamic-Huffman blocks, every malformed input an error, output bounded.

use super::huffman::Decoder;
use super::tables::{CLEN_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA};
use std::fmt;

/// Why a DEFLATE stream could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// The input ended inside a block.
    UnexpectedEnd,
    /// Block type 3 (reserved).
    BlockType,
    /// A stored block's LEN and NLEN are not complements.
    StoredLength {
        /// LEN field.
        len: u16,
        /// NLEN field.
        nlen: u16,
    },
    /// Code lengths that do not form a usable prefix code, or too many of them.
    CodeLengths,
    /// A bit sequence that is no code, or a length/distance symbol out of range.
    Symbol,
    /// A distance reaching before the start of the output.
    Distance {
        /// The distance.
        dist: usize,
        /// Bytes output so far.
        available: usize,
    },
    /// The output would exceed the caller's limit.
    OutputLimit {
        /// The limit, bytes.
        limit: usize,
    },
}

impl fmt::Display for InflateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InflateError::UnexpectedEnd => f.write_str("deflate stream ends early"),
            InflateError::BlockType => f.write_str("reserved block type 3"),
            InflateError::StoredLength { len, nlen } => {
                write!(f, "stored block LEN {len:#06x} / NLEN {nlen:#06x} mismatch")
            }
            InflateError::CodeLengths => f.write_str("invalid Huffman code lengths"),
            InflateError::Symbol => f.write_str("invalid Huffman code or symbol"),
            InflateError::Distance { dist, available } => {
                write!(
                    f,
                    "distance {dist} reaches before the start ({available} bytes out)"
                )
            }
            InflateError::OutputLimit { limit } => write!(f, "output exceeds {limit} bytes"),
        }
    }
}

impl std::error::Error for InflateError {}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u64,
    cnt: u32,
}

impl<'a> BitReader<'a> {
    fn bits(&mut self, need: u32) -> Result<u32, InflateError> {
        while self.cnt < need {
            let b = *self.data.get(self.pos).ok_or(InflateError::UnexpectedEnd)?;
            self.pos += 1;
            self.buf |= u64::from(b) << self.cnt;
            self.cnt += 8;
        }
        let v = (self.buf & ((1u64 << need) - 1)) as u32;
        self.buf >>= need;
        self.cnt -= need;
        Ok(v)
    }

    /// Decodes one symbol, reading the code MSB-first one bit at a time (`puff.c` `decode`).
    fn symbol(&mut self, h: &Decoder) -> Result<u16, InflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= self.bits(1)? as i32;
            let count = i32::from(h.counts[len]);
            if code - first < count {
                return Ok(h.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::Symbol)
    }
}

/// Decompresses a raw DEFLATE stream; fails if the output would exceed `limit` bytes.
/// Returns the output and the number of input bytes consumed.
pub fn inflate(data: &[u8], limit: usize) -> Result<(Vec<u8>, usize), InflateError> {
    let mut r = BitReader {
        data,
        pos: 0,
        buf: 0,
        cnt: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = r.bits(1)? == 1;
        match r.bits(2)? {
            0 => stored(&mut r, &mut out, limit)?,
            1 => {
                let mut l = [0u8; 288];
                for (i, x) in l.iter_mut().enumerate() {
                    *x = match i {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                let lit = Decoder::new(&l).ok_or(InflateError::CodeLengths)?;
                let dist = Decoder::new(&[5u8; 30]).ok_or(InflateError::CodeLengths)?;
                codes(&mut r, &mut out, &lit, &dist, limit)?;
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut r)?;
                codes(&mut r, &mut out, &lit, &dist, limit)?;
            }
            _ => return Err(InflateError::BlockType),
        }
        if last {
            return Ok((out, r.pos));
        }
    }
}

fn stored(r: &mut BitReader<'_>, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    // discard the rest of the current byte
    r.buf = 0;
    r.cnt = 0;
    let hdr = r
        .data
        .get(r.pos..r.pos + 4)
        .ok_or(InflateError::UnexpectedEnd)?;
    let len = u16::from_le_bytes([hdr[0], hdr[1]]);
    let nlen = u16::from_le_bytes([hdr[2], hdr[3]]);
    if len != !nlen {
        return Err(InflateError::StoredLength { len, nlen });
    }
    r.pos += 4;
    let n = usize::from(len);
    let bytes = r
        .data
        .get(r.pos..r.pos + n)
        .ok_or(InflateError::UnexpectedEnd)?;
    if out.len() + n > limit {
        return Err(InflateError::OutputLimit { limit });
    }
    out.extend_from_slice(bytes);
    r.pos += n;
    Ok(())
}

fn dynamic_tables(r: &mut BitReader<'_>) -> Result<(Decoder, Decoder), InflateError> {
    let nlen = r.bits(5)? as usize + 257;
    let ndist = r.bits(5)? as usize + 1;
    let ncode = r.bits(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(InflateError::CodeLengths);
    }
    let mut cl = [0u8; 19];
    for &s in &CLEN_ORDER[..ncode] {
        cl[s] = r.bits(3)? as u8;
    }
    let clh = Decoder::new(&cl)
        .filter(Decoder::complete_enough)
        .ok_or(InflateError::CodeLengths)?;
    let mut lengths = vec![0u8; nlen + ndist];
    let mut i = 0;
    while i < nlen + ndist {
        let sym = r.symbol(&clh)?;
        if sym < 16 {
            lengths[i] = sym as u8;
            i += 1;
            continue;
        }
        let (value, repeat) = match sym {
            16 => {
                if i == 0 {
                    return Err(InflateError::CodeLengths);
                }
                (lengths[i - 1], 3 + r.bits(2)? as usize)
            }
            17 => (0, 3 + r.bits(3)? as usize),
            _ => (0, 11 + r.bits(7)? as usize),
        };
        if i + repeat > nlen + ndist {
            return Err(InflateError::CodeLengths);
        }
        for x in &mut lengths[i..i + repeat] {
            *x = value;
        }
        i += repeat;
    }
    if lengths[256] == 0 {
        return Err(InflateError::CodeLengths);
    }
    let lit = Decoder::new(&lengths[..nlen])
        .filter(Decoder::complete_enough)
        .ok_or(InflateError::CodeLengths)?;
    let dist = Decoder::new(&lengths[nlen..])
        .filter(Decoder::complete_enough)
        .ok_or(InflateError::CodeLengths)?;
    Ok((lit, dist))
}

fn codes(
    r: &mut BitReader<'_>,
    out: &mut Vec<u8>,
    lit: &Decoder,
    dist: &Decoder,
    limit: usize,
) -> Result<(), InflateError> {
    loop {
        let sym = usize::from(r.symbol(lit)?);
        if sym < 256 {
            if out.len() >= limit {
                return Err(InflateError::OutputLimit { limit });
            }
            out.push(sym as u8);
        } else if sym == 256 {
            return Ok(());
        } else {
            let lc = sym - 257;
            if lc >= 29 {
                return Err(InflateError::Symbol);
            }
            let len = usize::from(LENGTH_BASE[lc]) + r.bits(u32::from(LENGTH_EXTRA[lc]))? as usize;
            let dc = usize::from(r.symbol(dist)?);
            if dc >= 30 {
                return Err(InflateError::Symbol);
            }
            let d = usize::from(DIST_BASE[dc]) + r.bits(u32::from(DIST_EXTRA[dc]))? as usize;
            if d > out.len() {
                return Err(InflateError::Distance {
                    dist: d,
                    available: out.len(),
                });
            }
            if out.len() + len > limit {
                return Err(InflateError::OutputLimit { limit });
            }
            let start = out.len() - d;
            for k in 0..len {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `zlib.compress(b"hello hello hello hello", 9)[2:-4]` from CPython's zlib 1.2.13:
    /// a fixed-Huffman block with one back-reference, made by an independent encoder.
    const ZLIB_FIXED: [u8; 10] = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x27, 0x01];

    #[test]
    fn val_zlib_fixed_block() {
        let (out, used) = inflate(&ZLIB_FIXED, 1000).expect("fixed block");
        assert_eq!(out, b"hello hello hello hello");
        assert_eq!(used, ZLIB_FIXED.len());
    }

    #[test]
    fn val_zlib_dynamic_block() {
        let stream = include_bytes!("../../tests/data/zlib-dynamic.deflate");
        let text = include_bytes!("../../tests/data/zlib-dynamic.txt");
        assert_eq!((stream[0] >> 1) & 3, 2, "a dynamic block");
        let (out, used) = inflate(stream, 1 << 20).unwrap();
        assert_eq!(&out[..], &text[..]);
        assert_eq!(used, stream.len());
        // every truncation is an error, never a panic
        for n in 0..stream.len() {
            assert!(inflate(&stream[..n], 1 << 20).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn stored_block_and_errors() {
        // BFINAL=1 BTYPE=00, LEN=3, NLEN=!3, "abc"
        let s = [0x01, 0x03, 0x00, 0xFC, 0xFF, b'a', b'b', b'c'];
        assert_eq!(inflate(&s, 10).unwrap().0, b"abc");
        assert_eq!(inflate(&s, 2), Err(InflateError::OutputLimit { limit: 2 }));
        assert_eq!(inflate(&s[..6], 10), Err(InflateError::UnexpectedEnd));
        let bad = [0x01, 0x03, 0x00, 0xFC, 0xFE, b'a', b'b', b'c'];
        assert!(matches!(
            inflate(&bad, 10),
            Err(InflateError::StoredLength { .. })
        ));
        assert_eq!(inflate(&[0x07], 10), Err(InflateError::BlockType));
        assert_eq!(inflate(&[], 10), Err(InflateError::UnexpectedEnd));
    }
}
