//! The clock, identity, state, waiting and timer calls of the ABI, as safe functions.
//! Only compiled for `wasm32`.

use crate::error::check;
use crate::{sys, Error, Event, State, STATE_V1_SIZE};
use std::time::Duration;

/// The ABI version the host serves (`abi_version`): `1`.
pub fn abi_version() -> i32 {
    // SAFETY: no memory is passed.
    unsafe { sys::abi_version() }
}

/// The simulated UTC time, ns since 1970-01-01 (POSIX) (`time_now`). It advances with the
/// instructions this app has used, so a long computation takes simulated time.
pub fn time_now() -> i64 {
    // SAFETY: no memory is passed.
    unsafe { sys::time_now() }
}

/// This app's identity `"SATELLITE/APP"` (`identity`).
pub fn identity() -> Result<String, Error> {
    let mut b = [0u8; 128];
    // SAFETY: the host writes at most `b.len()` bytes into `b`.
    let n = check(unsafe { sys::identity(b.as_mut_ptr(), b.len() as u32) })? as usize;
    Ok(String::from_utf8_lossy(&b[..n.min(b.len())]).into_owned())
}

/// The satellite's state as its sensors report it (`state_read`).
pub fn state() -> Result<State, Error> {
    let mut b = [0u8; STATE_V1_SIZE];
    // SAFETY: the host writes at most `b.len()` bytes into `b`.
    check(unsafe { sys::state_read(b.as_mut_ptr(), b.len() as u32) })?;
    Ok(State::from_bytes(&b))
}

/// The name of thermal node `index` (`temperature_name`); [`Error::NotFound`] past the last.
pub fn temperature_name(index: u32) -> Result<String, Error> {
    let index = i32::try_from(index).map_err(|_| Error::NotFound)?;
    let mut b = [0u8; 128];
    // SAFETY: the host writes at most `b.len()` bytes into `b`.
    let n = check(unsafe { sys::temperature_name(index, b.as_mut_ptr(), b.len() as u32) })?;
    Ok(String::from_utf8_lossy(&b[..(n as usize).min(b.len())]).into_owned())
}

fn timeout_ns(timeout: Option<Duration>) -> i64 {
    match timeout {
        None => -1,
        Some(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
    }
}

/// Blocks until an event in `mask` is pending or `timeout` has passed (`None`: no timeout);
/// returns the pending events in `mask` (cleared), empty on timeout (`wait`).
/// [`Error::WouldBlock`] in a reactor's handler.
pub fn wait(mask: Event, timeout: Option<Duration>) -> Result<Event, Error> {
    // SAFETY: no memory is passed.
    let r = check(unsafe { sys::wait(mask.bits(), timeout_ns(timeout)) })?;
    Ok(Event::from_bits(r as i32))
}

/// Blocks until an event in `mask` is pending or the simulated time reaches `t_unix_ns`;
/// returns the events, empty when the time was reached. Returns at once for a past time.
pub fn wait_until(mask: Event, t_unix_ns: i64) -> Result<Event, Error> {
    let now = time_now();
    if t_unix_ns <= now {
        return poll_events(mask);
    }
    wait(mask, Some(Duration::from_nanos((t_unix_ns - now) as u64)))
}

/// Returns and clears the pending events in `mask`; never blocks (`poll_events`).
pub fn poll_events(mask: Event) -> Result<Event, Error> {
    // SAFETY: no memory is passed.
    let r = check(unsafe { sys::poll_events(mask.bits()) })?;
    Ok(Event::from_bits(r as i32))
}

/// Blocks until the simulated time reaches `t_unix_ns` (`sleep_until`); returns at once for
/// a time in the past. [`Error::WouldBlock`] in a reactor's handler.
pub fn sleep_until(t_unix_ns: i64) -> Result<(), Error> {
    // SAFETY: no memory is passed.
    check(unsafe { sys::sleep_until(t_unix_ns) }).map(|_| ())
}

/// Arms the one-shot timer: [`Event::TIMER`] at `t_unix_ns`, replacing the previous timer
/// (`timer_set`).
pub fn timer_set(t_unix_ns: i64) -> Result<(), Error> {
    // SAFETY: no memory is passed.
    check(unsafe { sys::timer_set(t_unix_ns) }).map(|_| ())
}

/// Cancels the one-shot timer (`timer_set(0)`).
pub fn timer_cancel() -> Result<(), Error> {
    timer_set(0)
}

/// Tells the hypervisor the app is alive (`heartbeat`). The first call arms the heartbeat
/// watchdog: from then on a longer gap than the app's watchdog timeout faults the app.
pub fn heartbeat() {
    // SAFETY: no memory is passed. The ABI defines no error for heartbeat.
    unsafe {
        sys::heartbeat();
    }
}

/// (Reactors) the events that invoke `skytwin_on_event` from now on (`subscribe`).
pub fn subscribe(mask: Event) -> Result<(), Error> {
    // SAFETY: no memory is passed.
    check(unsafe { sys::subscribe(mask.bits()) }).map(|_| ())
}

/// This app's CPU time so far: its instructions ÷ the onboard computer's instruction rate
/// (WASI `clock_time_get` on the process CPU-time clock), ns. `None` if the host refuses it.
pub fn cpu_time_ns() -> Option<u64> {
    let mut t = 0u64;
    // SAFETY: the host writes 8 bytes at `&mut t`.
    let errno = unsafe { sys::clock_time_get(sys::WASI_CLOCK_PROCESS_CPUTIME_ID, 1, &mut t) };
    if errno == 0 {
        Some(t)
    } else {
        None
    }
}
