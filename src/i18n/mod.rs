//! Every word the booth shows or prints, in every language it speaks.
//!
//! The texts live in `assets/i18n/<tag>.toml`, one file per language, one key per string
//! (`[advice] move_closer = "请靠近一点"`). `build.rs` embeds every file it finds there, so the
//! binary needs no assets at run time and adding a language (`zh-Hant.toml`) is one file.
//! `zh-CN` is the base: a key another language lacks is shown in Chinese, and [`problems`]
//! (run by `config check` and a unit test) names each key missing or left over.
//!
//! A text may hold named placeholders, `{n}`, that [`Language::fill`] replaces.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

mod catalog;
pub mod font;
mod message;

pub use message::Message;

use catalog::Catalog;

/// A language the booth speaks: one of the files of `assets/i18n`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(u8);

// The languages found in `assets/i18n` (`Language::ZH_CN`, `Language::EN`, …) and their texts.
include!(concat!(env!("OUT_DIR"), "/languages.rs"));

fn catalogs() -> &'static [Catalog] {
    static CATALOGS: OnceLock<Vec<Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        FILES
            .iter()
            .map(|(tag, text)| Catalog::parse(tag, text))
            .collect()
    })
}

impl Language {
    /// The language every other one falls back to, and the booth's own.
    pub const BASE: Language = Language(0);

    /// Every language, the base first.
    pub fn all() -> impl Iterator<Item = Language> {
        (0..FILES.len()).filter_map(|i| u8::try_from(i).ok().map(Language))
    }

    /// Its tag (`zh-CN`, `en`), the name of its file and the word in `kiosk.toml`.
    pub fn tag(self) -> &'static str {
        FILES
            .get(usize::from(self.0))
            .map_or("zh-CN", |(tag, _)| tag)
    }

    /// The language of a tag.
    pub fn from_tag(tag: &str) -> Result<Language, UnknownLanguage> {
        Language::all()
            .find(|l| l.tag() == tag)
            .ok_or_else(|| UnknownLanguage(tag.to_owned()))
    }

    /// Its name in itself (`中文`, `English`), for the language buttons.
    pub fn name(self) -> &'static str {
        self.t("language.name")
    }

    /// Whether it is written in Chinese characters: then names from the configuration
    /// (documents, cities) are shown in their Chinese form, else in their Latin one.
    pub fn han(self) -> bool {
        self.t("language.script") == "han"
    }

    /// The text of `key`; the base language's when this one lacks it, the key itself when no
    /// language has it (a unit test keeps every key the code names in the base).
    pub fn t(self, key: &str) -> &'static str {
        self.try_t(key).unwrap_or_else(|| {
            tracing::warn!(key, "no text for this key");
            leak_key(key)
        })
    }

    /// The text of `key` if this language or the base has it.
    pub fn try_t(self, key: &str) -> Option<&'static str> {
        let all = catalogs();
        all.get(usize::from(self.0))
            .and_then(|c| c.get(key))
            .or_else(|| all.first().and_then(|c| c.get(key)))
    }

    /// The text of `key` with its placeholders filled: `fill("pin.locked", &[("left", &3)])`.
    pub fn fill(self, key: &str, args: &[(&str, &dyn fmt::Display)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// The next language, for a button that goes round them all.
    pub fn next(self) -> Language {
        let n = FILES.len().max(1);
        Language(u8::try_from((usize::from(self.0) + 1) % n).unwrap_or(0))
    }
}

/// The key itself, kept for the rest of the run (a missing key is a bug the tests catch; this
/// only keeps the screen from going blank).
fn leak_key(key: &str) -> &'static str {
    static MISSING: OnceLock<std::sync::Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut seen = MISSING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = seen.get(key) {
        return known;
    }
    let leaked: &'static str = Box::leak(key.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

impl Default for Language {
    fn default() -> Self {
        Language::BASE
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Language::from_tag(&tag).map_err(serde::de::Error::custom)
    }
}

/// A tag no file of `assets/i18n` has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {:?}: the booth speaks {}", .0, known())]
pub struct UnknownLanguage(pub String);

fn known() -> String {
    Language::all()
        .map(Language::tag)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Something wrong with the texts of a language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// The file is not TOML of strings.
    #[error("assets/i18n/{tag}.toml: {message}")]
    Unreadable {
        /// The language.
        tag: String,
        /// What the parser said.
        message: String,
    },
    /// A key of the base language this one lacks (its screens show Chinese there).
    #[error("assets/i18n/{tag}.toml has no {key} (the base zh-CN.toml has it)")]
    Missing {
        /// The language.
        tag: String,
        /// The dotted key.
        key: String,
    },
    /// A key the base language does not have (a typo, or a text no screen shows).
    #[error("assets/i18n/{tag}.toml has {key}, which the base zh-CN.toml does not")]
    Extra {
        /// The language.
        tag: String,
        /// The dotted key.
        key: String,
    },
    /// The text names other placeholders than the base's.
    #[error("assets/i18n/{tag}.toml: {key} has the placeholders {found:?}, the base has {base:?}")]
    Placeholders {
        /// The language.
        tag: String,
        /// The dotted key.
        key: String,
        /// Its placeholders.
        found: BTreeSet<String>,
        /// The base's placeholders.
        base: BTreeSet<String>,
    },
}

/// Everything wrong with the texts: each language against the base, key by key.
pub fn problems() -> Vec<TextProblem> {
    let all = catalogs();
    let mut out: Vec<TextProblem> = all
        .iter()
        .filter_map(|c| {
            c.error.as_ref().map(|message| TextProblem::Unreadable {
                tag: c.tag.clone(),
                message: message.clone(),
            })
        })
        .collect();
    let Some(base) = all.first() else {
        return out;
    };
    for other in all.iter().skip(1) {
        out.extend(compare(base, other));
    }
    out
}

fn compare(base: &Catalog, other: &Catalog) -> Vec<TextProblem> {
    let tag = || other.tag.clone();
    let mut out = Vec::new();
    for (key, text) in &base.texts {
        match other.texts.get(key) {
            None => out.push(TextProblem::Missing {
                tag: tag(),
                key: key.clone(),
            }),
            Some(theirs) => {
                let (found, base) = (placeholders(theirs), placeholders(text));
                if found != base {
                    out.push(TextProblem::Placeholders {
                        tag: tag(),
                        key: key.clone(),
                        found,
                        base,
                    });
                }
            }
        }
    }
    out.extend(
        other
            .texts
            .keys()
            .filter(|k| !base.texts.contains_key(*k))
            .map(|key| TextProblem::Extra {
                tag: tag(),
                key: key.clone(),
            }),
    );
    out
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_owned());
        }
        rest = &rest[close + 1..];
    }
    out
}

/// Every key of the base language, for the tests that hold the code's keys against it.
pub fn keys() -> BTreeMap<&'static str, &'static str> {
    catalogs()
        .first()
        .map(|c| {
            c.texts
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
