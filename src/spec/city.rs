//! Cities where a document is issued, by administrative code, read from `cities.toml`.
//!
//! A city is a municipality (by its province-level code, 北京 110000), a prefecture-level city
//! (深圳 440300) or a county-level unit that its province administers directly (仙桃 429004).
//! Provinces are listed for display only: a province is never a city.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::problem::Problem;
use crate::i18n::Language;

/// How a city sits in the administrative hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CityKind {
    /// 直辖市: Beijing, Shanghai, Tianjin, Chongqing.
    Municipality,
    /// 地级市, 地区, 自治州, 盟.
    Prefecture,
    /// A county-level unit administered directly by its province (省直辖县级行政区划).
    CountyLevel,
}

/// One city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct City {
    /// Six-digit administrative code.
    pub code: String,
    /// Name in Chinese (深圳市).
    pub name: String,
    /// The place's name in pinyin (Shenzhen), for applicants who do not read Chinese; `None`
    /// when `cities.toml` has none (it is added by `kiosk-config/tools/latin-cities.py`).
    pub latin: Option<String>,
    /// Code of its province (440000).
    pub province_code: String,
    /// Place in the hierarchy.
    pub kind: CityKind,
}

/// All cities and provinces, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Cities {
    provinces: BTreeMap<String, String>,
    cities: Vec<City>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCities {
    provinces: BTreeMap<String, String>,
    cities: BTreeMap<String, RawCity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: String,
    #[serde(default)]
    latin: Option<String>,
    province: String,
    kind: CityKind,
}

/// A letter of a name in pinyin: ASCII letters, ü, and the marks between syllables and words.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'ü' | 'Ü' | '\'' | ' ' | '-')
}

impl City {
    /// The name an applicant reading `lang` knows: the Chinese one in a language written in
    /// Chinese characters, else the pinyin with the Chinese after it (Shenzhen 深圳市: the
    /// receipt and the office's staff name it in Chinese).
    pub fn name_in(&self, lang: Language) -> String {
        match (&self.latin, lang.han()) {
            (Some(latin), false) => format!("{latin} {}", self.name),
            _ => self.name.clone(),
        }
    }
}

fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

impl Cities {
    /// Parses and validates the text of `cities.toml`.
    pub fn from_toml(text: &str) -> Result<Self, Problem> {
        let raw: RawCities = toml::from_str(text)?;
        for code in raw.provinces.keys() {
            if !is_code(code) || !code.ends_with("0000") {
                return Err(Problem::invalid(
                    format!("provinces.{code}"),
                    "a province code has six digits ending in 0000",
                ));
            }
        }
        let mut cities = Vec::with_capacity(raw.cities.len());
        for (code, city) in raw.cities {
            let key = format!("cities.{code}");
            if !is_code(&code) {
                return Err(Problem::invalid(key, "a city code has six digits"));
            }
            if !raw.provinces.contains_key(&city.province) {
                return Err(Problem::invalid(
                    format!("{key}.province"),
                    format!("{} is not a province listed in [provinces]", city.province),
                ));
            }
            if code[..2] != city.province[..2] {
                return Err(Problem::invalid(
                    format!("{key}.province"),
                    format!("city {code} cannot belong to province {}", city.province),
                ));
            }
            let is_province_code = code.ends_with("0000");
            if is_province_code != (city.kind == CityKind::Municipality) {
                return Err(Problem::invalid(
                    key,
                    "only a municipality uses its province-level code; a province is never a city",
                ));
            }
            let placeholder = [
                "市辖区",
                "县",
                "省直辖县级行政区划",
                "自治区直辖县级行政区划",
            ];
            if city.name.trim().is_empty() || placeholder.contains(&city.name.as_str()) {
                return Err(Problem::invalid(
                    format!("{key}.name"),
                    format!("{:?} is not the name of a city", city.name),
                ));
            }
            if city
                .latin
                .as_deref()
                .is_some_and(|l| l.trim().is_empty() || !l.chars().all(is_latin))
            {
                return Err(Problem::invalid(
                    format!("{key}.latin"),
                    format!(
                        "{:?} is not a name in Latin letters",
                        city.latin.unwrap_or_default()
                    ),
                ));
            }
            cities.push(City {
                code,
                name: city.name,
                latin: city.latin,
                province_code: city.province,
                kind: city.kind,
            });
        }
        if cities.is_empty() {
            return Err(Problem::invalid("cities", "no city is configured"));
        }
        Ok(Cities {
            provinces: raw.provinces,
            cities,
        })
    }

    /// Every city, ordered by code.
    ///
    /// (See [`City::name_in`] for the name an applicant reads.)
    pub fn all(&self) -> &[City] {
        &self.cities
    }

    /// The city with this code; `None` for a province, a district, or an unknown code.
    pub fn get(&self, code: &str) -> Option<&City> {
        self.cities
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.cities[i])
    }

    /// Why `code` is not a city, in words for a person: a province, a district of a city, or
    /// unknown.
    pub fn explain_not_a_city(&self, code: &str) -> String {
        if !is_code(code) {
            return format!("{code:?} is not a six-digit city code");
        }
        if let Some(province) = self.provinces.get(code) {
            return format!(
                "{code} is the province {province}, not a city; choose one of its cities"
            );
        }
        let prefecture = format!("{}00", &code[..4]);
        if let Some(city) = self.get(&prefecture) {
            return format!(
                "{code} is a district or county of {}; use the city code {prefecture}",
                city.name
            );
        }
        format!("{code} is not a city in cities.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[provinces]
"110000" = "北京市"
"420000" = "湖北省"
"440000" = "广东省"

[cities]
"110000" = { name = "北京市", province = "110000", kind = "municipality" }
"429004" = { name = "仙桃市", province = "420000", kind = "county_level" }
"440300" = { name = "深圳市", latin = "Shenzhen", province = "440000", kind = "prefecture" }
"#;

    #[test]
    fn an_applicant_who_reads_no_chinese_sees_the_pinyin_first() {
        let cities = Cities::from_toml(SAMPLE).expect("valid");
        let shenzhen = cities.get("440300").expect("a city");
        assert_eq!(shenzhen.name_in(Language::EN), "Shenzhen 深圳市");
        assert_eq!(shenzhen.name_in(Language::ZH_CN), "深圳市");
        // Without a Latin name in the file, the Chinese one.
        let xiantao = cities.get("429004").expect("a city");
        assert_eq!(xiantao.name_in(Language::EN), "仙桃市");
        let bad = SAMPLE.replace("latin = \"Shenzhen\"", "latin = \"深圳\"");
        let err = Cities::from_toml(&bad).expect_err("not Latin letters");
        assert!(err.to_string().contains("cities.440300.latin"), "{err}");
        let lu = SAMPLE.replace("latin = \"Shenzhen\"", "latin = \"Lüliang-Xi'an\"");
        assert!(Cities::from_toml(&lu).is_ok());
    }

    #[test]
    fn the_shipped_cities_all_have_their_pinyin() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/cities.toml"),
        )
        .expect("the shipped cities.toml");
        let cities = Cities::from_toml(&text).expect("valid");
        let named = |code: &str| cities.get(code).and_then(|c| c.latin.clone());
        assert!(cities.all().iter().all(|c| c.latin.is_some()));
        // Read by phrase, not character by character: 重庆 is not Zhongqing.
        assert_eq!(named("500000").as_deref(), Some("Chongqing"));
        assert_eq!(named("350200").as_deref(), Some("Xiamen"));
        assert_eq!(named("341500").as_deref(), Some("Lu'an"));
    }

    #[test]
    fn looks_up_cities_by_code() {
        let cities = Cities::from_toml(SAMPLE).expect("valid");
        assert_eq!(
            cities.get("440300").map(|c| c.name.as_str()),
            Some("深圳市")
        );
        assert_eq!(
            cities.get("110000").map(|c| c.kind),
            Some(CityKind::Municipality)
        );
        assert_eq!(
            cities.get("429004").map(|c| c.kind),
            Some(CityKind::CountyLevel)
        );
        assert!(cities.get("440000").is_none(), "a province is not a city");
        assert!(cities.get("440304").is_none(), "a district is not a city");
    }

    #[test]
    fn explains_why_a_code_is_not_a_city() {
        let cities = Cities::from_toml(SAMPLE).expect("valid");
        assert!(
            cities
                .explain_not_a_city("440000")
                .contains("province 广东省")
        );
        assert!(
            cities
                .explain_not_a_city("440304")
                .contains("use the city code 440300")
        );
        assert!(cities.explain_not_a_city("999999").contains("not a city"));
    }

    #[test]
    fn a_province_listed_as_a_city_is_refused() {
        let text = SAMPLE.replace(
            r#""440300" = { name = "深圳市""#,
            r#""440000" = { name = "广东省", province = "440000", kind = "prefecture" }
"440300" = { name = "深圳市""#,
        );
        match Cities::from_toml(&text) {
            Err(Problem::Invalid { key, .. }) => assert_eq!(key, "cities.440000"),
            other => panic!("expected the province to be refused, got {other:?}"),
        }
    }

    #[test]
    fn placeholder_rows_are_refused() {
        let text = SAMPLE.replace("仙桃市", "市辖区");
        assert!(matches!(
            Cities::from_toml(&text),
            Err(Problem::Invalid { .. })
        ));
    }
}
