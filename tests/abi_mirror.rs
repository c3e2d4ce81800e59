//! The guest SDK (`skytwin-guest`, built by Rust 1.63 for wasm32 with no dependencies) and the
//! host (`sim-core`) each spell out the ABI v1 constants and the `st_state_v1` layout of
//! docs/abi.md; they cannot share code. These tests hold the two copies together: every error
//! code, event bit, validity and flag bit, structure size, and a state encoded by the host
//! and decoded by the SDK field for field.

use sim_core::abi_codes as host;
use sim_core::state as host_state;
use skytwin_guest::error::{self as guest_error, Error};
use skytwin_guest::state::{self as guest_state, State};
use skytwin_guest::{Event, camera, downlink};

#[test]
fn regress_error_codes_agree() {
    let pairs = [
        (guest_error::ST_EFAULT, host::ST_EFAULT),
        (guest_error::ST_EINVAL, host::ST_EINVAL),
        (guest_error::ST_ENOSPC, host::ST_ENOSPC),
        (guest_error::ST_EAGAIN, host::ST_EAGAIN),
        (guest_error::ST_E2BIG, host::ST_E2BIG),
        (guest_error::ST_EUNAVAIL, host::ST_EUNAVAIL),
        (guest_error::ST_ERATE, host::ST_ERATE),
        (guest_error::ST_ENOTFOUND, host::ST_ENOTFOUND),
        (guest_error::ST_EWOULDBLOCK, host::ST_EWOULDBLOCK),
    ];
    for (guest, host) in pairs {
        assert_eq!(guest, host);
    }
    // the SDK's typed errors map onto exactly those codes, in that order
    let codes: Vec<i64> = Error::ALL.iter().map(|e| e.code()).collect();
    let host_codes: Vec<i64> = pairs.iter().map(|&(_, h)| i64::from(h)).collect();
    assert_eq!(codes, host_codes);
    for (e, &(_, h)) in Error::ALL.iter().zip(&pairs) {
        assert_eq!(Error::from_code(i64::from(h)), Some(*e));
    }
}

#[test]
fn regress_event_bits_agree() {
    let host_bits = [
        host::EV_COMMAND,
        host::EV_ISL,
        host::EV_CONTACT_START,
        host::EV_CONTACT_END,
        host::EV_SUNLIT,
        host::EV_ECLIPSE,
        host::EV_AOI_ENTER,
        host::EV_AOI_EXIT,
        host::EV_DOWNLINK_DONE,
        host::EV_TIMER,
        host::EV_RESUMED,
        host::EV_START,
        host::EV_STOP,
    ];
    assert_eq!(Event::NAMED.len(), host_bits.len());
    for ((event, name), bit) in Event::NAMED.iter().zip(host_bits) {
        assert_eq!(event.bits() as u32, bit, "{name}");
    }
    assert_eq!(Event::ALL.bits() as u32, host::EV_ALL);
    assert_eq!(host_bits.iter().fold(0, |a, b| a | b), host::EV_ALL);
}

#[test]
fn regress_state_bits_and_sizes_agree() {
    assert_eq!(guest_state::valid::GNSS, host_state::VALID_GNSS);
    assert_eq!(guest_state::valid::ATTITUDE, host_state::VALID_ATTITUDE);
    assert_eq!(guest_state::valid::SUN_SENSOR, host_state::VALID_SUN);
    assert_eq!(guest_state::valid::POWER, host_state::VALID_POWER);
    assert_eq!(guest_state::valid::THERMAL, host_state::VALID_THERMAL);
    assert_eq!(guest_state::flags::SUNLIT, host_state::FLAG_SUNLIT);
    assert_eq!(guest_state::flags::CONTACT, host_state::FLAG_CONTACT);
    assert_eq!(guest_state::flags::SAFE_MODE, host_state::FLAG_SAFE_MODE);
    assert_eq!(guest_state::flags::OVER_AOI, host_state::FLAG_OVER_AOI);
    assert_eq!(guest_state::STATE_V1_SIZE, host_state::STATE_V1_SIZE);
    assert_eq!(
        guest_state::STATE_V1_TEMPERATURES,
        host_state::STATE_V1_TEMPERATURES
    );
    assert_eq!(camera::CAMERA_INFO_V1_SIZE, host::CAMERA_INFO_V1_SIZE);
    assert_eq!(camera::IMAGE_META_V1_SIZE, host::IMAGE_META_V1_SIZE);
    assert_eq!(
        downlink::DOWNLINK_STATS_V1_SIZE,
        host::DOWNLINK_STATS_V1_SIZE
    );
}

/// A snapshot with a different value in every field (all sensors valid), and `nodes`
/// temperatures.
fn snapshot(nodes: usize) -> host_state::StateSnapshot {
    let mut k = 0.0;
    let mut next = || {
        k += 1.0;
        k * 1.25
    };
    host_state::StateSnapshot {
        time_unix_ns: 1_516_485_853_123_456_789,
        valid: host_state::VALID_GNSS
            | host_state::VALID_ATTITUDE
            | host_state::VALID_SUN
            | host_state::VALID_POWER
            | host_state::VALID_THERMAL,
        flags: host_state::FLAG_SUNLIT | host_state::FLAG_OVER_AOI,
        pos_eci_km: [next(), next(), next()],
        vel_eci_km_s: [next(), next(), next()],
        lat_deg: next(),
        lon_deg: next(),
        alt_km: next(),
        q_body_from_eci: [next(), next(), next(), next()],
        rate_body_rad_s: [next(), next(), next()],
        sun_body_unit: [next(), next(), next()],
        illumination: next(),
        battery_soc: next(),
        battery_energy_wh: next(),
        solar_power_w: next(),
        load_power_w: next(),
        attitude_mode: 3,
        pointing_error_deg: next(),
        temperatures_c: (0..nodes)
            .map(|i| (format!("node{i}").into(), next()))
            .collect(),
    }
}

#[test]
fn regress_host_encoding_decodes_field_for_field_in_the_sdk() {
    for nodes in [0, 3, 7, 9] {
        let snap = snapshot(nodes);
        let s = State::from_bytes(&snap.encode_v1());
        assert_eq!(s.time_unix_ns, snap.time_unix_ns);
        assert_eq!(s.valid, snap.valid);
        assert_eq!(s.flags, snap.flags);
        assert_eq!(s.pos_eci_km, snap.pos_eci_km);
        assert_eq!(s.vel_eci_km_s, snap.vel_eci_km_s);
        assert_eq!(s.lat_deg, snap.lat_deg);
        assert_eq!(s.lon_deg, snap.lon_deg);
        assert_eq!(s.alt_km, snap.alt_km);
        assert_eq!(s.q_body_from_eci, snap.q_body_from_eci);
        assert_eq!(s.rate_body_rad_s, snap.rate_body_rad_s);
        assert_eq!(s.sun_body_unit, snap.sun_body_unit);
        assert_eq!(s.illumination, snap.illumination);
        assert_eq!(s.battery_soc, snap.battery_soc);
        assert_eq!(s.battery_energy_wh, snap.battery_energy_wh);
        assert_eq!(s.solar_power_w, snap.solar_power_w);
        assert_eq!(s.load_power_w, snap.load_power_w);
        assert_eq!(s.attitude_mode, snap.attitude_mode);
        assert_eq!(s.pointing_error_deg, snap.pointing_error_deg);
        let filled = nodes.min(guest_state::STATE_V1_TEMPERATURES);
        assert_eq!(s.temperature_count as usize, filled, "{nodes} nodes");
        for i in 0..guest_state::STATE_V1_TEMPERATURES {
            let want = snap.temperatures_c.get(i).filter(|_| i < filled);
            assert_eq!(s.temperatures_c[i], want.map_or(0.0, |t| t.1), "node {i}");
        }
    }
}
