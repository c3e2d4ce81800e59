//! Load-time rewrite of an app image so the host can reach its whole state, and so that no
//! NaN's bits depend on the machine.
//!
//! At rest, an instance's state is its linear memory plus its mutable globals, and wasmtime
//! only reaches exported globals. So every image gets extra exports before it is compiled:
//! memory 0 as [`MEMORY_EXPORT`] and each defined mutable global `i` as
//! `GLOBAL_EXPORT_PREFIX + i`; exports do not shift any index space. With NaN
//! canonicalisation at observation points (the default, [`super::nan_canon`]) the functions
//! that store, reinterpret or vectorise floats are rewritten too. Every other section, and
//! every other function body, is copied byte for byte.

use wasm_encoder::{ExportKind, ExportSection, RawSection, Section};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

use super::nan_canon::{CanonError, ModuleTypes, canonicalise_code};

/// Export name of memory 0 added by the rewrite.
pub const MEMORY_EXPORT: &str = "__skytwin_memory";
/// Prefix of the export names of mutable globals added by the rewrite.
pub const GLOBAL_EXPORT_PREFIX: &str = "__skytwin_global_";
/// Export names with this prefix are reserved for the host.
pub const RESERVED_PREFIX: &str = "__skytwin_";

/// What the rewrite needs to know about a (validated) module.
#[derive(Debug, Clone, Default)]
pub(crate) struct RewritePlan {
    /// Memory 0 is defined by the module (not imported).
    pub defines_memory: bool,
    /// Global indices (in the global index space) of defined mutable globals.
    pub mutable_globals: Vec<u32>,
}

/// Why a module could not be rewritten (it is malformed, which a validated module is not).
#[derive(Debug, thiserror::Error)]
pub enum RewriteError {
    /// wasmparser could not read it.
    #[error("reading the module")]
    Read {
        /// What wasmparser reported.
        #[source]
        source: wasmparser::BinaryReaderError,
    },
    /// The NaN canonicalisation pass failed.
    #[error("canonicalising NaNs")]
    Canon {
        /// What went wrong.
        #[source]
        source: CanonError,
    },
}

impl From<wasmparser::BinaryReaderError> for RewriteError {
    fn from(source: wasmparser::BinaryReaderError) -> Self {
        Self::Read { source }
    }
}

/// Export name of mutable global `index`.
pub fn global_export_name(index: u32) -> String {
    format!("{GLOBAL_EXPORT_PREFIX}{index}")
}

const EXPORT_SECTION_ID: u8 = 7;
const CODE_SECTION_ID: u8 = 10;
/// Sections that must come after the export section (start, element, data count, code, data).
const AFTER_EXPORT: [u8; 5] = [8, 9, 12, 10, 11];

/// Rewrites a validated module according to `plan`, canonicalising NaNs where their bits can
/// be observed when `canonicalise_nans`. Fails only on malformed input (which a validated
/// module is not), never panics.
pub(crate) fn rewrite(
    bytes: &[u8],
    plan: &RewritePlan,
    canonicalise_nans: bool,
) -> Result<Vec<u8>, RewriteError> {
    let mut extra = Vec::new();
    if plan.defines_memory {
        extra.push((MEMORY_EXPORT.to_string(), ExportKind::Memory, 0));
    }
    for &g in &plan.mutable_globals {
        extra.push((global_export_name(g), ExportKind::Global, g));
    }
    let mut out = Vec::with_capacity(bytes.len() + 64 * extra.len());
    out.extend_from_slice(bytes.get(..8).unwrap_or_default());
    let mut exports_written = false;
    let mut types = ModuleTypes::default();
    let write_exports = |out: &mut Vec<u8>, existing: Vec<(String, ExportKind, u32)>| {
        let mut sec = ExportSection::new();
        for (name, kind, index) in existing.iter().chain(extra.iter()) {
            sec.export(name, *kind, *index);
        }
        sec.append_to(out);
    };
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        if canonicalise_nans {
            collect_types(&payload, &mut types)?;
        }
        if let Payload::ExportSection(reader) = &payload {
            let mut existing = Vec::new();
            for e in reader.clone() {
                let e = e?;
                existing.push((e.name.to_string(), export_kind(e.kind), e.index));
            }
            write_exports(&mut out, existing);
            exports_written = true;
            continue;
        }
        if !exports_written && id != 0 && AFTER_EXPORT.contains(&id) {
            write_exports(&mut out, Vec::new());
            exports_written = true;
        }
        debug_assert_ne!(id, EXPORT_SECTION_ID);
        let offset = range.start;
        let data = bytes.get(range).unwrap_or_default();
        if canonicalise_nans && id == CODE_SECTION_ID {
            // The whole section (its bodies come as separate payloads after this one).
            let reader =
                wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(data, offset))?;
            match canonicalise_code(reader, &types)
                .map_err(|source| RewriteError::Canon { source })?
            {
                Some(code) => code.append_to(&mut out),
                None => RawSection { id, data }.append_to(&mut out),
            }
            continue;
        }
        RawSection { id, data }.append_to(&mut out);
    }
    if !exports_written && !extra.is_empty() {
        write_exports(&mut out, Vec::new());
    }
    Ok(out)
}

/// Records what the NaN pass needs to know from the sections before the code: function types'
/// parameter counts, defined functions' types, globals' value types.
fn collect_types(payload: &Payload<'_>, types: &mut ModuleTypes) -> Result<(), RewriteError> {
    match payload {
        Payload::TypeSection(r) => {
            for group in r.clone() {
                for sub in group?.into_types() {
                    let params = match &sub.composite_type.inner {
                        wasmparser::CompositeInnerType::Func(f) => Some(f.params().len() as u32),
                        _ => None,
                    };
                    types.type_params.push(params);
                }
            }
        }
        Payload::ImportSection(r) => {
            for imp in r.clone().into_imports() {
                if let TypeRef::Global(g) = imp?.ty {
                    types.globals.push(g.content_type);
                }
            }
        }
        Payload::FunctionSection(r) => {
            for t in r.clone() {
                types.defined_func_types.push(t?);
            }
        }
        Payload::GlobalSection(r) => {
            for g in r.clone() {
                types.globals.push(g?.ty.content_type);
            }
        }
        _ => {}
    }
    Ok(())
}

fn export_kind(k: ExternalKind) -> ExportKind {
    match k {
        ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
        ExternalKind::Table => ExportKind::Table,
        ExternalKind::Memory => ExportKind::Memory,
        ExternalKind::Global => ExportKind::Global,
        ExternalKind::Tag => ExportKind::Tag,
    }
}
