//! Image measures of a face and its background, after the ideas of OFIQ (ISO/IEC 29794-5):
//! exposure of the face region, left/right illumination balance, sharpness, background
//! uniformity, colour cast and head roll from the eyes. Each works on pixels only.

use image::{GrayImage, RgbImage};

use super::detect::Face;
use super::head::Head;

/// An axis-aligned pixel rectangle, clamped to its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

impl Rect {
    /// The rectangle `[x0, x1) × [y0, y1)` clamped to a `width`×`height` image.
    pub fn clamped(x0: f32, y0: f32, x1: f32, y1: f32, width: u32, height: u32) -> Rect {
        let cx = |v: f32| v.round().clamp(0.0, width as f32) as u32;
        let cy = |v: f32| v.round().clamp(0.0, height as f32) as u32;
        let (x0, x1) = (cx(x0), cx(x1));
        let (y0, y1) = (cy(y0), cy(y1));
        Rect {
            x: x0,
            y: y0,
            w: x1.saturating_sub(x0),
            h: y1.saturating_sub(y0),
        }
    }
}

/// Luma of an sRGB pixel (BT.601 weights, as JPEG uses).
pub fn luma(p: [u8; 3]) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// The inner face: cheeks, eyes, nose and mouth, without hair and background.
pub fn face_region(face: &Face, width: u32, height: u32) -> Rect {
    Rect::clamped(
        face.x + 0.2 * face.width,
        face.y + 0.25 * face.height,
        face.x + 0.8 * face.width,
        face.y + 0.95 * face.height,
        width,
        height,
    )
}

/// How the face is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Exposure {
    /// Mean luma, 0 to 255.
    pub mean: f32,
    /// Share of pixels below 30 (lost in shadow).
    pub under: f32,
    /// Share of pixels above 245 (burnt out).
    pub over: f32,
}

/// Exposure of `region` in `rgb`.
pub fn exposure(rgb: &RgbImage, region: Rect) -> Exposure {
    let (mut sum, mut under, mut over, mut n) = (0.0f64, 0u32, 0u32, 0u32);
    for y in region.y..region.y + region.h {
        for x in region.x..region.x + region.w {
            let l = luma(rgb.get_pixel(x, y).0);
            sum += f64::from(l);
            under += u32::from(l < 30.0);
            over += u32::from(l > 245.0);
            n += 1;
        }
    }
    if n == 0 {
        return Exposure::default();
    }
    Exposure {
        mean: (sum / f64::from(n)) as f32,
        under: under as f32 / n as f32,
        over: over as f32 / n as f32,
    }
}

/// Left/right balance of the light on the face.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Balance {
    /// Mean luma of the darker half over that of the brighter half: 1 is even.
    pub ratio: f32,
    /// Whether the darker half is on the image's left (the applicant's right).
    pub darker_on_left: bool,
}

/// Compares the left and right halves of the face region, leaving out the nose strip.
pub fn balance(rgb: &RgbImage, region: Rect) -> Balance {
    let mid = region.x + region.w / 2;
    let gap = region.w / 10;
    let left = Rect {
        x: region.x,
        y: region.y,
        w: (region.w / 2).saturating_sub(gap),
        h: region.h,
    };
    let right = Rect {
        x: mid + gap,
        y: region.y,
        w: (region.w / 2).saturating_sub(gap),
        h: region.h,
    };
    let (l, r) = (exposure(rgb, left).mean, exposure(rgb, right).mean);
    let (dark, bright) = if l < r { (l, r) } else { (r, l) };
    Balance {
        ratio: if bright > 0.0 { dark / bright } else { 1.0 },
        darker_on_left: l < r,
    }
}

/// Sharpness of `region`: the spread of the Laplacian over the spread of the pixels, measured at
/// about 128 px across so that it does not depend on the face size, nor on the exposure.
pub fn sharpness(gray: &GrayImage, region: Rect) -> f32 {
    if region.w < 8 || region.h < 8 {
        return 0.0;
    }
    let crop = image::imageops::crop_imm(gray, region.x, region.y, region.w, region.h).to_image();
    let shrink = (region.w / 128).max(1);
    let small = super::detect::shrink_gray(&crop, shrink);
    let (w, h) = small.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let px = |x: u32, y: u32| f64::from(small.get_pixel(x, y).0[0]);
    let (mut lap_sum, mut lap_sq, mut g_sum, mut g_sq, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let c = px(x, y);
            let lap = px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1) - 4.0 * c;
            lap_sum += lap;
            lap_sq += lap * lap;
            g_sum += c;
            g_sq += c * c;
            n += 1.0;
        }
    }
    let lap_var = (lap_sq / n - (lap_sum / n).powi(2)).max(0.0);
    let g_var = (g_sq / n - (g_sum / n).powi(2)).max(0.0);
    (lap_var.sqrt() / (g_var.sqrt() + 1.0)) as f32
}

/// The background around the head.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Background {
    /// Mean colour.
    pub mean: [f32; 3],
    /// Standard deviation of luma: slow unevenness of the light.
    pub std: f32,
    /// Mean absolute difference between neighbours: texture, edges, objects.
    pub texture: f32,
    /// Pixels measured.
    pub pixels: u32,
}

/// Whether a pixel is backdrop: above the eye line and outside the head with room for hair (or
/// a hat) around it. Tight specs (出入境) leave only the corners beside the head.
pub fn is_backdrop(head: &Head, x: u32, y: u32) -> bool {
    let ellipse = Ellipse::around(head);
    ellipse.row(y).is_some_and(|dy2| ellipse.outside(x, dy2))
}

/// The head with room for hair, as [`is_backdrop`] draws it: an ellipse about the eye line's
/// middle, of which only the half above the eye line counts.
struct Ellipse {
    cx: f32,
    eye_y: f32,
    rx: f32,
    ry: f32,
}

impl Ellipse {
    fn around(head: &Head) -> Ellipse {
        Ellipse {
            cx: head.center_x,
            eye_y: head.eye_y,
            rx: 0.78 * head.face_width,
            ry: (head.eye_y - head.crown_y) + 0.3 * head.height(),
        }
    }

    /// The squared vertical distance of row `y`'s pixel centres from the eye line, in radii;
    /// `None` at and below the eye line, where nothing is backdrop.
    fn row(&self, y: u32) -> Option<f32> {
        let yf = y as f32 + 0.5;
        if yf >= self.eye_y {
            return None;
        }
        let dy = (yf - self.eye_y) / self.ry;
        Some(dy * dy)
    }

    /// Whether pixel `x` of a row `dy2` from the eye line lies outside.
    fn outside(&self, x: u32, dy2: f32) -> bool {
        let dx = (x as f32 + 0.5 - self.cx) / self.rx;
        dx * dx + dy2 > 1.0
    }

    /// Which pixels of row `y` of a `w`-wide image are backdrop, into `out`. What is not is
    /// one run of pixels about the centre (the distance only grows away from it), so only its
    /// two ends are looked for, each starting from where the ellipse's equation puts it and
    /// settled by [`Ellipse::outside`] itself.
    fn fill_row(&self, y: u32, w: u32, out: &mut Vec<bool>) {
        out.clear();
        let Some(dy2) = self.row(y) else {
            out.resize(w as usize, false);
            return;
        };
        if w == 0 || !(self.rx > 0.0 && self.ry > 0.0) {
            out.extend((0..w).map(|x| self.outside(x, dy2)));
            return;
        }
        let last = i64::from(w) - 1;
        let inside = |x: i64| !self.outside(x as u32, dy2);
        let mid = ((self.cx - 0.5).round() as i64).clamp(0, last);
        if !inside(mid) {
            out.resize(w as usize, true);
            return;
        }
        let half = self.rx * (1.0 - dy2).max(0.0).sqrt();
        let mut a = ((self.cx - 0.5 - half).round() as i64).clamp(0, mid);
        while a > 0 && inside(a - 1) {
            a -= 1;
        }
        while !inside(a) {
            a += 1;
        }
        let mut b = ((self.cx - 0.5 + half).round() as i64).clamp(mid, last);
        while b < last && inside(b + 1) {
            b += 1;
        }
        while !inside(b) {
            b -= 1;
        }
        out.resize(a as usize, true);
        out.resize(b as usize + 1, false);
        out.resize(w as usize, true);
    }
}

/// Colour, unevenness and texture of the backdrop around `head` (see [`is_backdrop`]).
pub fn background(rgb: &RgbImage, head: &Head) -> Background {
    let (w, h) = rgb.dimensions();
    let rows = (head.eye_y.max(0.0) as u32).min(h);
    // On a big capture every other pixel of every other row is plenty (a quarter of the work);
    // texture still compares neighbours one pixel apart.
    let stride = if w >= 1000 { 2 } else { 1 };
    let ellipse = Ellipse::around(head);
    let raw = rgb.as_raw();
    let line = 3 * w as usize;
    // Which pixels of this row and of the next are backdrop (the texture looks one row down);
    // row by row, the next row's become this row's.
    let (mut here, mut below) = (Vec::new(), Vec::new());
    let mut below_is = None;
    let mut sums = Sums::default();
    for y in (0..rows).step_by(stride) {
        if below_is == Some(y) {
            std::mem::swap(&mut here, &mut below);
        } else {
            ellipse.fill_row(y, w, &mut here);
        }
        let next = y + 1 < rows;
        if next {
            ellipse.fill_row(y + 1, w, &mut below);
            below_is = Some(y + 1);
        }
        let row = &raw[y as usize * line..][..line];
        let row_below = if next {
            &raw[(y as usize + 1) * line..][..line]
        } else {
            row
        };
        let px = |r: &[u8], x: usize| [r[3 * x], r[3 * x + 1], r[3 * x + 2]];
        for x in (0..w as usize).step_by(stride) {
            if !here[x] {
                continue;
            }
            let l = sums.add(px(row, x));
            if x + 1 < w as usize && next && here[x + 1] && below[x] {
                sums.add_texture(l, luma(px(row, x + 1)), luma(px(row_below, x)));
            }
        }
    }
    sums.background()
}

/// What [`background`] adds up over the backdrop's pixels.
#[derive(Debug, Default)]
struct Sums {
    colour: [f64; 3],
    luma: f64,
    luma_sq: f64,
    texture: f64,
    pixels: u32,
    pairs: u32,
}

impl Sums {
    /// Adds pixel `p`; returns its luma.
    fn add(&mut self, p: [u8; 3]) -> f64 {
        for (c, v) in self.colour.iter_mut().zip(p) {
            *c += f64::from(v);
        }
        let l = f64::from(luma(p));
        self.luma += l;
        self.luma_sq += l * l;
        self.pixels += 1;
        l
    }

    /// Adds the differences of a pixel of luma `l` to its neighbours on the right and below.
    fn add_texture(&mut self, l: f64, right: f32, under: f32) {
        self.texture += (f64::from(right) - l).abs() + (f64::from(under) - l).abs();
        self.pairs += 2;
    }

    fn background(&self) -> Background {
        if self.pixels == 0 {
            return Background::default();
        }
        let nf = f64::from(self.pixels);
        Background {
            mean: self.colour.map(|s| (s / nf) as f32),
            std: (self.luma_sq / nf - (self.luma / nf).powi(2))
                .max(0.0)
                .sqrt() as f32,
            texture: if self.pairs > 0 {
                (self.texture / f64::from(self.pairs)) as f32
            } else {
                0.0
            },
            pixels: self.pixels,
        }
    }
}

/// Colour cast of the face: mean (R − G) and (B − G) over the mean luma. Skin is warm, so R − G
/// is positive on a good photo; a blue or green light shows as a drop.
pub fn colour_cast(rgb: &RgbImage, region: Rect) -> [f32; 2] {
    let (mut rg, mut bg, mut l, mut n) = (0.0f64, 0.0f64, 0.0f64, 0u32);
    for y in region.y..region.y + region.h {
        for x in region.x..region.x + region.w {
            let p = rgb.get_pixel(x, y).0;
            rg += f64::from(p[0]) - f64::from(p[1]);
            bg += f64::from(p[2]) - f64::from(p[1]);
            l += f64::from(luma(p));
            n += 1;
        }
    }
    if n == 0 || l <= 0.0 {
        return [0.0, 0.0];
    }
    [(rg / l) as f32, (bg / l) as f32]
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, Rgb};

    #[test]
    fn exposure_counts_clipped_pixels() {
        let rgb = RgbImage::from_fn(10, 10, |x, _| {
            if x < 2 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let e = exposure(
            &rgb,
            Rect {
                x: 0,
                y: 0,
                w: 10,
                h: 10,
            },
        );
        assert!((e.under - 0.2).abs() < 1e-6 && (e.over - 0.8).abs() < 1e-6);
    }

    #[test]
    fn balance_finds_the_darker_side() {
        let rgb = RgbImage::from_fn(100, 50, |x, _| {
            if x < 50 {
                Rgb([60, 60, 60])
            } else {
                Rgb([180, 180, 180])
            }
        });
        let b = balance(
            &rgb,
            Rect {
                x: 0,
                y: 0,
                w: 100,
                h: 50,
            },
        );
        assert!(b.darker_on_left);
        assert!((b.ratio - 60.0 / 180.0).abs() < 0.01);
    }

    #[test]
    fn sharpness_drops_with_blur_not_with_darkness() {
        let sharp = GrayImage::from_fn(128, 128, |x, y| {
            Luma([if (x / 4 + y / 4) % 2 == 0 { 200 } else { 40 }])
        });
        let region = Rect {
            x: 0,
            y: 0,
            w: 128,
            h: 128,
        };
        let blurred = image::imageops::blur(&sharp, 3.0);
        let dark = GrayImage::from_fn(128, 128, |x, y| Luma([sharp.get_pixel(x, y).0[0] / 2]));
        let (s, b, d) = (
            sharpness(&sharp, region),
            sharpness(&blurred, region),
            sharpness(&dark, region),
        );
        assert!(b < s / 3.0, "sharp {s} blurred {b}");
        assert!((d - s).abs() < s * 0.1, "sharp {s} dark {d}");
    }

    #[test]
    fn plain_background_has_little_texture() {
        let plain = RgbImage::from_fn(100, 100, |x, _| Rgb([230 - (x / 10) as u8, 230, 228]));
        let busy = RgbImage::from_fn(100, 100, |x, y| {
            if (x / 3 + y / 5) % 2 == 0 {
                Rgb([200, 30, 30])
            } else {
                Rgb([20, 20, 120])
            }
        });
        let head = Head::upright(20.0, 90.0, 50.0, 50.0, 30.0);
        let (p, b) = (background(&plain, &head), background(&busy, &head));
        assert!(p.pixels > 1000, "{p:?}");
        assert!(
            p.texture < 1.0 && b.texture > 10.0,
            "plain {p:?} busy {b:?}"
        );
    }

    /// The backdrop's pixels, one by one through [`is_backdrop`], as they were first chosen:
    /// the row-wise [`background`] must pick exactly these and give exactly these measures.
    fn background_pixel_by_pixel(rgb: &RgbImage, head: &Head) -> Background {
        let (w, h) = rgb.dimensions();
        let rows = (head.eye_y.max(0.0) as u32).min(h);
        let stride = if w >= 1000 { 2 } else { 1 };
        let mut sums = Sums::default();
        for y in (0..rows).step_by(stride) {
            for x in (0..w).step_by(stride) {
                if !is_backdrop(head, x, y) {
                    continue;
                }
                let l = sums.add(rgb.get_pixel(x, y).0);
                if x + 1 < w
                    && y + 1 < rows
                    && is_backdrop(head, x + 1, y)
                    && is_backdrop(head, x, y + 1)
                {
                    let right = luma(rgb.get_pixel(x + 1, y).0);
                    let below = luma(rgb.get_pixel(x, y + 1).0);
                    sums.add_texture(l, right, below);
                }
            }
        }
        sums.background()
    }

    #[test]
    fn the_backdrop_measured_row_by_row_is_the_backdrop_pixel_by_pixel() {
        let mut rng = fastrand::Rng::with_seed(11);
        // Small frames (every pixel) and a capture-sized one (every other), heads of any size,
        // off-centre and partly out of the picture.
        let mut cases = vec![(1280, 720, Head::upright(-40.0, 500.0, 250.0, 700.5, 330.0))];
        for _ in 0..60 {
            let (cx, fw) = (rng.f32() * 260.0 - 50.0, 1.0 + rng.f32() * 150.0);
            let (eye, crown) = (rng.f32() * 140.0, rng.f32() * 100.0 - 60.0);
            cases.push((160, 120, Head::upright(crown, eye + 60.0, eye, cx, fw)));
        }
        for (w, h, head) in cases {
            let rgb = RgbImage::from_fn(w, h, |_, _| Rgb([rng.u8(..), rng.u8(..), rng.u8(..)]));
            let expected = background_pixel_by_pixel(&rgb, &head);
            let got = background(&rgb, &head);
            assert_eq!(got.pixels, expected.pixels, "{head:?}");
            if expected.pixels > 0 {
                assert_eq!(got, expected, "{head:?}");
            }
        }
    }
}
