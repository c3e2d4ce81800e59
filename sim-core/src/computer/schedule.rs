//! When an app may run. Evaluated at the start of every step from the satellite's
//! [`Conditions`]; an app outside its schedule is suspended (not killed).

use hifitime::{Duration, Epoch};

use crate::state::Conditions;
use crate::time::{duration_to_ns, epoch_to_unix_ns};

/// A schedule: a condition on time and on the satellite's situation.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// Always runnable.
    Always,
    /// Every UTC day from `start` to `end` after midnight (wraps past midnight when
    /// `end < start`).
    UtcDaily {
        /// Start, time after 00:00 UTC.
        start: Duration,
        /// End, time after 00:00 UTC.
        end: Duration,
    },
    /// Between two instants.
    UtcBetween {
        /// From (inclusive).
        start: Epoch,
        /// To (exclusive).
        end: Epoch,
    },
    /// Local solar time at the sub-satellite point between two hours (0..24; wraps when
    /// `end_h < start_h`).
    LocalSolarTime {
        /// Start hour.
        start_h: f64,
        /// End hour.
        end_h: f64,
    },
    /// In sunlight.
    Sunlit,
    /// In eclipse.
    Eclipse,
    /// Over an area of interest (`None`: any).
    OverArea(Option<String>),
    /// In contact with a ground station.
    InContact,
    /// Battery state of charge strictly above a level (0..1).
    BatteryAbove(f64),
    /// All of these.
    All(Vec<Schedule>),
    /// Any of these.
    Any(Vec<Schedule>),
    /// Not this.
    Not(Box<Schedule>),
}

fn in_window(x: f64, start: f64, end: f64) -> bool {
    if start <= end {
        x >= start && x < end
    } else {
        x >= start || x < end
    }
}

impl Schedule {
    /// Whether the app may run at `t_unix_ns` under `c`.
    pub fn allows(&self, t_unix_ns: i64, c: &Conditions) -> bool {
        match self {
            Self::Always => true,
            Self::UtcDaily { start, end } => {
                let day_ns = 86_400 * crate::time::NS_PER_S;
                let x = t_unix_ns.rem_euclid(day_ns);
                let (s, e) = (
                    duration_to_ns(*start).rem_euclid(day_ns),
                    duration_to_ns(*end).rem_euclid(day_ns),
                );
                if s <= e {
                    x >= s && x < e
                } else {
                    x >= s || x < e
                }
            }
            Self::UtcBetween { start, end } => {
                t_unix_ns >= epoch_to_unix_ns(*start) && t_unix_ns < epoch_to_unix_ns(*end)
            }
            Self::LocalSolarTime { start_h, end_h } => {
                in_window(c.local_solar_time_h, *start_h, *end_h)
            }
            Self::Sunlit => c.sunlit,
            Self::Eclipse => !c.sunlit,
            Self::OverArea(None) => !c.areas.is_empty(),
            Self::OverArea(Some(a)) => c.areas.contains(a),
            Self::InContact => c.in_contact,
            Self::BatteryAbove(level) => c.battery_soc > *level,
            Self::All(v) => v.iter().all(|s| s.allows(t_unix_ns, c)),
            Self::Any(v) => v.iter().any(|s| s.allows(t_unix_ns, c)),
            Self::Not(s) => !s.allows(t_unix_ns, c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hifitime::Unit;

    #[test]
    fn val_analytic_daily_window_wraps_midnight() {
        let s = Schedule::UtcDaily {
            start: 22 * Unit::Hour,
            end: 2 * Unit::Hour,
        };
        let c = Conditions::default();
        let h = |x: i64| x * 3600 * crate::time::NS_PER_S;
        assert!(s.allows(h(23), &c));
        assert!(s.allows(h(24 + 1), &c));
        assert!(!s.allows(h(2), &c));
        assert!(!s.allows(h(12), &c));
    }

    #[test]
    fn val_analytic_conditions() {
        let mut c = Conditions {
            battery_soc: 0.5,
            local_solar_time_h: 10.0,
            ..Default::default()
        };
        assert!(Schedule::BatteryAbove(0.4).allows(0, &c));
        assert!(!Schedule::BatteryAbove(0.5).allows(0, &c));
        assert!(Schedule::Eclipse.allows(0, &c));
        assert!(
            Schedule::LocalSolarTime {
                start_h: 9.0,
                end_h: 15.0
            }
            .allows(0, &c)
        );
        assert!(!Schedule::OverArea(None).allows(0, &c));
        c.areas.insert("alps".into());
        assert!(Schedule::OverArea(Some("alps".into())).allows(0, &c));
        let both = Schedule::All(vec![
            Schedule::OverArea(None),
            Schedule::Not(Box::new(Schedule::Sunlit)),
        ]);
        assert!(both.allows(0, &c));
    }
}
