//! CelesTrak OMM JSON: an array of flat objects with OMM field names (values may be numbers
//! or strings), or one such object. See `omm.rs` for the fields.

use super::omm::{RawField, build};
use super::{ElementSet, ElementsError};
use crate::time::format_utc;
use serde_json::Value;

/// Byte offsets of the text's newlines, to turn offsets into lines without rescanning the
/// text from its start for every record and field.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        Self(
            text.bytes()
                .enumerate()
                .filter_map(|(i, b)| (b == b'\n').then_some(i))
                .collect(),
        )
    }

    /// 1-based line of a byte offset (one more than the newlines before it).
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&p| p < offset) + 1
    }
}

/// Byte ranges of the objects at the top level of a JSON array (or of the single top-level
/// object), found by a scanner that skips strings. The text is known to be valid JSON.
fn record_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0_usize, false, false);
    let top_is_array = text.trim_start().starts_with('[');
    let record_depth = if top_is_array { 1 } else { 0 };
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if b == b'{' && depth == record_depth {
                    start = i;
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if b == b'}' && depth == record_depth {
                    spans.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    spans
}

/// The 1-based line of `"FIELD":` inside a record's text, or the record's first line.
fn field_line(text: &str, lines: &LineIndex, span: (usize, usize), field: &str) -> usize {
    let record = &text[span.0..span.1];
    let key = format!("\"{field}\"");
    let mut from = 0;
    while let Some(pos) = record[from..].find(&key) {
        let after = from + pos + key.len();
        if record[after..].trim_start().starts_with(':') {
            return lines.line_of(span.0 + from + pos);
        }
        from = after;
    }
    lines.line_of(span.0)
}

/// A JSON syntax error with a 1-based position. serde_json gives column 0 at the start of a
/// line, which is where a truncated file ends: an unexpected end of the text is reported
/// just after its last character instead, with "(the file ends early)".
fn syntax_error(text: &str, source: &str, e: &serde_json::Error) -> ElementsError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    let (line, column, message) = if e.is_eof() {
        let content = text.trim_end();
        let line = content.matches('\n').count() + 1;
        let last = content.rsplit('\n').next().unwrap_or("");
        let column = last.trim_end_matches('\r').chars().count() + 1;
        (line, column, format!("{message} (the file ends early)"))
    } else {
        (e.line(), e.column().max(1), message)
    };
    ElementsError::Json {
        file: source.to_owned(),
        line,
        column,
        message,
    }
}

/// Parses OMM JSON text.
pub(crate) fn parse(text: &str, source: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, source, &e))?;
    let records: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&value],
        _ => {
            return Err(ElementsError::Json {
                file: source.to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "the top level is {} (expected an array of OMM objects)",
                    kind_of(&value)
                ),
            });
        }
    };
    let spans = record_spans(text);
    let lines = LineIndex::new(text);
    let mut sets = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let span = spans.get(index).copied().unwrap_or((0, 0));
        let record_line = lines.line_of(span.0);
        let Value::Object(map) = record else {
            return Err(ElementsError::Json {
                file: source.to_owned(),
                line: record_line,
                column: 1,
                message: format!(
                    "element {} of the array is not an object (expected one OMM object per element set)",
                    index + 1
                ),
            });
        };
        let get = |field: &'static str| -> Option<RawField> {
            let text_value = match map.get(field)? {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                other => other.to_string(),
            };
            Some(RawField {
                text: text_value,
                line: field_line(text, &lines, span, field),
            })
        };
        sets.push(build(&get, record_line, source)?);
    }
    Ok(sets)
}

/// What kind of JSON value this is, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Rounds to 13 significant digits, removing the last-bit noise of a degree ↔ radian round
/// trip (51.6461° stays 51.6461, not 51.646100000000004).
fn tidy(x: f64) -> f64 {
    format!("{x:.12e}").parse().unwrap_or(x)
}

/// OMM `EPOCH` text: RFC 3339 without the `Z`, as CelesTrak writes it.
fn epoch_text(set: &ElementSet) -> String {
    let mut t = format_utc(set.epoch);
    t.pop();
    t
}

/// The fields of a set in CelesTrak's order.
fn fields(set: &ElementSet) -> Vec<(&'static str, Value)> {
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    vec![
        (
            "OBJECT_NAME",
            set.name.clone().map_or(Value::Null, Value::String),
        ),
        (
            "OBJECT_ID",
            set.international_designator
                .clone()
                .map_or(Value::Null, Value::String),
        ),
        ("EPOCH", Value::String(epoch_text(set))),
        ("MEAN_MOTION", num(set.mean_motion_rev_day)),
        ("ECCENTRICITY", num(set.eccentricity)),
        ("INCLINATION", num(tidy(set.inclination_rad.to_degrees()))),
        ("RA_OF_ASC_NODE", num(tidy(set.raan_rad.to_degrees()))),
        (
            "ARG_OF_PERICENTER",
            num(tidy(set.arg_perigee_rad.to_degrees())),
        ),
        ("MEAN_ANOMALY", num(tidy(set.mean_anomaly_rad.to_degrees()))),
        ("EPHEMERIS_TYPE", Value::from(set.ephemeris_type)),
        (
            "CLASSIFICATION_TYPE",
            Value::String(set.classification.to_string()),
        ),
        ("NORAD_CAT_ID", Value::from(set.norad_id)),
        ("ELEMENT_SET_NO", Value::from(set.element_set_number)),
        ("REV_AT_EPOCH", Value::from(set.revolution_number)),
        ("BSTAR", num(set.bstar_per_earth_radius)),
        ("MEAN_MOTION_DOT", num(set.mean_motion_dot_rev_day2)),
        ("MEAN_MOTION_DDOT", num(set.mean_motion_ddot_rev_day3)),
    ]
}

/// An element set as an OMM JSON object.
pub(crate) fn to_value(set: &ElementSet) -> Value {
    Value::Object(
        fields(set)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Element sets as an OMM JSON array in CelesTrak's field order.
pub(crate) fn write(sets: &[ElementSet]) -> String {
    let mut out = String::from("[");
    for (i, set) in sets.iter().enumerate() {
        out.push_str(if i == 0 { "\n  {" } else { ",\n  {" });
        for (j, (key, value)) in fields(set).into_iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            out.push_str(&format!("{sep}\n    \"{key}\": {value}"));
        }
        out.push_str("\n  }");
    }
    out.push_str("\n]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = r#"[{
        "OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A",
        "EPOCH": "2020-07-12T21:16:01.000416",
        "MEAN_MOTION": 15.49507896, "ECCENTRICITY": 0.0001413, "INCLINATION": 51.6461,
        "RA_OF_ASC_NODE": 221.2784, "ARG_OF_PERICENTER": 89.1723, "MEAN_ANOMALY": 280.4612,
        "EPHEMERIS_TYPE": 0, "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 25544,
        "ELEMENT_SET_NO": 999, "REV_AT_EPOCH": 23600, "BSTAR": -3.1515e-5,
        "MEAN_MOTION_DOT": -2.218e-5, "MEAN_MOTION_DDOT": 0
    }]"#;

    #[test]
    fn val_analytic_reads_celestrak_fields() {
        let sets = parse(ISS, "iss.json").unwrap();
        let s = &sets[0];
        assert_eq!(s.object_id, "25544");
        assert_eq!(s.name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(format_utc(s.epoch), "2020-07-12T21:16:01.000416Z");
        assert_eq!(s.mean_motion_rev_day, 15.49507896);
        assert_eq!(s.bstar_per_earth_radius, -3.1515e-5);
    }

    #[test]
    fn val_analytic_strings_and_numbers_are_equivalent() {
        let as_strings = ISS
            .replace("15.49507896", "\"15.49507896\"")
            .replace("25544", "\"25544\"");
        assert_eq!(parse(&as_strings, "a").unwrap(), parse(ISS, "b").unwrap());
    }

    #[test]
    fn val_analytic_write_and_read_back() {
        let sets = parse(ISS, "iss.json").unwrap();
        let text = write(&sets);
        assert_eq!(parse(&text, "again").unwrap(), sets);
        assert!(text.contains("\"INCLINATION\": 51.6461,"));
        assert_eq!(to_value(&sets[0])["NORAD_CAT_ID"], Value::from(25544));
    }

    #[test]
    fn regress_field_lines_point_at_the_field() {
        let text = write(&parse(ISS, "iss.json").unwrap());
        let bad = text.replace("\"MEAN_MOTION\": 15.49507896", "\"MEAN_MOTION\": -1");
        let expected_line = bad
            .lines()
            .position(|l| l.contains("\"MEAN_MOTION\""))
            .unwrap()
            + 1;
        match parse(&bad, "bad.json") {
            Err(ElementsError::OutOfRange { line, location, .. }) => {
                assert_eq!(line, expected_line);
                assert_eq!(location, "field MEAN_MOTION");
            }
            other => panic!("{other:?}"),
        }
    }
}
