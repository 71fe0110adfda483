//! Finds where in a TOML text a key stands, so a config error names its line.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte span of the value (or, for a table, of its key) at a dotted key path like
/// `documents.passport.kb`; `None` when the path does not exist (the caller then names line 1).
pub(crate) fn span_of(text: &str, dotted: &str) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut found = None;
    for part in dotted.split('.') {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == part)?;
        match value.get_ref() {
            DeValue::Table(inner) => {
                found = Some(key.span());
                table = inner;
            }
            _ => return Some(value.span()),
        }
    }
    found
}

/// The dotted path of the deepest key whose entry contains `offset`.
pub(crate) fn key_at(text: &str, offset: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    find_key(root.get_ref(), offset, &mut path);
    if path.is_empty() {
        None
    } else {
        Some(path.join("."))
    }
}

/// Pushes onto `path` the keys leading to `offset`; returns whether the table holds it.
fn find_key(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table.iter() {
        let (k, v) = (key.span(), value.span());
        let inside = (k.start.min(v.start)..k.end.max(v.end).max(k.start + 1)).contains(&offset);
        path.push(key.get_ref().to_string());
        match value.get_ref() {
            // A `[header]` table's span covers only its header; its entries stand further down.
            DeValue::Table(inner) if find_key(inner, offset, path) => return true,
            _ if inside => return true,
            _ => {}
        }
        path.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[a]\nx = 1\n\n[b.c]\ny = [1, 2]\nz = \"q\"\n";

    #[test]
    fn finds_lines_of_keys() {
        let line = |key| span_of(TEXT, key).map(|s| line_of(TEXT, s.start));
        assert_eq!(line("a.x"), Some(2));
        assert_eq!(line("b.c.y"), Some(5));
        assert_eq!(line("b.c.z"), Some(6));
        assert_eq!(line("b.c"), Some(4));
        assert_eq!(line("b.c.missing"), None);
    }

    #[test]
    fn names_the_key_at_an_offset() {
        let offset = TEXT.find("[1, 2]").expect("in text") + 1;
        assert_eq!(key_at(TEXT, offset).as_deref(), Some("b.c.y"));
        let offset = TEXT.find("x = 1").expect("in text");
        assert_eq!(key_at(TEXT, offset).as_deref(), Some("a.x"));
    }
}
