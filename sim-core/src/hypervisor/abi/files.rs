//! WASI files: the app's private directory `/data` (preopened as fd 3) in its in-memory
//! file store, and stdin/stdout/stderr (stdout and stderr become log lines).

use super::host::{AppCaller, Host, enter, errno, fault, park};
use super::process::write_stdio;
use crate::bus::app_state::{Block, Fd};
use crate::bus::vfs::{Stat, Vfs};
use crate::bus::wasi_types::{
    EBADF, EFAULT, EINVAL, EIO, EISDIR, ENAMETOOLONG, ENOTDIR, ESPIPE, ESUCCESS, Errno,
    FDFLAGS_APPEND, FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE,
    PREOPENTYPE_DIR, RIGHTS_ALL, SIZE_DIRENT, SIZE_FDSTAT, SIZE_FILESTAT, WHENCE_CUR, WHENCE_END,
    WHENCE_SET,
};

/// Name of the preopened directory.
pub const PREOPEN_NAME: &str = "/data";
/// Most bytes moved by one `fd_read`/`fd_write`/`fd_pread`/`fd_pwrite` (a short transfer
/// beyond; WASI callers loop). Bounds host work per call even with aliased iovecs.
pub const MAX_IO_BYTES_PER_CALL: u64 = 16 << 20;

/// `fd_write(fd, iovs, n, out) -> errno`. A command app writing to stdout or stderr when its
/// log bucket is empty waits until it has refilled (or gets a short count when part of the
/// data went out first).
pub(crate) async fn fd_write(
    caller: AppCaller<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    write_fd_waiting(caller, fd, iovs, n, None, out).await
}

/// `fd_pwrite(fd, iovs, n, offset, out) -> errno`.
pub(crate) async fn fd_pwrite(
    caller: AppCaller<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    offset: i64,
    out: i32,
) -> wasmtime::Result<i32> {
    write_fd_waiting(caller, fd, iovs, n, Some(offset as u64), out).await
}

/// [`write_fd`], waiting (and trying again) while nothing could be written because the log
/// bucket is empty.
async fn write_fd_waiting(
    mut caller: AppCaller<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    at: Option<u64>,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut charge = true;
    loop {
        let until_ns = {
            let mut h = enter(&mut caller, std::mem::take(&mut charge))?;
            match write_fd(&mut h, fd, iovs, n, at, out) {
                Written::Done(r) => return Ok(errno(r)),
                Written::WaitUntil(t) => t,
            }
        };
        park(&mut caller, Block::Sleep { until_ns }).await?;
    }
}

/// `fd_read(fd, iovs, n, out) -> errno`.
pub(crate) fn fd_read(
    mut caller: AppCaller<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(read_fd(&mut h, fd, iovs, n, None, out)))
}

/// `fd_pread(fd, iovs, n, offset, out) -> errno`.
pub(crate) fn fd_pread(
    mut caller: AppCaller<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    offset: i64,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(read_fd(
        &mut h,
        fd,
        iovs,
        n,
        Some(offset as u64),
        out,
    )))
}

/// `fd_seek(fd, offset, whence, out) -> errno`.
pub(crate) fn fd_seek(
    mut caller: AppCaller<'_>,
    fd: i32,
    offset: i64,
    whence: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(seek_fd(&mut h, fd, offset, whence, out)))
}

/// `fd_tell(fd, out) -> errno`: the current offset.
pub(crate) fn fd_tell(mut caller: AppCaller<'_>, fd: i32, out: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(seek_fd(&mut h, fd, 0, WHENCE_CUR, out)))
}

/// `fd_close(fd) -> errno`.
pub(crate) fn fd_close(mut caller: AppCaller<'_>, fd: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(match h.app().fds.remove(&(fd as u32)) {
        Some(_) => ESUCCESS,
        None => EBADF,
    })
}

/// `fd_sync(fd)` and `fd_datasync(fd) -> errno`: nothing to do (the store is memory).
pub(crate) fn fd_sync(mut caller: AppCaller<'_>, fd: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(if h.app().fds.contains_key(&(fd as u32)) {
        ESUCCESS
    } else {
        EBADF
    })
}

/// `fd_fdstat_get(fd, ptr) -> errno`.
pub(crate) fn fd_fdstat_get(mut caller: AppCaller<'_>, fd: i32, ptr: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(write_fdstat(&mut h, fd, ptr)))
}

/// `fd_fdstat_set_flags(fd, flags) -> errno`: only `APPEND` (of a file) has an effect.
pub(crate) fn fd_fdstat_set_flags(
    mut caller: AppCaller<'_>,
    fd: i32,
    flags: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(match h.app().fds.get_mut(&(fd as u32)) {
        Some(Fd::File { append, .. }) => {
            *append = flags as u16 & FDFLAGS_APPEND != 0;
            ESUCCESS
        }
        Some(_) => ESUCCESS,
        None => EBADF,
    })
}

/// `fd_filestat_get(fd, ptr) -> errno`.
pub(crate) fn fd_filestat_get(
    mut caller: AppCaller<'_>,
    fd: i32,
    ptr: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(write_filestat(&mut h, fd, ptr)))
}

/// `fd_filestat_set_size(fd, size) -> errno`: truncates or zero-extends a file.
pub(crate) fn fd_filestat_set_size(
    mut caller: AppCaller<'_>,
    fd: i32,
    size: i64,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
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
}

/// `fd_prestat_get(fd, ptr) -> errno`: the preopened directory's type and name length.
pub(crate) fn fd_prestat_get(
    mut caller: AppCaller<'_>,
    fd: i32,
    ptr: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, 8).is_err() {
        return Ok(EFAULT);
    }
    if !is_preopen(&mut h, fd) {
        return Ok(EBADF);
    }
    let mut b = [0u8; 8];
    b[0] = PREOPENTYPE_DIR;
    b[4..8].copy_from_slice(&(PREOPEN_NAME.len() as u32).to_le_bytes());
    Ok(errno(fault(h.mem.write(ptr, &b))))
}

/// `fd_prestat_dir_name(fd, ptr, len) -> errno`: `/data`.
pub(crate) fn fd_prestat_dir_name(
    mut caller: AppCaller<'_>,
    fd: i32,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(ptr, len).is_err() {
        return Ok(EFAULT);
    }
    if !is_preopen(&mut h, fd) {
        return Ok(EBADF);
    }
    if (len as u32 as usize) < PREOPEN_NAME.len() {
        return Ok(ENAMETOOLONG);
    }
    Ok(errno(fault(h.mem.write(ptr, PREOPEN_NAME.as_bytes()))))
}

/// `fd_readdir(fd, buf, len, cookie, out) -> errno`.
pub(crate) fn fd_readdir(
    mut caller: AppCaller<'_>,
    fd: i32,
    buf: i32,
    len: i32,
    cookie: i64,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(read_dir(&mut h, fd, buf, len, cookie as u64, out)))
}

/// `fd_renumber(from, to) -> errno`: moves descriptor `from` onto the open `to`.
pub(crate) fn fd_renumber(mut caller: AppCaller<'_>, from: i32, to: i32) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
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
}

/// Whether `fd` is the preopened directory.
fn is_preopen(h: &mut Host<'_>, fd: i32) -> bool {
    matches!(
        h.app().fds.get(&(fd as u32)),
        Some(Fd::Dir { preopen: true, .. })
    )
}

/// Runs a file-store operation with the computer's free storage.
pub(super) fn with_vfs<T>(
    h: &mut Host<'_>,
    f: impl FnOnce(&mut Vfs, u64) -> Result<T, Errno>,
) -> Result<T, Errno> {
    let free = h.bus.storage_free();
    let slot = h.slot;
    let app = h.bus.app_mut(slot).ok_or(EIO)?;
    f(&mut app.vfs, free)
}

/// A `filestat`: inode at 8, file type at 16, one link at 24, size at 32 (little-endian).
pub(super) fn filestat_bytes(st: Stat) -> [u8; SIZE_FILESTAT] {
    let mut b = [0u8; SIZE_FILESTAT];
    b[8..16].copy_from_slice(&st.ino.to_le_bytes());
    b[16] = st.filetype;
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&st.size.to_le_bytes());
    b
}

/// What a write did: finished (the errno, `out` written), or nothing written yet because the
/// log bucket is empty until the time given.
enum Written {
    Done(Result<(), Errno>),
    WaitUntil(i64),
}

/// `fd_write` and `fd_pwrite` (at offset `at`): stdout/stderr become log lines, files are
/// written through the file store; at most [`MAX_IO_BYTES_PER_CALL`] bytes.
fn write_fd(h: &mut Host<'_>, fd: i32, iovs: i32, n: i32, at: Option<u64>, out: i32) -> Written {
    let written = match write_iovecs(h, fd, iovs, n, at, out) {
        Ok(Ok(0)) => 0,
        Ok(Ok(k)) => {
            h.charge_write(k);
            k
        }
        Ok(Err(until_ns)) => return Written::WaitUntil(until_ns),
        Err(e) => return Written::Done(Err(e)),
    };
    Written::Done(fault(h.mem.write_u32(out, written as u32)))
}

/// The bytes a write moved (`Err(t)` inside: none, stdout/stderr must wait until `t`).
fn write_iovecs(
    h: &mut Host<'_>,
    fd: i32,
    iovs: i32,
    n: i32,
    at: Option<u64>,
    out: i32,
) -> Result<Result<u64, i64>, Errno> {
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
                let w = write_stdio(h, matches!(entry, Fd::Stderr), &data);
                written += w.consumed as u64;
                if let Some(t) = w.throttled_until_ns {
                    return Ok(if written == 0 { Err(t) } else { Ok(written) });
                }
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
    Ok(Ok(written))
}

/// `fd_read` and `fd_pread` (at offset `at`): stdin is empty; at most
/// [`MAX_IO_BYTES_PER_CALL`] bytes.
fn read_fd(
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

/// `fd_seek`: moves a file's offset and writes the new one to `out`.
fn seek_fd(h: &mut Host<'_>, fd: i32, off: i64, whence: i32, out: i32) -> Result<(), Errno> {
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

/// `fd_fdstat_get`: file type, flags and rights (24 bytes).
fn write_fdstat(h: &mut Host<'_>, fd: i32, ptr: i32) -> Result<(), Errno> {
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

/// `fd_filestat_get`: the descriptor's `filestat` (64 bytes).
fn write_filestat(h: &mut Host<'_>, fd: i32, ptr: i32) -> Result<(), Errno> {
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

/// `fd_readdir`: `.`, `..` and the entries from `cookie` on, as dirents, cut at `len` bytes.
fn read_dir(
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
