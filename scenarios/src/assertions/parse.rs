//! Reading an assertion: its metric expression checked against the quantities, counters,
//! event kinds and names the scenario has, with errors at spans of the expression.

use super::metric::{
    Column, Counter, EVENT_KINDS, Filter, Metric, Quantity, Statistic, Value, ValueUnit,
};
use crate::expr::{AssertionExpr, CmpOp, MetricExpr, Word};

/// What went wrong reading a metric, at a span of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricError {
    /// Where, relative to the expression.
    pub span: std::ops::Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: String,
}

fn merr<T>(
    w: &Word,
    message: impl Into<String>,
    expected: impl Into<String>,
) -> Result<T, MetricError> {
    Err(MetricError {
        span: w.span.clone(),
        message: message.into(),
        expected: expected.into(),
    })
}

/// Names an assertion may refer to.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Thermal node names.
    pub nodes: Vec<String>,
    /// App names.
    pub apps: Vec<String>,
    /// Station names.
    pub stations: Vec<String>,
}

fn quantity_list(nodes: &[String]) -> String {
    let mut v: Vec<String> = Column::ALL.iter().map(|c| c.name().to_string()).collect();
    v.extend(nodes.iter().map(|n| format!("temp_{n}_c")));
    v.join(", ")
}

fn filter_of(args: &[crate::expr::Arg], names: &Names) -> Result<Filter, MetricError> {
    let mut f = Filter::default();
    for a in args {
        let Some(key) = &a.key else {
            return merr(
                &a.value,
                "unexpected argument",
                "a filter such as app=NAME or station=NAME",
            );
        };
        let v = a.value.text.clone();
        match key.text.as_str() {
            "app" if names.apps.contains(&v) => f.app = Some(v),
            "app" => {
                return merr(
                    &a.value,
                    format!("no app named {v:?}"),
                    format!("one of: {}", names.apps.join(", ")),
                );
            }
            "station" if names.stations.contains(&v) => f.station = Some(v),
            "station" => {
                return merr(
                    &a.value,
                    format!("no station named {v:?}"),
                    format!("one of: {}", names.stations.join(", ")),
                );
            }
            _ => return merr(key, "unknown filter", "app=NAME or station=NAME"),
        }
    }
    Ok(f)
}

/// Reads a metric expression.
pub fn metric_of(m: &MetricExpr, names: &Names) -> Result<Metric, MetricError> {
    let f = m.function.text.as_str();
    let positional = |i: usize, what: &str| -> Result<&Word, MetricError> {
        match m.args.get(i) {
            Some(a) if a.key.is_none() => Ok(&a.value),
            Some(a) => merr(
                a.key.as_ref().unwrap_or(&a.value),
                "unexpected filter",
                what,
            ),
            None => merr(
                &m.function,
                format!("{f}(...) needs {what}"),
                what.to_string(),
            ),
        }
    };
    let quantity = |w: &Word| -> Result<Quantity, MetricError> {
        Quantity::parse(&w.text, &names.nodes).map_or_else(
            || {
                merr(
                    w,
                    format!("unknown telemetry quantity {:?}", w.text),
                    format!("one of: {}", quantity_list(&names.nodes)),
                )
            },
            Ok,
        )
    };
    let stat = |statistic| -> Result<Metric, MetricError> {
        let q = quantity(positional(0, "a telemetry quantity")?)?;
        if let Some(extra) = m.args.get(1) {
            return merr(&extra.value, "unexpected argument", ")");
        }
        Ok(Metric::Telemetry {
            quantity: q,
            statistic,
        })
    };
    match f {
        "min" => stat(Statistic::Min),
        "max" => stat(Statistic::Max),
        "mean" => stat(Statistic::Mean),
        "final" => stat(Statistic::Final),
        "time_above" | "time_below" => {
            let q = quantity(positional(0, "a telemetry quantity")?)?;
            let level_w = positional(1, "a level")?;
            let Ok(level) = level_w.text.parse::<f64>() else {
                return merr(level_w, "the level is not a number", "a number");
            };
            if let Some(extra) = m.args.get(2) {
                return merr(&extra.value, "unexpected argument", ")");
            }
            Ok(Metric::Telemetry {
                quantity: q,
                statistic: if f == "time_above" {
                    Statistic::TimeAbove(level)
                } else {
                    Statistic::TimeBelow(level)
                },
            })
        }
        "total" => {
            let w = positional(0, "a total")?;
            let Some(counter) = Counter::ALL.iter().find(|c| c.name() == w.text) else {
                let list: Vec<&str> = Counter::ALL.iter().map(|c| c.name()).collect();
                return merr(
                    w,
                    format!("unknown total {:?}", w.text),
                    format!("one of: {}", list.join(", ")),
                );
            };
            let filter = filter_of(&m.args[1..], names)?;
            if filter.station.is_some() {
                return merr(w, "totals cannot be filtered by station", "app=NAME");
            }
            if filter.app.is_some() && *counter == Counter::ImagesCaptured {
                return merr(
                    w,
                    "images are counted per satellite, not per app",
                    "total(images_captured) without app=",
                );
            }
            Ok(Metric::Total {
                counter: *counter,
                filter,
            })
        }
        "count" | "first" => {
            let w = positional(0, "an event kind")?;
            if !EVENT_KINDS.contains(&w.text.as_str()) {
                return merr(
                    w,
                    format!("unknown event kind {:?}", w.text),
                    format!("one of: {}", EVENT_KINDS.join(", ")),
                );
            }
            let filter = filter_of(&m.args[1..], names)?;
            let kind = w.text.clone();
            Ok(if f == "count" {
                Metric::Count { kind, filter }
            } else {
                Metric::First { kind, filter }
            })
        }
        _ => merr(
            &m.function,
            format!("unknown metric {f:?}"),
            "min, max, mean, final, time_above, time_below, total, count or first",
        ),
    }
}

/// Reads `metric OP bound`.
pub fn assertion_of(
    e: &AssertionExpr,
    names: &Names,
) -> Result<(Metric, CmpOp, Value), MetricError> {
    let metric = metric_of(
        &MetricExpr {
            function: e.function.clone(),
            args: e.args.clone(),
            span: e.metric_span.clone(),
        },
        names,
    )?;
    let b = &e.bound;
    let bound = match metric.unit() {
        ValueUnit::Number => match b.text.parse::<f64>() {
            Ok(x) if x.is_finite() => Value::Number(x),
            _ => {
                return merr(
                    b,
                    "the bound is not a number",
                    "a number such as 0.3 or 1e6",
                );
            }
        },
        ValueUnit::Seconds => match orbit::parse_duration(&b.text) {
            Ok(d) => Value::Number(d.to_seconds()),
            Err(_) => match b.text.parse::<f64>() {
                Ok(x) if x.is_finite() => Value::Number(x),
                _ => return merr(b, "the bound is not a duration", "a duration such as 10m"),
            },
        },
        ValueUnit::Time => match orbit::parse_utc(&b.text) {
            Ok(t) => Value::Time(Some(t)),
            Err(_) => {
                return merr(
                    b,
                    "the bound is not a UTC time",
                    "an RFC 3339 UTC time such as 2018-01-20T08:00:00Z",
                );
            }
        },
    };
    if matches!(metric, Metric::First { .. }) && matches!(e.op, CmpOp::Eq | CmpOp::Ne) {
        return merr(b, "compare a first event's time with < or <=", "< or <=");
    }
    Ok((metric, e.op, bound))
}
