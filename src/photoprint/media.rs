//! What paper the booth asks the photo printer for (#18): the sheet's size, no margins, and the
//! tray and paper type when configured, as one `media-col` (PWG 5100.7) where the printer takes
//! it; the `media` keyword alone where it does not. The photos sit 2 mm from the sheet's edge:
//! a printer's own margins would clip them, so a printer that cannot print without margins is
//! said to be one (in the log, on `idbooth photo print` and on the maintenance screen).

use serde::Serialize;

use super::ipp::{Collection, Response, Value};

/// The printer attributes the booth reads for this.
pub(crate) const MEDIA_ATTRIBUTES: &[&str] = &[
    "media-col-supported",
    "media-top-margin-supported",
    "media-bottom-margin-supported",
    "media-left-margin-supported",
    "media-right-margin-supported",
    "media-source-supported",
    "media-type-supported",
];

/// The four margins, as `media-col` members.
const MARGINS: [&str; 4] = [
    "media-top-margin",
    "media-bottom-margin",
    "media-left-margin",
    "media-right-margin",
];

/// The paper the booth asks for (`[photo_printer]` `media`, `media_source`, `media_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paper {
    /// The PWG media name, its size in it (`na_index-4x6_4x6in`).
    pub media: String,
    /// The tray (`media-source`, such as `photo`), if the site names one.
    pub source: Option<String>,
    /// The paper (`media-type`, such as `photographic-glossy`), if the site names one.
    pub kind: Option<String>,
}

impl Default for Paper {
    /// 6×4 in, the printer's own tray and paper type.
    fn default() -> Self {
        Paper {
            media: super::DEFAULT_MEDIA.to_owned(),
            source: None,
            kind: None,
        }
    }
}

/// The size in a PWG self-describing media name (PWG 5101.1 §5: `class_name_WxHunit`), as IPP's
/// `x-dimension` and `y-dimension` in hundredths of a millimetre: `na_index-4x6_4x6in` is
/// 10160 × 15240. `None` when the name carries no size.
pub fn media_size(media: &str) -> Option<[i32; 2]> {
    let dims = media.rsplit('_').next()?;
    let (dims, per_unit) = if let Some(d) = dims.strip_suffix("in") {
        (d, 2540.0)
    } else if let Some(d) = dims.strip_suffix("mm") {
        (d, 100.0)
    } else {
        return None;
    };
    let (w, h) = dims.split_once('x')?;
    let hundredths = |s: &str| {
        let n: f64 = s.parse().ok()?;
        let v = (n * per_unit).round();
        (n.is_finite() && v > 0.0 && v < f64::from(i32::MAX)).then_some(v as i32)
    };
    Some([hundredths(w)?, hundredths(h)?])
}

/// What a printer says it takes of `media-col` (from Get-Printer-Attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MediaSupport {
    /// It takes `media-col` with a `media-size`.
    pub media_col: bool,
    /// It takes all four margins 0 (each `media-*-margin-supported` holds 0, and
    /// `media-col-supported` names the four): the sheet can be printed without margins.
    pub zero_margins: bool,
    /// `media-source-supported`.
    pub sources: Vec<String>,
    /// `media-type-supported`.
    pub types: Vec<String>,
}

impl MediaSupport {
    /// What a printer that writes the sheet as it is (the demo's) takes: everything.
    pub fn everything() -> Self {
        MediaSupport {
            media_col: true,
            zero_margins: true,
            sources: Vec::new(),
            types: Vec::new(),
        }
    }

    /// Reads a Get-Printer-Attributes answer.
    pub(crate) fn from_response(r: &Response) -> Self {
        let keywords = |name: &str| -> Vec<String> {
            r.get(name)
                .iter()
                .filter_map(Value::text)
                .map(str::to_owned)
                .collect()
        };
        let members = keywords("media-col-supported");
        let media_col = members.iter().any(|m| m == "media-size");
        let zero_margins = media_col
            && MARGINS.iter().all(|margin| {
                members.iter().any(|m| m == margin)
                    && r.get(&format!("{margin}-supported"))
                        .iter()
                        .any(|v| v.int() == Some(0))
            });
        MediaSupport {
            media_col,
            zero_margins,
            sources: keywords("media-source-supported"),
            types: keywords("media-type-supported"),
        }
    }
}

/// How the paper is asked for in a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ask {
    /// `media` alone (the printer's margins, tray and paper type).
    Media(String),
    /// `media-col`.
    MediaCol(Collection),
}

/// What the job asks for, and what of the paper could not be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) ask: Ask,
    /// Whether the job asks for no margins.
    pub(crate) zero_margins: bool,
    /// What the printer was not asked for, in a few words each.
    pub(crate) left_out: Vec<String>,
}

/// The job's media attributes for `paper` on a printer that takes `support`. A `media-col` with
/// the size, the four margins 0, and the tray and paper type when configured and supported; when
/// the printer takes no zero margins, the printer's own margins (and `media` alone unless a tray
/// or paper type still needs `media-col`); `media` alone when it takes no `media-col` at all or
/// the name carries no size.
pub(crate) fn plan(paper: &Paper, support: &MediaSupport) -> Plan {
    let mut left_out = Vec::new();
    let size = media_size(&paper.media).filter(|_| support.media_col);
    let Some([x, y]) = size else {
        left_out.push("zero margins".to_owned());
        left_out.extend(paper.source.iter().map(|s| format!("media-source {s}")));
        left_out.extend(paper.kind.iter().map(|t| format!("media-type {t}")));
        return Plan {
            ask: Ask::Media(paper.media.clone()),
            zero_margins: false,
            left_out,
        };
    };
    let mut col = Collection::default().collection(
        "media-size",
        Collection::default()
            .integer("x-dimension", x)
            .integer("y-dimension", y),
    );
    if support.zero_margins {
        for margin in MARGINS {
            col = col.integer(margin, 0);
        }
    } else {
        left_out.push("zero margins".to_owned());
    }
    // A printer that lists no values for the tray or type is asked all the same.
    let takes =
        |listed: &[String], value: &str| listed.is_empty() || listed.iter().any(|v| v == value);
    if let Some(source) = &paper.source {
        if takes(&support.sources, source) {
            col = col.keyword("media-source", source);
        } else {
            left_out.push(format!("media-source {source}"));
        }
    }
    if let Some(kind) = &paper.kind {
        if takes(&support.types, kind) {
            col = col.keyword("media-type", kind);
        } else {
            left_out.push(format!("media-type {kind}"));
        }
    }
    let ask = if support.zero_margins || col.has("media-source") || col.has("media-type") {
        Ask::MediaCol(col)
    } else {
        Ask::Media(paper.media.clone())
    };
    Plan {
        ask,
        zero_margins: support.zero_margins,
        left_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photoprint::ipp::{Operation, Request};

    fn photo_paper() -> Paper {
        Paper {
            media: "na_index-4x6_4x6in".into(),
            source: Some("photo".into()),
            kind: Some("photographic-glossy".into()),
        }
    }

    fn borderless() -> MediaSupport {
        MediaSupport {
            media_col: true,
            zero_margins: true,
            sources: vec!["main".into(), "photo".into()],
            types: vec!["stationery".into(), "photographic-glossy".into()],
        }
    }

    #[test]
    fn sizes_come_from_the_pwg_name() {
        assert_eq!(media_size("na_index-4x6_4x6in"), Some([10160, 15240]));
        assert_eq!(media_size("iso_a6_105x148mm"), Some([10500, 14800]));
        assert_eq!(media_size("na_letter_8.5x11in"), Some([21590, 27940]));
        for none in ["photo", "na_index-4x6", "x_4x6cm", "x_0x6in", "x_ax6in", ""] {
            assert_eq!(media_size(none), None, "{none}");
        }
    }

    /// The bytes as RFC 8010 §3.1.6 lays out a collection, written out by hand: each field is
    /// value-tag, name-length (2 bytes), name, value-length (2 bytes), value.
    #[test]
    fn the_media_col_is_encoded_as_rfc_8010_says() {
        let Plan { ask, left_out, .. } = plan(&photo_paper(), &borderless());
        assert!(left_out.is_empty(), "{left_out:?}");
        let Ask::MediaCol(col) = ask else {
            panic!("media-col expected: {ask:?}");
        };
        let bytes = Request::new(Operation::PrintJob, 1, "ipp://h/p")
            .job_attributes()
            .collection("media-col", &col)
            .finish(b"");
        let int = |n: u32| n.to_be_bytes();
        let expected: Vec<u8> = [
            // job-attributes-tag
            &[0x02][..],
            // begCollection 0x34, name-length 9 "media-col", value-length 0
            &[0x34, 0x00, 0x09],
            b"media-col",
            &[0x00, 0x00],
            // memberAttrName 0x4A, name-length 0, value-length 10 "media-size"
            &[0x4A, 0x00, 0x00, 0x00, 0x0A],
            b"media-size",
            // its value, a collection: begCollection, no name, value-length 0
            &[0x34, 0x00, 0x00, 0x00, 0x00],
            &[0x4A, 0x00, 0x00, 0x00, 0x0B],
            b"x-dimension",
            // integer 0x21, no name, value-length 4, 10160 = 0x000027B0
            &[0x21, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x27, 0xB0],
            &[0x4A, 0x00, 0x00, 0x00, 0x0B],
            b"y-dimension",
            // 15240 = 0x00003B88
            &[0x21, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x3B, 0x88],
            // endCollection 0x37 of media-size: no name, value-length 0
            &[0x37, 0x00, 0x00, 0x00, 0x00],
            &[0x4A, 0x00, 0x00, 0x00, 0x10],
            b"media-top-margin",
            &[0x21, 0x00, 0x00, 0x00, 0x04],
            &int(0),
            &[0x4A, 0x00, 0x00, 0x00, 0x13],
            b"media-bottom-margin",
            &[0x21, 0x00, 0x00, 0x00, 0x04],
            &int(0),
            &[0x4A, 0x00, 0x00, 0x00, 0x11],
            b"media-left-margin",
            &[0x21, 0x00, 0x00, 0x00, 0x04],
            &int(0),
            &[0x4A, 0x00, 0x00, 0x00, 0x12],
            b"media-right-margin",
            &[0x21, 0x00, 0x00, 0x00, 0x04],
            &int(0),
            &[0x4A, 0x00, 0x00, 0x00, 0x0C],
            b"media-source",
            // keyword 0x44, no name, value-length 5 "photo"
            &[0x44, 0x00, 0x00, 0x00, 0x05],
            b"photo",
            &[0x4A, 0x00, 0x00, 0x00, 0x0A],
            b"media-type",
            &[0x44, 0x00, 0x00, 0x00, 0x13],
            b"photographic-glossy",
            // endCollection of media-col
            &[0x37, 0x00, 0x00, 0x00, 0x00],
            // end-of-attributes-tag
            &[0x03],
        ]
        .concat();
        assert!(
            bytes.ends_with(&expected),
            "\n{:02x?}\n{:02x?}",
            &bytes[bytes.len().saturating_sub(expected.len())..],
            expected
        );
    }

    #[test]
    fn without_zero_margins_the_printer_s_margins_stay_and_it_is_said() {
        let no_margins = MediaSupport {
            zero_margins: false,
            ..borderless()
        };
        // Nothing configured but the size: `media` alone, as before.
        let plan_plain = plan(&Paper::default(), &no_margins);
        assert_eq!(plan_plain.ask, Ask::Media("na_index-4x6_4x6in".into()));
        assert!(!plan_plain.zero_margins);
        assert_eq!(plan_plain.left_out, ["zero margins"]);
        // A tray still needs media-col: the size and the tray, no margins.
        let with_tray = plan(&photo_paper(), &no_margins);
        let Ask::MediaCol(col) = &with_tray.ask else {
            panic!("{with_tray:?}");
        };
        assert!(col.has("media-size") && col.has("media-source") && col.has("media-type"));
        assert!(MARGINS.iter().all(|m| !col.has(m)), "{col:?}");
        assert_eq!(with_tray.left_out, ["zero margins"]);
        // A printer without media-col at all: `media` alone, and all that was left out named.
        let old = plan(&photo_paper(), &MediaSupport::default());
        assert_eq!(old.ask, Ask::Media("na_index-4x6_4x6in".into()));
        assert_eq!(
            old.left_out,
            [
                "zero margins",
                "media-source photo",
                "media-type photographic-glossy"
            ]
        );
    }

    #[test]
    fn a_tray_the_printer_does_not_list_is_left_out_and_said() {
        let support = MediaSupport {
            sources: vec!["main".into()],
            ..borderless()
        };
        let p = plan(&photo_paper(), &support);
        let Ask::MediaCol(col) = &p.ask else {
            panic!("{p:?}");
        };
        assert!(!col.has("media-source") && col.has("media-type") && p.zero_margins);
        assert_eq!(p.left_out, ["media-source photo"]);
    }
}
