//! One step of the onboard computer: the time-sliced, fuel-metered scheduler.
//!
//! Priority levels run from highest to lowest over the step's [`Timeline`]; each level gets
//! the time the levels above left free, so scheduling is strict-priority and pre-emptive in
//! simulated time, and a higher-priority app's timing does not depend on anything below it.
//! Within a level, picking an app hands it one quantum (the fuel yield interval): whatever
//! it executes — wasm operators counted by fuel, plus the ABI's host-call costs — advances
//! the level's time at `instruction_rate_ips`. The app with the smallest virtual runtime
//! (instructions ÷ share) goes next, ties by install order. When nothing in the level can
//! run, time jumps to the next wake-up (timer, sleep deadline, restart, watchdog).

use hifitime::{Duration, Epoch};

use super::execution::{
    Ending, Execution, ExecutionDone, FutureKind, PollEnd, classify, handler_future, poll_once,
    wasm_consumed,
};
use super::onboard::{OnboardComputer, Phase, Power, ReadyQueue};
use super::status::{AppTick, TickReport};
use crate::abi_codes::{EV_START, EV_STOP};
use crate::bus::app_bus::{AppBus, SharedAppBus, lock};
use crate::bus::app_settings::AppStyle;
use crate::bus::app_state::PollClock;
use crate::bus::events::{EventKind, FaultReason};
use crate::bus::timeline::{Timeline, instructions_to_ns};
use crate::state::{Conditions, StateSnapshot};
use crate::time::{duration_to_ns, epoch_to_unix_ns};

/// Virtual runtime units per instruction at share 1.
const VRUNTIME_SCALE: u128 = 1 << 20;

/// The instructions an app may run without a host call: its CPU watchdog's time at the
/// computer's rate, `n = t · rate` (saturating).
fn cpu_watchdog_instructions(limit: Duration, rate_ips: u64) -> u64 {
    let ns = u128::try_from(duration_to_ns(limit).max(0)).unwrap_or(0);
    u64::try_from(ns * u128::from(rate_ips) / 1_000_000_000).unwrap_or(u64::MAX)
}

/// The sensor view of a step, filled into the bus before the first app runs in it.
struct StepView<'a> {
    fill: &'a mut dyn FnMut(&mut StateSnapshot),
    t0_unix_ns: i64,
    filled: bool,
}

impl StepView<'_> {
    fn fill_once(&mut self, bus: &SharedAppBus) {
        if !self.filled {
            let mut bus = lock(bus);
            let snapshot = bus.snapshot_mut();
            (self.fill)(snapshot);
            snapshot.time_unix_ns = self.t0_unix_ns;
            self.filled = true;
        }
    }
}

impl OnboardComputer {
    /// Runs the computer over `[start, start + dt)`: the satellite supplies the sensor view
    /// (`state`, what `state_read` returns) and the true `conditions` (schedules, event
    /// edges, safe mode). Returns the CPU use, the events and the log lines.
    pub fn step(
        &mut self,
        start: Epoch,
        dt: Duration,
        state: &StateSnapshot,
        conditions: &Conditions,
    ) -> TickReport {
        let mut report = TickReport::default();
        self.step_into(
            start,
            dt,
            &mut |s| s.clone_from(state),
            conditions,
            &mut report,
        );
        report
    }

    /// Like [`OnboardComputer::step`], writing into `report` and reusing its per-app list (a
    /// satellite's computer runs every step). The sensor view is asked of `state` when an app
    /// first runs in the step, and not at all in a step in which no app runs.
    pub fn step_into(
        &mut self,
        start: Epoch,
        dt: Duration,
        state: &mut dyn FnMut(&mut StateSnapshot),
        conditions: &Conditions,
        report: &mut TickReport,
    ) {
        let t0 = epoch_to_unix_ns(start);
        let dt_ns = duration_to_ns(dt).max(0);
        let t_end = t0.saturating_add(dt_ns);
        for a in &mut self.apps {
            a.tick_instructions = 0;
        }
        {
            lock(&self.bus).begin_step(conditions.safe_mode);
        }
        let mut view = StepView {
            fill: state,
            t0_unix_ns: t0,
            filled: false,
        };
        self.cursor_ns = self.cursor_ns.max(t0);
        self.latch_edges(conditions);
        self.apply_schedules(conditions);

        // Power: the CPU is available from `on_from` (off and booting time is unavailable).
        let mut timeline = Timeline::default();
        let on_from = self.power_transitions(t_end, conditions);
        timeline.take(t0, on_from.min(t_end));

        let mut instructions: u64 = 0;
        let mut levels = std::mem::take(&mut self.levels_buf);
        levels.clear();
        levels.extend(self.apps.iter().map(|a| a.config.priority));
        levels.extend(self.owed.keys().copied());
        levels.sort_unstable();
        levels.dedup();
        if self.hung {
            // A hung hypervisor spins: the CPU is busy and nothing runs.
            timeline.take(t0, t_end);
        } else if on_from < t_end {
            for &p in levels.iter().rev() {
                let (n, used) = self.run_level(p, &timeline, t0, t_end, &mut view);
                instructions += n;
                for (s, e) in used {
                    timeline.take(s, e);
                }
            }
        }
        self.levels_buf = levels;
        let busy_ns = timeline.taken_within(t0, t_end) - (on_from.min(t_end) - t0);
        self.cursor_ns = t_end;
        self.cursor_rem = 0;

        let (mut events, mut logs) = {
            let mut bus = lock(&self.bus);
            (bus.take_events(), bus.take_logs())
        };
        events.sort_by_key(|e| e.time_unix_ns);
        logs.sort_by_key(|l| l.time_unix_ns);
        report.start = start;
        report.dt = dt;
        report.instructions = instructions;
        report.busy_fraction = if dt_ns > 0 {
            (busy_ns as f64 / dt_ns as f64).clamp(0.0, 1.0)
        } else {
            0.0
        };
        report.apps.clear();
        report.apps.extend(self.apps.iter().map(|a| AppTick {
            app: a.shared_name.clone(),
            instructions: a.tick_instructions,
        }));
        report.events = events;
        report.logs = logs;
    }

    /// Applies power-on and boot completion falling inside this step; returns when the CPU
    /// becomes available (`i64::MAX`-like `t_end` when it stays off).
    fn power_transitions(&mut self, t_end: i64, conditions: &Conditions) -> i64 {
        let t0 = self.cursor_ns;
        if let Power::Off { on_at_ns } = self.power {
            match on_at_ns {
                Some(t) if t < t_end => {
                    self.cursor_ns = t.max(t0);
                    self.power_on();
                }
                _ => return t_end,
            }
        }
        if let Power::Booting { until_ns } = self.power {
            if until_ns >= t_end {
                self.cursor_ns = t0;
                return t_end;
            }
            self.cursor_ns = until_ns.max(t0);
            self.power = Power::On;
            self.event(None, EventKind::Booted);
            for i in 0..self.apps.len() {
                if self.apps[i].enabled {
                    self.launch(i, None);
                }
            }
            self.apply_schedules(conditions);
            let on = self.cursor_ns;
            self.cursor_ns = t0;
            return on;
        }
        t0
    }

    /// Runs priority level `p` over the free time of `timeline`; returns the instructions
    /// executed and the intervals the level used.
    fn run_level(
        &mut self,
        p: u8,
        timeline: &Timeline,
        t0: i64,
        t_end: i64,
        view: &mut StepView<'_>,
    ) -> (u64, Vec<(i64, i64)>) {
        let mut used: Vec<(i64, i64)> = Vec::new();
        let mut record = |s: i64, e: i64| {
            if let Some(last) = used.last_mut()
                && last.1 == s
            {
                last.1 = e;
                return;
            }
            used.push((s, e));
        };
        lock(&self.bus).set_timeline(timeline.clone());
        // CPU time this level executed past the end of the previous step comes first.
        let (owed_ns, owed_rem) = self.owed.remove(&p).unwrap_or((0, 0));
        let mut cur = timeline.advance(t0, owed_ns, &mut record);
        self.cursor_rem = owed_rem;
        let mut instructions = 0;
        self.cursor_ns = timeline.skip(cur);
        let mut next_due = self.service_level(p);
        let mut ready = std::mem::take(&mut self.ready_buf);
        self.fill_ready(p, &mut ready);
        loop {
            cur = timeline.skip(cur);
            if cur >= t_end {
                break;
            }
            self.cursor_ns = cur;
            if next_due.is_some_and(|d| d <= cur) {
                next_due = self.service_level(p);
                self.fill_ready(p, &mut ready);
            }
            match ready.pop_first() {
                Some((_, i)) => {
                    view.fill_once(&self.bus);
                    let (n, end) = self.run_quantum(i, timeline, &mut record);
                    instructions += n;
                    cur = end;
                    self.cursor_ns = cur;
                    // Only the app that ran can have changed; others keep their deadlines.
                    if let Some(d) = self.service_app(i) {
                        next_due = Some(next_due.map_or(d, |n| n.min(d)));
                    }
                    if self.runnable(i, &lock(&self.bus)) {
                        ready.insert((self.apps[i].vruntime, i));
                    }
                }
                None => {
                    cur = next_due.unwrap_or(t_end).max(cur + 1).min(t_end);
                    self.cursor_rem = 0;
                }
            }
        }
        // What this level executed past the step's end is carried into the next step; time it
        // skipped because higher levels use it (even past the end) is theirs, not its.
        let past_end: i64 = used.iter().map(|&(s, e)| (e - s.max(t_end)).max(0)).sum();
        if past_end > 0 {
            self.owed.insert(p, (past_end, self.cursor_rem));
        }
        self.ready_buf = ready;
        self.cursor_ns = t_end;
        (instructions, used)
    }

    /// Events a reactor at rest would be called with now.
    fn deliverable(style: AppStyle, latched: u32, subscribed: u32) -> u32 {
        match style {
            AppStyle::Reactor => latched & (subscribed | EV_START | EV_STOP),
            AppStyle::Command => 0,
        }
    }

    /// Whether app `i` can run now (not suspended; unblocked, or a reactor with events).
    fn runnable(&self, i: usize, bus: &AppBus) -> bool {
        let a = &self.apps[i];
        let Phase::Live(l) = &a.phase else {
            return false;
        };
        if l.suspended_since.is_some() {
            return false;
        }
        let Some(s) = bus.app(a.slot) else {
            return false;
        };
        match &l.execution {
            Execution::InFlight { .. } => s.execution.block.is_none() || s.execution.wake.is_some(),
            Execution::AtRest { .. } => {
                Self::deliverable(a.image.style(), s.latched, s.subscribed) != 0
            }
        }
    }

    /// Fills `ready` with the runnable apps of level `p`.
    fn fill_ready(&self, p: u8, ready: &mut ReadyQueue) {
        ready.clear();
        let bus = lock(&self.bus);
        for (i, a) in self.apps.iter().enumerate() {
            if a.config.priority == p && self.runnable(i, &bus) {
                ready.insert((a.vruntime, i));
            }
        }
    }

    /// Gives app `i` one quantum on `timeline`; returns the instructions it used and where
    /// the level's time ends.
    fn run_quantum(
        &mut self,
        i: usize,
        timeline: &Timeline,
        record: &mut impl FnMut(i64, i64),
    ) -> (u64, i64) {
        let now = self.cursor_ns;
        let p = self.apps[i].config.priority;
        let floor = self.vfloor.entry(p).or_insert(0);
        *floor = (*floor).max(self.apps[i].vruntime);
        let slot = self.apps[i].slot;
        if !self.start_handler_call(i) {
            return (0, now);
        }
        let Some(instr_at_start) = self.begin_poll(slot) else {
            return (0, now);
        };
        let Phase::Live(l) = &mut self.apps[i].phase else {
            return (0, now);
        };
        let Execution::InFlight { fut, kind } = &mut l.execution else {
            return (0, now);
        };
        let kind = *kind;
        let end = poll_once(fut);
        let Some(delta) = self.account_poll(slot, &end, instr_at_start) else {
            return (0, now);
        };
        let end_ns = self.charge_time(i, delta, timeline, record);
        match end {
            PollEnd::Pending if self.cpu_watchdog_bites(i) => {
                self.fault(i, FaultReason::CpuWatchdog);
            }
            PollEnd::Pending => {}
            PollEnd::Panicked(message) => self.fault(i, FaultReason::HostPanic { message }),
            PollEnd::Done(done) => self.finish(i, kind, done),
        }
        (delta, end_ns)
    }

    /// A reactor at rest with events starts a handler call with them (taken from its latched
    /// events); anything else is left as it is. `false` if the app's record is missing.
    fn start_handler_call(&mut self, i: usize) -> bool {
        let slot = self.apps[i].slot;
        let style = self.apps[i].image.style();
        let Phase::Live(l) = &mut self.apps[i].phase else {
            return true;
        };
        if !matches!(l.execution, Execution::AtRest { .. }) {
            return true;
        }
        let events = {
            let mut bus = lock(&self.bus);
            let Some(s) = bus.app_mut(slot) else {
                return false;
            };
            let ev = Self::deliverable(style, s.latched, s.subscribed);
            s.latched &= !ev;
            // The CPU watchdog counts the handler call's own instructions.
            s.execution.wasm_at_last_call = s.execution.wasm_est;
            ev
        };
        if events & EV_STOP != 0 {
            l.stop_delivered = true;
        }
        let placeholder = Execution::InFlight {
            fut: Box::pin(std::future::pending()),
            kind: FutureKind::Handler,
        };
        if let Execution::AtRest {
            store,
            instance,
            handler,
        } = std::mem::replace(&mut l.execution, placeholder)
        {
            l.execution = Execution::InFlight {
                fut: handler_future(store, instance, handler, events),
                kind: FutureKind::Handler,
            };
        }
        true
    }

    /// Sets the bus's poll clock (where the CPU timeline stands now) for the app in `slot`;
    /// returns the instructions it had consumed before the poll.
    fn begin_poll(&self, slot: usize) -> Option<u64> {
        let mut bus = lock(&self.bus);
        let instr = bus.app_mut(slot)?.execution.instructions();
        bus.set_poll_clock(PollClock {
            start_ns: self.cursor_ns,
            start_rem: self.cursor_rem,
            rate_ips: self.spec.instruction_rate_ips,
            instr_at_start: instr,
        });
        Some(instr)
    }

    /// The instructions the app in `slot` executed in the poll that ended with `end`: wasm
    /// fuel is exact when the future finished, estimated as a whole quantum per fuel yield
    /// when it was pre-empted, and exact at its last host call when it blocked.
    fn account_poll(&self, slot: usize, end: &PollEnd, instr_at_start: u64) -> Option<u64> {
        let quantum = self.hv.config().quantum_instructions;
        let mut bus = lock(&self.bus);
        let s = bus.app_mut(slot)?;
        match end {
            PollEnd::Pending if s.execution.block.is_some() && s.execution.wake.is_none() => {}
            PollEnd::Pending => {
                s.execution.yields += 1;
                s.execution.wasm_est = s
                    .execution
                    .wasm_est
                    .max(s.execution.yields.saturating_mul(quantum));
            }
            PollEnd::Done(done) => {
                let exact = wasm_consumed(&done.store);
                s.execution.wasm_est = s.execution.wasm_est.max(exact);
            }
            PollEnd::Panicked(_) => {}
        }
        let d = s.execution.instructions().saturating_sub(instr_at_start);
        s.instructions_total = s.instructions_total.saturating_add(d);
        Some(d)
    }

    /// Whether app `i`'s CPU watchdog bites after its last quantum: it was pre-empted (not
    /// blocked) having executed its `cpu_watchdog` worth of its own instructions at
    /// the computer's rate since its last host call (or since its handler call began). The
    /// check runs once per quantum, so the fault comes at most one quantum late.
    fn cpu_watchdog_bites(&self, i: usize) -> bool {
        let a = &self.apps[i];
        let limit =
            cpu_watchdog_instructions(a.config.cpu_watchdog, self.spec.instruction_rate_ips);
        let bus = lock(&self.bus);
        bus.app(a.slot).is_some_and(|s| {
            s.execution.block.is_none()
                && s.execution
                    .wasm_est
                    .saturating_sub(s.execution.wasm_at_last_call)
                    >= limit
        })
    }

    /// Charges `delta` instructions to app `i` (its step count and virtual runtime,
    /// `Δvruntime = Δn · 2²⁰ / share`) and advances the level's time by them through the free
    /// time of `timeline`; returns where the time ends.
    fn charge_time(
        &mut self,
        i: usize,
        delta: u64,
        timeline: &Timeline,
        record: &mut impl FnMut(i64, i64),
    ) -> i64 {
        let now = self.cursor_ns;
        let a = &mut self.apps[i];
        a.tick_instructions = a.tick_instructions.saturating_add(delta);
        a.vruntime = a
            .vruntime
            .saturating_add(u128::from(delta) * VRUNTIME_SCALE / u128::from(a.config.share.max(1)));
        let (ns, rem) = instructions_to_ns(delta, self.cursor_rem, self.spec.instruction_rate_ips);
        self.cursor_rem = rem;
        let end_ns = timeline.advance(now, ns, record);
        self.cursor_ns = end_ns;
        end_ns
    }

    /// A future of app `i` finished.
    fn finish(&mut self, i: usize, kind: FutureKind, done: ExecutionDone) {
        let ending = classify(&done.result, &done.store);
        match ending {
            Ending::Fault(reason) => self.fault(i, reason),
            Ending::Exit(code) => self.exit(i, code),
            Ending::Returned(_) if kind == FutureKind::Command => self.exit(i, 0),
            Ending::Returned(ret) => {
                let Some((instance, handler)) = done.reactor else {
                    self.fault(
                        i,
                        FaultReason::Instantiation {
                            message: "reactor instance missing".into(),
                        },
                    );
                    return;
                };
                let name = self.apps[i].name.clone();
                if let Some(code) = ret.filter(|&c| c != 0) {
                    self.event(Some(&name), EventKind::HandlerError { code });
                }
                let Phase::Live(l) = &mut self.apps[i].phase else {
                    return;
                };
                l.execution = Execution::AtRest {
                    store: done.store,
                    instance,
                    handler,
                };
                if l.stop_delivered {
                    self.kill(i);
                    self.event(Some(&name), EventKind::Stopped);
                }
            }
        }
    }

    fn exit(&mut self, i: usize, code: i32) {
        self.kill(i);
        self.apps[i].phase = Phase::Exited(code);
        let name = self.apps[i].name.clone();
        self.event(Some(&name), EventKind::Exited { code });
    }
}
