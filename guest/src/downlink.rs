//! The downlink queue (`docs/abi.md` "Downlink"): messages leave only during ground
//! contacts, at the link-budget rate, highest priority first.

use crate::bytes::{u32_at, u64_at};

/// Size of `st_downlink_stats_v1` in bytes.
pub const DOWNLINK_STATS_V1_SIZE: usize = 24;
/// Highest downlink priority.
pub const MAX_PRIORITY: u8 = 7;

/// The id of a queued downlink message (> 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub i64);

/// `st_downlink_stats_v1`: this app's downlink totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DownlinkStats {
    /// Bytes waiting in the queue.
    pub queued_bytes: u64,
    /// Bytes delivered to the ground so far.
    pub delivered_bytes: u64,
    /// Messages waiting in the queue.
    pub queued_messages: u32,
    /// Messages fully delivered so far.
    pub delivered_messages: u32,
}

impl DownlinkStats {
    /// Decodes `st_downlink_stats_v1` from its 24 little-endian bytes.
    pub fn from_bytes(b: &[u8; DOWNLINK_STATS_V1_SIZE]) -> DownlinkStats {
        DownlinkStats {
            queued_bytes: u64_at(b, 0),
            delivered_bytes: u64_at(b, 8),
            queued_messages: u32_at(b, 16),
            delivered_messages: u32_at(b, 20),
        }
    }
}

/// Queues `data` as one downlink message with `priority` 0 (lowest) … 7 (`downlink_queue`).
#[cfg(target_arch = "wasm32")]
pub fn queue(data: &[u8], priority: u8) -> Result<MessageId, crate::Error> {
    let len = u32::try_from(data.len()).map_err(|_| crate::Error::Invalid)?;
    // SAFETY: the host reads `len` bytes from `data`.
    let id = crate::error::check64(unsafe {
        crate::sys::downlink_queue(data.as_ptr(), len, i32::from(priority))
    })?;
    Ok(MessageId(id as i64))
}

/// Bytes of message `id` delivered so far (`downlink_status`).
#[cfg(target_arch = "wasm32")]
pub fn status(id: MessageId) -> Result<u64, crate::Error> {
    // SAFETY: no memory is passed.
    crate::error::check64(unsafe { crate::sys::downlink_status(id.0) })
}

/// This app's downlink totals (`downlink_stats`).
#[cfg(target_arch = "wasm32")]
pub fn stats() -> Result<DownlinkStats, crate::Error> {
    let mut b = [0u8; DOWNLINK_STATS_V1_SIZE];
    // SAFETY: the host writes at most `b.len()` bytes into `b`.
    crate::error::check(unsafe { crate::sys::downlink_stats(b.as_mut_ptr(), b.len() as u32) })?;
    Ok(DownlinkStats::from_bytes(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_abi_downlink_stats_layout() {
        let mut b = [0u8; DOWNLINK_STATS_V1_SIZE];
        b[0..8].copy_from_slice(&(5u64 << 33).to_le_bytes());
        b[8..16].copy_from_slice(&123_456u64.to_le_bytes());
        b[16..20].copy_from_slice(&7u32.to_le_bytes());
        b[20..24].copy_from_slice(&9u32.to_le_bytes());
        let s = DownlinkStats::from_bytes(&b);
        assert_eq!(
            s,
            DownlinkStats {
                queued_bytes: 5 << 33,
                delivered_bytes: 123_456,
                queued_messages: 7,
                delivered_messages: 9
            }
        );
    }
}
