//! The ABI's error codes (`ST_E*`, `docs/abi.md` "Error codes") as a Rust enum.

use std::fmt;

/// An error returned by a skytwin ABI v1 call. Each variant is one `ST_E*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// `ST_EFAULT` (-1): a `(ptr, len)` lies outside the app's memory or overflows.
    Fault,
    /// `ST_EINVAL` (-2): an argument is invalid (unknown mode, NaN, priority out of range,
    /// empty message).
    Invalid,
    /// `ST_ENOSPC` (-3): a queue, quota or buffer on the host is full; nothing was queued.
    NoSpace,
    /// `ST_EAGAIN` (-4): nothing is available now.
    Again,
    /// `ST_E2BIG` (-5): the guest buffer is too small; nothing was consumed.
    TooBig,
    /// `ST_EUNAVAIL` (-6): the device is unavailable now (dropout, unpowered, safe mode).
    Unavailable,
    /// `ST_ERATE` (-7): a rate limit was reached (log lines, downlink bytes).
    RateLimited,
    /// `ST_ENOTFOUND` (-8): unknown id, satellite or app.
    NotFound,
    /// `ST_EWOULDBLOCK` (-9): a blocking call was made from a reactor's event handler.
    WouldBlock,
    /// A negative code this version of the crate does not know (from a newer host).
    Unknown {
        /// The raw code returned by the host.
        code: i64,
    },
}

/// `ST_EFAULT`
pub const ST_EFAULT: i32 = -1;
/// `ST_EINVAL`
pub const ST_EINVAL: i32 = -2;
/// `ST_ENOSPC`
pub const ST_ENOSPC: i32 = -3;
/// `ST_EAGAIN`
pub const ST_EAGAIN: i32 = -4;
/// `ST_E2BIG`
pub const ST_E2BIG: i32 = -5;
/// `ST_EUNAVAIL`
pub const ST_EUNAVAIL: i32 = -6;
/// `ST_ERATE`
pub const ST_ERATE: i32 = -7;
/// `ST_ENOTFOUND`
pub const ST_ENOTFOUND: i32 = -8;
/// `ST_EWOULDBLOCK`
pub const ST_EWOULDBLOCK: i32 = -9;

impl Error {
    /// Every known error, in code order (-1, -2, …).
    pub const ALL: [Error; 9] = [
        Error::Fault,
        Error::Invalid,
        Error::NoSpace,
        Error::Again,
        Error::TooBig,
        Error::Unavailable,
        Error::RateLimited,
        Error::NotFound,
        Error::WouldBlock,
    ];

    /// The error for a negative ABI result; `None` for a success (`code >= 0`).
    pub fn from_code(code: i64) -> Option<Error> {
        if code >= 0 {
            return None;
        }
        Some(match code {
            -1 => Error::Fault,
            -2 => Error::Invalid,
            -3 => Error::NoSpace,
            -4 => Error::Again,
            -5 => Error::TooBig,
            -6 => Error::Unavailable,
            -7 => Error::RateLimited,
            -8 => Error::NotFound,
            -9 => Error::WouldBlock,
            other => Error::Unknown { code: other },
        })
    }

    /// The raw ABI code of this error (negative).
    pub fn code(self) -> i64 {
        match self {
            Error::Fault => -1,
            Error::Invalid => -2,
            Error::NoSpace => -3,
            Error::Again => -4,
            Error::TooBig => -5,
            Error::Unavailable => -6,
            Error::RateLimited => -7,
            Error::NotFound => -8,
            Error::WouldBlock => -9,
            Error::Unknown { code } => code,
        }
    }

    /// The ABI name of the code (`"ST_EFAULT"`, …), `"ST_E?"` for an unknown one.
    pub fn name(self) -> &'static str {
        match self {
            Error::Fault => "ST_EFAULT",
            Error::Invalid => "ST_EINVAL",
            Error::NoSpace => "ST_ENOSPC",
            Error::Again => "ST_EAGAIN",
            Error::TooBig => "ST_E2BIG",
            Error::Unavailable => "ST_EUNAVAIL",
            Error::RateLimited => "ST_ERATE",
            Error::NotFound => "ST_ENOTFOUND",
            Error::WouldBlock => "ST_EWOULDBLOCK",
            Error::Unknown { .. } => "ST_E?",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Error::Fault => "buffer outside the app's memory",
            Error::Invalid => "invalid argument",
            Error::NoSpace => "host queue or quota full",
            Error::Again => "nothing available now",
            Error::TooBig => "guest buffer too small",
            Error::Unavailable => "device unavailable",
            Error::RateLimited => "rate limit reached",
            Error::NotFound => "not found",
            Error::WouldBlock => "blocking call in a reactor handler",
            Error::Unknown { .. } => "unknown error",
        };
        write!(f, "{} ({}): {}", self.name(), self.code(), what)
    }
}

impl std::error::Error for Error {}

/// Turns an `i32` ABI result into `Ok(value)` (`>= 0`) or the error.
pub fn check(result: i32) -> Result<u32, Error> {
    match Error::from_code(i64::from(result)) {
        None => Ok(result as u32),
        Some(e) => Err(e),
    }
}

/// Turns an `i64` ABI result into `Ok(value)` (`>= 0`) or the error.
pub fn check64(result: i64) -> Result<u64, Error> {
    match Error::from_code(result) {
        None => Ok(result as u64),
        Some(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_abi_codes_round_trip() {
        let consts = [
            ST_EFAULT,
            ST_EINVAL,
            ST_ENOSPC,
            ST_EAGAIN,
            ST_E2BIG,
            ST_EUNAVAIL,
            ST_ERATE,
            ST_ENOTFOUND,
            ST_EWOULDBLOCK,
        ];
        for (i, (e, c)) in Error::ALL.iter().zip(consts).enumerate() {
            assert_eq!(e.code(), -(i as i64) - 1);
            assert_eq!(e.code(), i64::from(c));
            assert_eq!(Error::from_code(e.code()), Some(*e));
        }
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(-42), Some(Error::Unknown { code: -42 }));
        assert_eq!(Error::Unknown { code: -42 }.code(), -42);
    }

    #[test]
    fn check_maps_sign() {
        assert_eq!(check(280), Ok(280));
        assert_eq!(check(0), Ok(0));
        assert_eq!(check(-5), Err(Error::TooBig));
        assert_eq!(check64(1 << 40), Ok(1 << 40));
        assert_eq!(check64(-9), Err(Error::WouldBlock));
        assert_eq!(
            Error::NoSpace.to_string(),
            "ST_ENOSPC (-3): host queue or quota full"
        );
    }
}
