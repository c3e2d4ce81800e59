//! Token buckets on the simulated clock (log lines, downlink bytes).
//!
//! Integer arithmetic only: tokens are kept in units of 1e-9 token so that refilling
//! `rate` tokens per second over `Δt` nanoseconds is exact (`rate · Δt` nano-tokens).

/// A token bucket: refills at `rate_per_s`, holds at most `burst` tokens, starts full.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate_per_s: u64,
    burst: u64,
    nano_tokens: u128,
    last_ns: Option<i64>,
    /// Set by a refusal; cleared once the bucket has refilled completely (the app has been
    /// quiet for `burst / rate`), so a sustained flood yields one "squelched" event.
    squelched: bool,
}

/// What happened when tokens were taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The tokens were taken.
    Ok,
    /// Refused; this is the first refusal of a burst (emit one "squelched" event).
    RefusedFirst,
    /// Refused again within the same burst.
    Refused,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate_per_s: u64, burst: u64) -> Self {
        Self {
            rate_per_s,
            burst,
            nano_tokens: u128::from(burst) * 1_000_000_000,
            last_ns: None,
            squelched: false,
        }
    }

    fn refill(&mut self, now_ns: i64) {
        if let Some(last) = self.last_ns {
            if now_ns > last {
                let dt = (i128::from(now_ns) - i128::from(last)) as u128;
                let cap = u128::from(self.burst) * 1_000_000_000;
                self.nano_tokens = self
                    .nano_tokens
                    .saturating_add(dt.saturating_mul(u128::from(self.rate_per_s)))
                    .min(cap);
                self.last_ns = Some(now_ns);
            }
        } else {
            self.last_ns = Some(now_ns);
        }
    }

    /// When `n` tokens will be in the bucket, at the earliest from `now_ns` (`now_ns` itself
    /// when they are there now): `t = now + ⌈(n·10⁹ − held) / rate⌉` ns, held in nano-tokens.
    /// `None` when that never happens: `n` above the burst, or no refill.
    pub fn ready_at(&mut self, now_ns: i64, n: u64) -> Option<i64> {
        self.refill(now_ns);
        let need = u128::from(n) * 1_000_000_000;
        if need <= self.nano_tokens {
            return Some(now_ns);
        }
        if n > self.burst || self.rate_per_s == 0 {
            return None;
        }
        let wait_ns = (need - self.nano_tokens).div_ceil(u128::from(self.rate_per_s));
        i64::try_from(wait_ns)
            .ok()
            .and_then(|w| now_ns.checked_add(w))
    }

    /// Takes `n` tokens at simulated time `now_ns`.
    pub fn take(&mut self, now_ns: i64, n: u64) -> Take {
        self.refill(now_ns);
        if self.squelched && self.nano_tokens >= u128::from(self.burst) * 1_000_000_000 {
            self.squelched = false;
        }
        let need = u128::from(n) * 1_000_000_000;
        if need <= self.nano_tokens {
            self.nano_tokens -= need;
            Take::Ok
        } else if self.squelched {
            Take::Refused
        } else {
            self.squelched = true;
            Take::RefusedFirst
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_refill_rate_and_burst() {
        let mut b = TokenBucket::new(50, 200);
        for _ in 0..200 {
            assert_eq!(b.take(0, 1), Take::Ok);
        }
        assert_eq!(b.take(0, 1), Take::RefusedFirst);
        assert_eq!(b.take(0, 1), Take::Refused);
        // 20 ms at 50/s = exactly one token; still the same burst (no new event).
        assert_eq!(b.take(20_000_000, 1), Take::Ok);
        assert_eq!(b.take(20_000_000, 1), Take::Refused);
        // After 100 s the bucket is full again (200, not 5000): a new burst.
        let t = 100_000_000_000;
        for _ in 0..200 {
            assert_eq!(b.take(t, 1), Take::Ok);
        }
        assert_eq!(b.take(t, 1), Take::RefusedFirst);
    }

    #[test]
    fn val_analytic_ready_at_is_when_the_refill_suffices() {
        // 50 tokens/s: one token every 20 ms; three tokens 60 ms after the bucket emptied.
        let mut b = TokenBucket::new(50, 200);
        assert_eq!(b.ready_at(0, 200), Some(0));
        assert_eq!(b.take(0, 200), Take::Ok);
        assert_eq!(b.ready_at(0, 1), Some(20_000_000));
        assert_eq!(b.ready_at(5_000_000, 3), Some(60_000_000));
        assert_eq!(b.take(59_999_999, 3), Take::RefusedFirst);
        assert_eq!(b.take(60_000_000, 3), Take::Ok);
        // 7 tokens/s: 1/7 s is not a whole number of ns; the wait rounds up, never short.
        let mut b = TokenBucket::new(7, 1);
        assert_eq!(b.take(0, 1), Take::Ok);
        let t = b.ready_at(0, 1).unwrap();
        assert_eq!(t, 142_857_143);
        assert_eq!(b.take(t - 1, 1), Take::RefusedFirst);
        assert_eq!(b.take(t, 1), Take::Ok);
        // More than the burst never fits; nor does anything without a refill.
        assert_eq!(TokenBucket::new(50, 200).ready_at(0, 201), None);
        let mut dry = TokenBucket::new(0, 2);
        assert_eq!(dry.take(0, 2), Take::Ok);
        assert_eq!(dry.ready_at(0, 1), None);
    }
}
