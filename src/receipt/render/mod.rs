//! The PNG preview: what a thermal printer would put on paper for an ESC/POS job, read back
//! with our own decoder ([`decode`](super::decode)) and drawn at the print head's dot width (384
//! for 58 mm, 576 for 80 mm), centred on paper as wide as the real one (8 dots a millimetre:
//! 464 and 640 dots), so the preview shows the margins the printed receipt has. Text on the printer's 12×24 / 24×24 grid from the system CJK font,
//! CODE128 as real bars, QR as modules, rasters bit for bit, feeds, and the cut as a dashed
//! line. Used by the virtual printer, `idbooth receipt render --format png` and the tests.
//!
//! Drawing is pure ([`draw`]); reading the font and writing the PNG sit at the edges.

mod canvas;
pub mod code128;
mod glyphs;

pub use glyphs::Glyphs;

use canvas::Canvas;
use glyphs::{CELL_HEIGHT, Style};
use image::GrayImage;

use super::decode::{DecodeError, Op, decode};

/// Why a preview or PDF could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// None of the CJK fonts is installed.
    #[error("receipt: {0}")]
    NoFont(#[from] crate::i18n::font::NoFont),
    /// The font file cannot be parsed.
    #[error("receipt: {0}: not a usable font")]
    BadFont(String),
    /// The job is not ESC/POS as we write it.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The photo cannot be read.
    #[error("receipt: photo: {0}")]
    Photo(String),
    /// More copies than fit on the photo sheet.
    #[error("receipt: {asked} copies asked for; 1 to {fit} fit on the sheet")]
    Copies {
        /// Copies asked for.
        asked: u32,
        /// Copies that fit.
        fit: u32,
    },
    /// The image could not be encoded.
    #[error("receipt: cannot encode the image: {0}")]
    Encode(String),
}

/// Dots a line of size-1 text advances the paper (24-dot characters, 6 dots between lines).
pub const LINE: u32 = 30;
/// Blank paper above the first line and below the cut.
const MARGIN: u32 = 8;

/// What the printer has been told so far (`ESC @` resets it).
#[derive(Debug, Clone)]
struct State {
    align: u8,
    bold: bool,
    wide: u32,
    tall: u32,
    bar_module: u32,
    bar_height: u32,
    qr_module: u32,
    qr: Option<String>,
}

impl Default for State {
    /// Epson's power-on defaults.
    fn default() -> Self {
        State {
            align: 0,
            bold: false,
            wide: 1,
            tall: 1,
            bar_module: 3,
            bar_height: 162,
            qr_module: 3,
            qr: None,
        }
    }
}

impl State {
    /// Left edge of something `width` dots wide on paper `dots` wide.
    fn left(&self, width: u32, dots: u32) -> u32 {
        let room = dots.saturating_sub(width);
        match self.align {
            1 | b'1' => room / 2,
            2 | b'2' => room,
            _ => 0,
        }
    }
}

/// Draws `ops` on paper `dots` wide.
pub fn draw(ops: &[Op], dots: u32, glyphs: &Glyphs) -> GrayImage {
    let mut paper = Canvas::new(dots);
    let mut state = State::default();
    let mut y = MARGIN;
    for op in ops {
        match op {
            Op::Init => state = State::default(),
            Op::ChineseMode | Op::CodePage(_) | Op::Setting => {}
            Op::Align(n) => state.align = *n,
            Op::Bold(on) => state.bold = *on,
            Op::Size(w, h) => (state.wide, state.tall) = (u32::from(*w), u32::from(*h)),
            Op::BarcodeWidth(n) => state.bar_module = u32::from(*n).clamp(1, 6),
            Op::BarcodeHeight(n) => state.bar_height = u32::from(*n).max(1),
            Op::QrModule(n) => state.qr_module = u32::from(*n).clamp(1, 16),
            Op::QrStore(data) => state.qr = Some(data.clone()),
            Op::Text(text) => y = text_lines(&mut paper, glyphs, &state, y, text),
            Op::Barcode(data) => y = barcode(&mut paper, glyphs, &state, y, data),
            Op::QrPrint => y = qr(&mut paper, &state, y),
            Op::Raster { width, rows, bits } => {
                let x0 = state.left(*width, dots);
                let bytes_per_row = width.div_ceil(8);
                for row in 0..*rows {
                    for x in 0..*width {
                        let byte = bits.get((row * bytes_per_row + x / 8) as usize);
                        if byte.is_some_and(|b| b & (0x80 >> (x % 8)) != 0) {
                            paper.dot(i64::from(x0 + x), i64::from(y + row));
                        }
                    }
                }
                y += rows;
            }
            Op::Feed(n) => y += u32::from(*n) * LINE,
            Op::Cut(kind) => {
                y += MARGIN;
                cut_line(&mut paper, y, *kind);
                y += MARGIN;
            }
        }
    }
    paper.into_image(y + MARGIN)
}

/// The paper's width in dots (8 a millimetre) under a print head `dots` wide: 58 mm paper under
/// a 384-dot head, 80 mm under 576; never narrower than the head.
pub fn paper_dots(dots: u32) -> u32 {
    let mm = if dots <= 384 { 58 } else { 80 };
    (mm * 8).max(dots)
}

/// What the head printed (`printed`, `dots` wide) centred on the paper: the white margins the
/// head cannot reach on either side.
pub fn on_paper(printed: &GrayImage, dots: u32) -> GrayImage {
    let paper = paper_dots(dots);
    let mut out = GrayImage::from_pixel(paper, printed.height(), image::Luma([255]));
    image::imageops::replace(&mut out, printed, i64::from((paper - dots) / 2), 0);
    out
}

/// Reads an ESC/POS job and draws it as a PNG, on the paper.
pub fn png(job: &[u8], dots: u32, glyphs: &Glyphs) -> Result<Vec<u8>, RenderError> {
    let image = on_paper(&draw(&decode(job)?, dots, glyphs), dots);
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out.into_inner())
}

/// One text op, wrapped at the paper's edge as a printer wraps it; returns the next line's top.
fn text_lines(paper: &mut Canvas, glyphs: &Glyphs, state: &State, mut y: u32, text: &str) -> u32 {
    let style = Style {
        wide: state.wide,
        tall: state.tall,
        bold: state.bold,
    };
    let advance = (CELL_HEIGHT * state.tall + 6).max(LINE);
    let dots = paper.width();
    let mut line = String::new();
    let mut width = 0;
    let mut flush = |line: &mut String, width: &mut u32, y: &mut u32| {
        let x = state.left(*width, dots);
        glyphs::draw(paper, glyphs, (x, *y), line, style);
        *y += advance;
        line.clear();
        *width = 0;
    };
    for c in text.chars() {
        let w = glyphs::cell_width(c, state.wide);
        if width + w > dots && !line.is_empty() {
            flush(&mut line, &mut width, &mut y);
        }
        line.push(c);
        width += w;
    }
    if !line.is_empty() {
        flush(&mut line, &mut width, &mut y);
    }
    y
}

/// CODE128 bars `bar_height` tall with the text below (`GS H 2`); data with no CODE128
/// symbol prints nothing, as on a printer.
fn barcode(paper: &mut Canvas, glyphs: &Glyphs, state: &State, mut y: u32, data: &str) -> u32 {
    let Some(widths) = code128::widths(data.as_bytes()) else {
        return y;
    };
    let module = state.bar_module;
    let total: u32 = widths.iter().map(|&w| u32::from(w) * module).sum();
    if total > paper.width() {
        // Wider than the print area: a printer skips it.
        return y;
    }
    let mut x = state.left(total, paper.width());
    for (i, &w) in widths.iter().enumerate() {
        let w = u32::from(w) * module;
        if i % 2 == 0 {
            paper.fill(x, y, w, state.bar_height);
        }
        x += w;
    }
    y += state.bar_height + 4;
    let readable = data.strip_prefix("{C").map_or_else(
        || data.to_owned(),
        |pairs| pairs.bytes().map(|b| format!("{b:02}")).collect(),
    );
    let hri = State {
        wide: 1,
        tall: 1,
        bold: false,
        ..state.clone()
    };
    text_lines(paper, glyphs, &hri, y, &readable)
}

/// The stored QR, model 2, error level M (as the encoder asks), `qr_module` dots a module,
/// with a quiet zone of four modules above and below.
fn qr(paper: &mut Canvas, state: &State, y: u32) -> u32 {
    let Some(code) = state.qr.as_deref().and_then(|data| {
        qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).ok()
    }) else {
        return y;
    };
    let modules = code.width() as u32;
    let m = state.qr_module;
    let top = y + 4 * m;
    let left = state.left(modules * m, paper.width());
    let colors = code.to_colors();
    for my in 0..modules {
        for mx in 0..modules {
            if colors[(my * modules + mx) as usize] == qrcode::Color::Dark {
                paper.fill(left + mx * m, top + my * m, m, m);
            }
        }
    }
    top + modules * m + 4 * m
}

/// A dashed line across the paper where it is cut; a partial cut (`GS V 1`) leaves its middle
/// uncut.
fn cut_line(paper: &mut Canvas, y: u32, kind: u8) {
    let width = paper.width();
    let partial = matches!(kind, 1 | 49 | 66);
    let keep = (width / 2 - 12)..(width / 2 + 12);
    for x in (0..width).filter(|x| x % 12 < 8) {
        if !(partial && keep.contains(&x)) {
            paper.fill(x, y, 1, 2);
        }
    }
}

#[cfg(test)]
mod tests;
