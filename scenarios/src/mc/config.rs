//! The `[monte_carlo]` section of a scenario (or, when `monte_carlo = "FILE"`, a file beside
//! it holding the same keys at its top level): dispersions, metrics, envelopes. Every
//! problem is a diagnostic at the offending text, as for the rest of the scenario.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::de::DeValue;

use super::distribution::{Distribution, MIN_TRUNCATED_MASS, truncated_mass};
use super::path::ParamPath;
use crate::diag::{InvalidScenario, SourceFile};
use crate::files::Files;
use crate::reader::{Ctx, Sp, Table, as_array, integer, number, type_name};

/// Default cap on the failed runs whose full outputs are kept.
pub const DEFAULT_KEEP_FAILED: usize = 10;
/// Default number of time bins of an envelope.
pub const DEFAULT_ENVELOPE_BINS: usize = 100;

/// One dispersed parameter.
#[derive(Debug, Clone)]
pub struct Dispersion {
    /// Where the value goes.
    pub path: ParamPath,
    /// The path as written.
    pub text: String,
    /// The span of the path's text.
    pub span: Range<usize>,
    /// What it is drawn from.
    pub distribution: Distribution,
    /// Whether drawn numbers are rounded to integers (`integer = true`).
    pub integer: bool,
}

/// A Monte Carlo configuration.
#[derive(Debug, Clone)]
pub struct McConfig {
    /// The file the section was read from (the scenario, or the separate file).
    pub file: Arc<SourceFile>,
    /// Span of the section (or the whole separate file).
    pub span: Range<usize>,
    /// Default number of runs (`--runs` replaces it).
    pub runs: Option<u64>,
    /// Default batch seed (`--seed` replaces it).
    pub seed: Option<u64>,
    /// Failed runs whose full outputs are kept, at most.
    pub keep_failed: usize,
    /// The dispersions, in file order (the order of the draws).
    pub dispersions: Vec<Dispersion>,
    /// Metric expressions named by the user (`mean(temp_avionics_c)`), with their spans.
    pub metrics: Vec<Sp<String>>,
    /// Telemetry quantities whose percentile bands over time are plotted (`None`: the
    /// battery's state of charge and every thermal node).
    pub envelopes: Option<Vec<Sp<String>>>,
    /// Time bins of an envelope.
    pub envelope_bins: usize,
}

/// Why the configuration cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The scenario has no `[monte_carlo]` section.
    #[error(
        "{0}: no [monte_carlo] section (docs/monte-carlo.md): add one with at least one [[monte_carlo.dispersion]]"
    )]
    Missing(String),
    /// The separate file cannot be read.
    #[error("{path}: cannot read the Monte Carlo file")]
    Read {
        /// Its path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Problems, each at its text.
    #[error(transparent)]
    Invalid(#[from] InvalidScenario),
}

/// Reads the Monte Carlo configuration of the scenario `text` (shown as `name`); a separate
/// file is read through `files` relative to `base`. Returns the configuration and the bytes
/// of the separate file, if any (they belong in the batch's hash).
pub fn read_config(
    name: &str,
    text: &str,
    base: &Path,
    files: &dyn Files,
) -> Result<(McConfig, Option<Vec<u8>>), ConfigError> {
    let file = SourceFile::new(name, text);
    let ctx = Ctx::new(file.clone());
    let Some(doc) = ctx.parse() else {
        return Err(invalid(ctx));
    };
    let root = Table::new(&ctx, doc.get_ref(), 0..0, "the scenario");
    let Some(raw) = root.raw("monte_carlo") else {
        return Err(ConfigError::Missing(name.to_string()));
    };
    match raw.get_ref() {
        DeValue::Table(t) => {
            let table = Table::new(&ctx, t, raw.span(), "[monte_carlo]");
            let cfg = read_table(&table);
            let cfg = ctx.into_diagnostics().into_result(cfg)?;
            Ok((cfg, None))
        }
        DeValue::String(rel) => {
            let path = base.join(rel.as_ref());
            let bytes = files.read(&path).map_err(|source| ConfigError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let text = String::from_utf8(bytes.clone()).map_err(|_| ConfigError::Read {
                path: path.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
            })?;
            let sub = Ctx::new(SourceFile::new(path.display().to_string(), text));
            let cfg = sub.parse().map(|d| {
                let table = Table::new(&sub, d.get_ref(), 0..0, "the Monte Carlo file");
                read_table(&table)
            });
            let cfg = sub.into_diagnostics().into_result(cfg)?;
            match cfg {
                Some(c) => Ok((c, Some(bytes))),
                None => Err(ConfigError::Missing(name.to_string())),
            }
        }
        other => Err(ConfigError::Invalid(InvalidScenario {
            diagnostics: vec![crate::diag::Diagnostic::new(
                &file,
                raw.span(),
                format!(
                    "`monte_carlo` must be a table or a file name, not {}",
                    type_name(other)
                ),
                "expected [monte_carlo] or monte_carlo = \"FILE.toml\"",
            )],
        })),
    }
}

/// Every problem found in `ctx`.
fn invalid(ctx: Ctx) -> ConfigError {
    ConfigError::Invalid(InvalidScenario {
        diagnostics: ctx.into_diagnostics().items().to_vec(),
    })
}

fn read_table(t: &Table<'_, '_>) -> McConfig {
    let ctx = t.ctx();
    let runs = t.int_in("runs", 1, 1_000_000_000).map(|x| x.value as u64);
    let seed = t.u64("seed").map(|x| x.value);
    let keep_failed = t
        .int_in("keep_failed", 0, 100_000)
        .map_or(DEFAULT_KEEP_FAILED, |x| x.value as usize);
    let envelope_bins = t
        .int_in("envelope_bins", 1, 1000)
        .map_or(DEFAULT_ENVELOPE_BINS, |x| x.value as usize);
    let metrics = t.str_list("metrics").unwrap_or_default();
    let envelopes = t.str_list("envelopes");
    let mut dispersions = Vec::new();
    for d in t.tables("dispersion", "[[monte_carlo.dispersion]]") {
        if let Some(x) = dispersion(&d) {
            dispersions.push(x);
        }
        d.finish();
    }
    if dispersions.is_empty() && ctx.error_count() == 0 {
        t.missing("dispersion", "at least one [[monte_carlo.dispersion]]");
    }
    let mut seen: Vec<&str> = Vec::new();
    for d in &dispersions {
        if seen.contains(&d.text.as_str()) {
            ctx.error(
                d.span.clone(),
                format!("`{}` is dispersed twice", d.text),
                "each path once",
            );
        }
        seen.push(&d.text);
    }
    t.finish();
    McConfig {
        file: ctx.file.clone(),
        span: t.span.clone(),
        runs,
        seed,
        keep_failed,
        dispersions,
        metrics,
        envelopes,
        envelope_bins,
    }
}

fn dispersion(t: &Table<'_, '_>) -> Option<Dispersion> {
    let ctx = t.ctx();
    let path_text = t.req_str("path");
    let kind = t.req_str("distribution");
    let path = path_text
        .as_ref()
        .and_then(|p| match ParamPath::parse(&p.value) {
            Ok(x) => Some(x),
            Err(e) => {
                ctx.error(p.span.clone(), "the path does not parse", e.to_string());
                None
            }
        });
    let integer = t.bool("integer").is_some_and(|b| b.value);
    let kind = kind?;
    let num = |key: &'static str| -> Option<f64> {
        if !t.has(key) {
            t.missing(key, "a number");
            return None;
        }
        t.f64(key).map(|x| x.value)
    };
    let bad = |key: &'static str, message: &str, expected: &str| {
        ctx.error(t.span_of(key), message.to_string(), expected.to_string());
    };
    let distribution = match kind.value.as_str() {
        "normal" => {
            let (mean, sd) = (num("mean"), num("sd"));
            let (mean, sd) = (mean?, sd?);
            if sd < 0.0 {
                bad(
                    "sd",
                    "`sd` must not be negative",
                    "a standard deviation ≥ 0",
                );
                return None;
            }
            Distribution::Normal { mean, sd }
        }
        "truncated_normal" => {
            let (mean, sd, min, max) = (num("mean"), num("sd"), num("min"), num("max"));
            let (mean, sd, min, max) = (mean?, sd?, min?, max?);
            if sd <= 0.0 {
                bad("sd", "`sd` must be positive", "a standard deviation > 0");
                return None;
            }
            if min >= max {
                bad(
                    "max",
                    "`max` must be above `min`",
                    "an upper bound above `min`",
                );
                return None;
            }
            let mass = truncated_mass(mean, sd, min, max);
            if mass < MIN_TRUNCATED_MASS {
                bad(
                    "min",
                    &format!(
                        "[min, max] keeps only {mass:.2e} of the normal's probability (less than {MIN_TRUNCATED_MASS})"
                    ),
                    "an interval nearer the mean",
                );
                return None;
            }
            Distribution::TruncatedNormal { mean, sd, min, max }
        }
        "uniform" => {
            let (min, max) = (num("min"), num("max"));
            let (min, max) = (min?, max?);
            if min >= max {
                bad(
                    "max",
                    "`max` must be above `min`",
                    "an upper bound above `min`",
                );
                return None;
            }
            Distribution::Uniform { min, max }
        }
        "log_normal" => {
            let (median, sigma) = (num("median"), num("sigma_ln"));
            let (median, sigma_ln) = (median?, sigma?);
            if median <= 0.0 {
                bad("median", "`median` must be positive", "a median > 0");
                return None;
            }
            if sigma_ln < 0.0 {
                bad(
                    "sigma_ln",
                    "`sigma_ln` must not be negative",
                    "a standard deviation of ln X ≥ 0",
                );
                return None;
            }
            Distribution::LogNormal { median, sigma_ln }
        }
        "choice" => choice(t)?,
        other => {
            ctx.error(
                kind.span.clone(),
                format!("unknown distribution {other:?}"),
                "expected normal, truncated_normal, uniform, log_normal or choice",
            );
            return None;
        }
    };
    let path_text = path_text?;
    Some(Dispersion {
        path: path?,
        text: path_text.value,
        span: path_text.span,
        distribution,
        integer,
    })
}

fn choice(t: &Table<'_, '_>) -> Option<Distribution> {
    let ctx = t.ctx();
    if !t.has("values") {
        t.missing("values", "an array of values");
        return None;
    }
    let raw = t.raw("values")?;
    let Some(arr) = as_array(raw.get_ref()) else {
        ctx.error(
            raw.span(),
            "`values` must be an array",
            "expected [v1, v2, ...]",
        );
        return None;
    };
    let mut values = Vec::new();
    for item in arr.iter() {
        match plain_value(item.get_ref()) {
            Some(v) => values.push(v),
            None => {
                ctx.error(
                    item.span(),
                    format!("a choice cannot be {}", type_name(item.get_ref())),
                    "expected a number, a string, a boolean or an array of them",
                );
                return None;
            }
        }
    }
    if values.is_empty() {
        ctx.error(
            raw.span(),
            "`values` is empty",
            "expected at least one value",
        );
        return None;
    }
    let weights: Vec<f64> = match t.raw("weights") {
        None => vec![1.0; values.len()],
        Some(w) => {
            let ws: Option<Vec<f64>> = as_array(w.get_ref()).and_then(|a| {
                a.iter()
                    .map(|x| number(x.get_ref()).filter(|v| v.is_finite() && *v >= 0.0))
                    .collect()
            });
            match ws {
                Some(ws) if ws.len() == values.len() && ws.iter().sum::<f64>() > 0.0 => ws,
                _ => {
                    ctx.error(
                        w.span(),
                        "`weights` must be one number ≥ 0 per value, not all zero",
                        format!("expected {} weights", values.len()),
                    );
                    return None;
                }
            }
        }
    };
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let cumulative = weights
        .iter()
        .map(|w| {
            acc += w;
            acc / total
        })
        .collect();
    Some(Distribution::Choice { values, cumulative })
}

/// A TOML value from the span-keeping parser: numbers, strings, booleans and arrays of them.
fn plain_value(v: &DeValue<'_>) -> Option<toml::Value> {
    Some(match v {
        DeValue::Integer(_) => toml::Value::Integer(i64::try_from(integer(v)?).ok()?),
        DeValue::Float(_) => toml::Value::Float(number(v)?),
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Array(a) => toml::Value::Array(
            a.iter()
                .map(|x| plain_value(x.get_ref()))
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}
