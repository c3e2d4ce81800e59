//! `junit.xml`: one test case per assertion, in the structure of Maven Surefire's report
//! schema (`surefire-test-report-3.0.xsd`), which Jenkins, GitLab and GitHub reporters read.
//! Times are `0`: a run's wall-clock time is in `host.json`, so this file is deterministic.

use std::fmt::Write as _;

use crate::assertions::Outcome;
use crate::model::Scenario;
use crate::run::RunResult;

/// XML-escapes text for an attribute or element (and drops characters XML 1.0 forbids).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// The failure message of an outcome: `VALUE (bound OP BOUND)`.
pub fn failure_message(o: &Outcome) -> String {
    format!(
        "{} = {}{}, expected {} {}",
        o.expr
            .split_once(|c| c == '<' || c == '>' || c == '=' || c == '!')
            .map_or(o.expr.as_str(), |(m, _)| m.trim()),
        crate::outputs::summary::value_text(o.value, o.unit),
        o.satellite
            .as_ref()
            .map_or(String::new(), |s| format!(" ({s})")),
        o.op_text(),
        crate::outputs::summary::value_text(o.bound, o.unit),
    )
}

/// The report.
pub fn junit_xml(s: &Scenario, r: &RunResult) -> String {
    let failures = r.outcomes.iter().filter(|o| !o.passed).count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        escape(&s.name),
        r.outcomes.len()
    );
    let _ = writeln!(x, "  <properties>");
    for (k, v) in [
        ("scenario_hash", s.hash.clone()),
        ("seed", r.seed.to_string()),
        ("skytwin_version", env!("CARGO_PKG_VERSION").to_string()),
    ] {
        let _ = writeln!(x, "    <property name=\"{k}\" value=\"{}\"/>", escape(&v));
    }
    let _ = writeln!(x, "  </properties>");
    let classname = escape(&format!("skytwin.{}", s.name));
    for o in &r.outcomes {
        let _ = write!(
            x,
            "  <testcase name=\"{}\" classname=\"{classname}\" time=\"0\"",
            escape(&o.name)
        );
        if o.passed {
            x.push_str("/>\n");
        } else {
            let msg = escape(&failure_message(o));
            let _ = write!(
                x,
                ">\n    <failure message=\"{msg}\" type=\"AssertionFailed\">{}\n{msg}</failure>\n  </testcase>\n",
                escape(&o.expr)
            );
        }
    }
    x.push_str("</testsuite>\n");
    x
}
