//! The applicant's name as it stands on the document: Chinese characters (with "·" between the
//! parts of many minority and transliterated names), or Latin letters for foreigners.

use std::fmt;

/// Why a typed name is not acceptable, in words an applicant understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Nothing was typed.
    #[error("the name is empty")]
    Empty,
    /// Longer than any document prints.
    #[error("the name has {0} characters; at most {1} fit on the document")]
    TooLong(usize, usize),
    /// A digit, symbol or emoji.
    #[error("the name contains {0:?}; use only Chinese characters, or only Latin letters")]
    Character(char),
    /// Chinese and Latin in one name.
    #[error("write the name either in Chinese characters or in Latin letters, not both")]
    Mixed,
    /// "·" at an end or twice in a row.
    #[error("\"·\" goes only between two parts of the name")]
    Separator,
}

/// A valid name, normalized: one kind of middle dot, single spaces, Latin in capitals.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

const MAX_CHINESE: usize = 30;
const MAX_LATIN: usize = 60;

/// CJK ideographs, including the rarer extension blocks that names do use.
fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0x30000..=0x3134F | 0xF900..=0xFAFF | 0x3007)
}

/// The dots people type for the separator in 买买提·吐尔逊, all read as U+00B7.
fn is_dot(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '．' | '.' | '･' | '∙' | '⋅')
}

impl Name {
    /// Checks and normalizes a typed name.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        let mut out = String::new();
        let (mut han, mut latin) = (false, false);
        for c in text.trim().chars() {
            if is_dot(c) {
                out.push('·');
            } else if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else if is_han(c) {
                han = true;
                out.push(c);
            } else if c.is_alphabetic() && (c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(&c)) {
                latin = true;
                out.extend(c.to_uppercase());
            } else if c == '-' || c == '\'' {
                out.push(c);
            } else {
                return Err(NameError::Character(c));
            }
        }
        if out.is_empty() {
            return Err(NameError::Empty);
        }
        if han && latin {
            return Err(NameError::Mixed);
        }
        if han {
            // Spaces inside a Chinese name are typing slips, not part of the name.
            out.retain(|c| c != ' ');
        }
        let count = out.chars().count();
        let max = if han { MAX_CHINESE } else { MAX_LATIN };
        if count > max {
            return Err(NameError::TooLong(count, max));
        }
        if !han && !latin {
            return Err(NameError::Character(out.chars().next().unwrap_or('?')));
        }
        if out.starts_with('·') || out.ends_with('·') || out.contains("··") {
            return Err(NameError::Separator);
        }
        Ok(Name(out))
    }

    /// The name as typed, normalized.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as the receipt shows it: first and last character kept, the rest as `*`,
    /// separators kept (张*三, 张*, 阿***·****提).
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let last = chars.len() - 1;
        chars
            .iter()
            .enumerate()
            .map(|(i, &c)| match c {
                '·' | ' ' | '-' => c,
                _ if i == 0 || (i == last && last >= 2) => c,
                _ => '*',
            })
            .collect()
    }
}

/// A name is PII: Debug shows it masked so it never lands in a log whole.
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_and_dots() {
        assert_eq!(Name::parse(" 张三 ").map(|n| n.0), Ok("张三".into()));
        assert_eq!(
            Name::parse("买买提•吐尔逊").map(|n| n.0),
            Ok("买买提·吐尔逊".into())
        );
        assert_eq!(Name::parse("欧阳 小明").map(|n| n.0), Ok("欧阳小明".into()));
        assert_eq!(Name::parse("·张三"), Err(NameError::Separator));
        assert_eq!(Name::parse("张··三"), Err(NameError::Separator));
    }

    #[test]
    fn latin_names_are_capitalised() {
        assert_eq!(
            Name::parse("John  O'Neil-Smith").map(|n| n.0),
            Ok("JOHN O'NEIL-SMITH".into())
        );
    }

    #[test]
    fn refusals_name_the_problem() {
        assert_eq!(Name::parse("   "), Err(NameError::Empty));
        assert_eq!(Name::parse("张3"), Err(NameError::Character('3')));
        assert_eq!(Name::parse("张San"), Err(NameError::Mixed));
        assert_eq!(Name::parse("😀"), Err(NameError::Character('😀')));
        assert_eq!(
            Name::parse("\u{1b}[31m"),
            Err(NameError::Character('\u{1b}'))
        );
        let long = "张".repeat(31);
        assert_eq!(Name::parse(&long), Err(NameError::TooLong(31, 30)));
    }

    #[test]
    fn masking_keeps_first_and_last() {
        let mask = |s: &str| Name::parse(s).map(|n| n.masked());
        assert_eq!(mask("张三"), Ok("张*".into()));
        assert_eq!(mask("张小三"), Ok("张*三".into()));
        assert_eq!(mask("买买提·吐尔逊"), Ok("买**·**逊".into()));
        assert!(!format!("{:?}", Name::parse("张小三")).contains('小'));
    }
}
