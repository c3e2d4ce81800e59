//! The one error type of `hardware-models`.

use std::path::PathBuf;

/// Everything that can go wrong when building or running a hardware model.
///
/// Bad parameters are reported when a model is constructed (`Model::new(params)`), never by a
/// panic during a step.
#[derive(Debug, thiserror::Error)]
pub enum HardwareError {
    /// A numeric parameter is out of its physical range.
    #[error("{model}: parameter `{field}` = {value} is invalid: expected {expected}")]
    InvalidParameter {
        /// Model whose parameters were rejected (`"power"`, `"thermal"`, ...).
        model: &'static str,
        /// Name of the offending field (as in the parameter file).
        field: String,
        /// The value found.
        value: f64,
        /// What was expected, e.g. `"0 < value <= 1"`.
        expected: &'static str,
    },
    /// A name refers to something that does not exist (a thermal node, a load, a mode).
    #[error("{model}: unknown {kind} `{name}`")]
    UnknownName {
        /// Model in which the lookup failed.
        model: &'static str,
        /// What kind of thing was looked up (`"thermal node"`, `"load mode"`, ...).
        kind: &'static str,
        /// The name that was not found.
        name: String,
    },
    /// Two items share a name that must be unique.
    #[error("{model}: duplicate {kind} `{name}`")]
    DuplicateName {
        /// Model in which the duplicate was found.
        model: &'static str,
        /// What kind of thing is duplicated.
        kind: &'static str,
        /// The duplicated name.
        name: String,
    },
    /// A structural parameter is inconsistent (e.g. wheel axes that cannot produce torque about
    /// every body axis).
    #[error("{model}: {reason}")]
    Inconsistent {
        /// Model whose parameters are inconsistent.
        model: &'static str,
        /// What is wrong, in one sentence.
        reason: &'static str,
    },
    /// The Earth texture file does not exist or cannot be read.
    #[error("Earth texture {path}: cannot read file: {source}")]
    TextureRead {
        /// Path given to the loader.
        path: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// The Earth texture file is not a decodable image.
    #[error("Earth texture {path}: cannot decode image: {source}")]
    TextureDecode {
        /// Path given to the loader.
        path: PathBuf,
        /// Underlying decoder error.
        source: image::ImageError,
    },
    /// The Earth texture is not an equirectangular image (width must be twice the height).
    #[error("Earth texture {path}: {width}x{height} is not equirectangular (width = 2 x height)")]
    TextureShape {
        /// Path given to the loader.
        path: PathBuf,
        /// Image width in pixels.
        width: u32,
        /// Image height in pixels.
        height: u32,
    },
    /// A hardware template's TOML is not a template: a syntax error, an unknown or missing
    /// field, a wrong type (the TOML error says where; with line and column when text was
    /// parsed).
    #[error("hardware template: {source}")]
    TemplateToml {
        /// The TOML parser's or deserialiser's error.
        source: toml::de::Error,
    },
    /// A hardware template is invalid: every problem found (the first of each model's
    /// parameters, and every broken cross-reference), each naming its field.
    #[error("template `{name}` is invalid: {}", join(.problems))]
    InvalidTemplate {
        /// The template's name.
        name: String,
        /// The problems, in template order.
        problems: Vec<HardwareError>,
    },
    /// Raw texture bytes do not match the dimensions, or the dimensions are too large to
    /// address (`expected` is `None` when width × height × 3 overflows).
    #[error("Earth texture {width}x{height}: expected {} RGB bytes, got {provided}", expected.map_or("an addressable number of".to_string(), |n| n.to_string()))]
    TextureBytes {
        /// Width, pixels.
        width: u32,
        /// Height, pixels.
        height: u32,
        /// width × height × 3, if it fits in `usize`.
        expected: Option<usize>,
        /// Bytes given.
        provided: usize,
    },
    /// A caller-provided buffer is too small.
    #[error("buffer too small: need {needed} bytes, got {provided}")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes provided.
        provided: usize,
    },
    /// A data table compiled into the crate (e.g. the P.676 spectral lines) has a row of the
    /// wrong shape: a build defect, reported instead of a panic.
    #[error("data table {table}, line {line}: expected {expected}")]
    DataTableShape {
        /// File name of the table.
        table: &'static str,
        /// 1-based line in the file.
        line: usize,
        /// What the row should hold.
        expected: &'static str,
    },
    /// A data table compiled into the crate has a field that is not a number.
    #[error("data table {table}, line {line}: not a number")]
    DataTableNumber {
        /// File name of the table.
        table: &'static str,
        /// 1-based line in the file.
        line: usize,
        /// The parse error.
        #[source]
        source: std::num::ParseFloatError,
    },
    /// A model input is not finite or out of range (NaN position, negative step, ...).
    #[error("{model}: input `{field}` is invalid: {reason}")]
    InvalidInput {
        /// Model that rejected the input.
        model: &'static str,
        /// Input field name.
        field: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
}

fn join(problems: &[HardwareError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks a parameter and returns [`HardwareError::InvalidParameter`] when `ok` is false.
pub(crate) fn check(
    ok: bool,
    model: &'static str,
    field: impl Into<String>,
    value: f64,
    expected: &'static str,
) -> Result<(), HardwareError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(HardwareError::InvalidParameter {
            model,
            field: field.into(),
            value,
            expected,
        })
    }
}
