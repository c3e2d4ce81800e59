//! Why a lifecycle command was refused.

use crate::bus::events::AppId;

/// Errors of lifecycle commands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputerError {
    /// No app with this id.
    #[error("no app {id}")]
    NoSuchApp {
        /// The id.
        id: AppId,
    },
    /// The name is taken on this computer.
    #[error("an app named {name:?} is already installed")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// The name is not 1..=63 printable ASCII bytes without `/`.
    #[error("invalid app name {name:?}: 1..=63 printable ASCII bytes, no '/'")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// The image is from another hypervisor (another engine).
    #[error("the image was compiled by another hypervisor")]
    ForeignImage,
    /// A reactor can only migrate with its state between handler calls.
    #[error("app {name:?} is running a handler; a reactor migrates only at rest")]
    NotAtRest {
        /// The app.
        name: String,
    },
    /// Share must be at least 1.
    #[error("share must be >= 1")]
    ZeroShare,
}
