//! An ESC/POS encoder: initialise, Chinese text in GB18030 (or a single-byte code page),
//! alignment, bold, double size,
//! CODE128, native QR (`GS ( k`, model 2, error level M) or QR as a raster, raster images
//! (`GS v 0`) dithered by error diffusion, feed and cut; 58 mm (384 dots) and 80 mm (576 dots).

use image::GrayImage;

use super::{Cut, PrinterConfig, QrMode};

/// Removes control characters (ESC, GS, newlines…) from text that came from outside, so it
/// cannot smuggle commands into a job.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// What a printer model needs, from `[printer]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Printable width in dots: 384 on 58 mm paper, 576 on 80 mm.
    pub dots: u32,
    /// Send `FS &` and write text in GB18030; else select `code_page` and write single bytes.
    pub chinese_mode: bool,
    /// `ESC t n` when not in Chinese mode: the printer's character code table.
    pub code_page: u8,
    /// Cut at the end.
    pub cut: Cut,
    /// QR native or drawn.
    pub qr: QrMode,
}

impl Profile {
    /// The profile of the configured printer.
    pub fn from_config(p: &PrinterConfig) -> Profile {
        Profile {
            dots: if p.paper_mm == 58 { 384 } else { 576 },
            chinese_mode: p.chinese_mode,
            code_page: u8::try_from(p.code_page).unwrap_or(0),
            cut: p.cut,
            qr: p.qr,
        }
    }
}

/// Text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left = 0,
    /// Centre.
    Center = 1,
    /// Right.
    Right = 2,
}

/// Builds one print job.
#[derive(Debug, Clone)]
pub struct EscPos {
    profile: Profile,
    buf: Vec<u8>,
}

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;

impl EscPos {
    /// A job that starts by resetting the printer.
    pub fn new(profile: Profile) -> Self {
        let mut buf = vec![ESC, b'@'];
        if profile.chinese_mode {
            buf.extend([FS, b'&']);
        } else {
            buf.extend([ESC, b't', profile.code_page]);
        }
        EscPos { profile, buf }
    }

    /// Alignment of what follows.
    pub fn align(&mut self, align: Align) -> &mut Self {
        self.buf.extend([ESC, b'a', align as u8]);
        self
    }

    /// Bold on or off.
    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.buf.extend([ESC, b'E', u8::from(on)]);
        self
    }

    /// Character size, 1 or 2 times in each direction.
    pub fn size(&mut self, wide: bool, tall: bool) -> &mut Self {
        self.buf
            .extend([GS, b'!', (u8::from(wide) << 4) | u8::from(tall)]);
        self
    }

    /// A line of text: in GB18030 in Chinese mode, else in the single-byte code page, where
    /// ASCII stays as it is and any other character becomes '?'. Control characters are removed
    /// first: text from outside must never become a command.
    pub fn line(&mut self, text: &str) -> &mut Self {
        let clean = clean(text);
        if self.profile.chinese_mode {
            let (bytes, _, _) = encoding_rs::GB18030.encode(&clean);
            self.buf.extend_from_slice(&bytes);
        } else {
            self.buf.extend(
                clean
                    .chars()
                    .map(|c| if c.is_ascii() { c as u8 } else { b'?' }),
            );
        }
        self.buf.push(b'\n');
        self
    }

    /// A CODE128 barcode (code set B) with its text printed below, as wide as the paper allows.
    pub fn code128(&mut self, data: &str) -> &mut Self {
        let data: Vec<u8> = data
            .bytes()
            .filter(|b| (0x20..0x7F).contains(b))
            .take(250)
            .collect();
        // Modules of 2 dots when the whole symbol fits the paper, else 1: a printer skips a
        // barcode wider than its print area (11 modules a symbol, 35 for start, check, stop).
        let modules = 11 * data.len() as u32 + 35;
        let module = if modules * 2 <= self.profile.dots {
            2
        } else {
            1
        };
        self.buf
            .extend([GS, b'H', 2, GS, b'h', 80, GS, b'w', module]);
        self.buf
            .extend([GS, b'k', 73, (data.len() + 2) as u8, b'{', b'B']);
        self.buf.extend_from_slice(&data);
        self.buf.push(b'\n');
        self
    }

    /// A QR code of `data`: native (model 2, module 6 dots, error level M) or, for printers
    /// without it, drawn as a raster.
    pub fn qr(&mut self, data: &str) -> &mut Self {
        let data = clean(data);
        match self.profile.qr {
            QrMode::Native => {
                let store = data.len() + 3;
                self.buf.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
                self.buf.extend([GS, b'(', b'k', 3, 0, 49, 67, 6]); // module size
                self.buf.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]); // error level M
                self.buf.extend([
                    GS,
                    b'(',
                    b'k',
                    (store & 0xFF) as u8,
                    (store >> 8) as u8,
                    49,
                    80,
                    48,
                ]);
                self.buf.extend_from_slice(data.as_bytes());
                self.buf.extend([GS, b'(', b'k', 3, 0, 49, 81, 48]); // print
            }
            QrMode::Image => {
                if let Ok(code) =
                    qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
                {
                    let modules = code.width() as u32;
                    let scale = 6;
                    let side = (modules + 8) * scale;
                    let colors = code.to_colors();
                    let image = GrayImage::from_fn(side, side, |x, y| {
                        let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
                        let dark = mx < modules
                            && my < modules
                            && colors[(my * modules + mx) as usize] == qrcode::Color::Dark;
                        image::Luma([if dark { 0 } else { 255 }])
                    });
                    self.raster(&image);
                }
            }
        }
        self
    }

    /// A picture as a raster (`GS v 0`), dithered to black and white, at most the paper's width.
    pub fn raster(&mut self, gray: &GrayImage) -> &mut Self {
        let gray = if gray.width() > self.profile.dots {
            let h = (gray.height() as f32 * self.profile.dots as f32 / gray.width() as f32).round()
                as u32;
            image::imageops::resize(
                gray,
                self.profile.dots,
                h.max(1),
                image::imageops::FilterType::Triangle,
            )
        } else {
            gray.clone()
        };
        let (bytes_per_row, rows, mut data) = dither(&gray);
        no_realtime_commands(&mut data);
        self.buf.extend([GS, b'v', b'0', 0]);
        self.buf.extend((bytes_per_row as u16).to_le_bytes());
        self.buf.extend((rows as u16).to_le_bytes());
        self.buf.extend(data);
        self
    }

    /// Feeds `lines` blank lines.
    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.buf.extend([ESC, b'd', lines]);
        self
    }

    /// The finished job: feed past the cutter, then cut as the profile says.
    pub fn finish(mut self) -> Vec<u8> {
        self.feed(4);
        match self.profile.cut {
            Cut::Full => self.buf.extend([GS, b'V', 0]),
            Cut::Partial => self.buf.extend([GS, b'V', 1]),
            Cut::None => {}
        }
        self.buf
    }
}

/// Breaks every `DLE EOT`, `DLE ENQ` and `DLE DC4` in image data by clearing one dot: a printer
/// acts on real-time commands even inside a raster, so a thumbnail could otherwise answer a
/// status request or clear the buffer in the middle of a job. The second byte of each of the
/// three has bit 2 set; without it the pair is no command.
pub fn no_realtime_commands(data: &mut [u8]) {
    for i in 1..data.len() {
        if data[i - 1] == 0x10 && matches!(data[i], 0x04 | 0x05 | 0x14) {
            data[i] &= !0x04;
        }
    }
}

/// Floyd–Steinberg dithering to 1 bit, rows padded to whole bytes; set bits print black.
pub fn dither(gray: &GrayImage) -> (u32, u32, Vec<u8>) {
    let (w, h) = gray.dimensions();
    let bytes_per_row = w.div_ceil(8);
    let mut err: Vec<f32> = gray.as_raw().iter().map(|&v| f32::from(v)).collect();
    let mut out = vec![0u8; (bytes_per_row * h) as usize];
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            let old = err[i];
            let black = old < 128.0;
            let new = if black { 0.0 } else { 255.0 };
            if black {
                out[(y * bytes_per_row + x / 8) as usize] |= 0x80 >> (x % 8);
            }
            let e = old - new;
            let mut spread = |dx: i64, dy: i64, k: f32| {
                let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                if nx >= 0 && nx < i64::from(w) && ny < i64::from(h) {
                    err[(ny as u32 * w + nx as u32) as usize] += e * k;
                }
            };
            spread(1, 0, 7.0 / 16.0);
            spread(-1, 1, 3.0 / 16.0);
            spread(0, 1, 5.0 / 16.0);
            spread(1, 1, 1.0 / 16.0);
        }
    }
    (bytes_per_row, h, out)
}
