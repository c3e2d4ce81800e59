//! WASI paths under the app's private directory `/data`: opening, creating, removing,
//! renaming and stat-ing files and directories in its in-memory file store.

use super::files::{filestat_bytes, with_vfs};
use super::host::{AppCaller, Host, enter, errno, fault};
use crate::bus::app_state::{Fd, MAX_OPEN_FDS};
use crate::bus::vfs::Vfs;
use crate::bus::wasi_types::{
    EBADF, EFAULT, EMFILE, ENOTDIR, Errno, FDFLAGS_APPEND, SIZE_FILESTAT,
};

/// `path_open(dirfd, dirflags, path, path_len, oflags, rights, inheriting, fdflags, out)
/// -> errno` (rights are not used for access control).
#[allow(clippy::too_many_arguments)]
pub(crate) fn path_open(
    mut caller: AppCaller<'_>,
    dirfd: i32,
    _dirflags: i32,
    path: i32,
    path_len: i32,
    oflags: i32,
    _rights: i64,
    _inheriting: i64,
    fdflags: i32,
    out: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(errno(open_path(
        &mut h,
        dirfd,
        path,
        path_len,
        oflags as u32,
        fdflags as u16,
        out,
    )))
}

/// `path_create_directory(fd, path, len) -> errno`.
pub(crate) fn path_create_directory(
    mut caller: AppCaller<'_>,
    fd: i32,
    path: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(on_path(&mut h, fd, path, len, |vfs, p, free| {
        vfs.create_dir(p, free)
    }))
}

/// `path_remove_directory(fd, path, len) -> errno`: an empty directory.
pub(crate) fn path_remove_directory(
    mut caller: AppCaller<'_>,
    fd: i32,
    path: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(on_path(&mut h, fd, path, len, |vfs, p, _| {
        vfs.remove_dir(p)
    }))
}

/// `path_unlink_file(fd, path, len) -> errno`.
pub(crate) fn path_unlink_file(
    mut caller: AppCaller<'_>,
    fd: i32,
    path: i32,
    len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    Ok(on_path(&mut h, fd, path, len, |vfs, p, _| vfs.unlink(p)))
}

/// `path_rename(fd, old, old_len, new_fd, new, new_len) -> errno`.
pub(crate) fn path_rename(
    mut caller: AppCaller<'_>,
    fd: i32,
    old: i32,
    old_len: i32,
    new_fd: i32,
    new: i32,
    new_len: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(old, old_len).is_err() || h.mem.slice(new, new_len).is_err() {
        return Ok(EFAULT);
    }
    let r = resolve(&mut h, fd, old, old_len).and_then(|from| {
        let to = resolve(&mut h, new_fd, new, new_len)?;
        with_vfs(&mut h, |v, _| v.rename(&from, &to))
    });
    Ok(errno(r))
}

/// `path_filestat_get(fd, flags, path, len, buf) -> errno`.
pub(crate) fn path_filestat_get(
    mut caller: AppCaller<'_>,
    fd: i32,
    _flags: i32,
    path: i32,
    len: i32,
    buf: i32,
) -> wasmtime::Result<i32> {
    let mut h = enter(&mut caller, true)?;
    if h.mem.slice(buf, SIZE_FILESTAT as i32).is_err() {
        return Ok(EFAULT);
    }
    let r = resolve(&mut h, fd, path, len).and_then(|p| {
        let st = h.app().vfs.stat(&p)?;
        fault(h.mem.write(buf, &filestat_bytes(st)))
    });
    Ok(errno(r))
}

/// Runs a file-store operation on the guest path `(path, len)` under directory `fd`, with
/// the computer's free storage; the errno.
fn on_path(
    h: &mut Host<'_>,
    fd: i32,
    path: i32,
    len: i32,
    op: impl FnOnce(&mut Vfs, &str, u64) -> Result<(), Errno>,
) -> i32 {
    errno(resolve(h, fd, path, len).and_then(|p| with_vfs(h, |vfs, free| op(vfs, &p, free))))
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

/// `path_open`: opens (or creates) a file or directory under `dirfd`; the new descriptor
/// is the lowest free one.
fn open_path(
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
