//! Chinese names typed by pinyin: the `pinyin` crate maps a character to its readings; inverted
//! over the CJK block it gives reading → characters, the 3,755 most common (GB2312 level 1)
//! first. Also the pinyin that finds a city (深圳 by "sz", "shenzhen" or "shenz").

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

/// Whether `query` (letters, `ü` typed as `v`) spells the start of `name` in pinyin: each
/// character in turn by the start of one of its readings, so initials ("sz"), whole syllables
/// ("shenzhen") and a mix ("shenz", "szhen") all find 深圳. Any reading counts: 重庆 matches
/// "cq" and "zq". A character without a reading (a letter, a digit) matches itself.
pub fn pinyin_match(name: &str, query: &str) -> bool {
    let query: Vec<char> = query
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ü' { 'v' } else { c })
        .collect();
    if query.is_empty() {
        return true;
    }
    // The query positions reachable after spelling the characters so far.
    let mut reached = vec![false; query.len() + 1];
    reached[0] = true;
    for c in name.chars() {
        let readings = spellings(c);
        let mut next = vec![false; query.len() + 1];
        for at in (0..query.len()).filter(|&at| reached[at]) {
            for reading in &readings {
                let common = reading
                    .iter()
                    .zip(&query[at..])
                    .take_while(|(r, q)| r == q)
                    .count();
                next[at + 1..=at + common].fill(true);
            }
        }
        if next[query.len()] {
            return true;
        }
        if !next.contains(&true) {
            return false;
        }
        reached = next;
    }
    false
}

/// How `c` can be typed: each plain reading with `ü` as `v`, or the character itself.
fn spellings(c: char) -> Vec<Vec<char>> {
    match c.to_pinyin_multi() {
        Some(readings) => readings
            .into_iter()
            .map(|r| {
                r.plain()
                    .chars()
                    .map(|c| if c == 'ü' { 'v' } else { c })
                    .collect()
            })
            .collect(),
        None => vec![c.to_lowercase().collect()],
    }
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
    fn cities_by_initials_by_whole_pinyin_and_by_a_mix() {
        for query in ["sz", "shenzhen", "shenz", "szhen", "shenzhenshi", "SZ"] {
            assert!(pinyin_match("深圳市", query), "{query}");
        }
        assert!(pinyin_match("重庆市", "cq") && pinyin_match("重庆市", "zhongqing"));
        assert!(pinyin_match("重庆市", "chongqing"));
        assert!(pinyin_match("吕梁市", "lvliang"), "ü typed as v");
        assert!(pinyin_match("吕梁市", "lüliang"), "or as ü");
        for query in ["sx", "szsx", "shenzheng", "henzhen", "shenzhenshix"] {
            assert!(!pinyin_match("深圳市", query), "{query}");
        }
        assert!(
            pinyin_match("深圳市", ""),
            "an empty query finds every city"
        );
    }
}
