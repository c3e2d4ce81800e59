//! The wasmtime hypervisor: one deterministic engine and linker ([`engine`]), app images
//! (checked and inspected by `scan`, rewritten by [`rewrite`] — exports for the host's reach,
//! NaN canonicalisation where bits can be observed ([`nan_canon`]) — compiled into an
//! [`AppImage`]), the data each app's store owns (`ctx`), the one module that touches guest
//! memory ([`guest_mem`]), and the host side of the ABI ([`abi`]).
//!
//! It sits on the bus (the host functions work on an app's [`crate::bus::AppBus`]) and under
//! the onboard computer, which runs the stores it creates.

pub mod abi;
pub(crate) mod ctx;
pub mod engine;
pub mod guest_mem;
pub mod image;
pub mod inspection;
pub mod nan_canon;
pub mod rewrite;
pub(crate) mod scan;

pub use crate::bus::AppStyle;
pub use ctx::RamPool;
pub use engine::{Allocation, Hypervisor, HypervisorConfig, HypervisorError, NanCanonicalization};
pub use image::{AppImage, ImageError, ImageLimits};
pub use inspection::{ExportInfo, ImportInfo, ImportStatus, Inspection, Problem};
pub use scan::wasm_features;
