//! Entering a host call: fuel accounting, guest memory, the bus, and the app's clock.

use std::future::poll_fn;
use std::sync::MutexGuard;
use std::task::Poll;

use wasmtime::{Caller, Extern};

use crate::abi_codes::{
    COST_BYTES_PER_INSTRUCTION, COST_HOST_CALL, COST_WRITE, ST_E2BIG, ST_EFAULT,
};
use crate::bus::app_bus::{AppBus, LogPush, lock};
use crate::bus::app_settings::AppStyle;
use crate::bus::app_state::{AppShared, Block};
use crate::bus::events::LogLevel;
use crate::bus::wasi_types::{EFAULT, ESUCCESS, Errno};
use crate::hypervisor::ctx::{AppCtx, FUEL_TANK};
use crate::hypervisor::guest_mem::{Fault, GuestMem};
use crate::hypervisor::rewrite::MEMORY_EXPORT;

/// The calling app's context in a host function.
pub(crate) type AppCaller<'a> = Caller<'a, AppCtx>;

/// One host call in progress: the app's memory, the locked bus, and the simulated time.
pub(crate) struct Host<'a> {
    /// The app's linear memory (empty when the module has none).
    pub mem: GuestMem<'a>,
    /// The satellite bus, locked for the duration of the call.
    pub bus: MutexGuard<'a, AppBus>,
    /// The app's slot on the bus.
    pub slot: usize,
    /// Simulated time of the call, POSIX ns.
    pub now_ns: i64,
}

/// The host's internal state for an app is missing (a skytwin bug); traps the app.
#[derive(Debug)]
pub(crate) struct HostStateMissing;

impl std::fmt::Display for HostStateMissing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("host state for this app is missing")
    }
}

impl std::error::Error for HostStateMissing {}

/// `proc_exit(code)`: unwinds the guest; the scheduler turns it into an `exited` event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProcExit(pub i32);

impl std::fmt::Display for ProcExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "proc_exit({})", self.0)
    }
}

impl std::error::Error for ProcExit {}

impl<'a> Host<'a> {
    /// The calling app's state.
    pub fn app(&mut self) -> &mut AppShared {
        // `enter` checked that the slot is occupied and the bus stays locked meanwhile.
        match self.bus.app_mut(self.slot) {
            Some(app) => app,
            None => unreachable_app(),
        }
    }

    /// Charges the copy of `bytes` bytes between app and host.
    pub fn charge_bytes(&mut self, bytes: u64) {
        let n = bytes.div_ceil(COST_BYTES_PER_INSTRUCTION);
        self.charge(n);
    }

    /// Charges a write out of the app of `bytes` bytes: the write cost and the copy.
    pub fn charge_write(&mut self, bytes: u64) {
        self.charge(COST_WRITE);
        self.charge_bytes(bytes);
    }

    /// Whether the calling app can block in this call (a command app; a reactor's handler
    /// must return).
    pub fn can_block(&mut self) -> bool {
        self.app().style == AppStyle::Command
    }

    /// Charges `instructions` to the app.
    pub fn charge(&mut self, instructions: u64) {
        let app = self.app();
        app.execution.host_charged = app.execution.host_charged.saturating_add(instructions);
    }
}

#[cold]
fn unreachable_app() -> ! {
    // `enter` verified the slot while holding the same lock; nothing can remove it meanwhile.
    panic!("app slot vanished while its bus was locked")
}

/// Enters a host call: reads the exact fuel, charges the base cost (when `charge`), applies
/// pending bit flips, locks the bus, and computes the app's simulated time.
pub(crate) fn enter<'a>(caller: &'a mut AppCaller<'_>, charge: bool) -> wasmtime::Result<Host<'a>> {
    let wasm_exact = FUEL_TANK.saturating_sub(caller.get_fuel()?);
    if caller.data().memory.is_none()
        && let Some(Extern::Memory(m)) = caller.get_export(MEMORY_EXPORT)
    {
        caller.data_mut().memory = Some(m);
    }
    let (bytes, ctx): (&'a mut [u8], &'a mut AppCtx) = match caller.data().memory {
        Some(m) => m.data_and_store_mut(caller),
        None => (&mut [], caller.data_mut()),
    };
    let ctx: &'a AppCtx = ctx;
    let slot = ctx.slot;
    let mut bus = lock(&ctx.bus);
    let instructions = {
        let app = bus.app_mut(slot).ok_or(HostStateMissing)?;
        app.execution.wasm_est = app.execution.wasm_est.max(wasm_exact);
        app.execution.wasm_at_last_call = app.execution.wasm_est;
        if charge {
            app.execution.host_charged = app.execution.host_charged.saturating_add(COST_HOST_CALL);
        }
        app.memory_bytes = bytes.len() as u64;
        let mut mem = GuestMem::new(&mut *bytes);
        for (offset, mask) in app.pending_flips.drain(..) {
            mem.flip(offset, mask);
        }
        app.execution.instructions()
    };
    let now_ns = bus.now_ns(instructions);
    let mem = GuestMem::new(bytes);
    Ok(Host {
        mem,
        bus,
        slot,
        now_ns,
    })
}

/// Parks the calling app in `block` until the scheduler wakes it; returns the wake value.
pub(crate) async fn park(caller: &mut AppCaller<'_>, block: Block) -> wasmtime::Result<i64> {
    {
        let slot = caller.data().slot;
        let mut bus = lock(&caller.data().bus);
        let app = bus.app_mut(slot).ok_or(HostStateMissing)?;
        app.execution.block = Some(block);
        app.execution.wake = None;
    }
    poll_fn(|_cx| {
        let slot = caller.data().slot;
        let mut bus = lock(&caller.data().bus);
        match bus.app_mut(slot) {
            Some(app) => match app.execution.wake.take() {
                Some(v) => {
                    app.execution.block = None;
                    Poll::Ready(Ok(v))
                }
                None => Poll::Pending,
            },
            None => Poll::Ready(Err(wasmtime::Error::new(HostStateMissing))),
        }
    })
    .await
}

/// Writes `data` into the guest buffer `(ptr, len)`: its length, `ST_EFAULT` or `ST_E2BIG`.
pub(crate) fn write_bytes(h: &mut Host<'_>, ptr: i32, len: i32, data: &[u8]) -> i32 {
    if h.mem.slice(ptr, len).is_err() {
        return ST_EFAULT;
    }
    if data.len() > len as u32 as usize {
        return ST_E2BIG;
    }
    h.charge_bytes(data.len() as u64);
    match h.mem.write(ptr, data) {
        Ok(()) => data.len() as i32,
        Err(_) => ST_EFAULT,
    }
}

/// Offers a sanitised log line to the app's rate limit.
pub(crate) fn emit_log(h: &mut Host<'_>, level: LogLevel, text: String) -> LogPush {
    let (slot, now) = (h.slot, h.now_ns);
    h.bus.push_log(slot, now, level, text)
}

/// A WASI result as the errno the guest receives (`ESUCCESS` for `Ok`).
pub(crate) fn errno(r: Result<(), Errno>) -> i32 {
    match r {
        Ok(()) => ESUCCESS,
        Err(e) => e,
    }
}

/// A guest-memory fault as WASI's `EFAULT`.
pub(crate) fn fault<T>(r: Result<T, Fault>) -> Result<T, Errno> {
    r.map_err(|_| EFAULT)
}
