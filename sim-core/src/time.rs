//! Simulated time inside the hypervisor.
//!
//! Public APIs take and return [`hifitime::Epoch`] and [`hifitime::Duration`]. Inside the
//! hypervisor, time is an `i64` count of nanoseconds since 1970-01-01T00:00:00 UTC not counting
//! leap seconds (POSIX time), because that is what the guest ABI speaks (`time_now`,
//! `clock_time_get`) and because integer arithmetic keeps every run bit-for-bit reproducible.

use hifitime::{Duration, Epoch};
use orbit::time::civil_from_days;

/// Nanoseconds per second.
pub const NS_PER_S: i64 = 1_000_000_000;

/// hifitime's UTC duration of the POSIX epoch 1970-01-01T00:00:00 UTC (its
/// `UNIX_REF_EPOCH.to_utc_duration()`): 25 567 days of 86 400 s after 1900-01-01, in ns.
const UNIX_REF_UTC_NS: i128 = 25_567 * 86_400 * 1_000_000_000;

/// POSIX nanoseconds of an epoch (UTC, leap seconds not counted). Saturates outside the
/// `i64` range (years 1677..2262).
///
/// The same as hifitime's `to_unix_duration`, which also converts its Unix reference epoch
/// to UTC (a search of the leap-second table) on every call; here that reference is a
/// constant, so a call costs one conversion instead of two (it runs twice per satellite step).
pub fn epoch_to_unix_ns(t: Epoch) -> i64 {
    clamp_i128(t.to_utc_duration().total_nanoseconds() - UNIX_REF_UTC_NS)
}

/// The epoch of POSIX nanoseconds `t_unix_ns` (UTC).
pub fn unix_ns_to_epoch(t_unix_ns: i64) -> Epoch {
    Epoch::from_unix_duration(Duration::from_total_nanoseconds(i128::from(t_unix_ns)))
}

/// Nanoseconds of a duration, saturating to the `i64` range.
pub fn duration_to_ns(d: Duration) -> i64 {
    clamp_i128(d.total_nanoseconds())
}

fn clamp_i128(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Formats POSIX nanoseconds as ISO-8601 UTC with nanoseconds: `2024-01-01T00:00:00.000000000Z`
/// (the calendar date from [`orbit::time::civil_from_days`]).
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
    fn val_hifitime_unix_ns_equals_to_unix_duration() {
        // hifitime's own conversion, in both time scales an epoch may carry, across the leap
        // seconds of 2015 and 2016 and over the range the simulation uses.
        let mut times = vec![
            Epoch::from_gregorian_utc(2015, 6, 30, 23, 59, 59, 999_999_999),
            Epoch::from_gregorian_utc_at_midnight(2015, 7, 1),
            Epoch::from_gregorian_utc(2016, 12, 31, 23, 59, 59, 500_000_000),
            Epoch::from_gregorian_utc_at_midnight(2017, 1, 1),
            Epoch::from_gregorian_utc_at_midnight(1970, 1, 1),
            Epoch::from_gregorian_utc_at_midnight(1972, 1, 1),
        ];
        let start = Epoch::from_gregorian_utc(2018, 1, 20, 6, 0, 0, 0);
        times.extend((0..2000).map(|k| start + Duration::from_seconds(f64::from(k) * 97_531.25)));
        for t in times {
            for t in [t, t.to_time_scale(hifitime::TimeScale::TAI)] {
                let theirs = clamp_i128(t.to_unix_duration().total_nanoseconds());
                assert_eq!(epoch_to_unix_ns(t), theirs, "{t}");
            }
        }
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
}
