//! Load-time rewrite of an app image so the host can reach its whole state.
//!
//! At rest, an instance's state is its linear memory plus its mutable globals, and wasmtime
//! only reaches exported globals. So every image gets extra exports before it is compiled:
//! memory 0 as [`MEMORY_EXPORT`] and each defined mutable global `i` as
//! `GLOBAL_EXPORT_PREFIX + i`. Nothing else changes: every other section is copied byte for
//! byte, and exports do not shift any index space.

use wasm_encoder::{ExportKind, ExportSection, RawSection, Section};
use wasmparser::{ExternalKind, Parser, Payload};

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

/// Export name of mutable global `index`.
pub fn global_export_name(index: u32) -> String {
    format!("{GLOBAL_EXPORT_PREFIX}{index}")
}

const EXPORT_SECTION_ID: u8 = 7;
/// Sections that must come after the export section (start, element, data count, code, data).
const AFTER_EXPORT: [u8; 5] = [8, 9, 12, 10, 11];

/// Rewrites a validated module according to `plan`. Fails only on malformed input (which a
/// validated module is not), never panics.
pub(crate) fn rewrite(
    bytes: &[u8],
    plan: &RewritePlan,
) -> Result<Vec<u8>, wasmparser::BinaryReaderError> {
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
        let data = bytes.get(range).unwrap_or_default();
        RawSection { id, data }.append_to(&mut out);
    }
    if !exports_written && !extra.is_empty() {
        write_exports(&mut out, Vec::new());
    }
    Ok(out)
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
