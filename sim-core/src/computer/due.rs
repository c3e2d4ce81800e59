//! What falls due on the onboard computer at an instant: event edges between steps, schedule
//! suspensions and resumptions, restarts, timers, the heartbeat watchdog, stop deadlines, and
//! waking a blocked app; and when the next of these comes. (The CPU watchdog counts the
//! app's own instructions, not time: the scheduler checks it after each quantum, `step.rs`.)

use super::onboard::{AppSlot, Live, OnboardComputer, Phase};
use crate::abi_codes::{
    EV_AOI_ENTER, EV_AOI_EXIT, EV_CONTACT_END, EV_CONTACT_START, EV_ECLIPSE, EV_RESUMED, EV_SUNLIT,
    EV_TIMER,
};
use crate::bus::app_bus::lock;
use crate::bus::app_state::{AppShared, Block};
use crate::bus::events::{EventKind, FaultReason};
use crate::state::Conditions;
use crate::time::duration_to_ns;

impl OnboardComputer {
    /// Latches event edges between the previous and the current conditions into every live app.
    pub(super) fn latch_edges(&mut self, c: &Conditions) {
        let mut bits = 0;
        let same_areas = self
            .last_conditions
            .as_ref()
            .is_some_and(|prev| prev.areas == c.areas);
        if let Some(prev) = &self.last_conditions {
            if c.sunlit != prev.sunlit {
                bits |= if c.sunlit { EV_SUNLIT } else { EV_ECLIPSE };
            }
            if c.in_contact != prev.in_contact {
                bits |= if c.in_contact {
                    EV_CONTACT_START
                } else {
                    EV_CONTACT_END
                };
            }
            if !same_areas {
                if c.areas.difference(&prev.areas).next().is_some() {
                    bits |= EV_AOI_ENTER;
                }
                if prev.areas.difference(&c.areas).next().is_some() {
                    bits |= EV_AOI_EXIT;
                }
            }
        }
        match &mut self.last_conditions {
            // The areas are copied only when they changed (most steps they did not).
            Some(prev) if same_areas => {
                let areas = std::mem::take(&mut prev.areas);
                *prev = Conditions { areas, ..*c };
            }
            _ => self.last_conditions = Some(c.clone()),
        }
        if bits == 0 {
            return;
        }
        let mut bus = lock(&self.bus);
        for a in &self.apps {
            if matches!(a.phase, Phase::Live(_))
                && let Some(s) = bus.app_mut(a.slot)
            {
                s.latched |= bits;
            }
        }
    }

    /// Suspends and resumes live apps by their schedules.
    pub(super) fn apply_schedules(&mut self, c: &Conditions) {
        let now = self.cursor_ns;
        for a in &mut self.apps {
            let Phase::Live(l) = &mut a.phase else {
                continue;
            };
            let allowed = a.config.schedule.allows(now, c);
            match (allowed, l.suspended_since) {
                (true, Some(since)) => {
                    let shift = now.saturating_sub(since);
                    l.suspended_since = None;
                    let mut bus = lock(&self.bus);
                    if let Some(s) = bus.app_mut(a.slot) {
                        s.heartbeat_ns = s.heartbeat_ns.map(|h| h.saturating_add(shift));
                        s.latched |= EV_RESUMED;
                    }
                    bus.event(now, Some(&a.name), EventKind::Resumed);
                }
                (false, None) => {
                    l.suspended_since = Some(now);
                    lock(&self.bus).event(now, Some(&a.name), EventKind::Suspended);
                }
                _ => {}
            }
        }
    }

    fn heartbeat_timeout_ns(&self, a: &AppSlot) -> i64 {
        duration_to_ns(
            a.config
                .heartbeat_timeout
                .unwrap_or(self.spec.heartbeat_timeout),
        )
    }

    /// Handles everything due now in level `p`; returns the level's next due time.
    pub(super) fn service_level(&mut self, p: u8) -> Option<i64> {
        let mut next: Option<i64> = None;
        for i in 0..self.apps.len() {
            if self.apps[i].config.priority == p
                && let Some(d) = self.service_app(i)
            {
                next = Some(next.map_or(d, |n| n.min(d)));
            }
        }
        next
    }

    /// Handles everything due now for app `i` — restart, timer, heartbeat watchdog, stop
    /// deadline, waking it — and returns the next time something of it falls due (after now).
    pub(super) fn service_app(&mut self, i: usize) -> Option<i64> {
        let now = self.cursor_ns;
        if let Phase::RestartAt(t, _) = self.apps[i].phase {
            if t > now {
                return Some(t);
            }
            if !self.apps[i].enabled {
                return None;
            }
            self.apps[i].restarts += 1;
            self.launch_as(i, None, EventKind::Restarted);
        }
        let heartbeat_ns = self.heartbeat_timeout_ns(&self.apps[i]);
        let vfloor = self.vfloor_of(self.apps[i].config.priority);
        let a = &mut self.apps[i];
        let Phase::Live(l) = &mut a.phase else {
            return None;
        };
        let mut bus = lock(&self.bus);
        let s = bus.app_mut(a.slot)?;
        if s.timer_ns.is_some_and(|t| t <= now) {
            s.timer_ns = None;
            s.latched |= EV_TIMER;
        }
        if l.suspended_since.is_some() {
            return None;
        }
        if heartbeat_missed(s, now, heartbeat_ns) {
            drop(bus);
            self.fault(i, FaultReason::HeartbeatWatchdog);
            return self.restart_time(i);
        }
        if l.stopping_until.is_some_and(|t| t <= now) {
            drop(bus);
            self.kill(i);
            let name = self.apps[i].name.clone();
            self.event(Some(&name), EventKind::Stopped);
            return None;
        }
        if s.execution.wake.is_none()
            && let Some(v) = wake_value(s, now)
        {
            s.execution.wake = Some(v);
            if s.execution.block != Some(Block::Yield) {
                a.vruntime = a.vruntime.max(vfloor);
            }
        }
        next_due(s, l, now, heartbeat_ns)
    }

    fn restart_time(&self, i: usize) -> Option<i64> {
        match self.apps[i].phase {
            Phase::RestartAt(t, _) => Some(t),
            _ => None,
        }
    }
}

/// Whether the heartbeat watchdog (armed by the first `heartbeat`) bites now: the last beat
/// is more than `timeout_ns` ago.
fn heartbeat_missed(s: &AppShared, now: i64, timeout_ns: i64) -> bool {
    s.heartbeat_ns
        .is_some_and(|hb| now.saturating_sub(hb) > timeout_ns)
}

/// The value that wakes a blocked app now, if its block is over: the latched events of its
/// `wait` mask (taken), 0 at a deadline, 0 for a yield.
fn wake_value(s: &mut AppShared, now: i64) -> Option<i64> {
    match s.execution.block {
        Some(Block::Wait { mask, deadline_ns }) => {
            let ev = s.latched & mask;
            if ev != 0 {
                s.latched &= !ev;
                Some(i64::from(ev))
            } else if deadline_ns.is_some_and(|d| d <= now) {
                Some(0)
            } else {
                None
            }
        }
        Some(Block::Sleep { until_ns }) => (until_ns <= now).then_some(0),
        Some(Block::Yield) => Some(0),
        None => None,
    }
}

/// When something of a live app falls due next (after now): its timer, a missed heartbeat,
/// its stop deadline, or the end of its block.
fn next_due(s: &AppShared, l: &Live, now: i64, heartbeat_ns: i64) -> Option<i64> {
    let mut next: Option<i64> = None;
    let mut consider = |t: i64| {
        if t > now {
            next = Some(next.map_or(t, |n| n.min(t)));
        }
    };
    if let Some(t) = s.timer_ns {
        consider(t);
    }
    if let Some(hb) = s.heartbeat_ns {
        consider(hb.saturating_add(heartbeat_ns).saturating_add(1));
    }
    if let Some(t) = l.stopping_until {
        consider(t);
    }
    if s.execution.wake.is_none() {
        match s.execution.block {
            Some(Block::Wait {
                deadline_ns: Some(d),
                ..
            }) => consider(d),
            Some(Block::Sleep { until_ns }) => consider(until_ns),
            _ => {}
        }
    }
    next
}
