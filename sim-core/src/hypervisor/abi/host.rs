//! Entering a host call: fuel accounting, guest memory, the bus, and the app's clock.

use std::future::poll_fn;
use std::sync::MutexGuard;
use std::task::Poll;

use wasmtime::{Caller, Extern};

use super::{COST_BYTES_PER_INSTRUCTION, COST_HOST_CALL};
use crate::bus::{AppShared, Block, SatelliteBus, lock};
use crate::hypervisor::ctx::{AppCtx, FUEL_TANK};
use crate::hypervisor::guest_mem::GuestMem;
use crate::hypervisor::rewrite::MEMORY_EXPORT;

/// One host call in progress: the app's memory, the locked bus, and the simulated time.
pub(crate) struct Host<'a> {
    /// The app's linear memory (empty when the module has none).
    pub mem: GuestMem<'a>,
    /// The satellite bus, locked for the duration of the call.
    pub bus: MutexGuard<'a, SatelliteBus>,
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
        match self.bus.apps.get_mut(self.slot).and_then(Option::as_mut) {
            Some(app) => app,
            None => unreachable_app(),
        }
    }

    /// Charges the copy of `bytes` bytes between app and host.
    pub fn charge_bytes(&mut self, bytes: u64) {
        let n = bytes.div_ceil(COST_BYTES_PER_INSTRUCTION);
        self.charge(n);
    }

    /// Charges `instructions` to the app.
    pub fn charge(&mut self, instructions: u64) {
        let app = self.app();
        app.exec.host_charged = app.exec.host_charged.saturating_add(instructions);
    }
}

#[cold]
fn unreachable_app() -> ! {
    // `enter` verified the slot while holding the same lock; nothing can remove it meanwhile.
    panic!("app slot vanished while its bus was locked")
}

/// Enters a host call: reads the exact fuel, charges the base cost (when `charge`), applies
/// pending bit flips, locks the bus, and computes the app's simulated time.
pub(crate) fn enter<'a>(
    caller: &'a mut Caller<'_, AppCtx>,
    charge: bool,
) -> wasmtime::Result<Host<'a>> {
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
    let now_ns = {
        let b = &mut *bus;
        let app = b
            .apps
            .get_mut(slot)
            .and_then(Option::as_mut)
            .ok_or(HostStateMissing)?;
        app.exec.wasm_est = app.exec.wasm_est.max(wasm_exact);
        if charge {
            app.exec.host_charged = app.exec.host_charged.saturating_add(COST_HOST_CALL);
        }
        app.memory_bytes = bytes.len() as u64;
        let mut mem = GuestMem::new(&mut *bytes);
        for (offset, mask) in app.pending_flips.drain(..) {
            mem.flip(offset, mask);
        }
        b.clock.now_ns(app.exec.instructions(), &b.timeline)
    };
    let mem = GuestMem::new(bytes);
    Ok(Host {
        mem,
        bus,
        slot,
        now_ns,
    })
}

/// Parks the calling app in `block` until the scheduler wakes it; returns the wake value.
pub(crate) async fn park(caller: &mut Caller<'_, AppCtx>, block: Block) -> wasmtime::Result<i64> {
    {
        let slot = caller.data().slot;
        let mut bus = lock(&caller.data().bus);
        let app = bus.app_mut(slot).ok_or(HostStateMissing)?;
        app.exec.block = Some(block);
        app.exec.wake = None;
    }
    poll_fn(|_cx| {
        let slot = caller.data().slot;
        let mut bus = lock(&caller.data().bus);
        match bus.app_mut(slot) {
            Some(app) => match app.exec.wake.take() {
                Some(v) => {
                    app.exec.block = None;
                    Poll::Ready(Ok(v))
                }
                None => Poll::Pending,
            },
            None => Poll::Ready(Err(wasmtime::Error::new(HostStateMissing))),
        }
    })
    .await
}
