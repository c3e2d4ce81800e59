//! App images: checked, inspected, rewritten and compiled once.
//!
//! Loading an image is a pipeline that stops at the first problem and never panics:
//! size cap (before parsing) → wasmparser validation with our feature set, counting functions
//! and body sizes against caps (compile-time denial of service is out of wasmtime's scope) →
//! inspection (imports against the host's functions, entry points, memory and tables) →
//! the state-export rewrite → Cranelift compilation → `InstancePre` with the shared linker.

use std::fmt;
use std::sync::Arc;

use wasmparser::{
    Encoding, ExternalKind, FuncType, FuncValidatorAllocations, Parser, Payload, TypeRef, ValType,
    Validator, WasmFeatures,
};

use super::abi::{
    SKYTWIN_MODULE_PREFIX, SKYTWIN_V1_MODULE, WASI_P1_MODULE, WasmTy, host_signature,
};
use super::rewrite::{RESERVED_PREFIX, RewritePlan};

/// How an app is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppStyle {
    /// Exports `_start`: runs, blocks in `wait`/`sleep_until`/`poll_oneoff`, may exit.
    Command,
    /// Exports `skytwin_on_event`: the host calls it with events; at rest between calls.
    Reactor,
}

impl AppStyle {
    /// `command` or `reactor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Reactor => "reactor",
        }
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    #[error("invalid WebAssembly at byte offset {offset}: {message}")]
    Invalid {
        /// Offset of the problem in the module.
        offset: usize,
        /// What wasmparser reported.
        message: String,
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
    /// Cranelift compilation or linking failed.
    #[error("compilation failed: {message}")]
    Compile {
        /// The engine's message.
        message: String,
    },
}

/// Something that stops an otherwise valid module from running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An import the host does not provide.
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import of a host function with the wrong signature.
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The host's signature.
        expected: String,
        /// The module's.
        found: String,
    },
    /// An import of a memory, table, global or tag (the host provides functions only).
    NonFunctionImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// `memory`, `table`, `global` or `tag`.
        kind: &'static str,
    },
    /// `skytwin_vN` with a version this host does not serve.
    UnsupportedAbiVersion {
        /// The import module name.
        module: String,
    },
    /// Neither `_start` nor `skytwin_on_event` is exported.
    NoEntryPoint,
    /// Both `_start` and `skytwin_on_event` are exported.
    AmbiguousEntryPoints,
    /// An entry point has the wrong signature.
    EntryPointSignature {
        /// Export name.
        name: String,
        /// Required signature.
        expected: &'static str,
        /// The module's.
        found: String,
    },
    /// An export uses the host's reserved `__skytwin_` prefix.
    ReservedExportName {
        /// The export.
        name: String,
    },
    /// More than one memory (multi-memory is not enabled).
    TooManyMemories {
        /// Memories declared.
        count: u32,
    },
    /// The initial memory exceeds the default per-app memory cap (the app faults at start
    /// unless it is installed with a larger cap).
    InitialMemoryTooLarge {
        /// Initial size, bytes.
        bytes: u64,
        /// Default cap, bytes.
        cap_bytes: u64,
    },
    /// An initial table exceeds the default table element cap.
    InitialTableTooLarge {
        /// Initial elements.
        elements: u64,
        /// Default cap.
        cap: u64,
    },
}

impl Problem {
    /// Whether the problem stops the image from loading at all (otherwise it depends on the
    /// limits the app is installed with).
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            Self::InitialMemoryTooLarge { .. } | Self::InitialTableTooLarge { .. }
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownImport { module, name } => write!(f, "unknown import {module}.{name}"),
            Self::ImportSignature {
                module,
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "import {module}.{name} has signature {found}, the host provides {expected}"
                )
            }
            Self::NonFunctionImport { module, name, kind } => {
                write!(
                    f,
                    "import {module}.{name} is a {kind}; the host provides only functions"
                )
            }
            Self::UnsupportedAbiVersion { module } => {
                write!(
                    f,
                    "imports {module}, but this host serves {SKYTWIN_V1_MODULE}"
                )
            }
            Self::NoEntryPoint => {
                f.write_str("exports neither _start (command) nor skytwin_on_event (reactor)")
            }
            Self::AmbiguousEntryPoints => f.write_str("exports both _start and skytwin_on_event"),
            Self::EntryPointSignature {
                name,
                expected,
                found,
            } => {
                write!(
                    f,
                    "export {name} has signature {found}, expected {expected}"
                )
            }
            Self::ReservedExportName { name } => write!(
                f,
                "export {name} uses the reserved prefix {RESERVED_PREFIX}"
            ),
            Self::TooManyMemories { count } => {
                write!(f, "declares {count} memories; one is supported")
            }
            Self::InitialMemoryTooLarge { bytes, cap_bytes } => {
                write!(
                    f,
                    "initial memory {bytes} bytes exceeds the default cap of {cap_bytes} bytes"
                )
            }
            Self::InitialTableTooLarge { elements, cap } => {
                write!(
                    f,
                    "initial table of {elements} elements exceeds the default cap of {cap}"
                )
            }
        }
    }
}

/// How an import is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// The host provides it with this signature.
    Provided,
    /// The host does not provide it (see [`Inspection::problems`]).
    Missing,
}

/// One import of the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportInfo {
    /// Import module.
    pub module: String,
    /// Import name.
    pub name: String,
    /// Its type in text form (`func (i32, i32) -> i32`, `memory`, ...).
    pub ty: String,
    /// Whether the host serves it.
    pub status: ImportStatus,
}

/// One export of the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    /// Export name.
    pub name: String,
    /// `func`, `memory`, `table`, `global` or `tag`.
    pub kind: &'static str,
}

/// What `skytwin app inspect` reports about an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Module size, bytes.
    pub size_bytes: usize,
    /// Command or reactor (`None` when no entry point).
    pub style: Option<AppStyle>,
    /// Versions of the skytwin ABI imported (from the import module names `skytwin_vN`).
    pub abi_versions: Vec<u32>,
    /// The module imports WASI preview 1.
    pub uses_wasi: bool,
    /// Imports in module order.
    pub imports: Vec<ImportInfo>,
    /// Exports in module order.
    pub exports: Vec<ExportInfo>,
    /// Initial linear memory, bytes (0 without memory).
    pub memory_initial_bytes: u64,
    /// Declared maximum, bytes.
    pub memory_maximum_bytes: Option<u64>,
    /// The module exports its memory as `memory` (the ABI's pointers refer to memory 0).
    pub memory_exported: bool,
    /// Initial elements of each table.
    pub table_initial_elements: Vec<u64>,
    /// Functions (imported + defined).
    pub function_count: u32,
    /// Largest function body, bytes.
    pub largest_function_body_bytes: usize,
    /// Defined mutable globals (state that migration moves).
    pub mutable_globals: u32,
    /// The module exports `_initialize` (run once before a reactor's first event).
    pub has_initialize: bool,
    /// Everything that would stop it from running.
    pub problems: Vec<Problem>,
}

impl Inspection {
    /// No problem at all with the default limits.
    pub fn runnable(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "size:        {} bytes", self.size_bytes)?;
        writeln!(
            f,
            "style:       {}",
            self.style.map_or("none", AppStyle::as_str)
        )?;
        let abi = if self.abi_versions.is_empty() {
            "none (plain WASI)".to_string()
        } else {
            self.abi_versions
                .iter()
                .map(|v| format!("skytwin_v{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(f, "abi:         {abi}")?;
        writeln!(
            f,
            "wasi:        {}",
            if self.uses_wasi {
                "wasi_snapshot_preview1"
            } else {
                "no"
            }
        )?;
        let max = self
            .memory_maximum_bytes
            .map_or("none".to_string(), |m| format!("{m} bytes"));
        writeln!(
            f,
            "memory:      initial {} bytes, maximum {max}{}",
            self.memory_initial_bytes,
            if self.memory_exported {
                ", exported"
            } else {
                ""
            }
        )?;
        writeln!(f, "tables:      {:?} elements", self.table_initial_elements)?;
        writeln!(
            f,
            "functions:   {} (largest body {} bytes), mutable globals: {}",
            self.function_count, self.largest_function_body_bytes, self.mutable_globals
        )?;
        writeln!(f, "imports ({}):", self.imports.len())?;
        for i in &self.imports {
            let mark = if i.status == ImportStatus::Provided {
                "ok     "
            } else {
                "MISSING"
            };
            writeln!(f, "  {mark} {}.{}: {}", i.module, i.name, i.ty)?;
        }
        writeln!(f, "exports ({}):", self.exports.len())?;
        for e in &self.exports {
            writeln!(f, "  {} {}", e.kind, e.name)?;
        }
        if self.problems.is_empty() {
            writeln!(f, "runnable:    yes")
        } else {
            writeln!(f, "runnable:    no")?;
            for p in &self.problems {
                writeln!(f, "  - {p}")?;
            }
            Ok(())
        }
    }
}

/// The WebAssembly features skytwin accepts (and configures the engine with): the MVP plus
/// the finished proposals that toolchains emit by default, no threads, no relaxed SIMD, no
/// memory64 / multi-memory / GC / exceptions / components.
pub fn wasm_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::SIMD
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::FLOATS
        | WasmFeatures::EXTENDED_CONST
}

fn invalid(e: wasmparser::BinaryReaderError) -> ImageError {
    ImageError::Invalid {
        offset: e.offset(),
        message: e.message().to_string(),
    }
}

fn wt(v: &ValType) -> Option<WasmTy> {
    match v {
        ValType::I32 => Some(WasmTy::I32),
        ValType::I64 => Some(WasmTy::I64),
        ValType::F64 => Some(WasmTy::F64),
        _ => None,
    }
}

fn sig_text(params: &[ValType], results: &[ValType]) -> String {
    let p: Vec<String> = params.iter().map(ToString::to_string).collect();
    let r: Vec<String> = results.iter().map(ToString::to_string).collect();
    format!("func ({}) -> ({})", p.join(", "), r.join(", "))
}

fn host_sig_text(params: &[WasmTy], results: &[WasmTy]) -> String {
    let p: Vec<&str> = params.iter().map(|t| t.name()).collect();
    let r: Vec<&str> = results.iter().map(|t| t.name()).collect();
    format!("func ({}) -> ({})", p.join(", "), r.join(", "))
}

fn matches_host(ty: &FuncType, params: &[WasmTy], results: &[WasmTy]) -> bool {
    let p: Option<Vec<WasmTy>> = ty.params().iter().map(wt).collect();
    let r: Option<Vec<WasmTy>> = ty.results().iter().map(wt).collect();
    p.as_deref() == Some(params) && r.as_deref() == Some(results)
}

/// Result of scanning a module: its inspection and what the rewrite needs.
#[derive(Debug, Clone)]
pub(crate) struct Scan {
    pub inspection: Inspection,
    pub plan: RewritePlan,
}

/// Validates and inspects a module without compiling it.
pub(crate) fn scan(bytes: &[u8], limits: &ImageLimits) -> Result<Scan, ImageError> {
    if bytes.len() > limits.max_module_bytes {
        return Err(ImageError::TooLarge {
            size_bytes: bytes.len(),
            max_bytes: limits.max_module_bytes,
        });
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(ImageError::NotWasm);
    }
    let mut validator = Validator::new_with_features(wasm_features());
    let mut allocs = FuncValidatorAllocations::default();
    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported_globals: u32 = 0;
    let mut memories: Vec<(u64, Option<u64>)> = Vec::new();
    let mut memory_imported = false;
    let mut tables: Vec<u64> = Vec::new();
    let mut plan = RewritePlan::default();
    let mut insp = Inspection {
        size_bytes: bytes.len(),
        style: None,
        abi_versions: Vec::new(),
        uses_wasi: false,
        imports: Vec::new(),
        exports: Vec::new(),
        memory_initial_bytes: 0,
        memory_maximum_bytes: None,
        memory_exported: false,
        table_initial_elements: Vec::new(),
        function_count: 0,
        largest_function_body_bytes: 0,
        mutable_globals: 0,
        has_initialize: false,
        problems: Vec::new(),
    };
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut body_index: u32 = 0;
    let mut imported_funcs: u32 = 0;

    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        if let Payload::Version { encoding, .. } = &payload
            && *encoding != Encoding::Module
        {
            return Err(ImageError::NotACoreModule);
        }
        let valid = validator.payload(&payload).map_err(invalid)?;
        match &payload {
            Payload::TypeSection(r) => {
                for t in r.clone().into_iter_err_on_gc_types() {
                    types.push(t.map_err(invalid)?);
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.clone().into_imports() {
                    let imp = imp.map_err(invalid)?;
                    let (module, name) = (imp.module.to_string(), imp.name.to_string());
                    let (ty, status) = match imp.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            func_types.push(t);
                            imported_funcs += 1;
                            let ft = types.get(t as usize).cloned();
                            let found = ft.as_ref().map_or("func ?".to_string(), |f| {
                                sig_text(f.params(), f.results())
                            });
                            let status = match (host_signature(&module, &name), &ft) {
                                (Some((_, p, r)), Some(f)) if matches_host(f, p, r) => {
                                    ImportStatus::Provided
                                }
                                (Some((_, p, r)), _) => {
                                    insp.problems.push(Problem::ImportSignature {
                                        module: module.clone(),
                                        name: name.clone(),
                                        expected: host_sig_text(p, r),
                                        found: found.clone(),
                                    });
                                    ImportStatus::Missing
                                }
                                (None, _) => {
                                    let p = if module.starts_with(SKYTWIN_MODULE_PREFIX)
                                        && module != SKYTWIN_V1_MODULE
                                    {
                                        Problem::UnsupportedAbiVersion {
                                            module: module.clone(),
                                        }
                                    } else {
                                        Problem::UnknownImport {
                                            module: module.clone(),
                                            name: name.clone(),
                                        }
                                    };
                                    if !insp.problems.contains(&p) {
                                        insp.problems.push(p);
                                    }
                                    ImportStatus::Missing
                                }
                            };
                            (found, status)
                        }
                        other => {
                            let kind = match other {
                                TypeRef::Memory(_) => {
                                    memory_imported = true;
                                    "memory"
                                }
                                TypeRef::Table(_) => "table",
                                TypeRef::Global(_) => {
                                    imported_globals += 1;
                                    "global"
                                }
                                _ => "tag",
                            };
                            insp.problems.push(Problem::NonFunctionImport {
                                module: module.clone(),
                                name: name.clone(),
                                kind,
                            });
                            (kind.to_string(), ImportStatus::Missing)
                        }
                    };
                    if let Some(v) = module
                        .strip_prefix(SKYTWIN_MODULE_PREFIX)
                        .and_then(|v| v.parse::<u32>().ok())
                        && !insp.abi_versions.contains(&v)
                    {
                        insp.abi_versions.push(v);
                    }
                    if module == WASI_P1_MODULE {
                        insp.uses_wasi = true;
                    }
                    insp.imports.push(ImportInfo {
                        module,
                        name,
                        ty,
                        status,
                    });
                }
            }
            Payload::FunctionSection(r) => {
                let total = u64::from(imported_funcs) + u64::from(r.count());
                if total > u64::from(limits.max_functions) {
                    return Err(ImageError::TooManyFunctions {
                        count: total,
                        max: limits.max_functions,
                    });
                }
                for t in r.clone() {
                    func_types.push(t.map_err(invalid)?);
                }
            }
            Payload::TableSection(r) => {
                for t in r.clone() {
                    tables.push(t.map_err(invalid)?.ty.initial);
                }
            }
            Payload::MemorySection(r) => {
                for m in r.clone() {
                    let m = m.map_err(invalid)?;
                    let page = 1u64 << m.page_size_log2.unwrap_or(16);
                    memories.push((
                        m.initial.saturating_mul(page),
                        m.maximum.map(|x| x.saturating_mul(page)),
                    ));
                }
            }
            Payload::GlobalSection(r) => {
                for (i, g) in r.clone().into_iter().enumerate() {
                    let g = g.map_err(invalid)?;
                    if g.ty.mutable {
                        plan.mutable_globals.push(imported_globals + i as u32);
                    }
                }
            }
            Payload::ExportSection(r) => {
                for e in r.clone() {
                    let e = e.map_err(invalid)?;
                    exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let size = body.range().len();
                if size > limits.max_function_body_bytes {
                    return Err(ImageError::FunctionTooLarge {
                        index: imported_funcs + body_index,
                        size_bytes: size,
                        max_bytes: limits.max_function_body_bytes,
                    });
                }
                insp.largest_function_body_bytes = insp.largest_function_body_bytes.max(size);
                body_index += 1;
            }
            _ => {}
        }
        if let wasmparser::ValidPayload::Func(func, body) = valid {
            let mut fv = func.into_validator(std::mem::take(&mut allocs));
            fv.validate(&body).map_err(invalid)?;
            allocs = fv.into_allocations();
        }
    }

    insp.function_count = func_types.len() as u32;
    insp.mutable_globals = plan.mutable_globals.len() as u32;
    insp.table_initial_elements = tables.clone();
    if memories.len() + usize::from(memory_imported) > 1 {
        insp.problems.push(Problem::TooManyMemories {
            count: (memories.len() + usize::from(memory_imported)) as u32,
        });
    }
    if let Some(&(initial, maximum)) = memories.first() {
        insp.memory_initial_bytes = initial;
        insp.memory_maximum_bytes = maximum;
        plan.defines_memory = !memory_imported;
        if initial > limits.default_memory_cap_bytes {
            insp.problems.push(Problem::InitialMemoryTooLarge {
                bytes: initial,
                cap_bytes: limits.default_memory_cap_bytes,
            });
        }
    }
    for &t in &tables {
        if t > limits.default_table_elements {
            insp.problems.push(Problem::InitialTableTooLarge {
                elements: t,
                cap: limits.default_table_elements,
            });
        }
    }

    let func_sig =
        |index: u32| -> Option<&FuncType> { types.get(*func_types.get(index as usize)? as usize) };
    let mut start = None;
    let mut reactor = None;
    for (name, kind, index) in &exports {
        let kind_name = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => "func",
            ExternalKind::Table => "table",
            ExternalKind::Memory => "memory",
            ExternalKind::Global => "global",
            ExternalKind::Tag => "tag",
        };
        insp.exports.push(ExportInfo {
            name: name.clone(),
            kind: kind_name,
        });
        if name.starts_with(RESERVED_PREFIX) {
            insp.problems
                .push(Problem::ReservedExportName { name: name.clone() });
        }
        let is_func = kind_name == "func";
        match name.as_str() {
            "memory" if *kind == ExternalKind::Memory && *index == 0 => insp.memory_exported = true,
            "_start" if is_func => start = Some(*index),
            "skytwin_on_event" if is_func => reactor = Some(*index),
            "_initialize" if is_func => {
                insp.has_initialize = true;
                check_sig(&mut insp, name, func_sig(*index), &[], &[], "func () -> ()");
            }
            _ => {}
        }
    }
    match (start, reactor) {
        (Some(_), Some(_)) => insp.problems.push(Problem::AmbiguousEntryPoints),
        (None, None) => insp.problems.push(Problem::NoEntryPoint),
        (Some(i), None) => {
            insp.style = Some(AppStyle::Command);
            check_sig(&mut insp, "_start", func_sig(i), &[], &[], "func () -> ()");
        }
        (None, Some(i)) => {
            insp.style = Some(AppStyle::Reactor);
            check_sig(
                &mut insp,
                "skytwin_on_event",
                func_sig(i),
                &[WasmTy::I32],
                &[WasmTy::I32],
                "func (i32) -> (i32)",
            );
        }
    }
    insp.abi_versions.sort_unstable();
    Ok(Scan {
        inspection: insp,
        plan,
    })
}

fn check_sig(
    insp: &mut Inspection,
    name: &str,
    ty: Option<&FuncType>,
    params: &[WasmTy],
    results: &[WasmTy],
    expected: &'static str,
) {
    let ok = ty.is_some_and(|t| matches_host(t, params, results));
    if !ok {
        let found = ty.map_or("?".to_string(), |t| sig_text(t.params(), t.results()));
        insp.problems.push(Problem::EntryPointSignature {
            name: name.to_string(),
            expected,
            found,
        });
    }
}

/// A loaded app image: validated, inspected, rewritten and compiled; cheap to clone and
/// shared by every app instance on every satellite.
#[derive(Clone)]
pub struct AppImage {
    pub(crate) inner: Arc<ImageInner>,
}

pub(crate) struct ImageInner {
    pub bytes: Arc<[u8]>,
    pub hash: u64,
    pub style: AppStyle,
    pub inspection: Inspection,
    pub mutable_globals: Vec<u32>,
    pub module: wasmtime::Module,
    pub pre: wasmtime::InstancePre<super::ctx::AppCtx>,
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

    /// Whether two handles refer to the same compiled image.
    pub fn same_as(&self, other: &AppImage) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
