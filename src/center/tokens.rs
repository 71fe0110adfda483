//! Who may talk to the reference center: one bearer token per kiosk, and tokens for the center's
//! own reviewers. Read from a TOML file:
//!
//! ```toml
//! [kiosks]
//! booth-sz-001 = "a-long-random-token-for-this-kiosk"
//!
//! [staff]
//! reviewer = "another-long-random-token"
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A kiosk, by its id.
    Kiosk(String),
    /// A reviewer at the center, by name.
    Staff(String),
}

/// The accepted tokens.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_token: HashMap<String, Caller>,
}

/// The tokens file is unusable.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// It cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is not the expected TOML.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kiosks: HashMap<String, String>,
    #[serde(default)]
    staff: HashMap<String, String>,
}

/// Tokens shorter than this are refused: they could be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

impl Tokens {
    /// Only this kiosk's token (the demo, and `idbooth center` without `--tokens`).
    pub fn single_kiosk(kiosk_id: &str, token: &str) -> Tokens {
        let mut tokens = Tokens::default();
        tokens
            .by_token
            .insert(token.to_owned(), Caller::Kiosk(kiosk_id.to_owned()));
        tokens
    }

    /// Reads a tokens file.
    pub fn load(path: &Path) -> Result<Tokens, TokensError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Read {
            path: shown.clone(),
            source,
        })?;
        Tokens::parse(&text).map_err(|message| TokensError::Invalid {
            path: shown,
            message,
        })
    }

    /// Parses the TOML text of a tokens file.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        let mut tokens = Tokens::default();
        let all = file
            .kiosks
            .into_iter()
            .map(|(id, t)| (t, Caller::Kiosk(id)))
            .chain(file.staff.into_iter().map(|(id, t)| (t, Caller::Staff(id))));
        for (token, caller) in all {
            let who = match &caller {
                Caller::Kiosk(id) => format!("kiosks.{id}"),
                Caller::Staff(id) => format!("staff.{id}"),
            };
            if token.len() < MIN_TOKEN_LEN || token.chars().any(|c| c.is_whitespace()) {
                return Err(format!(
                    "{who}: a token must be at least {MIN_TOKEN_LEN} characters without spaces"
                ));
            }
            if tokens.by_token.insert(token, caller).is_some() {
                return Err(format!("{who}: this token is given twice"));
            }
        }
        if tokens.by_token.is_empty() {
            return Err("no tokens: add a [kiosks] table".to_owned());
        }
        Ok(tokens)
    }

    /// Whose token this is.
    pub fn caller(&self, token: &str) -> Option<&Caller> {
        self.by_token.get(token)
    }

    /// Whether any reviewer may log in.
    pub fn has_staff(&self) -> bool {
        self.by_token
            .values()
            .any(|c| matches!(c, Caller::Staff(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_file_names_kiosks_and_staff() {
        let tokens = Tokens::parse(
            "[kiosks]\nbooth-1 = \"0123456789abcdef-1\"\n[staff]\nann = \"0123456789abcdef-s\"\n",
        )
        .expect("parse");
        assert_eq!(
            tokens.caller("0123456789abcdef-1"),
            Some(&Caller::Kiosk("booth-1".into()))
        );
        assert_eq!(
            tokens.caller("0123456789abcdef-s"),
            Some(&Caller::Staff("ann".into()))
        );
        assert_eq!(tokens.caller("nope"), None);
        assert!(tokens.has_staff());
    }

    #[test]
    fn weak_or_repeated_tokens_are_refused() {
        let short = Tokens::parse("[kiosks]\nb = \"short\"\n")
            .err()
            .unwrap_or_default();
        assert!(short.contains("kiosks.b"), "{short}");
        let twice = Tokens::parse(
            "[kiosks]\na = \"0123456789abcdef\"\n[staff]\ns = \"0123456789abcdef\"\n",
        )
        .err()
        .unwrap_or_default();
        assert!(twice.contains("twice"), "{twice}");
        let typo = Tokens::parse("[kiosk]\na = \"0123456789abcdef\"\n")
            .err()
            .unwrap_or_default();
        assert!(typo.contains("kiosk"), "{typo}");
    }
}
