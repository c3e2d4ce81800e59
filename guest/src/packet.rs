//! Telemetry packets: CCSDS space packets (CCSDS 133.0-B-2) with a time secondary header and
//! a CRC-16/CCITT packet error control field, and the beacon's housekeeping payload.
//!
//! Packet layout (big-endian, as CCSDS):
//!
//! | bytes | field |
//! |---|---|
//! | 0–1 | version (3 bits, 0) · type (1 bit, 0 = telemetry) · secondary header flag (1 bit, 1) · APID (11 bits) |
//! | 2–3 | sequence flags (2 bits, `11` unsegmented) · sequence count (14 bits) |
//! | 4–5 | packet data length: octets in the data field − 1 |
//! | 6–13 | secondary header: time, i64 ns since 1970-01-01 UTC (POSIX) |
//! | 14…n−3 | payload |
//! | n−2…n−1 | CRC-16/CCITT of bytes 0…n−3 |

use std::fmt;

/// Bytes of the primary header.
pub const PRIMARY_HEADER_BYTES: usize = 6;
/// Bytes of the time secondary header.
pub const SECONDARY_HEADER_BYTES: usize = 8;
/// Bytes of the CRC trailer.
pub const CRC_BYTES: usize = 2;
/// Header and trailer bytes around a payload.
pub const OVERHEAD_BYTES: usize = PRIMARY_HEADER_BYTES + SECONDARY_HEADER_BYTES + CRC_BYTES;
/// Largest payload: the 16-bit data length counts the secondary header, payload and CRC.
pub const MAX_PAYLOAD_BYTES: usize = 65536 - SECONDARY_HEADER_BYTES - CRC_BYTES;
/// Largest APID (11 bits); 2047 is reserved for idle packets.
pub const MAX_APID: u16 = 2046;

/// CRC-16/CCITT-FALSE lookup table: polynomial x¹⁶ + x¹² + x⁵ + 1 (0x1021), MSB first.
const CRC16_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// CRC-16/CCITT-FALSE of `data`: polynomial 0x1021, initial value 0xFFFF, no reflection, no
/// final XOR — the CRC of CCSDS 132.0-B / ECSS-E-ST-70-41C packet error control.
/// Check value: `crc16_ccitt(b"123456789") == 0x29B1`.
pub fn crc16_ccitt(data: &[u8]) -> u16 {
    // crc' = (crc << 8) ⊕ T[(crc >> 8) ⊕ byte]
    data.iter().fold(0xFFFF, |crc: u16, &b| {
        (crc << 8) ^ CRC16_TABLE[usize::from((crc >> 8) as u8 ^ b)]
    })
}

/// Why a packet could not be built or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketError {
    /// The APID does not fit in 11 bits (or is the idle APID 2047).
    Apid {
        /// The APID asked for.
        apid: u16,
    },
    /// The payload is longer than [`MAX_PAYLOAD_BYTES`].
    PayloadTooLong {
        /// Payload length, bytes.
        len: usize,
    },
    /// Fewer bytes than the smallest packet.
    TooShort {
        /// Bytes given.
        len: usize,
    },
    /// The version, type or flags are not those of a skytwin telemetry packet.
    Header {
        /// The first two header bytes.
        found: u16,
    },
    /// The length field disagrees with the bytes given.
    Length {
        /// Packet length the header declares, bytes.
        declared: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The CRC does not match.
    Crc {
        /// CRC computed over the packet.
        expected: u16,
        /// CRC carried by the packet.
        found: u16,
    },
    /// A payload has the wrong length for its kind.
    PayloadLength {
        /// Bytes the payload kind needs.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PacketError::Apid { apid } => write!(f, "APID {apid} out of range 0..={MAX_APID}"),
            PacketError::PayloadTooLong { len } => {
                write!(f, "payload of {len} bytes exceeds {MAX_PAYLOAD_BYTES}")
            }
            PacketError::TooShort { len } => write!(f, "{len} bytes is shorter than a packet"),
            PacketError::Header { found } => write!(f, "unexpected header bits {found:#06x}"),
            PacketError::Length { declared, actual } => {
                write!(f, "header declares {declared} bytes, got {actual}")
            }
            PacketError::Crc { expected, found } => {
                write!(
                    f,
                    "CRC mismatch: computed {expected:#06x}, packet has {found:#06x}"
                )
            }
            PacketError::PayloadLength { expected, found } => {
                write!(f, "payload of {found} bytes, expected {expected}")
            }
        }
    }
}

impl std::error::Error for PacketError {}

/// A decoded telemetry space packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpacePacket<'a> {
    /// Application process identifier (11 bits).
    pub apid: u16,
    /// Sequence count (14 bits, wraps).
    pub seq_count: u16,
    /// Time of the packet, ns since 1970-01-01 UTC (POSIX).
    pub time_unix_ns: i64,
    /// The user data.
    pub payload: &'a [u8],
}

impl<'a> SpacePacket<'a> {
    /// Encodes the packet: headers, payload and CRC. `seq_count` is taken modulo 2¹⁴.
    pub fn encode(&self) -> Result<Vec<u8>, PacketError> {
        if self.apid > MAX_APID {
            return Err(PacketError::Apid { apid: self.apid });
        }
        if self.payload.len() > MAX_PAYLOAD_BYTES {
            return Err(PacketError::PayloadTooLong {
                len: self.payload.len(),
            });
        }
        let data_field = SECONDARY_HEADER_BYTES + self.payload.len() + CRC_BYTES;
        let mut out = Vec::with_capacity(PRIMARY_HEADER_BYTES + data_field);
        // version 000, type 0, secondary header flag 1, APID
        out.extend_from_slice(&(0x0800 | self.apid).to_be_bytes());
        // sequence flags 11 (unsegmented), 14-bit count
        out.extend_from_slice(&(0xC000 | (self.seq_count & 0x3FFF)).to_be_bytes());
        out.extend_from_slice(&((data_field - 1) as u16).to_be_bytes());
        out.extend_from_slice(&self.time_unix_ns.to_be_bytes());
        out.extend_from_slice(self.payload);
        let crc = crc16_ccitt(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        Ok(out)
    }

    /// Decodes and checks one packet (header bits, length and CRC) occupying all of `bytes`.
    pub fn decode(bytes: &'a [u8]) -> Result<SpacePacket<'a>, PacketError> {
        if bytes.len() < OVERHEAD_BYTES {
            return Err(PacketError::TooShort { len: bytes.len() });
        }
        let w0 = u16::from_be_bytes([bytes[0], bytes[1]]);
        let w1 = u16::from_be_bytes([bytes[2], bytes[3]]);
        if w0 & 0xF800 != 0x0800 || w1 & 0xC000 != 0xC000 {
            return Err(PacketError::Header { found: w0 });
        }
        let declared =
            PRIMARY_HEADER_BYTES + usize::from(u16::from_be_bytes([bytes[4], bytes[5]])) + 1;
        if declared != bytes.len() {
            return Err(PacketError::Length {
                declared,
                actual: bytes.len(),
            });
        }
        let n = bytes.len();
        let expected = crc16_ccitt(&bytes[..n - CRC_BYTES]);
        let found = u16::from_be_bytes([bytes[n - 2], bytes[n - 1]]);
        if expected != found {
            return Err(PacketError::Crc { expected, found });
        }
        let mut t = [0u8; 8];
        t.copy_from_slice(&bytes[6..14]);
        Ok(SpacePacket {
            apid: w0 & 0x07FF,
            seq_count: w1 & 0x3FFF,
            time_unix_ns: i64::from_be_bytes(t),
            payload: &bytes[PRIMARY_HEADER_BYTES + SECONDARY_HEADER_BYTES..n - CRC_BYTES],
        })
    }
}

/// The beacon's housekeeping payload: the satellite state condensed to 58 bytes
/// (big-endian; `f32` for physical values, 0.01 °C steps for temperatures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Housekeeping {
    /// Sensor validity bits ([`crate::state::valid`]).
    pub valid: u8,
    /// Status bits ([`crate::state::flags`]).
    pub flags: u8,
    /// Attitude mode (ABI number).
    pub attitude_mode: u8,
    /// Temperatures carried (≤ 7).
    pub temperature_count: u8,
    /// Battery state of charge, 0…1.
    pub battery_soc: f32,
    /// Battery energy, Wh.
    pub battery_energy_wh: f32,
    /// Solar array power, W.
    pub solar_power_w: f32,
    /// Load power, W.
    pub load_power_w: f32,
    /// Geodetic latitude, degrees.
    pub lat_deg: f32,
    /// Longitude, degrees.
    pub lon_deg: f32,
    /// Altitude, km.
    pub alt_km: f32,
    /// Body rate magnitude, rad/s.
    pub rate_rad_s: f32,
    /// Pointing error, degrees.
    pub pointing_error_deg: f32,
    /// Illumination, 0…1.
    pub illumination: f32,
    /// Temperatures, °C, quantised to 0.01 °C (unused entries are 0).
    pub temperatures_c: [f32; 7],
}

impl Housekeeping {
    /// Encoded size, bytes.
    pub const BYTES: usize = 4 + 10 * 4 + 7 * 2;

    /// Condenses a state reading.
    pub fn from_state(s: &crate::State) -> Housekeeping {
        let temps = s.temperatures();
        let mut temperatures_c = [0.0f32; 7];
        for (t, v) in temperatures_c.iter_mut().zip(temps) {
            *t = *v as f32;
        }
        let r = s.rate_body_rad_s;
        Housekeeping {
            valid: s.valid as u8,
            flags: s.flags as u8,
            attitude_mode: s.attitude_mode.min(255) as u8,
            temperature_count: temps.len() as u8,
            battery_soc: s.battery_soc as f32,
            battery_energy_wh: s.battery_energy_wh as f32,
            solar_power_w: s.solar_power_w as f32,
            load_power_w: s.load_power_w as f32,
            lat_deg: s.lat_deg as f32,
            lon_deg: s.lon_deg as f32,
            alt_km: s.alt_km as f32,
            // |ω| = √(ωx² + ωy² + ωz²)
            rate_rad_s: (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]).sqrt() as f32,
            pointing_error_deg: s.pointing_error_deg as f32,
            illumination: s.illumination as f32,
            temperatures_c,
        }
    }

    /// Encodes the payload ([`Housekeeping::BYTES`] bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::BYTES);
        out.extend_from_slice(&[
            self.valid,
            self.flags,
            self.attitude_mode,
            self.temperature_count,
        ]);
        for v in [
            self.battery_soc,
            self.battery_energy_wh,
            self.solar_power_w,
            self.load_power_w,
            self.lat_deg,
            self.lon_deg,
            self.alt_km,
            self.rate_rad_s,
            self.pointing_error_deg,
            self.illumination,
        ] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        for t in self.temperatures_c {
            // centi-degrees, saturating at ±327.67 °C
            let c = (f64::from(t) * 100.0).round().clamp(-32768.0, 32767.0) as i16;
            out.extend_from_slice(&c.to_be_bytes());
        }
        out
    }

    /// Decodes a payload made by [`Housekeeping::encode`].
    pub fn decode(b: &[u8]) -> Result<Housekeeping, PacketError> {
        if b.len() != Self::BYTES {
            return Err(PacketError::PayloadLength {
                expected: Self::BYTES,
                found: b.len(),
            });
        }
        let f = |i: usize| {
            let o = 4 + 4 * i;
            f32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
        };
        let mut temperatures_c = [0.0f32; 7];
        for (i, t) in temperatures_c.iter_mut().enumerate() {
            let o = 44 + 2 * i;
            *t = f32::from(i16::from_be_bytes([b[o], b[o + 1]])) / 100.0;
        }
        Ok(Housekeeping {
            valid: b[0],
            flags: b[1],
            attitude_mode: b[2],
            temperature_count: b[3],
            battery_soc: f(0),
            battery_energy_wh: f(1),
            solar_power_w: f(2),
            load_power_w: f(3),
            lat_deg: f(4),
            lon_deg: f(5),
            alt_km: f(6),
            rate_rad_s: f(7),
            pointing_error_deg: f(8),
            illumination: f(9),
            temperatures_c,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_crc16_ccitt_false_check_value() {
        // the catalogue check value of CRC-16/CCITT-FALSE (a.k.a. CRC-16/IBM-3740)
        assert_eq!(crc16_ccitt(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt(b""), 0xFFFF);
    }

    /// Bit-by-bit reference, straight from the polynomial definition.
    fn crc16_bitwise(data: &[u8]) -> u16 {
        let mut crc = 0xFFFFu16;
        for &b in data {
            crc ^= u16::from(b) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ 0x1021
                } else {
                    crc << 1
                };
            }
        }
        crc
    }

    #[test]
    fn crc16_table_matches_bitwise_definition() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for n in [0, 1, 2, 17, 255, 1000] {
            assert_eq!(crc16_ccitt(&data[..n]), crc16_bitwise(&data[..n]));
        }
    }

    #[test]
    fn val_ccsds_primary_header_bits() {
        let p = SpacePacket {
            apid: 0x123,
            seq_count: 0x4005,
            time_unix_ns: 1,
            payload: b"ab",
        };
        let b = p.encode().unwrap();
        // 000 0 1 00100100011 = 0x0923; 11 + 14-bit count (0x4005 wraps to 5) = 0xC005;
        // data length = 8 + 2 + 2 − 1 = 11
        assert_eq!(&b[..6], &[0x09, 0x23, 0xC0, 0x05, 0x00, 0x0B]);
        assert_eq!(b.len(), 6 + 12);
        let d = SpacePacket::decode(&b).unwrap();
        assert_eq!(
            (d.apid, d.seq_count, d.time_unix_ns, d.payload),
            (0x123, 5, 1, &b"ab"[..])
        );
    }

    #[test]
    fn decode_rejects_every_single_bit_flip() {
        let p = SpacePacket {
            apid: 42,
            seq_count: 9,
            time_unix_ns: -5,
            payload: b"telemetry!",
        };
        let b = p.encode().unwrap();
        for i in 0..b.len() * 8 {
            let mut c = b.clone();
            c[i / 8] ^= 1 << (i % 8);
            assert!(SpacePacket::decode(&c).is_err(), "flip of bit {i} accepted");
        }
        assert_eq!(
            SpacePacket::decode(&b[..10]),
            Err(PacketError::TooShort { len: 10 })
        );
        assert!(matches!(
            SpacePacket::decode(&b[..b.len() - 1]),
            Err(PacketError::Length { .. })
        ));
    }

    #[test]
    fn encode_rejects_bad_apid_and_long_payload() {
        let p = SpacePacket {
            apid: 2047,
            seq_count: 0,
            time_unix_ns: 0,
            payload: b"",
        };
        assert_eq!(p.encode(), Err(PacketError::Apid { apid: 2047 }));
        let big = vec![0u8; MAX_PAYLOAD_BYTES + 1];
        let p = SpacePacket {
            apid: 1,
            seq_count: 0,
            time_unix_ns: 0,
            payload: &big,
        };
        assert!(matches!(
            p.encode(),
            Err(PacketError::PayloadTooLong { .. })
        ));
        let max = vec![0u8; MAX_PAYLOAD_BYTES];
        let p = SpacePacket {
            apid: 1,
            seq_count: 0,
            time_unix_ns: 0,
            payload: &max,
        };
        let b = p.encode().unwrap();
        assert_eq!(b.len(), 65536 + PRIMARY_HEADER_BYTES);
        assert_eq!(
            SpacePacket::decode(&b).unwrap().payload.len(),
            MAX_PAYLOAD_BYTES
        );
    }

    #[test]
    fn housekeeping_round_trip() {
        let mut b = [0u8; crate::STATE_V1_SIZE];
        b[8] = 0x1F;
        b[12] = 0x03;
        b[212] = 3;
        let put = |b: &mut [u8], o: usize, v: f64| b[o..o + 8].copy_from_slice(&v.to_le_bytes());
        put(&mut b, 64, 45.25);
        put(&mut b, 72, -120.5);
        put(&mut b, 80, 512.0);
        put(&mut b, 120, 0.03);
        put(&mut b, 128, 0.04);
        put(&mut b, 176, 0.8125);
        put(&mut b, 224, 21.37);
        put(&mut b, 232, -4.5);
        put(&mut b, 240, 500.0);
        let s = crate::State::from_bytes(&b);
        let hk = Housekeeping::from_state(&s);
        assert!((hk.rate_rad_s - 0.05).abs() < 1e-7);
        let bytes = hk.encode();
        assert_eq!(bytes.len(), Housekeeping::BYTES);
        let back = Housekeeping::decode(&bytes).unwrap();
        assert_eq!(back.temperature_count, 3);
        assert_eq!(back.battery_soc, 0.8125);
        assert_eq!(back.lat_deg, 45.25);
        assert_eq!(back.temperatures_c[0], 21.37);
        assert_eq!(back.temperatures_c[1], -4.5);
        assert_eq!(back.temperatures_c[2], 327.67, "saturates");
        assert_eq!(back.temperatures_c[3], 0.0);
        assert_eq!(
            Housekeeping::decode(&bytes[1..]),
            Err(PacketError::PayloadLength {
                expected: 58,
                found: 57
            })
        );
    }
}
