//! What the apps see of their satellite: the `st_state_v1` snapshot built from the sensor
//! readings (GNSS, gyro, Sun sensor, thermistors) and the power monitor at the start of a step.

use std::sync::Arc;

use hardware_models::sensors::SensorReadings;
use hardware_models::thermal::ThermalNodeParams;
use hifitime::Epoch;
use nalgebra::UnitQuaternion;
use orbit::{EarthRotation, itrf_to_geodetic};

use crate::state::{
    FLAG_CONTACT, FLAG_OVER_AOI, FLAG_SAFE_MODE, FLAG_SUNLIT, STATE_V1_TEMPERATURES, StateSnapshot,
    VALID_ATTITUDE, VALID_GNSS, VALID_POWER, VALID_SUN, VALID_THERMAL,
};
use crate::time::epoch_to_unix_ns;

/// Everything the snapshot is made of.
pub(crate) struct SensorView<'a> {
    /// The sensors' readings of this step.
    pub readings: &'a SensorReadings,
    /// The thermal network's nodes (names of the temperatures).
    pub thermal_nodes: &'a [ThermalNodeParams],
    /// Start of the step.
    pub t: Epoch,
    /// The TEME → ITRF rotation at `t`.
    pub earth: &'a EarthRotation,
    /// True attitude at t (attitude knowledge is ideal: there is no star-tracker model).
    pub q0_body_from_eci: UnitQuaternion<f64>,
    /// Battery state of charge at t.
    pub battery_soc: f64,
    /// Battery energy at t, Wh.
    pub battery_energy_wh: f64,
    /// Solar array power of the previous step, W.
    pub solar_power_w: f64,
    /// Load power of the previous step, W.
    pub load_power_w: f64,
    /// The attitude mode apps asked for (ABI number).
    pub attitude_mode: u32,
    /// Attitude error at the end of the previous step, rad.
    pub attitude_error_rad: f64,
    /// Illumination at t, 0…1.
    pub illumination: f64,
    pub over_area: bool,
    pub in_contact: bool,
    pub safe_mode: bool,
}

/// Writes the `st_state_v1` snapshot of a [`SensorView`] into `s` (reusing its allocation:
/// this runs every step; `s` is one satellite's, filled before from the same thermal nodes or
/// new): the power monitor is always valid, the other sensors when they gave
/// a reading (the thermistors when all did); the GNSS position is also given as geodetic
/// latitude, longitude and altitude.
pub(crate) fn sensor_snapshot_into(v: &SensorView<'_>, s: &mut StateSnapshot) {
    let mut temperatures_c = std::mem::take(&mut s.temperatures_c);
    *s = StateSnapshot {
        time_unix_ns: epoch_to_unix_ns(v.t),
        attitude_mode: v.attitude_mode,
        battery_soc: v.battery_soc,
        battery_energy_wh: v.battery_energy_wh,
        solar_power_w: v.solar_power_w,
        load_power_w: v.load_power_w,
        illumination: v.illumination,
        valid: VALID_POWER,
        ..StateSnapshot::default()
    };
    s.flags = if v.illumination > 0.0 { FLAG_SUNLIT } else { 0 }
        | if v.in_contact { FLAG_CONTACT } else { 0 }
        | if v.safe_mode { FLAG_SAFE_MODE } else { 0 }
        | if v.over_area { FLAG_OVER_AOI } else { 0 };
    let readings = v.readings;
    if let Some(fix) = &readings.gnss {
        s.valid |= VALID_GNSS;
        s.pos_eci_km = fix.pos_eci_km.into();
        s.vel_eci_km_s = fix.vel_eci_km_s.into();
        let g = itrf_to_geodetic(&v.earth.itrf_position_from_teme(&fix.pos_eci_km));
        s.lat_deg = g.lat_rad.to_degrees();
        s.lon_deg = g.lon_rad.to_degrees();
        s.alt_km = g.alt_km;
    }
    if let Some(w) = readings.omega_body_rad_s {
        // Attitude knowledge is ideal (no star-tracker model); the rates are the gyro's.
        let q0 = v.q0_body_from_eci;
        s.valid |= VALID_ATTITUDE;
        s.q_body_from_eci = [q0.w, q0.i, q0.j, q0.k];
        s.rate_body_rad_s = w.into();
        s.pointing_error_deg = v.attitude_error_rad.to_degrees();
    }
    if let Some(d) = readings.sun_dir_body {
        s.valid |= VALID_SUN;
        s.sun_body_unit = d.into();
    }
    if readings.temps_k.iter().all(Option::is_some) && !readings.temps_k.is_empty() {
        s.valid |= VALID_THERMAL;
    }
    let nodes = v.thermal_nodes.iter().zip(&readings.temps_k);
    let count = (v.thermal_nodes.len())
        .min(readings.temps_k.len())
        .min(STATE_V1_TEMPERATURES);
    let celsius = |t: &Option<f64>| t.map_or(0.0, |k| k - 273.15);
    // A satellite's thermal nodes never change: the names are written the first time only
    // (comparing them every step read six cold strings per satellite).
    if temperatures_c.len() == count {
        debug_assert!(
            temperatures_c
                .iter()
                .zip(v.thermal_nodes)
                .all(|((a, _), b)| **a == *b.name)
        );
        for ((_, value), (_, t)) in temperatures_c.iter_mut().zip(nodes) {
            *value = celsius(t);
        }
    } else {
        temperatures_c.clear();
        temperatures_c.extend(
            nodes
                .take(count)
                .map(|(n, t)| (Arc::from(n.name.as_str()), celsius(t))),
        );
    }
    s.temperatures_c = temperatures_c;
}
