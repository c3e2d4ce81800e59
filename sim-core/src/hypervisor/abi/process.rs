//! The app as a process: its log (`skytwin_v1`'s `log`, and stdout/stderr written through
//! WASI), and WASI's arguments, environment, random bytes and exit.

use rand::RngCore;

use super::host::{AppCaller, Host, ProcExit, emit_log, enter, errno, fault, park};
use crate::abi_codes::{ST_EFAULT, ST_EINVAL, ST_ERATE};
use crate::bus::app_bus::LogPush;
use crate::bus::app_state::Block;
use crate::bus::events::LogLevel;
use crate::bus::sanitize::sanitize_log;
use crate::bus::wasi_types::{EFAULT, EIO, ESUCCESS, Errno};

/// Bytes of a log call examined (the line keeps at most 1 KiB; escape sequences removed from
/// the input are why more than that is read).
pub const MAX_LOG_INPUT_BYTES: u32 = 64 << 10;
/// stdout/stderr bytes buffered without a newline before they are logged as a line.
pub const MAX_STDIO_LINE_BYTES: usize = 4096;

/// `log(level, ptr, len) -> i32`: one sanitised log line at `level` (0 trace … 4 error),
/// through the app's rate limit. When the app's log bucket is empty, a command app waits
/// until it has refilled (as a write to a full pipe or serial line waits); a reactor, which
/// cannot wait, gets `ST_ERATE` and the line is dropped.
pub(crate) async fn log(
    mut caller: AppCaller<'_>,
    level: i32,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let (level, mut text, examined) = {
        let h = enter(&mut caller, true)?;
        if h.mem.slice(ptr, len).is_err() {
            return Ok(ST_EFAULT);
        }
        let Some(level) = LogLevel::from_abi(level) else {
            return Ok(ST_EINVAL);
        };
        let examined = (len as u32).min(MAX_LOG_INPUT_BYTES) as i32;
        let Ok(bytes) = h.mem.slice(ptr, examined) else {
            return Ok(ST_EFAULT);
        };
        let mut text = sanitize_log(bytes);
        if examined != len && !text.ends_with('…') {
            text.push('…');
        }
        (level, text, examined as u64)
    };
    loop {
        let until_ns = {
            // The base cost was charged on entry; coming back from a wait costs nothing more.
            let mut h = enter(&mut caller, false)?;
            match emit_log(&mut h, level, text) {
                LogPush::Logged => {
                    h.charge_write(examined);
                    return Ok(0);
                }
                LogPush::Throttled {
                    ready_at_ns: Some(t),
                    text: back,
                } if h.can_block() => {
                    text = back;
                    t
                }
                LogPush::Throttled { .. } => return Ok(ST_ERATE),
            }
        };
        park(&mut caller, Block::Sleep { until_ns }).await?;
    }
}

/// How much of a stdout/stderr write the app's log took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StdioWrite {
    /// Bytes consumed (in the line buffer or logged).
    pub consumed: usize,
    /// Set when a line could not be logged because the log bucket is empty: when it can be.
    pub throttled_until_ns: Option<i64>,
}

/// Appends `data` written to stdout (level info) or stderr (level warn) to the app's line
/// buffer; every complete line, or a buffer of [`MAX_STDIO_LINE_BYTES`], becomes a log line.
/// When a line meets an empty log bucket, a command app's write stops before it (a short
/// write, and the time the bucket can take it); a reactor's line is dropped and the write
/// goes on.
pub(crate) fn write_stdio(h: &mut Host<'_>, stderr: bool, data: &[u8]) -> StdioWrite {
    let level = if stderr {
        LogLevel::Warn
    } else {
        LogLevel::Info
    };
    let can_block = h.can_block();
    let mut consumed = 0;
    for chunk in data.split_inclusive(|&b| b == b'\n') {
        let (body, newline) = match chunk.split_last() {
            Some((b'\n', body)) => (body, true),
            _ => (chunk, false),
        };
        let app = h.app();
        let buf = if stderr {
            &mut app.stderr
        } else {
            &mut app.stdout
        };
        let room = MAX_STDIO_LINE_BYTES.saturating_sub(buf.len());
        let kept = body.get(..body.len().min(room)).unwrap_or_default();
        if !newline && buf.len() + kept.len() < MAX_STDIO_LINE_BYTES {
            buf.extend_from_slice(kept);
            consumed += chunk.len();
            continue;
        }
        let mut line = buf.clone();
        line.extend_from_slice(kept);
        match emit_log(h, level, sanitize_log(&line)) {
            LogPush::Throttled {
                ready_at_ns: Some(t),
                ..
            } if can_block => {
                return StdioWrite {
                    consumed,
                    throttled_until_ns: Some(t),
                };
            }
            LogPush::Logged | LogPush::Throttled { .. } => {}
        }
        let app = h.app();
        if stderr {
            app.stderr.clear();
        } else {
            app.stdout.clear();
        }
        consumed += chunk.len();
    }
    StdioWrite {
        consumed,
        throttled_until_ns: None,
    }
}

/// WASI `args_sizes_get(argc_ptr, size_ptr) -> errno`.
pub(crate) fn args_sizes_get(
    mut caller: AppCaller<'_>,
    argc_ptr: i32,
    size_ptr: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let argv = argv(&mut h);
    Ok(errno(sizes(&mut h, &argv, argc_ptr, size_ptr)))
}

/// WASI `args_get(ptrs, buf) -> errno`: the app's name, then its arguments.
pub(crate) fn args_get(mut caller: AppCaller<'_>, ptrs: i32, buf: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let argv = argv(&mut h);
    Ok(errno(strings(&mut h, &argv, ptrs, buf)))
}

/// WASI `environ_sizes_get(count_ptr, size_ptr) -> errno`.
pub(crate) fn environ_sizes_get(
    mut caller: AppCaller<'_>,
    count_ptr: i32,
    size_ptr: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let env = h.app().env.clone();
    Ok(errno(sizes(&mut h, &env, count_ptr, size_ptr)))
}

/// WASI `environ_get(ptrs, buf) -> errno`: `SKYTWIN_SATELLITE` and `SKYTWIN_APP`.
pub(crate) fn environ_get(mut caller: AppCaller<'_>, ptrs: i32, buf: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    let env = h.app().env.clone();
    Ok(errno(strings(&mut h, &env, ptrs, buf)))
}

/// WASI `random_get(ptr, len) -> errno`: bytes of the app's seeded ChaCha20 stream.
pub(crate) fn random_get(mut caller: AppCaller<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    h.charge_bytes(u64::from(len as u32));
    let Host { mem, bus, slot, .. } = &mut h;
    let Ok(buf) = mem.slice_mut(ptr, len) else {
        return Ok(EFAULT);
    };
    match bus.app_mut(*slot) {
        Some(app) => {
            app.rng.fill_bytes(buf);
            Ok(ESUCCESS)
        }
        None => Ok(EIO),
    }
}

/// WASI `proc_exit(code)`: unwinds the app, which exits with `code`.
pub(crate) fn proc_exit(mut caller: AppCaller<'_>, code: i32) -> wasmtime::Result<()> {
    enter(&mut caller, true)?;
    Err(wasmtime::Error::new(ProcExit(code)))
}

/// The app's `argv`: its name, then its arguments.
fn argv(h: &mut Host<'_>) -> Vec<String> {
    let app = h.app();
    std::iter::once(app.name.clone())
        .chain(app.args.iter().cloned())
        .collect()
}

/// Writes the count of `items` and their total size with terminating zeros.
fn sizes(h: &mut Host<'_>, items: &[String], count_ptr: i32, size_ptr: i32) -> Result<(), Errno> {
    let size: usize = items.iter().map(|s| s.len() + 1).sum();
    fault(h.mem.range(count_ptr, 4))?;
    fault(h.mem.range(size_ptr, 4))?;
    fault(h.mem.write_u32(count_ptr, items.len() as u32))?;
    fault(h.mem.write_u32(size_ptr, size as u32))
}

/// Writes `items` as zero-terminated strings into `buf` and a pointer to each into `ptrs`.
fn strings(h: &mut Host<'_>, items: &[String], ptrs: i32, buf: i32) -> Result<(), Errno> {
    let size: usize = items.iter().map(|s| s.len() + 1).sum();
    fault(h.mem.check_array(ptrs, items.len() as u32, 4))?;
    fault(h.mem.range(buf, size as u64))?;
    h.charge_bytes(size as u64);
    let mut at = buf as u32;
    for (i, s) in items.iter().enumerate() {
        fault(
            h.mem
                .write_u32((ptrs as u32).wrapping_add(4 * i as u32) as i32, at),
        )?;
        fault(h.mem.write(at as i32, s.as_bytes()))?;
        fault(h.mem.write_u8(at.wrapping_add(s.len() as u32) as i32, 0))?;
        at = at.wrapping_add(s.len() as u32 + 1);
    }
    Ok(())
}
