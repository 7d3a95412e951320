//! The fake's rate limit, as GitLab applies it per user: a budget of requests per window
//! (gitlab.com: 2,000 authenticated API requests a minute), a 429 with `Retry-After` and a
//! plain-text body once it is spent, and `RateLimit-*` headers either on every answer or, as
//! gitlab.com has at times done, only on the 429 itself.

/// When `RateLimit-*` headers are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateHeaders {
    Always,
    /// Only on the 429 (the "gitlab.com" profile).
    On429,
}

/// A fixed-window request budget.
#[derive(Debug, Clone)]
pub struct Throttle {
    /// Requests allowed per window; 0: no limit.
    pub limit: u64,
    pub window_secs: u64,
    pub headers: RateHeaders,
    window_start: i64,
    used: u64,
}

/// What the throttle says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    pub allowed: bool,
    pub limit: u64,
    /// Requests counted in this window, this one included.
    pub used: u64,
    /// Unix seconds when the window resets.
    pub reset: i64,
    /// Seconds until then (at least 1).
    pub retry_after: u64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(2000, 60, RateHeaders::Always)
    }
}

impl Throttle {
    pub fn new(limit: u64, window_secs: u64, headers: RateHeaders) -> Self {
        Throttle {
            limit,
            window_secs: window_secs.max(1),
            headers,
            window_start: 0,
            used: 0,
        }
    }

    /// Counts a request made at `now` (unix seconds).
    pub fn admit(&mut self, now: i64) -> Admission {
        let window = self.window_secs as i64;
        let start = now - now.rem_euclid(window);
        if start != self.window_start {
            self.window_start = start;
            self.used = 0;
        }
        self.used += 1;
        let reset = start + window;
        Admission {
            allowed: self.limit == 0 || self.used <= self.limit,
            limit: self.limit,
            used: self.used,
            reset,
            retry_after: (reset - now).max(1) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_per_window() {
        let mut throttle = Throttle::new(3, 60, RateHeaders::On429);
        let now = 1_800_000_010;
        for _ in 0..3 {
            assert!(throttle.admit(now).allowed);
        }
        let refused = throttle.admit(now + 5);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, 45);
        assert_eq!(refused.reset, 1_800_000_060);
        assert!(!throttle.admit(now + 40).allowed);
        assert!(throttle.admit(1_800_000_060).allowed, "a new window");
    }

    #[test]
    fn zero_means_no_limit() {
        let mut throttle = Throttle::new(0, 60, RateHeaders::Always);
        assert!((0..10_000).all(|_| throttle.admit(5).allowed));
    }
}
