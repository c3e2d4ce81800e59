//! The image product the example imagers downlink: a 58-byte header (where, when, how
//! cloudy) followed by the compressed image (a PNG from [`crate::codec`]).
//!
//! Header layout (big-endian):
//!
//! | offset | type | field |
//! |---|---|---|
//! | 0 | [u8; 4] | magic `STIP` |
//! | 4 | u8 | version (1) |
//! | 5 | u8 | payload format (1 = PNG) |
//! | 6 | u16 | cloud fraction × 10 000 (`0xFFFF`: not screened) |
//! | 8 | u32 | sequence number |
//! | 12 | i64 | capture time, ns since 1970-01-01 UTC (POSIX) |
//! | 20 | f64 | image centre latitude, degrees (NaN: boresight off the Earth) |
//! | 28 | f64 | image centre longitude, degrees |
//! | 36 | f32 | ground sample distance, m |
//! | 40 | f32 | off-nadir angle, degrees |
//! | 44 | f32 | Sun elevation at the centre, degrees |
//! | 48 | u32 | payload length, bytes |
//! | 52 | u32 | CRC-32 (ISO 3309) of the payload |
//! | 56 | u16 | CRC-16/CCITT of bytes 0…55 |

use crate::camera::ImageMeta;
use crate::codec::checksum::crc32;
use crate::packet::crc16_ccitt;
use std::fmt;

/// Header size, bytes.
pub const HEADER_BYTES: usize = 58;
/// The magic number.
pub const MAGIC: [u8; 4] = *b"STIP";
/// Payload format: PNG.
pub const FORMAT_PNG: u8 = 1;

/// The header of an image product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageProduct {
    /// Sequence number (per app).
    pub seq: u32,
    /// Payload format ([`FORMAT_PNG`]).
    pub format: u8,
    /// Where and when the image was taken.
    pub meta: ImageMeta,
    /// Cloud fraction 0…1 if the image was screened.
    pub cloud_fraction: Option<f64>,
}

/// Why a product could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductError {
    /// Fewer bytes than a header.
    TooShort {
        /// Bytes given.
        len: usize,
    },
    /// Not `STIP` version 1.
    Magic,
    /// The header CRC does not match.
    HeaderCrc {
        /// CRC computed.
        expected: u16,
        /// CRC stored.
        found: u16,
    },
    /// The payload length disagrees with the bytes given.
    Length {
        /// Payload length in the header.
        declared: usize,
        /// Payload bytes given.
        actual: usize,
    },
    /// The payload CRC does not match.
    PayloadCrc {
        /// CRC computed.
        expected: u32,
        /// CRC stored.
        found: u32,
    },
}

impl fmt::Display for ProductError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductError::TooShort { len } => write!(f, "{len} bytes is shorter than a header"),
            ProductError::Magic => f.write_str("not an STIP v1 image product"),
            ProductError::HeaderCrc { expected, found } => {
                write!(f, "header CRC {found:#06x}, computed {expected:#06x}")
            }
            ProductError::Length { declared, actual } => {
                write!(f, "payload of {actual} bytes, header says {declared}")
            }
            ProductError::PayloadCrc { expected, found } => {
                write!(f, "payload CRC {found:#010x}, computed {expected:#010x}")
            }
        }
    }
}

impl std::error::Error for ProductError {}

impl ImageProduct {
    /// The header followed by `payload`.
    pub fn encode(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
        out.extend_from_slice(&MAGIC);
        out.push(1);
        out.push(self.format);
        let cloud = match self.cloud_fraction {
            Some(f) if f.is_finite() => (f.clamp(0.0, 1.0) * 10_000.0).round() as u16,
            _ => 0xFFFF,
        };
        out.extend_from_slice(&cloud.to_be_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.meta.time_unix_ns.to_be_bytes());
        out.extend_from_slice(&self.meta.center_lat_deg.to_be_bytes());
        out.extend_from_slice(&self.meta.center_lon_deg.to_be_bytes());
        out.extend_from_slice(&(self.meta.gsd_m as f32).to_be_bytes());
        out.extend_from_slice(&(self.meta.off_nadir_deg as f32).to_be_bytes());
        out.extend_from_slice(&(self.meta.sun_elevation_deg as f32).to_be_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&crc32(0, payload).to_be_bytes());
        let crc = crc16_ccitt(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Reads a product: its header and payload, both checked.
    pub fn decode(bytes: &[u8]) -> Result<(ImageProduct, &[u8]), ProductError> {
        if bytes.len() < HEADER_BYTES {
            return Err(ProductError::TooShort { len: bytes.len() });
        }
        let h = &bytes[..HEADER_BYTES];
        if h[..4] != MAGIC || h[4] != 1 {
            return Err(ProductError::Magic);
        }
        let expected = crc16_ccitt(&h[..56]);
        let found = u16::from_be_bytes([h[56], h[57]]);
        if expected != found {
            return Err(ProductError::HeaderCrc { expected, found });
        }
        let u32_at = |o: usize| u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]);
        let u64_at = |o: usize| (u64::from(u32_at(o)) << 32) | u64::from(u32_at(o + 4));
        let f32_at = |o: usize| f64::from(f32::from_bits(u32_at(o)));
        let payload = &bytes[HEADER_BYTES..];
        let declared = u32_at(48) as usize;
        if declared != payload.len() {
            return Err(ProductError::Length {
                declared,
                actual: payload.len(),
            });
        }
        let expected = crc32(0, payload);
        if expected != u32_at(52) {
            return Err(ProductError::PayloadCrc {
                expected,
                found: u32_at(52),
            });
        }
        let cloud = u16::from_be_bytes([h[6], h[7]]);
        Ok((
            ImageProduct {
                seq: u32_at(8),
                format: h[5],
                meta: ImageMeta {
                    time_unix_ns: u64_at(12) as i64,
                    center_lat_deg: f64::from_bits(u64_at(20)),
                    center_lon_deg: f64::from_bits(u64_at(28)),
                    gsd_m: f32_at(36),
                    off_nadir_deg: f32_at(40),
                    sun_elevation_deg: f32_at(44),
                },
                cloud_fraction: if cloud == 0xFFFF {
                    None
                } else {
                    Some(f64::from(cloud) / 10_000.0)
                },
            },
            payload,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ImageProduct {
        ImageProduct {
            seq: 17,
            format: FORMAT_PNG,
            meta: ImageMeta {
                time_unix_ns: 1_767_225_600_000_000_000,
                center_lat_deg: 48.8566,
                center_lon_deg: 2.3522,
                gsd_m: 4.75,
                off_nadir_deg: 1.5,
                sun_elevation_deg: 42.25,
            },
            cloud_fraction: Some(0.1234),
        }
    }

    #[test]
    fn round_trip_and_layout() {
        let p = sample();
        let bytes = p.encode(b"PNGDATA");
        assert_eq!(bytes.len(), HEADER_BYTES + 7);
        assert_eq!(&bytes[..6], b"STIP\x01\x01");
        assert_eq!(u16::from_be_bytes([bytes[6], bytes[7]]), 1234);
        let (q, payload) = ImageProduct::decode(&bytes).unwrap();
        assert_eq!(payload, b"PNGDATA");
        assert_eq!(q.seq, 17);
        assert_eq!(q.meta.time_unix_ns, p.meta.time_unix_ns);
        assert_eq!(q.meta.center_lat_deg, 48.8566);
        assert_eq!(q.meta.gsd_m, 4.75);
        assert_eq!(q.cloud_fraction, Some(0.1234));
        let unscreened = ImageProduct {
            cloud_fraction: None,
            ..p
        }
        .encode(b"");
        assert_eq!(
            ImageProduct::decode(&unscreened).unwrap().0.cloud_fraction,
            None
        );
    }

    #[test]
    fn corruption_is_detected() {
        let bytes = sample().encode(b"PNGDATA");
        for i in 0..bytes.len() * 8 {
            let mut c = bytes.clone();
            c[i / 8] ^= 1 << (i % 8);
            assert!(ImageProduct::decode(&c).is_err(), "bit {i}");
        }
        assert_eq!(
            ImageProduct::decode(&bytes[..20]),
            Err(ProductError::TooShort { len: 20 })
        );
        assert!(matches!(
            ImageProduct::decode(&bytes[..bytes.len() - 1]),
            Err(ProductError::Length {
                declared: 7,
                actual: 6
            })
        ));
    }
}
