//! # skytwin-guest: the Rust SDK for skytwin satellite apps
//!
//! A skytwin app is a `wasm32-wasip1` (or `wasm32-wasi`) WebAssembly module that runs on a
//! simulated satellite's onboard computer. This crate wraps the **skytwin ABI v1**
//! (`docs/abi.md`, import module `skytwin_v1`) in safe functions, and carries the pure
//! onboard-processing code the example apps use ([`codec`], [`packet`], [`cloud`],
//! [`spool`], [`product`], [`relay`]), which is target-independent and tested on the host.
//!
//! The ABI calls exist only when compiling for `wasm32` (the imports cannot be linked
//! elsewhere); the types that decode the ABI's structs, and everything pure, build anywhere.
//!
//! The crate keeps to Rust 1.63 and edition 2021 with no dependencies, so both Debian's
//! `rustc` (target `wasm32-wasi`) and rustup's toolchains (target `wasm32-wasip1`) build it.
//!
//! ```ignore
//! // a command app: a telemetry packet every 60 s
//! use skytwin_guest as st;
//! fn main() {
//!     loop {
//!         let s = st::state().expect("state");
//!         let packet = format!("{:.3},{:.1},{:.1}", s.battery_soc, s.lat_deg, s.lon_deg);
//!         let _ = st::downlink::queue(packet.as_bytes(), 1);
//!         st::heartbeat();
//!         let _ = st::sleep_until(s.time_unix_ns + 60_000_000_000);
//!     }
//! }
//! ```
//!
//! A reactor app exports `skytwin_on_event` instead of `main` (crate type `cdylib`):
//!
//! ```ignore
//! use skytwin_guest::{self as st, Event};
//! #[no_mangle]
//! pub extern "C" fn skytwin_on_event(events: i32) -> i32 {
//!     let events = Event::from_bits(events);
//!     if events.contains(Event::START) {
//!         let _ = st::subscribe(Event::COMMAND);
//!     }
//!     while let Ok(Some(cmd)) = st::commands::recv() {
//!         st::info!("command of {} bytes", cmd.len());
//!     }
//!     0
//! }
//! ```

#![warn(missing_docs)]

mod bytes;

pub mod attitude;
pub mod camera;
pub mod cloud;
pub mod codec;
pub mod commands;
pub mod downlink;
pub mod error;
pub mod event;
pub mod isl;
pub mod log;
pub mod packet;
pub mod product;
pub mod relay;
pub mod spool;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod sys;

#[cfg(target_arch = "wasm32")]
pub use api::{
    abi_version, cpu_time_ns, heartbeat, identity, poll_events, sleep_until, state, subscribe,
    temperature_name, time_now, timer_cancel, timer_set, wait, wait_until,
};
pub use error::Error;
pub use event::Event;
pub use state::{AttitudeMode, State, STATE_V1_SIZE};

/// The ABI version this crate implements (the `v1` of the import module `skytwin_v1`).
pub const ABI_VERSION: i32 = 1;

/// Nanoseconds per second, for arithmetic on `*_unix_ns` times.
pub const NS_PER_S: i64 = 1_000_000_000;
