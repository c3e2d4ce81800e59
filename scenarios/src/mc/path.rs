//! Parameter paths: where in the scenario document a drawn value goes.
//!
//! A path is a TOML dotted key (`satellite.eo-1.hardware_overrides.power.battery.capacity_wh`,
//! `app.eo-imager.args.1`, `fault.cosmic-rays.rate_per_day`; a segment with spaces or dots
//! is quoted: `power.solar_panels."+y wing".cell_efficiency`). It is followed through the
//! parsed document: a table by key, an array of tables (`[[satellite]]`, `[[app]]`, …) by
//! the `name` of an element (for `[[app]]` also the image's file stem, for `[[fault]]` also
//! the default `KIND-N`) or by its index from 0, an array of values by index. Missing tables
//! on the way are created, so `hardware_overrides` need not exist in the file; the last
//! segment is set, replacing what was there.
//!
//! A drawn number is written as a float, except where the file has a string (an app
//! argument): there it is written as a string (`60`, `72.5`); a `choice` value is written as
//! it is, a number in place of a string again as a string. A dispersion with
//! `integer = true` rounds its numbers to integers first (for integer keys).

use std::fmt;

use super::distribution::Drawn;

/// A path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPath {
    /// The segments.
    pub segments: Vec<String>,
}

/// Why a path does not parse or does not lead anywhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The text is not a dotted key.
    #[error("{0}")]
    Syntax(String),
    /// A segment is not found.
    #[error("`{at}` has no {what} `{segment}`{}", if known.is_empty() { String::new() } else { format!(" (it has: {})", known.join(", ")) })]
    NotFound {
        /// The path up to the segment.
        at: String,
        /// What was looked for (`key`, `element named`).
        what: &'static str,
        /// The segment.
        segment: String,
        /// What is there.
        known: Vec<String>,
    },
    /// A value in the middle of the path is not a table or array.
    #[error("`{at}` is a value, not a table: the path cannot go on to `{segment}`")]
    NotATable {
        /// The path up to there.
        at: String,
        /// The next segment.
        segment: String,
    },
    /// The path names a table, not a value.
    #[error("`{0}` is a table or an array of tables, not a value")]
    Table(String),
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .segments
            .iter()
            .map(|s| {
                if !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    s.clone()
                } else {
                    format!("\"{s}\"")
                }
            })
            .collect();
        f.write_str(&parts.join("."))
    }
}

impl ParamPath {
    /// Parses a dotted key: bare segments (`A-Za-z0-9_-`) or double-quoted ones.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let mut segments = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        loop {
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            let seg = if i < b.len() && b[i] == b'"' {
                let Some(len) = text[i + 1..].find('"') else {
                    return Err(PathError::Syntax(format!(
                        "the quoted segment at column {} has no closing \"",
                        i + 1
                    )));
                };
                let s = text[i + 1..i + 1 + len].to_string();
                i += len + 2;
                s
            } else {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                {
                    i += 1;
                }
                if start == i {
                    return Err(PathError::Syntax(format!(
                        "expected a key at column {} (bare keys are letters, digits, _ and -; quote others)",
                        start + 1
                    )));
                }
                text[start..i].to_string()
            };
            segments.push(seg);
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i == b.len() {
                break;
            }
            if b[i] != b'.' {
                return Err(PathError::Syntax(format!(
                    "expected `.` at column {}",
                    i + 1
                )));
            }
            i += 1;
        }
        Ok(Self { segments })
    }

    /// Sets `value` at this path in `doc` (the scenario's root table).
    pub fn apply(&self, doc: &mut toml::Table, value: &Drawn) -> Result<(), PathError> {
        let (last, init) = self
            .segments
            .split_last()
            .ok_or_else(|| PathError::Syntax("the path is empty".to_string()))?;
        let mut cur = Slot::Table(doc);
        let mut at: Vec<&str> = Vec::new();
        for (k, seg) in init.iter().enumerate() {
            let array_name = if at.len() == 1 { at[0] } else { "" };
            cur = cur.descend(seg, &at, array_name, k == 0)?;
            at.push(seg);
        }
        let array_name = if at.len() == 1 { at[0] } else { "" };
        cur.set(last, &at, array_name, value)
    }
}

/// Where the path is.
enum Slot<'a> {
    Table(&'a mut toml::Table),
    Array(&'a mut Vec<toml::Value>),
}

fn joined(at: &[&str]) -> String {
    if at.is_empty() {
        "the scenario".to_string()
    } else {
        at.join(".")
    }
}

/// Whether an element of the top-level array `array` answers to `seg`: its `name`, for
/// `[[app]]` its image's file stem, for `[[fault]]` its default name `KIND-N`.
fn element_named(array: &str, i: usize, v: &toml::Value, seg: &str) -> bool {
    let Some(t) = v.as_table() else { return false };
    if let Some(n) = t.get("name").and_then(toml::Value::as_str) {
        return n == seg;
    }
    match array {
        "app" => t
            .get("image")
            .and_then(toml::Value::as_str)
            .and_then(|p| std::path::Path::new(p).file_stem())
            .is_some_and(|s| s.to_string_lossy() == seg),
        "fault" => t
            .get("kind")
            .and_then(toml::Value::as_str)
            .is_some_and(|kind| format!("{kind}-{}", i + 1) == seg),
        _ => false,
    }
}

fn element_names(array: &str, items: &[toml::Value]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let t = v.as_table();
            t.and_then(|t| t.get("name"))
                .and_then(toml::Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    let t = t?;
                    match array {
                        "app" => t
                            .get("image")
                            .and_then(toml::Value::as_str)
                            .and_then(|p| std::path::Path::new(p).file_stem())
                            .map(|s| s.to_string_lossy().into_owned()),
                        "fault" => t
                            .get("kind")
                            .and_then(toml::Value::as_str)
                            .map(|k| format!("{k}-{}", i + 1)),
                        _ => None,
                    }
                })
                .unwrap_or_else(|| i.to_string())
        })
        .collect()
}

impl<'a> Slot<'a> {
    /// The next slot: a table's key (created as a table when missing, except at the top
    /// level), an array's element by name or index.
    fn descend(
        self,
        seg: &str,
        at: &[&str],
        array_name: &str,
        top: bool,
    ) -> Result<Slot<'a>, PathError> {
        match self {
            Slot::Table(t) => {
                if !t.contains_key(seg) {
                    if top {
                        return Err(PathError::NotFound {
                            at: joined(at),
                            what: "section",
                            segment: seg.to_string(),
                            known: t.keys().cloned().collect(),
                        });
                    }
                    t.insert(seg.to_string(), toml::Value::Table(toml::Table::new()));
                }
                let v = t.get_mut(seg).ok_or_else(|| PathError::NotFound {
                    at: joined(at),
                    what: "key",
                    segment: seg.to_string(),
                    known: Vec::new(),
                })?;
                match v {
                    toml::Value::Table(t) => Ok(Slot::Table(t)),
                    toml::Value::Array(a) => Ok(Slot::Array(a)),
                    _ => Err(PathError::NotATable {
                        at: joined(&[at, &[seg]].concat()),
                        segment: String::new(),
                    }),
                }
            }
            Slot::Array(a) => {
                let k = find_element(a, seg, at, array_name)?;
                match &mut a[k] {
                    toml::Value::Table(t) => Ok(Slot::Table(t)),
                    toml::Value::Array(inner) => Ok(Slot::Array(inner)),
                    _ => Err(PathError::NotATable {
                        at: joined(&[at, &[seg]].concat()),
                        segment: String::new(),
                    }),
                }
            }
        }
    }

    /// Sets the last segment.
    fn set(self, seg: &str, at: &[&str], array_name: &str, value: &Drawn) -> Result<(), PathError> {
        let here = joined(&[at, &[seg]].concat());
        match self {
            Slot::Table(t) => {
                let old = t.get(seg);
                if matches!(old, Some(toml::Value::Table(_))) || is_table_array(old) {
                    return Err(PathError::Table(here));
                }
                let new = typed(old, value);
                t.insert(seg.to_string(), new);
                Ok(())
            }
            Slot::Array(a) => {
                let k = find_element(a, seg, at, array_name)?;
                if matches!(a[k], toml::Value::Table(_)) {
                    return Err(PathError::Table(here));
                }
                let new = typed(Some(&a[k]), value);
                a[k] = new;
                Ok(())
            }
        }
    }
}

fn is_table_array(v: Option<&toml::Value>) -> bool {
    matches!(v, Some(toml::Value::Array(a)) if a.first().is_some_and(toml::Value::is_table))
}

fn find_element(
    a: &[toml::Value],
    seg: &str,
    at: &[&str],
    array_name: &str,
) -> Result<usize, PathError> {
    if let Some(k) = a
        .iter()
        .enumerate()
        .position(|(i, v)| element_named(array_name, i, v, seg))
    {
        return Ok(k);
    }
    if let Ok(k) = seg.parse::<usize>()
        && k < a.len()
    {
        return Ok(k);
    }
    Err(PathError::NotFound {
        at: joined(at),
        what: "element",
        segment: seg.to_string(),
        known: element_names(array_name, a),
    })
}

/// The drawn value in the type of the one it replaces.
fn typed(old: Option<&toml::Value>, value: &Drawn) -> toml::Value {
    match value {
        Drawn::Value(v) => match (old, v) {
            (Some(toml::Value::String(_)), toml::Value::Integer(i)) => {
                toml::Value::String(i.to_string())
            }
            (Some(toml::Value::String(_)), toml::Value::Float(x)) => {
                toml::Value::String(number_text(*x))
            }
            _ => v.clone(),
        },
        Drawn::Number(x) => match old {
            Some(toml::Value::String(_)) => toml::Value::String(number_text(*x)),
            _ => toml::Value::Float(*x),
        },
    }
}

/// A number as an app argument: an integer without a point, else the shortest text that
/// reads back as the same f64.
fn number_text(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        r#"
start = "2018-01-20T06:00:00Z"
[[satellite]]
name = "eo-1"
epoch_offset_s = 0
[satellite.hardware_overrides]
power.battery.capacity_wh = 40.0
[[app]]
image = "../apps/eo-imager.wasm"
args = ["--interval", "60"]
[[fault]]
kind = "reboot"
satellite = "eo-1"
rate_per_day = 1
"#
        .parse()
        .unwrap()
    }

    #[test]
    fn paths_reach_named_elements_create_tables_and_keep_types() {
        let mut d = doc();
        let set = |d: &mut toml::Table, p: &str, x: f64| {
            ParamPath::parse(p)
                .unwrap()
                .apply(d, &Drawn::Number(x))
                .unwrap()
        };
        set(
            &mut d,
            "satellite.eo-1.hardware_overrides.power.battery.capacity_wh",
            38.5,
        );
        set(&mut d, "satellite.eo-1.epoch_offset_s", 120.6);
        set(&mut d, "satellite.0.mean_anomaly_offset_deg", 2.5);
        set(&mut d, "app.eo-imager.args.1", 75.0);
        set(&mut d, "fault.reboot-1.rate_per_day", 0.5);
        set(
            &mut d,
            "satellite.eo-1.hardware_overrides.power.solar_panels.\"+y wing\".cell_efficiency",
            0.27,
        );
        let sat = &d["satellite"][0];
        assert_eq!(
            sat["hardware_overrides"]["power"]["battery"]["capacity_wh"].as_float(),
            Some(38.5)
        );
        assert_eq!(sat["epoch_offset_s"].as_float(), Some(120.6));
        assert_eq!(sat["mean_anomaly_offset_deg"].as_float(), Some(2.5));
        assert_eq!(
            sat["hardware_overrides"]["power"]["solar_panels"]["+y wing"]["cell_efficiency"]
                .as_float(),
            Some(0.27)
        );
        assert_eq!(d["app"][0]["args"][1].as_str(), Some("75"));
        assert_eq!(d["fault"][0]["rate_per_day"].as_float(), Some(0.5));
    }

    #[test]
    fn wrong_paths_say_what_is_there() {
        let mut d = doc();
        let e = ParamPath::parse("satellite.eo-2.epoch_offset_s")
            .unwrap()
            .apply(&mut d, &Drawn::Number(1.0))
            .unwrap_err();
        assert!(e.to_string().contains("(it has: eo-1)"), "{e}");
        let e = ParamPath::parse("satelite.eo-1.x")
            .unwrap()
            .apply(&mut d, &Drawn::Number(1.0))
            .unwrap_err();
        assert!(e.to_string().contains("no section `satelite`"), "{e}");
        let e = ParamPath::parse("satellite.eo-1.hardware_overrides")
            .unwrap()
            .apply(&mut d, &Drawn::Number(1.0))
            .unwrap_err();
        assert!(matches!(e, PathError::Table(_)), "{e}");
        assert!(ParamPath::parse("a..b").is_err());
        assert!(ParamPath::parse("a.\"b").is_err());
        assert_eq!(
            ParamPath::parse("a.\"+y wing\".c").unwrap().to_string(),
            "a.\"+y wing\".c"
        );
    }
}
