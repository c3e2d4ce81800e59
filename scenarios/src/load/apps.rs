//! `[[app]]`: an image installed on satellites before the start, with the hypervisor's
//! settings (arguments, priority, share, schedule, restart policy, watchdogs, limits).

use std::collections::BTreeSet;

use hifitime::{Duration, Epoch, Unit};
use sim_core::{AppConfig, AppImage, AppLimits, Area, RestartPolicy, Schedule};
use toml::de::DeValue;

use super::Loader;
use super::satellites::resolve_names;
use crate::expr::{ScheduleExpr, Word, map_span, parse_schedule};
use crate::model::AppDef;
use crate::reader::{Sp, Table, as_array, number};

/// Whether an image uses the camera (imports a `skytwin_v1.camera_*` function).
pub fn uses_camera(image: &AppImage) -> bool {
    image
        .inspection()
        .imports
        .iter()
        .any(|i| i.module == "skytwin_v1" && i.name.starts_with("camera_"))
}

/// An app's name from its image path: the file stem.
fn name_from_path(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(|| "app".to_string(), |s| s.to_string_lossy().into_owned())
}

impl Loader<'_> {
    /// The apps.
    pub(super) fn apps(
        &mut self,
        root: &Table<'_, '_>,
        sat_names: &[String],
        groups: &[(String, Vec<usize>)],
        areas: &[Area],
    ) -> Vec<AppDef> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for t in root.tables("app", "[[app]]") {
            let image_path = t.req_str("image");
            let on = match t.str_list("on") {
                Some(list) => resolve_names(t.ctx(), &list, sat_names, groups),
                None => Some((0..sat_names.len()).collect()),
            };
            let start = t.bool("start").is_none_or(|b| b.value);
            let config = self.app_config(&t, image_path.as_ref(), areas);
            t.finish();
            let Some(image_path) = image_path else {
                continue;
            };
            let image = self.image(&image_path);
            let (Some(image), Some(on), Some((config, name_span))) = (image, on, config) else {
                continue;
            };
            // an app name is unique on each satellite (two [[app]] may share a name on
            // different satellites, e.g. with different arguments)
            let clash = on.iter().find(|&&i| !seen.insert((i, config.name.clone())));
            if let Some(&i) = clash {
                self.ctx.error(
                    name_span,
                    format!("two apps are named {:?} on {}", config.name, sat_names[i]),
                    "app names must be unique on a satellite (set `name`)",
                );
                continue;
            }
            out.push(AppDef {
                config,
                image,
                on,
                start,
            });
        }
        out
    }

    /// The settings of an app (an `[[app]]` or an install command): `name` (default: the
    /// image's file stem), `args`, `priority`, `share`, `schedule`, `restart`,
    /// `restart_delay`, `restart_max_delay`, `cpu_watchdog`, `heartbeat_timeout`, `[limits]`.
    /// Returns the configuration and the span of its name.
    pub(super) fn app_config(
        &self,
        t: &Table<'_, '_>,
        image: Option<&Sp<String>>,
        areas: &[Area],
    ) -> Option<(AppConfig, std::ops::Range<usize>)> {
        let name = match t.str("name") {
            Some(n) => Some(n),
            None => image.map(|i| Sp::new(name_from_path(&i.value), i.span.clone())),
        }?;
        if !crate::reader::check_name(t.ctx(), &name) {
            return None;
        }
        let mut c = AppConfig::new(&name.value);
        if let Some(p) = t.int_in("priority", 0, 255) {
            c.priority = p.value as u8;
        }
        if let Some(s) = t.int_in("share", 1, 1_000_000) {
            c.share = s.value as u32;
        }
        c.args = self.args(t).unwrap_or_default();
        if let Some(s) = t.str("schedule") {
            c.schedule = self.schedule(&s, areas)?;
        }
        c.restart = self.restart(t)?;
        if let Some(d) = t.positive_duration("cpu_watchdog") {
            c.cpu_watchdog = d.value;
        }
        if let Some(d) = t.positive_duration("heartbeat_timeout") {
            c.heartbeat_timeout = Some(d.value);
        }
        if let Some(l) = t.table("limits", &format!("[limits] of app {:?}", name.value)) {
            c.limits = limits(&l);
            l.finish();
        }
        Some((c, name.span))
    }

    /// `args = ["--interval", 30]`: strings, or numbers written as given.
    fn args(&self, t: &Table<'_, '_>) -> Option<Vec<String>> {
        let v = t.raw("args")?;
        let Some(arr) = as_array(v.get_ref()) else {
            t.ctx().error(
                v.span(),
                "`args` must be an array",
                "expected an array of strings or numbers",
            );
            return None;
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(s.to_string()),
                DeValue::Integer(i) => out.push(i.to_string()),
                DeValue::Float(_) => {
                    out.push(number(item.get_ref()).map_or_else(String::new, |x| x.to_string()))
                }
                DeValue::Boolean(b) => out.push(b.to_string()),
                _ => {
                    t.ctx().error(
                        item.span(),
                        "an app argument must be a string or a number",
                        "expected a string or a number",
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn restart(&self, t: &Table<'_, '_>) -> Option<RestartPolicy> {
        let delay = t
            .positive_duration("restart_delay")
            .map_or(Unit::Second * 1, |d| d.value);
        let max = t
            .positive_duration("restart_max_delay")
            .map_or(Unit::Minute * 5, |d| d.value);
        let Some(kind) = t.str("restart") else {
            return Some(RestartPolicy::Backoff {
                initial: delay,
                max,
            });
        };
        match kind.value.as_str() {
            "never" => Some(RestartPolicy::Never),
            "always" => Some(RestartPolicy::Always { delay }),
            "backoff" => Some(RestartPolicy::Backoff {
                initial: delay,
                max,
            }),
            _ => {
                t.ctx().error(
                    kind.span.clone(),
                    format!("unknown restart policy {:?}", kind.value),
                    "expected \"never\", \"always\" or \"backoff\"",
                );
                None
            }
        }
    }

    /// A schedule expression (see [`crate::expr`]).
    fn schedule(&self, s: &Sp<String>, areas: &[Area]) -> Option<Schedule> {
        let text = &self.ctx.file.text;
        let at = |w: &std::ops::Range<usize>| map_span(text, &s.span, &s.value, w);
        let expr = match parse_schedule(&s.value) {
            Ok(e) => e,
            Err(e) => {
                self.ctx
                    .error(at(&e.span), "the schedule does not parse", e.message);
                return None;
            }
        };
        match schedule_of(&expr, areas) {
            Ok(sched) => Some(sched),
            Err((w, message, expected)) => {
                self.ctx.error(at(&w), message, expected);
                None
            }
        }
    }
}

type SchedErr = (std::ops::Range<usize>, String, String);

fn schedule_of(e: &ScheduleExpr, areas: &[Area]) -> Result<Schedule, SchedErr> {
    Ok(match e {
        ScheduleExpr::Not(x) => Schedule::Not(Box::new(schedule_of(x, areas)?)),
        ScheduleExpr::All(v) => Schedule::All(
            v.iter()
                .map(|x| schedule_of(x, areas))
                .collect::<Result<_, _>>()?,
        ),
        ScheduleExpr::Any(v) => Schedule::Any(
            v.iter()
                .map(|x| schedule_of(x, areas))
                .collect::<Result<_, _>>()?,
        ),
        ScheduleExpr::Atom { name, args } => atom(name, args, areas)?,
    })
}

fn bad(w: &Word, message: impl Into<String>, expected: impl Into<String>) -> SchedErr {
    (
        w.span.clone(),
        message.into(),
        format!("expected {}", expected.into()),
    )
}

fn atom(name: &Word, args: &[Word], areas: &[Area]) -> Result<Schedule, SchedErr> {
    let arity = |n: usize, usage: &str| {
        if args.len() == n {
            Ok(())
        } else {
            Err(bad(
                name,
                format!(
                    "{} takes {n} argument{}",
                    name.text,
                    if n == 1 { "" } else { "s" }
                ),
                usage,
            ))
        }
    };
    let num = |w: &Word, lo: f64, hi: f64, what: &str| -> Result<f64, SchedErr> {
        w.text
            .parse::<f64>()
            .ok()
            .filter(|x| (lo..=hi).contains(x))
            .ok_or_else(|| bad(w, format!("{:?} is not {what}", w.text), what))
    };
    let clock = |w: &Word| -> Result<Duration, SchedErr> {
        let parsed = w
            .text
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)));
        match parsed {
            Some((h, m)) if h <= 24 && m < 60 && (h < 24 || m == 0) => {
                Ok(Duration::from_seconds(f64::from(h * 3600 + m * 60)))
            }
            _ => Err(bad(
                w,
                format!("{:?} is not a clock time", w.text),
                "HH:MM, e.g. 06:30",
            )),
        }
    };
    let utc = |w: &Word| -> Result<Epoch, SchedErr> {
        orbit::parse_utc(&w.text).map_err(|_| {
            bad(
                w,
                format!("{:?} is not a UTC time", w.text),
                "an RFC 3339 UTC time",
            )
        })
    };
    Ok(match name.text.as_str() {
        "always" => {
            arity(0, "always")?;
            Schedule::Always
        }
        "sunlit" => {
            arity(0, "sunlit")?;
            Schedule::Sunlit
        }
        "eclipse" => {
            arity(0, "eclipse")?;
            Schedule::Eclipse
        }
        "in_contact" => {
            arity(0, "in_contact")?;
            Schedule::InContact
        }
        "over_area" => match args {
            [] => Schedule::OverArea(None),
            [a] if areas.iter().any(|x| x.name == a.text) => {
                Schedule::OverArea(Some(a.text.clone()))
            }
            [a] => {
                let names: Vec<&str> = areas.iter().map(|x| x.name.as_str()).collect();
                return Err(bad(
                    a,
                    format!("no area named {:?}", a.text),
                    format!("one of: {}", names.join(", ")),
                ));
            }
            _ => {
                return Err(bad(
                    name,
                    "over_area takes at most one area",
                    "over_area or over_area(NAME)",
                ));
            }
        },
        "battery_above" => {
            arity(1, "battery_above(LEVEL), LEVEL from 0 to 1")?;
            Schedule::BatteryAbove(num(&args[0], 0.0, 1.0, "a state of charge from 0 to 1")?)
        }
        "utc_daily" => {
            arity(2, "utc_daily(HH:MM, HH:MM)")?;
            Schedule::UtcDaily {
                start: clock(&args[0])?,
                end: clock(&args[1])?,
            }
        }
        "utc_between" => {
            arity(2, "utc_between(T1, T2)")?;
            let (a, b) = (utc(&args[0])?, utc(&args[1])?);
            if b <= a {
                return Err(bad(
                    &args[1],
                    "the window ends before it starts",
                    "T2 after T1",
                ));
            }
            Schedule::UtcBetween { start: a, end: b }
        }
        "local_solar_time" => {
            arity(2, "local_solar_time(START_H, END_H)")?;
            Schedule::LocalSolarTime {
                start_h: num(&args[0], 0.0, 24.0, "an hour from 0 to 24")?,
                end_h: num(&args[1], 0.0, 24.0, "an hour from 0 to 24")?,
            }
        }
        _ => {
            return Err(bad(
                name,
                format!("unknown schedule condition {:?}", name.text),
                "always, sunlit, eclipse, in_contact, over_area(NAME), battery_above(LEVEL), utc_daily(HH:MM, HH:MM), utc_between(T1, T2), local_solar_time(H1, H2), combined with and, or, not",
            ));
        }
    })
}

/// `[limits]` of an app: each field of the hypervisor's `AppLimits`.
fn limits(t: &Table<'_, '_>) -> AppLimits {
    let mut l = AppLimits::default();
    let set = |key: &'static str, field: &mut u64| {
        if let Some(v) = t.int_in(key, 1, i128::from(u64::MAX)) {
            *field = v.value as u64;
        }
    };
    set("memory_bytes", &mut l.memory_bytes);
    set("storage_bytes", &mut l.storage_bytes);
    set("table_elements", &mut l.table_elements);
    set("log_lines_per_s", &mut l.log_lines_per_s);
    set("log_burst_lines", &mut l.log_burst_lines);
    set("downlink_queue_bytes", &mut l.downlink_queue_bytes);
    set(
        "downlink_rate_bytes_per_s",
        &mut l.downlink_rate_bytes_per_s,
    );
    set("downlink_burst_bytes", &mut l.downlink_burst_bytes);
    set("isl_queue_bytes", &mut l.isl_queue_bytes);
    if let Some(v) = t.int_in("max_pending_messages", 1, i128::from(u32::MAX)) {
        l.max_pending_messages = v.value as u32;
    }
    l
}
