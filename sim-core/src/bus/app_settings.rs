//! How an app is set up on the bus: its style (command or reactor, from its image) and its
//! resource limits (from its configuration).

/// How an app is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppStyle {
    /// Exports `_start`: runs, blocks in `wait`/`sleep_until`/`poll_oneoff`, may exit.
    Command,
    /// Exports `skytwin_on_event`: the host calls it with events; at rest between calls.
    Reactor,
}

impl AppStyle {
    /// `command` or `reactor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Reactor => "reactor",
        }
    }
}

/// Per-app resource limits (docs/abi.md, "Limits").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLimits {
    /// Linear memory cap, bytes.
    pub memory_bytes: u64,
    /// File storage quota, bytes.
    pub storage_bytes: u64,
    /// Table elements cap.
    pub table_elements: u64,
    /// Log lines per simulated second (token refill rate).
    pub log_lines_per_s: u64,
    /// Log burst, lines.
    pub log_burst_lines: u64,
    /// Bytes the app may have waiting in the downlink queue.
    pub downlink_queue_bytes: u64,
    /// Downlink bytes accepted per simulated second.
    pub downlink_rate_bytes_per_s: u64,
    /// Downlink burst, bytes.
    pub downlink_burst_bytes: u64,
    /// Pending uplinked commands / ISL messages / unsent ISL messages, each.
    pub max_pending_messages: u32,
    /// Bytes the app may have waiting to be sent over ISL.
    pub isl_queue_bytes: u64,
}

impl Default for AppLimits {
    fn default() -> Self {
        Self {
            memory_bytes: 64 << 20,
            storage_bytes: 16 << 20,
            table_elements: 10_000,
            log_lines_per_s: 50,
            log_burst_lines: 200,
            downlink_queue_bytes: 64 << 20,
            downlink_rate_bytes_per_s: 10_000_000,
            downlink_burst_bytes: 64_000_000,
            max_pending_messages: 1024,
            isl_queue_bytes: 16 << 20,
        }
    }
}
