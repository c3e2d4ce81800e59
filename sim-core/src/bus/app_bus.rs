//! The app bus of one satellite: everything the satellite and its apps share during a step
//! (the sensor snapshot, the devices, the downlink queue, the inboxes and the ISL outbox, the
//! apps' records, the CPU clock of the current poll, and the events and log lines produced).
//! Not the electrical bus of the power model: this one carries data between the satellite and
//! its software.
//!
//! The host functions reach the bus through their store's data (`AppCtx` holds a
//! [`SharedAppBus`]; the store itself lives inside the app's future between polls), the
//! satellite side through [`crate::OnboardComputer`]; both use the methods below, never the
//! fields. Stepping is single-threaded per computer, so the mutex is never contended; it
//! exists because stores and futures must be `Send` to move between worker threads between
//! steps.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::app_state::{AppShared, MAX_TRACKED_MESSAGES, PollClock};
use super::devices::{AttitudeRequest, CameraService};
use super::events::{ComputerEvent, EventKind, LogLevel, LogLine};
use super::messages::{DeliveredMessage, DownlinkProgress, IslIncoming, IslMessage};
use super::sanitize::sanitize_log;
use super::timeline::Timeline;
use super::token_bucket::Take;
use crate::abi_codes::{EV_COMMAND, EV_DOWNLINK_DONE, EV_ISL, MAX_COMMAND_BYTES};
use crate::state::StateSnapshot;

/// Shared handle to an app bus.
pub type SharedAppBus = Arc<Mutex<AppBus>>;

/// Locks an app bus, recovering from poisoning (a panic caught while an app was being served
/// must not take the satellite down; the bus holds no invariant a panic can half-update that
/// the next step does not tolerate).
pub fn lock(bus: &SharedAppBus) -> MutexGuard<'_, AppBus> {
    bus.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What became of a log line offered to [`AppBus::push_log`].
#[derive(Debug)]
pub(crate) enum LogPush {
    /// It was logged.
    Logged,
    /// The app's log bucket is empty; the line (handed back) was not logged. It can be from
    /// `ready_at_ns` on (`None`: never, the limits allow no line at all).
    Throttled {
        ready_at_ns: Option<i64>,
        text: String,
    },
}

/// A downlink message waiting in the satellite's queue.
#[derive(Debug, Clone)]
struct QueuedDownlink {
    slot: usize,
    app: String,
    id: i64,
    priority: u8,
    data: Vec<u8>,
    sent: usize,
}

/// Everything shared between a satellite and its apps.
pub struct AppBus {
    satellite: String,
    /// Shared by every satellite of a simulation (one set, not one copy per satellite).
    peers: Arc<BTreeSet<String>>,
    snapshot: StateSnapshot,
    safe_mode: bool,
    attitude: Option<AttitudeRequest>,
    camera: Option<Box<dyn CameraService>>,
    /// Ordered by (priority, descending), time queued, queue order.
    downlink: BTreeMap<(std::cmp::Reverse<u8>, i64, u64), QueuedDownlink>,
    /// The bytes of `downlink` not yet sent (kept as the queue changes: read every step).
    downlink_unsent_bytes: u64,
    downlink_seq: u64,
    /// ISL messages sent, keyed by (time sent, send order).
    isl_out: BTreeMap<(i64, u64), (usize, IslMessage)>,
    isl_seq: u64,
    /// App records by slot (`None` once an app is removed; slots are never reused).
    apps: Vec<Option<AppShared>>,
    clock: PollClock,
    timeline: Timeline,
    storage_total_bytes: u64,
    events: Vec<ComputerEvent>,
    logs: Vec<LogLine>,
}

impl std::fmt::Debug for AppBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppBus")
            .field("satellite", &self.satellite)
            .field("apps", &self.apps.len())
            .field("downlink_messages", &self.downlink.len())
            .finish_non_exhaustive()
    }
}

impl AppBus {
    /// An empty bus for satellite `satellite` with `storage_total_bytes` of app storage.
    pub fn new(satellite: &str, storage_total_bytes: u64) -> Self {
        Self {
            satellite: satellite.to_string(),
            peers: Arc::default(),
            snapshot: StateSnapshot::default(),
            safe_mode: false,
            attitude: None,
            camera: None,
            downlink: BTreeMap::new(),
            downlink_unsent_bytes: 0,
            downlink_seq: 0,
            isl_out: BTreeMap::new(),
            isl_seq: 0,
            apps: Vec::new(),
            clock: PollClock::default(),
            timeline: Timeline::default(),
            storage_total_bytes,
            events: Vec::new(),
            logs: Vec::new(),
        }
    }

    /// The satellite's name.
    pub fn satellite(&self) -> &str {
        &self.satellite
    }

    /// Sets the names of the satellites reachable over ISL.
    pub(crate) fn set_peers(&mut self, peers: Arc<BTreeSet<String>>) {
        self.peers = peers;
    }

    /// Whether `satellite` is reachable over ISL.
    pub(crate) fn is_peer(&self, satellite: &str) -> bool {
        self.peers.contains(satellite)
    }

    /// Starts a step: whether the satellite is in safe mode (the sensor view is filled when an
    /// app first runs in the step, [`AppBus::snapshot_mut`]).
    pub(crate) fn begin_step(&mut self, safe_mode: bool) {
        self.safe_mode = safe_mode;
    }

    /// The sensor view of this step (`state_read`).
    pub(crate) fn snapshot(&self) -> &StateSnapshot {
        &self.snapshot
    }

    /// The sensor view, to fill for the step (before an app runs in it).
    pub(crate) fn snapshot_mut(&mut self) -> &mut StateSnapshot {
        &mut self.snapshot
    }

    /// The satellite is in safe mode (devices refuse apps).
    pub(crate) fn safe_mode(&self) -> bool {
        self.safe_mode
    }

    /// The latest attitude request.
    pub(crate) fn attitude_request(&self) -> Option<&AttitudeRequest> {
        self.attitude.as_ref()
    }

    /// Records an attitude request unless a later one (in simulated time) is already there:
    /// priority levels run one after another within a step, so the request that stands is the
    /// latest in simulated time, not the last one executed.
    pub(crate) fn request_attitude(&mut self, request: AttitudeRequest) {
        if self
            .attitude
            .as_ref()
            .is_none_or(|a| a.time_unix_ns <= request.time_unix_ns)
        {
            self.attitude = Some(request);
        }
    }

    /// Installs the camera service.
    pub(crate) fn set_camera(&mut self, camera: Box<dyn CameraService>) {
        self.camera = Some(camera);
    }

    /// The camera, if the satellite has one.
    pub(crate) fn camera(&self) -> Option<&dyn CameraService> {
        self.camera.as_deref()
    }

    /// The camera, to capture with.
    pub(crate) fn camera_mut(&mut self) -> Option<&mut (dyn CameraService + 'static)> {
        self.camera.as_deref_mut()
    }

    /// Sets the CPU timeline of the priority level about to run.
    pub(crate) fn set_timeline(&mut self, timeline: Timeline) {
        self.timeline = timeline;
    }

    /// Sets where the CPU clock stands at the start of a poll.
    pub(crate) fn set_poll_clock(&mut self, clock: PollClock) {
        self.clock = clock;
    }

    /// The simulated time of an app that has consumed `instructions` in total, inside the
    /// current poll.
    pub(crate) fn now_ns(&self, instructions: u64) -> i64 {
        self.clock.now_ns(instructions, &self.timeline)
    }

    /// The computer's instruction rate in the current poll, instructions per second.
    pub(crate) fn instruction_rate_ips(&self) -> u64 {
        self.clock.rate_ips
    }

    /// Takes the events recorded since the last call.
    pub(crate) fn take_events(&mut self) -> Vec<ComputerEvent> {
        std::mem::take(&mut self.events)
    }

    /// Takes the log lines recorded since the last call.
    pub(crate) fn take_logs(&mut self) -> Vec<LogLine> {
        std::mem::take(&mut self.logs)
    }

    /// Adds an app's record; returns its slot.
    pub(crate) fn add_app(&mut self, app: AppShared) -> usize {
        self.apps.push(Some(app));
        self.apps.len() - 1
    }

    /// Takes app `slot`'s record off the bus (the slot stays empty).
    pub(crate) fn take_app(&mut self, slot: usize) -> Option<AppShared> {
        self.apps.get_mut(slot).and_then(Option::take)
    }

    pub(crate) fn app(&self, slot: usize) -> Option<&AppShared> {
        self.apps.get(slot).and_then(Option::as_ref)
    }

    pub(crate) fn app_mut(&mut self, slot: usize) -> Option<&mut AppShared> {
        self.apps.get_mut(slot).and_then(Option::as_mut)
    }

    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.apps
            .iter()
            .position(|a| a.as_ref().is_some_and(|a| a.name == name))
    }

    /// App storage in use on the computer (every app's files), bytes.
    pub(crate) fn storage_used_bytes(&self) -> u64 {
        self.apps
            .iter()
            .flatten()
            .map(|a| a.vfs.used_bytes())
            .fold(0, u64::saturating_add)
    }

    /// Free app storage on the computer, bytes.
    pub(crate) fn storage_free(&self) -> u64 {
        self.storage_total_bytes
            .saturating_sub(self.storage_used_bytes())
    }

    /// Records a log line of app `slot` through its rate limit, or hands it back when the
    /// app's log bucket is empty (the first refusal of a burst emits one `log-squelched`
    /// event). The caller then waits until the bucket has refilled, or drops the line.
    pub(crate) fn push_log(
        &mut self,
        slot: usize,
        now_ns: i64,
        level: LogLevel,
        text: String,
    ) -> LogPush {
        let Some(app) = self.app_mut(slot) else {
            return LogPush::Logged;
        };
        let take = app.log_bucket.take(now_ns, 1);
        if take == Take::Ok {
            let name = app.name.clone();
            self.logs.push(LogLine {
                time_unix_ns: now_ns,
                app: name,
                level,
                text,
            });
            return LogPush::Logged;
        }
        let ready_at_ns = app.log_bucket.ready_at(now_ns, 1);
        if take == Take::RefusedFirst {
            let name = app.name.clone();
            self.event(now_ns, Some(&name), EventKind::LogSquelched);
        }
        LogPush::Throttled { ready_at_ns, text }
    }

    /// Logs what is left in app `slot`'s stdout/stderr line buffers.
    pub(crate) fn flush_stdio(&mut self, slot: usize, now_ns: i64) {
        for (stderr, level) in [(false, LogLevel::Info), (true, LogLevel::Warn)] {
            let Some(app) = self.app_mut(slot) else {
                return;
            };
            let buf = if stderr {
                &mut app.stderr
            } else {
                &mut app.stdout
            };
            if !buf.is_empty() {
                // The app is ending and cannot wait: a line refused by the rate limit is lost.
                let line = std::mem::take(buf);
                let _ = self.push_log(slot, now_ns, level, sanitize_log(&line));
            }
        }
    }

    /// Records an event.
    pub(crate) fn event(&mut self, time_unix_ns: i64, app: Option<&str>, kind: EventKind) {
        self.events.push(ComputerEvent {
            time_unix_ns,
            app: app.map(str::to_string),
            kind,
        });
    }

    /// Queues a downlink message for `slot` (quota and rate already checked).
    pub(crate) fn queue_downlink(
        &mut self,
        slot: usize,
        priority: u8,
        now_ns: i64,
        data: Vec<u8>,
    ) -> Option<i64> {
        let app = self.app_mut(slot)?;
        app.downlink.next_id += 1;
        let id = app.downlink.next_id;
        let len = data.len() as u64;
        app.downlink.queued_bytes += len;
        app.downlink.queued_messages += 1;
        app.downlink.status.insert(id, (len, 0));
        while app.downlink.status.len() > MAX_TRACKED_MESSAGES {
            app.downlink.status.pop_first();
        }
        let name = app.name.clone();
        self.downlink_unsent_bytes += len;
        self.downlink_seq += 1;
        self.downlink.insert(
            (std::cmp::Reverse(priority), now_ns, self.downlink_seq),
            QueuedDownlink {
                slot,
                app: name,
                id,
                priority,
                data,
                sent: 0,
            },
        );
        Some(id)
    }

    /// Bytes waiting in the downlink queue.
    pub fn downlink_queued_bytes(&self) -> u64 {
        self.downlink_unsent_bytes
    }

    /// The bytes of the downlink queue not yet sent, counted message by message.
    fn count_unsent_bytes(&self) -> u64 {
        self.downlink
            .values()
            .map(|m| (m.data.len() - m.sent) as u64)
            .sum()
    }

    /// Sends up to `max_bytes` from the downlink queue (highest priority first, then first in,
    /// first out), updating each app's accounting and latching `ST_EV_DOWNLINK_DONE`.
    pub fn drain_downlink(&mut self, max_bytes: u64) -> DownlinkProgress {
        let mut progress = DownlinkProgress::default();
        let mut budget = max_bytes;
        while budget > 0 {
            let Some(&key) = self.downlink.keys().next() else {
                break;
            };
            let Some(msg) = self.downlink.get_mut(&key) else {
                break;
            };
            let left = (msg.data.len() - msg.sent) as u64;
            let n = left.min(budget);
            msg.sent += n as usize;
            self.downlink_unsent_bytes -= n;
            budget -= n;
            progress.bytes_sent += n;
            let (slot, id, done) = (msg.slot, msg.id, msg.sent == msg.data.len());
            if let Some(app) = self.app_mut(slot) {
                app.downlink.queued_bytes = app.downlink.queued_bytes.saturating_sub(n);
                app.downlink.delivered_bytes += n;
                if let Some(st) = app.downlink.status.get_mut(&id) {
                    st.1 += n;
                }
                if done {
                    app.downlink.queued_messages = app.downlink.queued_messages.saturating_sub(1);
                    app.downlink.delivered_messages += 1;
                    app.latched |= EV_DOWNLINK_DONE;
                }
            }
            if done && let Some(msg) = self.downlink.remove(&key) {
                progress.completed.push(DeliveredMessage {
                    app: msg.app,
                    id: msg.id,
                    priority: msg.priority,
                    data: msg.data,
                });
            }
        }
        progress
    }

    /// Drops every queued downlink message of `slot` (app removed).
    pub(crate) fn drop_downlink_of(&mut self, slot: usize) {
        self.downlink.retain(|_, m| m.slot != slot);
        self.downlink_unsent_bytes = self.count_unsent_bytes();
        self.isl_out.retain(|_, (s, _)| *s != slot);
    }

    /// Queues an ISL message sent by app `slot` at `now_ns`.
    pub(crate) fn push_isl(&mut self, slot: usize, now_ns: i64, msg: IslMessage) {
        self.isl_seq += 1;
        self.isl_out.insert((now_ns, self.isl_seq), (slot, msg));
    }

    /// Takes the ISL messages apps have sent since the last call, in order of sending time.
    pub fn take_isl_outbox(&mut self) -> Vec<IslMessage> {
        if self.isl_out.is_empty() {
            return Vec::new();
        }
        let out: Vec<(usize, IslMessage)> =
            std::mem::take(&mut self.isl_out).into_values().collect();
        for (slot, m) in &out {
            if let Some(app) = self.app_mut(*slot) {
                app.isl_out_bytes = app.isl_out_bytes.saturating_sub(m.data.len() as u64);
                app.isl_out_messages = app.isl_out_messages.saturating_sub(1);
            }
        }
        out.into_iter().map(|(_, m)| m).collect()
    }

    /// Delivers an ISL message to an app's inbox; `false` if no such app (message dropped).
    pub(crate) fn deliver_isl(&mut self, now_ns: i64, msg: IslMessage) -> bool {
        let target = msg
            .to_app
            .clone()
            .or_else(|| msg.from.split_once('/').map(|(_, a)| a.to_string()));
        let Some(slot) = target.and_then(|t| self.slot_of(&t)) else {
            return false;
        };
        let Some(app) = self.app_mut(slot) else {
            return false;
        };
        if app.isl_in.len() >= app.limits.max_pending_messages as usize {
            let name = app.name.clone();
            self.event(now_ns, Some(&name), EventKind::IslDropped);
            return true;
        }
        app.isl_in.push_back(IslIncoming {
            from: msg.from,
            data: msg.data,
        });
        app.latched |= EV_ISL;
        true
    }

    /// Delivers an uplinked command to app `app` at `now_ns`; `false` if there is no such app
    /// (when its inbox is full, or the command is too long, it is dropped with a
    /// `command-dropped` event).
    pub(crate) fn deliver_command(&mut self, now_ns: i64, app: &str, command: &[u8]) -> bool {
        let Some(a) = self.slot_of(app).and_then(|slot| self.app_mut(slot)) else {
            return false;
        };
        if a.commands.len() >= a.limits.max_pending_messages as usize
            || command.len() > MAX_COMMAND_BYTES
        {
            self.event(now_ns, Some(app), EventKind::CommandDropped);
            return true;
        }
        a.commands.push_back(command.to_vec());
        a.latched |= EV_COMMAND;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::app_settings::{AppLimits, AppStyle};
    use crate::rng::chacha20_stream;

    fn app(name: &str) -> AppShared {
        let rng = chacha20_stream(1, 0);
        AppShared::new(
            name,
            AppStyle::Command,
            &AppLimits::default(),
            vec![],
            vec![],
            rng,
            0,
        )
    }

    #[test]
    fn regress_downlink_queued_bytes_follow_queue_drain_and_removal() {
        let mut bus = AppBus::new("sat", 1 << 20);
        let a = bus.add_app(app("a"));
        let b = bus.add_app(app("b"));
        bus.queue_downlink(a, 1, 0, vec![0; 1000]);
        bus.queue_downlink(b, 5, 1, vec![0; 300]);
        bus.queue_downlink(a, 1, 2, vec![0; 200]);
        assert_eq!(bus.downlink_queued_bytes(), 1500);

        // b's message goes first (priority 5), then 150 bytes of a's first message.
        let sent = bus.drain_downlink(450);
        assert_eq!(sent.bytes_sent, 450);
        assert_eq!(sent.completed.len(), 1);
        assert_eq!(bus.downlink_queued_bytes(), 1050);
        assert_eq!(bus.downlink_queued_bytes(), bus.count_unsent_bytes());

        // Removing a drops its partly sent and its waiting message.
        bus.queue_downlink(b, 1, 3, vec![0; 70]);
        bus.drop_downlink_of(a);
        assert_eq!(bus.downlink_queued_bytes(), 70);
        assert_eq!(bus.downlink_queued_bytes(), bus.count_unsent_bytes());
        bus.drain_downlink(1 << 20);
        assert_eq!(bus.downlink_queued_bytes(), 0);
    }
}
