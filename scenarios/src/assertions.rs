//! Success criteria: metrics over a run (telemetry statistics, totals, event counts, first
//! occurrences), compared with a bound.
//!
//! | metric | value |
//! |---|---|
//! | `min(Q)`, `max(Q)`, `mean(Q)`, `final(Q)` | a statistic of telemetry quantity Q over every step |
//! | `time_above(Q, LEVEL)`, `time_below(Q, LEVEL)` | seconds with Q above (below) LEVEL |
//! | `total(C [, app=A])` | a total: `downlinked_bytes`, `images_captured`, `isl_messages`, `commands_delivered`, `uploads`, `instructions` |
//! | `count(K [, app=A] [, station=S])` | events of kind K in `events.jsonl` (`contact_start`, `app_fault`, `safe_mode_entry`, ...) |
//! | `first(K [, app=A] [, station=S])` | the time of the first such event (`never` if none) |
//!
//! Over several satellites (no `satellite` key, or a walker's name), a telemetry statistic
//! must hold for **each** satellite and the reported value is the worst one; totals and
//! counts are summed; `first` is the earliest.

use std::collections::BTreeMap;

use hifitime::{Duration, Epoch};

use crate::expr::{AssertionExpr, CmpOp, MetricExpr, Word};

/// A telemetry quantity (a numeric column of `telemetry.csv`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quantity {
    /// A fixed column, by name.
    Column(Column),
    /// `temp_<node>_c`: a thermal node's temperature.
    TempC(String),
}

macro_rules! columns {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// The fixed numeric telemetry columns.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Column {
            $(#[doc = $doc] $variant,)*
        }
        impl Column {
            /// Every column, in `telemetry.csv` order.
            pub const ALL: &'static [Column] = &[$(Column::$variant,)*];
            /// The column's name.
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }
        }
    };
}

columns! {
    LatDeg => "lat_deg", "Geodetic latitude of the sub-satellite point, degrees.";
    LonDeg => "lon_deg", "Longitude, degrees.";
    AltKm => "alt_km", "Altitude above the WGS-84 ellipsoid, km.";
    Illumination => "illumination", "Sunlight fraction 0 (umbra) … 1 (full Sun).";
    BatterySoc => "battery_soc", "Battery state of charge 0 … 1, end of step.";
    ArrayPowerW => "array_power_w", "Solar array power drawn, W, average over the step.";
    LoadPowerW => "load_power_w", "Power delivered to the loads, W, average.";
    ComputerPowerW => "computer_power_w", "Onboard computer power, W, average.";
    BusyFraction => "busy_fraction", "CPU busy fraction 0 … 1.";
    AttitudeMode => "attitude_mode", "Attitude mode (0 nadir, 1 Sun, 2 inertial, 3 target).";
    AttitudeErrorDeg => "attitude_error_deg", "Pointing error at the end of the step, degrees.";
    SafeMode => "safe_mode", "1 in safe mode, else 0.";
    InContact => "in_contact", "1 while a station is in view above its mask (sampled at the step), else 0.";
    DownlinkRateBps => "downlink_rate_bps", "Downlink rate the link budget gives, bit/s.";
    DownlinkQueuedBytes => "downlink_queued_bytes", "Bytes waiting in the downlink queue after the step.";
}

impl Quantity {
    /// The column name.
    pub fn name(&self) -> String {
        match self {
            Self::Column(c) => c.name().to_string(),
            Self::TempC(node) => format!("temp_{node}_c"),
        }
    }

    /// Parses a quantity name; `nodes` are the thermal node names of the scenario.
    pub fn parse(name: &str, nodes: &[String]) -> Option<Self> {
        if let Some(c) = Column::ALL.iter().find(|c| c.name() == name) {
            return Some(Self::Column(*c));
        }
        let node = name.strip_prefix("temp_")?.strip_suffix("_c")?;
        nodes
            .iter()
            .any(|n| n == node)
            .then(|| Self::TempC(node.to_string()))
    }
}

/// A statistic of a telemetry quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Time-weighted mean.
    Mean,
    /// Value at the last step.
    Final,
    /// Seconds with the value strictly above a level.
    TimeAbove(f64),
    /// Seconds with the value strictly below a level.
    TimeBelow(f64),
}

/// A total kept over the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counter {
    /// Bytes delivered to the ground.
    DownlinkedBytes,
    /// Camera images captured.
    ImagesCaptured,
    /// Inter-satellite messages delivered to an app.
    IslMessages,
    /// Uplinked commands delivered to an app.
    CommandsDelivered,
    /// Image uploads completed.
    Uploads,
    /// Guest instructions executed.
    Instructions,
}

impl Counter {
    /// Every counter.
    pub const ALL: &'static [Counter] = &[
        Counter::DownlinkedBytes,
        Counter::ImagesCaptured,
        Counter::IslMessages,
        Counter::CommandsDelivered,
        Counter::Uploads,
        Counter::Instructions,
    ];

    /// Its name in expressions and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::DownlinkedBytes => "downlinked_bytes",
            Self::ImagesCaptured => "images_captured",
            Self::IslMessages => "isl_messages",
            Self::CommandsDelivered => "commands_delivered",
            Self::Uploads => "uploads",
            Self::Instructions => "instructions",
        }
    }
}

/// Event kinds an assertion can count (the `kind` values of `events.jsonl`).
pub const EVENT_KINDS: &[&str] = &[
    "contact_start",
    "contact_end",
    "station_restored",
    "penumbra_entry",
    "umbra_entry",
    "umbra_exit",
    "penumbra_exit",
    "log",
    "app_installed",
    "app_updated",
    "app_removed",
    "app_bit_flips",
    "app_started",
    "app_exited",
    "app_fault",
    "app_restart_scheduled",
    "app_restarted",
    "app_stopped",
    "app_suspended",
    "app_resumed",
    "app_migrated_in",
    "app_migrated_out",
    "app_handler_error",
    "app_log_squelched",
    "app_downlink_squelched",
    "app_message_dropped",
    "computer_power_off",
    "computer_booting",
    "computer_booted",
    "computer_hung",
    "safe_mode_entry",
    "safe_mode_exit",
    "load_shed",
    "load_restored",
    "limit_violation",
    "limit_cleared",
    "heater_switched",
    "command_queued",
    "command_executed",
    "command_delivered",
    "upload_complete",
    "downlinked",
    "isl_delivered",
    "migration_complete",
    "fault_injected",
    "satellite_lost",
];

/// Which events or totals a metric looks at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only this app.
    pub app: Option<String>,
    /// Only this station.
    pub station: Option<String>,
}

impl Filter {
    /// Whether an event of `app` / `station` passes.
    pub fn accepts(&self, app: Option<&str>, station: Option<&str>) -> bool {
        self.app.as_deref().is_none_or(|a| app == Some(a))
            && self.station.as_deref().is_none_or(|s| station == Some(s))
    }
}

/// What an assertion measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// A statistic of a telemetry quantity.
    Telemetry {
        /// The quantity.
        quantity: Quantity,
        /// The statistic.
        statistic: Statistic,
    },
    /// A total.
    Total {
        /// Which.
        counter: Counter,
        /// Restriction.
        filter: Filter,
    },
    /// Number of events.
    Count {
        /// Event kind.
        kind: String,
        /// Restriction.
        filter: Filter,
    },
    /// Time of the first event.
    First {
        /// Event kind.
        kind: String,
        /// Restriction.
        filter: Filter,
    },
}

impl Metric {
    /// The unit of the metric's value.
    pub fn unit(&self) -> ValueUnit {
        match self {
            Self::Telemetry {
                statistic: Statistic::TimeAbove(_) | Statistic::TimeBelow(_),
                ..
            } => ValueUnit::Seconds,
            Self::First { .. } => ValueUnit::Time,
            _ => ValueUnit::Number,
        }
    }
}

/// How a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueUnit {
    /// A plain number.
    Number,
    /// Seconds (a duration).
    Seconds,
    /// A UTC time.
    Time,
}

/// A metric's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number (or seconds).
    Number(f64),
    /// A time (`None`: the event never happened).
    Time(Option<Epoch>),
}

impl Value {
    /// As a number: seconds since J1900 TAI for times; NaN for "never" and for no data.
    pub fn as_f64(&self) -> f64 {
        match *self {
            Self::Number(x) => x,
            Self::Time(Some(t)) => t.to_tai_seconds(),
            Self::Time(None) => f64::NAN,
        }
    }
}

/// A success criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Assertion {
    /// Name (the `name` key, else the expression).
    pub name: String,
    /// The expression as written.
    pub expr: String,
    /// What is measured.
    pub metric: Metric,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Value,
    /// The satellites it looks at (indices).
    pub satellites: Vec<usize>,
}

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
                    if k == kind && selected && filter.accepts(app, station) =>
                {
                    if self.firsts[i].is_none_or(|t| time < t) {
                        self.firsts[i] = Some(time);
                    }
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
            .map(|(_, v)| *v)
            .sum()
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
