//! Event bits (`ST_EV_*`, `docs/abi.md` "Waiting, events and timers") as a small bit set.

use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Not};

/// A set of skytwin events: the `i32` masks passed to `wait`, `poll_events`, `subscribe` and
/// a reactor's `skytwin_on_event`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Event(u32);

impl Event {
    /// `ST_EV_COMMAND`: an uplinked command is waiting.
    pub const COMMAND: Event = Event(1);
    /// `ST_EV_ISL`: an inter-satellite message is waiting.
    pub const ISL: Event = Event(2);
    /// `ST_EV_CONTACT_START`: a ground contact began.
    pub const CONTACT_START: Event = Event(4);
    /// `ST_EV_CONTACT_END`: a ground contact ended.
    pub const CONTACT_END: Event = Event(8);
    /// `ST_EV_SUNLIT`: the satellite left eclipse.
    pub const SUNLIT: Event = Event(16);
    /// `ST_EV_ECLIPSE`: the satellite entered eclipse.
    pub const ECLIPSE: Event = Event(32);
    /// `ST_EV_AOI_ENTER`: the sub-satellite point entered an area of interest.
    pub const AOI_ENTER: Event = Event(64);
    /// `ST_EV_AOI_EXIT`: the sub-satellite point left an area of interest.
    pub const AOI_EXIT: Event = Event(128);
    /// `ST_EV_DOWNLINK_DONE`: one of this app's downlink messages was fully delivered.
    pub const DOWNLINK_DONE: Event = Event(256);
    /// `ST_EV_TIMER`: the timer set with `timer_set` expired.
    pub const TIMER: Event = Event(512);
    /// `ST_EV_RESUMED`: the app was resumed after its schedule suspended it.
    pub const RESUMED: Event = Event(1024);
    /// `ST_EV_START`: (reactors only) the app has been started.
    pub const START: Event = Event(2048);
    /// `ST_EV_STOP`: (reactors only) the app is about to be stopped.
    pub const STOP: Event = Event(4096);

    /// No events.
    pub const NONE: Event = Event(0);
    /// Every event defined by ABI v1.
    pub const ALL: Event = Event(8191);

    /// Each named event with its ABI name, in bit order.
    pub const NAMED: [(Event, &'static str); 13] = [
        (Event::COMMAND, "ST_EV_COMMAND"),
        (Event::ISL, "ST_EV_ISL"),
        (Event::CONTACT_START, "ST_EV_CONTACT_START"),
        (Event::CONTACT_END, "ST_EV_CONTACT_END"),
        (Event::SUNLIT, "ST_EV_SUNLIT"),
        (Event::ECLIPSE, "ST_EV_ECLIPSE"),
        (Event::AOI_ENTER, "ST_EV_AOI_ENTER"),
        (Event::AOI_EXIT, "ST_EV_AOI_EXIT"),
        (Event::DOWNLINK_DONE, "ST_EV_DOWNLINK_DONE"),
        (Event::TIMER, "ST_EV_TIMER"),
        (Event::RESUMED, "ST_EV_RESUMED"),
        (Event::START, "ST_EV_START"),
        (Event::STOP, "ST_EV_STOP"),
    ];

    /// The set from a raw ABI mask. Bits unknown to v1 are kept (a newer host may set them).
    pub const fn from_bits(bits: i32) -> Event {
        Event(bits as u32)
    }

    /// The raw ABI mask.
    pub const fn bits(self) -> i32 {
        self.0 as i32
    }

    /// Whether every event in `other` is in `self`.
    pub const fn contains(self, other: Event) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether `self` and `other` share an event.
    pub const fn intersects(self, other: Event) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The named events in the set, in bit order.
    pub fn iter(self) -> impl Iterator<Item = (Event, &'static str)> {
        Event::NAMED
            .into_iter()
            .filter(move |(e, _)| self.intersects(*e))
    }
}

impl BitOr for Event {
    type Output = Event;
    fn bitor(self, rhs: Event) -> Event {
        Event(self.0 | rhs.0)
    }
}

impl BitOrAssign for Event {
    fn bitor_assign(&mut self, rhs: Event) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for Event {
    type Output = Event;
    fn bitand(self, rhs: Event) -> Event {
        Event(self.0 & rhs.0)
    }
}

impl Not for Event {
    type Output = Event;
    fn not(self) -> Event {
        Event(!self.0)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Event({self})")
    }
}

/// Formats as `ST_EV_COMMAND|ST_EV_TIMER` (unknown bits in hex, the empty set as `0`).
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        let mut first = true;
        for (_, name) in self.iter() {
            if !first {
                f.write_str("|")?;
            }
            f.write_str(name)?;
            first = false;
        }
        let unknown = self.0 & !Event::ALL.0;
        if unknown != 0 {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{unknown:#x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_abi_event_bits_are_distinct_powers_of_two() {
        let mut all = 0u32;
        for (i, (e, _)) in Event::NAMED.iter().enumerate() {
            assert_eq!(e.0, 1 << i, "bit {i}");
            all |= e.0;
        }
        assert_eq!(Event::ALL.0, all);
    }

    #[test]
    fn set_operations_and_display() {
        let m = Event::COMMAND | Event::TIMER;
        assert_eq!(m.bits(), 513);
        assert!(m.contains(Event::TIMER));
        assert!(!m.contains(Event::TIMER | Event::ISL));
        assert!(m.intersects(Event::TIMER | Event::ISL));
        assert!(!m.contains(Event::NONE));
        assert_eq!(m.to_string(), "ST_EV_COMMAND|ST_EV_TIMER");
        assert_eq!(Event::from_bits(0x10002).to_string(), "ST_EV_ISL|0x10000");
        assert_eq!(Event::NONE.to_string(), "0");
        assert_eq!((m & !Event::COMMAND), Event::TIMER);
    }
}
