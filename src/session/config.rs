//! `[session]` of `kiosk.toml`: how many photos a session may take and how long its countdown
//! and its last screen last. Optional: a booth configured before it existed gets these values.

use serde::Deserialize;

/// `[session]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// Photos one session may take, retakes after a rejection included (1 to 10).
    pub max_attempts: u32,
    /// Seconds of countdown before the shot (1 to 10).
    pub countdown_s: u32,
    /// Seconds the done and pending screens stay (5 to 120).
    pub farewell_s: u64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            max_attempts: 5,
            countdown_s: 3,
            farewell_s: 15,
        }
    }
}
