//! What a run measures for the batch: the user's metrics and envelope quantities checked
//! against the scenario, and the sink that folds a run's telemetry into them.

use std::io;
use std::path::Path;

use hifitime::Epoch;
use sha2::{Digest, Sha256};
use sim_core::Hypervisor;

use super::config::McConfig;
use super::distribution::rounded;
use super::record::Ordered;
use crate::assertions::{
    Assertion, Metric, Names, Quantity, Statistic, Value, ValueUnit, metric_of,
};
use crate::diag::{Diagnostic, error_chain};
use crate::events::EventRecord;
use crate::expr::{CmpOp, map_span, parse_metric};
use crate::files::Files;
use crate::load::{LoadCache, LoadError, load_text};
use crate::model::Scenario;
use crate::outputs::OutputWriter;
use crate::run::{Sink, TelemetryRecord, column};

/// The names a metric may refer to in `s`.
pub(super) fn names_of(s: &Scenario) -> Names {
    let mut apps: Vec<String> = Vec::new();
    for a in &s.apps {
        if !apps.contains(&a.config.name) {
            apps.push(a.config.name.clone());
        }
    }
    Names {
        nodes: s.thermal_node_names(),
        apps,
        stations: s.stations.iter().map(|st| st.name.clone()).collect(),
    }
}

/// The user's metrics as assertions without a bound (their outcome carries the value): over
/// several satellites `min(...)` reports the smallest satellite's value, every other
/// statistic the largest.
pub(super) fn metrics_of(
    c: &McConfig,
    s: &Scenario,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Assertion> {
    let names = names_of(s);
    let mut out = Vec::new();
    for m in &c.metrics {
        let at = |inner: &std::ops::Range<usize>| map_span(&c.file.text, &m.span, &m.value, inner);
        let parsed = match parse_metric(&m.value) {
            Ok(p) => p,
            Err(e) => {
                diags.push(Diagnostic::new(
                    &c.file,
                    at(&e.span),
                    "the metric does not parse",
                    e.message,
                ));
                continue;
            }
        };
        match metric_of(&parsed, &names) {
            Ok(metric) => {
                let op = match &metric {
                    Metric::Telemetry {
                        statistic: Statistic::Min,
                        ..
                    } => CmpOp::Ge,
                    _ => CmpOp::Le,
                };
                let bound = match metric.unit() {
                    ValueUnit::Time => Value::Time(None),
                    _ => Value::Number(f64::NAN),
                };
                out.push(Assertion {
                    name: m.value.clone(),
                    expr: m.value.clone(),
                    metric,
                    op,
                    bound,
                    satellites: (0..s.satellites.len()).collect(),
                });
            }
            Err(e) => diags.push(Diagnostic::new(
                &c.file,
                at(&e.span),
                e.message,
                format!("expected {}", e.expected),
            )),
        }
    }
    out
}

pub(super) fn envelopes_of(
    c: &McConfig,
    s: &Scenario,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Quantity> {
    let nodes = s.thermal_node_names();
    match &c.envelopes {
        None => std::iter::once(Quantity::Column(crate::assertions::Column::BatterySoc))
            .chain(nodes.iter().map(|n| Quantity::TempC(n.clone())))
            .collect(),
        Some(list) => list
            .iter()
            .filter_map(|q| {
                let parsed = Quantity::parse(&q.value, &nodes);
                if parsed.is_none() {
                    diags.push(Diagnostic::new(
                        &c.file,
                        q.span.clone(),
                        format!("unknown telemetry quantity {:?}", q.value),
                        "expected a numeric column of telemetry.csv (battery_soc, temp_<node>_c, ...)",
                    ));
                }
                parsed
            })
            .collect(),
    }
}

/// Loads the scenario with every dispersion at its nominal value: a path that leads nowhere
/// or a value the scenario refuses is reported before any run.
#[allow(clippy::too_many_arguments)]
pub(super) fn probe(
    c: &McConfig,
    doc: &toml::Table,
    name: &str,
    base: &Path,
    files: &dyn Files,
    hv: &Hypervisor,
    cache: &LoadCache,
    diags: &mut Vec<Diagnostic>,
) {
    let mut probe = doc.clone();
    let mut ok = true;
    for d in &c.dispersions {
        if let Err(e) = d
            .path
            .apply(&mut probe, &rounded(d.integer, d.distribution.nominal()))
        {
            diags.push(Diagnostic::new(
                &c.file,
                d.span.clone(),
                "the path leads nowhere in the scenario",
                e.to_string(),
            ));
            ok = false;
        }
    }
    if !ok {
        return;
    }
    let Ok(text) = toml::to_string(&probe) else {
        return;
    };
    if let Err(e) = load_text(
        &format!("{name} (nominal draw)"),
        text,
        base,
        files,
        hv,
        cache,
    ) {
        let mut d = Diagnostic::new(
            &c.file,
            c.span.clone(),
            "the scenario with every dispersion at its nominal value does not load",
            "check the paths and the values they receive",
        );
        match e {
            LoadError::Invalid(inv) => {
                for x in &inv.diagnostics {
                    let line = x.file.text.lines().nth(x.line_column().0 - 1).unwrap_or("");
                    d = d.note(format!("{}: {} (at `{}`)", x.message, x.label, line.trim()));
                }
            }
            other => d = d.note(error_chain(&other)),
        }
        diags.push(d);
    }
}

/// What a batch run keeps of the stream of a run: a hash of everything `skytwin run` would
/// write, the envelopes' time bins, and (for a kept run) the files themselves.
pub(super) struct McSink<'s> {
    pub(super) hasher: Sha256,
    names: Vec<String>,
    node_names: Vec<String>,
    start: Epoch,
    duration_s: f64,
    bins: usize,
    /// Per envelope, per bin: sum and count over the satellites and rows in the bin.
    sums: Vec<Vec<(f64, u32)>>,
    quantities: &'s [Quantity],
    pub(super) writer: Option<OutputWriter>,
}

impl<'s> McSink<'s> {
    pub(super) fn new(
        s: &Scenario,
        quantities: &'s [Quantity],
        bins: usize,
        writer: Option<OutputWriter>,
    ) -> Self {
        Self {
            hasher: Sha256::new(),
            names: s.satellites.iter().map(|x| x.name.clone()).collect(),
            node_names: s.thermal_node_names(),
            start: s.start,
            duration_s: s.duration.to_seconds().max(1e-9),
            bins,
            sums: vec![vec![(0.0, 0); bins]; quantities.len()],
            quantities,
            writer,
        }
    }

    pub(super) fn envelopes_json(&self, quantities: &[Quantity]) -> Ordered {
        let mut o = Ordered::default();
        for (q, bins) in quantities.iter().zip(&self.sums) {
            let values: Vec<serde_json::Value> = bins
                .iter()
                .map(|&(s, n)| {
                    if n == 0 {
                        serde_json::Value::Null
                    } else {
                        // 7 significant digits are plenty for a band on a plot
                        serde_json::to_value((s / f64::from(n)) as f32)
                            .unwrap_or(serde_json::Value::Null)
                    }
                })
                .collect();
            o.push(q.name(), serde_json::Value::Array(values));
        }
        o
    }
}

impl Sink for McSink<'_> {
    fn telemetry(&mut self, r: &TelemetryRecord<'_>) -> io::Result<()> {
        self.hasher.update(format!("{r:?}").as_bytes());
        let t_s = (r.row.time - self.start).to_seconds();
        let k = ((t_s / self.duration_s) * self.bins as f64).floor();
        let k = (k.max(0.0) as usize).min(self.bins - 1);
        for (q, bins) in self.quantities.iter().zip(&mut self.sums) {
            let x = match q {
                Quantity::Column(c) => column(r.row, *c),
                Quantity::TempC(node) => self
                    .node_names
                    .iter()
                    .position(|n| n == node)
                    .map_or(f64::NAN, |i| r.temps_c[i]),
            };
            if x.is_finite() {
                bins[k].0 += x;
                bins[k].1 += 1;
            }
        }
        match &mut self.writer {
            Some(w) => w.telemetry(r),
            None => Ok(()),
        }
    }

    fn event(&mut self, e: &EventRecord) -> io::Result<()> {
        self.hasher.update(e.to_json(&self.names).as_bytes());
        self.hasher.update(b"\n");
        match &mut self.writer {
            Some(w) => w.event(e),
            None => Ok(()),
        }
    }
}
