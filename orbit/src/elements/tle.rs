//! Two-line and three-line element sets.
//!
//! Format: CelesTrak, "NORAD Two-Line Element Set Format" (T.S. Kelso), and Vallado et al.
//! "Revisiting Spacetrack Report #3" (AIAA 2006-6753), appendix. Columns below are 1-based.
//!
//! Reading rules: lines end with LF or CRLF; trailing spaces and tabs are ignored; blank lines
//! and lines starting with `#` (Vallado's comments) are skipped; a name line (3LE line 0, an
//! optional `0 ` prefix is removed) may precede line 1. Each element line must be pure ASCII,
//! exactly 69 columns, carry a valid checksum (column 69: the sum of the digits of columns
//! 1–68, with `-` counting 1, modulo 10), have spaces at the separator columns, and both lines
//! must carry the same catalogue number (5 digits or Alpha-5: a letter A–Z without I and O
//! standing for 10–33, followed by 4 digits, up to 339 999).
//!
//! The epoch (columns 19–32, `YYDDD.DDDDDDDD`, years 57–99 → 19xx, 00–56 → 20xx) is
//! converted exactly: 10⁻⁸ day is 864 000 ns, so the day fraction becomes an integer number
//! of nanoseconds with no floating-point rounding.

use super::validate::{self, Field};
use super::{ElementSet, ElementsError};
use crate::time::{days_from_civil, round_utc, utc_calendar, utc_from_days_ns};
use hifitime::Duration;
use std::f64::consts::PI;

/// A significant line of the file: 1-based number and text without CR/trailing blanks.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

/// Whether a line looks like TLE line `digit` ('1' or '2'): it starts with the digit and
/// either the second character is blank-like (space, no-break space, tab) or the line has
/// the length of an element line.
fn looks_like(line: &Line<'_>, digit: char) -> bool {
    let mut chars = line.text.chars();
    chars.next() == Some(digit)
        && (chars.next().is_some_and(char::is_whitespace) || line.text.chars().count() >= 60)
}

/// Parses TLE/3LE text.
pub(crate) fn parse(text: &str, source: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let lines: Vec<Line<'_>> = text
        .split('\n')
        .enumerate()
        .map(|(i, raw)| Line {
            number: i + 1,
            text: raw.trim_end_matches(['\r', ' ', '\t']),
        })
        .filter(|l| !l.text.trim().is_empty() && !l.text.starts_with('#'))
        .collect();
    let structure =
        |line: &Line<'_>, expected: &'static str, found: String| ElementsError::Structure {
            file: source.to_owned(),
            line: line.number,
            expected,
            found,
        };
    let describe = |line: Option<&Line<'_>>| match line {
        None => "end of file".to_owned(),
        Some(l) => format!("line {:?}", l.text.chars().take(24).collect::<String>()),
    };
    let mut sets = Vec::new();
    let mut name: Option<(String, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let next = lines.get(i + 1);
        if looks_like(line, '1') && next.is_some_and(|n| looks_like(n, '2')) {
            let pending = name.take().map(|(n, _)| n);
            sets.push(parse_pair(pending, line, &lines[i + 1], source)?);
            i += 2;
            continue;
        }
        if let Some((_, name_line)) = &name
            && !looks_like(line, '1')
        {
            // a name line must be followed by line 1
            let name_line = lines
                .iter()
                .find(|l| l.number == *name_line)
                .copied()
                .unwrap_or(*line);
            return Err(structure(
                &name_line,
                "TLE line 1 (starting with '1 ') after the name line",
                describe(Some(line)),
            ));
        }
        if looks_like(line, '1')
            && !(line.text.chars().count() < 60 && next.is_some_and(|n| looks_like(n, '1')))
        {
            return Err(structure(
                line,
                "TLE line 2 (starting with '2 ') after line 1",
                describe(next),
            ));
        }
        if looks_like(line, '2') {
            return Err(structure(
                line,
                "TLE line 1 (starting with '1 ') before line 2",
                "line 2 without a preceding line 1".to_owned(),
            ));
        }
        // a name line (3LE line 0)
        let text = line.text.trim();
        let text = text.strip_prefix("0 ").unwrap_or(text).trim();
        name = Some((text.to_owned(), line.number));
        if next.is_none() {
            return Err(structure(
                line,
                "TLE line 1 (starting with '1 ') after the name line",
                describe(None),
            ));
        }
        i += 1;
    }
    Ok(sets)
}

/// Context for field errors of one element line.
struct LineCtx<'a> {
    source: &'a str,
    line: Line<'a>,
}

impl LineCtx<'_> {
    /// Columns `start..=end` (1-based) of the line.
    fn cols(&self, start: usize, end: usize) -> &str {
        &self.line.text[start - 1..end]
    }

    fn err(
        &self,
        start: usize,
        end: usize,
        field: &'static str,
        expected: &'static str,
    ) -> ElementsError {
        ElementsError::TleField {
            file: self.source.to_owned(),
            line: self.line.number,
            start,
            end,
            field,
            expected,
            found: self.cols(start, end).to_owned(),
        }
    }

    /// A decimal number in columns `start..=end` (digits, '.', sign and spaces only).
    fn number(
        &self,
        start: usize,
        end: usize,
        field: &'static str,
        expected: &'static str,
    ) -> Result<f64, ElementsError> {
        let text = self.cols(start, end).trim();
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-'));
        if text.is_empty() || !ok_chars {
            return Err(self.err(start, end, field, expected));
        }
        text.parse::<f64>()
            .map_err(|_| self.err(start, end, field, expected))
    }

    /// An unsigned integer in columns `start..=end`; blank gives 0.
    fn integer_or_blank(
        &self,
        start: usize,
        end: usize,
        field: &'static str,
    ) -> Result<u64, ElementsError> {
        let text = self.cols(start, end).trim();
        if text.is_empty() {
            return Ok(0);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(start, end, field, "digits or blanks"));
        }
        text.parse()
            .map_err(|_| self.err(start, end, field, "digits or blanks"))
    }

    /// A number with an assumed leading decimal point and an exponent, 8 columns
    /// (`±MMMMM±E`, value ±0.MMMMM × 10^±E), e.g. ` 28098-4` = 2.8098×10⁻⁵.
    fn exponential(&self, start: usize, field: &'static str) -> Result<f64, ElementsError> {
        let end = start + 7;
        const EXPECTED: &str = "an assumed-decimal number with exponent like ' 12345-4'";
        let bad = || self.err(start, end, field, EXPECTED);
        let text = self.cols(start, end).trim();
        let bytes = text.as_bytes();
        if bytes.len() < 3 {
            return Err(bad());
        }
        let (exp_sign, exp_digit) = (bytes[bytes.len() - 2], bytes[bytes.len() - 1]);
        let mantissa = &text[..text.len() - 2];
        let (sign, digits) = match mantissa.as_bytes().first() {
            Some(b'-') => (-1.0, &mantissa[1..]),
            Some(b'+') => (1.0, &mantissa[1..]),
            _ => (1.0, mantissa),
        };
        if digits.is_empty()
            || digits.len() > 5
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !exp_digit.is_ascii_digit()
        {
            return Err(bad());
        }
        let exponent = i32::from(exp_digit - b'0');
        let exponent = match exp_sign {
            b'-' => -exponent,
            b'+' | b' ' | b'0' => exponent,
            _ => return Err(bad()),
        };
        // ±0.MMMMM × 10^E (the digits are the leading decimals), 10^E rounded to a double as
        // Vallado's `pow(10.0, ibexp)` gives it (a table, not `powi`, so no library call)
        const POWERS_OF_TEN: [f64; 19] = [
            1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
            1e6, 1e7, 1e8, 1e9,
        ];
        let mantissa_value: f64 = format!("0.{digits}").parse().map_err(|_| bad())?;
        Ok(sign * mantissa_value * POWERS_OF_TEN[(exponent + 9) as usize])
    }
}

/// The checksum of a TLE line: sum of the digits of columns 1–68, '-' counting 1, mod 10.
pub fn checksum(line: &str) -> u8 {
    let sum: u32 = line
        .bytes()
        .take(68)
        .map(|b| match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'-' => 1,
            _ => 0,
        })
        .sum();
    (sum % 10) as u8
}

/// Decodes a catalogue number: 5 digits (leading blanks allowed) or Alpha-5.
pub fn decode_catalogue_number(text: &str) -> Option<u64> {
    let t = text.trim_start();
    let bytes = t.as_bytes();
    if bytes.is_empty() || bytes.len() > 5 {
        return None;
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        return t.parse().ok();
    }
    if bytes.len() != 5 || !bytes[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Alpha-5: A=10 … H=17, J=18 … N=22, P=23 … Z=33 (I and O are not used)
    let lead = match bytes[0] {
        c @ b'A'..=b'H' => c - b'A' + 10,
        c @ b'J'..=b'N' => c - b'J' + 18,
        c @ b'P'..=b'Z' => c - b'P' + 23,
        _ => return None,
    };
    Some(u64::from(lead) * 10_000 + t[1..].parse::<u64>().ok()?)
}

/// Encodes a catalogue number in 5 columns: digits up to 99 999, Alpha-5 up to 339 999.
pub fn encode_catalogue_number(number: u64) -> Option<String> {
    if number <= 99_999 {
        return Some(format!("{number:05}"));
    }
    if number > 339_999 {
        return None;
    }
    let lead = (number / 10_000) as u8;
    let letter = match lead {
        10..=17 => b'A' + (lead - 10),
        18..=22 => b'J' + (lead - 18),
        _ => b'P' + (lead - 23),
    };
    Some(format!("{}{:04}", letter as char, number % 10_000))
}

/// Parses one element set from its two lines (and optional name).
fn parse_pair(
    name: Option<String>,
    l1: &Line<'_>,
    l2: &Line<'_>,
    source: &str,
) -> Result<ElementSet, ElementsError> {
    for (line, tle_line) in [(l1, 1_u8), (l2, 2_u8)] {
        if let Some((column, c)) = line.text.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return Err(ElementsError::NonAscii {
                file: source.to_owned(),
                line: line.number,
                column: column + 1,
                code: u32::from(c),
            });
        }
        if line.text.len() != 69 {
            return Err(ElementsError::LineLength {
                file: source.to_owned(),
                line: line.number,
                tle_line,
                length: line.text.len(),
            });
        }
    }
    for line in [l1, l2] {
        let expected = checksum(line.text);
        let found = line.text.as_bytes()[68] as char;
        if found.to_digit(10) != Some(u32::from(expected)) {
            return Err(ElementsError::Checksum {
                file: source.to_owned(),
                line: line.number,
                expected,
                found,
            });
        }
    }
    let a = LineCtx { source, line: *l1 };
    let b = LineCtx { source, line: *l2 };
    for (ctx, separators) in [
        (&a, &[2_usize, 9, 18, 33, 44, 53, 62, 64][..]),
        (&b, &[2_usize, 8, 17, 26, 34, 43, 52][..]),
    ] {
        for &col in separators {
            if ctx.cols(col, col) != " " {
                return Err(ctx.err(col, col, "separator", "a space"));
            }
        }
    }
    let norad_id = decode_catalogue_number(a.cols(3, 7)).ok_or_else(|| {
        a.err(
            3,
            7,
            "catalogue number",
            "5 digits or Alpha-5 (letter + 4 digits)",
        )
    })?;
    let norad_2 = decode_catalogue_number(b.cols(3, 7)).ok_or_else(|| {
        b.err(
            3,
            7,
            "catalogue number",
            "5 digits or Alpha-5 (letter + 4 digits)",
        )
    })?;
    if norad_id != norad_2 {
        return Err(ElementsError::CatalogueMismatch {
            file: source.to_owned(),
            line: l2.number,
            line1: a.cols(3, 7).to_owned(),
            line2: b.cols(3, 7).to_owned(),
        });
    }
    let classification = match a.cols(8, 8) {
        "U" | " " => 'U',
        "C" => 'C',
        "S" => 'S',
        _ => return Err(a.err(8, 8, "classification", "U, C or S")),
    };
    let international_designator = parse_designator(a.cols(10, 17));
    let epoch = parse_epoch(&a)?;
    let mean_motion_dot = a.number(
        34,
        43,
        "mean motion derivative",
        "a decimal number like ' .00001234'",
    )?;
    let mean_motion_ddot = a.exponential(45, "mean motion second derivative")?;
    let bstar = a.exponential(54, "B*")?;
    let ephemeris_type = match a.cols(63, 63) {
        " " => 0,
        d if d.as_bytes()[0].is_ascii_digit() => d.as_bytes()[0] - b'0',
        _ => return Err(a.err(63, 63, "ephemeris type", "a digit or blank")),
    };
    let element_set_number = a.integer_or_blank(65, 68, "element set number")?;
    let deg =
        |ctx: &LineCtx<'_>, s, e, field| ctx.number(s, e, field, "a decimal number of degrees");
    let inclination = deg(&b, 9, 16, "inclination")?;
    let raan = deg(&b, 18, 25, "right ascension of the ascending node")?;
    let ecc_text = b.cols(27, 33);
    if !ecc_text.bytes().all(|c| c.is_ascii_digit()) {
        return Err(b.err(
            27,
            33,
            "eccentricity",
            "7 digits (assumed leading decimal point)",
        ));
    }
    let eccentricity: f64 = format!("0.{ecc_text}")
        .parse()
        .map_err(|_| b.err(27, 33, "eccentricity", "7 digits"))?;
    let arg_perigee = deg(&b, 35, 42, "argument of perigee")?;
    let mean_anomaly = deg(&b, 44, 51, "mean anomaly")?;
    let mean_motion = b.number(
        53,
        63,
        "mean motion",
        "a decimal number of revolutions per day",
    )?;
    let revolution_number = b.integer_or_blank(64, 68, "revolution number")?;

    let set = ElementSet {
        object_id: norad_id.to_string(),
        norad_id,
        name: name.filter(|n| !n.is_empty()),
        international_designator,
        epoch,
        inclination_rad: inclination * (PI / 180.0),
        raan_rad: raan * (PI / 180.0),
        eccentricity,
        arg_perigee_rad: arg_perigee * (PI / 180.0),
        mean_anomaly_rad: mean_anomaly * (PI / 180.0),
        mean_motion_rev_day: mean_motion,
        mean_motion_dot_rev_day2: mean_motion_dot,
        mean_motion_ddot_rev_day3: mean_motion_ddot,
        bstar_per_earth_radius: bstar,
        element_set_number,
        revolution_number,
        ephemeris_type,
        classification,
    };
    if let Err(v) = validate::check(&set) {
        let field: Field = v.field();
        let (tle_line, start, end) = field.tle_columns();
        let ctx = if tle_line == 1 { &a } else { &b };
        let location = format!("columns {start}-{end} ({})", field.label());
        let found = ctx.cols(start, end).trim();
        return Err(ElementsError::from_violation(
            &v,
            source,
            ctx.line.number,
            location,
            found,
        ));
    }
    Ok(set)
}

/// `YYNNNPPP` → `YYYY-NNNPPP` (OMM form); blank → None; anything else is kept as written.
fn parse_designator(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let b = t.as_bytes();
    if b.len() >= 6
        && b[..5].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_alphabetic)
    {
        let yy: u32 = t[..2].parse().ok()?;
        let year = if yy < 57 { 2000 + yy } else { 1900 + yy };
        return Some(format!("{year}-{}", &t[2..]));
    }
    Some(t.to_owned())
}

/// The epoch in columns 19–32, exactly.
fn parse_epoch(a: &LineCtx<'_>) -> Result<hifitime::Epoch, ElementsError> {
    let yy_text = a.cols(19, 20);
    if !yy_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(a.err(19, 20, "epoch year", "2 digits"));
    }
    let yy: i64 = yy_text
        .parse()
        .map_err(|_| a.err(19, 20, "epoch year", "2 digits"))?;
    let year = if yy < 57 { 2000 + yy } else { 1900 + yy };
    const EXPECTED: &str = "a day of the year with fraction, DDD.DDDDDDDD";
    let text = a.cols(21, 32).trim_start();
    let (day_text, frac_text) = text.split_once('.').unwrap_or((text, ""));
    if day_text.is_empty()
        || !day_text.bytes().all(|b| b.is_ascii_digit())
        || !frac_text.bytes().all(|b| b.is_ascii_digit())
        || frac_text.len() > 12
    {
        return Err(a.err(21, 32, "epoch day", EXPECTED));
    }
    let day: i64 = day_text
        .parse()
        .map_err(|_| a.err(21, 32, "epoch day", EXPECTED))?;
    let days_in_year = if crate::time::days_in_month(year, 2) == 29 {
        366
    } else {
        365
    };
    if !(1..=days_in_year).contains(&day) {
        return Err(a.err(
            21,
            32,
            "epoch day",
            "a day of the year from 1 to 365 (366 in leap years)",
        ));
    }
    // fraction of a day → nanoseconds, exactly: 10⁻⁸ day = 864 000 ns
    let frac: i128 = if frac_text.is_empty() {
        0
    } else {
        frac_text.parse().unwrap_or(0)
    };
    let scale = 10_i128.pow(frac_text.len() as u32);
    let numerator = frac * crate::constants::NANOSECONDS_PER_DAY;
    let ns = (numerator + scale / 2) / scale;
    Ok(utc_from_days_ns(days_from_civil(year, 1, 1) + day - 1, ns))
}

/// Formats `value` in the 8-column `±MMMMM±E` form (value = ±0.MMMMM × 10^±E).
fn format_exponential(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some(" 00000-0".to_owned()); // as CelesTrak writes zero
    }
    let sign = if value < 0.0 { '-' } else { ' ' };
    // Rust's formatting rounds the exact binary value correctly and is the same on every
    // platform (a log10-based exponent would depend on the platform's libm near powers of
    // ten): d.dddde±x, i.e. value = 0.ddddd × 10^(x+1)
    let scientific = format!("{:.4e}", value.abs());
    let (mantissa, exponent) = scientific.split_once('e')?;
    let digits: i64 = mantissa.replace('.', "").parse().ok()?;
    let exponent = exponent.parse::<i32>().ok()? + 1;
    if !(-9..=9).contains(&exponent) {
        return None;
    }
    let exp_sign = if exponent < 0 { '-' } else { '+' };
    Some(format!("{sign}{digits:05}{exp_sign}{}", exponent.abs()))
}

/// Formats an angle in degrees as `%8.4f`, wrapping 360.0000 to 0.0000 after rounding.
fn format_angle(deg: f64) -> String {
    let rounded = (deg * 1e4).round() / 1e4;
    let wrapped = if rounded >= 360.0 {
        rounded - 360.0
    } else {
        rounded
    };
    format!("{wrapped:8.4}")
}

/// Writes an element set as two TLE lines (see [`ElementSet::to_tle_lines`]).
pub(crate) fn write(set: &ElementSet) -> Result<(String, String), ElementsError> {
    let not = |field, value: String, reason| ElementsError::NotRepresentable {
        object_id: set.object_id.clone(),
        field,
        value,
        reason,
    };
    let catalogue = encode_catalogue_number(set.norad_id).ok_or_else(|| {
        not(
            "catalogue number",
            set.norad_id.to_string(),
            "above 339999, beyond Alpha-5",
        )
    })?;
    let designator = match set
        .international_designator
        .as_deref()
        .and_then(|d| d.split_once('-'))
    {
        Some((year, rest)) if year.len() == 4 && rest.len() <= 6 => {
            format!("{}{rest:<6}", &year[2..])
        }
        _ => " ".repeat(8),
    };
    // epoch rounded to 10⁻⁸ day (864 µs) first, so that rounding up at the end of a day
    // (or of a year) carries into the calendar
    let epoch = round_utc(set.epoch, Duration::from_total_nanoseconds(864_000));
    let (year, month, day, hour, minute, second, ns) = utc_calendar(epoch);
    if !(1957..=2056).contains(&year) {
        return Err(not(
            "epoch",
            crate::time::format_utc(set.epoch),
            "years 1957-2056 only",
        ));
    }
    let doy = days_from_civil(year, month, day) - days_from_civil(year, 1, 1) + 1;
    let ns_of_day = (i128::from(hour) * 3600 + i128::from(minute) * 60 + i128::from(second))
        * 1_000_000_000
        + i128::from(ns);
    let frac = ns_of_day / 864_000; // units of 10⁻⁸ day (exact after the rounding above)
    let ndot = set.mean_motion_dot_rev_day2;
    if !(ndot.is_finite() && ndot.abs() < 1.0) {
        return Err(not(
            "mean motion derivative",
            ndot.to_string(),
            "|value| < 1 rev/day²",
        ));
    }
    let ndot_text = format!("{ndot:.8}");
    let ndot_text = if ndot < 0.0 {
        ndot_text.replacen("-0.", "-.", 1)
    } else {
        ndot_text.replacen("0.", " .", 1)
    };
    let nddot = format_exponential(set.mean_motion_ddot_rev_day3).ok_or_else(|| {
        not(
            "mean motion second derivative",
            set.mean_motion_ddot_rev_day3.to_string(),
            "exponent beyond ±9",
        )
    })?;
    let bstar = format_exponential(set.bstar_per_earth_radius).ok_or_else(|| {
        not(
            "B*",
            set.bstar_per_earth_radius.to_string(),
            "exponent beyond ±9",
        )
    })?;
    if set.ephemeris_type > 9 {
        return Err(not(
            "ephemeris type",
            set.ephemeris_type.to_string(),
            "one digit",
        ));
    }
    if set.element_set_number > 9999 {
        return Err(not(
            "element set number",
            set.element_set_number.to_string(),
            "at most 4 digits",
        ));
    }
    let classification = if matches!(set.classification, 'U' | 'C' | 'S') {
        set.classification
    } else {
        'U'
    };
    let mut line1 = format!(
        "1 {catalogue}{classification} {designator} {:02}{doy:03}.{frac:08} {ndot_text} {nddot} {bstar} {} {:>4}",
        year % 100,
        set.ephemeris_type,
        set.element_set_number,
    );
    let ecc = (set.eccentricity * 1e7).round() as i64;
    if !(0..10_000_000).contains(&ecc) {
        return Err(not(
            "eccentricity",
            set.eccentricity.to_string(),
            "0 <= e < 1",
        ));
    }
    let n = set.mean_motion_rev_day;
    if !(n.is_finite() && n > 0.0 && n < 100.0) {
        return Err(not("mean motion", n.to_string(), "0 < n < 100 rev/day"));
    }
    let mut line2 = format!(
        "2 {catalogue} {} {} {ecc:07} {} {} {n:11.8}{:>5}",
        format_angle(set.inclination_rad.to_degrees()),
        format_angle(set.raan_rad.to_degrees()),
        format_angle(set.arg_perigee_rad.to_degrees()),
        format_angle(set.mean_anomaly_rad.to_degrees()),
        set.revolution_number % 100_000,
    );
    debug_assert_eq!(line1.len(), 68, "{line1:?}");
    debug_assert_eq!(line2.len(), 68, "{line2:?}");
    let c1 = checksum(&line1);
    let c2 = checksum(&line2);
    line1.push(char::from(b'0' + c1));
    line2.push(char::from(b'0' + c2));
    Ok((line1, line2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_utc;

    const ISS_1: &str = "1 25544U 98067A   20194.88612269 -.00002218  00000-0 -31515-4 0  9992";
    const ISS_2: &str = "2 25544  51.6461 221.2784 0001413  89.1723 280.4612 15.49507896236008";

    #[test]
    fn val_analytic_iss_fields() {
        let sets = parse(&format!("ISS (ZARYA)\n{ISS_1}\n{ISS_2}\n"), "iss.tle").unwrap();
        let s = &sets[0];
        assert_eq!(s.object_id, "25544");
        assert_eq!(s.name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(s.international_designator.as_deref(), Some("1998-067A"));
        // 20194.88612269: day 194 of 2020 = July 12; 0.88612269 d = 76 561.000416 s exactly
        assert_eq!(format_utc(s.epoch), "2020-07-12T21:16:01.000416Z");
        assert_eq!(s.mean_motion_dot_rev_day2, -0.00002218);
        assert!((s.bstar_per_earth_radius - -3.1515e-5).abs() < 1e-20);
        assert_eq!(s.eccentricity, 0.0001413);
        assert_eq!(s.mean_motion_rev_day, 15.49507896);
        assert_eq!(s.revolution_number, 23600);
        assert_eq!(s.element_set_number, 999);
        assert!((s.inclination_rad.to_degrees() - 51.6461).abs() < 1e-12);
    }

    #[test]
    fn val_analytic_alpha5_round_trip() {
        assert_eq!(decode_catalogue_number("A0001"), Some(100_001));
        assert_eq!(decode_catalogue_number("Z9999"), Some(339_999));
        assert_eq!(decode_catalogue_number("J2931"), Some(182_931));
        assert_eq!(decode_catalogue_number("I0001"), None);
        assert_eq!(decode_catalogue_number("    5"), Some(5));
        for n in [
            0, 5, 99_999, 100_000, 179_999, 180_000, 229_999, 230_000, 339_999,
        ] {
            assert_eq!(
                decode_catalogue_number(&encode_catalogue_number(n).unwrap()),
                Some(n)
            );
        }
        assert_eq!(encode_catalogue_number(340_000), None);
    }

    #[test]
    fn val_analytic_writer_round_trips_the_lines() {
        let sets = parse(&format!("{ISS_1}\n{ISS_2}\n"), "iss.tle").unwrap();
        let (l1, l2) = sets[0].to_tle_lines().unwrap();
        assert_eq!(l1, ISS_1);
        assert_eq!(l2, ISS_2);
    }

    #[test]
    fn regress_epoch_rounding_up_carries_into_the_next_year() {
        let mut set = parse(&format!("{ISS_1}\n{ISS_2}\n"), "iss.tle")
            .unwrap()
            .remove(0);
        // 0.4 ms before midnight rounds up to the next 10⁻⁸ day: 2024, day 1.00000000
        set.epoch = crate::time::parse_utc("2023-12-31T23:59:59.9996Z").unwrap();
        let (l1, l2) = set.to_tle_lines().unwrap();
        assert_eq!(&l1[18..32], "24001.00000000", "{l1}");
        let back = parse(&format!("{l1}\n{l2}\n"), "written.tle").unwrap();
        assert_eq!(
            crate::time::format_utc(back[0].epoch),
            "2024-01-01T00:00:00.000Z"
        );
        // and just before, it stays on the last day of 2023 (a leap-free year: day 365)
        set.epoch = crate::time::parse_utc("2023-12-31T23:59:59.9990Z").unwrap();
        let (l1, _) = set.to_tle_lines().unwrap();
        assert_eq!(&l1[18..32], "23365.99999999", "{l1}");
    }

    #[test]
    fn val_analytic_exponential_format() {
        assert_eq!(format_exponential(2.8098e-5).unwrap(), " 28098-4");
        assert_eq!(format_exponential(-3.1515e-5).unwrap(), "-31515-4");
        assert_eq!(format_exponential(0.0).unwrap(), " 00000-0");
        assert_eq!(format_exponential(0.13519).unwrap(), " 13519+0");
        assert_eq!(format_exponential(1e-12), None);
        // rounding carries into the exponent; exact powers of ten
        assert_eq!(format_exponential(9.999_96e-5).unwrap(), " 10000-3");
        assert_eq!(format_exponential(1e-4).unwrap(), " 10000-3");
        assert_eq!(format_exponential(0.1).unwrap(), " 10000+0");
        assert_eq!(format_exponential(0.99999).unwrap(), " 99999+0");
    }
}
