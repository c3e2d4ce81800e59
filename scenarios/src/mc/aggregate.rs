//! The aggregate of a batch, computed from its records alone (so a merge of shards and a
//! one-process batch of the same runs write the same bytes): statistics per assertion
//! value, metric and parameter; success probabilities with Wilson 95 % intervals; Spearman
//! rank correlations of each parameter with each value and with pass/fail; percentile bands
//! of the envelopes over time. Written as `summary.json`, then drawn by
//! [`report`](super::report).

use serde::Serialize;
use serde_json::Value;

use super::distribution::number_json;
use super::manifest::BatchInfo;
use super::record::{Ordered, Record};
use super::stats::{
    Describe, Histogram, Z_95, describe, histogram, percentile_sorted, spearman, wilson,
};

/// Bins of a histogram in the summary and the report.
pub const HISTOGRAM_BINS: usize = 20;

/// Which batch: the facts of the manifest that belong in the summary.
#[derive(Debug, Clone)]
pub struct Header<'a> {
    /// The batch description.
    pub info: &'a BatchInfo,
    /// SHA-256 of the scenario and its files.
    pub scenario_hash: &'a str,
    /// Batch seed.
    pub seed: u64,
    /// Runs of the batch.
    pub runs: u64,
}

/// Statistics of one series of values.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Finite values.
    pub n: usize,
    /// Mean.
    pub mean: Value,
    /// Sample standard deviation.
    pub sd: Value,
    /// Smallest.
    pub min: Value,
    /// Largest.
    pub max: Value,
    /// 5th percentile.
    pub p5: Value,
    /// Median.
    pub p50: Value,
    /// 95th percentile.
    pub p95: Value,
    /// Histogram: edges and counts.
    pub histogram: Option<HistogramJson>,
}

/// A histogram in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct HistogramJson {
    /// Left edge.
    pub lo: Value,
    /// Right edge.
    pub hi: Value,
    /// Counts.
    pub counts: Vec<u64>,
}

fn stats_of(xs: &[f64]) -> Stats {
    let d = describe(xs);
    let h = histogram(xs, HISTOGRAM_BINS);
    let f = |g: fn(&Describe) -> f64| d.as_ref().map_or(Value::Null, |d| number_json(g(d)));
    Stats {
        n: d.as_ref().map_or(0, |d| d.n),
        mean: f(|d| d.mean),
        sd: f(|d| d.sd),
        min: f(|d| d.min),
        max: f(|d| d.max),
        p5: f(|d| d.p5),
        p50: f(|d| d.p50),
        p95: f(|d| d.p95),
        histogram: h.map(|Histogram { lo, hi, counts }| HistogramJson {
            lo: number_json(lo),
            hi: number_json(hi),
            counts,
        }),
    }
}

/// A success probability.
#[derive(Debug, Clone, Serialize)]
pub struct Success {
    /// Runs that passed.
    pub passed: u64,
    /// Runs completed (error runs excluded).
    pub of: u64,
    /// passed / of.
    pub probability: Value,
    /// Wilson score interval, 95 %.
    pub wilson95: [Value; 2],
}

fn success(passed: u64, of: u64) -> Success {
    let w = wilson(passed, of, Z_95);
    Success {
        passed,
        of,
        probability: if of == 0 {
            Value::Null
        } else {
            number_json(passed as f64 / of as f64)
        },
        wilson95: w.map_or([Value::Null, Value::Null], |(lo, hi)| {
            [number_json(lo), number_json(hi)]
        }),
    }
}

/// One assertion in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct AssertionSummary {
    /// Name.
    pub name: String,
    /// Check.
    pub check: String,
    /// Unit of the values.
    pub unit: String,
    /// How often it held.
    pub success: Success,
    /// Its measured values.
    pub value: Stats,
}

/// A named series (metric, parameter).
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Name (metric expression, parameter path).
    pub name: String,
    /// The distribution, for a parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<String>,
    /// Statistics.
    pub value: Stats,
}

/// How strongly a parameter goes with the outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct Influence {
    /// Parameter path.
    pub parameter: String,
    /// Spearman's ρ with pass (1) / fail (0) of the whole run.
    pub rank_correlation_with_pass: Value,
    /// Spearman's ρ with each assertion value and metric, by name.
    pub rank_correlation: Ordered,
}

/// Percentile bands of an envelope over time.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    /// Telemetry quantity.
    pub quantity: String,
    /// Width of a time bin, s.
    pub bin_s: f64,
    /// Per bin: 5th, 25th, 50th, 75th, 95th percentile across runs.
    pub p5: Vec<Value>,
    /// 25th.
    pub p25: Vec<Value>,
    /// Median.
    pub p50: Vec<Value>,
    /// 75th.
    pub p75: Vec<Value>,
    /// 95th.
    pub p95: Vec<Value>,
}

/// An error run.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRun {
    /// Index.
    pub index: u64,
    /// Message.
    pub error: String,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Description.
    pub description: String,
    /// Hash of the scenario and its files.
    pub scenario_hash: String,
    /// Batch seed.
    pub seed: u64,
    /// Runs.
    pub runs: u64,
    /// skytwin's version.
    pub skytwin_version: &'static str,
    /// Start of the runs.
    pub start_utc: String,
    /// Length of a run, s.
    pub duration_s: f64,
    /// Runs that completed.
    pub completed: u64,
    /// Runs that could not be simulated.
    pub error_runs: u64,
    /// The first 100 of them.
    pub errors: Vec<ErrorRun>,
    /// Every assertion held.
    pub success: Success,
    /// Per assertion.
    pub assertions: Vec<AssertionSummary>,
    /// The user's metrics.
    pub metrics: Vec<Series>,
    /// The drawn parameters.
    pub parameters: Vec<Series>,
    /// Parameters by strength of association with failure (|ρ| with pass/fail, largest
    /// first).
    pub influence: Vec<Influence>,
    /// Envelopes.
    pub envelopes: Vec<Envelope>,
}

/// A record's numbers, pulled out once.
pub(super) struct Row {
    pub(super) ok: bool,
    pub(super) passed: bool,
    pub(super) params: Vec<f64>,
    /// Assertion values then metric values.
    pub(super) values: Vec<f64>,
    pub(super) asserts_passed: Vec<bool>,
}

fn num(v: Option<&Value>) -> f64 {
    v.and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// A parameter's value as a number: itself, a boolean as 0/1, else its position among the
/// choices.
fn param_number(v: Option<&Value>, choices: Option<&Vec<Value>>) -> f64 {
    match v {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(Value::Bool(b)) => f64::from(u8::from(*b)),
        Some(other) => choices
            .and_then(|c| c.iter().position(|x| x == other))
            .map_or(f64::NAN, |k| k as f64),
        None => f64::NAN,
    }
}

pub(super) fn rows(info: &BatchInfo, records: &[Record]) -> Vec<Row> {
    records
        .iter()
        .map(|r| {
            let v = &r.value;
            let params = info
                .parameters
                .iter()
                .map(|p| {
                    param_number(
                        v.get("params").and_then(|x| x.get(&p.path)),
                        p.choices.as_ref(),
                    )
                })
                .collect();
            let a = v.get("assertions");
            let m = v.get("metrics");
            let mut values: Vec<f64> = info
                .assertions
                .iter()
                .map(|x| num(a.and_then(|a| a.get(&x.name)).and_then(|o| o.get("value"))))
                .collect();
            values.extend(info.metrics.iter().map(|x| num(m.and_then(|m| m.get(x)))));
            let asserts_passed = info
                .assertions
                .iter()
                .map(|x| {
                    a.and_then(|a| a.get(&x.name))
                        .and_then(|o| o.get("passed"))
                        .and_then(Value::as_bool)
                        == Some(true)
                })
                .collect();
            Row {
                ok: !r.is_error(),
                passed: r.passed(),
                params,
                values,
                asserts_passed,
            }
        })
        .collect()
}

/// Computes the summary of `records` (sorted by index).
pub fn summarize(h: &Header<'_>, records: &[Record]) -> Summary {
    let info = h.info;
    let rows = rows(info, records);
    let ok: Vec<&Row> = rows.iter().filter(|r| r.ok).collect();
    let completed = ok.len() as u64;
    let col = |k: usize| -> Vec<f64> { ok.iter().map(|r| r.values[k]).collect() };
    let pcol = |k: usize| -> Vec<f64> { ok.iter().map(|r| r.params[k]).collect() };
    let n_assert = info.assertions.len();
    let assertions = info
        .assertions
        .iter()
        .enumerate()
        .map(|(k, a)| AssertionSummary {
            name: a.name.clone(),
            check: a.check.clone(),
            unit: a.unit.clone(),
            success: success(
                ok.iter().filter(|r| r.asserts_passed[k]).count() as u64,
                completed,
            ),
            value: stats_of(&col(k)),
        })
        .collect();
    let metrics = info
        .metrics
        .iter()
        .enumerate()
        .map(|(k, m)| Series {
            name: m.clone(),
            distribution: None,
            value: stats_of(&col(n_assert + k)),
        })
        .collect();
    // parameters of every run (error runs drew them too)
    let all_params = |k: usize| -> Vec<f64> { rows.iter().map(|r| r.params[k]).collect() };
    let parameters = info
        .parameters
        .iter()
        .enumerate()
        .map(|(k, p)| Series {
            name: p.path.clone(),
            distribution: Some(p.distribution.clone()),
            value: stats_of(&all_params(k)),
        })
        .collect();
    let pass: Vec<f64> = ok.iter().map(|r| f64::from(u8::from(r.passed))).collect();
    let value_names: Vec<String> = info
        .assertions
        .iter()
        .map(|a| a.name.clone())
        .chain(info.metrics.iter().cloned())
        .collect();
    let mut influence: Vec<(usize, Influence)> = info
        .parameters
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let x = pcol(k);
            (
                k,
                Influence {
                    parameter: p.path.clone(),
                    rank_correlation_with_pass: spearman(&x, &pass)
                        .map_or(Value::Null, number_json),
                    rank_correlation: Ordered(
                        value_names
                            .iter()
                            .enumerate()
                            .map(|(j, n)| {
                                (
                                    n.clone(),
                                    spearman(&x, &col(j)).map_or(Value::Null, number_json),
                                )
                            })
                            .collect(),
                    ),
                },
            )
        })
        .collect();
    let strength = |i: &Influence| i.rank_correlation_with_pass.as_f64().map_or(-1.0, f64::abs);
    influence.sort_by(|(ka, a), (kb, b)| strength(b).total_cmp(&strength(a)).then(ka.cmp(kb)));
    let errors: Vec<ErrorRun> = records
        .iter()
        .filter(|r| r.is_error())
        .take(100)
        .map(|r| ErrorRun {
            index: r.index,
            error: r.error().unwrap_or("").to_string(),
        })
        .collect();
    Summary {
        scenario: info.scenario.clone(),
        description: info.description.clone(),
        scenario_hash: h.scenario_hash.to_string(),
        seed: h.seed,
        runs: h.runs,
        skytwin_version: env!("CARGO_PKG_VERSION"),
        start_utc: info.start_utc.clone(),
        duration_s: info.duration_s,
        completed,
        error_runs: rows.len() as u64 - completed,
        errors,
        success: success(ok.iter().filter(|r| r.passed).count() as u64, completed),
        assertions,
        metrics,
        parameters,
        influence: influence.into_iter().map(|(_, i)| i).collect(),
        envelopes: envelopes(info, records),
    }
}

fn envelopes(info: &BatchInfo, records: &[Record]) -> Vec<Envelope> {
    let bins = info.envelope_bins.max(1);
    info.envelopes
        .iter()
        .map(|q| {
            let mut per_bin: Vec<Vec<f64>> = vec![Vec::new(); bins];
            for r in records {
                if let Some(arr) = r
                    .value
                    .get("envelopes")
                    .and_then(|e| e.get(q))
                    .and_then(Value::as_array)
                {
                    for (b, x) in arr.iter().take(bins).enumerate() {
                        if let Some(x) = x.as_f64() {
                            per_bin[b].push(x);
                        }
                    }
                }
            }
            let mut e = Envelope {
                quantity: q.clone(),
                bin_s: info.duration_s / bins as f64,
                p5: Vec::new(),
                p25: Vec::new(),
                p50: Vec::new(),
                p75: Vec::new(),
                p95: Vec::new(),
            };
            for mut v in per_bin {
                v.sort_by(f64::total_cmp);
                let p = |q: f64| {
                    if v.is_empty() {
                        Value::Null
                    } else {
                        number_json(percentile_sorted(&v, q))
                    }
                };
                e.p5.push(p(5.0));
                e.p25.push(p(25.0));
                e.p50.push(p(50.0));
                e.p75.push(p(75.0));
                e.p95.push(p(95.0));
            }
            e
        })
        .collect()
}

/// The text of `summary.json`.
pub fn summary_json(s: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(s).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
