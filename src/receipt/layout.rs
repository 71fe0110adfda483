//! Receipt layouts from `kiosk-config/receipts.toml`: receipts differ by document and by city,
//! as the real ones do. `[layouts.default]` sets every key; any other `[layouts.<name>]` names a
//! `document`, a `city` or both, and changes only the keys it sets. The most specific layout
//! wins: document and city, then document, then city, then the default. Pure: parsed from text.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::i18n::Language;
use crate::spec::Problem;

/// A line of details on the receipt, below the number and the codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 图像号 (left out when the center gave none).
    ImageNo,
    /// 业务类型.
    Document,
    /// 受理城市.
    City,
    /// 姓名, masked.
    Name,
    /// 身份证号, masked.
    IdNumber,
    /// 采集时间, local time to the minute.
    TakenAt,
    /// 照片有效期至: the last day the photo can be used (left out when unknown).
    ValidUntil,
    /// 设备编号.
    KioskId,
}

impl Field {
    /// The label printed before the value.
    pub fn label(self, lang: Language) -> &'static str {
        lang.t(self.key())
    }

    /// The label's key in the language files.
    pub fn key(self) -> &'static str {
        match self {
            Field::ImageNo => "receipt.image_no",
            Field::Document => "receipt.document",
            Field::City => "receipt.city",
            Field::Name => "receipt.name",
            Field::IdNumber => "receipt.id_number",
            Field::TakenAt => "receipt.taken_at",
            Field::ValidUntil => "receipt.valid_until",
            Field::KioskId => "receipt.kiosk_id",
        }
    }
}

/// What one receipt looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The title, printed double size.
    pub title: String,
    /// The detail lines, in order.
    pub fields: Vec<Field>,
    /// Short notes at the foot, one line each.
    pub notes: Vec<String>,
    /// Print the dithered photo.
    pub thumbnail: bool,
}

impl Default for Layout {
    /// The layout when `receipts.toml` is absent (the shipped default says the same).
    fn default() -> Self {
        Layout {
            title: Language::BASE.t("receipt.title").into(),
            fields: vec![
                Field::ImageNo,
                Field::Document,
                Field::City,
                Field::Name,
                Field::IdNumber,
                Field::TakenAt,
                Field::ValidUntil,
                Field::KioskId,
            ],
            notes: vec![Language::BASE.t("receipt.note").into()],
            thumbnail: true,
        }
    }
}

/// One `[layouts.<name>]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    document: Option<String>,
    city: Option<String>,
    title: Option<String>,
    fields: Option<Vec<Field>>,
    notes: Option<Vec<String>>,
    thumbnail: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    layouts: BTreeMap<String, RawLayout>,
}

/// A layout for some documents or cities: the keys it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    name: String,
    document: Option<String>,
    city: Option<String>,
    title: Option<String>,
    fields: Option<Vec<Field>>,
    notes: Option<Vec<String>>,
    thumbnail: Option<bool>,
}

/// All layouts of `receipts.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layouts {
    default: Layout,
    overrides: Vec<Override>,
}

/// Widest title: eight Chinese characters fill 58 mm paper at double width (8 × 48 = 384 dots).
const MAX_TITLE: usize = 8;
const MAX_NOTE: usize = 120;

impl Layouts {
    /// Parses and validates `receipts.toml` (document ids and city codes are checked against
    /// the other files by `ops::config`).
    pub fn from_toml(text: &str) -> Result<Layouts, Problem> {
        let mut raw: RawFile = toml::from_str(text)?;
        let default = raw
            .layouts
            .remove("default")
            .ok_or_else(|| Problem::invalid("layouts", "[layouts.default] is missing"))?;
        let key = |name: &str, k: &str| format!("layouts.{name}.{k}");
        let missing = |k: &str| {
            Problem::invalid(
                key("default", k),
                "the default layout sets every key (missing here)",
            )
        };
        if default.document.is_some() || default.city.is_some() {
            return Err(Problem::invalid(
                "layouts.default",
                "the default layout is for every document and city; give it no document or city",
            ));
        }
        let default = Layout {
            title: default
                .title
                .ok_or_else(|| Problem::invalid("layouts.default", "title is missing"))?,
            fields: default.fields.ok_or_else(|| missing("fields"))?,
            notes: default.notes.ok_or_else(|| missing("notes"))?,
            thumbnail: default.thumbnail.ok_or_else(|| missing("thumbnail"))?,
        };
        check(
            "default",
            Some(&default.title),
            Some(&default.fields),
            Some(&default.notes),
        )?;
        let mut overrides: Vec<Override> = Vec::new();
        for (name, l) in raw.layouts {
            if l.document.is_none() && l.city.is_none() {
                return Err(Problem::invalid(
                    format!("layouts.{name}"),
                    "name a document, a city or both (only [layouts.default] is for all)",
                ));
            }
            check(&name, l.title.as_ref(), l.fields.as_ref(), l.notes.as_ref())?;
            if let Some(same) = overrides
                .iter()
                .find(|o| o.document == l.document && o.city == l.city)
            {
                return Err(Problem::invalid(
                    format!("layouts.{name}"),
                    format!("the same document and city as [layouts.{}]", same.name),
                ));
            }
            overrides.push(Override {
                name,
                document: l.document,
                city: l.city,
                title: l.title,
                fields: l.fields,
                notes: l.notes,
                thumbnail: l.thumbnail,
            });
        }
        Ok(Layouts { default, overrides })
    }

    /// The document ids and city codes the layouts name, with the key each stands at, for the
    /// cross-check against `documents.toml` and `cities.toml`.
    pub fn references(&self) -> impl Iterator<Item = (String, Option<&str>, Option<&str>)> {
        self.overrides.iter().map(|o| {
            (
                format!("layouts.{}", o.name),
                o.document.as_deref(),
                o.city.as_deref(),
            )
        })
    }

    /// The layout of a receipt for `document` issued in `city`.
    pub fn for_receipt(&self, document: &str, city: &str) -> Layout {
        let applies = |o: &&Override| {
            o.document.as_deref().is_none_or(|d| d == document)
                && o.city.as_deref().is_none_or(|c| c == city)
        };
        // Least specific first, so the most specific is applied last and wins.
        let mut matching: Vec<&Override> = self.overrides.iter().filter(applies).collect();
        matching.sort_by_key(|o| {
            (
                o.document.is_some(),
                o.city.is_some() && o.document.is_some(),
            )
        });
        let mut layout = self.default.clone();
        for o in matching {
            if let Some(title) = &o.title {
                layout.title.clone_from(title);
            }
            if let Some(fields) = &o.fields {
                layout.fields.clone_from(fields);
            }
            if let Some(notes) = &o.notes {
                layout.notes.clone_from(notes);
            }
            if let Some(thumbnail) = o.thumbnail {
                layout.thumbnail = thumbnail;
            }
        }
        layout
    }
}

fn check(
    name: &str,
    title: Option<&String>,
    fields: Option<&Vec<Field>>,
    notes: Option<&Vec<String>>,
) -> Result<(), Problem> {
    let key = |k: &str| format!("layouts.{name}.{k}");
    let printable = |s: &str| !s.chars().any(char::is_control);
    if let Some(title) = title {
        let n = title.chars().count();
        if n == 0 || n > MAX_TITLE || !printable(title) {
            return Err(Problem::invalid(
                key("title"),
                format!(
                    "1 to {MAX_TITLE} characters, no control characters (it prints double size on 58 mm paper)"
                ),
            ));
        }
    }
    if let Some(fields) = fields {
        for (i, f) in fields.iter().enumerate() {
            if fields[..i].contains(f) {
                return Err(Problem::invalid(
                    key("fields"),
                    format!("{} is listed twice", f.label(Language::BASE)),
                ));
            }
        }
    }
    if notes.is_some_and(|notes| {
        notes
            .iter()
            .any(|n| n.chars().count() > MAX_NOTE || !printable(n))
    }) {
        return Err(Problem::invalid(
            key("notes"),
            format!("each note is one line of at most {MAX_NOTE} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../kiosk-config/receipts.toml");

    #[test]
    fn the_shipped_file_parses_and_its_default_is_the_built_in_one() {
        let layouts = Layouts::from_toml(SHIPPED).expect("valid");
        assert_eq!(
            layouts.for_receipt("resident_id", "110000"),
            Layout::default()
        );
        let shenzhen = layouts.for_receipt("passport", "440300");
        assert!(shenzhen.notes[0].contains("深圳"), "{shenzhen:?}");
        let licence = layouts.for_receipt("driving_licence", "440300");
        assert_eq!(licence.title, "驾驶证照片回执");
    }

    #[test]
    fn the_most_specific_layout_wins() {
        let layouts = Layouts::from_toml(
            r#"
            [layouts.default]
            title = "回执"
            fields = ["name", "city"]
            notes = ["默认"]
            thumbnail = true

            [layouts.licence]
            document = "driving_licence"
            title = "驾驶证回执"
            thumbnail = false

            [layouts.shanghai]
            city = "310000"
            notes = ["上海"]

            [layouts.licence_shanghai]
            document = "driving_licence"
            city = "310000"
            notes = ["上海车管所"]
            "#,
        )
        .expect("valid");
        let l = layouts.for_receipt("passport", "440300");
        assert_eq!(
            (l.title.as_str(), l.notes[0].as_str(), l.thumbnail),
            ("回执", "默认", true)
        );
        let l = layouts.for_receipt("driving_licence", "440300");
        assert_eq!(
            (l.title.as_str(), l.notes[0].as_str(), l.thumbnail),
            ("驾驶证回执", "默认", false)
        );
        let l = layouts.for_receipt("passport", "310000");
        assert_eq!((l.title.as_str(), l.notes[0].as_str()), ("回执", "上海"));
        let l = layouts.for_receipt("driving_licence", "310000");
        assert_eq!(
            (l.title.as_str(), l.notes[0].as_str(), l.thumbnail),
            ("驾驶证回执", "上海车管所", false)
        );
        assert_eq!(
            l.fields,
            vec![Field::Name, Field::City],
            "unset keys come from the default"
        );
    }

    fn problem(text: &str) -> String {
        Layouts::from_toml(text).expect_err("invalid").to_string()
    }

    #[test]
    fn mistakes_name_their_key() {
        let default =
            "[layouts.default]\ntitle = \"回执\"\nfields = []\nnotes = []\nthumbnail = true\n";
        assert!(
            problem("[layouts.x]\ncity = \"310000\"\n").contains("[layouts.default] is missing")
        );
        assert!(
            problem(&format!(
                "{default}[layouts.x]\ntitel = \"a\"\ncity = \"310000\"\n"
            ))
            .contains("titel")
        );
        assert!(
            problem(&format!("{default}[layouts.x]\ntitle = \"a\"\n"))
                .starts_with("layouts.x: name a document")
        );
        assert!(
            problem(&format!(
                "{default}[layouts.x]\ncity = \"1\"\ntitle = \"数字相片采集回执单\"\n"
            ))
            .starts_with("layouts.x.title: 1 to 8")
        );
        assert!(
            problem(&format!(
                "{default}[layouts.x]\ncity = \"1\"\nfields = [\"name\", \"name\"]\n"
            ))
            .contains("姓名 is listed twice")
        );
        assert!(
            problem(&format!(
                "{default}[layouts.x]\ncity = \"1\"\n[layouts.y]\ncity = \"1\"\n"
            ))
            .contains("the same document and city as [layouts.x]")
        );
        assert!(
            problem(&format!(
                "{default}[layouts.x]\ncity = \"1\"\nfields = [\"photo\"]\n"
            ))
            .contains("photo")
        );
        assert!(
            problem("[layouts.default]\ntitle = \"回执\"\nfields = []\nnotes = []\n")
                .starts_with("layouts.default.thumbnail")
        );
    }
}
