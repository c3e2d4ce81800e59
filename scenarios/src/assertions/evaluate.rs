//! Evaluating assertions over a run: running statistics per satellite, totals, event counts
//! and first occurrences, folded into one outcome per assertion.

use std::collections::BTreeMap;

use hifitime::{Duration, Epoch};

use super::metric::{Assertion, Counter, Filter, Metric, Quantity, Statistic, Value, ValueUnit};
use crate::expr::CmpOp;

/// Running state of a telemetry statistic for one satellite.
#[derive(Debug, Clone, Copy)]
struct StatAcc {
    n: u64,
    min: f64,
    max: f64,
    sum: f64,
    last: f64,
    seconds: f64,
}

impl Default for StatAcc {
    fn default() -> Self {
        Self {
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
            last: f64::NAN,
            seconds: 0.0,
        }
    }
}

impl StatAcc {
    fn add(&mut self, x: f64, statistic: Statistic, dt_s: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        self.sum += x;
        self.last = x;
        match statistic {
            Statistic::TimeAbove(level) if x > level => self.seconds += dt_s,
            Statistic::TimeBelow(level) if x < level => self.seconds += dt_s,
            _ => {}
        }
    }

    fn value(&self, statistic: Statistic) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        match statistic {
            Statistic::Min => self.min,
            Statistic::Max => self.max,
            Statistic::Mean => self.sum / self.n as f64,
            Statistic::Final => self.last,
            Statistic::TimeAbove(_) | Statistic::TimeBelow(_) => self.seconds,
        }
    }
}

/// One assertion's measured outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The assertion's name.
    pub name: String,
    /// The expression.
    pub expr: String,
    /// The measured value (the worst satellite's for telemetry statistics).
    pub value: Value,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Value,
    /// The unit of both.
    pub unit: ValueUnit,
    /// The satellite the value comes from (telemetry statistics over several satellites).
    pub satellite: Option<String>,
    /// Whether it holds.
    pub passed: bool,
}

/// The satellite whose value is furthest on the failing side: the smallest for `>`/`>=`,
/// the largest for `<`/`<=`, the first failing one for `==`/`!=`. No data (NaN) is worst.
fn worst_index(values: &[f64], op: CmpOp, bound: f64) -> Option<usize> {
    if let Some(k) = values.iter().position(|v| v.is_nan()) {
        return Some(k);
    }
    let pick = |better: fn(f64, f64) -> bool| {
        (0..values.len()).reduce(|best, k| {
            if better(values[k], values[best]) {
                k
            } else {
                best
            }
        })
    };
    match op {
        CmpOp::Ge | CmpOp::Gt => pick(|a, b| a < b),
        CmpOp::Le | CmpOp::Lt => pick(|a, b| a > b),
        CmpOp::Eq | CmpOp::Ne => values
            .iter()
            .position(|&v| !op.holds(v, bound))
            .or(if values.is_empty() { None } else { Some(0) }),
    }
}

impl Outcome {
    /// The comparison's text (`>=`, ...).
    pub fn op_text(&self) -> &'static str {
        self.op.as_str()
    }
}

/// A numeric sample source: one satellite's row of telemetry quantities in a step.
pub trait Sample {
    /// The value of a quantity (NaN when the satellite has no such thermal node).
    fn quantity(&self, q: &Quantity) -> f64;
}

/// Accumulates every assertion over a run.
#[derive(Debug, Clone)]
pub struct Evaluator {
    assertions: Vec<Assertion>,
    /// Per assertion, per selected satellite (in `satellites` order): the statistic.
    stats: Vec<Vec<StatAcc>>,
    /// Per assertion: a count, a sum, or the first time.
    tallies: Vec<f64>,
    firsts: Vec<Option<Epoch>>,
    /// Counter totals per (satellite, app) reported at the end.
    totals: BTreeMap<(usize, Option<String>, Counter), f64>,
}

impl Evaluator {
    /// An evaluator of `assertions`.
    pub fn new(assertions: &[Assertion]) -> Self {
        Self {
            stats: assertions
                .iter()
                .map(|a| vec![StatAcc::default(); a.satellites.len()])
                .collect(),
            tallies: vec![0.0; assertions.len()],
            firsts: vec![None; assertions.len()],
            assertions: assertions.to_vec(),
            totals: BTreeMap::new(),
        }
    }

    /// The assertions.
    pub fn assertions(&self) -> &[Assertion] {
        &self.assertions
    }

    /// One step of satellite `sat`'s telemetry.
    pub fn sample(&mut self, sat: usize, row: &dyn Sample, dt: Duration) {
        let dt_s = dt.to_seconds();
        for (a, stats) in self.assertions.iter().zip(&mut self.stats) {
            if let Metric::Telemetry {
                quantity,
                statistic,
            } = &a.metric
                && let Some(k) = a.satellites.iter().position(|&s| s == sat)
            {
                stats[k].add(row.quantity(quantity), *statistic, dt_s);
            }
        }
    }

    /// An event of `kind` on satellite `sat` (`None`: a station event not tied to one).
    pub fn event(
        &mut self,
        time: Epoch,
        sat: Option<usize>,
        kind: &str,
        app: Option<&str>,
        station: Option<&str>,
    ) {
        for (i, a) in self.assertions.iter().enumerate() {
            let selected = sat.is_none_or(|s| a.satellites.contains(&s));
            match &a.metric {
                Metric::Count { kind: k, filter }
                    if k == kind && selected && filter.accepts(app, station) =>
                {
                    self.tallies[i] += 1.0;
                }
                Metric::First { kind: k, filter }
                    if k == kind
                        && selected
                        && filter.accepts(app, station)
                        && self.firsts[i].is_none_or(|t| time < t) =>
                {
                    self.firsts[i] = Some(time);
                }
                _ => {}
            }
        }
    }

    /// Adds to a total of satellite `sat` (and app).
    pub fn add_total(&mut self, sat: usize, app: Option<&str>, counter: Counter, amount: f64) {
        *self
            .totals
            .entry((sat, app.map(str::to_string), counter))
            .or_insert(0.0) += amount;
    }

    /// A total over satellites `sats`, restricted by `filter`.
    pub fn total(&self, sats: &[usize], counter: Counter, filter: &Filter) -> f64 {
        self.totals
            .iter()
            .filter(|((s, app, c), _)| {
                *c == counter
                    && sats.contains(s)
                    && match &filter.app {
                        Some(want) => app.as_deref() == Some(want.as_str()),
                        None => app.is_none(),
                    }
            })
            .fold(0.0, |acc, (_, v)| acc + v)
    }

    /// The outcome of every assertion; `names` are the satellites' names.
    pub fn outcomes(&self, names: &[String]) -> Vec<Outcome> {
        self.assertions
            .iter()
            .enumerate()
            .map(|(i, a)| self.outcome(i, a, names))
            .collect()
    }

    fn outcome(&self, i: usize, a: &Assertion, names: &[String]) -> Outcome {
        let mut satellite = None;
        let value = match &a.metric {
            Metric::Telemetry { statistic, .. } => {
                let values: Vec<f64> = self.stats[i]
                    .iter()
                    .map(|acc| acc.value(*statistic))
                    .collect();
                let worst = worst_index(&values, a.op, a.bound.as_f64());
                let k = worst.unwrap_or(0);
                satellite = a.satellites.get(k).and_then(|&s| names.get(s)).cloned();
                let worst = worst.map(|k| (k, values[k]));
                Value::Number(worst.map_or(f64::NAN, |(_, v)| v))
            }
            Metric::Total { counter, filter } => {
                Value::Number(self.total(&a.satellites, *counter, filter))
            }
            Metric::Count { .. } => Value::Number(self.tallies[i]),
            Metric::First { .. } => Value::Time(self.firsts[i]),
        };
        let passed = match (value, a.bound) {
            (Value::Time(None), _) => false,
            (v, b) => a.op.holds(v.as_f64(), b.as_f64()),
        };
        Outcome {
            name: a.name.clone(),
            expr: a.expr.clone(),
            value,
            op: a.op,
            bound: a.bound,
            unit: a.metric.unit(),
            satellite,
            passed,
        }
    }
}
