//! Log lines (`log`, `docs/abi.md` "Logs") and the `log!` family of macros.

/// Log levels of the `log` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 0
    Trace,
    /// 1
    Debug,
    /// 2
    Info,
    /// 3
    Warn,
    /// 4
    Error,
}

impl Level {
    /// The ABI number of the level.
    pub fn code(self) -> i32 {
        match self {
            Level::Trace => 0,
            Level::Debug => 1,
            Level::Info => 2,
            Level::Warn => 3,
            Level::Error => 4,
        }
    }
}

/// Writes one log line. The host cuts lines at 1024 bytes and removes control characters.
/// [`crate::Error::RateLimited`] means the line was dropped by the log rate limit.
#[cfg(target_arch = "wasm32")]
pub fn write(level: Level, line: &[u8]) -> Result<(), crate::Error> {
    let len = u32::try_from(line.len()).unwrap_or(u32::MAX);
    // SAFETY: the host reads `len <= line.len()` bytes from `line`.
    crate::error::check(unsafe { crate::sys::log(level.code(), line.as_ptr(), len) }).map(|_| ())
}

/// Logs a formatted line at a [`Level`]: `log!(Level::Info, "soc {:.2}", soc)`. Errors
/// (rate limit) are ignored: a log line must never stop an app.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)+) => {{
        let _ = $crate::log::write($level, ::std::format!($($arg)+).as_bytes());
    }};
}

/// Logs a formatted line at level debug.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Debug, $($arg)+) };
}

/// Logs a formatted line at level info.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Info, $($arg)+) };
}

/// Logs a formatted line at level warn.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Warn, $($arg)+) };
}

/// Logs a formatted line at level error.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::log!($crate::log::Level::Error, $($arg)+) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_abi_levels() {
        let all = [
            Level::Trace,
            Level::Debug,
            Level::Info,
            Level::Warn,
            Level::Error,
        ];
        for (i, l) in all.iter().enumerate() {
            assert_eq!(l.code(), i as i32);
        }
    }
}
