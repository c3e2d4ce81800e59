//! NaN canonicalisation at load time, only where a NaN's bits can be observed.
//!
//! WebAssembly leaves the bits of a NaN produced by arithmetic to the CPU (x86-64's default
//! NaN has its sign bit set, aarch64's has it clear; payloads propagate differently), so the
//! same image can give different bits on different machines. Cranelift's
//! `nan_canonicalization` fixes every float result, which lengthens a chain of dependent
//! float operations about 3.5× (docs/BENCHMARKS.md). Yet a NaN's bits matter only where they
//! leave the float world: a float value has no other way to show its bits. Comparisons,
//! arithmetic, conversions to integers (`trunc` traps, `trunc_sat` gives 0) and `select`
//! treat every NaN alike. So this pass rewrites each function to canonicalise just before the
//! bits become observable:
//!
//! - `f32.store`, `f64.store` (the value): memory is read back as integers, and migrates;
//! - `i32.reinterpret_f32`, `i64.reinterpret_f64`;
//! - the sign operand of `f32.copysign`, `f64.copysign` (it gives a non-NaN result the NaN's
//!   sign bit);
//! - `global.set` of an `f32`/`f64` global (globals migrate with a reactor's state);
//! - a scalar entering a vector (`f32x4.splat`, `f64x2.splat`, `f32x4.replace_lane`,
//!   `f64x2.replace_lane`), and the result of every float vector operation that can produce a
//!   NaN: a `v128` is also an integer vector, so its lanes are canonical from the start.
//!
//! Host functions that take floats (`attitude_request`) reject every NaN whatever its bits
//! (docs/abi.md), so a NaN's bits cannot reach the host through an argument either. Loads,
//! constants and `reinterpret` from integers give the same bits everywhere, and `abs`, `neg`
//! and `copysign` are bit operations: a NaN that did not come from arithmetic is the same on
//! every machine, and one that did is canonicalised at the point it could show.
//!
//! A canonical NaN is the one Cranelift uses: `0x7fc00000` (f32), `0x7ff8000000000000`
//! (f64), positive, quiet, zero payload. The sequence for a scalar `x` on top of the stack is
//!
//! ```text
//! local.tee $t  f64.const nan  local.get $t  local.get $t  f64.eq  select
//! ```
//!
//! (`x` when `x == x`, the canonical NaN otherwise), and for a vector `v128.bitselect` with an
//! `fNxM.eq` lane mask: six operators, counted as the app's own instructions.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, Function, Instruction, ValType};
use wasmparser::{FunctionBody, Operator};

/// Canonical f32 NaN bits.
pub const CANONICAL_NAN_F32: u32 = 0x7fc0_0000;
/// Canonical f64 NaN bits.
pub const CANONICAL_NAN_F64: u64 = 0x7ff8_0000_0000_0000;

/// Wasm operators the pass inserts per canonicalisation (they cost fuel like any).
pub const OPERATORS_PER_CANONICALISATION: u64 = 6;

/// Why a function could not be rewritten: the module is malformed, which a validated module
/// is not.
#[derive(Debug, thiserror::Error)]
pub enum CanonError {
    /// wasmparser could not read the body.
    #[error("reading a function body")]
    Read {
        /// What wasmparser reported.
        #[source]
        source: wasmparser::BinaryReaderError,
    },
    /// An operator could not be re-encoded.
    #[error("re-encoding a function body")]
    Encode {
        /// What wasm-encoder reported.
        #[source]
        source: wasm_encoder::reencode::Error,
    },
    /// An index points past what the module declares.
    #[error("function or type index out of range")]
    Index,
}

impl From<wasmparser::BinaryReaderError> for CanonError {
    fn from(source: wasmparser::BinaryReaderError) -> Self {
        Self::Read { source }
    }
}

impl From<wasm_encoder::reencode::Error> for CanonError {
    fn from(source: wasm_encoder::reencode::Error) -> Self {
        Self::Encode { source }
    }
}

/// The lane shape of a canonicalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    F32,
    F64,
    F32x4,
    F64x2,
}

/// What the pass does at an operator: canonicalise the operand on top of the stack before
/// it, or the result after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    Before(Shape),
    After(Shape),
}

/// Where `op` makes a NaN's bits observable (`globals`: the value type of each global, to
/// tell a float `global.set`).
fn point(op: &Operator<'_>, globals: &[wasmparser::ValType]) -> Option<Point> {
    use Operator as O;
    use Point::{After, Before};
    use Shape::{F32, F32x4, F64, F64x2};
    Some(match op {
        O::F32Store { .. } | O::I32ReinterpretF32 | O::F32Copysign => Before(F32),
        O::F64Store { .. } | O::I64ReinterpretF64 | O::F64Copysign => Before(F64),
        O::F32x4Splat | O::F32x4ReplaceLane { .. } => Before(F32),
        O::F64x2Splat | O::F64x2ReplaceLane { .. } => Before(F64),
        O::GlobalSet { global_index } => match globals.get(*global_index as usize)? {
            wasmparser::ValType::F32 => Before(F32),
            wasmparser::ValType::F64 => Before(F64),
            _ => return None,
        },
        O::F32x4Add
        | O::F32x4Sub
        | O::F32x4Mul
        | O::F32x4Div
        | O::F32x4Min
        | O::F32x4Max
        | O::F32x4PMin
        | O::F32x4PMax
        | O::F32x4Sqrt
        | O::F32x4Ceil
        | O::F32x4Floor
        | O::F32x4Trunc
        | O::F32x4Nearest
        | O::F32x4DemoteF64x2Zero => After(F32x4),
        O::F64x2Add
        | O::F64x2Sub
        | O::F64x2Mul
        | O::F64x2Div
        | O::F64x2Min
        | O::F64x2Max
        | O::F64x2PMin
        | O::F64x2PMax
        | O::F64x2Sqrt
        | O::F64x2Ceil
        | O::F64x2Floor
        | O::F64x2Trunc
        | O::F64x2Nearest
        | O::F64x2PromoteLowF32x4 => After(F64x2),
        _ => return None,
    })
}

/// The value types of a module's functions and globals that the pass needs.
#[derive(Debug, Default, Clone)]
pub(crate) struct ModuleTypes {
    /// Parameter count of each function type, by type index (`None`: not a function type).
    pub type_params: Vec<Option<u32>>,
    /// Type index of each defined function, in order.
    pub defined_func_types: Vec<u32>,
    /// Value type of each global, by global index.
    pub globals: Vec<wasmparser::ValType>,
}

/// Whether any operator of `body` needs the pass.
fn needs_pass(
    body: &FunctionBody<'_>,
    globals: &[wasmparser::ValType],
) -> Result<bool, CanonError> {
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        if point(&reader.read()?, globals).is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Scratch locals of a rewritten function: one per shape, after its own locals.
struct Scratch {
    f32: u32,
    f64: u32,
    v128: u32,
}

/// Emits the canonicalisation of the `shape` value on top of the stack.
fn canonicalise(f: &mut Function, shape: Shape, s: &Scratch) {
    match shape {
        Shape::F32 => {
            f.instruction(&Instruction::LocalTee(s.f32));
            f.instruction(&Instruction::F32Const(
                f32::from_bits(CANONICAL_NAN_F32).into(),
            ));
            f.instruction(&Instruction::LocalGet(s.f32));
            f.instruction(&Instruction::LocalGet(s.f32));
            f.instruction(&Instruction::F32Eq);
            f.instruction(&Instruction::Select);
        }
        Shape::F64 => {
            f.instruction(&Instruction::LocalTee(s.f64));
            f.instruction(&Instruction::F64Const(
                f64::from_bits(CANONICAL_NAN_F64).into(),
            ));
            f.instruction(&Instruction::LocalGet(s.f64));
            f.instruction(&Instruction::LocalGet(s.f64));
            f.instruction(&Instruction::F64Eq);
            f.instruction(&Instruction::Select);
        }
        Shape::F32x4 | Shape::F64x2 => {
            let (lanes, eq) = match shape {
                Shape::F32x4 => (
                    u128::from(CANONICAL_NAN_F32) * 0x0000_0001_0000_0001_0000_0001_0000_0001,
                    Instruction::F32x4Eq,
                ),
                _ => (
                    u128::from(CANONICAL_NAN_F64) * 0x0000_0000_0000_0001_0000_0000_0000_0001,
                    Instruction::F64x2Eq,
                ),
            };
            f.instruction(&Instruction::LocalTee(s.v128));
            f.instruction(&Instruction::V128Const(lanes as i128));
            f.instruction(&Instruction::LocalGet(s.v128));
            f.instruction(&Instruction::LocalGet(s.v128));
            f.instruction(&eq);
            f.instruction(&Instruction::V128Bitselect);
        }
    }
}

/// Rewrites the code section (the bodies in `section`, the module described by `types`):
/// functions without an observation point are copied byte for byte. `None` when no function
/// needs the pass (the section stays as it is).
pub(crate) fn canonicalise_code(
    section: wasmparser::CodeSectionReader<'_>,
    types: &ModuleTypes,
) -> Result<Option<CodeSection>, CanonError> {
    let bodies: Vec<FunctionBody<'_>> = section.into_iter().collect::<Result<_, _>>()?;
    let mut any = false;
    let mut needs = Vec::with_capacity(bodies.len());
    for body in &bodies {
        let n = needs_pass(body, &types.globals)?;
        any |= n;
        needs.push(n);
    }
    if !any {
        return Ok(None);
    }
    let mut code = CodeSection::new();
    for (i, (body, needed)) in bodies.iter().zip(needs).enumerate() {
        if !needed {
            code.raw(body.as_bytes());
            continue;
        }
        let params = types
            .defined_func_types
            .get(i)
            .and_then(|&t| types.type_params.get(t as usize).copied().flatten())
            .ok_or(CanonError::Index)?;
        code.function(&rewrite_body(body, params, &types.globals)?);
    }
    Ok(Some(code))
}

/// One function with the canonicalisation sequences inserted.
fn rewrite_body(
    body: &FunctionBody<'_>,
    params: u32,
    globals: &[wasmparser::ValType],
) -> Result<Function, CanonError> {
    let mut re = RoundtripReencoder;
    let mut locals = Vec::new();
    let mut count = params;
    for pair in body.get_locals_reader()? {
        let (n, ty) = pair?;
        count = count.checked_add(n).ok_or(CanonError::Index)?;
        locals.push((n, re.val_type(ty)?));
    }
    let scratch = Scratch {
        f32: count,
        f64: count + 1,
        v128: count + 2,
    };
    locals.extend([(1, ValType::F32), (1, ValType::F64), (1, ValType::V128)]);
    let mut f = Function::new(locals);
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        let at = point(&op, globals);
        if let Some(Point::Before(shape)) = at {
            canonicalise(&mut f, shape, &scratch);
        }
        f.instruction(&re.instruction(op)?);
        if let Some(Point::After(shape)) = at {
            canonicalise(&mut f, shape, &scratch);
        }
    }
    Ok(f)
}
