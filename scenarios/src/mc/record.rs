//! One run's record: a line of `runs.jsonl`. Its fields come in a fixed order, and the line
//! ends with `"check"`, the first 16 hex digits of the SHA-256 of the line without it, so a
//! torn or altered record is recognised on resume and merge.
//!
//! ```text
//! {"index":17,"seed":…,"status":"ok","passed":true,"params":{PATH:VALUE,…},
//!  "assertions":{NAME:{"value":X,"passed":B},…},"metrics":{EXPR:X,…},
//!  "outputs_sha256":"…","envelopes":{QUANTITY:[…],…},"check":"…"}
//! ```
//!
//! An error run has `"status":"error"`, `"passed":null`, its drawn parameters and an
//! `"error"` message instead of measurements.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A JSON object whose keys keep their order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered(pub Vec<(String, Value)>);

impl Ordered {
    /// Adds a key.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.0.push((key.into(), value.into()));
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Key of the checksum field.
const CHECK_KEY: &str = ",\"check\":\"";

fn check_of(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The record's line (without the newline): `fields` serialised, then the checksum.
pub fn seal(fields: &Ordered) -> String {
    let body = serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_string());
    let check = check_of(&body);
    let open = &body[..body.len() - 1];
    format!("{open}{CHECK_KEY}{check}\"}}")
}

/// A verified record: its line and its parsed fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Run index.
    pub index: u64,
    /// The line as written (no newline).
    pub line: String,
    /// Its fields.
    pub value: Value,
}

impl Record {
    /// Verifies a line: its checksum holds and it parses with an `index`. `None` otherwise
    /// (a torn or altered record).
    pub fn verify(line: &str) -> Option<Self> {
        let pos = line.rfind(CHECK_KEY)?;
        let rest = &line[pos + CHECK_KEY.len()..];
        let check = rest.strip_suffix("\"}")?;
        let body = format!("{}}}", &line[..pos]);
        if check_of(&body) != check {
            return None;
        }
        let value: Value = serde_json::from_str(line).ok()?;
        let index = value.get("index")?.as_u64()?;
        Some(Self {
            index,
            line: line.to_string(),
            value,
        })
    }

    /// Whether the run could be simulated.
    pub fn is_error(&self) -> bool {
        self.value.get("status").and_then(Value::as_str) == Some("error")
    }

    /// Whether every assertion held (false for an error run).
    pub fn passed(&self) -> bool {
        self.value.get("passed").and_then(Value::as_bool) == Some(true)
    }

    /// The error message of an error run.
    pub fn error(&self) -> Option<&str> {
        self.value.get("error").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_line_verifies_and_any_change_or_cut_does_not() {
        let mut o = Ordered::default();
        o.push("index", 3u64);
        o.push("status", "ok");
        o.push("x", 0.1);
        let line = seal(&o);
        assert!(line.starts_with("{\"index\":3,\"status\":\"ok\",\"x\":0.1,\"check\":\""));
        let r = Record::verify(&line).unwrap();
        assert_eq!(r.index, 3);
        assert!(Record::verify(&line.replace("0.1", "0.2")).is_none());
        for cut in 1..line.len() {
            assert!(Record::verify(&line[..cut]).is_none(), "cut at {cut}");
        }
    }
}
