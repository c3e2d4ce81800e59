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
}
