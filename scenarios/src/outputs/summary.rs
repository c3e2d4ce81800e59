//! `summary.json` (deterministic: the scenario, the seed and what was measured) and
//! `host.json` (everything about the machine and the wall clock).

use serde::Serialize;

use crate::assertions::{Outcome, Value, ValueUnit};
use crate::model::Scenario;
use crate::run::RunResult;

/// A value as text: numbers as written in JSON, durations in seconds with `s`, times in UTC,
/// `never` for an event that did not happen, `no data` for NaN.
pub fn value_text(v: Value, unit: ValueUnit) -> String {
    match (v, unit) {
        (Value::Time(Some(t)), _) => orbit::format_utc(t),
        (Value::Time(None), _) => "never".to_string(),
        (Value::Number(x), _) if x.is_nan() => "no data".to_string(),
        (Value::Number(x), ValueUnit::Seconds) => format!("{} s", short(x)),
        (Value::Number(x), _) => short(x),
    }
}

/// A number with up to 6 significant decimals, no trailing zeros.
fn short(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn value_json(v: Value) -> serde_json::Value {
    match v {
        Value::Time(Some(t)) => serde_json::Value::from(orbit::format_utc(t)),
        Value::Time(None) => serde_json::Value::Null,
        Value::Number(x) => serde_json::Number::from_f64(x)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
    }
}

/// One assertion in `summary.json`.
#[derive(Debug, Serialize)]
struct AssertionJson {
    name: String,
    check: String,
    passed: bool,
    value: serde_json::Value,
    bound: serde_json::Value,
    unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    satellite: Option<String>,
    text: String,
}

/// One satellite in `summary.json`.
#[derive(Debug, Serialize)]
struct SatelliteJson {
    name: String,
    object_id: String,
    hardware: String,
    downlinked_bytes: u64,
    images_captured: u64,
    isl_messages: u64,
    commands_delivered: u64,
    uploads: u64,
    instructions: u64,
    contacts: u64,
    app_faults: u64,
    safe_mode_entries: u64,
    min_battery_soc: f64,
    final_battery_soc: f64,
    computer_energy_wh: f64,
}

/// The deterministic summary of a run.
#[derive(Debug, Serialize)]
pub struct Summary {
    scenario: String,
    description: String,
    scenario_hash: String,
    seed: u64,
    skytwin_version: &'static str,
    start_utc: String,
    end_utc: String,
    step_s: f64,
    steps: u64,
    passed: bool,
    assertions_failed: usize,
    assertions: Vec<AssertionJson>,
    satellites: Vec<SatelliteJson>,
    files: Vec<String>,
}

fn unit_name(u: ValueUnit) -> &'static str {
    match u {
        ValueUnit::Number => "number",
        ValueUnit::Seconds => "s",
        ValueUnit::Time => "utc",
    }
}

/// An outcome's one-line text: `PASS min(battery_soc) = 0.41 (>= 0.3)`.
pub fn outcome_text(o: &Outcome) -> String {
    format!(
        "{} {}: {}{} (expected {} {})",
        if o.passed { "PASS" } else { "FAIL" },
        o.name,
        value_text(o.value, o.unit),
        o.satellite
            .as_ref()
            .map_or(String::new(), |s| format!(" on {s}")),
        o.op_text(),
        value_text(o.bound, o.unit)
    )
}

/// `summary.json`'s text.
pub fn summary_json(s: &Scenario, r: &RunResult, files: &[String]) -> String {
    let summary = Summary {
        scenario: s.name.clone(),
        description: s.description.clone(),
        scenario_hash: s.hash.clone(),
        seed: r.seed,
        skytwin_version: env!("CARGO_PKG_VERSION"),
        start_utc: orbit::format_utc(s.start),
        end_utc: orbit::format_utc(s.start + hifitime::Duration::from_seconds(r.simulated_s)),
        step_s: s.step.to_seconds(),
        steps: r.steps,
        passed: r.passed(),
        assertions_failed: r.outcomes.iter().filter(|o| !o.passed).count(),
        assertions: r
            .outcomes
            .iter()
            .map(|o| AssertionJson {
                name: o.name.clone(),
                check: o.expr.clone(),
                passed: o.passed,
                value: value_json(o.value),
                bound: value_json(o.bound),
                unit: unit_name(o.unit),
                satellite: o.satellite.clone(),
                text: outcome_text(o),
            })
            .collect(),
        satellites: s
            .satellites
            .iter()
            .zip(&r.totals)
            .map(|(d, t)| SatelliteJson {
                name: d.name.clone(),
                object_id: d.elements.object_id.clone(),
                hardware: d.hardware.name.clone(),
                downlinked_bytes: t.downlinked_bytes,
                images_captured: t.images_captured,
                isl_messages: t.isl_messages,
                commands_delivered: t.commands_delivered,
                uploads: t.uploads,
                instructions: t.instructions,
                contacts: t.contacts,
                app_faults: t.app_faults,
                safe_mode_entries: t.safe_mode_entries,
                min_battery_soc: t.min_battery_soc,
                final_battery_soc: t.final_battery_soc,
                computer_energy_wh: t.computer_energy_wh,
            })
            .collect(),
        files: files.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&summary).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// Facts about the machine and the wall clock of a run (`host.json`).
#[derive(Debug, Clone, Serialize)]
pub struct HostFacts {
    /// When the run started, UTC (wall clock).
    pub started_utc: String,
    /// Wall-clock seconds of the run (loading excluded).
    pub wall_s: f64,
    /// Simulated seconds per wall-clock second.
    pub speed_x_real_time: f64,
    /// Worker threads.
    pub threads: usize,
    /// Operating system and architecture.
    pub platform: String,
    /// Host name, when known.
    pub hostname: Option<String>,
    /// CPUs available.
    pub cpus: usize,
    /// The command line.
    pub command: Vec<String>,
}

impl HostFacts {
    /// `host.json`'s text.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        s.push('\n');
        s
    }
}
