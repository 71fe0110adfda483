//! The A6 portrait receipt: title, the photo at its print size beside the QR, the receipt's
//! lines with the number large, CODE128 at the foot.

use std::collections::BTreeSet;

use printpdf::{
    FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, Point, Pt, TextItem,
};

use super::jpeg::{Jpeg, add_jpeg};
use super::subset;
use super::{RenderError, black, boxes, check_print_mm, save};
use crate::i18n::Language;
use crate::i18n::font::FontFile;
use crate::receipt::Receipt;
use crate::receipt::render::code128;

/// A6 portrait, mm.
pub const A6_MM: [f32; 2] = [105.0, 148.0];
const MARGIN: f32 = 8.0;
/// QR module and CODE128 module in mm.
const QR_MODULE: f32 = 0.8;
const BAR_MODULE: f32 = 0.3;

/// The receipt as an A6 PDF, with `photo` (if any: the approved JPEG, embedded as it is) at its
/// print size and `font` embedded as a subset.
pub fn receipt_pdf(
    receipt: &Receipt,
    photo: Option<Jpeg<'_>>,
    font: &FontFile,
) -> Result<Vec<u8>, RenderError> {
    let lines = receipt.lines();
    let texts = lines.iter().chain([&receipt.receipt_no]);
    let parsed = subset_font(font, texts.flat_map(|t| t.chars()))?;
    let mut doc = PdfDocument::new(&format!(
        "{} {}",
        Language::BASE.t("receipt.number"),
        receipt.receipt_no
    ));
    let font_id = doc.add_font(&parsed);
    let [page_w, page_h] = A6_MM;
    let mut ops = vec![Op::SetFillColor { col: black() }];
    let mut lines = lines.iter();
    if let Some(title) = lines.next() {
        ops.extend(text(&font_id, (MARGIN, page_h - MARGIN - 6.0), 15.0, title));
    }
    let top = page_h - MARGIN - 12.0;
    let mut text_top = top;
    if let Some(photo) = photo {
        check_print_mm(photo.print_mm)?;
        let [_, ph] = photo.print_mm;
        ops.extend(add_jpeg(&mut doc, photo)?.at((MARGIN, top - ph)));
        text_top = top - ph - 4.0;
    }
    let number = &receipt.receipt_no;
    if let Ok(code) =
        qrcode::QrCode::with_error_correction_level(number.as_bytes(), qrcode::EcLevel::M)
    {
        let n = code.width();
        let side = n as f32 * QR_MODULE;
        let (left, bottom) = (page_w - MARGIN - side, top - side);
        let colors = code.to_colors();
        ops.push(boxes((0..n * n).filter_map(|i| {
            let (mx, my) = ((i % n) as f32, (i / n) as f32);
            (colors[i] == qrcode::Color::Dark).then_some((
                left + mx * QR_MODULE,
                bottom + side - (my + 1.0) * QR_MODULE,
                QR_MODULE,
                QR_MODULE,
            ))
        })));
        if photo.is_none() {
            text_top = bottom - 4.0;
        }
    }
    // The number large on its own line, unbroken: staff type it.
    ops.extend(text(&font_id, (MARGIN, text_top - 5.0), 13.0, number));
    let rest: Vec<&String> = lines.collect();
    let room = text_top - 9.0 - (MARGIN + 16.0);
    let step = (room / rest.len().max(1) as f32).min(5.0);
    for (i, line) in rest.iter().enumerate() {
        let y = text_top - 11.0 - i as f32 * step;
        ops.extend(text(&font_id, (MARGIN, y), 8.5, line));
    }
    if let Some(widths) = code128::widths(number.as_bytes()) {
        let mut x = MARGIN;
        let mut bars = Vec::new();
        for (i, w) in widths.iter().enumerate() {
            let w = f32::from(*w) * BAR_MODULE;
            if i % 2 == 0 {
                bars.push((x, MARGIN, w, 12.0));
            }
            x += w;
        }
        ops.push(boxes(bars));
    }
    let page = PdfPage::new(Mm(page_w), Mm(page_h), ops);
    Ok(save(&mut doc, vec![page]))
}

/// `font` parsed for printpdf, its program cut down to the glyphs of `chars` and named with a
/// subset tag (`ABCDEF+`), as PDF readers expect of a subset. (printpdf subsets only with its
/// `text_layout` feature, which this build leaves out.)
fn subset_font(
    font: &FontFile,
    chars: impl Iterator<Item = char>,
) -> Result<ParsedFont, RenderError> {
    let bad = || RenderError::BadFont(font.path.display().to_string());
    let mut parsed = ParsedFont::from_bytes(&font.bytes, font.index as usize, &mut Vec::new())
        .ok_or_else(bad)?;
    let used: BTreeSet<u16> = chars
        .filter_map(|c| parsed.codepoint_to_glyph.get(&u32::from(c)).copied())
        .collect();
    parsed.original_bytes = subset::subset(&font.bytes, font.index, &used)
        .map_err(|e| RenderError::BadFont(e.to_string()))?;
    parsed.font_index = 0;
    // The tag is six capitals from the glyph set: the same subset gets the same tag.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for g in &used {
        hash = (hash ^ u64::from(*g)).wrapping_mul(0x0100_0000_01b3);
    }
    let tag: String = (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect();
    let stem = font.path.file_stem().map_or_else(
        || "CJK".to_owned(),
        |s| s.to_string_lossy().replace(' ', ""),
    );
    parsed.font_name = Some(format!("{tag}+{stem}"));
    Ok(parsed)
}

/// One line of text with its baseline at `(x, y)` mm.
fn text(font: &FontId, (x, y): (f32, f32), size: f32, line: &str) -> [Op; 5] {
    [
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point {
                x: Mm(x).into(),
                y: Mm(y).into(),
            },
        },
        Op::ShowText {
            items: vec![TextItem::Text(line.to_owned())],
        },
        Op::EndTextSection,
    ]
}
