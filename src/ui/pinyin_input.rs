//! Chinese names typed by pinyin: the `pinyin` crate maps a character to its readings; inverted
//! over the CJK block it gives reading → characters: those most used in names first (the
//! commonest surnames, then given-name characters, each in order of use), then the 3,755 most
//! common characters (GB2312 level 1), then the rest. Also the pinyin that finds a city (深圳 by
//! "sz", "shenzhen" or "shenz").

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
            list.sort_by_key(|c| name_rank(*c));
        }
        map
    })
}

/// Surnames in order of how many people bear them (the Ministry of Public Security's published
/// ranking of the 2020 household register: 王, 李, 张, 刘, 陈 … cover most applicants).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董\
    潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷\
    龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷\
    詹申耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍\
    华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿\
    桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Characters of given names, the most used first (men's and women's names of the last decades).
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红燕鹏辉建文国云海\
    林波斌宇浩凯俊帅鑫欣婷雪琳晶颖慧佳嘉子梓涵轩睿博思雨怡晨宏志永春兰梅金荣新德光成亮飞龙东峰\
    健丹倩琴莉蓉璐瑶悦欢可一诗若馨然紫彤依妍晓小天泽昊宁安阳正振家祥福生清良忠学兵毅胜伦立卫民\
    彬坤豪锋铭航皓宸逸瑞奕琪菲薇蕾露洁玲芬凤莹茜翠秋月珍珠彩淑惠爱贞美素晴雅琦婉如梦媛丰庆宝";

/// Where `c` comes in a list of candidates: by its place among the name characters (the better
/// of its places as a surname and in given names), then GB2312's first level, then the rest.
fn name_rank(c: char) -> usize {
    static PLACES: OnceLock<HashMap<char, usize>> = OnceLock::new();
    let places = PLACES.get_or_init(|| {
        let mut places = HashMap::new();
        for list in [SURNAMES, GIVEN] {
            for (place, n) in list.chars().enumerate() {
                let best = places.entry(n).or_insert(place);
                *best = (*best).min(place);
            }
        }
        places
    });
    match places.get(&c) {
        Some(&place) => place,
        None if is_common(c) => 10_000,
        None => 20_000,
    }
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
    fn the_characters_of_names_come_first_then_the_common_ones() {
        // The commonest surnames head their syllable.
        for (syllable, surname) in [("li", '李'), ("wang", '王'), ("zhang", '张'), ("liu", '刘')]
        {
            assert_eq!(candidates(syllable)[0], surname, "{syllable}");
        }
        // A reading shared by a surname and a given-name character: both on the first row.
        let wei = candidates("wei");
        assert!(
            wei[..4].contains(&'伟') && wei[..4].contains(&'魏'),
            "{:?}",
            &wei[..4]
        );
        // Given-name characters that are not GB2312 level 1 still come before the common ones.
        let zi = candidates("zi");
        assert!(!is_common('梓'));
        assert!(zi[..3].contains(&'梓'), "{:?}", &zi[..3]);
        // After the name characters, the common before the rare.
        let zhang = candidates("zhang");
        assert!(is_common('张') && !is_common('璋'));
        let names = zhang.iter().take_while(|c| name_rank(**c) < 10_000).count();
        let first_rare = zhang
            .iter()
            .position(|c| name_rank(*c) == 20_000)
            .unwrap_or(zhang.len());
        assert!(zhang[names..first_rare].iter().all(|c| is_common(*c)));
        assert!(zhang[first_rare..].iter().all(|c| !is_common(*c)));
    }

    #[test]
    fn every_name_character_has_a_reading_and_appears_once() {
        for list in [SURNAMES, GIVEN] {
            let chars: Vec<char> = list.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                assert!(c.to_pinyin_multi().is_some(), "{c} has a reading");
                assert!(!chars[..i].contains(c), "{c} appears twice");
            }
        }
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
