//! Running an app's code: its store, the futures that own the store between polls, and how a
//! poll ends (blocked, pre-empted, finished, faulted).
//!
//! A future owns the app's `Store` (moved into an `async` block) and is polled with a no-op
//! waker: wasm runs on its own fiber stack until it blocks in a host call (`Pending`), uses
//! up its quantum of fuel (wasmtime's fuel yield: `Pending`), or returns (`Ready`, handing
//! the store back). A panic in host code is caught here, at the poll, and faults only the app.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use wasmtime::{Instance, Store, Trap, TypedFunc, Val};

use crate::bus::app_bus::SharedAppBus;
use crate::bus::events::FaultReason;
use crate::hypervisor::abi::host::{HostStateMissing, ProcExit};
use crate::hypervisor::ctx::{AppCtx, AppLimiter, FUEL_TANK, RamPool, Refusal};
use crate::hypervisor::image::AppImage;
use crate::hypervisor::rewrite::{MEMORY_EXPORT, global_export_name};

/// A value of a migrated global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalValue {
    /// `i32`
    I32(i32),
    /// `i64`
    I64(i64),
    /// `f32` bits
    F32(u32),
    /// `f64` bits
    F64(u64),
    /// `v128`
    V128(u128),
}

/// A reactor's state at rest: its linear memory and mutable globals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactorState {
    /// Linear memory contents.
    pub memory: Vec<u8>,
    /// Mutable globals by global index.
    pub globals: Vec<(u32, GlobalValue)>,
}

/// What a finished future hands back.
pub(crate) struct ExecutionDone {
    pub store: Store<AppCtx>,
    /// A reactor's instance and its event handler (looked up once, at instantiation).
    pub reactor: Option<(Instance, TypedFunc<i32, i32>)>,
    pub result: wasmtime::Result<Option<i32>>,
}

pub(crate) type ExecutionFuture = Pin<Box<dyn Future<Output = ExecutionDone> + Send>>;

/// What a future is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FutureKind {
    /// A command's `_start`.
    Command,
    /// A reactor's instantiation and `_initialize` (or state restore).
    ReactorInit,
    /// A reactor's `skytwin_on_event`.
    Handler,
}

/// An app's execution.
pub(crate) enum Execution {
    /// Code is running (or blocked, or pre-empted) inside a future that owns the store.
    InFlight {
        fut: ExecutionFuture,
        kind: FutureKind,
    },
    /// A reactor between handler calls.
    AtRest {
        store: Store<AppCtx>,
        instance: Instance,
        handler: TypedFunc<i32, i32>,
    },
}

/// How one poll ended.
pub(crate) enum PollEnd {
    /// Still in flight (blocked or pre-empted; the bus says which).
    Pending,
    /// Finished.
    Done(ExecutionDone),
    /// Host code panicked.
    Panicked(String),
}

/// Polls a future once with a no-op waker, catching panics.
pub(crate) fn poll_once(fut: &mut ExecutionFuture) -> PollEnd {
    let mut cx = Context::from_waker(Waker::noop());
    match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx))) {
        Ok(Poll::Pending) => PollEnd::Pending,
        Ok(Poll::Ready(done)) => PollEnd::Done(done),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            PollEnd::Panicked(msg)
        }
    }
}

/// Limits of one store.
pub(crate) struct StoreSpec {
    pub memory_cap_bytes: u64,
    pub table_elements: u64,
    pub quantum: u64,
    pub refused_grows: Arc<std::sync::atomic::AtomicU32>,
    pub memory_bytes: Arc<std::sync::atomic::AtomicU64>,
}

/// A fresh store for an app, with its limiter, a full fuel tank and the yield interval.
pub(crate) fn new_store(
    image: &AppImage,
    bus: &SharedAppBus,
    slot: usize,
    ram: &Arc<RamPool>,
    spec: &StoreSpec,
) -> wasmtime::Result<Store<AppCtx>> {
    let ctx = AppCtx {
        slot,
        bus: bus.clone(),
        limiter: AppLimiter {
            memory_cap_bytes: spec.memory_cap_bytes,
            table_elements_cap: spec.table_elements,
            ram: ram.clone(),
            held_bytes: 0,
            approved_bytes: 0,
            refused_grows: spec.refused_grows.clone(),
            memory_bytes: spec.memory_bytes.clone(),
            last_refusal: None,
        },
        memory: None,
    };
    let mut store = Store::new(image.inner.module.engine(), ctx);
    store.limiter(|c| &mut c.limiter);
    store.fuel_async_yield_interval(Some(spec.quantum))?;
    store.set_fuel(FUEL_TANK)?;
    Ok(store)
}

/// Wasm fuel a store has consumed.
pub(crate) fn wasm_consumed(store: &Store<AppCtx>) -> u64 {
    FUEL_TANK.saturating_sub(store.get_fuel().unwrap_or(FUEL_TANK))
}

async fn instantiate(image: &AppImage, store: &mut Store<AppCtx>) -> wasmtime::Result<Instance> {
    let instance = image.inner.pre.instantiate_async(&mut *store).await?;
    store.data_mut().memory = instance.get_memory(&mut *store, MEMORY_EXPORT);
    Ok(instance)
}

/// The future of a command app: instantiate, then `_start`.
pub(crate) fn command_future(image: AppImage, mut store: Store<AppCtx>) -> ExecutionFuture {
    Box::pin(async move {
        let result = async {
            let instance = instantiate(&image, &mut store).await?;
            let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
            start.call_async(&mut store, ()).await
        }
        .await;
        ExecutionDone {
            store,
            reactor: None,
            result: result.map(|()| None),
        }
    })
}

/// The future of a reactor's start: instantiate, then `_initialize` if exported; or, when
/// `restore` is given (migration), put the memory and globals back instead.
pub(crate) fn reactor_init_future(
    image: AppImage,
    mut store: Store<AppCtx>,
    restore: Option<ReactorState>,
) -> ExecutionFuture {
    Box::pin(async move {
        let result = async {
            let instance = instantiate(&image, &mut store).await?;
            match restore {
                Some(state) => restore_state(&image, &instance, &mut store, &state)?,
                None => {
                    if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
                        init.call_async(&mut store, ()).await?;
                    }
                }
            }
            let handler = instance.get_typed_func::<i32, i32>(&mut store, "skytwin_on_event")?;
            Ok((instance, handler))
        }
        .await;
        match result {
            Ok(reactor) => ExecutionDone {
                store,
                reactor: Some(reactor),
                result: Ok(None),
            },
            Err(e) => ExecutionDone {
                store,
                reactor: None,
                result: Err(e),
            },
        }
    })
}

/// The future of one reactor handler call.
pub(crate) fn handler_future(
    mut store: Store<AppCtx>,
    instance: Instance,
    handler: TypedFunc<i32, i32>,
    events: u32,
) -> ExecutionFuture {
    Box::pin(async move {
        let result = handler.call_async(&mut store, events as i32).await;
        ExecutionDone {
            store,
            reactor: Some((instance, handler)),
            result: result.map(Some),
        }
    })
}

/// Reads a reactor's state at rest.
pub(crate) fn capture_state(
    image: &AppImage,
    instance: &Instance,
    store: &mut Store<AppCtx>,
) -> ReactorState {
    let memory = instance
        .get_memory(&mut *store, MEMORY_EXPORT)
        .map(|m| m.data(&*store).to_vec())
        .unwrap_or_default();
    let mut globals = Vec::new();
    for &g in &image.inner.mutable_globals {
        if let Some(global) = instance.get_global(&mut *store, &global_export_name(g)) {
            let v = match global.get(&mut *store) {
                Val::I32(x) => GlobalValue::I32(x),
                Val::I64(x) => GlobalValue::I64(x),
                Val::F32(x) => GlobalValue::F32(x),
                Val::F64(x) => GlobalValue::F64(x),
                Val::V128(x) => GlobalValue::V128(x.as_u128()),
                _ => continue,
            };
            globals.push((g, v));
        }
    }
    ReactorState { memory, globals }
}

fn restore_state(
    image: &AppImage,
    instance: &Instance,
    store: &mut Store<AppCtx>,
    state: &ReactorState,
) -> wasmtime::Result<()> {
    if let Some(mem) = instance.get_memory(&mut *store, MEMORY_EXPORT) {
        let want = state.memory.len();
        let have = mem.data_size(&*store);
        if want > have {
            let pages = ((want - have) as u64).div_ceil(65_536);
            mem.grow(&mut *store, pages)?;
        }
        if let Some(dst) = mem.data_mut(&mut *store).get_mut(..want) {
            dst.copy_from_slice(&state.memory);
        }
    }
    for &(g, v) in &state.globals {
        if !image.inner.mutable_globals.contains(&g) {
            continue;
        }
        if let Some(global) = instance.get_global(&mut *store, &global_export_name(g)) {
            let val = match v {
                GlobalValue::I32(x) => Val::I32(x),
                GlobalValue::I64(x) => Val::I64(x),
                GlobalValue::F32(x) => Val::F32(x),
                GlobalValue::F64(x) => Val::F64(x),
                GlobalValue::V128(x) => Val::V128(x.into()),
            };
            global.set(&mut *store, val)?;
        }
    }
    Ok(())
}

/// How a finished call ended.
pub(crate) enum Ending {
    /// Returned normally (with the handler's value for reactors).
    Returned(Option<i32>),
    /// `proc_exit(code)`.
    Exit(i32),
    /// A fault.
    Fault(FaultReason),
}

/// Classifies a call's result.
pub(crate) fn classify(result: &wasmtime::Result<Option<i32>>, store: &Store<AppCtx>) -> Ending {
    let err = match result {
        Ok(v) => return Ending::Returned(*v),
        Err(e) => e,
    };
    if let Some(ProcExit(code)) = err.downcast_ref::<ProcExit>() {
        return Ending::Exit(*code);
    }
    if let Some(trap) = err.downcast_ref::<Trap>() {
        return Ending::Fault(match trap {
            Trap::StackOverflow => FaultReason::StackOverflow,
            t => FaultReason::Trap {
                message: t.to_string(),
            },
        });
    }
    if err.downcast_ref::<HostStateMissing>().is_some() {
        return Ending::Fault(FaultReason::Trap {
            message: err.to_string(),
        });
    }
    if let Some(refusal) = store.data().limiter.last_refusal {
        let message = match refusal {
            Refusal::MemoryCap {
                desired_bytes,
                cap_bytes,
            } => {
                format!(
                    "memory of {desired_bytes} bytes exceeds the app's cap of {cap_bytes} bytes"
                )
            }
            Refusal::Ram {
                desired_bytes,
                free_bytes,
            } => {
                format!(
                    "memory of {desired_bytes} bytes exceeds the computer's free RAM of {free_bytes} bytes"
                )
            }
            Refusal::TableCap { desired, cap } => {
                format!("table of {desired} elements exceeds the cap of {cap}")
            }
        };
        return Ending::Fault(FaultReason::Limit { message });
    }
    Ending::Fault(FaultReason::Instantiation {
        message: err.to_string(),
    })
}
