//! # sim-core: the software-defined satellite runtime
//!
//! skytwin runs real WebAssembly app images on simulated satellites. This crate holds the
//! wasmtime hypervisor (the only crate that imports wasmtime), the host side of the guest ABI
//! (`skytwin_v1` and a deterministic WASI preview 1, see `docs/abi.md`), and the onboard
//! computer that time-slices apps on a simulated CPU.
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

pub mod bus;
pub mod computer;
pub mod hypervisor;
pub mod sim;
pub mod state;
pub mod time;

pub use bus::{
    AttitudeMode, AttitudeRequest, CameraError, CameraInfo, CameraService, DeliveredMessage,
    DownlinkProgress, ImageMeta, IslMessage, SatelliteBus,
};
pub use computer::{
    AppConfig, AppId, AppLimits, AppPackage, AppState, AppStatus, AppTick, ComputerError,
    ComputerEvent, ComputerSpec, EventKind, FaultReason, LogLevel, LogLine, OnboardComputer,
    ReactorState, RestartPolicy, Schedule, TickReport,
};
pub use hypervisor::{
    Allocation, AppImage, AppStyle, Hypervisor, HypervisorConfig, HypervisorError, ImageError,
    ImageLimits, Inspection, Problem,
};
pub use sim::{
    Area, AreaShape, Satellite, SimError, SimEvent, SimEventKind, Simulation, SimulationConfig,
    StepReport, TelemetryRow,
};
pub use state::{Conditions, StateSnapshot};
