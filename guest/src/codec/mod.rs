//! A lossless image codec that writes standard **PNG** files (ISO/IEC 15948), written from
//! scratch for onboard use: per-row prediction filters ([`filter`]) and a DEFLATE coder
//! ([`deflate`], [`inflate`]) with its Huffman codes ([`huffman`]). A downlinked image opens
//! in any viewer; the decoder reads any non-interlaced 8-bit grey or RGB PNG.
//!
//! ```
//! use skytwin_guest::codec;
//! let (w, h) = (64u32, 48u32);
//! let pixels: Vec<u8> = (0..w * h).map(|i| ((i % w) * 4) as u8).collect();
//! let png = codec::encode_png(&pixels, w, h, 1, &[], codec::Effort::default()).unwrap();
//! assert!(png.len() < pixels.len() / 10);
//! let back = codec::decode_png(&png).unwrap();
//! assert_eq!((back.width_px, back.height_px, back.channels), (w, h, 1));
//! assert_eq!(back.pixels, pixels);
//! ```

pub mod checksum;
pub mod deflate;
pub mod filter;
pub mod huffman;
pub mod inflate;
mod tables;

pub use deflate::Effort;
pub use inflate::InflateError;

use checksum::{adler32, crc32};
use std::fmt;

/// The 8-byte PNG signature.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// Largest image side accepted, pixels (the PNG limit is 2³¹ − 1; this bounds memory).
pub const MAX_SIDE_PX: u32 = 1 << 16;

/// Why an image could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// Channels other than 1 (grey) or 3 (RGB).
    Channels {
        /// Channels given.
        channels: u32,
    },
    /// A zero or too large width or height.
    Dimensions {
        /// Width, pixels.
        width_px: u32,
        /// Height, pixels.
        height_px: u32,
    },
    /// `pixels.len()` is not `width × height × channels`.
    Size {
        /// Bytes expected.
        expected: u64,
        /// Bytes given.
        found: usize,
    },
    /// A `tEXt` keyword that is empty, longer than 79 bytes or contains a NUL.
    Keyword {
        /// The keyword.
        keyword: String,
    },
    /// The bytes do not start with the PNG signature.
    Signature,
    /// The file ends inside a chunk.
    Truncated {
        /// Offset of the chunk, bytes.
        offset: usize,
    },
    /// A chunk's CRC does not match.
    ChunkCrc {
        /// Chunk type.
        chunk: [u8; 4],
        /// CRC computed.
        expected: u32,
        /// CRC stored.
        found: u32,
    },
    /// A PNG feature this decoder does not read (bit depth, colour type, interlace…).
    Unsupported {
        /// Bit depth.
        bit_depth: u8,
        /// Colour type.
        color_type: u8,
        /// Interlace method.
        interlace: u8,
    },
    /// A required chunk (`IHDR`, `IDAT`, `IEND`) is missing or out of order.
    Structure {
        /// What is wrong.
        what: &'static str,
    },
    /// The zlib header is invalid (method, window or check bits).
    ZlibHeader {
        /// CMF and FLG bytes.
        cmf_flg: u16,
    },
    /// The DEFLATE data is corrupt.
    Inflate(InflateError),
    /// The zlib Adler-32 does not match the decompressed data.
    Adler {
        /// Adler-32 computed.
        expected: u32,
        /// Adler-32 stored.
        found: u32,
    },
    /// The image data has the wrong length after decompression.
    DataLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// A row uses an unknown filter type.
    Filter {
        /// Row index.
        row: usize,
        /// Filter type byte.
        filter: u8,
    },
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Channels { channels } => write!(f, "{channels} channels (1 or 3 supported)"),
            CodecError::Dimensions { width_px, height_px } => {
                write!(f, "image size {width_px}×{height_px} px out of range")
            }
            CodecError::Size { expected, found } => {
                write!(f, "{found} pixel bytes, expected {expected}")
            }
            CodecError::Keyword { keyword } => write!(f, "invalid tEXt keyword {keyword:?}"),
            CodecError::Signature => f.write_str("not a PNG file (signature)"),
            CodecError::Truncated { offset } => write!(f, "PNG truncated in chunk at byte {offset}"),
            CodecError::ChunkCrc {
                chunk,
                expected,
                found,
            } => write!(
                f,
                "chunk {} CRC {found:#010x}, computed {expected:#010x}",
                String::from_utf8_lossy(chunk)
            ),
            CodecError::Unsupported {
                bit_depth,
                color_type,
                interlace,
            } => write!(
                f,
                "unsupported PNG: bit depth {bit_depth}, colour type {color_type}, interlace {interlace}"
            ),
            CodecError::Structure { what } => write!(f, "malformed PNG: {what}"),
            CodecError::ZlibHeader { cmf_flg } => write!(f, "bad zlib header {cmf_flg:#06x}"),
            CodecError::Inflate(e) => write!(f, "corrupt image data: {e}"),
            CodecError::Adler { expected, found } => {
                write!(f, "zlib Adler-32 {found:#010x}, computed {expected:#010x}")
            }
            CodecError::DataLength { expected, found } => {
                write!(f, "{found} bytes of image data, expected {expected}")
            }
            CodecError::Filter { row, filter } => write!(f, "row {row}: unknown filter {filter}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// A decoded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedImage {
    /// Width, pixels.
    pub width_px: u32,
    /// Height, pixels.
    pub height_px: u32,
    /// Samples per pixel (1 grey, 3 RGB).
    pub channels: u32,
    /// Row-major pixels, samples interleaved.
    pub pixels: Vec<u8>,
    /// `tEXt` entries (keyword, text), in file order.
    pub text: Vec<(String, String)>,
}

fn check_shape(len: usize, width_px: u32, height_px: u32, channels: u32) -> Result<(), CodecError> {
    if channels != 1 && channels != 3 {
        return Err(CodecError::Channels { channels });
    }
    if width_px == 0 || height_px == 0 || width_px > MAX_SIDE_PX || height_px > MAX_SIDE_PX {
        return Err(CodecError::Dimensions {
            width_px,
            height_px,
        });
    }
    let expected = u64::from(width_px) * u64::from(height_px) * u64::from(channels);
    if len as u64 != expected {
        return Err(CodecError::Size {
            expected,
            found: len,
        });
    }
    Ok(())
}

/// `s` as Latin-1 bytes, characters above U+00FF as `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(crc32(0, kind), data);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// Encodes 8-bit pixels (row-major, samples interleaved, `channels` 1 grey or 3 RGB) as a
/// PNG file, with optional `tEXt` entries (keyword of 1–79 bytes, text; written as Latin-1,
/// other characters as `?`).
pub fn encode_png(
    pixels: &[u8],
    width_px: u32,
    height_px: u32,
    channels: u32,
    text: &[(&str, &str)],
    effort: Effort,
) -> Result<Vec<u8>, CodecError> {
    check_shape(pixels.len(), width_px, height_px, channels)?;
    for (k, _) in text {
        if k.is_empty() || k.len() > 79 || k.contains('\0') {
            return Err(CodecError::Keyword {
                keyword: (*k).to_string(),
            });
        }
    }
    let stride = (width_px * channels) as usize;
    let filtered = filter::filter_image(pixels, stride, channels as usize);
    // zlib (RFC 1950): CMF 0x78 = deflate with a 32 KiB window; FLG 0x9C makes
    // CMF·256 + FLG a multiple of 31 (default compression level)
    let mut z = vec![0x78, 0x9C];
    z.extend_from_slice(&deflate::deflate(&filtered, effort));
    z.extend_from_slice(&adler32(1, &filtered).to_be_bytes());

    let mut out = Vec::with_capacity(z.len() + 128);
    out.extend_from_slice(&PNG_SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width_px.to_be_bytes());
    ihdr.extend_from_slice(&height_px.to_be_bytes());
    // bit depth 8; colour type 0 grey / 2 RGB; compression 0; filter 0; no interlace
    ihdr.extend_from_slice(&[8, if channels == 3 { 2 } else { 0 }, 0, 0, 0]);
    push_chunk(&mut out, b"IHDR", &ihdr);
    for (k, v) in text {
        // tEXt is Latin-1: characters above U+00FF become '?'
        let mut t: Vec<u8> = latin1(k);
        t.push(0);
        t.extend(latin1(v));
        push_chunk(&mut out, b"tEXt", &t);
    }
    push_chunk(&mut out, b"IDAT", &z);
    push_chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Decodes a PNG file: 8-bit grey or RGB, not interlaced. Checks every chunk CRC and the
/// zlib Adler-32; ancillary chunks other than `tEXt` are skipped.
pub fn decode_png(bytes: &[u8]) -> Result<DecodedImage, CodecError> {
    if bytes.len() < 8 || bytes[..8] != PNG_SIGNATURE {
        return Err(CodecError::Signature);
    }
    let mut pos = 8;
    let mut header: Option<(u32, u32, u32)> = None;
    let mut idat = Vec::new();
    let mut text = Vec::new();
    loop {
        let truncated = CodecError::Truncated { offset: pos };
        let len_bytes = bytes.get(pos..pos + 4).ok_or_else(|| truncated.clone())?;
        let len =
            u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
        let end = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .ok_or_else(|| truncated.clone())?;
        let chunk = bytes.get(pos + 4..end).ok_or(truncated)?;
        let (kind, rest) = chunk.split_at(4);
        let (data, crc_bytes) = rest.split_at(len);
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let found = u32::from_be_bytes([crc_bytes[0], crc_bytes[1], crc_bytes[2], crc_bytes[3]]);
        let expected = crc32(crc32(0, &kind), data);
        if expected != found {
            return Err(CodecError::ChunkCrc {
                chunk: kind,
                expected,
                found,
            });
        }
        pos = end;
        match &kind {
            b"IHDR" => {
                if header.is_some() || len != 13 {
                    return Err(CodecError::Structure { what: "bad IHDR" });
                }
                let w = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let h = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                let (depth, color, interlace) = (data[8], data[9], data[12]);
                let channels = match (depth, color, data[10], data[11], interlace) {
                    (8, 0, 0, 0, 0) => 1,
                    (8, 2, 0, 0, 0) => 3,
                    _ => {
                        return Err(CodecError::Unsupported {
                            bit_depth: depth,
                            color_type: color,
                            interlace,
                        })
                    }
                };
                if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
                    return Err(CodecError::Dimensions {
                        width_px: w,
                        height_px: h,
                    });
                }
                header = Some((w, h, channels));
            }
            _ if header.is_none() => {
                return Err(CodecError::Structure {
                    what: "IHDR is not first",
                })
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"tEXt" => {
                let k = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                let v = if k < data.len() {
                    &data[k + 1..]
                } else {
                    &[][..]
                };
                // tEXt is Latin-1: each byte is the code point of the same value
                let latin1 = |b: &[u8]| b.iter().map(|&c| char::from(c)).collect::<String>();
                text.push((latin1(&data[..k]), latin1(v)));
            }
            b"IEND" => break,
            _ if kind[0] & 0x20 == 0 => {
                return Err(CodecError::Structure {
                    what: "unknown critical chunk",
                })
            }
            _ => {}
        }
    }
    let (w, h, channels) = header.ok_or(CodecError::Structure { what: "no IHDR" })?;
    if idat.len() < 6 {
        return Err(CodecError::Structure {
            what: "no image data",
        });
    }
    let cmf_flg = u16::from_be_bytes([idat[0], idat[1]]);
    if idat[0] & 0x0F != 8 || idat[0] >> 4 > 7 || cmf_flg % 31 != 0 || idat[1] & 0x20 != 0 {
        return Err(CodecError::ZlibHeader { cmf_flg });
    }
    let stride = (w * channels) as usize;
    let expected_len = (stride + 1) * h as usize;
    let (data, used) = inflate::inflate(&idat[2..], expected_len).map_err(CodecError::Inflate)?;
    if data.len() != expected_len {
        return Err(CodecError::DataLength {
            expected: expected_len,
            found: data.len(),
        });
    }
    let trailer = idat
        .get(2 + used..2 + used + 4)
        .ok_or(CodecError::Structure {
            what: "no Adler-32",
        })?;
    let found = u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let expected = adler32(1, &data);
    if found != expected {
        return Err(CodecError::Adler { expected, found });
    }
    let pixels = filter::unfilter_image(&data, stride, channels as usize)
        .map_err(|(row, filter)| CodecError::Filter { row, filter })?;
    Ok(DecodedImage {
        width_px: w,
        height_px: h,
        channels,
        pixels,
        text,
    })
}

#[cfg(test)]
mod tests;
