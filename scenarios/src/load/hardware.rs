//! `hardware = "cubesat-6u"` (a bundled template) or a path to a template file, and
//! `[satellite.hardware_overrides]`: fields of the template replaced by dotted path
//! (`power.battery.capacity_wh = 40.0`, `power.panels.+x.cell_efficiency = 0.3`; an array
//! element is addressed by its index or its `name`). The result is validated as a template
//! file is.

use std::ops::Range;

use hardware_models::HardwareError;
use hardware_models::template::HardwareTemplate;
use toml::Spanned;
use toml::de::DeValue;

use super::Loader;
use super::satellites::DEFAULT_HARDWARE;
use crate::diag::{Diagnostic, SourceFile};
use crate::reader::{Sp, Table, as_array, integer, number};

/// One override: the path, the span of its last key, the value and its span.
struct Override {
    path: Vec<String>,
    key_span: Range<usize>,
    value: toml::Value,
    value_span: Range<usize>,
}

impl Loader<'_> {
    /// The hardware of a `[[satellite]]` or `[[walker]]`.
    pub(super) fn hardware(&mut self, t: &Table<'_, '_>) -> Option<HardwareTemplate> {
        let name = t
            .str("hardware")
            .unwrap_or_else(|| Sp::new(DEFAULT_HARDWARE.to_string(), t.span.clone()));
        let overrides = t
            .table("hardware_overrides", "[hardware_overrides]")
            .map(|o| self.overrides(&o))
            .unwrap_or_default();
        let base = self.template(&name)?;
        let mut tree = match toml::Value::try_from(&base) {
            Ok(v) => v,
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            name.span.clone(),
                            "the template cannot be represented as TOML",
                            "",
                        )
                        .caused_by(e),
                );
                return None;
            }
        };
        let mut ok = true;
        for o in &overrides {
            ok &= self.apply(&mut tree, o);
        }
        if !ok {
            return None;
        }
        let template: HardwareTemplate = match tree.try_into() {
            Ok(t) => t,
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            // a whole replaced table is the likely culprit
                            overrides
                                .iter()
                                .find(|o| o.value.is_table())
                                .map_or(name.span.clone(), |o| o.value_span.clone()),
                            "the overridden template does not read back",
                            "expected the fields of the template's type here",
                        )
                        .caused_by(e),
                );
                return None;
            }
        };
        if let Err(e) = template.validate() {
            self.template_problems(&e, &name, &overrides);
            return None;
        }
        Some(template)
    }

    /// A bundled template by name, or a template file.
    fn template(&mut self, name: &Sp<String>) -> Option<HardwareTemplate> {
        if let Some(t) = HardwareTemplate::builtin(&name.value) {
            return Some(t);
        }
        let looks_like_path = name.value.ends_with(".toml") || name.value.contains('/');
        if !looks_like_path {
            self.ctx.error(
                name.span.clone(),
                format!("unknown hardware template {:?}", name.value),
                format!(
                    "expected a bundled template ({}) or the path of a template file (.toml)",
                    HardwareTemplate::builtin_names().join(", ")
                ),
            );
            return None;
        }
        let (path, text) = self.read_text(name, "the hardware template")?;
        let file = SourceFile::new(path.display().to_string(), text);
        match toml::from_str::<HardwareTemplate>(&file.text) {
            Ok(t) => Some(t),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                self.ctx.push(Diagnostic::new(
                    &file,
                    span,
                    "the hardware template does not read",
                    e.message().trim().to_string(),
                ));
                None
            }
        }
    }

    /// Flattens `[hardware_overrides]` into leaf overrides.
    fn overrides(&self, t: &Table<'_, '_>) -> Vec<Override> {
        let mut out = Vec::new();
        for (key, value) in t.entries() {
            self.flatten(vec![key.value.clone()], key.span.clone(), value, &mut out);
        }
        out
    }

    fn flatten(
        &self,
        path: Vec<String>,
        key_span: Range<usize>,
        v: &Spanned<DeValue<'_>>,
        out: &mut Vec<Override>,
    ) {
        // a table with a `type` is a whole value (a tagged choice such as an antenna pattern
        // or a rate rule), replaced as one; any other table is a path
        if let DeValue::Table(t) = v.get_ref()
            && !t.iter().any(|(k, _)| k.get_ref() == "type")
        {
            for (k, sub) in t.iter() {
                let mut p = path.clone();
                p.push(k.get_ref().to_string());
                self.flatten(p, k.span(), sub, out);
            }
            return;
        }
        match to_toml(v.get_ref()) {
            Some(value) => out.push(Override {
                path,
                key_span,
                value,
                value_span: v.span(),
            }),
            None => self.ctx.error(
                v.span(),
                format!("`{}` cannot be used as an override", path.join(".")),
                "expected a number, a string, a boolean, an array of them, or a table with a `type`",
            ),
        }
    }

    /// Applies one override to the template's tree; reports an unknown path or a type mismatch.
    fn apply(&self, tree: &mut toml::Value, o: &Override) -> bool {
        let mut cur = tree;
        for (i, seg) in o.path.iter().enumerate() {
            let here = o.path[..i].join(".");
            let next = match cur {
                toml::Value::Table(t) => {
                    let keys: Vec<String> = t.keys().cloned().collect();
                    match t.get_mut(seg) {
                        Some(v) => v,
                        None => {
                            self.unknown_path(o, &here, &keys);
                            return false;
                        }
                    }
                }
                toml::Value::Array(items) => {
                    let names: Vec<String> = items
                        .iter()
                        .enumerate()
                        .map(|(k, it)| {
                            it.get("name")
                                .and_then(toml::Value::as_str)
                                .map_or_else(|| k.to_string(), str::to_string)
                        })
                        .collect();
                    let idx = seg
                        .parse::<usize>()
                        .ok()
                        .filter(|&k| k < items.len())
                        .or_else(|| names.iter().position(|n| n == seg));
                    match idx {
                        Some(k) => &mut items[k],
                        None => {
                            self.unknown_path(o, &here, &names);
                            return false;
                        }
                    }
                }
                _ => {
                    self.unknown_path(o, &here, &[]);
                    return false;
                }
            };
            cur = next;
        }
        match coerce(cur, &o.value) {
            Some(v) => {
                *cur = v;
                true
            }
            None => {
                self.ctx.error(
                    o.value_span.clone(),
                    format!(
                        "`{}` must be {}, not {}",
                        o.path.join("."),
                        toml_type(cur),
                        toml_type(&o.value)
                    ),
                    format!("expected {}", toml_type(cur)),
                );
                false
            }
        }
    }

    fn unknown_path(&self, o: &Override, at: &str, keys: &[String]) {
        let expected = if keys.is_empty() {
            format!("`{at}` has no fields")
        } else {
            format!(
                "expected one of{}: {}",
                if at.is_empty() {
                    String::new()
                } else {
                    format!(" under `{at}`")
                },
                keys.join(", ")
            )
        };
        self.ctx.error(
            o.key_span.clone(),
            format!("the template has no field `{}`", o.path.join(".")),
            expected,
        );
    }

    /// Reports a template's validation problems, each at the override that set the field when
    /// there is one, else at the template's name.
    fn template_problems(&self, e: &HardwareError, name: &Sp<String>, overrides: &[Override]) {
        let problems: Vec<&HardwareError> = match e {
            HardwareError::InvalidTemplate { problems, .. } => problems.iter().collect(),
            other => vec![other],
        };
        for p in problems {
            let span = match p {
                HardwareError::InvalidParameter { model, field, .. } => {
                    let full = format!("{model}.{field}");
                    overrides
                        .iter()
                        .find(|o| {
                            let path = o.path.join(".");
                            path == full
                                || full.ends_with(&format!(".{path}"))
                                || path.ends_with(field.as_str())
                        })
                        .map_or(name.span.clone(), |o| o.value_span.clone())
                }
                _ => name.span.clone(),
            };
            self.ctx.error(
                span,
                format!("invalid hardware: {p}"),
                "the template (with its overrides) must pass validation",
            );
        }
    }
}

/// A TOML value of the scenario as a plain `toml::Value`.
fn to_toml(v: &DeValue<'_>) -> Option<toml::Value> {
    Some(match v {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(_) => toml::Value::Integer(i64::try_from(integer(v)?).ok()?),
        DeValue::Float(_) => toml::Value::Float(number(v)?),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Array(_) => toml::Value::Array(
            as_array(v)?
                .iter()
                .map(|x| to_toml(x.get_ref()))
                .collect::<Option<Vec<_>>>()?,
        ),
        DeValue::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(k, x)| Some((k.get_ref().to_string(), to_toml(x.get_ref())?)))
                .collect::<Option<toml::Table>>()?,
        ),
        DeValue::Datetime(_) => return None,
    })
}

fn toml_type(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// `new` in the type of `old` (an integer where a float is expected becomes a float), or
/// `None` when the types differ. Arrays are checked element-wise against the old first
/// element.
fn coerce(old: &toml::Value, new: &toml::Value) -> Option<toml::Value> {
    use toml::Value as V;
    match (old, new) {
        (V::Float(_), V::Integer(i)) => Some(V::Float(*i as f64)),
        (V::Float(_), V::Float(_))
        | (V::Integer(_), V::Integer(_))
        | (V::String(_), V::String(_))
        | (V::Boolean(_), V::Boolean(_)) => Some(new.clone()),
        // a whole tagged table: its fields are checked when the template is read back
        (V::Table(_), V::Table(_)) => Some(new.clone()),
        (V::Array(a), V::Array(b)) => {
            let Some(proto) = a.first() else {
                return Some(new.clone());
            };
            b.iter()
                .map(|x| coerce(proto, x))
                .collect::<Option<Vec<_>>>()
                .map(V::Array)
        }
        _ => None,
    }
}
