//! The satellite's state as its sensors report it (`st_state_v1`), and the conditions that
//! drive schedules and events.

use std::collections::BTreeSet;
use std::sync::Arc;

/// `valid` bit: GNSS position/velocity.
pub const VALID_GNSS: u32 = 1 << 0;
/// `valid` bit: attitude (star tracker / gyro).
pub const VALID_ATTITUDE: u32 = 1 << 1;
/// `valid` bit: sun sensor.
pub const VALID_SUN: u32 = 1 << 2;
/// `valid` bit: power monitor.
pub const VALID_POWER: u32 = 1 << 3;
/// `valid` bit: thermistors.
pub const VALID_THERMAL: u32 = 1 << 4;

/// `flags` bit: sunlit (illumination > 0).
pub const FLAG_SUNLIT: u32 = 1 << 0;
/// `flags` bit: in ground contact.
pub const FLAG_CONTACT: u32 = 1 << 1;
/// `flags` bit: safe mode.
pub const FLAG_SAFE_MODE: u32 = 1 << 2;
/// `flags` bit: over an area of interest.
pub const FLAG_OVER_AOI: u32 = 1 << 3;

/// Size of `st_state_v1` in bytes.
pub const STATE_V1_SIZE: usize = 280;
/// Thermal nodes carried in `st_state_v1`.
pub const STATE_V1_TEMPERATURES: usize = 7;

/// The sensor view of the satellite, laid out by [`StateSnapshot::encode_v1`] as `st_state_v1`
/// (docs/abi.md). Angles in degrees here because this is the wire format the guest reads.
#[derive(Debug, PartialEq, Default)]
pub struct StateSnapshot {
    /// Sample time, POSIX ns (the start of the step).
    pub time_unix_ns: i64,
    /// `VALID_*` bits.
    pub valid: u32,
    /// `FLAG_*` bits.
    pub flags: u32,
    /// Position, ECI (TEME of date), km.
    pub pos_eci_km: [f64; 3],
    /// Velocity, ECI (TEME of date), km/s.
    pub vel_eci_km_s: [f64; 3],
    /// WGS-84 geodetic latitude, degrees.
    pub lat_deg: f64,
    /// Longitude, degrees, −180…180.
    pub lon_deg: f64,
    /// Altitude above the WGS-84 ellipsoid, km.
    pub alt_km: f64,
    /// Attitude quaternion `(w, x, y, z)` rotating ECI vectors into the body frame.
    pub q_body_from_eci: [f64; 4],
    /// Body rates, rad/s.
    pub rate_body_rad_s: [f64; 3],
    /// Unit vector to the Sun in the body frame (zero in eclipse).
    pub sun_body_unit: [f64; 3],
    /// Illumination, 0 (umbra) … 1 (full sun).
    pub illumination: f64,
    /// Battery state of charge, 0…1.
    pub battery_soc: f64,
    /// Battery energy, Wh.
    pub battery_energy_wh: f64,
    /// Solar array power, W.
    pub solar_power_w: f64,
    /// Total load power, W.
    pub load_power_w: f64,
    /// Current attitude mode (see `attitude_request`).
    pub attitude_mode: u32,
    /// Angle between requested and actual boresight, degrees.
    pub pointing_error_deg: f64,
    /// Thermal nodes: name and temperature in °C (the first 7 are encoded). The names are
    /// shared: a satellite's nodes never change, and the snapshot is copied every step.
    pub temperatures_c: Vec<(Arc<str>, f64)>,
}

impl Clone for StateSnapshot {
    fn clone(&self) -> Self {
        Self {
            temperatures_c: self.temperatures_c.clone(),
            ..*self
        }
    }

    /// Keeps the node names when they are the same ones (the computer copies the snapshot into
    /// the app bus every step, from the same nodes).
    fn clone_from(&mut self, o: &Self) {
        let mut temperatures_c = std::mem::take(&mut self.temperatures_c);
        temperatures_c.truncate(o.temperatures_c.len());
        let kept = temperatures_c.len();
        for ((name, c), (src_name, src_c)) in temperatures_c.iter_mut().zip(&o.temperatures_c) {
            if !Arc::ptr_eq(name, src_name) {
                name.clone_from(src_name);
            }
            *c = *src_c;
        }
        temperatures_c.extend_from_slice(&o.temperatures_c[kept..]);
        *self = Self {
            temperatures_c,
            ..*o
        };
    }
}

impl StateSnapshot {
    /// Encodes `st_state_v1` (little-endian, 280 bytes). Invalid sensors are zeroed.
    pub fn encode_v1(&self) -> [u8; STATE_V1_SIZE] {
        let mut b = [0u8; STATE_V1_SIZE];
        let mut put = |off: usize, bytes: &[u8]| {
            if let Some(dst) = b.get_mut(off..off + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
        };
        let v = |bit: u32, x: f64| if self.valid & bit != 0 { x } else { 0.0 };
        put(0, &self.time_unix_ns.to_le_bytes());
        put(8, &self.valid.to_le_bytes());
        put(12, &self.flags.to_le_bytes());
        for i in 0..3 {
            put(16 + 8 * i, &v(VALID_GNSS, self.pos_eci_km[i]).to_le_bytes());
            put(
                40 + 8 * i,
                &v(VALID_GNSS, self.vel_eci_km_s[i]).to_le_bytes(),
            );
        }
        put(64, &v(VALID_GNSS, self.lat_deg).to_le_bytes());
        put(72, &v(VALID_GNSS, self.lon_deg).to_le_bytes());
        put(80, &v(VALID_GNSS, self.alt_km).to_le_bytes());
        for i in 0..4 {
            put(
                88 + 8 * i,
                &v(VALID_ATTITUDE, self.q_body_from_eci[i]).to_le_bytes(),
            );
        }
        for i in 0..3 {
            put(
                120 + 8 * i,
                &v(VALID_ATTITUDE, self.rate_body_rad_s[i]).to_le_bytes(),
            );
            put(
                144 + 8 * i,
                &v(VALID_SUN, self.sun_body_unit[i]).to_le_bytes(),
            );
        }
        put(168, &v(VALID_SUN, self.illumination).to_le_bytes());
        put(176, &v(VALID_POWER, self.battery_soc).to_le_bytes());
        put(184, &v(VALID_POWER, self.battery_energy_wh).to_le_bytes());
        put(192, &v(VALID_POWER, self.solar_power_w).to_le_bytes());
        put(200, &v(VALID_POWER, self.load_power_w).to_le_bytes());
        put(208, &self.attitude_mode.to_le_bytes());
        let n = self.temperatures_c.len().min(STATE_V1_TEMPERATURES);
        put(212, &(n as u32).to_le_bytes());
        put(
            216,
            &v(VALID_ATTITUDE, self.pointing_error_deg).to_le_bytes(),
        );
        for (i, (_, t)) in self.temperatures_c.iter().take(n).enumerate() {
            put(224 + 8 * i, &v(VALID_THERMAL, *t).to_le_bytes());
        }
        b
    }
}

/// The satellite's true situation during a step, as the hypervisor sees it (not through the
/// sensors): what schedules are evaluated on and what event edges are derived from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conditions {
    /// Illumination > 0.
    pub sunlit: bool,
    /// At least one ground station is in contact.
    pub in_contact: bool,
    /// Names of the areas of interest the satellite is over now.
    pub areas: BTreeSet<String>,
    /// Battery state of charge, 0…1.
    pub battery_soc: f64,
    /// Local solar time at the sub-satellite point, hours (0..24).
    pub local_solar_time_h: f64,
    /// The satellite is in safe mode.
    pub safe_mode: bool,
}
