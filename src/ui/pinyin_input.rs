//! Chinese names typed by pinyin: the `pinyin` crate maps a character to its readings; inverted
//! over the CJK block it gives reading → characters, the 3,755 most common (GB2312 level 1)
//! first. Also the initials that find a city (深圳 by "sz").

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

/// Characters for each plain reading, common ones first.
fn table() -> &'static HashMap<&'static str, Vec<char>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<char>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<char>> = HashMap::new();
        for c in '\u{4E00}'..='\u{9FA5}' {
            if let Some(readings) = c.to_pinyin_multi() {
                for reading in readings {
                    let list = map.entry(reading.plain()).or_default();
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
            }
        }
        for list in map.values_mut() {
            // Stable: within each level, Unicode order.
            list.sort_by_key(|c| !is_common(*c));
        }
        map
    })
}

/// Whether a character is in GB2312's first level (GBK bytes B0A1 to D7F9).
pub fn is_common(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    !unmappable
        && bytes.len() == 2
        && (0xB0..=0xD7).contains(&bytes[0])
        && bytes[1] >= 0xA1
        && !(bytes[0] == 0xD7 && bytes[1] > 0xF9)
}

/// Characters read `syllable` (plain pinyin, `ü` typed as `v`), common first.
pub fn candidates(syllable: &str) -> &'static [char] {
    let key = syllable.trim().to_lowercase().replace('v', "ü");
    table().get(key.as_str()).map_or(&[], Vec::as_slice)
}

/// Whether `query` (lowercase letters) starts the pinyin initials of `name`, any reading of
/// each character counting: 重庆 matches "cq" and "zq".
pub fn initials_match(name: &str, query: &str) -> bool {
    let query: Vec<char> = query.trim().to_lowercase().chars().collect();
    if query.is_empty() {
        return true;
    }
    let mut chars = name.chars();
    query.iter().all(|q| {
        chars.next().is_some_and(|c| match c.to_pinyin_multi() {
            Some(readings) => readings
                .into_iter()
                .any(|r| r.first_letter().starts_with(*q)),
            None => c.to_lowercase().eq(std::iter::once(*q)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_characters_come_first() {
        let zhang = candidates("zhang");
        assert!(zhang.len() > 10);
        assert!(zhang[..10].contains(&'张'), "{:?}", &zhang[..10]);
        assert!(is_common('张') && !is_common('璋'));
        let first_rare = zhang
            .iter()
            .position(|c| !is_common(*c))
            .unwrap_or(zhang.len());
        assert!(zhang[first_rare..].iter().all(|c| !is_common(*c)));
    }

    #[test]
    fn heteronyms_and_v_for_u_umlaut() {
        assert!(candidates("xing").contains(&'行') && candidates("hang").contains(&'行'));
        assert!(candidates("lv").contains(&'吕'));
        assert!(candidates("qqq").is_empty());
    }

    #[test]
    fn initials_of_cities() {
        assert!(initials_match("深圳市", "sz"));
        assert!(initials_match("重庆市", "cq") && initials_match("重庆市", "zq"));
        assert!(!initials_match("深圳市", "sx"));
        assert!(!initials_match("深圳", "szsx"));
    }
}
