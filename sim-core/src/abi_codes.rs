//! The numbers of the guest ABI (docs/abi.md): import module names, result codes, event bits,
//! costs, sizes and bounds, and the naming rule for satellites and apps. A leaf: the bus, the
//! host functions and the scheduler all speak these numbers, and the guest SDK mirrors them
//! (`tests/abi_mirror.rs` holds the two copies together).

/// Import module name of the skytwin ABI, version 1.
pub const SKYTWIN_V1_MODULE: &str = "skytwin_v1";
/// Import module name of WASI preview 1.
pub const WASI_P1_MODULE: &str = "wasi_snapshot_preview1";
/// Prefix of import module names of the skytwin ABI (`skytwin_v<N>`).
pub const SKYTWIN_MODULE_PREFIX: &str = "skytwin_v";

// Result codes (docs/abi.md, "Error codes").
/// A `(ptr, len)` lies outside the app's memory or overflows.
pub const ST_EFAULT: i32 = -1;
/// An argument is invalid.
pub const ST_EINVAL: i32 = -2;
/// A queue, quota or buffer on the host is full.
pub const ST_ENOSPC: i32 = -3;
/// Nothing is available now.
pub const ST_EAGAIN: i32 = -4;
/// The guest buffer is too small.
pub const ST_E2BIG: i32 = -5;
/// The device is unavailable now.
pub const ST_EUNAVAIL: i32 = -6;
/// Rate limit reached.
pub const ST_ERATE: i32 = -7;
/// Unknown id, satellite or app.
pub const ST_ENOTFOUND: i32 = -8;
/// A blocking call was made from a reactor's event handler.
pub const ST_EWOULDBLOCK: i32 = -9;

// Event bits (docs/abi.md, "Waiting, events and timers").
/// An uplinked command is waiting.
pub const EV_COMMAND: u32 = 1;
/// An inter-satellite message is waiting.
pub const EV_ISL: u32 = 2;
/// A ground contact began.
pub const EV_CONTACT_START: u32 = 4;
/// A ground contact ended.
pub const EV_CONTACT_END: u32 = 8;
/// The satellite left eclipse.
pub const EV_SUNLIT: u32 = 16;
/// The satellite entered eclipse.
pub const EV_ECLIPSE: u32 = 32;
/// The sub-satellite point entered an area of interest.
pub const EV_AOI_ENTER: u32 = 64;
/// The sub-satellite point left an area of interest.
pub const EV_AOI_EXIT: u32 = 128;
/// One of this app's downlink messages was fully delivered.
pub const EV_DOWNLINK_DONE: u32 = 256;
/// The app's timer expired.
pub const EV_TIMER: u32 = 512;
/// The app was resumed after its schedule suspended it.
pub const EV_RESUMED: u32 = 1024;
/// (reactors) The app has been started.
pub const EV_START: u32 = 2048;
/// (reactors) The app is about to be stopped.
pub const EV_STOP: u32 = 4096;
/// Every defined event bit.
pub const EV_ALL: u32 = 8191;

// Costs (docs/abi.md, "CPU time and cost"), in instructions of the onboard computer: what
// the call would take on a flight computer, where entering the kernel or hypervisor and
// returning is of the order of a system call (several hundred cycles on an embedded core),
// and handing data to a driver, a pipe or a queue is a few microseconds.
/// Base cost of any host call (0.6 µs on the 6U's 800 MIPS computer).
pub const COST_HOST_CALL: u64 = 500;
/// Added to the base cost of a call that writes out of the app — `log`, `fd_write`,
/// `fd_pwrite`, `downlink_queue`, `isl_send` — when it writes (5 µs in all at 800 MIPS).
pub const COST_WRITE: u64 = 3_500;
/// Bytes copied between app and host per instruction charged.
pub const COST_BYTES_PER_INSTRUCTION: u64 = 8;
/// Instructions per pixel sample of `camera_capture`.
pub const COST_PER_PIXEL_SAMPLE: u64 = 4;

// Sizes and bounds.
/// Largest downlink message, bytes.
pub const MAX_DOWNLINK_MESSAGE_BYTES: u64 = 16 << 20;
/// Largest ISL message, bytes.
pub const MAX_ISL_MESSAGE_BYTES: u64 = 1 << 20;
/// Largest uplinked command, bytes.
pub const MAX_COMMAND_BYTES: usize = 64 << 10;
/// Longest satellite or app name, bytes.
pub const MAX_NAME_BYTES: usize = 63;
/// Size of `st_camera_info_v1`.
pub const CAMERA_INFO_V1_SIZE: usize = 24;
/// Size of `st_image_meta_v1`.
pub const IMAGE_META_V1_SIZE: usize = 48;
/// Size of `st_downlink_stats_v1`.
pub const DOWNLINK_STATS_V1_SIZE: usize = 24;

/// A valid satellite or app name: 1..=63 bytes of printable ASCII other than `/`.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME_BYTES
        && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}
