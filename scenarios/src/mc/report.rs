//! `report.html` (self-contained: styles inline, plots as inline SVG) and `report.md` (the
//! same tables; plots as `plots/*.svg` beside it). Plots are drawn by `plotters` as SVG, text
//! laid out with the bundled Hack font (`assets/fonts`), so nothing depends on the fonts of
//! the machine; the output depends only on the records.

use std::fmt::Write as _;
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;
use serde_json::Value;

use super::aggregate::{Envelope, Row, Summary, rows};
use super::manifest::BatchInfo;
use super::record::Record;
use super::stats::{Histogram, histogram};

/// The bundled font (Hack, MIT / Bitstream Vera licence: `assets/fonts/Hack-Regular.txt`).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/Hack-Regular.ttf");
/// The family name the plots ask for.
const FAMILY: &str = "skytwin-sans";
/// Parameters shown against pass/fail.
const TOP_PARAMETERS: usize = 3;
/// Plot size, px.
const SIZE: (u32, u32) = (640, 360);

const PASS: RGBColor = RGBColor(46, 139, 87);
const FAIL: RGBColor = RGBColor(200, 40, 40);
const BAND: RGBColor = RGBColor(70, 110, 180);

fn font_ready() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

/// One plot: its file name under `plots/`, its title and its SVG text.
#[derive(Debug, Clone)]
pub struct Plot {
    /// File name (`hist-01.svg`).
    pub file: String,
    /// Title (alt text).
    pub title: String,
    /// The SVG.
    pub svg: String,
}

/// A piece of the report.
#[derive(Debug, Clone)]
enum Block {
    Heading(u8, String),
    Para(String),
    Table(Vec<String>, Vec<Vec<String>>),
    Plot(usize),
}

/// The report: its text as Markdown and HTML, and its plots.
#[derive(Debug, Clone)]
pub struct Report {
    /// `report.md`.
    pub markdown: String,
    /// `report.html`.
    pub html: String,
    /// The plots (`plots/*.svg`).
    pub plots: Vec<Plot>,
}

/// A number with 4 significant digits (scientific notation outside 1e-3…1e6).
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn v(x: &Value) -> String {
    x.as_f64().map_or("–".to_string(), sig)
}

fn pct(x: &Value) -> String {
    x.as_f64()
        .map_or("–".to_string(), |p| format!("{:.1} %", 100.0 * p))
}

/// Builds the report of a batch.
pub fn report(s: &Summary, info: &BatchInfo, records: &[Record]) -> Report {
    let rows = rows(info, records);
    let mut plots = Vec::new();
    let mut b = Vec::new();
    b.push(Block::Heading(1, format!("Monte Carlo: {}", s.scenario)));
    if !s.description.is_empty() {
        b.push(Block::Para(s.description.clone()));
    }
    b.push(Block::Para(format!(
        "{} runs (seed {}): {} completed, {} could not be simulated. Each run {} from {}. Scenario hash {}. skytwin {}.",
        s.runs,
        s.seed,
        s.completed,
        s.error_runs,
        orbit::format_duration(hifitime::Duration::from_seconds(s.duration_s)),
        s.start_utc,
        &s.scenario_hash[..s.scenario_hash.len().min(16)],
        s.skytwin_version
    )));
    b.push(Block::Heading(2, "Mission success".to_string()));
    b.push(Block::Para(format!(
        "Every assertion held in {} of {} completed runs: **{}** (Wilson 95 % interval {} – {}).",
        s.success.passed,
        s.success.of,
        pct(&s.success.probability),
        pct(&s.success.wilson95[0]),
        pct(&s.success.wilson95[1]),
    )));
    let stat_head = ["n", "mean", "sd", "min", "p5", "p50", "p95", "max"];
    let stat_cells = |st: &super::aggregate::Stats| {
        vec![
            st.n.to_string(),
            v(&st.mean),
            v(&st.sd),
            v(&st.min),
            v(&st.p5),
            v(&st.p50),
            v(&st.p95),
            v(&st.max),
        ]
    };
    if !s.assertions.is_empty() {
        b.push(Block::Heading(2, "Assertions".to_string()));
        let mut head = vec![
            "assertion".to_string(),
            "check".to_string(),
            "holds".to_string(),
            "95 % interval".to_string(),
        ];
        head.extend(stat_head.iter().map(|x| (*x).to_string()));
        let body = s
            .assertions
            .iter()
            .map(|a| {
                let mut r = vec![
                    a.name.clone(),
                    format!("`{}`", a.check),
                    pct(&a.success.probability),
                    format!(
                        "{} – {}",
                        pct(&a.success.wilson95[0]),
                        pct(&a.success.wilson95[1])
                    ),
                ];
                r.extend(stat_cells(&a.value));
                r
            })
            .collect();
        b.push(Block::Table(head, body));
        if info.assertions.iter().any(|a| a.unit == "s_after_start") {
            b.push(Block::Para(
                "Values of `first(...)` assertions are seconds after the start.".to_string(),
            ));
        }
    }
    if !s.metrics.is_empty() {
        b.push(Block::Heading(2, "Metrics".to_string()));
        let mut head = vec!["metric".to_string()];
        head.extend(stat_head.iter().map(|x| (*x).to_string()));
        let body = s
            .metrics
            .iter()
            .map(|m| {
                let mut r = vec![format!("`{}`", m.name)];
                r.extend(stat_cells(&m.value));
                r
            })
            .collect();
        b.push(Block::Table(head, body));
    }
    b.push(Block::Heading(2, "What drives failure".to_string()));
    b.push(Block::Para(
        "Spearman rank correlation of each dispersed parameter with pass (1) / fail (0) of the whole run, strongest first, and the assertion value or metric it goes with most strongly.".to_string(),
    ));
    let body = s
        .influence
        .iter()
        .map(|i| {
            let best = strongest(&i.rank_correlation.0);
            vec![
                format!("`{}`", i.parameter),
                v(&i.rank_correlation_with_pass),
                best.map_or("–".to_string(), |(n, r)| format!("{n} (ρ = {})", sig(r))),
            ]
        })
        .collect();
    b.push(Block::Table(
        vec![
            "parameter".to_string(),
            "ρ with pass".to_string(),
            "strongest link".to_string(),
        ],
        body,
    ));
    b.push(Block::Heading(2, "Dispersed parameters".to_string()));
    let mut head = vec!["parameter".to_string(), "distribution".to_string()];
    head.extend(stat_head.iter().map(|x| (*x).to_string()));
    let body = s
        .parameters
        .iter()
        .map(|p| {
            let mut r = vec![
                format!("`{}`", p.name),
                p.distribution.clone().unwrap_or_default(),
            ];
            r.extend(stat_cells(&p.value));
            r
        })
        .collect();
    b.push(Block::Table(head, body));

    if font_ready() {
        plots_of(s, info, &rows, &mut b, &mut plots);
    } else {
        b.push(Block::Para(
            "(The bundled font could not be read: no plots.)".to_string(),
        ));
    }
    if !s.errors.is_empty() {
        b.push(Block::Heading(
            2,
            "Runs that could not be simulated".to_string(),
        ));
        b.push(Block::Table(
            vec!["run".to_string(), "error".to_string()],
            s.errors
                .iter()
                .map(|e| vec![e.index.to_string(), e.error.clone()])
                .collect(),
        ));
    }
    Report {
        markdown: markdown(&b, &plots),
        html: html(&s.scenario, &b, &plots),
        plots,
    }
}

fn strongest(list: &[(String, Value)]) -> Option<(String, f64)> {
    list.iter()
        .filter_map(|(n, r)| r.as_f64().map(|r| (n.clone(), r)))
        .fold(None, |best: Option<(String, f64)>, (n, r)| match &best {
            Some((_, b)) if b.abs() >= r.abs() => best,
            _ => Some((n, r)),
        })
}

fn plots_of(
    s: &Summary,
    info: &BatchInfo,
    rows: &[Row],
    b: &mut Vec<Block>,
    plots: &mut Vec<Plot>,
) {
    let ok: Vec<&Row> = rows.iter().filter(|r| r.ok).collect();
    let value_names: Vec<String> = info
        .assertions
        .iter()
        .map(|a| a.name.clone())
        .chain(info.metrics.iter().cloned())
        .collect();
    let mut push = |b: &mut Vec<Block>, file: String, title: String, svg: Option<String>| {
        if let Some(svg) = svg {
            plots.push(Plot { file, title, svg });
            b.push(Block::Plot(plots.len() - 1));
        }
    };
    b.push(Block::Heading(2, "Distributions".to_string()));
    for (k, name) in value_names.iter().enumerate() {
        let xs: Vec<f64> = ok.iter().map(|r| r.values[k]).collect();
        if let Some(h) = histogram(&xs, super::aggregate::HISTOGRAM_BINS) {
            let svg = histogram_svg(name, &h);
            push(
                b,
                format!("hist-{:02}.svg", k + 1),
                format!("Histogram of {name}"),
                svg,
            );
        }
    }
    if !s.influence.is_empty() {
        b.push(Block::Heading(
            2,
            "Pass/fail against the most influential parameters".to_string(),
        ));
        for (k, inf) in s.influence.iter().take(TOP_PARAMETERS).enumerate() {
            let Some(p) = info.parameters.iter().position(|p| p.path == inf.parameter) else {
                continue;
            };
            let Some((yname, _)) = strongest(&inf.rank_correlation.0) else {
                continue;
            };
            let Some(j) = value_names.iter().position(|n| *n == yname) else {
                continue;
            };
            let pts: Vec<(f64, f64, bool)> = ok
                .iter()
                .map(|r| (r.params[p], r.values[j], r.passed))
                .filter(|(x, y, _)| x.is_finite() && y.is_finite())
                .collect();
            let title = format!("{yname} against {}", inf.parameter);
            let svg = scatter_svg(&title, &inf.parameter, &yname, &pts);
            push(b, format!("influence-{:02}.svg", k + 1), title, svg);
        }
    }
    if !s.envelopes.is_empty() {
        b.push(Block::Heading(2, "Envelopes across runs".to_string()));
        b.push(Block::Para(
            "Median (line), 25–75 % and 5–95 % of the runs (bands) in each time bin.".to_string(),
        ));
        for (k, e) in s.envelopes.iter().enumerate() {
            let svg = envelope_svg(e);
            push(
                b,
                format!("envelope-{:02}.svg", k + 1),
                format!("Envelope of {}", e.quantity),
                svg,
            );
        }
    }
}

fn pad(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        let m = 0.05 * (hi - lo);
        (lo - m, hi + m)
    } else {
        let m = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        (lo - m, hi + m)
    }
}

fn style(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

fn histogram_svg(name: &str, h: &Histogram) -> Option<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let n = h.counts.len();
        let width = if n > 1 { (h.hi - h.lo) / n as f64 } else { 0.0 };
        let (x0, x1) = if n > 1 { (h.lo, h.hi) } else { pad(h.lo, h.hi) };
        let ymax = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption(name, style(16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .ok()?;
        chart
            .configure_mesh()
            .y_desc("runs")
            .label_style(style(12))
            .axis_desc_style(style(12))
            .draw()
            .ok()?;
        let bars = h.counts.iter().enumerate().map(|(k, &c)| {
            let (a, z) = if n > 1 {
                (h.lo + k as f64 * width, h.lo + (k + 1) as f64 * width)
            } else {
                let (a, z) = pad(h.lo, h.hi);
                (a + 0.4 * (z - a), z - 0.4 * (z - a))
            };
            Rectangle::new([(a, 0.0), (z, c as f64)], BAND.mix(0.7).filled())
        });
        chart.draw_series(bars).ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

fn scatter_svg(title: &str, xname: &str, yname: &str, pts: &[(f64, f64, bool)]) -> Option<String> {
    if pts.is_empty() {
        return None;
    }
    let (mut xl, mut xh, mut yl, mut yh) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y, _) in pts {
        xl = xl.min(x);
        xh = xh.max(x);
        yl = yl.min(y);
        yh = yh.max(y);
    }
    let (xl, xh) = pad(xl, xh);
    let (yl, yh) = pad(yl, yh);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, style(14))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(xl..xh, yl..yh)
            .ok()?;
        chart
            .configure_mesh()
            .x_desc(xname)
            .y_desc(yname)
            .label_style(style(12))
            .axis_desc_style(style(12))
            .draw()
            .ok()?;
        for (passed, color, label) in [(true, PASS, "pass"), (false, FAIL, "fail")] {
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.2 == passed)
                        .map(|&(x, y, _)| Circle::new((x, y), 3, color.filled())),
                )
                .ok()?
                .label(label)
                .legend(move |(x, y)| Circle::new((x, y), 4, color.filled()));
        }
        chart
            .configure_series_labels()
            .label_font(style(12))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

fn envelope_svg(e: &Envelope) -> Option<String> {
    let n = e.p50.len();
    let hours = |k: usize| (k as f64 + 0.5) * e.bin_s / 3600.0;
    let series = |s: &[Value]| -> Vec<(f64, f64)> {
        s.iter()
            .enumerate()
            .filter_map(|(k, v)| v.as_f64().map(|y| (hours(k), y)))
            .collect()
    };
    let (p5, p25, p50, p75, p95) = (
        series(&e.p5),
        series(&e.p25),
        series(&e.p50),
        series(&e.p75),
        series(&e.p95),
    );
    if p50.is_empty() {
        return None;
    }
    let yl = p5.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let yh = p95.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let (yl, yh) = pad(yl, yh);
    let x1 = n as f64 * e.bin_s / 3600.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&e.quantity, style(16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..x1, yl..yh)
            .ok()?;
        chart
            .configure_mesh()
            .x_desc("hours after start")
            .y_desc(e.quantity.as_str())
            .label_style(style(12))
            .axis_desc_style(style(12))
            .draw()
            .ok()?;
        for (lo, hi, alpha) in [(&p5, &p95, 0.2), (&p25, &p75, 0.4)] {
            let mut poly: Vec<(f64, f64)> = lo.clone();
            poly.extend(hi.iter().rev().copied());
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    BAND.mix(alpha).filled(),
                )))
                .ok()?;
        }
        chart
            .draw_series(LineSeries::new(p50, BAND.stroke_width(2)))
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

fn markdown(blocks: &[Block], plots: &[Plot]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(s, "{} {text}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para(text) => {
                let _ = writeln!(s, "{text}\n");
            }
            Block::Table(head, rows) => {
                let cell = |c: &str| c.replace('|', "\\|");
                let _ = writeln!(
                    s,
                    "| {} |",
                    head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(
                        s,
                        "| {} |",
                        r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    );
                }
                s.push('\n');
            }
            Block::Plot(k) => {
                let p = &plots[*k];
                let _ = writeln!(s, "![{}](plots/{})\n", p.title, p.file);
            }
        }
    }
    s
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Inline Markdown of a cell or paragraph: `code` and **bold**.
fn inline_html(t: &str) -> String {
    let mut out = String::new();
    let mut code = false;
    let mut bold = false;
    let e = escape(t);
    let mut rest = e.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('`') {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn html(title: &str, blocks: &[Block], plots: &[Plot]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Monte Carlo: {}</title>\n<style>\nbody {{ font-family: sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; color: #222; }}\ntable {{ border-collapse: collapse; margin: 1em 0; font-size: 90%; }}\nth, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}\nth:first-child, td:first-child {{ text-align: left; }}\ncode {{ background: #f4f4f4; padding: 0 0.2em; }}\nfigure {{ margin: 1em 0; }}\n</style>\n</head>\n<body>\n",
        escape(title)
    );
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(s, "<h{level}>{}</h{level}>", inline_html(text));
            }
            Block::Para(text) => {
                let _ = writeln!(s, "<p>{}</p>", inline_html(text));
            }
            Block::Table(head, rows) => {
                s.push_str("<table>\n<tr>");
                for h in head {
                    let _ = write!(s, "<th>{}</th>", inline_html(h));
                }
                s.push_str("</tr>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for c in r {
                        let _ = write!(s, "<td>{}</td>", inline_html(c));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</table>\n");
            }
            Block::Plot(k) => {
                let p = &plots[*k];
                let svg = p.svg.find("<svg").map_or(p.svg.as_str(), |i| &p.svg[i..]);
                let _ = writeln!(
                    s,
                    "<figure role=\"img\" aria-label=\"{}\">\n{svg}\n</figure>",
                    escape(&p.title)
                );
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}
