//! App images as the hypervisor hands them out: the caps checked before compiling, why an
//! image is refused, and the loaded [`AppImage`] (validated, inspected, rewritten and
//! compiled once, shared by every app instance).

use std::fmt;
use std::sync::Arc;

use super::ctx::AppCtx;
use super::inspection::{Inspection, Problem};
use crate::bus::app_settings::AppStyle;

/// Caps applied to an image before it is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest module accepted, bytes (checked before parsing).
    pub max_module_bytes: usize,
    /// Most functions (imported + defined).
    pub max_functions: u32,
    /// Largest function body, bytes.
    pub max_function_body_bytes: usize,
    /// Memory cap used to flag an initial memory that could never start (bytes).
    pub default_memory_cap_bytes: u64,
    /// Table element cap used to flag an initial table that could never start.
    pub default_table_elements: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self {
            max_module_bytes: 32 << 20,
            max_functions: 100_000,
            max_function_body_bytes: 1 << 20,
            default_memory_cap_bytes: 64 << 20,
            default_table_elements: 10_000,
        }
    }
}

/// Why an image cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The module is larger than the cap (checked before parsing).
    #[error("module is {size_bytes} bytes, larger than the {max_bytes}-byte limit")]
    TooLarge {
        /// Module size.
        size_bytes: usize,
        /// The cap.
        max_bytes: usize,
    },
    /// The bytes do not start with the WebAssembly magic number `\0asm`.
    #[error("not a WebAssembly module (it does not start with the bytes \\0asm)")]
    NotWasm,
    /// Not a valid WebAssembly module for skytwin's feature set.
    #[error("invalid WebAssembly at byte offset {offset}")]
    Invalid {
        /// Offset of the problem in the module.
        offset: usize,
        /// What wasmparser reported.
        #[source]
        source: wasmparser::BinaryReaderError,
    },
    /// A component (or other non-core-module encoding) was given.
    #[error("a WebAssembly component was given; skytwin runs core modules (wasm32-wasip1)")]
    NotACoreModule,
    /// Too many functions.
    #[error("module has {count} functions, more than the limit of {max}")]
    TooManyFunctions {
        /// Functions (imported + defined).
        count: u64,
        /// The cap.
        max: u32,
    },
    /// A function body is too large.
    #[error(
        "function {index} has a {size_bytes}-byte body, larger than the {max_bytes}-byte limit"
    )]
    FunctionTooLarge {
        /// Function index (defined functions, counting imports).
        index: u32,
        /// Body size.
        size_bytes: usize,
        /// The cap.
        max_bytes: usize,
    },
    /// The module is valid but cannot run on skytwin.
    #[error("module cannot run: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    WontRun {
        /// Everything that stops it.
        problems: Vec<Problem>,
    },
    /// The load-time rewrite failed (a malformed module that validation let through).
    #[error("rewriting the module failed")]
    Rewrite {
        /// What went wrong.
        #[source]
        source: super::rewrite::RewriteError,
    },
    /// Cranelift compilation or linking failed.
    #[error("compilation failed")]
    Compile {
        /// What the engine reported.
        #[source]
        source: wasmtime::Error,
    },
}

impl From<wasmparser::BinaryReaderError> for ImageError {
    /// wasmparser's error as [`ImageError::Invalid`] at its offset.
    fn from(source: wasmparser::BinaryReaderError) -> Self {
        Self::Invalid {
            offset: source.offset(),
            source,
        }
    }
}

/// A loaded app image: validated, inspected, rewritten and compiled; cheap to clone and
/// shared by every app instance on every satellite.
#[derive(Clone)]
pub struct AppImage {
    pub(crate) inner: Arc<CompiledImage>,
}

/// What every handle of one image shares: the original bytes, the inspection and the
/// compiled module, ready to instantiate with the hypervisor's linker.
pub(crate) struct CompiledImage {
    pub bytes: Arc<[u8]>,
    pub hash: u64,
    pub style: AppStyle,
    pub inspection: Inspection,
    pub mutable_globals: Vec<u32>,
    pub module: wasmtime::Module,
    pub pre: wasmtime::InstancePre<AppCtx>,
}

impl fmt::Debug for AppImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppImage")
            .field("size_bytes", &self.inner.bytes.len())
            .field("hash", &format_args!("{:016x}", self.inner.hash))
            .field("style", &self.inner.style)
            .finish()
    }
}

impl AppImage {
    /// Command or reactor.
    pub fn style(&self) -> AppStyle {
        self.inner.style
    }

    /// The inspection report.
    pub fn inspection(&self) -> &Inspection {
        &self.inner.inspection
    }

    /// The original module bytes (what is uploaded or migrated).
    pub fn bytes(&self) -> &Arc<[u8]> {
        &self.inner.bytes
    }

    /// Size of the original module, bytes.
    pub fn size_bytes(&self) -> usize {
        self.inner.bytes.len()
    }

    /// FNV-1a 64 hash of the original bytes.
    pub fn hash(&self) -> u64 {
        self.inner.hash
    }

    /// Whether the app can send inter-satellite messages: it imports the ABI's `isl_send`
    /// (the only way a guest puts anything on the ISL).
    pub fn sends_isl(&self) -> bool {
        self.inner
            .inspection
            .imports
            .iter()
            .any(|i| i.name == "isl_send" && i.module.starts_with("skytwin"))
    }

    /// Whether two handles refer to the same compiled image.
    pub fn same_as(&self, other: &AppImage) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
