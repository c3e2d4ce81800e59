//! What moves over a link: uplinked commands and images, inter-satellite messages and
//! migrating apps, queued at their sender and in flight for the light time.

use hifitime::Epoch;

use crate::bus::messages::IslMessage;
use crate::computer::AppPackage;
use crate::computer::config::AppConfig;
use crate::hypervisor::image::AppImage;

/// What is moving over a link.
#[derive(Debug, Clone)]
pub(crate) enum TransferKind {
    Command {
        app: String,
        data: Vec<u8>,
    },
    Upload {
        image: AppImage,
        config: AppConfig,
        update: bool,
    },
    Isl(IslMessage),
    Migration {
        to: usize,
        package: Box<AppPackage>,
    },
}

/// A transfer in a link queue.
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub bytes_left: u64,
    pub total_bytes: u64,
    pub kind: TransferKind,
}

/// A transfer that left its sender and arrives after the light time.
#[derive(Debug)]
pub(crate) struct InFlight {
    /// Arrival time.
    pub arrive: Epoch,
    /// Order of departure (ties of arrival time).
    pub seq: u64,
    /// Receiving satellite (index).
    pub to: usize,
    /// Bytes transferred.
    pub bytes: u64,
    /// What arrives.
    pub kind: TransferKind,
}
