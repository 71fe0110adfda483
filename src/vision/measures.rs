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
    let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
    if yf >= head.eye_y {
        return false;
    }
    let rx = 0.78 * head.face_width;
    let ry = (head.eye_y - head.crown_y) + 0.3 * head.height();
    let (dx, dy) = ((xf - head.center_x) / rx, (yf - head.eye_y) / ry);
    dx * dx + dy * dy > 1.0
}

/// Colour, unevenness and texture of the backdrop around `head` (see [`is_backdrop`]).
pub fn background(rgb: &RgbImage, head: &Head) -> Background {
    let (w, h) = rgb.dimensions();
    let rows = (head.eye_y.max(0.0) as u32).min(h);
    // On a big capture every other pixel of every other row is plenty (a quarter of the work);
    // texture still compares neighbours one pixel apart.
    let stride = if w >= 1000 { 2 } else { 1 };
    let (mut sum, mut lsum, mut lsq, mut tex, mut n, mut tn) =
        ([0.0f64; 3], 0.0f64, 0.0f64, 0.0f64, 0u32, 0u32);
    for y in (0..rows).step_by(stride) {
        for x in (0..w).step_by(stride) {
            if !is_backdrop(head, x, y) {
                continue;
            }
            let p = rgb.get_pixel(x, y).0;
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            let l = f64::from(luma(p));
            lsum += l;
            lsq += l * l;
            n += 1;
            if x + 1 < w
                && y + 1 < rows
                && is_backdrop(head, x + 1, y)
                && is_backdrop(head, x, y + 1)
            {
                let right = f64::from(luma(rgb.get_pixel(x + 1, y).0));
                let below = f64::from(luma(rgb.get_pixel(x, y + 1).0));
                tex += (right - l).abs() + (below - l).abs();
                tn += 2;
            }
        }
    }
    if n == 0 {
        return Background::default();
    }
    let nf = f64::from(n);
    Background {
        mean: sum.map(|s| (s / nf) as f32),
        std: (lsq / nf - (lsum / nf).powi(2)).max(0.0).sqrt() as f32,
        texture: if tn > 0 {
            (tex / f64::from(tn)) as f32
        } else {
            0.0
        },
        pixels: n,
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
}
