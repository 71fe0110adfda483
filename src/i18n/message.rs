//! A text to show later, in whichever language is read then: a key and the values of its
//! placeholders. The event log keeps its entries so; health problems are made so.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Language;

/// A key of `assets/i18n` with its placeholders' values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The dotted key (`event.photo_taken`).
    pub key: String,
    /// Placeholder name and value, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
}

impl Message {
    /// The text of `key`, without placeholders so far.
    pub fn new(key: &str) -> Message {
        Message {
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    /// The same with `{name}` standing for `value`.
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Message {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Language) -> String {
        let args: Vec<(&str, &dyn fmt::Display)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn fmt::Display))
            .collect();
        lang.fill(&self.key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_read_in_the_language_asked_for() {
        let m = Message::new("still_there.going_back").with("left", 9);
        assert_eq!(m.text(Language::EN), "Going back to the start in 9 s");
        assert_eq!(m.text(Language::ZH_CN), "9 秒后将返回首页");
        let json = serde_json::to_string(&m).expect("serializes");
        let back: Message = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, m);
    }
}
