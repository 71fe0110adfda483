//! The 4×6 in photo sheet (101.6×152.4 mm portrait, 4R, 6 寸): copies of the photo at the
//! document's exact print size in a centred grid, 2 mm apart, with cut marks in the margins and
//! gaps along every photo edge.

use printpdf::{Mm, Op, PdfDocument, PdfPage};

use super::jpeg::{Jpeg, add_jpeg};
use super::{Placed, RenderError, black, boxes, check_print_mm, save};
use crate::i18n::Language;

/// The sheet, mm (width, height): 4×6 inches exactly, the paper photo printers load
/// (`na_index-4x6_4x6in`), portrait as the printer feeds it. (It was 152×102 mm landscape: 0.4 mm
/// taller than the paper, issue #18.)
pub const SHEET_MM: [f32; 2] = [101.6, 152.4];
/// Space between photos and the least margin, mm.
const GAP: f32 = 2.0;
/// Cut marks: length and thickness, mm.
const MARK: f32 = 1.5;
const MARK_WIDTH: f32 = 0.15;

/// Columns and rows of `print_mm` photos that fit on the sheet.
fn grid(print_mm: [f32; 2]) -> (u32, u32) {
    let fit = |sheet: f32, photo: f32| ((sheet - 2.0 * GAP + GAP) / (photo + GAP)).floor() as u32;
    (fit(SHEET_MM[0], print_mm[0]), fit(SHEET_MM[1], print_mm[1]))
}

/// How many photos of `print_mm` fit on one sheet (the default number of copies).
pub fn sheet_capacity(print_mm: [f32; 2]) -> u32 {
    let (cols, rows) = grid(print_mm);
    cols * rows
}

/// The sheet with `copies` of a JPEG embedded as it is (all that fit when `None`): the printed
/// photo is the approved file itself, its middle shown at the print size and the rest clipped.
pub fn jpeg_sheet(jpeg: Jpeg<'_>, copies: Option<u32>) -> Result<Vec<u8>, RenderError> {
    let copies = check(jpeg.print_mm, copies)?;
    let mut doc = PdfDocument::new(Language::BASE.t("receipt.photo_sheet"));
    let placed = add_jpeg(&mut doc, jpeg)?;
    Ok(lay_out(&mut doc, &placed, copies))
}

/// The number of copies to draw: `copies`, or all that fit.
pub(super) fn check(print_mm: [f32; 2], copies: Option<u32>) -> Result<u32, RenderError> {
    check_print_mm(print_mm)?;
    let fit = sheet_capacity(print_mm);
    let copies = copies.unwrap_or(fit);
    if copies == 0 || copies > fit {
        return Err(RenderError::Copies { asked: copies, fit });
    }
    Ok(copies)
}

/// Where each of `copies` photos of `print_mm` goes: its lower left corner in mm from the
/// sheet's lower left, as PDF counts.
pub(super) fn slots(print_mm: [f32; 2], copies: u32) -> Vec<(f32, f32)> {
    let (cols, rows) = grid(print_mm);
    let [w, h] = print_mm;
    let [sheet_w, sheet_h] = SHEET_MM;
    // The whole grid is centred, even when fewer copies are asked for: the cuts stay the same.
    let left = (sheet_w - (cols as f32 * (w + GAP) - GAP)) / 2.0;
    let top = sheet_h - (sheet_h - (rows as f32 * (h + GAP) - GAP)) / 2.0;
    (0..copies)
        .map(|i| {
            let (col, row) = ((i % cols) as f32, (i / cols) as f32);
            (left + col * (w + GAP), top - row * (h + GAP) - h)
        })
        .collect()
}

/// The one page: `copies` of `placed` in the grid, with their cut marks.
fn lay_out(doc: &mut PdfDocument, placed: &Placed, copies: u32) -> Vec<u8> {
    let [w, h] = placed.print_mm;
    let mut ops = Vec::new();
    let mut marks = Vec::new();
    for (x, y) in slots(placed.print_mm, copies) {
        ops.extend(placed.at((x, y)));
        marks.extend(corner_marks(x, y, w, h));
    }
    ops.push(Op::SetFillColor { col: black() });
    ops.push(boxes(marks));
    let [sheet_w, sheet_h] = SHEET_MM;
    let page = PdfPage::new(Mm(sheet_w), Mm(sheet_h), ops);
    save(doc, vec![page])
}

/// Eight short strokes, two at each corner, continuing the photo's edges outward and never
/// touching the photo (they stop 0.3 mm short of it).
pub(super) fn corner_marks(x: f32, y: f32, w: f32, h: f32) -> Vec<(f32, f32, f32, f32)> {
    let t = MARK_WIDTH;
    let gap = 0.3;
    let len = MARK.min(GAP - gap);
    let mut out = Vec::new();
    for (cx, cy, dx, dy) in [
        (x, y, -1.0, -1.0),
        (x + w, y, 1.0, -1.0),
        (x, y + h, -1.0, 1.0),
        (x + w, y + h, 1.0, 1.0),
    ] {
        // Horizontal stroke along the photo's top or bottom edge line, outside the photo.
        let hx = if dx < 0.0 { cx - gap - len } else { cx + gap };
        out.push((hx, cy - t / 2.0, len, t));
        // Vertical stroke along the left or right edge line.
        let vy = if dy < 0.0 { cy - gap - len } else { cy + gap };
        out.push((cx - t / 2.0, vy, t, len));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether two rectangles (x, y, w, h) overlap.
    fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
    }

    #[test]
    fn every_documents_sheet_fits_the_paper_with_margins_and_marks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let config = crate::ops::Config::load(&dir).expect("shipped config");
        let [sheet_w, sheet_h] = SHEET_MM;
        // 4×6 in to the hundredth: what the printer's paper is.
        assert!((sheet_w - 4.0 * 25.4).abs() < 0.01 && (sheet_h - 6.0 * 25.4).abs() < 0.01);
        let mut seen = Vec::new();
        for spec in config.documents.all() {
            let [w, h] = spec.print_mm;
            let fit = sheet_capacity(spec.print_mm);
            assert!(fit >= spec.printed_photos.max(1), "{}: {fit} fit", spec.id);
            let photos: Vec<_> = slots(spec.print_mm, fit)
                .into_iter()
                .map(|(x, y)| (x, y, w, h))
                .collect();
            for &(x, y, _, _) in &photos {
                // At least the gap from every edge of the paper.
                assert!(
                    x >= GAP - 1e-3 && y >= GAP - 1e-3,
                    "{}: ({x}, {y})",
                    spec.id
                );
                assert!(x + w <= sheet_w - GAP + 1e-3, "{}: right edge", spec.id);
                assert!(y + h <= sheet_h - GAP + 1e-3, "{}: top edge", spec.id);
                for mark in corner_marks(x, y, w, h) {
                    let (mx, my, mw, mh) = mark;
                    assert!(
                        mx >= 0.0 && my >= 0.0 && mx + mw <= sheet_w && my + mh <= sheet_h,
                        "{}: a cut mark off the paper: {mark:?}",
                        spec.id
                    );
                    assert!(
                        photos.iter().all(|p| !overlap(*p, mark)),
                        "{}: a cut mark on a photo: {mark:?}",
                        spec.id
                    );
                }
            }
            seen.push((spec.print_mm, fit));
        }
        // What the README says fits, for the shipped print sizes.
        for (print_mm, fit) in [
            ([33.0, 48.0], 6),
            ([26.0, 32.0], 12),
            ([22.0, 32.0], 16),
            ([51.0, 51.0], 2),
        ] {
            assert!(seen.contains(&(print_mm, fit)), "{print_mm:?}: {seen:?}");
        }
    }
}
