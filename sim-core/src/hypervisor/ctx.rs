//! The data each app's `Store` owns, and its resource limiter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use wasmtime::{Memory, ResourceLimiter};

use crate::bus::app_bus::SharedAppBus;

/// Fuel poured into every store once. Wasm fuel consumed is `FUEL_TANK - get_fuel()`; at 10⁹
/// instructions per simulated second the tank lasts about 290 simulated years.
pub(crate) const FUEL_TANK: u64 = u64::MAX / 2;

/// RAM of one onboard computer shared by its apps' linear memories (bytes in use).
#[derive(Debug, Default)]
pub struct RamPool {
    capacity_bytes: u64,
    used_bytes: AtomicU64,
}

impl RamPool {
    /// A pool of `capacity_bytes`.
    pub fn new(capacity_bytes: u64) -> Self {
        Self {
            capacity_bytes,
            used_bytes: AtomicU64::new(0),
        }
    }

    /// Bytes in use by linear memories.
    pub fn used_bytes(&self) -> u64 {
        self.used_bytes.load(Ordering::Relaxed)
    }

    /// Capacity in bytes.
    pub fn capacity_bytes(&self) -> u64 {
        self.capacity_bytes
    }

    fn reserve(&self, bytes: u64) -> bool {
        // Single-threaded per computer; the CAS loop only keeps the type Sync.
        let mut cur = self.used_bytes.load(Ordering::Relaxed);
        loop {
            let Some(new) = cur.checked_add(bytes).filter(|&n| n <= self.capacity_bytes) else {
                return false;
            };
            match self
                .used_bytes
                .compare_exchange(cur, new, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(actual) => cur = actual,
            }
        }
    }

    fn release(&self, bytes: u64) {
        let _ = self
            .used_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                Some(cur.saturating_sub(bytes))
            });
    }
}

/// What the limiter refused last (for the fault reason when instantiation fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    MemoryCap { desired_bytes: u64, cap_bytes: u64 },
    Ram { desired_bytes: u64, free_bytes: u64 },
    TableCap { desired: u64, cap: u64 },
}

/// Per-app limits enforced through wasmtime's `ResourceLimiter`: the app's memory cap, the
/// computer's RAM, table elements, and one instance / one memory.
#[derive(Debug)]
pub(crate) struct AppLimiter {
    pub memory_cap_bytes: u64,
    pub table_elements_cap: u64,
    pub ram: Arc<RamPool>,
    /// Bytes of this store's memory reserved in the RAM pool.
    pub held_bytes: u64,
    /// Bytes reserved for the grow approved last, until the engine has carried it out.
    pub approved_bytes: u64,
    /// Refused `memory.grow`s, shared with the app's slot (survives the store).
    pub refused_grows: Arc<AtomicU32>,
    /// Bytes of linear memory the app's stores hold, shared with the app's slot: each store
    /// adds what it grows and takes it back when dropped.
    pub memory_bytes: Arc<AtomicU64>,
    pub last_refusal: Option<Refusal>,
}

impl Drop for AppLimiter {
    fn drop(&mut self) {
        self.ram.release(self.held_bytes);
        let held = self.held_bytes;
        let _ = self
            .memory_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                Some(cur.saturating_sub(held))
            });
    }
}

impl ResourceLimiter for AppLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let (current, desired) = (current as u64, desired as u64);
        self.approved_bytes = 0;
        if desired > self.memory_cap_bytes || maximum.is_some_and(|m| desired > m as u64) {
            self.refused_grows.fetch_add(1, Ordering::Relaxed);
            self.last_refusal = Some(Refusal::MemoryCap {
                desired_bytes: desired,
                cap_bytes: self.memory_cap_bytes,
            });
            return Ok(false);
        }
        let delta = desired.saturating_sub(current);
        if !self.ram.reserve(delta) {
            self.refused_grows.fetch_add(1, Ordering::Relaxed);
            self.last_refusal = Some(Refusal::Ram {
                desired_bytes: desired,
                free_bytes: self
                    .ram
                    .capacity_bytes()
                    .saturating_sub(self.ram.used_bytes()),
            });
            return Ok(false);
        }
        self.held_bytes += delta;
        self.approved_bytes = delta;
        self.memory_bytes.fetch_add(delta, Ordering::Relaxed);
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        // The engine could not carry out the grow we approved just before (a pooling slot
        // smaller than the app's cap, or the host out of memory): the memory kept its size, so
        // its reservation goes back to the pool. wasmtime reports a failed grow without asking
        // `memory_growing` first only for memories of 1-byte pages (custom page sizes), which
        // images cannot declare (`scan::wasm_features`), so `approved_bytes` is this grow's.
        let bytes = std::mem::take(&mut self.approved_bytes);
        self.ram.release(bytes);
        self.held_bytes = self.held_bytes.saturating_sub(bytes);
        let _ = self
            .memory_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                Some(cur.saturating_sub(bytes))
            });
        self.refused_grows.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let desired = desired as u64;
        if desired > self.table_elements_cap || maximum.is_some_and(|m| desired > m as u64) {
            self.last_refusal = Some(Refusal::TableCap {
                desired,
                cap: self.table_elements_cap,
            });
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        4
    }

    fn memories(&self) -> usize {
        1
    }
}

/// The data owned by each app's `Store`.
#[derive(Debug)]
pub(crate) struct AppCtx {
    /// Index of this app in the bus's app table.
    pub slot: usize,
    /// The satellite bus.
    pub bus: SharedAppBus,
    /// Limits.
    pub limiter: AppLimiter,
    /// The app's memory (memory 0), once known.
    pub memory: Option<Memory>,
}
