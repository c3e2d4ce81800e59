//! The CPU timeline of one step, for one priority level.
//!
//! Strict-priority pre-emptive scheduling on one CPU means apps of priority `p` get exactly
//! the time left over by higher priorities. A step therefore runs the priority levels from
//! highest to lowest; each level sees the intervals already taken by the levels above (and
//! by power-off/boot) as unavailable, and its instructions advance time only through the
//! free gaps. A higher-priority app's timing is then independent of everything below it.

/// Unavailable intervals `[start, end)` (POSIX ns), sorted, disjoint, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Timeline {
    taken: Vec<(i64, i64)>,
}

impl Timeline {
    /// Marks `[start, end)` unavailable.
    pub fn take(&mut self, start: i64, end: i64) {
        if end <= start {
            return;
        }
        let i = self.taken.partition_point(|&(_, e)| e < start);
        let mut s = start;
        let mut e = end;
        let mut j = i;
        while j < self.taken.len() && self.taken[j].0 <= e {
            s = s.min(self.taken[j].0);
            e = e.max(self.taken[j].1);
            j += 1;
        }
        self.taken.splice(i..j, std::iter::once((s, e)));
    }

    /// The first available instant at or after `t`.
    pub fn skip(&self, t: i64) -> i64 {
        let i = self.taken.partition_point(|&(_, e)| e <= t);
        match self.taken.get(i) {
            Some(&(s, e)) if s <= t => e,
            _ => t,
        }
    }

    /// Walks `ns` nanoseconds of available time from `t`; returns where it ends, and calls
    /// `piece` with each available interval used.
    pub fn advance(&self, t: i64, ns: i64, mut piece: impl FnMut(i64, i64)) -> i64 {
        let mut pos = self.skip(t);
        let mut need = ns.max(0);
        let mut i = self.taken.partition_point(|&(_, e)| e <= pos);
        loop {
            let gap_end = self.taken.get(i).map_or(i64::MAX, |&(s, _)| s);
            let room = gap_end.saturating_sub(pos);
            if need <= room {
                let end = pos.saturating_add(need);
                if need > 0 {
                    piece(pos, end);
                }
                return end;
            }
            if room > 0 {
                piece(pos, gap_end);
            }
            need -= room;
            pos = self.taken.get(i).map_or(i64::MAX, |&(_, e)| e);
            i += 1;
        }
    }

    /// Total unavailable time inside `[start, end)`.
    pub fn taken_within(&self, start: i64, end: i64) -> i64 {
        self.taken
            .iter()
            .map(|&(s, e)| (e.min(end) - s.max(start)).max(0))
            .sum()
    }
}

/// Converts instructions (plus a carried remainder, in instruction·ns units) to nanoseconds
/// at `rate_ips`: `ns = ⌊(n·10⁹ + rem) / rate⌋`, `rem' = (n·10⁹ + rem) mod rate`.
pub(crate) fn instructions_to_ns(instructions: u64, rem: u64, rate_ips: u64) -> (i64, u64) {
    let rate = u128::from(rate_ips.max(1));
    let total = u128::from(instructions) * 1_000_000_000 + u128::from(rem);
    (
        i64::try_from(total / rate).unwrap_or(i64::MAX),
        (total % rate) as u64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_take_merges_and_advance_skips() {
        let mut t = Timeline::default();
        t.take(10, 20);
        t.take(30, 40);
        t.take(20, 25);
        t.take(5, 8);
        assert_eq!(t.taken, vec![(5, 8), (10, 25), (30, 40)]);
        assert_eq!(t.skip(12), 25);
        assert_eq!(t.skip(25), 25);
        assert_eq!(t.skip(7), 8);
        let mut pieces = Vec::new();
        // From 0: 5 free (0..5), 2 free (8..10), 5 free (25..30), then 3 more from 40.
        let end = t.advance(0, 15, |s, e| pieces.push((s, e)));
        assert_eq!(end, 43);
        assert_eq!(pieces, vec![(0, 5), (8, 10), (25, 30), (40, 43)]);
        assert_eq!(t.taken_within(0, 35), 3 + 15 + 5);
    }

    #[test]
    fn val_analytic_instruction_time_is_exact() {
        // 3 instructions at 7 ips = 428571428 ns remainder 4: three calls of one instruction
        // add up to the same as one call of three.
        let (a, r) = instructions_to_ns(1, 0, 7);
        let (b, r) = instructions_to_ns(1, r, 7);
        let (c, r) = instructions_to_ns(1, r, 7);
        let (all, r_all) = instructions_to_ns(3, 0, 7);
        assert_eq!(a + b + c, all);
        assert_eq!(r, r_all);
    }
}
