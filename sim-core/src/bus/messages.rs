//! Messages that leave or reach apps: downlink messages delivered to the ground and
//! inter-satellite messages.

/// A downlink message fully delivered to the ground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredMessage {
    /// Sending app.
    pub app: String,
    /// The app's message id.
    pub id: i64,
    /// Priority 0…7.
    pub priority: u8,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Result of draining the downlink queue for one interval.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownlinkProgress {
    /// Bytes sent in this interval.
    pub bytes_sent: u64,
    /// Messages completed in this interval.
    pub completed: Vec<DeliveredMessage>,
}

/// An inter-satellite message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslMessage {
    /// Sender, `"SATELLITE/APP"`.
    pub from: String,
    /// Destination satellite.
    pub to_satellite: String,
    /// Destination app (`None`: the app with the sender's app name).
    pub to_app: Option<String>,
    /// Sender's message id.
    pub id: i64,
    /// Payload.
    pub data: Vec<u8>,
}

/// A message waiting in an app's ISL inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IslIncoming {
    pub from: String,
    pub data: Vec<u8>,
}
