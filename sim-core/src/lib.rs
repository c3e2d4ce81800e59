//! # sim-core: the software-defined satellite runtime
//!
//! skytwin runs real WebAssembly app images on simulated satellites. This crate holds the
//! wasmtime hypervisor (the only crate that imports wasmtime), the host side of the guest ABI
//! (`skytwin_v1` and a deterministic WASI preview 1, see `docs/abi.md`), the onboard computer
//! that time-slices apps on a simulated CPU, and the simulation that couples satellites'
//! orbits (`orbit`), hardware models (`hardware-models`) and computers.
//!
//! The modules form layers; each imports only from the layers below it (checked by the test
//! `module_layers` of `tests/all`):
//!
//! | layer | module | what |
//! |---|---|---|
//! | 0 | [`time`], [`state`], [`abi_codes`], [`rng`] | POSIX-nanosecond time, the `st_state_v1` snapshot and the conditions schedules use, the ABI's numbers, the seeded random streams |
//! | 1 | [`bus`] | [`AppBus`]: what a satellite and its apps share (sensor snapshot, devices, downlink queue, inboxes, ISL outbox, the apps' records and files, events and log lines) |
//! | 2 | [`hypervisor`] | one deterministic [`wasmtime::Engine`] and `Linker`, image loading (caps, validation, inspection, state-export rewrite, compile cache), the ABI host functions, the guest-memory access module |
//! | 3 | [`computer`] | [`OnboardComputer`]: install/update/start/stop/remove, the fuel-sliced priority scheduler, watchdogs, restart policies, migration, power and fault injection |
//! | 4 | [`sim`] | [`Simulation`] and [`Satellite`]: SGP4 + hardware models + computer per satellite, contacts, link-budget transfers, ISL, uploads, migration |
//!
//! How an app runs: its `Store` lives inside a future (`call_async` on a fiber stack) that the
//! scheduler polls with a no-op waker. Fuel is metered; the store yields every quantum
//! (50 000 instructions), so a poll returns when the app blocks in a host call, uses up its
//! quantum, or finishes. Host calls charge their ABI cost to the app and read the exact fuel,
//! which is how the app's simulated clock advances inside a step. A panic in host code is
//! caught at the poll and faults only that app. Satellites step in parallel (rayon); everything
//! that crosses satellites happens at step boundaries in a fixed order.
//!
//! ```
//! use sim_core::{AppConfig, ComputerSpec, Conditions, Hypervisor, HypervisorConfig, OnboardComputer, StateSnapshot};
//! use hifitime::{Epoch, Unit};
//!
//! let hv = Hypervisor::new(HypervisorConfig::default()).unwrap();
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "skytwin_v1" "log" (func $log (param i32 i32 i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (data (i32.const 0) "hello from orbit")
//!       (func (export "_start") (drop (call $log (i32.const 2) (i32.const 0) (i32.const 16)))))
//! "#).unwrap();
//! let image = hv.load_image(&wasm).unwrap();
//! let t0 = Epoch::from_gregorian_utc_at_midnight(2026, 1, 1);
//! let mut obc = OnboardComputer::new(&hv, ComputerSpec::default(), "SAT-1", 42, t0);
//! let id = obc.install(&image, AppConfig::new("hello")).unwrap();
//! obc.start(id).unwrap();
//! let report = obc.step(t0, Unit::Second * 1, &StateSnapshot::default(), &Conditions::default());
//! assert_eq!(report.logs[0].text, "hello from orbit");
//! ```

pub mod abi_codes;
pub mod bus;
pub mod computer;
pub mod hypervisor;
pub mod rng;
pub mod sim;
pub mod state;
pub mod time;

pub use bus::{
    AppBus, AttitudeMode, AttitudeRequest, CameraError, CameraInfo, CameraService,
    DeliveredMessage, DownlinkProgress, ImageMeta, IslMessage,
};
pub use computer::{
    AppConfig, AppId, AppLimits, AppPackage, AppState, AppStatus, AppTick, ComputerError,
    ComputerEvent, ComputerSpec, EventKind, FaultReason, LogLevel, LogLine, OnboardComputer,
    ReactorState, RestartPolicy, Schedule, TickReport,
};
pub use hypervisor::{
    Allocation, AppImage, AppStyle, Hypervisor, HypervisorConfig, HypervisorError, ImageError,
    ImageLimits, Inspection, NanCanonicalization, Problem,
};
pub use sim::{
    Area, AreaShape, Satellite, SimError, SimEvent, SimEventKind, Simulation, SimulationConfig,
    StepReport, TelemetryRow,
};
pub use state::{Conditions, StateSnapshot};
