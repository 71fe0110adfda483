//! The PIN lockout, pure: after [`FREE_TRIES`] wrong PINs in a row every further wrong PIN locks
//! the keypad, for [`FIRST_LOCK_S`] seconds, doubling each time up to [`MAX_LOCK_S`]. A right
//! PIN clears it. Times are wall-clock Unix seconds, so a lockout survives a restart (the store
//! keeps it as text).

/// Wrong PINs allowed before the first lockout.
pub const FREE_TRIES: u32 = 5;
/// The first lockout.
pub const FIRST_LOCK_S: i64 = 30;
/// The longest lockout.
pub const MAX_LOCK_S: i64 = 3600;

/// Wrong PINs so far and the end of the current lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    /// Wrong PINs since the last right one.
    pub failures: u32,
    /// Unix second when the keypad opens again (0: not locked).
    pub until: i64,
}

/// What a PIN attempt may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Try it.
    Open,
    /// Locked for this many more seconds.
    Locked(i64),
}

impl Lockout {
    /// Whether a PIN may be tried at `now`.
    pub fn gate(&self, now: i64) -> Gate {
        // A lockout longer than the longest means the clock went back (a dead RTC battery, then
        // NTP): never lock an operator out for a day because of it.
        if now < self.until && self.until - now <= MAX_LOCK_S {
            Gate::Locked(self.until - now)
        } else {
            Gate::Open
        }
    }

    /// A wrong PIN at `now`; returns the lockout it starts, in seconds, if any.
    pub fn wrong(&mut self, now: i64) -> Option<i64> {
        self.failures = self.failures.saturating_add(1);
        let over = self.failures.checked_sub(FREE_TRIES)?;
        let lock = FIRST_LOCK_S
            .saturating_mul(1i64 << over.min(20))
            .min(MAX_LOCK_S);
        self.until = now + lock;
        Some(lock)
    }

    /// A right PIN.
    pub fn right(&mut self) {
        *self = Lockout::default();
    }

    /// As stored: `failures until`.
    pub fn to_text(&self) -> String {
        format!("{} {}", self.failures, self.until)
    }

    /// From [`Lockout::to_text`]; anything else is no lockout.
    pub fn from_text(text: &str) -> Lockout {
        let mut parts = text.split_whitespace().map(str::parse::<i64>);
        match (parts.next(), parts.next()) {
            (Some(Ok(failures)), Some(Ok(until))) => Lockout {
                failures: u32::try_from(failures).unwrap_or(0),
                until,
            },
            _ => Lockout::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_pins_lock_and_the_lock_doubles() {
        let mut l = Lockout::default();
        for _ in 0..4 {
            assert_eq!(l.wrong(100), None);
            assert_eq!(l.gate(100), Gate::Open);
        }
        assert_eq!(l.wrong(100), Some(30));
        assert_eq!(l.gate(110), Gate::Locked(20));
        assert_eq!(l.gate(130), Gate::Open);
        assert_eq!(l.wrong(130), Some(60));
        assert_eq!(l.wrong(200), Some(120));
        for _ in 0..20 {
            l.wrong(300);
        }
        assert_eq!(l.gate(300), Gate::Locked(MAX_LOCK_S));
        // The clock went back a day: the lockout does not grow with it.
        assert_eq!(l.gate(300 - 86_400), Gate::Open);
        l.right();
        assert_eq!(l.gate(300), Gate::Open);
        assert_eq!(l.failures, 0);
    }

    #[test]
    fn stored_text_round_trips() {
        let l = Lockout {
            failures: 6,
            until: 1_790_000_000,
        };
        assert_eq!(Lockout::from_text(&l.to_text()), l);
        assert_eq!(Lockout::from_text("garbage"), Lockout::default());
    }
}
