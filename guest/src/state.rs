//! The satellite's state as its sensors report it: `st_state_v1` (`docs/abi.md`
//! "Satellite state"), decoded field by field from its little-endian byte layout.

use crate::bytes::{f64_at, f64s_at, i64_at, u32_at};

/// Size of `st_state_v1` in bytes.
pub const STATE_V1_SIZE: usize = 280;
/// How many temperatures `st_state_v1` carries.
pub const STATE_V1_TEMPERATURES: usize = 7;

/// Bits of [`State::valid`]: which sensors reported.
pub mod valid {
    /// GNSS receiver (position, velocity, latitude, longitude, altitude).
    pub const GNSS: u32 = 1 << 0;
    /// Attitude determination (star tracker / gyro): quaternion and rates.
    pub const ATTITUDE: u32 = 1 << 1;
    /// Sun sensor: `sun_body_unit`, `illumination`.
    pub const SUN_SENSOR: u32 = 1 << 2;
    /// Power monitor: battery and power fields.
    pub const POWER: u32 = 1 << 3;
    /// Thermistors: temperatures.
    pub const THERMAL: u32 = 1 << 4;
}

/// Bits of [`State::flags`].
pub mod flags {
    /// Sunlit (illumination > 0).
    pub const SUNLIT: u32 = 1 << 0;
    /// In ground contact.
    pub const CONTACT: u32 = 1 << 1;
    /// In safe mode.
    pub const SAFE_MODE: u32 = 1 << 2;
    /// The sub-satellite point is over an area of interest.
    pub const OVER_AOI: u32 = 1 << 3;
}

/// Attitude modes of `attitude_request` and [`State::attitude_mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttitudeMode {
    /// 0: camera boresight (body +z) to nadir.
    Nadir,
    /// 1: the main solar array's normal to the Sun.
    Sun,
    /// 2: hold an inertial attitude `q_body_from_eci`.
    Inertial,
    /// 3: track a ground point.
    Target,
}

impl AttitudeMode {
    /// The ABI number of the mode.
    pub fn code(self) -> i32 {
        match self {
            AttitudeMode::Nadir => 0,
            AttitudeMode::Sun => 1,
            AttitudeMode::Inertial => 2,
            AttitudeMode::Target => 3,
        }
    }

    /// The mode for an ABI number, `None` for one unknown to v1.
    pub fn from_code(code: u32) -> Option<AttitudeMode> {
        match code {
            0 => Some(AttitudeMode::Nadir),
            1 => Some(AttitudeMode::Sun),
            2 => Some(AttitudeMode::Inertial),
            3 => Some(AttitudeMode::Target),
            _ => None,
        }
    }
}

/// `st_state_v1`: the satellite's state as its sensors report it (with their noise and
/// bias). A sensor in dropout clears its bit in `valid` and its fields read as zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    /// Simulated UTC time of the reading, ns since 1970-01-01 (POSIX).
    pub time_unix_ns: i64,
    /// Sensor validity bits, see [`valid`].
    pub valid: u32,
    /// Status bits, see [`flags`].
    pub flags: u32,
    /// Position in ECI (TEME of date), km.
    pub pos_eci_km: [f64; 3],
    /// Velocity in ECI (TEME of date), km/s.
    pub vel_eci_km_s: [f64; 3],
    /// WGS-84 geodetic latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees (−180…180).
    pub lon_deg: f64,
    /// Altitude above the WGS-84 ellipsoid, km.
    pub alt_km: f64,
    /// Attitude quaternion (w, x, y, z) rotating ECI vectors into the body frame.
    pub q_body_from_eci: [f64; 4],
    /// Body angular rate, rad/s.
    pub rate_body_rad_s: [f64; 3],
    /// Unit vector to the Sun in the body frame (zero in eclipse).
    pub sun_body_unit: [f64; 3],
    /// Illumination: 0 umbra … 1 full sun.
    pub illumination: f64,
    /// Battery state of charge, 0…1.
    pub battery_soc: f64,
    /// Battery stored energy, Wh.
    pub battery_energy_wh: f64,
    /// Solar array output power, W.
    pub solar_power_w: f64,
    /// Total load power, W.
    pub load_power_w: f64,
    /// Current attitude mode (raw; see [`State::attitude`]).
    pub attitude_mode: u32,
    /// How many of `temperatures_c` are filled (≤ 7; a satellite may have more nodes).
    pub temperature_count: u32,
    /// Angle between the requested and the actual boresight, degrees.
    pub pointing_error_deg: f64,
    /// Temperatures of the first 7 thermal nodes, °C (names by `temperature_name`).
    pub temperatures_c: [f64; STATE_V1_TEMPERATURES],
}

impl State {
    /// Decodes an `st_state_v1` from its 280 little-endian bytes.
    pub fn from_bytes(b: &[u8; STATE_V1_SIZE]) -> State {
        State {
            time_unix_ns: i64_at(b, 0),
            valid: u32_at(b, 8),
            flags: u32_at(b, 12),
            pos_eci_km: f64s_at(b, 16),
            vel_eci_km_s: f64s_at(b, 40),
            lat_deg: f64_at(b, 64),
            lon_deg: f64_at(b, 72),
            alt_km: f64_at(b, 80),
            q_body_from_eci: f64s_at(b, 88),
            rate_body_rad_s: f64s_at(b, 120),
            sun_body_unit: f64s_at(b, 144),
            illumination: f64_at(b, 168),
            battery_soc: f64_at(b, 176),
            battery_energy_wh: f64_at(b, 184),
            solar_power_w: f64_at(b, 192),
            load_power_w: f64_at(b, 200),
            attitude_mode: u32_at(b, 208),
            temperature_count: u32_at(b, 212),
            pointing_error_deg: f64_at(b, 216),
            temperatures_c: f64s_at(b, 224),
        }
    }

    /// Whether every sensor bit in `mask` (see [`valid`]) is set.
    pub fn is_valid(&self, mask: u32) -> bool {
        self.valid & mask == mask
    }

    /// Whether the satellite is sunlit (illumination > 0).
    pub fn is_sunlit(&self) -> bool {
        self.flags & flags::SUNLIT != 0
    }

    /// Whether a ground contact is in progress.
    pub fn in_contact(&self) -> bool {
        self.flags & flags::CONTACT != 0
    }

    /// Whether the satellite is in safe mode.
    pub fn in_safe_mode(&self) -> bool {
        self.flags & flags::SAFE_MODE != 0
    }

    /// Whether the sub-satellite point is over an area of interest.
    pub fn over_aoi(&self) -> bool {
        self.flags & flags::OVER_AOI != 0
    }

    /// The current attitude mode, `None` for a mode unknown to v1.
    pub fn attitude(&self) -> Option<AttitudeMode> {
        AttitudeMode::from_code(self.attitude_mode)
    }

    /// The reported temperatures (°C): `min(temperature_count, 7)` values, empty when the
    /// thermal reading is invalid.
    pub fn temperatures(&self) -> &[f64] {
        if !self.is_valid(valid::THERMAL) {
            return &[];
        }
        let n = (self.temperature_count as usize).min(STATE_V1_TEMPERATURES);
        &self.temperatures_c[..n]
    }

    /// Net power into the battery, W (solar minus load; negative when discharging).
    pub fn net_power_w(&self) -> f64 {
        self.solar_power_w - self.load_power_w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(b: &mut [u8], offset: usize, bytes: &[u8]) {
        b[offset..offset + bytes.len()].copy_from_slice(bytes);
    }

    /// Builds a buffer field by field at the offsets of the table in docs/abi.md.
    #[test]
    fn val_abi_state_offsets() {
        let mut b = [0u8; STATE_V1_SIZE];
        put(&mut b, 0, &1_700_000_000_123_456_789i64.to_le_bytes());
        put(&mut b, 8, &0b11111u32.to_le_bytes());
        put(&mut b, 12, &0b1001u32.to_le_bytes());
        for i in 0..3 {
            put(&mut b, 16 + 8 * i, &(7000.0 + i as f64).to_le_bytes());
            put(&mut b, 40 + 8 * i, &(7.5 - i as f64).to_le_bytes());
            put(&mut b, 120 + 8 * i, &(0.001 * i as f64).to_le_bytes());
            put(
                &mut b,
                144 + 8 * i,
                &(if i == 2 { 1.0f64 } else { 0.0 }).to_le_bytes(),
            );
        }
        put(&mut b, 64, &51.5f64.to_le_bytes());
        put(&mut b, 72, &(-0.12f64).to_le_bytes());
        put(&mut b, 80, &500.25f64.to_le_bytes());
        for (i, q) in [0.5f64, -0.5, 0.5, -0.5].iter().enumerate() {
            put(&mut b, 88 + 8 * i, &q.to_le_bytes());
        }
        put(&mut b, 168, &1.0f64.to_le_bytes());
        put(&mut b, 176, &0.875f64.to_le_bytes());
        put(&mut b, 184, &70.0f64.to_le_bytes());
        put(&mut b, 192, &21.5f64.to_le_bytes());
        put(&mut b, 200, &9.25f64.to_le_bytes());
        put(&mut b, 208, &3u32.to_le_bytes());
        put(&mut b, 212, &9u32.to_le_bytes());
        put(&mut b, 216, &0.75f64.to_le_bytes());
        for i in 0..7 {
            put(&mut b, 224 + 8 * i, &(-10.0 + 5.0 * i as f64).to_le_bytes());
        }
        let s = State::from_bytes(&b);
        assert_eq!(s.time_unix_ns, 1_700_000_000_123_456_789);
        assert_eq!(s.valid, 0b11111);
        assert!(s.is_sunlit() && s.over_aoi() && !s.in_contact() && !s.in_safe_mode());
        assert_eq!(s.pos_eci_km, [7000.0, 7001.0, 7002.0]);
        assert_eq!(s.vel_eci_km_s, [7.5, 6.5, 5.5]);
        assert_eq!((s.lat_deg, s.lon_deg, s.alt_km), (51.5, -0.12, 500.25));
        assert_eq!(s.q_body_from_eci, [0.5, -0.5, 0.5, -0.5]);
        assert_eq!(s.rate_body_rad_s, [0.0, 0.001, 0.002]);
        assert_eq!(s.sun_body_unit, [0.0, 0.0, 1.0]);
        assert_eq!(s.illumination, 1.0);
        assert_eq!(s.battery_soc, 0.875);
        assert_eq!(s.battery_energy_wh, 70.0);
        assert_eq!(s.net_power_w(), 12.25);
        assert_eq!(s.attitude(), Some(AttitudeMode::Target));
        assert_eq!(s.temperature_count, 9);
        assert_eq!(s.pointing_error_deg, 0.75);
        // 9 nodes, only the first 7 fit in v1
        assert_eq!(s.temperatures(), &[-10.0, -5.0, 0.0, 5.0, 10.0, 15.0, 20.0]);
    }

    #[test]
    fn temperatures_follow_count_and_validity() {
        let mut b = [0u8; STATE_V1_SIZE];
        b[8] = valid::THERMAL as u8;
        b[212] = 2;
        b[224..232].copy_from_slice(&12.5f64.to_le_bytes());
        let s = State::from_bytes(&b);
        assert_eq!(s.temperatures(), &[12.5, 0.0]);
        b[8] = 0;
        assert!(State::from_bytes(&b).temperatures().is_empty());
        assert_eq!(State::from_bytes(&b).attitude(), Some(AttitudeMode::Nadir));
        b[208] = 9;
        assert_eq!(State::from_bytes(&b).attitude(), None);
    }
}
