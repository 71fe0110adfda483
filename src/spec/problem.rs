//! What is wrong with a configuration text, said so that `ops` can point at the line.

use std::ops::Range;

/// A configuration text that cannot be used.
///
/// The pure parsers of `spec` and `ops::config` know the key path of the bad value but not the
/// file: `ops::config` adds the file name and turns the key path or span into a line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// Not valid TOML, a value of the wrong type, a missing or an unknown key.
    #[error("{message}")]
    Syntax {
        /// The parser's own words, first line only.
        message: String,
        /// Byte range of the offending text, when the parser knows it.
        span: Option<Range<usize>>,
    },
    /// The TOML is fine but a value breaks a rule of the booth.
    #[error("{key}: {message}")]
    Invalid {
        /// Dotted key path, e.g. `documents.passport.kb`.
        key: String,
        /// What is wrong and, where it helps, what would be right.
        message: String,
    },
}

impl Problem {
    /// A rule broken by the value at `key`.
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        Problem::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl From<toml::de::Error> for Problem {
    fn from(error: toml::de::Error) -> Self {
        // The toml error renders a multi-line snippet; the message alone is the one line we want.
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_owned();
        Problem::Syntax {
            message,
            span: error.span(),
        }
    }
}

/// Parses `[min, max]` pairs into an ordered range, naming the key when it is upside down.
pub(crate) fn ordered_pair<T: PartialOrd + Copy + std::fmt::Display>(
    key: &str,
    what: &str,
    pair: [T; 2],
) -> Result<(T, T), Problem> {
    let [min, max] = pair;
    if min > max {
        return Err(Problem::invalid(
            key,
            format!("the {what} is upside down: min {min} is above max {max}"),
        ));
    }
    Ok((min, max))
}
