//! The demo's secrets: the operator PIN printed in the README and the center token of the shipped
//! `kiosk.toml`. A real booth that still has either is open to anyone who read the README, so the
//! booth refuses to start with them and `idbooth config check` says so.

use std::fmt;

use super::KioskConfig;
use super::pin;

/// The shipped config's operator PIN (the README prints it).
pub const DEMO_PIN: &str = "246810";
/// The shipped config's center token.
pub const DEMO_TOKEN: &str = "demo-kiosk-token-0123456789abcdef";

/// Which demo secrets a `kiosk.toml` still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoSecrets {
    /// `[operator] pin_hash` verifies the demo PIN.
    pub pin: bool,
    /// `[center] token` is the demo token.
    pub token: bool,
}

impl DemoSecrets {
    /// Looks for the demo's PIN and token in `kiosk` (one argon2 verification).
    pub fn of(kiosk: &KioskConfig) -> DemoSecrets {
        DemoSecrets {
            pin: pin::verify_pin(DEMO_PIN, &kiosk.operator.pin_hash),
            token: kiosk.center.token.trim() == DEMO_TOKEN,
        }
    }

    /// Whether there is none.
    pub fn none(self) -> bool {
        !self.pin && !self.token
    }
}

/// One line naming what to change, e.g. "kiosk.toml still has the demo's operator PIN (246810):
/// set your own with `idbooth config pin`".
impl fmt::Display for DemoSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.pin, self.token) {
            (true, true) => "the demo's operator PIN (246810) and center token",
            (true, false) => "the demo's operator PIN (246810)",
            (false, true) => "the demo's center token",
            (false, false) => return write!(f, "kiosk.toml has no demo secret"),
        };
        let mut fixes = Vec::new();
        if self.pin {
            fixes.push("a new [operator] pin_hash from `idbooth config pin`");
        }
        if self.token {
            fixes.push("this kiosk's own [center] token");
        }
        write!(
            f,
            "kiosk.toml still has {what}: set {}",
            fixes.join(" and ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> KioskConfig {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/kiosk-config/kiosk.toml");
        let text = std::fs::read_to_string(path).expect("shipped kiosk.toml");
        KioskConfig::from_toml(&text).expect("valid")
    }

    #[test]
    fn the_shipped_config_holds_both() {
        let found = DemoSecrets::of(&shipped());
        assert_eq!(
            found,
            DemoSecrets {
                pin: true,
                token: true
            }
        );
        let line = found.to_string();
        assert!(line.contains("PIN") && line.contains("token"), "{line}");
    }

    #[test]
    fn own_secrets_are_not_the_demo() {
        let mut kiosk = shipped();
        kiosk.operator.pin_hash = pin::hash_pin("482915").expect("hash");
        kiosk.center.token = "booth-sz-001-a-long-random-token".to_owned();
        assert!(DemoSecrets::of(&kiosk).none());
    }
}
