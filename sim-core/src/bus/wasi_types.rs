//! WASI preview 1 constants (`wasi_snapshot_preview1`), from wasi-libc's `wasi/api.h`
//! (generated from the witx definitions; the static asserts there fix every offset used here).

#![allow(missing_docs)]

/// A WASI `errno` (`u16` in the ABI, returned as `i32`).
pub type Errno = i32;

pub const ESUCCESS: Errno = 0;
pub const E2BIG: Errno = 1;
pub const EACCES: Errno = 2;
pub const EBADF: Errno = 8;
pub const EEXIST: Errno = 20;
pub const EFAULT: Errno = 21;
pub const EFBIG: Errno = 22;
pub const EILSEQ: Errno = 25;
pub const EINVAL: Errno = 28;
pub const EIO: Errno = 29;
pub const EISDIR: Errno = 31;
pub const EMFILE: Errno = 33;
pub const ENAMETOOLONG: Errno = 37;
pub const ENOENT: Errno = 44;
pub const ENOSPC: Errno = 51;
pub const ENOSYS: Errno = 52;
pub const ENOTDIR: Errno = 54;
pub const ENOTEMPTY: Errno = 55;
pub const ENOTSUP: Errno = 58;
pub const EOVERFLOW: Errno = 61;
pub const EPERM: Errno = 63;
pub const ESPIPE: Errno = 70;
pub const ENOTCAPABLE: Errno = 76;

// filetype
pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;

// oflags
pub const OFLAGS_CREAT: u32 = 1;
pub const OFLAGS_DIRECTORY: u32 = 2;
pub const OFLAGS_EXCL: u32 = 4;
pub const OFLAGS_TRUNC: u32 = 8;

// fdflags
pub const FDFLAGS_APPEND: u16 = 1;

// whence
pub const WHENCE_SET: i32 = 0;
pub const WHENCE_CUR: i32 = 1;
pub const WHENCE_END: i32 = 2;

// clockid
pub const CLOCK_REALTIME: i32 = 0;
pub const CLOCK_MONOTONIC: i32 = 1;
pub const CLOCK_PROCESS_CPUTIME: i32 = 2;
pub const CLOCK_THREAD_CPUTIME: i32 = 3;

// eventtype and subclockflags
pub const EVENTTYPE_CLOCK: u8 = 0;
pub const EVENTTYPE_FD_READ: u8 = 1;
pub const EVENTTYPE_FD_WRITE: u8 = 2;
pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1;

// preopen type
pub const PREOPENTYPE_DIR: u8 = 0;

/// Rights reported for files and directories: every right defined by preview 1 (bits 0..=29).
/// Rights are not used for access control here (the sandbox is the in-memory directory).
pub const RIGHTS_ALL: u64 = (1 << 30) - 1;

// struct sizes
pub const SIZE_FDSTAT: usize = 24;
pub const SIZE_FILESTAT: usize = 64;
pub const SIZE_DIRENT: usize = 24;
pub const SIZE_SUBSCRIPTION: u32 = 48;
pub const SIZE_EVENT: u32 = 32;
