//! Simulated time inside the hypervisor.
//!
//! Public APIs take and return [`hifitime::Epoch`] and [`hifitime::Duration`]. Inside the
//! hypervisor, time is an `i64` count of nanoseconds since 1970-01-01T00:00:00 UTC not counting
//! leap seconds (POSIX time), because that is what the guest ABI speaks (`time_now`,
//! `clock_time_get`) and because integer arithmetic keeps every run bit-for-bit reproducible.

use hifitime::{Duration, Epoch};

/// Nanoseconds per second.
pub const NS_PER_S: i64 = 1_000_000_000;

/// POSIX nanoseconds of an epoch (UTC, leap seconds not counted). Saturates outside the
/// `i64` range (years 1677..2262).
pub fn epoch_to_unix_ns(t: Epoch) -> i64 {
    clamp_i128(t.to_unix_duration().total_nanoseconds())
}

/// The epoch of POSIX nanoseconds `t_unix_ns` (UTC).
pub fn unix_ns_to_epoch(t_unix_ns: i64) -> Epoch {
    Epoch::from_unix_duration(Duration::from_total_nanoseconds(i128::from(t_unix_ns)))
}

/// Nanoseconds of a duration, saturating to the `i64` range.
pub fn duration_to_ns(d: Duration) -> i64 {
    clamp_i128(d.total_nanoseconds())
}

/// A duration of `ns` nanoseconds.
pub fn ns_to_duration(ns: i64) -> Duration {
    Duration::from_total_nanoseconds(i128::from(ns))
}

fn clamp_i128(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Formats POSIX nanoseconds as ISO-8601 UTC with nanoseconds: `2024-01-01T00:00:00.000000000Z`.
///
/// Civil date from days since 1970-01-01: H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", `civil_from_days` (proleptic Gregorian calendar):
/// `z += 719468; era = floor(z / 146097); doe = z - era·146097;
///  yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365; doy = doe - (365·yoe + yoe/4 - yoe/100);
///  mp = (5·doy + 2)/153; d = doy - (153·mp + 2)/5 + 1; m = mp < 10 ? mp + 3 : mp - 9; y = yoe + era·400 + (m <= 2)`.
pub fn format_unix_ns(t_unix_ns: i64) -> String {
    let secs = t_unix_ns.div_euclid(NS_PER_S);
    let nanos = t_unix_ns.rem_euclid(NS_PER_S);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Seconds of the UTC day (0..86400) of POSIX nanoseconds, as `f64` hours (0..24).
pub fn utc_hour_of_day(t_unix_ns: i64) -> f64 {
    let ns_of_day = t_unix_ns.rem_euclid(86_400 * NS_PER_S);
    ns_of_day as f64 / (3600.0 * NS_PER_S as f64)
}

/// Local mean solar time in hours (0..24) at east longitude `lon_rad`:
/// `LMST = UT + λ / 15°` (Astronomical Almanac, "mean solar time"; λ east-positive, 15° per hour).
/// Apparent solar time differs by the equation of time (up to ±16.5 min); a caller that knows the
/// Sun's position can compute it exactly and pass it in [`crate::Conditions`] instead.
pub fn local_mean_solar_time_h(t_unix_ns: i64, lon_rad: f64) -> f64 {
    let ut_h = utc_hour_of_day(t_unix_ns);
    (ut_h + lon_rad.to_degrees() / 15.0).rem_euclid(24.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_unix_epoch_of_2024() {
        // 2024-01-01T00:00:00Z is POSIX 1704067200 (date -u -d 2024-01-01 +%s).
        let t = Epoch::from_gregorian_utc_at_midnight(2024, 1, 1);
        assert_eq!(epoch_to_unix_ns(t), 1_704_067_200 * NS_PER_S);
        assert_eq!(unix_ns_to_epoch(1_704_067_200 * NS_PER_S), t);
    }

    #[test]
    fn val_analytic_unix_time_skips_leap_second() {
        // A leap second was inserted at the end of 2016-12-31; POSIX time does not count it:
        // 2017-01-01T00:00:00Z is 1483228800 (= 2016-12-31 + 86400 s).
        let t = Epoch::from_gregorian_utc_at_midnight(2017, 1, 1);
        assert_eq!(epoch_to_unix_ns(t), 1_483_228_800 * NS_PER_S);
    }

    #[test]
    fn val_analytic_format() {
        assert_eq!(format_unix_ns(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            format_unix_ns(1_709_210_096 * NS_PER_S + 5),
            "2024-02-29T12:34:56.000000005Z"
        );
        assert_eq!(format_unix_ns(-1), "1969-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn val_analytic_local_mean_solar_time() {
        // 06:00 UT at 90° E is local noon.
        let t = 6 * 3600 * NS_PER_S;
        assert!((local_mean_solar_time_h(t, 90f64.to_radians()) - 12.0).abs() < 1e-9);
        assert!((local_mean_solar_time_h(t, (-120f64).to_radians()) - 22.0).abs() < 1e-9);
    }
}
