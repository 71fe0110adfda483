//! One document's digital photo spec, and the catalogue read from `documents.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ordered::Ordered;
use super::problem::{Problem, ordered_pair};

/// An inclusive range of pixels, e.g. the head height a spec allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PxRange {
    /// Smallest allowed value.
    pub min: u32,
    /// Largest allowed value.
    pub max: u32,
}

impl PxRange {
    /// Whether `value` lies in the range, ends included.
    pub fn contains(&self, value: f32) -> bool {
        value >= self.min as f32 && value <= self.max as f32
    }

    /// The middle of the range: where normalization aims.
    pub fn mid(&self) -> f32 {
        (self.min as f32 + self.max as f32) / 2.0
    }
}

/// Which business a document belongs to; the booth groups its document screen by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 出入境: passport, 港澳通行证, 台湾通行证.
    ExitEntry,
    /// 居民身份证, 居住证.
    Identity,
    /// 社保卡.
    SocialSecurity,
    /// 驾驶证.
    Driving,
    /// A foreign document, e.g. a US visa.
    Foreign,
}

/// The digital photo spec of one document, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// ASCII snake_case id, as `--document` takes it (`passport`).
    pub id: String,
    /// Name in Chinese, as the applicant knows it (普通护照).
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// The business it belongs to.
    pub category: Category,
    /// Output width in pixels.
    pub width_px: u32,
    /// Output height in pixels.
    pub height_px: u32,
    /// Density written into the JPEG's JFIF header.
    pub dpi: u32,
    /// Paper size of one printed photo, width and height in mm (33×48 for 出入境).
    pub print_mm: [f32; 2],
    /// Crown-to-chin height, when the spec sets it.
    pub head_height_px: Option<PxRange>,
    /// Face width (cheek to cheek), when the spec sets it.
    pub face_width_px: Option<PxRange>,
    /// Space between the top of the image and the crown.
    pub crown_margin_px: PxRange,
    /// Where the eye line may sit, measured from the top, when the spec sets it.
    pub eye_line_px: Option<PxRange>,
    /// Background colour, sRGB.
    pub background: [u8; 3],
    /// File size window in KB (1 KB = 1,024 bytes).
    pub kb: PxRange,
    /// How long the receipt is valid, in days, unless a city says otherwise.
    pub validity_days: u32,
    /// Per-city validity in days, by city code.
    pub validity_days_by_city: BTreeMap<String, u32>,
    /// Whether the applicant may wear glasses in the photo (frames clear of the eyes, no glare
    /// on the lenses: the glare rule holds for every document).
    pub glasses_allowed: bool,
    /// Printed photos the application takes besides the receipt (出入境: one, for the paper
    /// form); 0 when the office needs none. The booth prints them when it has a photo printer.
    pub printed_photos: u32,
}

impl Spec {
    /// The file size window in bytes.
    pub fn byte_window(&self) -> (usize, usize) {
        (self.kb.min as usize * 1024, self.kb.max as usize * 1024)
    }

    /// Validity of a receipt issued for `city_code`, in days.
    pub fn validity_days_for(&self, city_code: &str) -> u32 {
        self.validity_days_by_city
            .get(city_code)
            .copied()
            .unwrap_or(self.validity_days)
    }
}

/// Every document the booth offers, in the order of `documents.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Documents {
    specs: Vec<Spec>,
}

impl Documents {
    /// Parses and validates the text of `documents.toml`.
    ///
    /// City codes in `validity_days_by_city` are checked later, against the cities, by
    /// `ops::config`, which sees both files.
    pub fn from_toml(text: &str) -> Result<Self, Problem> {
        let raw: RawDocuments = toml::from_str(text)?;
        if raw.documents.0.is_empty() {
            return Err(Problem::invalid("documents", "no document is configured"));
        }
        let specs = raw
            .documents
            .0
            .into_iter()
            .map(|(id, spec)| spec.validate(id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Documents { specs })
    }

    /// All specs, in file order.
    pub fn all(&self) -> &[Spec] {
        &self.specs
    }

    /// The spec with this id.
    pub fn get(&self, id: &str) -> Option<&Spec> {
        self.specs.iter().find(|s| s.id == id)
    }

    /// The ids, comma separated, for "expected one of" messages.
    pub fn ids(&self) -> String {
        let ids: Vec<&str> = self.specs.iter().map(|s| s.id.as_str()).collect();
        ids.join(", ")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocuments {
    documents: Ordered<RawSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    name_en: String,
    category: Category,
    width_px: u32,
    height_px: u32,
    dpi: u32,
    print_mm: [f32; 2],
    head_height_px: Option<[u32; 2]>,
    face_width_px: Option<[u32; 2]>,
    crown_margin_px: [u32; 2],
    eye_line_from_top_px: Option<[u32; 2]>,
    eye_line_from_bottom_px: Option<[u32; 2]>,
    background: String,
    kb: [u32; 2],
    validity_days: u32,
    #[serde(default)]
    validity_days_by_city: BTreeMap<String, u32>,
    #[serde(default = "allowed")]
    glasses_allowed: bool,
    #[serde(default)]
    printed_photos: u32,
}

fn allowed() -> bool {
    true
}

/// A document id is what `--document` takes and what the center receives: keep it plain.
fn is_snake_case_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !id.ends_with('_')
        && !id.contains("__")
}

impl RawSpec {
    fn validate(self, id: String) -> Result<Spec, Problem> {
        let key = |field: &str| format!("documents.{id}.{field}");
        if !is_snake_case_id(&id) {
            return Err(Problem::invalid(
                format!("documents.{id}"),
                "a document id must be ASCII snake_case, like passport or hk_macao_permit",
            ));
        }
        for (field, text) in [("name", &self.name), ("name_en", &self.name_en)] {
            if text.trim().is_empty() {
                return Err(Problem::invalid(key(field), "must not be empty"));
            }
        }
        for (field, value) in [("width_px", self.width_px), ("height_px", self.height_px)] {
            if !(16..=4000).contains(&value) {
                return Err(Problem::invalid(
                    key(field),
                    format!("{value} px is not a photo size; expected 16 to 4000"),
                ));
            }
        }
        if !(72..=1200).contains(&self.dpi) {
            return Err(Problem::invalid(
                key("dpi"),
                format!("{} dpi is out of range; expected 72 to 1200", self.dpi),
            ));
        }
        if self.print_mm.iter().any(|mm| !(10.0..=300.0).contains(mm)) {
            return Err(Problem::invalid(
                key("print_mm"),
                "each side of the print must be 10 to 300 mm",
            ));
        }

        let (w, h) = (self.width_px, self.height_px);
        let range = |field: &str, what: &str, pair: [u32; 2], limit: u32, side: &str| {
            let (min, max) = ordered_pair(&key(field), what, pair)?;
            if max > limit {
                return Err(Problem::invalid(
                    key(field),
                    format!(
                        "{what} {min}..{max} px is outside the image: the {side} is {limit} px"
                    ),
                ));
            }
            Ok(PxRange { min, max })
        };
        let head_height_px = self
            .head_height_px
            .map(|p| range("head_height_px", "head height", p, h, "height"))
            .transpose()?;
        let face_width_px = self
            .face_width_px
            .map(|p| range("face_width_px", "face width", p, w, "width"))
            .transpose()?;
        let crown_margin_px = range(
            "crown_margin_px",
            "crown margin",
            self.crown_margin_px,
            h,
            "height",
        )?;
        if let Some(head) = head_height_px
            && crown_margin_px.min + head.min > h
        {
            return Err(Problem::invalid(
                key("head_height_px"),
                format!(
                    "the smallest head ({} px) below the smallest crown margin ({} px) does not fit in {h} px",
                    head.min, crown_margin_px.min
                ),
            ));
        }
        let eye_line_px = match (self.eye_line_from_top_px, self.eye_line_from_bottom_px) {
            (Some(_), Some(_)) => {
                return Err(Problem::invalid(
                    key("eye_line_from_bottom_px"),
                    "give the eye line from the top or from the bottom, not both",
                ));
            }
            (Some(top), None) => Some(range("eye_line_from_top_px", "eye line", top, h, "height")?),
            (None, Some(bottom)) => {
                let from_bottom =
                    range("eye_line_from_bottom_px", "eye line", bottom, h, "height")?;
                Some(PxRange {
                    min: h - from_bottom.max,
                    max: h - from_bottom.min,
                })
            }
            (None, None) => None,
        };
        if let Some(eyes) = eye_line_px
            && eyes.max <= crown_margin_px.min
        {
            return Err(Problem::invalid(
                key("eye_line_from_top_px"),
                "the eye line lies above the crown",
            ));
        }

        let background = parse_hex_colour(&self.background).ok_or_else(|| {
            Problem::invalid(
                key("background"),
                format!("{:?} is not a colour like \"#FFFFFF\"", self.background),
            )
        })?;

        let (kb_min, kb_max) = ordered_pair(&key("kb"), "KB window", self.kb)?;
        if kb_min == 0 || kb_max > 10 * 1024 {
            return Err(Problem::invalid(
                key("kb"),
                format!("a KB window of {kb_min}..{kb_max} is out of range; expected 1 to 10240"),
            ));
        }
        if kb_min == kb_max {
            return Err(Problem::invalid(
                key("kb"),
                "the KB window is empty: min equals max",
            ));
        }

        if self.validity_days == 0 || self.validity_days > 3660 {
            return Err(Problem::invalid(
                key("validity_days"),
                format!(
                    "{} days is not a validity; expected 1 to 3660",
                    self.validity_days
                ),
            ));
        }
        for (city, days) in &self.validity_days_by_city {
            if *days == 0 || *days > 3660 {
                return Err(Problem::invalid(
                    format!("{}.{city}", key("validity_days_by_city")),
                    format!("{days} days is not a validity; expected 1 to 3660"),
                ));
            }
        }

        if self.printed_photos > 20 {
            return Err(Problem::invalid(
                key("printed_photos"),
                format!(
                    "{} printed photos is more than a sheet holds; expected 0 to 20",
                    self.printed_photos
                ),
            ));
        }

        Ok(Spec {
            id,
            name_zh: self.name,
            name_en: self.name_en,
            category: self.category,
            width_px: w,
            height_px: h,
            dpi: self.dpi,
            print_mm: self.print_mm,
            head_height_px,
            face_width_px,
            crown_margin_px,
            eye_line_px,
            background,
            kb: PxRange {
                min: kb_min,
                max: kb_max,
            },
            validity_days: self.validity_days,
            validity_days_by_city: self.validity_days_by_city,
            glasses_allowed: self.glasses_allowed,
            printed_photos: self.printed_photos,
        })
    }
}

fn parse_hex_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSPORT: &str = r##"
[documents.passport]
name = "普通护照"
name_en = "Passport"
category = "exit_entry"
width_px = 354
height_px = 472
dpi = 300
print_mm = [33, 48]
head_height_px = [331, 390]
face_width_px = [230, 283]
crown_margin_px = [25, 45]
eye_line_from_top_px = [176, 251]
background = "#FFFFFF"
kb = [20, 80]
validity_days = 180
"##;

    fn with(replace: &str, by: &str) -> Result<Documents, Problem> {
        assert!(PASSPORT.contains(replace), "test setup: {replace}");
        Documents::from_toml(&PASSPORT.replace(replace, by))
    }

    fn invalid_key(result: Result<Documents, Problem>) -> String {
        match result {
            Err(Problem::Invalid { key, .. }) => key,
            other => panic!("expected an invalid value, got {other:?}"),
        }
    }

    #[test]
    fn passport_parses_with_its_numbers() {
        let docs = Documents::from_toml(PASSPORT).expect("valid");
        let spec = docs.get("passport").expect("passport");
        assert_eq!((spec.width_px, spec.height_px, spec.dpi), (354, 472, 300));
        assert_eq!(spec.head_height_px, Some(PxRange { min: 331, max: 390 }));
        assert_eq!(spec.byte_window(), (20 * 1024, 80 * 1024));
        assert_eq!(spec.background, [255, 255, 255]);
    }

    #[test]
    fn kb_window_upside_down_is_named() {
        let key = invalid_key(with("kb = [20, 80]", "kb = [80, 20]"));
        assert_eq!(key, "documents.passport.kb");
    }

    #[test]
    fn head_range_outside_the_image_is_named() {
        let key = invalid_key(with(
            "head_height_px = [331, 390]",
            "head_height_px = [331, 500]",
        ));
        assert_eq!(key, "documents.passport.head_height_px");
    }

    #[test]
    fn eye_line_from_bottom_is_turned_into_from_top() {
        let docs = with(
            "eye_line_from_top_px = [176, 251]",
            "eye_line_from_bottom_px = [207, 300]",
        )
        .expect("valid");
        let eyes = docs.get("passport").and_then(|s| s.eye_line_px);
        assert_eq!(eyes, Some(PxRange { min: 172, max: 265 }));
    }

    #[test]
    fn unknown_key_is_a_syntax_problem_with_a_span() {
        match with("dpi = 300", "dpi = 300\ndpix = 1") {
            Err(Problem::Syntax { message, span }) => {
                assert!(message.contains("dpix"), "{message}");
                assert!(span.is_some());
            }
            other => panic!("expected a syntax problem, got {other:?}"),
        }
    }

    #[test]
    fn ids_must_be_snake_case() {
        let key = invalid_key(with("[documents.passport]", "[documents.Passport]"));
        assert_eq!(key, "documents.Passport");
        assert!(is_snake_case_id("hk_macao_permit"));
        assert!(!is_snake_case_id("hk-macao"));
        assert!(!is_snake_case_id("_x"));
    }

    #[test]
    fn bad_colour_is_named() {
        let key = invalid_key(with("\"#FFFFFF\"", "\"white\""));
        assert_eq!(key, "documents.passport.background");
    }

    #[test]
    fn document_order_is_file_order() {
        let two = format!(
            "{PASSPORT}\n{}",
            PASSPORT.replace("[documents.passport]", "[documents.a_first]")
        );
        let docs = Documents::from_toml(&two).expect("valid");
        let ids: Vec<&str> = docs.all().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["passport", "a_first"]);
    }
}
