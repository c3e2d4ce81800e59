//! `skytwin_v1`: commands uplinked from the ground, waiting in the app's inbox.

use super::host::{AppCaller, enter};
use crate::abi_codes::{ST_E2BIG, ST_EAGAIN, ST_EFAULT};

/// `command_next_len() -> i32`: the length of the next command, or `ST_EAGAIN`.
pub(crate) fn command_next_len(mut caller: AppCaller<'_>) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(h.app()
        .commands
        .front()
        .map_or(ST_EAGAIN, |m| m.len() as i32))
}

/// `command_recv(ptr, len) -> i32`: takes the next command into `(ptr, len)`; its length.
pub(crate) fn command_recv(mut caller: AppCaller<'_>, ptr: i32, len: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() {
        return Ok(ST_EFAULT);
    }
    let Some(msg) = h.app().commands.front() else {
        return Ok(ST_EAGAIN);
    };
    if msg.len() > len as u32 as usize {
        return Ok(ST_E2BIG);
    }
    let msg = h.app().commands.pop_front().unwrap_or_default();
    h.charge_bytes(msg.len() as u64);
    Ok(match h.mem.write(ptr, &msg) {
        Ok(()) => msg.len() as i32,
        Err(_) => ST_EFAULT,
    })
}
