//! Events of a run as records: one `events.jsonl` line each, fed to the assertions, in time
//! order.
//!
//! Every event has `time_utc`, `satellite` (absent for a station's own events), `kind`, and
//! the kind's fields (`app`, `station`, `bytes`, ...). The simulation's events come out of a
//! step slightly out of order (an inter-satellite message arrives after the light time, within
//! the next step); [`Reorder`] holds them until no earlier event can come.

use std::collections::BinaryHeap;

use hardware_models::computer::ComputerEvent as HwComputerEvent;
use hardware_models::power::{LoadId, PowerEvent, ShedCause};
use hardware_models::template::HardwareTemplate;
use hardware_models::thermal::{LimitKind, NodeId, ThermalEvent};
use hifitime::Epoch;
use serde_json::Value;
use sim_core::{ComputerEvent, EventKind, LogLine, SimEvent, SimEventKind};

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// When.
    pub time: Epoch,
    /// The satellite (index), if the event belongs to one.
    pub satellite: Option<usize>,
    /// The kind (`contact_start`, `log`, `app_fault`, ...).
    pub kind: &'static str,
    /// The app concerned.
    pub app: Option<String>,
    /// The station concerned.
    pub station: Option<String>,
    /// The kind's other fields, in output order.
    pub fields: Vec<(&'static str, Value)>,
}

impl EventRecord {
    /// An event of `kind` at `time` on satellite `satellite`.
    pub fn new(time: Epoch, satellite: Option<usize>, kind: &'static str) -> Self {
        Self {
            time,
            satellite,
            kind,
            app: None,
            station: None,
            fields: Vec::new(),
        }
    }

    /// With an app.
    pub fn app(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    /// With a station.
    pub fn station(mut self, station: impl Into<String>) -> Self {
        self.station = Some(station.into());
        self
    }

    /// With a field.
    pub fn field(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    /// The JSON line (no newline): `time_utc`, `satellite`, `kind`, `app`, `station`, then
    /// the fields in order.
    pub fn to_json(&self, satellite_names: &[String]) -> String {
        let mut s = String::with_capacity(128);
        s.push_str("{\"time_utc\":");
        push_json(&mut s, &Value::from(orbit::format_utc(self.time)));
        if let Some(name) = self.satellite.and_then(|i| satellite_names.get(i)) {
            s.push_str(",\"satellite\":");
            push_json(&mut s, &Value::from(name.as_str()));
        }
        s.push_str(",\"kind\":");
        push_json(&mut s, &Value::from(self.kind));
        if let Some(app) = &self.app {
            s.push_str(",\"app\":");
            push_json(&mut s, &Value::from(app.as_str()));
        }
        if let Some(st) = &self.station {
            s.push_str(",\"station\":");
            push_json(&mut s, &Value::from(st.as_str()));
        }
        for (k, v) in &self.fields {
            s.push_str(",\"");
            s.push_str(k);
            s.push_str("\":");
            push_json(&mut s, v);
        }
        s.push('}');
        s
    }
}

fn push_json(s: &mut String, v: &Value) {
    // serde_json writes floats in their shortest round-trip form: the same bits, the same text
    s.push_str(&serde_json::to_string(v).unwrap_or_else(|_| "null".to_string()));
}

/// A UTC time as JSON.
pub fn time_json(t: Epoch) -> Value {
    Value::from(orbit::format_utc(t))
}

/// A log line as an event.
pub fn log_event(sat: usize, l: &LogLine) -> EventRecord {
    EventRecord::new(l.time(), Some(sat), "log")
        .app(l.app.clone())
        .field("level", l.level.as_str())
        .field("text", l.text.clone())
}

/// A simulation event as a record (`None` for the simulation's step-sampled contact events:
/// contacts are reported from the geometry, see [`crate::geometry`], and for the computer
/// hardware's power transitions, which the onboard computer's own events already report).
/// `hw` is the satellite's template (load, node and heater names).
pub fn sim_event(sat: usize, e: &SimEvent, hw: &HardwareTemplate) -> Option<EventRecord> {
    let ev = |kind| EventRecord::new(e.time, Some(sat), kind);
    Some(match &e.kind {
        SimEventKind::Computer(c) => computer_event(sat, c),
        SimEventKind::ContactStart { .. } | SimEventKind::ContactEnd { .. } => return None,
        SimEventKind::Power(p) => power_event(ev, p, hw),
        SimEventKind::Thermal(t) => thermal_event(sat, e.time, t, hw),
        SimEventKind::ComputerPower(c) => match c {
            HwComputerEvent::WatchdogReset => ev("computer_watchdog_reset"),
            HwComputerEvent::Rebooted => ev("computer_rebooted"),
            _ => return None,
        },
        SimEventKind::CommandDelivered {
            app,
            bytes,
            delivered,
        } => ev("command_delivered")
            .app(app.clone())
            .field("bytes", *bytes)
            .field("delivered", *delivered),
        SimEventKind::UploadComplete { app, bytes, result } => result_fields(
            ev("upload_complete")
                .app(app.clone())
                .field("bytes", *bytes),
            result,
        ),
        SimEventKind::Downlinked { app, id, bytes } => ev("downlinked")
            .app(app.clone())
            .field("id", *id)
            .field("bytes", *bytes),
        SimEventKind::IslDelivered {
            from,
            bytes,
            delivered,
        } => ev("isl_delivered")
            .field("from", from.clone())
            .field("bytes", *bytes)
            .field("delivered", *delivered),
        SimEventKind::MigrationComplete { app, bytes, result } => result_fields(
            ev("migration_complete")
                .app(app.clone())
                .field("bytes", *bytes),
            result,
        ),
        SimEventKind::Lost { reason } => ev("satellite_lost").field("reason", reason.clone()),
    })
}

fn result_fields(e: EventRecord, result: &Result<(), String>) -> EventRecord {
    match result {
        Ok(()) => e.field("ok", true),
        Err(msg) => e.field("ok", false).field("error", msg.clone()),
    }
}

/// Power system events: safe mode, load shedding.
fn power_event(
    ev: impl Fn(&'static str) -> EventRecord,
    p: &PowerEvent,
    hw: &HardwareTemplate,
) -> EventRecord {
    let load = |id: &LoadId| {
        hw.power
            .loads
            .get(id.0)
            .map_or_else(String::new, |l| l.name.clone())
    };
    match p {
        PowerEvent::SafeModeEntered { soc } => ev("safe_mode_entry").field("battery_soc", *soc),
        PowerEvent::SafeModeExited { soc } => ev("safe_mode_exit").field("battery_soc", *soc),
        PowerEvent::LoadShed { load: id, cause } => ev("load_shed").field("load", load(id)).field(
            "cause",
            match cause {
                ShedCause::SafeMode => "safe_mode",
                ShedCause::Brownout => "brownout",
            },
        ),
        PowerEvent::LoadRestored { load: id } => ev("load_restored").field("load", load(id)),
    }
}

/// Thermal events at their time within the step: limits, heaters.
fn thermal_event(
    sat: usize,
    step_start: Epoch,
    t: &ThermalEvent,
    hw: &HardwareTemplate,
) -> EventRecord {
    let node = |id: &NodeId| {
        hw.thermal
            .nodes
            .get(id.0)
            .map_or_else(String::new, |n| n.name.clone())
    };
    let celsius = |k: f64| k - 273.15;
    match t {
        ThermalEvent::LimitViolated {
            node: id,
            kind,
            temp_k,
            after,
        } => EventRecord::new(step_start + *after, Some(sat), "limit_violation")
            .field("node", node(id))
            .field(
                "limit",
                match kind {
                    LimitKind::Cold => "cold",
                    LimitKind::Hot => "hot",
                },
            )
            .field("temp_c", celsius(*temp_k)),
        ThermalEvent::LimitCleared {
            node: id,
            temp_k,
            after,
        } => EventRecord::new(step_start + *after, Some(sat), "limit_cleared")
            .field("node", node(id))
            .field("temp_c", celsius(*temp_k)),
        ThermalEvent::HeaterSwitched { heater, on, after } => {
            EventRecord::new(step_start + *after, Some(sat), "heater_switched")
                .field(
                    "heater",
                    hw.thermal
                        .heaters
                        .get(*heater)
                        .map_or_else(String::new, |h| h.name.clone()),
                )
                .field("on", *on)
        }
    }
}

/// An onboard computer event as a record.
pub fn computer_event(sat: usize, c: &ComputerEvent) -> EventRecord {
    let mut e = EventRecord::new(c.time(), Some(sat), computer_kind(&c.kind));
    if let Some(app) = &c.app {
        e = e.app(app.clone());
    }
    match &c.kind {
        EventKind::Exited { code } | EventKind::HandlerError { code } => e.field("code", *code),
        EventKind::Faulted { reason } => {
            let e = e.field("reason", reason.code());
            match reason.to_string().split_once(": ") {
                Some((_, message)) => e.field("message", message.to_string()),
                None => e,
            }
        }
        EventKind::RestartScheduled {
            at_unix_ns,
            attempt,
        } => e
            .field(
                "at_utc",
                time_json(sim_core::time::unix_ns_to_epoch(*at_unix_ns)),
            )
            .field("attempt", *attempt),
        EventKind::CommandDropped => e.field("what", "command"),
        EventKind::IslDropped => e.field("what", "isl"),
        EventKind::MemoryBitFlips { bits } => e.field("bits", *bits),
        EventKind::MigratedIn { with_state } => e.field("with_state", *with_state),
        _ => e,
    }
}

fn computer_kind(k: &EventKind) -> &'static str {
    match k {
        EventKind::Installed => "app_installed",
        EventKind::Updated => "app_updated",
        EventKind::Started => "app_started",
        EventKind::Exited { .. } => "app_exited",
        EventKind::Faulted { .. } => "app_fault",
        EventKind::RestartScheduled { .. } => "app_restart_scheduled",
        EventKind::Restarted => "app_restarted",
        EventKind::Stopped => "app_stopped",
        EventKind::Removed => "app_removed",
        EventKind::Suspended => "app_suspended",
        EventKind::Resumed => "app_resumed",
        EventKind::HandlerError { .. } => "app_handler_error",
        EventKind::LogSquelched => "app_log_squelched",
        EventKind::DownlinkSquelched => "app_downlink_squelched",
        EventKind::CommandDropped | EventKind::IslDropped => "app_message_dropped",
        EventKind::MemoryBitFlips { .. } => "app_bit_flips",
        EventKind::MigratedOut => "app_migrated_out",
        EventKind::MigratedIn { .. } => "app_migrated_in",
        EventKind::PoweredOff => "computer_power_off",
        EventKind::Booting => "computer_booting",
        EventKind::Booted => "computer_booted",
        EventKind::Hung => "computer_hung",
    }
}

/// Holds events until every earlier one has been seen, then gives them out in time order
/// (ties in the order they were pushed).
#[derive(Debug, Default)]
pub struct Reorder {
    heap: BinaryHeap<Pending>,
    seq: u64,
}

#[derive(Debug)]
struct Pending {
    time: Epoch,
    seq: u64,
    record: EventRecord,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    /// Reversed: the heap's top is the earliest.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .time
            .partial_cmp(&self.time)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(other.seq.cmp(&self.seq))
    }
}

impl Reorder {
    /// Holds an event.
    pub fn push(&mut self, record: EventRecord) {
        self.seq += 1;
        self.heap.push(Pending {
            time: record.time,
            seq: self.seq,
            record,
        });
    }

    /// Gives out, in order, every event before `t` (`None`: all).
    pub fn release(&mut self, before: Option<Epoch>, mut out: impl FnMut(EventRecord)) {
        while let Some(top) = self.heap.peek() {
            if before.is_some_and(|t| top.time >= t) {
                break;
            }
            if let Some(p) = self.heap.pop() {
                out(p.record);
            }
        }
    }
}
