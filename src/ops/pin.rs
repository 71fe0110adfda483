//! The operator PIN: stored only as an argon2id PHC string, never as the PIN itself.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest PIN accepted for a new hash: a booth stands in public.
pub const MIN_PIN_DIGITS: usize = 6;
/// Longest PIN accepted.
pub const MAX_PIN_DIGITS: usize = 12;

/// A PIN that cannot be used or hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// Not 6 to 12 digits.
    #[error("pin: a PIN is {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")]
    Shape,
    /// All the same digit, or a straight run like 123456.
    #[error("pin: {0} is too easy to guess; avoid repeated digits and runs")]
    Weak(&'static str),
    /// The hasher failed (it should not).
    #[error("pin: cannot hash: {0}")]
    Hash(String),
}

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id minimum (19 MiB, 2 passes); a check takes well under a second here.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new PIN's shape and strength.
pub fn check_new_pin(pin: &str) -> Result<(), PinError> {
    let digits = pin.as_bytes();
    if !(MIN_PIN_DIGITS..=MAX_PIN_DIGITS).contains(&digits.len())
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return Err(PinError::Shape);
    }
    if digits.iter().all(|&d| d == digits[0]) {
        return Err(PinError::Weak("a repeated digit"));
    }
    let steps: Vec<i16> = digits
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(PinError::Weak("a run of digits"));
    }
    Ok(())
}

/// Hashes a PIN into an argon2id PHC string for `[operator] pin_hash`.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    check_new_pin(pin)?;
    let hash: PasswordHash = hasher()
        .hash_password(pin.as_bytes())
        .map_err(|e| PinError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `pin` matches the stored hash. A malformed hash matches nothing.
pub fn verify_pin(pin: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks that the config holds an argon2id hash and not, by mistake, the PIN itself.
pub(crate) fn check_stored_hash(stored: &str) -> Result<(), String> {
    let text = stored.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            "this looks like a PIN in plain text; store its argon2id hash instead (idbooth config pin)"
                .to_owned(),
        );
    }
    let hash = PasswordHash::new(text).map_err(|e| {
        format!("not an argon2id PHC string ({e}); make one with `idbooth config pin`")
    })?;
    if hash.algorithm.as_str() != "argon2id" {
        return Err(format!(
            "the hash uses {}, not argon2id; make one with `idbooth config pin`",
            hash.algorithm
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let hash = hash_pin("482915").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(check_stored_hash(&hash).is_ok());
        assert!(verify_pin("482915", &hash));
        assert!(!verify_pin("482916", &hash));
        assert!(!verify_pin("482915", "garbage"));
    }

    #[test]
    fn weak_and_malformed_pins_are_refused() {
        assert_eq!(check_new_pin("1234"), Err(PinError::Shape));
        assert_eq!(check_new_pin("12a456"), Err(PinError::Shape));
        assert!(matches!(check_new_pin("111111"), Err(PinError::Weak(_))));
        assert!(matches!(check_new_pin("123456"), Err(PinError::Weak(_))));
        assert!(matches!(check_new_pin("987654"), Err(PinError::Weak(_))));
        assert!(check_new_pin("482915").is_ok());
    }

    #[test]
    fn plain_text_pin_in_config_is_caught() {
        let why = check_stored_hash("482915").expect_err("plain text");
        assert!(why.contains("plain text"), "{why}");
        assert!(
            check_stored_hash("$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
                .is_err()
        );
    }
}
