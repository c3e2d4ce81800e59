//! Time: exact UTC calendar conversion, RFC 3339 parsing and formatting, durations, and time
//! specifications relative to an element set's epoch.
//!
//! All instants are [`hifitime::Epoch`] values in the UTC time scale. Calendar conversion is
//! done here with integer arithmetic on nanoseconds (no floating point), so an instant written
//! by [`format_utc`] parses back to exactly the same [`Epoch`].

use crate::constants::NANOSECONDS_PER_DAY;
use hifitime::{Duration, Epoch, TimeScale};

/// Days from 1900-01-01 (hifitime's UTC reference) to 1970-01-01.
const DAYS_1900_TO_1970: i64 = 25_567;

/// Errors from parsing times, durations and time specifications.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TimeParseError {
    /// The text was empty.
    #[error("empty time or duration")]
    Empty,
    /// The text does not follow the expected syntax.
    #[error("invalid {kind} {input:?} at character {position}: expected {expected}")]
    Syntax {
        /// What was being parsed: "time" or "duration".
        kind: &'static str,
        /// The text that was parsed.
        input: String,
        /// 1-based character position of the problem.
        position: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// A calendar or clock field is out of its range.
    #[error("invalid time {input:?}: {field} {value} is outside {range}")]
    OutOfRange {
        /// The text that was parsed.
        input: String,
        /// Which field (month, day, hour, ...).
        field: &'static str,
        /// The value found.
        value: i64,
        /// The allowed range, in words.
        range: &'static str,
    },
    /// A duration has a unit we do not know.
    #[error(
        "invalid duration {input:?}: unknown unit {unit:?} (expected ns, us, ms, s, m, min, h or d)"
    )]
    UnknownUnit {
        /// The text that was parsed.
        input: String,
        /// The unit found.
        unit: String,
    },
    /// A duration is too large to represent.
    #[error("invalid duration {input:?}: too large")]
    Overflow {
        /// The text that was parsed.
        input: String,
    },
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms", `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian date (year, month, day) of a day count since 1970-01-01
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`):
/// `z = days + 719468; era = ⌊z / 146097⌋; doe = z − era·146097;
///  yoe = (doe − doe/1460 + doe/36524 − doe/146096) / 365; doy = doe − (365·yoe + yoe/4 − yoe/100);
///  mp = (5·doy + 2)/153; d = doy − (153·mp + 2)/5 + 1; m = mp < 10 ? mp + 3 : mp − 9;
///  y = yoe + era·400 + (m ≤ 2)`. The one calendar conversion of the workspace (sim-core
/// formats its POSIX-nanosecond times with it).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a Gregorian leap year.
pub(crate) fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` of `year`.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

/// The UTC instant `days` days plus `nanoseconds_of_day` after 1970-01-01T00:00:00Z
/// (nanoseconds may exceed a day; leap seconds are not counted, as in UTC calendar time).
pub(crate) fn utc_from_days_ns(days_since_1970: i64, nanoseconds: i128) -> Epoch {
    let total = i128::from(days_since_1970 + DAYS_1900_TO_1970) * NANOSECONDS_PER_DAY + nanoseconds;
    Epoch::from_utc_duration(Duration::from_total_nanoseconds(total))
}

/// Nanoseconds of UTC calendar time since 1900-01-01T00:00:00Z (leap seconds not counted).
pub(crate) fn utc_nanoseconds_since_1900(t: Epoch) -> i128 {
    t.to_time_scale(TimeScale::UTC)
        .to_utc_duration()
        .total_nanoseconds()
}

/// J2000.0 (2000-01-01T12:00:00, JD 2451545.0) from 1900-01-01T00:00:00 of the same time scale,
/// in nanoseconds.
pub(crate) const J2000_FROM_1900_NS: i128 = 36_524 * NANOSECONDS_PER_DAY + NANOSECONDS_PER_DAY / 2;

/// TT − TAI, 32.184 s exactly (IAU 1991 Resolution A4), in nanoseconds.
const TT_MINUS_TAI_NS: i128 = 32_184_000_000;

/// TAI − UTC in nanoseconds at `utc_ns` (UTC nanoseconds since 1900): the leap seconds the
/// IERS announced, from hifitime's own table, as hifitime counts them
/// (`Epoch::leap_seconds(true)`: the newest entry whose TAI timestamp is at or before the UTC
/// seconds; 0 before 1972). The table is searched from its newest entry back, so any date
/// since 2017 takes one comparison; in integer nanoseconds, where hifitime compares seconds in
/// floating point (the two agree but within a microsecond before a leap second).
pub(crate) fn tai_minus_utc_ns(utc_ns: i128) -> i128 {
    hifitime::leap_seconds::LatestLeapSeconds::default()
        .rev()
        .filter(|leap| leap.announced_by_iers)
        .find(|leap| utc_ns >= i128::from(leap.timestamp_tai_s as i64) * 1_000_000_000)
        .map_or(0, |leap| i128::from(leap.delta_at as i64) * 1_000_000_000)
}

/// Days of TT since J2000.0 (JD 2451545.0 TT) at `t`: `JD(TT) − 2451545.0`, the argument of
/// the Sun's series. Computed in integer nanoseconds (UTC + leap seconds + 32.184 s) and
/// rounded to `f64` once, so it keeps ~10⁻¹² day where a Julian date of ~2.46×10⁶ in `f64`
/// keeps 5×10⁻¹⁰; it agrees with hifitime's `Epoch::to_jde_tt_days() − 2451545.0` to that.
pub fn tt_days_since_j2000(t: Epoch) -> f64 {
    let utc_ns = utc_nanoseconds_since_1900(t);
    let ns = utc_ns + tai_minus_utc_ns(utc_ns) + TT_MINUS_TAI_NS - J2000_FROM_1900_NS;
    nanoseconds_to_f64(ns) / NANOSECONDS_PER_DAY as f64
}

/// `ns as f64`, through `i64` when it fits (±292 years: one instruction instead of a call).
pub(crate) fn nanoseconds_to_f64(ns: i128) -> f64 {
    i64::try_from(ns).map_or_else(|_| ns as f64, |n| n as f64)
}

/// UTC calendar fields of an instant: (year, month, day, hour, minute, second, nanosecond).
pub fn utc_calendar(t: Epoch) -> (i64, u32, u32, u32, u32, u32, u32) {
    let total = utc_nanoseconds_since_1900(t);
    let days = total.div_euclid(NANOSECONDS_PER_DAY);
    let ns_of_day = total.rem_euclid(NANOSECONDS_PER_DAY) as i64;
    let (year, month, day) = civil_from_days(days as i64 - DAYS_1900_TO_1970);
    let second_of_day = ns_of_day / 1_000_000_000;
    (
        year,
        month,
        day,
        (second_of_day / 3600) as u32,
        ((second_of_day / 60) % 60) as u32,
        (second_of_day % 60) as u32,
        (ns_of_day % 1_000_000_000) as u32,
    )
}

/// The UTC instant of a calendar date and time, exactly (no floating point). Returns `None`
/// if a field is out of range (month 1–12, day within the month, hour < 24, minute < 60,
/// second < 60, nanosecond < 10⁹).
pub fn utc_from_calendar(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
) -> Option<Epoch> {
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
        || nanosecond >= 1_000_000_000
        || !(1..=9999).contains(&year)
    {
        return None;
    }
    let ns = (i128::from(hour) * 3600 + i128::from(minute) * 60 + i128::from(second))
        * 1_000_000_000
        + i128::from(nanosecond);
    Some(utc_from_days_ns(days_from_civil(year, month, day), ns))
}

/// Formats an instant as RFC 3339 UTC with a `Z`: milliseconds always, and microseconds or
/// nanoseconds when they are needed to represent the instant exactly, e.g.
/// `2024-01-01T00:00:00.000Z`, `2000-06-27T18:50:19.733571Z`. [`parse_utc`] reads it back
/// to the same instant.
pub fn format_utc(t: Epoch) -> String {
    let (year, month, day, hour, minute, second, ns) = utc_calendar(t);
    let fraction = if ns % 1_000_000 == 0 {
        format!("{:03}", ns / 1_000_000)
    } else if ns % 1_000 == 0 {
        format!("{:06}", ns / 1_000)
    } else {
        format!("{ns:09}")
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{fraction}Z")
}

/// Rounds an instant to the nearest multiple of `step` of UTC calendar time (ties away from
/// the past), e.g. to the millisecond for reporting root-found event times.
pub fn round_utc(t: Epoch, step: Duration) -> Epoch {
    let step_ns = step.total_nanoseconds();
    if step_ns <= 0 {
        return t;
    }
    let total = utc_nanoseconds_since_1900(t);
    let rounded = (total + step_ns / 2).div_euclid(step_ns) * step_ns;
    Epoch::from_utc_duration(Duration::from_total_nanoseconds(rounded))
}

/// A small cursor over ASCII text for the parsers below.
struct Cursor<'a> {
    /// "time" or "duration", for messages.
    kind: &'static str,
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(kind: &'static str, input: &'a str) -> Self {
        Self {
            kind,
            input,
            bytes: input.as_bytes(),
            pos: 0,
        }
    }

    fn syntax(&self, expected: &'static str) -> TimeParseError {
        TimeParseError::Syntax {
            kind: self.kind,
            input: self.input.to_owned(),
            position: self.input[..self.pos.min(self.input.len())].chars().count() + 1,
            expected,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Exactly `n` decimal digits.
    fn digits(&mut self, n: usize, expected: &'static str) -> Result<i64, TimeParseError> {
        let mut value = 0_i64;
        for _ in 0..n {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    value = value * 10 + i64::from(c - b'0');
                    self.pos += 1;
                }
                _ => return Err(self.syntax(expected)),
            }
        }
        Ok(value)
    }

    fn expect(&mut self, c: u8, expected: &'static str) -> Result<(), TimeParseError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(expected))
        }
    }
}

/// Parses an RFC 3339 time, e.g. `2024-03-01T12:00:00Z`, `2024-03-01T12:00:00.123456789Z` or
/// `2024-03-01T14:00:00+02:00` (an offset is converted to UTC). Fractions of a second are
/// read exactly to the nanosecond (digits beyond the ninth are rejected). A leap second
/// (`:60`) is not accepted.
pub fn parse_utc(s: &str) -> Result<Epoch, TimeParseError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(TimeParseError::Empty);
    }
    let mut c = Cursor::new("time", text);
    let year = c.digits(4, "a 4-digit year (YYYY-MM-DDTHH:MM:SSZ)")?;
    c.expect(b'-', "'-' after the year")?;
    let month = c.digits(2, "a 2-digit month")?;
    c.expect(b'-', "'-' after the month")?;
    let day = c.digits(2, "a 2-digit day")?;
    match c.peek() {
        Some(b'T' | b't' | b' ') => c.pos += 1,
        _ => return Err(c.syntax("'T' between date and time")),
    }
    let hour = c.digits(2, "a 2-digit hour")?;
    c.expect(b':', "':' after the hour")?;
    let minute = c.digits(2, "a 2-digit minute")?;
    c.expect(b':', "':' after the minute")?;
    let second = c.digits(2, "2-digit seconds")?;
    let mut nanosecond = 0_i64;
    if c.peek() == Some(b'.') {
        c.pos += 1;
        let mut n = 0;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            if n == 9 {
                return Err(c.syntax("at most 9 fraction digits (nanoseconds)"));
            }
            nanosecond = nanosecond * 10 + i64::from(d - b'0');
            n += 1;
            c.pos += 1;
        }
        if n == 0 {
            return Err(c.syntax("digits after the decimal point"));
        }
        nanosecond *= 10_i64.pow(9 - n);
    }
    let offset_minutes = match c.peek() {
        Some(b'Z' | b'z') => {
            c.pos += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let oh = c.digits(2, "a 2-digit offset hour")?;
            c.expect(b':', "':' in the offset")?;
            let om = c.digits(2, "a 2-digit offset minute")?;
            if oh > 23 || om > 59 {
                return Err(c.syntax("an offset between -23:59 and +23:59"));
            }
            let m = oh * 60 + om;
            if sign == b'-' { -m } else { m }
        }
        _ => return Err(c.syntax("'Z' (UTC) or an offset like +00:00 after the time")),
    };
    if c.pos != text.len() {
        return Err(c.syntax("end of the time"));
    }
    let range = |field: &'static str, value: i64, lo: i64, hi: i64, words: &'static str| {
        if (lo..=hi).contains(&value) {
            Ok(())
        } else {
            Err(TimeParseError::OutOfRange {
                input: text.to_owned(),
                field,
                value,
                range: words,
            })
        }
    };
    range("year", year, 1, 9999, "1..9999")?;
    range("month", month, 1, 12, "1..12")?;
    range(
        "day",
        day,
        1,
        i64::from(days_in_month(year, month as u32)),
        "the days of that month",
    )?;
    range("hour", hour, 0, 23, "0..23")?;
    range("minute", minute, 0, 59, "0..59")?;
    range(
        "second",
        second,
        0,
        59,
        "0..59 (leap seconds are not accepted)",
    )?;
    let ns_of_day = (i128::from(hour) * 3600 + i128::from(minute) * 60 + i128::from(second))
        * 1_000_000_000
        + i128::from(nanosecond)
        - i128::from(offset_minutes) * 60_000_000_000;
    Ok(utc_from_days_ns(
        days_from_civil(year, month as u32, day as u32),
        ns_of_day,
    ))
}

/// Nanoseconds in one of the duration units we accept.
fn unit_nanoseconds(unit: &str) -> Option<i128> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" | "min" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        "d" => NANOSECONDS_PER_DAY,
        _ => return None,
    })
}

/// Parses a duration such as `30s`, `15m`, `6h`, `1d`, `0.5s`, `54.2028672m` or a sum like
/// `1h30m`. Units: `ns`, `us`, `ms`, `s`, `m` (or `min`), `h`, `d`. Decimal numbers are read
/// exactly and rounded to the nearest nanosecond. A leading `-` gives a negative duration.
pub fn parse_duration(s: &str) -> Result<Duration, TimeParseError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(TimeParseError::Empty);
    }
    let mut c = Cursor::new("duration", text);
    let negative = match c.peek() {
        Some(b'-') => {
            c.pos += 1;
            true
        }
        Some(b'+') => {
            c.pos += 1;
            false
        }
        _ => false,
    };
    let mut total: i128 = 0;
    let overflow = || TimeParseError::Overflow {
        input: text.to_owned(),
    };
    loop {
        // number: digits [. digits]
        let mut mantissa: i128 = 0;
        let mut decimals: u32 = 0;
        let mut digits = 0;
        let mut seen_point = false;
        while let Some(ch) = c.peek() {
            if ch.is_ascii_digit() {
                mantissa = mantissa
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(i128::from(ch - b'0')))
                    .ok_or_else(overflow)?;
                if seen_point {
                    decimals += 1;
                }
                digits += 1;
                c.pos += 1;
            } else if ch == b'.' && !seen_point {
                seen_point = true;
                c.pos += 1;
            } else {
                break;
            }
        }
        if digits == 0 {
            return Err(c.syntax("a number followed by a unit, e.g. 30s, 15m, 6h, 1d"));
        }
        if decimals > 30 {
            return Err(overflow());
        }
        let unit_start = c.pos;
        while c
            .peek()
            .is_some_and(|ch| !ch.is_ascii_digit() && ch != b'.')
        {
            c.pos += 1;
        }
        // include multi-byte characters such as 'µ'
        while !text.is_char_boundary(c.pos) {
            c.pos += 1;
        }
        let unit = &text[unit_start..c.pos];
        if unit.is_empty() {
            return Err(c.syntax("a unit (ns, us, ms, s, m, h, d) after the number"));
        }
        let unit_ns = unit_nanoseconds(unit).ok_or_else(|| TimeParseError::UnknownUnit {
            input: text.to_owned(),
            unit: unit.to_owned(),
        })?;
        let scale = 10_i128.pow(decimals);
        let numerator = mantissa.checked_mul(unit_ns).ok_or_else(overflow)?;
        // round half away from zero to the nanosecond
        let ns = numerator.checked_add(scale / 2).ok_or_else(overflow)? / scale;
        total = total.checked_add(ns).ok_or_else(overflow)?;
        if c.pos == text.len() {
            break;
        }
    }
    // Duration holds about ±32 768 centuries; stay far inside it.
    if total > i128::from(i64::MAX) {
        return Err(overflow());
    }
    Ok(Duration::from_total_nanoseconds(if negative {
        -total
    } else {
        total
    }))
}

/// Formats a duration compactly and exactly in the units [`parse_duration`] reads, e.g.
/// `90m`, `1d`, `30s`, `0.5s`, `-1d`, `54.2028672m`.
pub fn format_duration(d: Duration) -> String {
    let ns = d.total_nanoseconds();
    if ns == 0 {
        return "0s".to_owned();
    }
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.abs();
    for (unit, unit_ns) in [
        ("d", NANOSECONDS_PER_DAY),
        ("h", 3_600_000_000_000),
        ("m", 60_000_000_000),
    ] {
        if abs % unit_ns == 0 {
            return format!("{sign}{}{unit}", abs / unit_ns);
        }
    }
    // minutes with a short exact decimal (e.g. 54.2028672m), else seconds
    for unit_ns in [60_000_000_000_i128, 1_000_000_000] {
        let whole = abs / unit_ns;
        let rest = abs % unit_ns;
        let digits = if unit_ns == 60_000_000_000 { 11 } else { 9 };
        let scale = 10_i128.pow(digits);
        if (rest * scale) % unit_ns == 0 {
            let frac = format!(
                "{:0width$}",
                rest * scale / unit_ns,
                width = digits as usize
            );
            let frac = frac.trim_end_matches('0');
            let unit = if unit_ns == 60_000_000_000 { "m" } else { "s" };
            if frac.is_empty() && unit == "s" {
                return format!("{sign}{whole}s");
            }
            if unit == "s" || (frac.len() <= 8 && !frac.is_empty()) {
                return format!("{sign}{whole}.{frac}{unit}");
            }
        }
    }
    format!("{sign}{abs}ns")
}

/// A time given either absolutely or relative to each element set's own epoch, as accepted by
/// the command line (`2024-03-01T00:00:00Z`, `epoch`, `epoch+90m`, `epoch-1d`,
/// `epoch+54.2028672m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeSpec {
    /// A fixed UTC instant.
    Absolute(Epoch),
    /// An offset from the element set's epoch.
    SinceEpoch(Duration),
}

impl TimeSpec {
    /// Parses `epoch`, `epoch±DURATION` or an RFC 3339 UTC time.
    pub fn parse(s: &str) -> Result<Self, TimeParseError> {
        let text = s.trim();
        if let Some(rest) = text.strip_prefix("epoch") {
            let rest = rest.trim_start();
            if rest.is_empty() {
                return Ok(Self::SinceEpoch(Duration::ZERO));
            }
            return match rest.as_bytes()[0] {
                b'+' | b'-' => Ok(Self::SinceEpoch(parse_duration(rest)?)),
                _ => Err(TimeParseError::Syntax {
                    kind: "time",
                    input: text.to_owned(),
                    position: 6,
                    expected: "'+' or '-' and a duration after 'epoch' (e.g. epoch+90m)",
                }),
            };
        }
        Ok(Self::Absolute(parse_utc(text)?))
    }

    /// The instant this specification denotes for an element set with epoch `element_epoch`.
    pub fn resolve(&self, element_epoch: Epoch) -> Epoch {
        match *self {
            Self::Absolute(t) => t,
            Self::SinceEpoch(offset) => element_epoch + offset,
        }
    }

    /// Whether the time depends on the element set's epoch.
    pub fn is_relative(&self) -> bool {
        matches!(self, Self::SinceEpoch(_))
    }
}

impl core::fmt::Display for TimeSpec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Self::Absolute(t) => f.write_str(&format_utc(t)),
            Self::SinceEpoch(d) if d == Duration::ZERO => f.write_str("epoch"),
            Self::SinceEpoch(d) if d.is_negative() => write!(f, "epoch{}", format_duration(d)),
            Self::SinceEpoch(d) => write!(f, "epoch+{}", format_duration(d)),
        }
    }
}

/// UTC calendar time from `from` to `to` (negative if `to` is earlier), exact to the
/// nanosecond. Leap seconds are not counted, as in SGP4 practice: across the leap second at
/// the end of 2016 this is one second less than `to - from`.
pub fn utc_calendar_elapsed(from: Epoch, to: Epoch) -> Duration {
    Duration::from_total_nanoseconds(
        utc_nanoseconds_since_1900(to) - utc_nanoseconds_since_1900(from),
    )
}

/// `a < b`. hifitime's `<` converts `b` to `a`'s time scale first (a leap-second table search
/// for UTC, ~180 instructions); two epochs in the same scale compare by their durations since
/// that scale's reference, which is the same answer without the conversion.
pub fn epoch_before(a: Epoch, b: Epoch) -> bool {
    if a.time_scale == b.time_scale {
        a.duration < b.duration
    } else {
        a < b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_j2000_is_11h58m55s816_utc() {
        // J2000.0 = 2000-01-01T12:00:00 TT = 11:58:55.816 UTC (TAI − UTC = 32 s, TT − TAI =
        // 32.184 s; the Astronomical Almanac's definition of the epoch).
        assert_eq!(
            tt_days_since_j2000(parse_utc("2000-01-01T11:58:55.816Z").unwrap()),
            0.0
        );
        // one TT day later, across no leap second
        let t = parse_utc("2000-01-02T11:58:55.816Z").unwrap();
        assert_eq!(tt_days_since_j2000(t), 1.0);
        // 2017-01-01: the 37th second of TAI − UTC; the day before, 36
        let ns = |s: &str| tai_minus_utc_ns(utc_nanoseconds_since_1900(parse_utc(s).unwrap()));
        assert_eq!(ns("2016-12-31T23:59:59Z"), 36_000_000_000);
        assert_eq!(ns("2017-01-01T00:00:00Z"), 37_000_000_000);
        assert_eq!(ns("1960-01-01T00:00:00Z"), 0);
    }

    #[test]
    fn val_hifitime_tt_days_and_leap_seconds_agree() {
        use hifitime::TimeScale;
        for s in [
            "1965-06-01T00:00:00Z",
            "1972-01-01T00:00:01Z",
            "1999-12-31T23:59:59Z",
            "2016-12-31T23:59:58.5Z",
            "2017-01-01T00:00:00.5Z",
            "2018-01-20T06:00:00Z",
            "2026-12-07T19:50:18.123456789Z",
            "2049-12-31T00:00:00Z",
        ] {
            let t = parse_utc(s).unwrap();
            let hifitime_days = t.to_jde_tt_days() - 2_451_545.0;
            // hifitime's Julian date keeps ~5e-10 day in f64
            assert!((tt_days_since_j2000(t) - hifitime_days).abs() < 1e-9, "{s}");
            let tai = t.to_time_scale(TimeScale::TAI).to_tai_duration();
            let leap_ns = (tai - t.to_utc_duration()).total_nanoseconds();
            assert_eq!(
                tai_minus_utc_ns(utc_nanoseconds_since_1900(t)),
                leap_ns,
                "{s}"
            );
        }
    }

    #[test]
    fn val_hifitime_epoch_before_agrees_within_and_across_scales() {
        use hifitime::TimeScale;
        let t = parse_utc("2016-12-31T23:59:59.5Z").unwrap();
        let steps = [-2.0, -0.5, 0.0, 1e-9, 0.5, 1.0, 1.5, 3.0];
        for &da in &steps {
            for &db in &steps {
                let a = t + Duration::from_seconds(da);
                let b = t + Duration::from_seconds(db);
                assert_eq!(epoch_before(a, b), a < b, "{a} < {b}");
                let b_tai = b.to_time_scale(TimeScale::TAI);
                assert_eq!(epoch_before(a, b_tai), a < b_tai, "{a} < {b_tai} (TAI)");
            }
        }
    }

    #[test]
    fn val_analytic_civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1900, 1, 1), -DAYS_1900_TO_1970);
        for d in (-80_000..80_000).step_by(7) {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
    }

    #[test]
    fn val_analytic_parse_and_format_round_trip() {
        let t = parse_utc("2000-06-27T18:50:19.733571Z").unwrap();
        assert_eq!(format_utc(t), "2000-06-27T18:50:19.733571Z");
        let t = parse_utc("2024-03-01T12:00:00Z").unwrap();
        assert_eq!(format_utc(t), "2024-03-01T12:00:00.000Z");
        let t = parse_utc("2024-02-29T23:59:59.123456789Z").unwrap();
        assert_eq!(format_utc(t), "2024-02-29T23:59:59.123456789Z");
        assert_eq!(parse_utc(&format_utc(t)).unwrap(), t);
    }

    #[test]
    fn val_analytic_parse_matches_hifitime_gregorian() {
        let ours = parse_utc("2017-01-01T00:00:00Z").unwrap();
        let theirs = Epoch::from_gregorian_utc_at_midnight(2017, 1, 1);
        assert_eq!((ours - theirs).total_nanoseconds(), 0);
        let ours = parse_utc("1999-12-31T23:59:59.5Z").unwrap();
        let theirs = Epoch::from_gregorian_utc(1999, 12, 31, 23, 59, 59, 500_000_000);
        assert_eq!((ours - theirs).total_nanoseconds(), 0);
    }

    #[test]
    fn val_analytic_offsets_convert_to_utc() {
        let a = parse_utc("2024-03-01T14:30:00+02:30").unwrap();
        let b = parse_utc("2024-03-01T12:00:00Z").unwrap();
        assert_eq!(a, b);
        let c = parse_utc("2024-03-01T00:00:00-01:00").unwrap();
        assert_eq!(format_utc(c), "2024-03-01T01:00:00.000Z");
    }

    #[test]
    fn regress_parse_utc_rejects_bad_input_with_position() {
        let cases = [
            ("2024-13-01T00:00:00Z", "month"),
            ("2023-02-29T00:00:00Z", "day"),
            ("2024-01-01T24:00:00Z", "hour"),
            ("2016-12-31T23:59:60Z", "second"),
        ];
        for (text, field) in cases {
            match parse_utc(text) {
                Err(TimeParseError::OutOfRange { field: f, .. }) => assert_eq!(f, field, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        match parse_utc("2024-01-01T00:00:00") {
            Err(TimeParseError::Syntax { position, .. }) => assert_eq!(position, 20),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_utc("2024-01-01"),
            Err(TimeParseError::Syntax { position: 11, .. })
        ));
        assert!(matches!(parse_utc(""), Err(TimeParseError::Empty)));
        assert!(parse_utc("2024-01-01T00:00:00.1234567891Z").is_err());
        assert!(parse_utc("2024-01-01T00:00:00Zjunk").is_err());
    }

    #[test]
    fn val_analytic_durations_are_exact() {
        let ns = |s: &str| parse_duration(s).unwrap().total_nanoseconds();
        assert_eq!(ns("30s"), 30_000_000_000);
        assert_eq!(ns("15m"), 900_000_000_000);
        assert_eq!(ns("6h"), 21_600_000_000_000);
        assert_eq!(ns("1d"), 86_400_000_000_000);
        assert_eq!(ns("0.5s"), 500_000_000);
        assert_eq!(ns("54.2028672m"), 3_252_172_032_000);
        assert_eq!(ns("1h30m"), 5_400_000_000_000);
        assert_eq!(ns("-1d"), -86_400_000_000_000);
        assert_eq!(ns("250ms"), 250_000_000);
        assert_eq!(ns("1.0000000005s"), 1_000_000_001);
        assert!(matches!(
            parse_duration("5 parsecs"),
            Err(TimeParseError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_duration("15"),
            Err(TimeParseError::Syntax { .. })
        ));
        assert!(matches!(
            parse_duration("m"),
            Err(TimeParseError::Syntax { .. })
        ));
        assert!(matches!(
            parse_duration("99999999999999999999999d"),
            Err(TimeParseError::Overflow { .. })
        ));
    }

    #[test]
    fn val_analytic_format_duration_round_trips() {
        for s in [
            "90m",
            "1d",
            "30s",
            "0.5s",
            "-1d",
            "54.2028672m",
            "6h",
            "0.000000001s",
        ] {
            let d = parse_duration(s).unwrap();
            assert_eq!(parse_duration(&format_duration(d)).unwrap(), d, "{s}");
        }
        assert_eq!(format_duration(parse_duration("90m").unwrap()), "90m");
        // whole seconds have no decimal point (regression: "1.s")
        assert_eq!(format_duration(parse_duration("1s").unwrap()), "1s");
        assert_eq!(format_duration(parse_duration("61s").unwrap()), "61s");
        assert_eq!(
            format_duration(parse_duration("54.2028672m").unwrap()),
            "54.2028672m"
        );
    }

    #[test]
    fn val_analytic_time_specs() {
        let epoch = parse_utc("2024-03-01T00:00:00Z").unwrap();
        let r = |s: &str| format_utc(TimeSpec::parse(s).unwrap().resolve(epoch));
        assert_eq!(r("epoch"), "2024-03-01T00:00:00.000Z");
        assert_eq!(r("epoch+90m"), "2024-03-01T01:30:00.000Z");
        assert_eq!(r("epoch-1d"), "2024-02-29T00:00:00.000Z");
        assert_eq!(r("epoch+54.2028672m"), "2024-03-01T00:54:12.172032Z");
        assert_eq!(r("2024-01-01T00:00:00Z"), "2024-01-01T00:00:00.000Z");
        assert!(TimeSpec::parse("epoch*2").is_err());
        assert!(TimeSpec::parse("epoch+").is_err());
        assert_eq!(
            TimeSpec::parse("epoch+90m").unwrap().to_string(),
            "epoch+90m"
        );
    }

    #[test]
    fn val_analytic_utc_calendar_elapsed_ignores_leap_seconds() {
        // 2016-12-31 had a leap second; UTC calendar time does not count it (SGP4 practice).
        let a = parse_utc("2016-12-31T23:00:00Z").unwrap();
        let b = parse_utc("2017-01-01T01:00:00Z").unwrap();
        assert_eq!(
            utc_calendar_elapsed(a, b),
            Duration::from_total_nanoseconds(7_200_000_000_000)
        );
        let tai = |t: Epoch| t.to_time_scale(TimeScale::TAI);
        assert_eq!(
            (tai(b) - tai(a)).total_nanoseconds() - utc_calendar_elapsed(a, b).total_nanoseconds(),
            1_000_000_000
        );
        assert_eq!(utc_calendar_elapsed(b, a), -utc_calendar_elapsed(a, b));
    }

    #[test]
    fn regress_duration_syntax_errors_say_duration() {
        let e = parse_duration("0").unwrap_err().to_string();
        assert!(e.starts_with("invalid duration \"0\""), "{e}");
        let e = parse_utc("yesterday").unwrap_err().to_string();
        assert!(e.starts_with("invalid time \"yesterday\""), "{e}");
        let e = TimeSpec::parse("epoch*2").unwrap_err().to_string();
        assert!(e.starts_with("invalid time"), "{e}");
    }

    #[test]
    fn regress_huge_mantissa_with_decimals_is_an_error_not_an_overflow() {
        // mantissa × unit fits in i128 but adding half the decimal scale does not
        for text in [
            "170141183460469231731687303715884105.727ns",
            "-170141183460469231731687303715884105.727ns",
        ] {
            let e = parse_duration(text).unwrap_err().to_string();
            assert!(e.starts_with("invalid duration"), "{text}: {e}");
        }
    }

    #[test]
    fn val_analytic_round_to_millisecond() {
        let t = parse_utc("2024-03-01T00:00:00.0004999Z").unwrap();
        assert_eq!(
            format_utc(round_utc(t, Duration::from_total_nanoseconds(1_000_000))),
            "2024-03-01T00:00:00.000Z"
        );
        let t = parse_utc("2024-03-01T00:00:59.9995Z").unwrap();
        assert_eq!(
            format_utc(round_utc(t, Duration::from_total_nanoseconds(1_000_000))),
            "2024-03-01T00:01:00.000Z"
        );
    }
}
