//! The distributions a dispersion draws from, and one draw from a seeded generator.
//!
//! | `distribution` | keys | density |
//! |---|---|---|
//! | `normal` | `mean`, `sd` | N(mean, sd²) |
//! | `truncated_normal` | `mean`, `sd`, `min`, `max` | N(mean, sd²) restricted to [min, max] (rejection: exact) |
//! | `uniform` | `min`, `max` | U[min, max) |
//! | `log_normal` | `median`, `sigma_ln` | ln X ~ N(ln median, sigma_ln²) |
//! | `choice` | `values`, `weights` (optional) | one of `values`, with probability ∝ weight |
//!
//! Normal draws come from `rand_distr` (ziggurat) on the run's ChaCha stream, so a draw
//! depends only on the batch seed, the run index and the dispersion's position.

use rand::Rng;
use rand_distr::{Distribution as _, LogNormal, Normal};

/// Most rejections a truncated normal may take (its truncation keeps at least
/// [`MIN_TRUNCATED_MASS`] of the normal, so this is never reached in practice).
const MAX_REJECTIONS: u32 = 1_000_000;

/// Smallest probability mass a truncated normal may keep: below it, rejection would be slow
/// and the user probably meant another interval.
pub const MIN_TRUNCATED_MASS: f64 = 1e-3;

/// A value a `choice` can give: a number or a TOML value written as is.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// A number (integer or float, as written).
    Number(toml::Value),
    /// Any other TOML value (a string, a boolean, an array).
    Other(toml::Value),
}

/// A distribution of one dispersed parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Normal restricted to `[min, max]`.
    TruncatedNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Its standard deviation (> 0).
        sd: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound (> min).
        max: f64,
    },
    /// Log-normal: ln X ~ N(ln median, sigma_ln²).
    LogNormal {
        /// Median (> 0).
        median: f64,
        /// Standard deviation of ln X (≥ 0).
        sigma_ln: f64,
    },
    /// One of a list of values.
    Choice {
        /// The values.
        values: Vec<toml::Value>,
        /// Cumulative weights, normalised to end at 1.
        cumulative: Vec<f64>,
    },
}

/// A drawn value.
#[derive(Debug, Clone, PartialEq)]
pub enum Drawn {
    /// A number.
    Number(f64),
    /// A value of a `choice` (kept with its TOML type).
    Value(toml::Value),
}

impl Drawn {
    /// The value as JSON (for `runs.jsonl`).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Number(x) => number_json(*x),
            Self::Value(v) => toml_json(v),
        }
    }
}

/// A finite number as JSON; NaN and infinities as null.
pub fn number_json(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// A TOML value as JSON (date-times as their text).
pub fn toml_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::from(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => number_json(*f),
        toml::Value::Boolean(b) => serde_json::Value::from(*b),
        toml::Value::Datetime(d) => serde_json::Value::from(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_json).collect()),
        toml::Value::Table(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_json(v))).collect())
        }
    }
}

impl Distribution {
    /// The distribution's name in files.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Normal { .. } => "normal",
            Self::TruncatedNormal { .. } => "truncated_normal",
            Self::Uniform { .. } => "uniform",
            Self::LogNormal { .. } => "log_normal",
            Self::Choice { .. } => "choice",
        }
    }

    /// Its parameters as text, for reports: `normal(mean 40, sd 2)`.
    pub fn describe(&self) -> String {
        match self {
            Self::Normal { mean, sd } => format!("normal(mean {mean}, sd {sd})"),
            Self::TruncatedNormal { mean, sd, min, max } => {
                format!("truncated_normal(mean {mean}, sd {sd}, [{min}, {max}])")
            }
            Self::Uniform { min, max } => format!("uniform[{min}, {max})"),
            Self::LogNormal { median, sigma_ln } => {
                format!("log_normal(median {median}, sigma_ln {sigma_ln})")
            }
            Self::Choice { values, cumulative } => {
                let mut prev = 0.0;
                let items: Vec<String> = values
                    .iter()
                    .zip(cumulative)
                    .map(|(v, &c)| {
                        let w = c - prev;
                        prev = c;
                        format!("{v} ({:.3})", w)
                    })
                    .collect();
                format!("choice({})", items.join(", "))
            }
        }
    }

    /// The nominal value (what a probe load of the scenario uses): the mean, the median, the
    /// middle, the first choice.
    pub fn nominal(&self) -> Drawn {
        match self {
            Self::Normal { mean, .. } => Drawn::Number(*mean),
            Self::TruncatedNormal { mean, min, max, .. } => Drawn::Number(mean.clamp(*min, *max)),
            Self::Uniform { min, max } => Drawn::Number(0.5 * (min + max)),
            Self::LogNormal { median, .. } => Drawn::Number(*median),
            Self::Choice { values, .. } => Drawn::Value(values[0].clone()),
        }
    }

    /// One draw. `None` only if a truncated normal rejected [`MAX_REJECTIONS`] times in a row
    /// (impossible for a checked distribution in any realistic run).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<Drawn> {
        Some(match self {
            Self::Normal { mean, sd } => Drawn::Number(normal(*mean, *sd, rng)),
            Self::TruncatedNormal { mean, sd, min, max } => {
                let mut tries = 0;
                loop {
                    let x = normal(*mean, *sd, rng);
                    if (*min..=*max).contains(&x) {
                        break Drawn::Number(x);
                    }
                    tries += 1;
                    if tries >= MAX_REJECTIONS {
                        return None;
                    }
                }
            }
            Self::Uniform { min, max } => {
                let u: f64 = rng.random();
                // x = min + u (max − min), u ∈ [0, 1)
                Drawn::Number(min + u * (max - min))
            }
            Self::LogNormal { median, sigma_ln } => {
                let d = LogNormal::new(median.ln(), *sigma_ln).ok()?;
                Drawn::Number(d.sample(rng))
            }
            Self::Choice { values, cumulative } => {
                let u: f64 = rng.random();
                let k = cumulative
                    .iter()
                    .position(|&c| u < c)
                    .unwrap_or(values.len() - 1);
                Drawn::Value(values[k].clone())
            }
        })
    }
}

fn normal<R: Rng + ?Sized>(mean: f64, sd: f64, rng: &mut R) -> f64 {
    match Normal::new(mean, sd) {
        Ok(d) => d.sample(rng),
        Err(_) => mean,
    }
}

/// The standard normal CDF Φ(x) = ½ erfc(−x/√2).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function, by the Chebyshev fit of Numerical Recipes (3rd ed.,
/// §6.2.2, `erfccheb`), fractional error below 1.2e-7 everywhere: enough to check how much of
/// a normal a truncation keeps.
pub fn erfc(x: f64) -> f64 {
    // erfc(z) ≈ t·exp(−z² − 1.26551223 + t(1.00002368 + t(0.37409196 + t(0.09678418 +
    //   t(−0.18628806 + t(0.27886807 + t(−1.13520398 + t(1.48851587 + t(−0.82215223 +
    //   t·0.17087277))))))))), t = 1/(1 + z/2), z = |x|; erfc(−z) = 2 − erfc(z)
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The probability mass of N(mean, sd²) inside `[min, max]`.
pub fn truncated_mass(mean: f64, sd: f64, min: f64, max: f64) -> f64 {
    normal_cdf((max - mean) / sd) - normal_cdf((min - mean) / sd)
}

/// A drawn number rounded to an integer when the dispersion says `integer = true`.
pub(crate) fn rounded(integer: bool, v: Drawn) -> Drawn {
    match v {
        Drawn::Number(x) if integer => Drawn::Value(toml::Value::Integer(x.round() as i64)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_erfc_at_known_points() {
        // erfc(0) = 1, erfc(1) = 0.157299207050285, erfc(2) = 0.004677734981047266,
        // erfc(−1) = 1.842700792949715 (Abramowitz & Stegun, Table 7.1)
        for (x, want) in [
            (0.0, 1.0),
            (1.0, 0.157_299_207_050_285),
            (2.0, 0.004_677_734_981_047_266),
            (-1.0, 1.842_700_792_949_715),
        ] {
            assert!(((erfc(x) - want) / want).abs() < 1.2e-7, "erfc({x})");
        }
    }
}
