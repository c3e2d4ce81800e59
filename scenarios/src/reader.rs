//! Typed reading of a parsed TOML document that keeps every value's span, so that every
//! problem — a wrong type, a value out of range, a missing or unknown key — becomes a
//! [`Diagnostic`] pointing at the text. Reading goes on after a problem (the accessor returns
//! `None`), so the user sees all problems of a file at once.
//!
//! Every key a reader is asked for is "known"; [`Table::finish`] reports the keys present in
//! the file that nobody asked for, with the list of known ones.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use hifitime::{Duration, Epoch};
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// A value and the byte range of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Its text in the file.
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    /// A value with its span.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Self { value, span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One file being read: its text and the diagnostics found so far.
#[derive(Debug)]
pub struct Ctx {
    /// The file.
    pub file: Arc<SourceFile>,
    diags: RefCell<Diagnostics>,
}

impl Ctx {
    /// Reading `file`.
    pub fn new(file: Arc<SourceFile>) -> Self {
        Self {
            file,
            diags: RefCell::new(Diagnostics::default()),
        }
    }

    /// Records a problem at `span`.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>, label: impl Into<String>) {
        self.push(Diagnostic::new(&self.file, span, message, label));
    }

    /// Records a diagnostic.
    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    /// A diagnostic in this file (to add notes or a cause before [`Ctx::push`]).
    pub fn diag(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(&self.file, span, message, label)
    }

    /// Number of problems so far.
    pub fn error_count(&self) -> usize {
        self.diags.borrow().len()
    }

    /// The diagnostics found.
    pub fn into_diagnostics(self) -> Diagnostics {
        self.diags.into_inner()
    }

    /// Parses the file as a TOML document; a syntax error becomes a diagnostic.
    pub fn parse(&self) -> Option<Spanned<DeTable<'_>>> {
        match DeTable::parse(&self.file.text) {
            Ok(t) => Some(t),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                self.error(span, "TOML syntax error", e.message().trim().to_string());
                None
            }
        }
    }
}

/// A TOML table being read.
#[derive(Debug)]
pub struct Table<'a, 'i> {
    ctx: &'a Ctx,
    table: &'a DeTable<'i>,
    /// The table's own span (a header or an inline table), for "missing key" errors.
    pub span: Range<usize>,
    /// What the table is, for messages: `[[station]] "Svalbard"`, `[output]`.
    pub what: String,
    known: RefCell<BTreeSet<&'static str>>,
}

/// The type name of a value, for messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A TOML number as f64 (integers too); `None` for anything else or an integer that does not
/// parse.
pub fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|x| x as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    }
}

/// A TOML integer as i128 (wide enough for any u64 and i64).
pub fn integer(v: &DeValue<'_>) -> Option<i128> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        _ => None,
    }
}

impl<'a, 'i> Table<'a, 'i> {
    /// Reads `table` (spanning `span`), described as `what` in messages.
    pub fn new(
        ctx: &'a Ctx,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        what: impl Into<String>,
    ) -> Self {
        Self {
            ctx,
            table,
            span,
            what: what.into(),
            known: RefCell::new(BTreeSet::new()),
        }
    }

    /// The file context.
    pub fn ctx(&self) -> &'a Ctx {
        self.ctx
    }

    /// The raw value of `key` (marks the key known).
    pub fn raw(&self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.known.borrow_mut().insert(key);
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present (marks it known).
    pub fn has(&self, key: &'static str) -> bool {
        self.raw(key).is_some()
    }

    /// The span of a key's value, or the table's span when absent.
    pub fn span_of(&self, key: &'static str) -> Range<usize> {
        self.raw(key).map_or(self.span.clone(), Spanned::span)
    }

    fn wrong_type(&self, key: &str, v: &Spanned<DeValue<'_>>, expected: &str) {
        self.ctx.error(
            v.span(),
            format!(
                "`{key}` in {} must be {expected}, not {}",
                self.what,
                type_name(v.get_ref())
            ),
            format!("expected {expected}"),
        );
    }

    /// Reports a missing key.
    pub fn missing(&self, key: &str, expected: &str) {
        self.ctx.error(
            self.span.clone(),
            format!("{} has no `{key}`", self.what),
            format!("add `{key} = ...` ({expected})"),
        );
    }

    /// A string.
    pub fn str(&self, key: &'static str) -> Option<Sp<String>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), v.span())),
            _ => {
                self.wrong_type(key, v, "a string");
                None
            }
        }
    }

    /// A required string.
    pub fn req_str(&self, key: &'static str) -> Option<Sp<String>> {
        if !self.has(key) {
            self.missing(key, "a string");
            return None;
        }
        self.str(key)
    }

    /// A name: a non-empty string of printable characters without `/`, `,`, `"` (names appear
    /// in CSV columns, paths and JSON).
    pub fn req_name(&self, key: &'static str) -> Option<Sp<String>> {
        let s = self.req_str(key)?;
        check_name(self.ctx, &s).then_some(s)
    }

    /// A number (integer or float), finite.
    pub fn f64(&self, key: &'static str) -> Option<Sp<f64>> {
        let v = self.raw(key)?;
        match number(v.get_ref()) {
            Some(x) if x.is_finite() => Some(Sp::new(x, v.span())),
            Some(_) => {
                self.ctx.error(
                    v.span(),
                    format!("`{key}` in {} must be finite", self.what),
                    "expected a finite number",
                );
                None
            }
            None => {
                self.wrong_type(key, v, "a number");
                None
            }
        }
    }

    /// A number within `range` (inclusive), described by `expected` when out of it.
    pub fn f64_in(
        &self,
        key: &'static str,
        range: std::ops::RangeInclusive<f64>,
        expected: &str,
    ) -> Option<Sp<f64>> {
        let x = self.f64(key)?;
        if range.contains(&x.value) {
            Some(x)
        } else {
            self.ctx.error(
                x.span.clone(),
                format!("`{key}` = {} is out of range in {}", x.value, self.what),
                format!("expected {expected}"),
            );
            None
        }
    }

    /// A required number within `range`.
    pub fn req_f64_in(
        &self,
        key: &'static str,
        range: std::ops::RangeInclusive<f64>,
        expected: &str,
    ) -> Option<Sp<f64>> {
        if !self.has(key) {
            self.missing(key, expected);
            return None;
        }
        self.f64_in(key, range, expected)
    }

    /// A positive number (> 0).
    pub fn positive(&self, key: &'static str, unit: &str) -> Option<Sp<f64>> {
        let x = self.f64(key)?;
        if x.value > 0.0 {
            Some(x)
        } else {
            self.ctx.error(
                x.span.clone(),
                format!("`{key}` must be positive in {}", self.what),
                format!("expected a number above 0 ({unit})"),
            );
            None
        }
    }

    /// An integer within `min..=max`.
    pub fn int_in(&self, key: &'static str, min: i128, max: i128) -> Option<Sp<i128>> {
        let v = self.raw(key)?;
        match integer(v.get_ref()) {
            Some(x) if (min..=max).contains(&x) => Some(Sp::new(x, v.span())),
            Some(x) => {
                self.ctx.error(
                    v.span(),
                    format!("`{key}` = {x} is out of range in {}", self.what),
                    format!("expected an integer from {min} to {max}"),
                );
                None
            }
            None => {
                self.wrong_type(key, v, "an integer");
                None
            }
        }
    }

    /// An unsigned integer (u64).
    pub fn u64(&self, key: &'static str) -> Option<Sp<u64>> {
        self.int_in(key, 0, i128::from(u64::MAX))
            .map(|x| Sp::new(x.value as u64, x.span))
    }

    /// A required integer within `min..=max`.
    pub fn req_int_in(&self, key: &'static str, min: i128, max: i128) -> Option<Sp<i128>> {
        if !self.has(key) {
            self.missing(key, &format!("an integer from {min} to {max}"));
            return None;
        }
        self.int_in(key, min, max)
    }

    /// A boolean.
    pub fn bool(&self, key: &'static str) -> Option<Sp<bool>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, v.span())),
            _ => {
                self.wrong_type(key, v, "true or false");
                None
            }
        }
    }

    /// A duration (`"90s"`, `"15m"`, `"6h"`, `"1d"`, `"0.5s"`).
    pub fn duration(&self, key: &'static str) -> Option<Sp<Duration>> {
        let s = self.str(key)?;
        parse_duration_at(self.ctx, &s)
    }

    /// A positive duration.
    pub fn positive_duration(&self, key: &'static str) -> Option<Sp<Duration>> {
        let d = self.duration(key)?;
        if d.value > Duration::ZERO {
            Some(d)
        } else {
            self.ctx.error(
                d.span.clone(),
                format!("`{key}` must be longer than zero in {}", self.what),
                "expected a positive duration such as \"1s\", \"15m\", \"1d\"",
            );
            None
        }
    }

    /// A UTC time: a TOML date-time or an RFC 3339 string (`2018-01-20T06:00:00Z`).
    pub fn time(&self, key: &'static str) -> Option<Sp<Epoch>> {
        let v = self.raw(key)?;
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => {
                self.wrong_type(key, v, "an RFC 3339 UTC time");
                return None;
            }
        };
        match orbit::parse_utc(&text) {
            Ok(t) => Some(Sp::new(t, v.span())),
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            v.span(),
                            format!("`{key}` is not a UTC time"),
                            "expected an RFC 3339 UTC time such as 2018-01-20T06:00:00Z",
                        )
                        .caused_by(e),
                );
                None
            }
        }
    }

    /// An array of strings.
    pub fn str_list(&self, key: &'static str) -> Option<Vec<Sp<String>>> {
        let v = self.raw(key)?;
        let Some(arr) = as_array(v.get_ref()) else {
            self.wrong_type(key, v, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Sp::new(s.to_string(), item.span())),
                _ => {
                    self.wrong_type(key, item, "a string");
                    return None;
                }
            }
        }
        Some(out)
    }

    /// A sub-table (`[a.b]` or an inline table).
    pub fn table(&self, key: &'static str, what: impl Into<String>) -> Option<Table<'a, 'i>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(self.ctx, t, v.span(), what)),
            _ => {
                self.wrong_type(key, v, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]`); `what` names each, e.g. `[[station]]`.
    pub fn tables(&self, key: &'static str, what: &str) -> Vec<Table<'a, 'i>> {
        let Some(v) = self.raw(key) else {
            return Vec::new();
        };
        let Some(arr) = as_array(v.get_ref()) else {
            self.wrong_type(key, v, &format!("an array of tables ({what})"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in arr.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(
                    self.ctx,
                    t,
                    item.span(),
                    format!("{what} #{}", i + 1),
                )),
                _ => self.wrong_type(key, item, "a table"),
            }
        }
        out
    }

    /// The entries of this table that are not in `known` (for free-form tables such as
    /// hardware overrides): each key with its value.
    pub fn entries(&self) -> impl Iterator<Item = (Sp<String>, &'a Spanned<DeValue<'i>>)> {
        self.table
            .iter()
            .map(|(k, v)| (Sp::new(k.get_ref().to_string(), k.span()), v))
    }

    /// Reports every key present that no accessor asked for.
    pub fn finish(&self) {
        let known = self.known.borrow();
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if !known.contains(key) {
                let mut list: Vec<&str> = known.iter().copied().collect();
                list.sort_unstable();
                self.ctx.error(
                    k.span(),
                    format!("unknown key `{key}` in {}", self.what),
                    format!("expected one of: {}", list.join(", ")),
                );
            }
        }
    }
}

/// The items of an array value.
pub fn as_array<'b, 'i>(v: &'b DeValue<'i>) -> Option<&'b DeArray<'i>> {
    match v {
        DeValue::Array(a) => Some(a),
        _ => None,
    }
}

/// Parses a duration string at its span.
pub fn parse_duration_at(ctx: &Ctx, s: &Sp<String>) -> Option<Sp<Duration>> {
    match orbit::parse_duration(&s.value) {
        Ok(d) => Some(Sp::new(d, s.span.clone())),
        Err(e) => {
            ctx.push(
                ctx.diag(
                    s.span.clone(),
                    format!("{:?} is not a duration", s.value),
                    "expected a duration such as \"90s\", \"15m\", \"6h\", \"1d\"",
                )
                .caused_by(e),
            );
            None
        }
    }
}

/// Checks a name (satellite, station, area, app, assertion): 1..=63 bytes of printable ASCII
/// without `/`, `,`, `"` or `\`.
pub fn check_name(ctx: &Ctx, s: &Sp<String>) -> bool {
    let ok = !s.value.is_empty()
        && s.value.len() <= 63
        && s.value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b',' | b'"' | b'\\') || b == b' ');
    if !ok {
        ctx.error(
            s.span.clone(),
            format!("{:?} is not a valid name", s.value),
            "expected 1 to 63 printable ASCII characters without / , \" or \\",
        );
    }
    ok
}
