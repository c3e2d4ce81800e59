//! Every kind of bad scenario gives a diagnostic naming the file, line and column of the
//! offending text, with the text underlined and what was expected.

use crate::common::{load, with_header};

/// The single diagnostic of a scenario that must fail: (message, line, column, label,
/// rendered).
fn only_problem(text: &str) -> (String, usize, usize, String, String) {
    let err = match load(text) {
        Ok(_) => panic!("the scenario loaded:\n{text}"),
        Err(scenarios::LoadError::Invalid(inv)) => inv,
        Err(other) => panic!("not a diagnostic: {other}"),
    };
    assert_eq!(err.diagnostics.len(), 1, "{}", err.render(false));
    let d = &err.diagnostics[0];
    let (line, col) = d.line_column();
    (
        d.message.clone(),
        line,
        col,
        d.label.clone(),
        d.render(false),
    )
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

struct Case {
    what: &'static str,
    text: String,
    /// The text the caret must start at.
    at: &'static str,
    message: &'static str,
    label: &'static str,
}

fn case(
    what: &'static str,
    rest: &str,
    at: &'static str,
    message: &'static str,
    label: &'static str,
) -> Case {
    Case {
        what,
        text: with_header(rest),
        at,
        message,
        label,
    }
}

#[test]
fn regress_each_bad_input_is_reported_at_its_text() {
    let cases = vec![
        case(
            "latitude of 91",
            "[[station]]\nname = \"North\"\nlat_deg = 91.0\nlon_deg = 0\n",
            "91.0",
            "out of range",
            "between -90 and 90",
        ),
        case(
            "a station name used twice",
            "[[station]]\nname = \"A\"\nlat_deg = 1\nlon_deg = 2\n\n[[station]]\nname = \"A\"\nlat_deg = 3\nlon_deg = 4\n",
            "\"A\"\nlat_deg = 3",
            "two stations are named",
            "unique",
        ),
        case(
            "an app image that does not exist",
            "[[app]]\nimage = \"../../assets/apps/nope.wasm\"\n",
            "\"../../assets/apps/nope.wasm\"",
            "cannot read the app image",
            "relative to the scenario file",
        ),
        case(
            "an app image that is not WebAssembly",
            "[[app]]\nimage = \"../../assets/stations.csv\"\n",
            "\"../../assets/stations.csv\"",
            "not a usable app image",
            "wasm32-wasip1",
        ),
        case(
            "an unknown override path",
            "[satellite.hardware_overrides]\npower.battery.capacity_kwh = 3\n",
            "capacity_kwh",
            "the template has no field `power.battery.capacity_kwh`",
            "capacity_wh",
        ),
        case(
            "an override of the wrong type",
            "[satellite.hardware_overrides]\npower.battery.capacity_wh = \"big\"\n",
            "\"big\"",
            "must be a number",
            "expected a number",
        ),
        case(
            "an override that fails validation",
            "[satellite.hardware_overrides]\npower.battery.capacity_wh = -5\n",
            "-5",
            "invalid hardware",
            "validation",
        ),
        case(
            "an assertion on an unknown quantity",
            "[[assert]]\ncheck = \"min(battery_charge) >= 0.3\"\n",
            "battery_charge",
            "unknown telemetry quantity",
            "battery_soc",
        ),
        case(
            "an assertion that does not parse",
            "[[assert]]\ncheck = \"min(battery_soc) 0.3\"\n",
            "0.3\"",
            "does not parse",
            "comparison",
        ),
        case(
            "an unknown key",
            "[[station]]\nname = \"A\"\nlat_deg = 1\nlon_deg = 2\nelevation = 5\n",
            "elevation = 5",
            "unknown key `elevation`",
            "min_elevation_deg",
        ),
        case(
            "an unknown schedule condition",
            "[[app]]\nimage = \"../../assets/apps/beacon.wasm\"\nschedule = \"sunlit and at_night\"\n",
            "at_night",
            "unknown schedule condition",
            "sunlit",
        ),
        case(
            "a command for an unknown app",
            "[[command]]\nat = \"+1m\"\nsatellite = \"sat\"\naction = \"start\"\napp = \"ghost\"\n",
            "\"ghost\"",
            "no app named",
            "expected one of",
        ),
        case(
            "a fault on an unknown satellite",
            "[[fault]]\nkind = \"reboot\"\nsatellite = \"other\"\nat = \"+1m\"\n",
            "\"other\"",
            "no satellite named",
            "sat",
        ),
    ];
    for c in cases {
        let (message, line, col, label, rendered) = only_problem(&c.text);
        let (want_line, want_col) = position(&c.text, c.at);
        assert!(
            message.contains(c.message),
            "{}: message {message:?}\n{rendered}",
            c.what
        );
        assert!(
            label.contains(c.label),
            "{}: label {label:?}\n{rendered}",
            c.what
        );
        assert_eq!(
            (line, col),
            (want_line, want_col),
            "{}:\n{rendered}",
            c.what
        );
        assert!(
            rendered.contains(&format!("test.toml:{line}:{col}")) && rendered.contains('^'),
            "{}: the rendering names the place and underlines it:\n{rendered}",
            c.what
        );
    }
}

#[test]
fn regress_header_errors() {
    let text = "start = \"2018-01-20T06:00:00Z\"\nduration = \"0s\"\n[[satellite]]\nname = \"s\"\nelements = \"../../assets/elements/sample.tle\"\nobject = \"33591\"\n";
    let (message, line, col, _, _) = only_problem(text);
    assert!(message.contains("longer than zero"), "{message}");
    assert_eq!((line, col), position(text, "\"0s\""));

    let text = "start = \"2018-01-20T06:00:00Z\"\nduration = \"1h\"\n[[satellite]]\nname = \"s\"\nelements = \"../../assets/elements/sample.tle\"\nobject = \"99999\"\n";
    let (message, line, col, label, _) = only_problem(text);
    assert!(message.contains("object \"99999\" is not in"), "{message}");
    assert!(label.contains("33591 (NOAA 19)"), "{label}");
    assert_eq!((line, col), position(text, "\"99999\""));

    let text = "start = \"2018-01-20T06:00:00Z\"\nduration = \"1h\"\n[[satellite]]\nname = \"s\"\nelements = \"../../assets/elements/sample.tle\"\nobject = \"33591\"\nhardware = \"cubesat-9u\"\n";
    let (message, line, col, label, _) = only_problem(text);
    assert!(message.contains("unknown hardware template"), "{message}");
    assert!(label.contains("cubesat-6u"), "{label}");
    assert_eq!((line, col), position(text, "\"cubesat-9u\""));

    let text = "start = 2018-01-20T06:00:00Z\nduration = \"1h\"\nstep = \"1s\"\n[[satellite]\n";
    let (message, line, _, _, rendered) = only_problem(text);
    assert!(message.contains("TOML syntax error"), "{rendered}");
    assert_eq!(line, 4, "{rendered}");
}

#[test]
fn regress_every_problem_is_reported_at_once() {
    let text = with_header(
        "[[station]]\nname = \"A\"\nlat_deg = 95\nlon_deg = 400\n\n[[assert]]\ncheck = \"max(nope) <= 1\"\n",
    );
    let Err(scenarios::LoadError::Invalid(inv)) = load(&text) else {
        panic!("the scenario must fail")
    };
    assert_eq!(inv.diagnostics.len(), 3, "{}", inv.render(false));
    assert!(
        inv.render(false)
            .ends_with("error: the scenario has 3 problems")
    );
}

#[test]
fn regress_a_valid_scenario_with_every_section_loads() {
    let text = with_header(
        r#"[satellite.hardware_overrides]
power.battery.capacity_wh = 40
thermal.nodes.payload.heat_capacity_j_k = 1000.0

[[walker]]
name = "w"
inclination_deg = 53
altitude_km = 1200
total = 4
planes = 2
phasing = 1

[[station]]
name = "Svalbard"
lat_deg = 78.23
lon_deg = 15.41

[[area]]
name = "box"
lat_min_deg = -10
lat_max_deg = 10
lon_min_deg = 170
lon_max_deg = -170

[[app]]
image = "../../assets/apps/beacon.wasm"
on = ["sat", "w"]
schedule = "not eclipse or (in_contact and battery_above(0.4))"
restart = "always"
restart_delay = "10s"
[app.limits]
log_lines_per_s = 5

[[command]]
at = "+5m"
satellite = "w-01"
action = "attitude"
mode = "sun"

[[fault]]
kind = "station_outage"
station = "Svalbard"
at = ["+1m", "+3m"]
duration = "1m"

[[assert]]
check = "time_below(battery_soc, 0.2) <= 1m"
satellite = "w"

[output]
telemetry_interval = "30s"
oem = false
"#,
    );
    let s = load(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.satellites.len(), 5);
    assert_eq!(s.satellites[1].name, "w-00");
    assert!((s.satellites[0].hardware.power.battery.capacity_wh - 40.0).abs() < 1e-12);
    assert_eq!(s.apps[0].on, vec![0, 1, 2, 3, 4]);
    assert_eq!(s.assertions[0].satellites, vec![1, 2, 3, 4]);
    assert_eq!(
        s.output.telemetry_interval,
        Some(hifitime::Duration::from_seconds(30.0))
    );
    assert!(!s.output.oem);
    assert_eq!(s.hash.len(), 64);
}

#[test]
fn regress_a_bad_satellite_does_not_cascade_into_every_reference() {
    // the walker's hardware override is wrong; the app, command and assertion that name its
    // satellites must not add problems of their own
    let text = with_header(
        r#"[[walker]]
name = "w"
inclination_deg = 53
altitude_km = 1200
total = 3
planes = 1
phasing = 0
[walker.hardware_overrides]
radio.isl.rate.Fixed.rate_bps = 9600.0

[[app]]
image = "../../assets/apps/beacon.wasm"
on = ["w-02", "w"]

[[command]]
at = "+1m"
satellite = "w-01"
action = "stop"
app = "beacon"

[[assert]]
check = "min(battery_soc) >= 0.2"
satellite = "w-00"
"#,
    );
    let (message, line, col, label, rendered) = only_problem(&text);
    assert!(
        message.contains("radio.isl.rate.Fixed.rate_bps"),
        "{rendered}"
    );
    assert!(label.contains("rate_bps"), "{rendered}");
    assert_eq!((line, col), position(&text, "rate_bps = 9600"));
}
