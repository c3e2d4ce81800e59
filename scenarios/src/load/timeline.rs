//! `[[command]]` (the command timeline) and `[[fault]]` (fault injections).

use hifitime::Epoch;
use orbit::Station;
use sim_core::AttitudeMode;
use toml::de::DeValue;

use super::Loader;
use crate::model::{CommandAction, FaultDef, FaultKind, FaultTiming, TimedCommand};
use crate::reader::{Ctx, Sp, Table, as_array, parse_duration_at};

/// A time in a scenario: an RFC 3339 UTC time, or `"+DUR"` after the start (`"+90m"`).
fn time_at(ctx: &Ctx, v: &toml::Spanned<DeValue<'_>>, start: Epoch) -> Option<Sp<Epoch>> {
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        _ => {
            ctx.error(
                v.span(),
                "a time must be a string",
                "expected an RFC 3339 UTC time or \"+DURATION\" after the start",
            );
            return None;
        }
    };
    if let Some(rest) = text.strip_prefix('+') {
        let d = parse_duration_at(ctx, &Sp::new(rest.to_string(), v.span()))?;
        return Some(Sp::new(start + d.value, v.span()));
    }
    match orbit::parse_utc(&text) {
        Ok(t) => Some(Sp::new(t, v.span())),
        Err(e) => {
            ctx.push(
                ctx.diag(
                    v.span(),
                    format!("{text:?} is not a time"),
                    "expected an RFC 3339 UTC time or \"+DURATION\" after the start",
                )
                .caused_by(e),
            );
            None
        }
    }
}

/// `at` of a command or fault (one time, or with `many` an array of times).
fn times(t: &Table<'_, '_>, start: Epoch, many: bool) -> Option<Vec<Sp<Epoch>>> {
    let v = t.raw("at")?;
    match (v.get_ref(), many) {
        (DeValue::Array(_), true) => as_array(v.get_ref())?
            .iter()
            .map(|x| time_at(t.ctx(), x, start))
            .collect(),
        _ => Some(vec![time_at(t.ctx(), v, start)?]),
    }
}

fn index_of(ctx: &Ctx, name: &Sp<String>, names: &[String], what: &str) -> Option<usize> {
    let i = names.iter().position(|n| *n == name.value);
    if i.is_none() {
        ctx.error(
            name.span.clone(),
            format!("no {what} named {:?}", name.value),
            format!("expected one of: {}", names.join(", ")),
        );
    }
    i
}

impl Loader<'_> {
    /// The command timeline, sorted by time (stable).
    pub(super) fn commands(
        &mut self,
        root: &Table<'_, '_>,
        start: Epoch,
        sat_names: &[String],
        app_names: &mut Vec<String>,
    ) -> Vec<TimedCommand> {
        let mut out = Vec::new();
        for t in root.tables("command", "[[command]]") {
            let at = times(&t, start, false).and_then(|mut v| v.pop());
            if !t.has("at") {
                t.missing("at", "a UTC time or \"+DURATION\" after the start");
            }
            let sat = t
                .req_str("satellite")
                .and_then(|s| index_of(t.ctx(), &s, sat_names, "satellite"));
            let action = t.req_str("action");
            let action = action.and_then(|a| self.action(&t, &a, sat_names, app_names));
            t.finish();
            if let (Some(at), Some(satellite), Some(action)) = (at, sat, action) {
                out.push(TimedCommand {
                    at: at.value,
                    satellite,
                    action,
                });
            }
        }
        out.sort_by_key(|c| c.at);
        out
    }

    fn action(
        &mut self,
        t: &Table<'_, '_>,
        a: &Sp<String>,
        sat_names: &[String],
        app_names: &mut Vec<String>,
    ) -> Option<CommandAction> {
        let ctx = t.ctx();
        let app = |t: &Table<'_, '_>| -> Option<String> {
            let name = t.req_str("app")?;
            index_of(ctx, &name, app_names, "app").map(|_| name.value)
        };
        Some(match a.value.as_str() {
            "app_command" => {
                let app = app(t);
                let text = t.req_str("text");
                CommandAction::AppCommand {
                    app: app?,
                    data: text?.value.into_bytes(),
                }
            }
            "install" | "update" => {
                let image_path = t.req_str("image");
                let update = a.value == "update";
                let config = self.app_config(t, image_path.as_ref(), &[]);
                let image = image_path.as_ref().and_then(|p| self.image(p));
                let (config, _) = config?;
                if update && !app_names.contains(&config.name) {
                    ctx.error(
                        t.span_of("name"),
                        format!("no app named {:?} to update", config.name),
                        "`update` replaces an installed app's image (name it with `name`)",
                    );
                    return None;
                }
                if !update && !app_names.contains(&config.name) {
                    app_names.push(config.name.clone());
                }
                CommandAction::Upload {
                    image: image?,
                    config,
                    update,
                }
            }
            "start" => CommandAction::Start { app: app(t)? },
            "stop" => CommandAction::Stop { app: app(t)? },
            "remove" => CommandAction::Remove { app: app(t)? },
            "migrate" => {
                let app = app(t);
                let to = t
                    .req_str("to")
                    .and_then(|s| index_of(ctx, &s, sat_names, "satellite"));
                CommandAction::Migrate { app: app?, to: to? }
            }
            "attitude" => CommandAction::Attitude { mode: attitude(t)? },
            _ => {
                ctx.error(
                    a.span.clone(),
                    format!("unknown action {:?}", a.value),
                    "expected app_command, install, update, start, stop, remove, migrate or attitude",
                );
                return None;
            }
        })
    }

    /// The fault injections.
    pub(super) fn faults(
        &mut self,
        root: &Table<'_, '_>,
        start: Epoch,
        satellites: &[super::satellites::Declared],
        app_names: &[String],
        stations: &[Station],
    ) -> Vec<FaultDef> {
        let sat_names: Vec<String> = satellites.iter().map(|s| s.name.clone()).collect();
        let station_names: Vec<String> = stations.iter().map(|s| s.name.clone()).collect();
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in root.tables("fault", "[[fault]]").into_iter().enumerate() {
            let ctx = t.ctx();
            let kind = t.req_str("kind");
            let name = t.str("name");
            let timing = match (t.has("at"), t.has("rate_per_day")) {
                (true, false) => times(&t, start, true)
                    .map(|v| FaultTiming::At(v.into_iter().map(|x| x.value).collect())),
                (false, true) => t
                    .f64_in(
                        "rate_per_day",
                        0.0..=86_400.0,
                        "events per day from 0 to 86400",
                    )
                    .map(|r| FaultTiming::Rate { per_day: r.value }),
                (true, true) => {
                    ctx.error(
                        t.span_of("rate_per_day"),
                        format!("{} has both `at` and `rate_per_day`", t.what),
                        "give fixed times or a rate, not both",
                    );
                    None
                }
                (false, false) => {
                    t.missing("at", "a time, an array of times, or `rate_per_day`");
                    None
                }
            };
            let sat = |t: &Table<'_, '_>| {
                t.req_str("satellite")
                    .and_then(|s| index_of(ctx, &s, &sat_names, "satellite"))
            };
            let kind = kind.and_then(|k| match k.value.as_str() {
                "bit_flips" => {
                    let satellite = sat(&t);
                    let app = t.str("app").and_then(|a| index_of(ctx, &a, app_names, "app").map(|_| a.value));
                    let bits = t.int_in("bits", 1, 1 << 20).map_or(1, |b| b.value as u32);
                    Some(FaultKind::BitFlips { satellite: satellite?, app, bits })
                }
                "reboot" => Some(FaultKind::Reboot { satellite: sat(&t)? }),
                "brownout" => {
                    let satellite = sat(&t);
                    let duration = t.positive_duration("duration");
                    if !t.has("duration") {
                        t.missing("duration", "how long the power is cut, e.g. \"30s\"");
                    }
                    Some(FaultKind::BrownOut { satellite: satellite?, duration: duration?.value })
                }
                "solar_string" => {
                    let satellite = sat(&t);
                    let panel = t.req_str("panel");
                    let fraction = t.req_f64_in("fraction", 0.0..=1.0, "a fraction of the panel from 0 to 1");
                    let satellite = satellite?;
                    let panel = panel?;
                    // checked against the satellite's hardware when that is valid
                    if let Some(def) = &satellites[satellite].def {
                        let panels: Vec<String> = def.hardware.power.solar_panels.iter().map(|p| p.name.clone()).collect();
                        index_of(ctx, &panel, &panels, "solar panel")?;
                    }
                    Some(FaultKind::SolarString { satellite, panel: panel.value, fraction: fraction?.value })
                }
                "wheel_failure" => {
                    let satellite = sat(&t);
                    let wheel = t.req_str("wheel");
                    let satellite = satellite?;
                    let def = satellites[satellite].def.as_ref()?;
                    let wheels: Vec<String> = def.hardware.attitude.wheels.iter().map(|w| w.name.clone()).collect();
                    let wheel = index_of(ctx, &wheel?, &wheels, "reaction wheel")?;
                    Some(FaultKind::WheelFailure { satellite, wheel })
                }
                "station_outage" => {
                    let station = t.req_str("station").and_then(|s| index_of(ctx, &s, &station_names, "station"));
                    let duration = t.positive_duration("duration");
                    if !t.has("duration") {
                        t.missing("duration", "how long the station is out, e.g. \"2h\"");
                    }
                    Some(FaultKind::StationOutage { station: station?, duration: duration?.value })
                }
                _ => {
                    ctx.error(
                        k.span.clone(),
                        format!("unknown fault kind {:?}", k.value),
                        "expected bit_flips, reboot, brownout, solar_string, wheel_failure or station_outage",
                    );
                    None
                }
            });
            t.finish();
            let (Some(kind), Some(timing)) = (kind, timing) else {
                continue;
            };
            let name = match name {
                Some(n) => n,
                None => Sp::new(format!("{}-{}", kind.name(), i + 1), t.span.clone()),
            };
            if self.unique(&mut seen, &name, "fault") {
                out.push(FaultDef {
                    name: name.value,
                    kind,
                    timing,
                });
            }
        }
        out
    }
}

/// `mode = "nadir" | "sun" | "inertial" | "target"` with `q_body_from_eci = [w, x, y, z]`
/// (inertial) or `lat_deg`, `lon_deg`, `alt_m` (target).
fn attitude(t: &Table<'_, '_>) -> Option<AttitudeMode> {
    let mode = t.req_str("mode")?;
    match mode.value.as_str() {
        "nadir" => Some(AttitudeMode::Nadir),
        "sun" => Some(AttitudeMode::Sun),
        "target" => {
            let lat = t.req_f64_in("lat_deg", -90.0..=90.0, "degrees between -90 and 90");
            let lon = t.req_f64_in("lon_deg", -180.0..=360.0, "degrees between -180 and 360");
            let alt = t
                .f64_in("alt_m", -12_000.0..=100_000.0, "metres")
                .map_or(0.0, |x| x.value);
            Some(AttitudeMode::Target {
                lat_rad: lat?.value.to_radians(),
                lon_rad: lon?.value.to_radians(),
                alt_m: alt,
            })
        }
        "inertial" => {
            let v = t.raw("q_body_from_eci");
            let q: Option<Vec<f64>> = v.and_then(|v| as_array(v.get_ref())).and_then(|a| {
                a.iter()
                    .map(|x| crate::reader::number(x.get_ref()))
                    .collect()
            });
            let norm = q
                .as_ref()
                .map_or(0.0, |q| q.iter().map(|x| x * x).sum::<f64>().sqrt());
            match q {
                Some(q) if q.len() == 4 && norm.is_finite() && norm > 1e-9 => {
                    Some(AttitudeMode::Inertial {
                        q_body_from_eci: [q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm],
                    })
                }
                _ => {
                    t.ctx().error(
                        t.span_of("q_body_from_eci"),
                        "an inertial attitude needs `q_body_from_eci`",
                        "expected a non-zero quaternion [w, x, y, z]",
                    );
                    None
                }
            }
        }
        _ => {
            t.ctx().error(
                mode.span.clone(),
                format!("unknown attitude mode {:?}", mode.value),
                "expected nadir, sun, inertial or target",
            );
            None
        }
    }
}
