//! PDFs with printpdf: the A6 receipt (photo at its print size, the receipt's lines, the number
//! as text, CODE128 and QR) and the 4×6 in photo sheet (N copies at the document's exact print
//! size, with cut marks). The photo is always the approved JPEG embedded as it is (`DCTDecode`,
//! [`Jpeg`]): no PDF decodes and encodes it again. The CJK font is embedded as a subset. Pure:
//! bytes in, bytes out.

mod jpeg;
mod receipt;
mod sheet;
mod sheet_png;
mod subset;

pub use jpeg::Jpeg;
pub use receipt::{A6_MM, receipt_pdf};
pub use sheet::{SHEET_MM, jpeg_sheet, sheet_capacity};
pub use sheet_png::jpeg_sheet_png;

use printpdf::{
    Color, Mm, Op, PaintMode, PdfDocument, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb,
    WindingOrder, XObjectId, XObjectTransform,
};

use super::RenderError;

/// The part of a `w`×`h` picture that prints: its middle, cut to the aspect of `print_mm`, as
/// (left, top, width, height) in pixels. The digital spec and the paper size differ (出入境:
/// 354×472 px is 3:4, 33×48 mm is 11:16), and the face must not be stretched.
fn crop_window((w, h): (u32, u32), print_mm: [f32; 2]) -> (u32, u32, u32, u32) {
    let want = print_mm[0] / print_mm[1];
    let have = w as f32 / h as f32;
    let (cw, ch) = if have > want {
        (((h as f32 * want).round() as u32).clamp(1, w), h)
    } else {
        (w, ((w as f32 / want).round() as u32).clamp(1, h))
    };
    ((w - cw) / 2, (h - ch) / 2, cw, ch)
}

/// A photo in a PDF's resources (added once, drawn as often as needed) and the size it prints
/// at.
struct Placed {
    id: XObjectId,
    /// The picture's size in pixels.
    pixels: (u32, u32),
    /// The part of it that prints (left, top, width, height): its middle, cut to the print
    /// aspect; the rest is clipped, as the JPEG is embedded whole, as it is.
    window: (u32, u32, u32, u32),
    print_mm: [f32; 2],
}

impl Placed {
    /// The photo with its lower left corner at `(x, y)` mm from the page's lower left, exactly
    /// `print_mm` in size.
    fn at(&self, (x, y): (f32, f32)) -> Vec<Op> {
        let [pw, ph] = self.print_mm;
        let (w, h) = self.pixels;
        let (left, top, cw, ch) = self.window;
        // mm per pixel, so the window is the print size exactly.
        let (sx, sy) = (pw / cw as f32, ph / ch as f32);
        // At `dpi` 72 one pixel is one point; the scale makes it the print size exactly.
        let draw = Op::UseXobject {
            id: self.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Mm(x - left as f32 * sx).into()),
                translate_y: Some(Mm(y - (h - top - ch) as f32 * sy).into()),
                scale_x: Some(Pt::from(Mm(pw)).0 / cw as f32),
                scale_y: Some(Pt::from(Mm(ph)).0 / ch as f32),
                dpi: Some(72.0),
                ..Default::default()
            },
        };
        if (cw, ch) == (w, h) {
            return vec![draw];
        }
        // Only the window shows: the rest of the picture is clipped away.
        vec![
            Op::SaveGraphicsState,
            Op::DrawRectangle {
                rectangle: printpdf::Rect {
                    mode: Some(PaintMode::Clip),
                    ..printpdf::Rect::from_xywh(
                        Mm(x).into(),
                        Mm(y).into(),
                        Mm(pw).into(),
                        Mm(ph).into(),
                    )
                },
            },
            draw,
            Op::RestoreGraphicsState,
        ]
    }
}

/// Filled black rectangles (mm: x, y, w, h) as one path.
fn boxes(rects: impl IntoIterator<Item = (f32, f32, f32, f32)>) -> Op {
    let point = |x: f32, y: f32| printpdf::LinePoint {
        p: Point {
            x: Mm(x).into(),
            y: Mm(y).into(),
        },
        bezier: false,
    };
    let rings = rects
        .into_iter()
        .map(|(x, y, w, h)| PolygonRing {
            points: vec![
                point(x, y),
                point(x + w, y),
                point(x + w, y + h),
                point(x, y + h),
            ],
        })
        .collect();
    Op::DrawPolygon {
        polygon: Polygon {
            rings,
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    }
}

fn black() -> Color {
    Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    })
}

/// The document with its pages, saved with fonts subset.
fn save(doc: &mut PdfDocument, pages: Vec<printpdf::PdfPage>) -> Vec<u8> {
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(pages).save(&options, &mut warnings);
    for w in warnings
        .iter()
        .filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info)
    {
        tracing::debug!(warning = ?w, "pdf");
    }
    bytes
}

/// Checks a print size before anything is drawn.
fn check_print_mm(print_mm: [f32; 2]) -> Result<(), RenderError> {
    if print_mm
        .iter()
        .all(|v| v.is_finite() && *v >= 5.0 && *v <= 140.0)
    {
        Ok(())
    } else {
        Err(RenderError::Photo(format!(
            "print size {}×{} mm is not a photo size",
            print_mm[0], print_mm[1]
        )))
    }
}

#[cfg(test)]
mod tests;
