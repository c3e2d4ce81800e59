//! `wasi_snapshot_preview1`, implemented deterministically inside the simulation.
//!
//! Clocks are simulated, randomness is the app's seeded ChaCha stream, files live in the app's
//! in-memory [`Vfs`] under one preopened directory `/data` (fd 3), stdout/stderr become log
//! lines. Functions outside that set are defined (so any WASI module links) and return `ENOSYS`.

use rand::RngCore;
use wasmtime::{Caller, FuncType, Linker, Val, ValType};

use super::host::{Host, ProcExit, enter, park};
use super::skytwin::emit_log;
use super::wasi_types::*;
use super::{HostSig, WASI_P1, WASI_P1_MODULE, WasmTy};
use crate::bus::{Block, Fd, MAX_OPEN_FDS};
use crate::computer::events::LogLevel;
use crate::hypervisor::AppStyle;
use crate::hypervisor::ctx::AppCtx;
use crate::hypervisor::sanitize::sanitize_log;
use crate::hypervisor::vfs::{Stat, Vfs};

type R<T> = wasmtime::Result<T>;
type C<'a> = Caller<'a, AppCtx>;

const M: &str = WASI_P1_MODULE;

/// Name of the preopened directory.
pub const PREOPEN_NAME: &str = "/data";
/// Most bytes moved by one `fd_read`/`fd_write`/`fd_pread`/`fd_pwrite` (a short transfer
/// beyond; WASI callers loop). Bounds host work per call even with aliased iovecs.
pub const MAX_IO_BYTES_PER_CALL: u64 = 16 << 20;
/// stdout/stderr bytes buffered without a newline before they are logged as a line.
pub const MAX_STDIO_LINE_BYTES: usize = 4096;
/// Most subscriptions in one `poll_oneoff`.
pub const MAX_POLL_SUBSCRIPTIONS: u32 = 1024;

/// Functions defined to return `ENOSYS`.
const NOT_IMPLEMENTED: &[&str] = &[
    "fd_advise",
    "fd_allocate",
    "fd_fdstat_set_rights",
    "fd_filestat_set_times",
    "path_filestat_set_times",
    "path_link",
    "path_readlink",
    "path_symlink",
    "proc_raise",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

fn errno(r: Result<(), Errno>) -> i32 {
    match r {
        Ok(()) => ESUCCESS,
        Err(e) => e,
    }
}

fn fault<T>(r: Result<T, crate::hypervisor::guest_mem::Fault>) -> Result<T, Errno> {
    r.map_err(|_| EFAULT)
}

pub(crate) fn define(l: &mut Linker<AppCtx>) -> R<()> {
    for name in NOT_IMPLEMENTED {
        let Some(sig) = WASI_P1.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        define_enosys(l, *sig)?;
    }
    l.func_wrap(
        M,
        "args_sizes_get",
        |mut c: C<'_>, argc_ptr: i32, size_ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let argv = argv(&mut h);
            Ok(errno(sizes(&mut h, &argv, argc_ptr, size_ptr)))
        },
    )?;
    l.func_wrap(
        M,
        "args_get",
        |mut c: C<'_>, ptrs: i32, buf: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let argv = argv(&mut h);
            Ok(errno(strings(&mut h, &argv, ptrs, buf)))
        },
    )?;
    l.func_wrap(
        M,
        "environ_sizes_get",
        |mut c: C<'_>, count_ptr: i32, size_ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let env = h.app().env.clone();
            Ok(errno(sizes(&mut h, &env, count_ptr, size_ptr)))
        },
    )?;
    l.func_wrap(
        M,
        "environ_get",
        |mut c: C<'_>, ptrs: i32, buf: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let env = h.app().env.clone();
            Ok(errno(strings(&mut h, &env, ptrs, buf)))
        },
    )?;
    l.func_wrap(
        M,
        "clock_res_get",
        |mut c: C<'_>, id: i32, ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.range(ptr, 8).is_err() {
                return Ok(EFAULT);
            }
            if !(CLOCK_REALTIME..=CLOCK_THREAD_CPUTIME).contains(&id) {
                return Ok(EINVAL);
            }
            Ok(errno(fault(h.mem.write_u64(ptr, 1))))
        },
    )?;
    l.func_wrap(
        M,
        "clock_time_get",
        |mut c: C<'_>, id: i32, _precision: i64, ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.range(ptr, 8).is_err() {
                return Ok(EFAULT);
            }
            let Some(t) = clock_now(&mut h, id) else {
                return Ok(EINVAL);
            };
            Ok(errno(fault(h.mem.write_u64(ptr, t as u64))))
        },
    )?;
    l.func_wrap(
        M,
        "random_get",
        |mut c: C<'_>, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
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
        },
    )?;
    l.func_wrap(
        M,
        "fd_write",
        |mut c: C<'_>, fd: i32, iovs: i32, n: i32, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_write(&mut h, fd, iovs, n, None, out)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_pwrite",
        |mut c: C<'_>, fd: i32, iovs: i32, n: i32, off: i64, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_write(&mut h, fd, iovs, n, Some(off as u64), out)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_read",
        |mut c: C<'_>, fd: i32, iovs: i32, n: i32, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_read(&mut h, fd, iovs, n, None, out)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_pread",
        |mut c: C<'_>, fd: i32, iovs: i32, n: i32, off: i64, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_read(&mut h, fd, iovs, n, Some(off as u64), out)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_seek",
        |mut c: C<'_>, fd: i32, off: i64, whence: i32, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_seek(&mut h, fd, off, whence, out)))
        },
    )?;
    l.func_wrap(M, "fd_tell", |mut c: C<'_>, fd: i32, out: i32| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        Ok(errno(fd_seek(&mut h, fd, 0, WHENCE_CUR, out)))
    })?;
    l.func_wrap(M, "fd_close", |mut c: C<'_>, fd: i32| -> R<i32> {
        let mut h = enter(&mut c, true)?;
        Ok(match h.app().fds.remove(&(fd as u32)) {
            Some(_) => ESUCCESS,
            None => EBADF,
        })
    })?;
    for name in ["fd_sync", "fd_datasync"] {
        l.func_wrap(M, name, |mut c: C<'_>, fd: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(if h.app().fds.contains_key(&(fd as u32)) {
                ESUCCESS
            } else {
                EBADF
            })
        })?;
    }
    l.func_wrap(
        M,
        "fd_fdstat_get",
        |mut c: C<'_>, fd: i32, ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_fdstat_get(&mut h, fd, ptr)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_fdstat_set_flags",
        |mut c: C<'_>, fd: i32, flags: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(match h.app().fds.get_mut(&(fd as u32)) {
                Some(Fd::File { append, .. }) => {
                    *append = flags as u16 & FDFLAGS_APPEND != 0;
                    ESUCCESS
                }
                Some(_) => ESUCCESS,
                None => EBADF,
            })
        },
    )?;
    l.func_wrap(
        M,
        "fd_filestat_get",
        |mut c: C<'_>, fd: i32, ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_filestat_get(&mut h, fd, ptr)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_filestat_set_size",
        |mut c: C<'_>, fd: i32, size: i64| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let path = match h.app().fds.get(&(fd as u32)) {
                Some(Fd::File { path, .. }) => path.clone(),
                Some(_) => return Ok(EINVAL),
                None => return Ok(EBADF),
            };
            if size < 0 {
                return Ok(EINVAL);
            }
            Ok(errno(with_vfs(&mut h, |vfs, free| {
                vfs.set_size(&path, size as u64, free)
            })))
        },
    )?;
    l.func_wrap(
        M,
        "fd_prestat_get",
        |mut c: C<'_>, fd: i32, ptr: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, 8).is_err() {
                return Ok(EFAULT);
            }
            if !matches!(
                h.app().fds.get(&(fd as u32)),
                Some(Fd::Dir { preopen: true, .. })
            ) {
                return Ok(EBADF);
            }
            let mut b = [0u8; 8];
            b[0] = PREOPENTYPE_DIR;
            b[4..8].copy_from_slice(&(PREOPEN_NAME.len() as u32).to_le_bytes());
            Ok(errno(fault(h.mem.write(ptr, &b))))
        },
    )?;
    l.func_wrap(
        M,
        "fd_prestat_dir_name",
        |mut c: C<'_>, fd: i32, ptr: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(ptr, len).is_err() {
                return Ok(EFAULT);
            }
            if !matches!(
                h.app().fds.get(&(fd as u32)),
                Some(Fd::Dir { preopen: true, .. })
            ) {
                return Ok(EBADF);
            }
            if (len as u32 as usize) < PREOPEN_NAME.len() {
                return Ok(ENAMETOOLONG);
            }
            Ok(errno(fault(h.mem.write(ptr, PREOPEN_NAME.as_bytes()))))
        },
    )?;
    l.func_wrap(
        M,
        "fd_readdir",
        |mut c: C<'_>, fd: i32, buf: i32, len: i32, cookie: i64, out: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(fd_readdir(&mut h, fd, buf, len, cookie as u64, out)))
        },
    )?;
    l.func_wrap(
        M,
        "fd_renumber",
        |mut c: C<'_>, from: i32, to: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            let fds = &mut h.app().fds;
            if !fds.contains_key(&(to as u32)) {
                return Ok(EBADF);
            }
            match fds.remove(&(from as u32)) {
                Some(entry) => {
                    fds.insert(to as u32, entry);
                    Ok(ESUCCESS)
                }
                None => Ok(EBADF),
            }
        },
    )?;
    l.func_wrap(
        M,
        "path_open",
        |mut c: C<'_>,
         dirfd: i32,
         _dirflags: i32,
         path: i32,
         path_len: i32,
         oflags: i32,
         _rights: i64,
         _inheriting: i64,
         fdflags: i32,
         out: i32|
         -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(path_open(
                &mut h,
                dirfd,
                path,
                path_len,
                oflags as u32,
                fdflags as u16,
                out,
            )))
        },
    )?;
    l.func_wrap(
        M,
        "path_create_directory",
        |mut c: C<'_>, fd: i32, path: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(resolve(&mut h, fd, path, len).and_then(|p| {
                with_vfs(&mut h, |v, free| v.create_dir(&p, free))
            })))
        },
    )?;
    l.func_wrap(
        M,
        "path_remove_directory",
        |mut c: C<'_>, fd: i32, path: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(
                resolve(&mut h, fd, path, len)
                    .and_then(|p| with_vfs(&mut h, |v, _| v.remove_dir(&p))),
            ))
        },
    )?;
    l.func_wrap(
        M,
        "path_unlink_file",
        |mut c: C<'_>, fd: i32, path: i32, len: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            Ok(errno(
                resolve(&mut h, fd, path, len).and_then(|p| with_vfs(&mut h, |v, _| v.unlink(&p))),
            ))
        },
    )?;
    l.func_wrap(
        M,
        "path_rename",
        |mut c: C<'_>,
         fd: i32,
         old: i32,
         old_len: i32,
         new_fd: i32,
         new: i32,
         new_len: i32|
         -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(old, old_len).is_err() || h.mem.slice(new, new_len).is_err() {
                return Ok(EFAULT);
            }
            let r = resolve(&mut h, fd, old, old_len).and_then(|from| {
                let to = resolve(&mut h, new_fd, new, new_len)?;
                with_vfs(&mut h, |v, _| v.rename(&from, &to))
            });
            Ok(errno(r))
        },
    )?;
    l.func_wrap(
        M,
        "path_filestat_get",
        |mut c: C<'_>, fd: i32, _flags: i32, path: i32, len: i32, buf: i32| -> R<i32> {
            let mut h = enter(&mut c, true)?;
            if h.mem.slice(buf, SIZE_FILESTAT as i32).is_err() {
                return Ok(EFAULT);
            }
            let r = resolve(&mut h, fd, path, len).and_then(|p| {
                let st = h.app().vfs.stat(&p)?;
                fault(h.mem.write(buf, &filestat_bytes(st)))
            });
            Ok(errno(r))
        },
    )?;
    l.func_wrap_async(
        M,
        "poll_oneoff",
        |mut c: C<'_>, (subs, events, n, out): (i32, i32, i32, i32)| {
            Box::new(async move { poll_oneoff(&mut c, subs, events, n, out).await })
        },
    )?;
    l.func_wrap_async(M, "sched_yield", |mut c: C<'_>, (): ()| {
        Box::new(async move {
            let reactor = {
                let mut h = enter(&mut c, true)?;
                h.app().style == AppStyle::Reactor
            };
            if !reactor {
                park(&mut c, Block::Yield).await?;
            }
            Ok(ESUCCESS)
        })
    })?;
    l.func_wrap(M, "proc_exit", |mut c: C<'_>, code: i32| -> R<()> {
        enter(&mut c, true)?;
        Err(wasmtime::Error::new(ProcExit(code)))
    })?;
    Ok(())
}

fn define_enosys(l: &mut Linker<AppCtx>, (name, params, results): HostSig) -> R<()> {
    let vt = |t: &WasmTy| match t {
        WasmTy::I32 => ValType::I32,
        WasmTy::I64 => ValType::I64,
        WasmTy::F64 => ValType::F64,
    };
    let ty = FuncType::new(l.engine(), params.iter().map(vt), results.iter().map(vt));
    l.func_new(
        M,
        name,
        ty,
        |mut c: C<'_>, _params: &[Val], results: &mut [Val]| {
            enter(&mut c, true)?;
            if let Some(r) = results.first_mut() {
                *r = Val::I32(ENOSYS);
            }
            Ok(())
        },
    )?;
    Ok(())
}

fn argv(h: &mut Host<'_>) -> Vec<String> {
    let app = h.app();
    std::iter::once(app.name.clone())
        .chain(app.args.iter().cloned())
        .collect()
}

fn sizes(h: &mut Host<'_>, items: &[String], count_ptr: i32, size_ptr: i32) -> Result<(), Errno> {
    let size: usize = items.iter().map(|s| s.len() + 1).sum();
    fault(h.mem.range(count_ptr, 4))?;
    fault(h.mem.range(size_ptr, 4))?;
    fault(h.mem.write_u32(count_ptr, items.len() as u32))?;
    fault(h.mem.write_u32(size_ptr, size as u32))
}

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

/// The app's reading of WASI clock `id`, ns; `None` for an unknown clock.
fn clock_now(h: &mut Host<'_>, id: i32) -> Option<i64> {
    let now = h.now_ns;
    let rate = h.bus.clock.rate_ips.max(1);
    let app = h.app();
    match id {
        CLOCK_REALTIME => Some(now),
        CLOCK_MONOTONIC => Some(now.saturating_sub(app.started_ns).max(0)),
        CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => {
            let ns = u128::from(app.exec.instructions()) * 1_000_000_000 / u128::from(rate);
            Some(i64::try_from(ns).unwrap_or(i64::MAX))
        }
        _ => None,
    }
}

/// Runs a file-store operation with the computer's free storage.
fn with_vfs<T>(
    h: &mut Host<'_>,
    f: impl FnOnce(&mut Vfs, u64) -> Result<T, Errno>,
) -> Result<T, Errno> {
    let free = h.bus.storage_free();
    let slot = h.slot;
    let app = h.bus.app_mut(slot).ok_or(EIO)?;
    f(&mut app.vfs, free)
}

/// Resolves a guest path relative to directory descriptor `fd`.
fn resolve(h: &mut Host<'_>, fd: i32, path: i32, len: i32) -> Result<String, Errno> {
    let rel = fault(h.mem.slice(path, len))?.to_vec();
    h.charge_bytes(rel.len() as u64);
    match h.app().fds.get(&(fd as u32)) {
        Some(Fd::Dir { path: base, .. }) => Vfs::resolve(base, &rel),
        Some(_) => Err(ENOTDIR),
        None => Err(EBADF),
    }
}

fn filestat_bytes(st: Stat) -> [u8; SIZE_FILESTAT] {
    let mut b = [0u8; SIZE_FILESTAT];
    b[8..16].copy_from_slice(&st.ino.to_le_bytes());
    b[16] = st.filetype;
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&st.size.to_le_bytes());
    b
}

fn write_stdio(h: &mut Host<'_>, stderr: bool, data: &[u8]) {
    let level = if stderr {
        LogLevel::Warn
    } else {
        LogLevel::Info
    };
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
        buf.extend_from_slice(body.get(..body.len().min(room)).unwrap_or_default());
        if newline || buf.len() >= MAX_STDIO_LINE_BYTES {
            let line = std::mem::take(buf);
            emit_log(h, level, sanitize_log(&line));
        }
    }
}

fn fd_write(
    h: &mut Host<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    at: Option<u64>,
    out: i32,
) -> Result<(), Errno> {
    let iovs = fault(h.mem.read_iovecs(iovs, n))?;
    fault(h.mem.range(out, 4))?;
    let entry = h.app().fds.get(&(fd as u32)).cloned().ok_or(EBADF)?;
    let mut written: u64 = 0;
    match entry {
        Fd::Stdout | Fd::Stderr => {
            if at.is_some() {
                return Err(ESPIPE);
            }
            for (ptr, len) in iovs {
                let take = (u64::from(len as u32)).min(MAX_IO_BYTES_PER_CALL - written);
                let data = fault(h.mem.slice(ptr, take as i32))?.to_vec();
                write_stdio(h, matches!(entry, Fd::Stderr), &data);
                written += take;
                if written >= MAX_IO_BYTES_PER_CALL {
                    break;
                }
            }
        }
        Fd::File {
            path,
            offset,
            append,
        } => {
            let mut pos = match (at, append) {
                (Some(p), _) => p,
                (None, true) => h.app().vfs.stat(&path).map(|s| s.size).map_err(|_| EBADF)?,
                (None, false) => offset,
            };
            for (ptr, len) in iovs {
                let take = (u64::from(len as u32)).min(MAX_IO_BYTES_PER_CALL - written);
                let data = fault(h.mem.slice(ptr, take as i32))?.to_vec();
                match with_vfs(h, |v, free| v.write_at(&path, pos, &data, free)) {
                    Ok(k) => {
                        pos += k as u64;
                        written += k as u64;
                    }
                    Err(e) if written == 0 => return Err(e),
                    Err(_) => break,
                }
                if written >= MAX_IO_BYTES_PER_CALL {
                    break;
                }
            }
            if at.is_none()
                && let Some(Fd::File { offset, .. }) = h.app().fds.get_mut(&(fd as u32))
            {
                *offset = pos;
            }
        }
        Fd::Stdin | Fd::Dir { .. } => return Err(EBADF),
    }
    h.charge_bytes(written);
    fault(h.mem.write_u32(out, written as u32))
}

fn fd_read(
    h: &mut Host<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    at: Option<u64>,
    out: i32,
) -> Result<(), Errno> {
    let iovs = fault(h.mem.read_iovecs(iovs, n))?;
    fault(h.mem.range(out, 4))?;
    let entry = h.app().fds.get(&(fd as u32)).cloned().ok_or(EBADF)?;
    let mut read: u64 = 0;
    match entry {
        Fd::Stdin => {
            if at.is_some() {
                return Err(ESPIPE);
            }
        }
        Fd::File { path, offset, .. } => {
            let mut pos = at.unwrap_or(offset);
            for (ptr, len) in iovs {
                let take = (u64::from(len as u32)).min(MAX_IO_BYTES_PER_CALL - read) as i32;
                let Host { mem, bus, slot, .. } = &mut *h;
                let buf = fault(mem.slice_mut(ptr, take))?;
                let app = bus.app_mut(*slot).ok_or(EIO)?;
                let k = app.vfs.read_at(&path, pos, buf)?;
                pos += k as u64;
                read += k as u64;
                if k < buf.len() || read >= MAX_IO_BYTES_PER_CALL {
                    break;
                }
            }
            if at.is_none()
                && let Some(Fd::File { offset, .. }) = h.app().fds.get_mut(&(fd as u32))
            {
                *offset = pos;
            }
        }
        Fd::Stdout | Fd::Stderr | Fd::Dir { .. } => return Err(EBADF),
    }
    h.charge_bytes(read);
    fault(h.mem.write_u32(out, read as u32))
}

fn fd_seek(h: &mut Host<'_>, fd: i32, off: i64, whence: i32, out: i32) -> Result<(), Errno> {
    fault(h.mem.range(out, 8))?;
    let app = h.app();
    let size = match app.fds.get(&(fd as u32)) {
        Some(Fd::File { path, .. }) => app.vfs.stat(path).map(|s| s.size).unwrap_or(0),
        Some(Fd::Dir { .. }) => return Err(EISDIR),
        Some(_) => return Err(ESPIPE),
        None => return Err(EBADF),
    };
    let Some(Fd::File { offset, .. }) = app.fds.get_mut(&(fd as u32)) else {
        return Err(EBADF);
    };
    let base = match whence {
        WHENCE_SET => 0,
        WHENCE_CUR => *offset as i128,
        WHENCE_END => size as i128,
        _ => return Err(EINVAL),
    };
    let new = base + i128::from(off);
    if new < 0 || new > i128::from(i64::MAX) {
        return Err(EINVAL);
    }
    *offset = new as u64;
    fault(h.mem.write_u64(out, new as u64))
}

fn fd_fdstat_get(h: &mut Host<'_>, fd: i32, ptr: i32) -> Result<(), Errno> {
    fault(h.mem.range(ptr, SIZE_FDSTAT as u64))?;
    let (filetype, flags) = match h.app().fds.get(&(fd as u32)) {
        Some(Fd::Stdin | Fd::Stdout | Fd::Stderr) => (FILETYPE_CHARACTER_DEVICE, 0),
        Some(Fd::Dir { .. }) => (FILETYPE_DIRECTORY, 0),
        Some(Fd::File { append, .. }) => (
            FILETYPE_REGULAR_FILE,
            if *append { FDFLAGS_APPEND } else { 0 },
        ),
        None => return Err(EBADF),
    };
    let mut b = [0u8; SIZE_FDSTAT];
    b[0] = filetype;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&RIGHTS_ALL.to_le_bytes());
    b[16..24].copy_from_slice(&RIGHTS_ALL.to_le_bytes());
    fault(h.mem.write(ptr, &b))
}

fn fd_filestat_get(h: &mut Host<'_>, fd: i32, ptr: i32) -> Result<(), Errno> {
    fault(h.mem.range(ptr, SIZE_FILESTAT as u64))?;
    let app = h.app();
    let st = match app.fds.get(&(fd as u32)) {
        Some(Fd::File { path, .. } | Fd::Dir { path, .. }) => app.vfs.stat(path)?,
        Some(_) => Stat {
            filetype: FILETYPE_CHARACTER_DEVICE,
            size: 0,
            ino: 0,
        },
        None => return Err(EBADF),
    };
    fault(h.mem.write(ptr, &filestat_bytes(st)))
}

fn fd_readdir(
    h: &mut Host<'_>,
    fd: i32,
    buf: i32,
    len: i32,
    cookie: u64,
    out: i32,
) -> Result<(), Errno> {
    fault(h.mem.range(buf, u64::from(len as u32)))?;
    fault(h.mem.range(out, 4))?;
    let app = h.app();
    let dir = match app.fds.get(&(fd as u32)) {
        Some(Fd::Dir { path, .. }) => path.clone(),
        Some(_) => return Err(ENOTDIR),
        None => return Err(EBADF),
    };
    let dir_stat = app.vfs.stat(&dir)?;
    // ".", "..", then the entries; only those written are stat'ed (no work per skipped entry
    // beyond stepping over it).
    let names = [".", ".."].into_iter().chain(app.vfs.entry_names(&dir)?);
    let cap = len as u32 as usize;
    let mut bytes: Vec<u8> = Vec::new();
    for (i, name) in names
        .enumerate()
        .skip(usize::try_from(cookie).unwrap_or(usize::MAX))
    {
        if bytes.len() >= cap {
            break;
        }
        let st = if i < 2 {
            dir_stat
        } else if dir.is_empty() {
            app.vfs.stat(name)?
        } else {
            app.vfs.stat(&format!("{dir}/{name}"))?
        };
        let mut d = [0u8; SIZE_DIRENT];
        d[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        d[8..16].copy_from_slice(&st.ino.to_le_bytes());
        d[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        d[20] = st.filetype;
        bytes.extend_from_slice(&d);
        bytes.extend_from_slice(name.as_bytes());
    }
    bytes.truncate(cap);
    h.charge_bytes(bytes.len() as u64);
    fault(h.mem.write(buf, &bytes))?;
    fault(h.mem.write_u32(out, bytes.len() as u32))
}

fn path_open(
    h: &mut Host<'_>,
    dirfd: i32,
    path: i32,
    len: i32,
    oflags: u32,
    fdflags: u16,
    out: i32,
) -> Result<(), Errno> {
    fault(h.mem.range(out, 4))?;
    let p = resolve(h, dirfd, path, len)?;
    if h.app().fds.len() >= MAX_OPEN_FDS {
        return Err(EMFILE);
    }
    let is_dir = with_vfs(h, |v, free| v.open(&p, oflags, free))?;
    let fds = &mut h.app().fds;
    let fd = (0u32..).find(|n| !fds.contains_key(n)).unwrap_or(u32::MAX);
    let entry = if is_dir {
        Fd::Dir {
            path: p,
            preopen: false,
        }
    } else {
        Fd::File {
            path: p,
            offset: 0,
            append: fdflags & FDFLAGS_APPEND != 0,
        }
    };
    fds.insert(fd, entry);
    fault(h.mem.write_u32(out, fd))
}

/// One parsed `poll_oneoff` subscription.
struct Sub {
    userdata: u64,
    kind: u8,
    /// Clock deadline (POSIX ns), or the error to report.
    deadline: Result<i64, Errno>,
    fd: u32,
}

async fn poll_oneoff(c: &mut C<'_>, subs: i32, events: i32, n: i32, out: i32) -> R<i32> {
    let (parsed, wait_until) = {
        let mut h = enter(c, true)?;
        let n = n as u32;
        if n == 0 || n > MAX_POLL_SUBSCRIPTIONS {
            return Ok(EINVAL);
        }
        if h.mem.check_array(subs, n, SIZE_SUBSCRIPTION).is_err()
            || h.mem.check_array(events, n, SIZE_EVENT).is_err()
            || h.mem.range(out, 4).is_err()
        {
            return Ok(EFAULT);
        }
        let now = h.now_ns;
        let started = h.app().started_ns;
        let mut parsed = Vec::with_capacity(n as usize);
        for i in 0..n {
            let at = (subs as u32).wrapping_add(i * SIZE_SUBSCRIPTION) as i32;
            let rd = |off: u32| at.wrapping_add(off as i32);
            let (Ok(userdata), Ok(kind), Ok(word)) = (
                h.mem.read_u64(at),
                h.mem.read_u8(rd(8)),
                h.mem.read_u32(rd(16)),
            ) else {
                return Ok(EFAULT);
            };
            let (Ok(timeout), Ok(flags)) = (h.mem.read_u64(rd(24)), h.mem.read_u16(rd(40))) else {
                return Ok(EFAULT);
            };
            let deadline = match kind {
                EVENTTYPE_CLOCK => {
                    let timeout = i64::try_from(timeout).unwrap_or(i64::MAX);
                    let abs = flags & SUBCLOCKFLAGS_ABSTIME != 0;
                    match word as i32 {
                        CLOCK_REALTIME if abs => Ok(timeout),
                        CLOCK_MONOTONIC if abs => Ok(started.saturating_add(timeout)),
                        CLOCK_REALTIME | CLOCK_MONOTONIC => Ok(now.saturating_add(timeout)),
                        CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => Err(ENOTSUP),
                        _ => Err(EINVAL),
                    }
                }
                EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => Ok(now),
                _ => Err(EINVAL),
            };
            parsed.push(Sub {
                userdata,
                kind,
                deadline,
                fd: word,
            });
        }
        let immediate = parsed
            .iter()
            .any(|s| s.kind != EVENTTYPE_CLOCK || s.deadline.is_err());
        let earliest = parsed
            .iter()
            .filter_map(|s| s.deadline.ok())
            .min()
            .unwrap_or(now);
        let reactor = h.app().style == AppStyle::Reactor;
        let wait_until = (!immediate && earliest > now).then_some(earliest);
        if wait_until.is_some() && reactor {
            return Ok(ENOTSUP);
        }
        (parsed, wait_until)
    };
    if let Some(until_ns) = wait_until {
        park(c, Block::Sleep { until_ns }).await?;
    }
    let mut h = enter(c, false)?;
    let now = h.now_ns;
    let mut count: u32 = 0;
    for s in &parsed {
        let (ready, err, nbytes) = match (s.kind, s.deadline) {
            (_, Err(e)) => (true, e, 0u64),
            (EVENTTYPE_CLOCK, Ok(d)) => (d <= now, ESUCCESS, 0),
            (_, Ok(_)) => match h.app().fds.get(&s.fd).cloned() {
                None => (true, EBADF, 0),
                Some(Fd::File { path, offset, .. }) if s.kind == EVENTTYPE_FD_READ => {
                    let size = h.app().vfs.stat(&path).map(|st| st.size).unwrap_or(0);
                    (true, ESUCCESS, size.saturating_sub(offset))
                }
                Some(_) => (true, ESUCCESS, 0),
            },
        };
        if !ready {
            continue;
        }
        let at = (events as u32).wrapping_add(count * SIZE_EVENT) as i32;
        let mut b = [0u8; SIZE_EVENT as usize];
        b[0..8].copy_from_slice(&s.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&(err as u16).to_le_bytes());
        b[10] = s.kind;
        b[16..24].copy_from_slice(&nbytes.to_le_bytes());
        if h.mem.write(at, &b).is_err() {
            return Ok(EFAULT);
        }
        count += 1;
    }
    h.charge_bytes(u64::from(count) * u64::from(SIZE_EVENT));
    Ok(errno(fault(h.mem.write_u32(out, count))))
}
