//! One language's texts, read from its TOML file into dotted keys.

use std::collections::BTreeMap;

/// The texts of one language.
pub(super) struct Catalog {
    /// Its tag.
    pub tag: String,
    /// Text by dotted key (`advice.move_closer`).
    pub texts: BTreeMap<String, String>,
    /// Why the file could not be read whole, if it could not.
    pub error: Option<String>,
}

impl Catalog {
    /// Reads a language's file. A file that is not TOML of strings keeps what could be read
    /// and says what was wrong: the screens fall back to the base language's words.
    pub fn parse(tag: &str, text: &str) -> Catalog {
        let mut catalog = Catalog {
            tag: tag.to_owned(),
            texts: BTreeMap::new(),
            error: None,
        };
        match text.parse::<toml::Table>() {
            Ok(table) => catalog.flatten("", &table),
            Err(e) => {
                let first = e.message().lines().next().unwrap_or("invalid TOML");
                catalog.error = Some(first.to_owned());
            }
        }
        catalog
    }

    fn flatten(&mut self, prefix: &str, table: &toml::Table) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::String(s) => {
                    self.texts.insert(path, s.clone());
                }
                toml::Value::Table(t) => self.flatten(&path, t),
                other => {
                    self.error.get_or_insert_with(|| {
                        format!("{path} is a {}, not a text", other.type_str())
                    });
                }
            }
        }
    }

    /// The text of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }
}
