//! What `skytwin app inspect` reports about a module: its imports against the host's
//! functions, its entry points, memory and tables, and every problem that stops it from
//! running.

use std::fmt;

use super::rewrite::RESERVED_PREFIX;
use crate::abi_codes::SKYTWIN_V1_MODULE;
use crate::bus::app_settings::AppStyle;

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
