//! Shared helpers: a hypervisor, computers, fixtures, and running steps.

#![allow(dead_code)]

use std::path::PathBuf;

use hifitime::{Duration, Epoch, Unit};
use sim_core::*;

/// 2026-01-01T00:00:00Z.
pub fn t0() -> Epoch {
    Epoch::from_gregorian_utc_at_midnight(2026, 1, 1)
}

pub fn hv() -> Hypervisor {
    Hypervisor::new(HypervisorConfig::default()).expect("hypervisor")
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Bytes of a fixture: `.wat` files are assembled, `.wasm` files read.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    if name.ends_with(".wat") {
        wat::parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
    } else {
        std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

pub fn wat(src: &str) -> Vec<u8> {
    wat::parse_str(src).expect("wat")
}

pub fn computer(hv: &Hypervisor) -> OnboardComputer {
    OnboardComputer::new(hv, ComputerSpec::default(), "SAT-1", 7, t0())
}

/// Installs and starts a fixture.
pub fn run_app(
    obc: &mut OnboardComputer,
    hv: &Hypervisor,
    fixture_name: &str,
    config: AppConfig,
) -> AppId {
    let image = hv
        .load_image(&fixture(fixture_name))
        .unwrap_or_else(|e| panic!("{fixture_name}: {e}"));
    let id = obc.install(&image, config).expect("install");
    obc.start(id).expect("start");
    id
}

/// One step's CPU report: instructions, busy fraction × 10⁹, and (app, instructions).
pub type StepCpu = (u64, u64, Vec<(String, u64)>);

/// Everything a run produced, as text lines (what determinism tests compare).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Output {
    pub logs: Vec<LogLine>,
    pub events: Vec<ComputerEvent>,
    pub reports: Vec<StepCpu>,
}

impl Output {
    pub fn logs_of(&self, app: &str) -> Vec<String> {
        self.logs
            .iter()
            .filter(|l| l.app == app)
            .map(|l| l.to_string())
            .collect()
    }

    pub fn texts_of(&self, app: &str) -> Vec<String> {
        self.logs
            .iter()
            .filter(|l| l.app == app)
            .map(|l| l.text.clone())
            .collect()
    }

    pub fn events_of(&self, app: &str) -> Vec<EventKind> {
        self.events
            .iter()
            .filter(|e| e.app.as_deref() == Some(app))
            .map(|e| e.kind.clone())
            .collect()
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        for l in &self.logs {
            s.push_str(&l.to_string());
            s.push('\n');
        }
        for e in &self.events {
            s.push_str(&e.to_string());
            s.push('\n');
        }
        for (instr, busy, apps) in &self.reports {
            s.push_str(&format!("{instr} {busy} {apps:?}\n"));
        }
        s
    }
}

/// Steps `obc` `n` times by `dt` from its current time, with default state and conditions.
pub fn steps(obc: &mut OnboardComputer, n: usize, dt: Duration) -> Output {
    steps_with(
        obc,
        n,
        dt,
        &StateSnapshot::default(),
        &Conditions::default(),
    )
}

pub fn steps_with(
    obc: &mut OnboardComputer,
    n: usize,
    dt: Duration,
    state: &StateSnapshot,
    c: &Conditions,
) -> Output {
    let mut out = Output::default();
    for _ in 0..n {
        let start = obc.now();
        let r = obc.step(start, dt, state, c);
        out.reports.push((
            r.instructions,
            (r.busy_fraction * 1e9) as u64,
            r.apps
                .iter()
                .map(|a| (a.app.to_string(), a.instructions))
                .collect(),
        ));
        out.logs.extend(r.logs);
        out.events.extend(r.events);
    }
    out
}

pub fn secs(s: i64) -> Duration {
    Unit::Second * s
}
