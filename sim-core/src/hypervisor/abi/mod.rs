//! The host side of the guest ABI: `skytwin_v1` (docs/abi.md) and `wasi_snapshot_preview1`.
//!
//! `build_linker` defines every host function once: `skytwin` and `wasi` name each
//! function and the file that implements it, grouped by area (clock, state, camera,
//! downlink and commands, ISL, files, poll, process); [`signatures`] lists their types.

pub(crate) mod camera;
pub(crate) mod clock;
pub(crate) mod commands;
pub(crate) mod downlink;
pub(crate) mod files;
pub(crate) mod host;
pub(crate) mod isl;
pub(crate) mod paths;
pub(crate) mod poll;
pub(crate) mod process;
pub mod signatures;
pub(crate) mod skytwin;
pub(crate) mod state;
pub(crate) mod wasi;

use wasmtime::{Engine, Linker};

use super::ctx::AppCtx;

pub use signatures::{HostSig, SKYTWIN_V1, WASI_P1, WasmTy, host_signature};

/// Builds the linker with every host function. Called once per [`super::Hypervisor`].
pub(crate) fn build_linker(engine: &Engine) -> wasmtime::Result<Linker<AppCtx>> {
    let mut linker = Linker::new(engine);
    skytwin::define(&mut linker)?;
    wasi::define(&mut linker)?;
    Ok(linker)
}
