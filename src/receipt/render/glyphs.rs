//! Text on the printer's character grid: 12×24 dots for ASCII, 24×24 for Chinese (two ASCII
//! cells), each multiplied by the `GS !` size; glyphs from the CJK font, one bit a dot.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};

use super::canvas::Canvas;
use crate::i18n::font::FontFile;

/// Height of a character cell in dots at size 1.
pub const CELL_HEIGHT: u32 = 24;
/// Width of an ASCII cell in dots at size 1; a Chinese character takes two.
pub const CELL_WIDTH: u32 = 12;

/// The font the printer's characters are drawn with.
#[derive(Debug)]
pub struct Glyphs(FontVec);

impl Glyphs {
    /// The face `font.index` of `font`.
    pub fn new(font: &FontFile) -> Result<Glyphs, super::RenderError> {
        FontVec::try_from_vec_and_index(font.bytes.clone(), font.index)
            .map(Glyphs)
            .map_err(|_| super::RenderError::BadFont(font.path.display().to_string()))
    }
}

/// Width of `c` in dots at width multiplier `wide`: a printer gives every double-byte
/// (GB18030) character two ASCII cells.
pub fn cell_width(c: char, wide: u32) -> u32 {
    let cells = if c.is_ascii() { 1 } else { 2 };
    cells * CELL_WIDTH * wide
}

/// How the characters of a line are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Width multiplier.
    pub wide: u32,
    /// Height multiplier.
    pub tall: u32,
    /// Emphasised: every dot doubled one dot to the right, as the printer does.
    pub bold: bool,
}

/// Draws `text` with its first cell at `(x, top)`; cells past the paper's edge are clipped.
pub fn draw(canvas: &mut Canvas, glyphs: &Glyphs, (x, top): (u32, u32), text: &str, style: Style) {
    let font = &glyphs.0;
    let cell_h = (CELL_HEIGHT * style.tall) as f32;
    let scale = PxScale {
        x: (CELL_HEIGHT * style.wide) as f32,
        y: cell_h,
    };
    let ascent = font.as_scaled(scale).ascent();
    let mut left = x;
    for c in text.chars() {
        let cell = cell_width(c, style.wide) as f32;
        let id = font.glyph_id(c);
        let advance = font.as_scaled(scale).h_advance(id);
        // A proportional glyph wider than its cell is narrowed, as a printer's fixed font is.
        let squeeze = if advance > cell { cell / advance } else { 1.0 };
        let glyph_scale = PxScale {
            x: scale.x * squeeze,
            y: scale.y,
        };
        let offset = (cell - advance * squeeze) / 2.0;
        let glyph = id.with_scale_and_position(
            glyph_scale,
            point(left as f32 + offset, top as f32 + ascent),
        );
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                if coverage >= 0.5 {
                    let px = bounds.min.x as i64 + i64::from(gx);
                    let py = bounds.min.y as i64 + i64::from(gy);
                    canvas.dot(px, py);
                    if style.bold {
                        canvas.dot(px + 1, py);
                    }
                }
            });
        }
        left += cell as u32;
    }
}
