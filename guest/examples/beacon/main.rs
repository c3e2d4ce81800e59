//! beacon: a housekeeping telemetry packet every period (default 60 s), queued for downlink.
//!
//! Each packet is a CCSDS space packet (APID 100) carrying the satellite state condensed to
//! 58 bytes, protected by a CRC-16/CCITT ([`skytwin_guest::packet`]). The app heartbeats
//! while it waits, answers the commands `period SECONDS` and `now`, and logs its downlink
//! totals at every contact start.
//!
//! Usage (app arguments): `beacon [--period SECONDS] [--priority 0..7]`

use skytwin_guest::downlink;
use skytwin_guest::packet::{Housekeeping, SpacePacket};
use skytwin_guest::{self as st, Event, NS_PER_S};

/// APID of the beacon's packets.
const APID: u16 = 100;
/// Longest wait between heartbeats, ns (keeps the heartbeat watchdog quiet).
const HEARTBEAT_NS: i64 = 10 * NS_PER_S;

struct Beacon {
    period_ns: i64,
    priority: u8,
    seq: u16,
    queued: u64,
    failed: u64,
}

impl Beacon {
    fn from_args() -> Beacon {
        let mut b = Beacon {
            period_ns: 60 * NS_PER_S,
            priority: 1,
            seq: 0,
            queued: 0,
            failed: 0,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let value = args.get(i + 1).and_then(|v| v.parse::<f64>().ok());
            match (args[i].as_str(), value) {
                ("--period", Some(s)) if s >= 1.0 => b.period_ns = (s * 1e9) as i64,
                ("--priority", Some(p)) if (0.0..=7.0).contains(&p) => b.priority = p as u8,
                (other, _) => st::warn!("ignoring argument {other:?}"),
            }
            i += 2;
        }
        b
    }

    /// Reads the state and queues one packet.
    fn send(&mut self) {
        let s = match st::state() {
            Ok(s) => s,
            Err(e) => {
                st::warn!("state unavailable: {e}");
                return;
            }
        };
        let payload = Housekeeping::from_state(&s).encode();
        let packet = SpacePacket {
            apid: APID,
            seq_count: self.seq,
            time_unix_ns: s.time_unix_ns,
            payload: &payload,
        };
        let bytes = match packet.encode() {
            Ok(b) => b,
            Err(e) => {
                st::error!("packet: {e}");
                return;
            }
        };
        match downlink::queue(&bytes, self.priority) {
            Ok(_) => self.queued += 1,
            Err(e) => {
                self.failed += 1;
                st::warn!("packet {} not queued: {e}", self.seq);
            }
        }
        if self.seq % 60 == 0 {
            st::info!(
                "packet {}: soc {:.1} %, {:.1} W in, {:.1} W out, lat {:.2} lon {:.2}",
                self.seq,
                100.0 * s.battery_soc,
                s.solar_power_w,
                s.load_power_w,
                s.lat_deg,
                s.lon_deg
            );
        }
        self.seq = (self.seq + 1) & 0x3FFF;
    }

    /// Handles queued commands; returns true if one asks for a packet now.
    fn commands(&mut self) -> bool {
        let mut now = false;
        while let Ok(Some(cmd)) = st::commands::recv() {
            let text = String::from_utf8_lossy(&cmd);
            let mut words = text.split_whitespace();
            match (
                words.next(),
                words.next().and_then(|v| v.parse::<f64>().ok()),
            ) {
                (Some("period"), Some(s)) if s >= 1.0 => {
                    self.period_ns = (s * 1e9) as i64;
                    st::info!("period now {s} s");
                }
                (Some("now"), _) => now = true,
                _ => st::warn!("unknown command {text:?}"),
            }
        }
        now
    }
}

fn main() {
    let mut b = Beacon::from_args();
    let id = st::identity().unwrap_or_else(|_| "?".to_string());
    st::info!(
        "beacon {id}: APID {APID}, one packet every {} s, priority {}",
        b.period_ns as f64 / 1e9,
        b.priority
    );
    let mut next = st::time_now();
    loop {
        st::heartbeat();
        let now = st::time_now();
        if now >= next {
            b.send();
            // the next slot on the period grid after now (skips slots missed while suspended)
            next += b.period_ns * ((now - next) / b.period_ns + 1);
        }
        let until = next.min(now + HEARTBEAT_NS);
        match st::wait_until(Event::COMMAND | Event::CONTACT_START, until) {
            Ok(ev) => {
                if ev.contains(Event::COMMAND) && b.commands() {
                    b.send();
                }
                if ev.contains(Event::CONTACT_START) {
                    if let Ok(d) = downlink::stats() {
                        st::info!(
                            "contact: {} packets queued ({} failed), {} B waiting, {} B delivered",
                            b.queued,
                            b.failed,
                            d.queued_bytes,
                            d.delivered_bytes
                        );
                    }
                }
            }
            Err(e) => {
                st::error!("wait: {e}");
                let _ = st::sleep_until(until);
            }
        }
    }
}
