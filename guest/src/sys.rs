//! Raw imports of the skytwin ABI v1 (`docs/abi.md`), exactly as the host provides them.
//!
//! Every pointer is an offset into the app's linear memory and every length is read by the
//! host as an unsigned 32-bit number. Results `>= 0` are successes, `< 0` are `ST_E*` codes
//! (see [`crate::Error`]). Prefer the safe wrappers in the crate root; these are here for apps
//! that need the exact ABI.
//!
//! Only present when compiling for `wasm32` (the imports cannot be linked anywhere else).

#![allow(missing_docs)]

#[link(wasm_import_module = "skytwin_v1")]
extern "C" {
    /// Returns `1`, the ABI version this module implements.
    pub fn abi_version() -> i32;
    /// The simulated UTC time, ns since 1970-01-01 (POSIX).
    pub fn time_now() -> i64;
    /// Writes `"SATELLITE/APP"`; returns its length or an error.
    pub fn identity(ptr: *mut u8, len: u32) -> i32;
    /// One log line at `level` (0 trace … 4 error).
    pub fn log(level: i32, ptr: *const u8, len: u32) -> i32;
    /// Writes an `st_state_v1` (280 bytes); returns 280 or an error.
    pub fn state_read(ptr: *mut u8, len: u32) -> i32;
    /// Name of thermal node `index`; returns its length or an error.
    pub fn temperature_name(index: i32, ptr: *mut u8, len: u32) -> i32;
    /// Requests an attitude mode with up to four parameters.
    pub fn attitude_request(mode: i32, p0: f64, p1: f64, p2: f64, p3: f64) -> i32;
    /// Writes an `st_camera_info_v1` (24 bytes); returns 24 or an error.
    pub fn camera_info(ptr: *mut u8, len: u32) -> i32;
    /// Takes an image now; returns the pixel bytes written or an error.
    pub fn camera_capture(buf_ptr: *mut u8, buf_len: u32, meta_ptr: *mut u8, meta_len: u32) -> i32;
    /// Queues one downlink message; returns its id (> 0) or an error.
    pub fn downlink_queue(ptr: *const u8, len: u32, priority: i32) -> i64;
    /// Bytes of message `id` delivered so far, or an error.
    pub fn downlink_status(id: i64) -> i64;
    /// Writes an `st_downlink_stats_v1` (24 bytes); returns 24 or an error.
    pub fn downlink_stats(ptr: *mut u8, len: u32) -> i32;
    /// Length of the next pending uplinked command, or `ST_EAGAIN`.
    pub fn command_next_len() -> i32;
    /// Removes the next command and copies it; returns its length or an error.
    pub fn command_recv(ptr: *mut u8, len: u32) -> i32;
    /// Sends bytes to another satellite's app; returns a message id (> 0) or an error.
    pub fn isl_send(dest_ptr: *const u8, dest_len: u32, ptr: *const u8, len: u32) -> i64;
    /// Length of the next received inter-satellite message, or `ST_EAGAIN`.
    pub fn isl_next_len() -> i32;
    /// Removes the next inter-satellite message; returns its data length or an error.
    pub fn isl_recv(ptr: *mut u8, len: u32, from_ptr: *mut u8, from_len: u32) -> i32;
    /// Blocks until an event in `mask` or `timeout_ns` (-1: none); returns the events.
    pub fn wait(mask: i32, timeout_ns: i64) -> i32;
    /// Returns and clears the pending events in `mask`; never blocks.
    pub fn poll_events(mask: i32) -> i32;
    /// Blocks until the simulated time reaches `t_unix_ns`.
    pub fn sleep_until(t_unix_ns: i64) -> i32;
    /// Arms the one-shot timer (`ST_EV_TIMER` at `t_unix_ns`); `0` cancels it.
    pub fn timer_set(t_unix_ns: i64) -> i32;
    /// Tells the hypervisor the app is alive (the first call arms the watchdog).
    pub fn heartbeat() -> i32;
    /// (Reactors) the events that invoke `skytwin_on_event`.
    pub fn subscribe(mask: i32) -> i32;
}

// The one WASI preview 1 function the crate calls directly: Rust's std has no process
// CPU-time clock.
#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    /// `clock_time_get(id, precision, *time) -> errno`.
    pub fn clock_time_get(clock_id: i32, precision_ns: i64, time_ns: *mut u64) -> i32;
}

/// WASI clock id of the process CPU-time clock (the app's instructions ÷ the instruction rate).
pub const WASI_CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
