//! Conversion of an OMM record (JSON object or CSV row) to an [`ElementSet`], shared by the
//! JSON and CSV readers. Field names and units are CelesTrak's: angles in degrees, mean
//! motion in rev/day, `EPOCH` as ISO 8601 UTC (`2020-07-12T21:16:01.000416`, `Z` optional).
//!
//! Required: `EPOCH`, `NORAD_CAT_ID`, `MEAN_MOTION`, `ECCENTRICITY`, `INCLINATION`,
//! `RA_OF_ASC_NODE`, `ARG_OF_PERICENTER`, `MEAN_ANOMALY`, `BSTAR`. Optional (default):
//! `OBJECT_NAME`, `OBJECT_ID`, `EPHEMERIS_TYPE` (0), `CLASSIFICATION_TYPE` (U),
//! `ELEMENT_SET_NO` (0), `REV_AT_EPOCH` (0), `MEAN_MOTION_DOT` (0), `MEAN_MOTION_DDOT` (0).

use super::validate;
use super::{ElementSet, ElementsError};
use crate::time::parse_utc;
use std::f64::consts::PI;

/// A field's value as text, and the 1-based line where it is written.
#[derive(Debug, Clone)]
pub(super) struct RawField {
    pub text: String,
    pub line: usize,
}

/// Builds and range-checks an element set from a record; `get` looks a field up by name
/// (`None` when absent or null); `record_line` is where the record starts.
pub(super) fn build(
    get: &dyn Fn(&'static str) -> Option<RawField>,
    record_line: usize,
    source: &str,
) -> Result<ElementSet, ElementsError> {
    let bad = |field: &str, raw: &RawField, expected: &'static str| ElementsError::OmmField {
        file: source.to_owned(),
        line: raw.line,
        field: field.to_owned(),
        expected,
        found: format!("{:?}", raw.text),
    };
    let required = |field: &'static str| {
        get(field).ok_or(ElementsError::OmmMissingField {
            file: source.to_owned(),
            line: record_line,
            field,
        })
    };
    let number = |field: &'static str, raw: &RawField| -> Result<f64, ElementsError> {
        raw.text
            .trim()
            .parse::<f64>()
            .map_err(|_| bad(field, raw, "a number"))
    };
    let req_number = |field: &'static str| -> Result<f64, ElementsError> {
        let raw = required(field)?;
        number(field, &raw)
    };
    let opt_number = |field: &'static str| -> Result<f64, ElementsError> {
        match get(field) {
            Some(raw) => number(field, &raw),
            None => Ok(0.0),
        }
    };
    let integer = |field: &'static str, raw: &RawField| -> Result<u64, ElementsError> {
        let t = raw.text.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(field, raw, "a whole number"));
        }
        t.parse::<u64>()
            .map_err(|_| bad(field, raw, "a whole number"))
    };
    let opt_integer = |field: &'static str| -> Result<u64, ElementsError> {
        match get(field) {
            Some(raw) => integer(field, &raw),
            None => Ok(0),
        }
    };

    let epoch_raw = required("EPOCH")?;
    let epoch_text = epoch_raw.text.trim();
    let has_zone = epoch_text.ends_with(['Z', 'z'])
        || epoch_text.get(19..).is_some_and(|t| t.contains(['+', '-']));
    let epoch = if has_zone {
        parse_utc(epoch_text)
    } else {
        parse_utc(&format!("{epoch_text}Z"))
    }
    .map_err(|_| {
        bad(
            "EPOCH",
            &epoch_raw,
            "an ISO 8601 UTC time like 2020-07-12T21:16:01.000416",
        )
    })?;
    let norad_raw = required("NORAD_CAT_ID")?;
    let norad_id = integer("NORAD_CAT_ID", &norad_raw)?;
    let mean_motion = req_number("MEAN_MOTION")?;
    let eccentricity = req_number("ECCENTRICITY")?;
    let inclination = req_number("INCLINATION")?;
    let raan = req_number("RA_OF_ASC_NODE")?;
    let arg_perigee = req_number("ARG_OF_PERICENTER")?;
    let mean_anomaly = req_number("MEAN_ANOMALY")?;
    let bstar = req_number("BSTAR")?;
    let ndot = opt_number("MEAN_MOTION_DOT")?;
    let nddot = opt_number("MEAN_MOTION_DDOT")?;
    let ephemeris_type = opt_integer("EPHEMERIS_TYPE")?;
    let element_set_number = opt_integer("ELEMENT_SET_NO")?;
    let revolution_number = opt_integer("REV_AT_EPOCH")?;
    let classification = match get("CLASSIFICATION_TYPE") {
        None => 'U',
        Some(raw) => match raw.text.trim() {
            "U" | "" => 'U',
            "C" => 'C',
            "S" => 'S',
            _ => return Err(bad("CLASSIFICATION_TYPE", &raw, "U, C or S")),
        },
    };
    // names end up in CSV and OEM (KVN) outputs: one line of text
    let text_field = |field: &'static str| -> Result<Option<String>, ElementsError> {
        match get(field) {
            Some(raw) if raw.text.chars().any(char::is_control) => {
                Err(bad(field, &raw, "text without control characters"))
            }
            Some(raw) => Ok(Some(raw.text.trim().to_owned()).filter(|t| !t.is_empty())),
            None => Ok(None),
        }
    };
    let name = text_field("OBJECT_NAME")?;
    let international_designator = text_field("OBJECT_ID")?;
    let set = ElementSet {
        object_id: norad_id.to_string(),
        norad_id,
        name,
        international_designator,
        epoch,
        inclination_rad: inclination * (PI / 180.0),
        raan_rad: raan * (PI / 180.0),
        eccentricity,
        arg_perigee_rad: arg_perigee * (PI / 180.0),
        mean_anomaly_rad: mean_anomaly * (PI / 180.0),
        mean_motion_rev_day: mean_motion,
        mean_motion_dot_rev_day2: ndot,
        mean_motion_ddot_rev_day3: nddot,
        bstar_per_earth_radius: bstar,
        element_set_number,
        revolution_number,
        ephemeris_type: u8::try_from(ephemeris_type).unwrap_or(u8::MAX),
        classification,
    };
    if let Err(v) = validate::check(&set) {
        let field = v.field().omm_name();
        // an optional field that is absent took its default: point at the record
        let (line, found) = match get(field) {
            Some(raw) => (raw.line, raw.text),
            None => (record_line, "(absent)".to_owned()),
        };
        let location = format!("field {field}");
        return Err(ElementsError::from_violation(
            &v, source, line, location, &found,
        ));
    }
    Ok(set)
}
