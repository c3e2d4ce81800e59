//! The hypervisor itself: one deterministic [`wasmtime::Engine`], one `Linker` with every
//! host function, and a cache of compiled [`AppImage`]s shared by all satellites and runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Linker, Module, OptLevel, PoolingAllocationConfig,
    WasmFeatures,
};

use super::abi::build_linker;
use super::ctx::AppCtx;
use super::image::{AppImage, CompiledImage, ImageError, ImageLimits};
use super::inspection::{Inspection, Problem};
use super::rewrite::rewrite;
use super::scan::{scan, wasm_features};
use crate::bus::vfs::fnv1a64;

/// How instances get their memory and stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// Allocate at instantiation, free when the store drops (no fixed capacity).
    OnDemand,
    /// Preallocated pools (faster instantiation, fixed capacity).
    Pooling {
        /// Most instances alive at once (across all computers using this hypervisor).
        max_instances: u32,
        /// Largest linear memory of one instance, bytes (≥ every app's memory cap).
        max_memory_bytes: u64,
    },
}

/// Configuration of the hypervisor (engine-wide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HypervisorConfig {
    /// Caps checked before compiling an image.
    pub image_limits: ImageLimits,
    /// Most wasm stack an app may use, bytes (deeper recursion traps with `stack overflow`).
    pub max_wasm_stack_bytes: usize,
    /// Size of the stack each running app executes on, bytes (wasm stack + host functions).
    pub async_stack_bytes: usize,
    /// Instructions an app runs before it is pre-empted (the fuel yield interval).
    pub quantum_instructions: u64,
    /// Instance allocation.
    pub allocation: Allocation,
    /// How NaNs are made the same on every CPU architecture (wasm leaves the bits of a NaN
    /// that arithmetic produces to the CPU): by default where their bits can be observed.
    pub nan_canonicalization: NanCanonicalization,
}

/// How the hypervisor keeps NaN bits independent of the machine (docs/abi.md, "CPU time and
/// cost"; docs/BENCHMARKS.md, "Guest runtime").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NanCanonicalization {
    /// Not at all: runs are byte-identical on one CPU architecture only (a float result's
    /// NaN bits are the CPU's). The fastest, for studies that never leave one architecture.
    Off,
    /// Where a NaN's bits can be observed — float stores, reinterpretation, a copysign's sign,
    /// float globals, vector lanes — by a rewrite of the image at load time
    /// ([`crate::hypervisor::nan_canon`]). Identical bits on every architecture at nearly the
    /// speed of `Off`; the inserted operators (six per point) count as the app's
    /// instructions. The default.
    AtObservation,
    /// After every float operation (Cranelift's `nan_canonicalization`): identical bits on
    /// every architecture, with a chain of dependent float operations about 3.5× slower.
    EveryOperation,
}

impl Default for HypervisorConfig {
    fn default() -> Self {
        Self {
            image_limits: ImageLimits::default(),
            max_wasm_stack_bytes: 512 << 10,
            async_stack_bytes: 2 << 20,
            quantum_instructions: 50_000,
            allocation: Allocation::OnDemand,
            nan_canonicalization: NanCanonicalization::AtObservation,
        }
    }
}

/// Why the hypervisor could not be created.
#[derive(Debug, thiserror::Error)]
pub enum HypervisorError {
    /// The engine rejected the configuration.
    #[error("wasmtime engine configuration rejected")]
    Engine {
        /// What wasmtime reported.
        #[source]
        source: wasmtime::Error,
    },
    /// A host function could not be defined.
    #[error("host function definition failed")]
    Linker {
        /// What wasmtime reported.
        #[source]
        source: wasmtime::Error,
    },
    /// The quantum must be at least one instruction.
    #[error("quantum_instructions must be > 0")]
    ZeroQuantum,
}

/// The hypervisor: cheap to clone, shared by every onboard computer of a simulation (and by
/// several simulations in one process).
#[derive(Clone)]
pub struct Hypervisor {
    inner: Arc<SharedEngine>,
}

/// What every clone of a [`Hypervisor`] shares: the engine, the linker, the configuration
/// and the cache of compiled images.
struct SharedEngine {
    engine: Engine,
    linker: Linker<AppCtx>,
    config: HypervisorConfig,
    cache: Mutex<HashMap<u64, Vec<AppImage>>>,
}

impl std::fmt::Debug for Hypervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hypervisor")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// The deterministic engine configuration (wasmtime docs, "Deterministic Execution"): fuel,
/// NaN canonicalisation, no relaxed SIMD, no threads, no epochs, bounded stacks.
fn engine_config(cfg: &HypervisorConfig) -> Config {
    let mut c = Config::new();
    c.consume_fuel(true);
    c.epoch_interruption(false);
    c.cranelift_nan_canonicalization(
        cfg.nan_canonicalization == NanCanonicalization::EveryOperation,
    );
    c.cranelift_opt_level(OptLevel::Speed);
    c.relaxed_simd_deterministic(true);
    let ours = wasm_features();
    c.wasm_features(WasmFeatures::all().difference(ours), false);
    c.wasm_features(ours, true);
    c.max_wasm_stack(cfg.max_wasm_stack_bytes);
    c.async_stack_size(cfg.async_stack_bytes);
    if let Allocation::Pooling {
        max_instances,
        max_memory_bytes,
    } = cfg.allocation
    {
        let mut p = PoolingAllocationConfig::new();
        p.total_core_instances(max_instances);
        p.total_memories(max_instances);
        p.total_tables(max_instances.saturating_mul(4));
        p.total_stacks(max_instances);
        p.max_memory_size(usize::try_from(max_memory_bytes).unwrap_or(usize::MAX));
        p.max_tables_per_module(4);
        p.table_elements(cfg.image_limits.default_table_elements as usize);
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(p));
    }
    c
}

impl Hypervisor {
    /// Creates the engine and the linker.
    pub fn new(config: HypervisorConfig) -> Result<Self, HypervisorError> {
        if config.quantum_instructions == 0 {
            return Err(HypervisorError::ZeroQuantum);
        }
        let engine = Engine::new(&engine_config(&config))
            .map_err(|source| HypervisorError::Engine { source })?;
        let linker = build_linker(&engine).map_err(|source| HypervisorError::Linker { source })?;
        Ok(Self {
            inner: Arc::new(SharedEngine {
                engine,
                linker,
                config,
                cache: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &HypervisorConfig {
        &self.inner.config
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Validates and inspects an image without compiling it.
    pub fn inspect(&self, bytes: &[u8]) -> Result<Inspection, ImageError> {
        Ok(scan(bytes, &self.inner.config.image_limits)?.inspection)
    }

    /// Loads an image: checks, inspects, rewrites and compiles it, or returns the cached
    /// image with the same bytes.
    pub fn load_image(&self, bytes: &[u8]) -> Result<AppImage, ImageError> {
        let hash = fnv1a64(bytes);
        if let Some(img) = self.cached(hash, bytes) {
            return Ok(img);
        }
        let scanned = scan(bytes, &self.inner.config.image_limits)?;
        let fatal: Vec<Problem> = scanned
            .inspection
            .problems
            .iter()
            .filter(|p| p.is_fatal())
            .cloned()
            .collect();
        let style = match scanned.inspection.style {
            Some(style) if fatal.is_empty() => style,
            _ => return Err(ImageError::WontRun { problems: fatal }),
        };
        let at_observation =
            self.inner.config.nan_canonicalization == NanCanonicalization::AtObservation;
        let rewritten = rewrite(bytes, &scanned.plan, at_observation)
            .map_err(|source| ImageError::Rewrite { source })?;
        let module = Module::new(&self.inner.engine, &rewritten)
            .map_err(|source| ImageError::Compile { source })?;
        let pre = self
            .inner
            .linker
            .instantiate_pre(&module)
            .map_err(|source| ImageError::Compile { source })?;
        let image = AppImage {
            inner: Arc::new(CompiledImage {
                bytes: Arc::from(bytes),
                hash,
                style,
                mutable_globals: scanned.plan.mutable_globals,
                inspection: scanned.inspection,
                module,
                pre,
            }),
        };
        let mut cache = self
            .inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let bucket = cache.entry(hash).or_default();
        if let Some(existing) = bucket.iter().find(|i| &*i.inner.bytes == bytes) {
            return Ok(existing.clone());
        }
        bucket.push(image.clone());
        Ok(image)
    }

    fn cached(&self, hash: u64, bytes: &[u8]) -> Option<AppImage> {
        let cache = self
            .inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cache
            .get(&hash)?
            .iter()
            .find(|i| &*i.inner.bytes == bytes)
            .cloned()
    }

    /// Forgets every cached image (images already handed out stay valid).
    pub fn clear_cache(&self) {
        self.inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Number of distinct compiled images in the cache.
    pub fn cached_images(&self) -> usize {
        let cache = self
            .inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cache.values().map(Vec::len).sum()
    }
}
