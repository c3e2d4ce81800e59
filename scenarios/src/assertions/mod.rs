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

mod evaluate;
mod metric;
mod parse;

pub use evaluate::{Evaluator, Outcome, Sample};
pub use metric::{
    Assertion, Column, Counter, EVENT_KINDS, Filter, Metric, Quantity, Statistic, Value, ValueUnit,
};
pub use parse::{MetricError, Names, assertion_of, metric_of};
