//! Scanning a module before it is compiled. Loading an image is a pipeline that stops at the
//! first problem and never panics: size cap (before parsing) → wasmparser validation with our
//! feature set, counting functions and body sizes against caps (compile-time denial of
//! service is out of wasmtime's scope) → inspection (imports against the host's functions,
//! entry points, memory and tables) → the state-export rewrite → Cranelift compilation →
//! `InstancePre` with the shared linker. This file is the first three stages.

use wasmparser::{
    Encoding, ExternalKind, FuncType, FuncValidatorAllocations, Parser, Payload, TypeRef, ValType,
    Validator, WasmFeatures,
};

use super::abi::signatures::{WasmTy, host_signature};
use super::image::{ImageError, ImageLimits};
use super::inspection::{ExportInfo, ImportInfo, ImportStatus, Inspection, Problem};
use super::rewrite::{RESERVED_PREFIX, RewritePlan};
use crate::abi_codes::{SKYTWIN_MODULE_PREFIX, SKYTWIN_V1_MODULE, WASI_P1_MODULE};
use crate::bus::app_settings::AppStyle;

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
pub(crate) struct ScannedModule {
    pub inspection: Inspection,
    pub plan: RewritePlan,
}

/// Validates and inspects a module without compiling it.
pub(crate) fn scan(bytes: &[u8], limits: &ImageLimits) -> Result<ScannedModule, ImageError> {
    if bytes.len() > limits.max_module_bytes {
        return Err(ImageError::TooLarge {
            size_bytes: bytes.len(),
            max_bytes: limits.max_module_bytes,
        });
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(ImageError::NotWasm);
    }
    let mut scanner = Scanner::new(bytes.len(), limits);
    for payload in Parser::new(0).parse_all(bytes) {
        scanner.payload(&payload?)?;
    }
    Ok(scanner.finish())
}

/// What a scan gathers while it walks the module's sections in order.
struct Scanner<'a> {
    limits: &'a ImageLimits,
    validator: Validator,
    allocations: FuncValidatorAllocations,
    /// The type section.
    types: Vec<FuncType>,
    /// The type index of every function (imported, then defined).
    func_types: Vec<u32>,
    imported_funcs: u32,
    imported_globals: u32,
    /// (initial, maximum) bytes of each defined memory.
    memories: Vec<(u64, Option<u64>)>,
    memory_imported: bool,
    /// Initial elements of each defined table.
    tables: Vec<u64>,
    /// (name, kind, index) in module order.
    exports: Vec<(String, ExternalKind, u32)>,
    /// Defined function bodies seen so far.
    body_index: u32,
    plan: RewritePlan,
    inspection: Inspection,
}

impl<'a> Scanner<'a> {
    fn new(size_bytes: usize, limits: &'a ImageLimits) -> Self {
        Self {
            limits,
            validator: Validator::new_with_features(wasm_features()),
            allocations: FuncValidatorAllocations::default(),
            types: Vec::new(),
            func_types: Vec::new(),
            imported_funcs: 0,
            imported_globals: 0,
            memories: Vec::new(),
            memory_imported: false,
            tables: Vec::new(),
            exports: Vec::new(),
            body_index: 0,
            plan: RewritePlan::default(),
            inspection: Inspection {
                size_bytes,
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
            },
        }
    }

    /// Validates one payload and records what the inspection and the rewrite need from it.
    fn payload(&mut self, payload: &Payload<'_>) -> Result<(), ImageError> {
        if let Payload::Version { encoding, .. } = payload
            && *encoding != Encoding::Module
        {
            return Err(ImageError::NotACoreModule);
        }
        let valid = self.validator.payload(payload)?;
        match payload {
            Payload::TypeSection(r) => {
                for t in r.clone().into_iter_err_on_gc_types() {
                    self.types.push(t?);
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.clone().into_imports() {
                    self.import(imp?);
                }
            }
            Payload::FunctionSection(r) => {
                let total = u64::from(self.imported_funcs) + u64::from(r.count());
                if total > u64::from(self.limits.max_functions) {
                    return Err(ImageError::TooManyFunctions {
                        count: total,
                        max: self.limits.max_functions,
                    });
                }
                for t in r.clone() {
                    self.func_types.push(t?);
                }
            }
            Payload::TableSection(r) => {
                for t in r.clone() {
                    self.tables.push(t?.ty.initial);
                }
            }
            Payload::MemorySection(r) => {
                for m in r.clone() {
                    let m = m?;
                    let page = 1u64 << m.page_size_log2.unwrap_or(16);
                    self.memories.push((
                        m.initial.saturating_mul(page),
                        m.maximum.map(|x| x.saturating_mul(page)),
                    ));
                }
            }
            Payload::GlobalSection(r) => {
                for (i, g) in r.clone().into_iter().enumerate() {
                    if g?.ty.mutable {
                        self.plan
                            .mutable_globals
                            .push(self.imported_globals + i as u32);
                    }
                }
            }
            Payload::ExportSection(r) => {
                for e in r.clone() {
                    let e = e?;
                    self.exports.push((e.name.to_string(), e.kind, e.index));
                }
            }
            Payload::CodeSectionEntry(body) => self.function_body(body.range().len())?,
            _ => {}
        }
        if let wasmparser::ValidPayload::Func(func, body) = valid {
            let mut fv = func.into_validator(std::mem::take(&mut self.allocations));
            fv.validate(&body)?;
            self.allocations = fv.into_allocations();
        }
        Ok(())
    }

    /// Checks a defined function's body size against the cap.
    fn function_body(&mut self, size: usize) -> Result<(), ImageError> {
        if size > self.limits.max_function_body_bytes {
            return Err(ImageError::FunctionTooLarge {
                index: self.imported_funcs + self.body_index,
                size_bytes: size,
                max_bytes: self.limits.max_function_body_bytes,
            });
        }
        let largest = &mut self.inspection.largest_function_body_bytes;
        *largest = (*largest).max(size);
        self.body_index += 1;
        Ok(())
    }

    /// Records one import: its type, whether the host serves it, and the ABI it belongs to.
    fn import(&mut self, imp: wasmparser::Import<'_>) {
        let (module, name) = (imp.module.to_string(), imp.name.to_string());
        let (ty, status) = match imp.ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => self.function_import(&module, &name, t),
            other => self.non_function_import(&module, &name, other),
        };
        if let Some(v) = module
            .strip_prefix(SKYTWIN_MODULE_PREFIX)
            .and_then(|v| v.parse::<u32>().ok())
            && !self.inspection.abi_versions.contains(&v)
        {
            self.inspection.abi_versions.push(v);
        }
        if module == WASI_P1_MODULE {
            self.inspection.uses_wasi = true;
        }
        self.inspection.imports.push(ImportInfo {
            module,
            name,
            ty,
            status,
        });
    }

    /// A function import of type `type_index`, checked against the host's signature.
    fn function_import(
        &mut self,
        module: &str,
        name: &str,
        type_index: u32,
    ) -> (String, ImportStatus) {
        self.func_types.push(type_index);
        self.imported_funcs += 1;
        let ft = self.types.get(type_index as usize).cloned();
        let found = ft
            .as_ref()
            .map_or("func ?".to_string(), |f| sig_text(f.params(), f.results()));
        let problems = &mut self.inspection.problems;
        let status = match (host_signature(module, name), &ft) {
            (Some((_, p, r)), Some(f)) if matches_host(f, p, r) => ImportStatus::Provided,
            (Some((_, p, r)), _) => {
                problems.push(Problem::ImportSignature {
                    module: module.to_string(),
                    name: name.to_string(),
                    expected: host_sig_text(p, r),
                    found: found.clone(),
                });
                ImportStatus::Missing
            }
            (None, _) => {
                let p = if module.starts_with(SKYTWIN_MODULE_PREFIX) && module != SKYTWIN_V1_MODULE
                {
                    Problem::UnsupportedAbiVersion {
                        module: module.to_string(),
                    }
                } else {
                    Problem::UnknownImport {
                        module: module.to_string(),
                        name: name.to_string(),
                    }
                };
                if !problems.contains(&p) {
                    problems.push(p);
                }
                ImportStatus::Missing
            }
        };
        (found, status)
    }

    /// A memory, table, global or tag import (the host provides functions only).
    fn non_function_import(
        &mut self,
        module: &str,
        name: &str,
        ty: TypeRef,
    ) -> (String, ImportStatus) {
        let kind = match ty {
            TypeRef::Memory(_) => {
                self.memory_imported = true;
                "memory"
            }
            TypeRef::Table(_) => "table",
            TypeRef::Global(_) => {
                self.imported_globals += 1;
                "global"
            }
            _ => "tag",
        };
        self.inspection.problems.push(Problem::NonFunctionImport {
            module: module.to_string(),
            name: name.to_string(),
            kind,
        });
        (kind.to_string(), ImportStatus::Missing)
    }

    /// The inspection once every section has been seen.
    fn finish(mut self) -> ScannedModule {
        self.inspection.function_count = self.func_types.len() as u32;
        self.inspection.mutable_globals = self.plan.mutable_globals.len() as u32;
        self.inspection.table_initial_elements = self.tables.clone();
        self.memories_and_tables();
        let (start, reactor) = self.exports();
        self.entry_point(start, reactor);
        self.inspection.abi_versions.sort_unstable();
        ScannedModule {
            inspection: self.inspection,
            plan: self.plan,
        }
    }

    /// One memory at most, and initial sizes within the default caps.
    fn memories_and_tables(&mut self) {
        let insp = &mut self.inspection;
        let memory_count = self.memories.len() + usize::from(self.memory_imported);
        if memory_count > 1 {
            insp.problems.push(Problem::TooManyMemories {
                count: memory_count as u32,
            });
        }
        if let Some(&(initial, maximum)) = self.memories.first() {
            insp.memory_initial_bytes = initial;
            insp.memory_maximum_bytes = maximum;
            self.plan.defines_memory = !self.memory_imported;
            if initial > self.limits.default_memory_cap_bytes {
                insp.problems.push(Problem::InitialMemoryTooLarge {
                    bytes: initial,
                    cap_bytes: self.limits.default_memory_cap_bytes,
                });
            }
        }
        for &t in &self.tables {
            if t > self.limits.default_table_elements {
                insp.problems.push(Problem::InitialTableTooLarge {
                    elements: t,
                    cap: self.limits.default_table_elements,
                });
            }
        }
    }

    /// The signature of function `index`.
    fn func_sig(&self, index: u32) -> Option<&FuncType> {
        self.types
            .get(*self.func_types.get(index as usize)? as usize)
    }

    /// Records the exports; returns the function indices of `_start` and `skytwin_on_event`.
    fn exports(&mut self) -> (Option<u32>, Option<u32>) {
        let mut start = None;
        let mut reactor = None;
        for (name, kind, index) in std::mem::take(&mut self.exports) {
            let kind_name = match kind {
                ExternalKind::Func | ExternalKind::FuncExact => "func",
                ExternalKind::Table => "table",
                ExternalKind::Memory => "memory",
                ExternalKind::Global => "global",
                ExternalKind::Tag => "tag",
            };
            self.inspection.exports.push(ExportInfo {
                name: name.clone(),
                kind: kind_name,
            });
            if name.starts_with(RESERVED_PREFIX) {
                self.inspection
                    .problems
                    .push(Problem::ReservedExportName { name: name.clone() });
            }
            let is_func = kind_name == "func";
            match name.as_str() {
                "memory" if kind == ExternalKind::Memory && index == 0 => {
                    self.inspection.memory_exported = true;
                }
                "_start" if is_func => start = Some(index),
                "skytwin_on_event" if is_func => reactor = Some(index),
                "_initialize" if is_func => {
                    self.inspection.has_initialize = true;
                    self.check_sig(&name, index, &[], &[], "func () -> ()");
                }
                _ => {}
            }
        }
        (start, reactor)
    }

    /// The app's style from its entry point, which must be exactly one with the right
    /// signature.
    fn entry_point(&mut self, start: Option<u32>, reactor: Option<u32>) {
        match (start, reactor) {
            (Some(_), Some(_)) => self.inspection.problems.push(Problem::AmbiguousEntryPoints),
            (None, None) => self.inspection.problems.push(Problem::NoEntryPoint),
            (Some(i), None) => {
                self.inspection.style = Some(AppStyle::Command);
                self.check_sig("_start", i, &[], &[], "func () -> ()");
            }
            (None, Some(i)) => {
                self.inspection.style = Some(AppStyle::Reactor);
                self.check_sig(
                    "skytwin_on_event",
                    i,
                    &[WasmTy::I32],
                    &[WasmTy::I32],
                    "func (i32) -> (i32)",
                );
            }
        }
    }

    /// Records a problem unless export `name` (function `index`) has the signature
    /// `(params) -> (results)`.
    fn check_sig(
        &mut self,
        name: &str,
        index: u32,
        params: &[WasmTy],
        results: &[WasmTy],
        expected: &'static str,
    ) {
        let ty = self.func_sig(index);
        if !ty.is_some_and(|t| matches_host(t, params, results)) {
            let found = ty.map_or("?".to_string(), |t| sig_text(t.params(), t.results()));
            self.inspection.problems.push(Problem::EntryPointSignature {
                name: name.to_string(),
                expected,
                found,
            });
        }
    }
}
