//! Normalization of a capture to a document's spec: crop from the head, resample, gentle
//! exposure and white balance, backdrop to the spec's colour. Never mirrors, never beautifies.

use image::{Rgb, RgbImage, imageops};

use crate::spec::{Reason, Spec};
use crate::vision::mesh::PersonMask;
use crate::vision::{Assessment, CropPlan, Head, PERSON_EDGE, Thresholds, in_two, luma, plan_crop};

/// A normalized photo before encoding, and what could not be met.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The photo at the spec's pixel size.
    pub image: RgbImage,
    /// The crop, when a face was found.
    pub plan: Option<CropPlan>,
    /// Rules the geometry could not meet (empty when it fits the spec).
    pub reasons: Vec<Reason>,
    /// Whether the background was brought to the spec's colour.
    pub background_replaced: bool,
    /// Share of the photo where the person mask was unsure (see [`MASK_UNSURE_MAX`]).
    pub mask_unsure: Option<f32>,
}

/// Largest share of the photo where the person mask is unsure (probability 0.2 to 0.8) for the
/// background to count as separated: the hair's soft edge takes a few percent; a background the
/// model cannot tell from the person takes much more.
pub const MASK_UNSURE_MAX: f32 = 0.12;

/// Puts the person of `image` (the crop `plan` of a capture, whose person mask is `mask`) on
/// `colour`. Each pixel's share of person comes from the mask, sharpened around
/// [`PERSON_EDGE`] (where the crown is measured) so the hair keeps a soft edge of a pixel or two; what the old background lent to that
/// edge is taken back out (the background's colour near the pixel, averaged where the mask is
/// sure there is no person), so no halo of the old background is left. Returns the share of the
/// photo the mask was unsure of. Below `bottom`, the capture's height, the crop repeats the
/// capture's last row ([`cut`]), and the mask is read on that row too.
pub fn replace_background(
    image: &mut RgbImage,
    plan: &CropPlan,
    mask: &PersonMask,
    bottom: f32,
    colour: [u8; 3],
) -> f32 {
    let (w, h) = image.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    // The work is split in two, each half on its own core (a booth has two, and the applicant
    // waits for this photo): rows for the mask and the final blend, the four box means two and
    // two. Each value is worked out as on one thread.
    let mid = h / 2;
    let alpha_rows = |rows: std::ops::Range<u32>| -> Vec<f32> {
        rows.flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| {
                let cx = plan.left + (x as f32 + 0.5) / plan.scale;
                let cy = (plan.top + (y as f32 + 0.5) / plan.scale).min(bottom - 0.5);
                mask.at(cx, cy)
            })
            .collect()
    };
    let (mut alpha, lower) = in_two("normalize", || alpha_rows(0..mid), || alpha_rows(mid..h));
    alpha.extend(lower);
    let unsure = alpha.iter().filter(|&&a| (0.2..=0.8).contains(&a)).count() as f32
        / alpha.len().max(1) as f32;
    // The old background near each pixel: a wide box average of the pixels the mask is sure are
    // background (a room or a flag is not one colour).
    let sure: Vec<f32> = alpha
        .iter()
        .map(|&a| f32::from(u8::from(a < 0.1)))
        .collect();
    let radius = (w.max(h) / 24).max(4) as usize;
    let background = |c: usize| {
        let v: Vec<f32> = image
            .pixels()
            .zip(&sure)
            .map(|(p, &s)| f32::from(p.0[c]) * s)
            .collect();
        box_mean(&v, wu, hu, radius)
    };
    let ((weight, red), (green, blue)) = in_two(
        "normalize",
        || (box_mean(&sure, wu, hu, radius), background(0)),
        || (background(1), background(2)),
    );
    let channels = [red, green, blue];
    let target = colour.map(f32::from);
    let blend = |pixels: &mut [u8], first: usize| {
        for (k, p) in pixels.chunks_exact_mut(3).enumerate() {
            let i = first + k;
            let a = smoothstep(PERSON_EDGE - 0.2, PERSON_EDGE + 0.2, alpha[i]);
            if a >= 1.0 {
                continue;
            }
            for c in 0..3 {
                let v = f32::from(p[c]);
                // The background's share of the pixel, swapped for the target colour.
                let lifted = if weight[i] > 0.01 {
                    v + (1.0 - a) * (target[c] - channels[c][i] / weight[i])
                } else {
                    v
                };
                let out = a * lifted + (1.0 - a) * target[c];
                p[c] = round_u8(out);
            }
        }
    };
    let split = mid as usize * wu;
    let (upper, lower) = image.split_at_mut(split * 3);
    let upper = std::sync::Mutex::new(upper);
    in_two(
        "normalize",
        || blend(&mut upper.lock().unwrap_or_else(|e| e.into_inner()), 0),
        || blend(lower, split),
    );
    unsure
}

/// The mean of `v` (a `w`×`h` grid) over a square of `2r + 1` around each cell, clipped at the
/// edges.
fn box_mean(v: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut sat = vec![0.0f64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0.0f64;
        for x in 0..w {
            row += f64::from(v[y * w + x]);
            sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = sat[y1 * (w + 1) + x1] + sat[y0 * (w + 1) + x0]
                - sat[y0 * (w + 1) + x1]
                - sat[y1 * (w + 1) + x0];
            out[y * w + x] = (sum / ((y1 - y0) * (x1 - x0)) as f64) as f32;
        }
    }
    out
}

/// `v` rounded (halves away from zero) into 0..=255: what `v.round().clamp(0.0, 255.0) as u8`
/// gives, without a call into libm per pixel (`f32::round` is one on baseline x86-64).
fn round_u8(v: f32) -> u8 {
    let v = v.clamp(0.0, 255.0);
    // Below 256 the fraction is exact.
    let whole = v as u8;
    if v - f32::from(whole) >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

fn smoothstep(lo: f32, hi: f32, v: f32) -> f32 {
    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Cuts the planned crop out of `rgb` at the output size. A part past the capture's bottom edge
/// repeats the capture's last row (the neck and the clothes go on below the frame; a band of
/// backdrop colour across the shoulders is what an office refuses); a part past the top or a side
/// is filled with `fill` (backdrop, which the person mask then whitens).
pub fn cut(rgb: &RgbImage, plan: &CropPlan, out: (u32, u32), fill: Rgb<u8>) -> RgbImage {
    let (cw, ch) = plan.size_in_capture(out);
    let (x0, y0) = (plan.left.floor() as i64, plan.top.floor() as i64);
    let (x1, y1) = (
        (plan.left + cw).ceil() as i64,
        (plan.top + ch).ceil() as i64,
    );
    let (sw, sh) = (rgb.width() as i64, rgb.height() as i64);
    let region = if x0 >= 0 && y0 >= 0 && x1 <= sw && y1 <= sh {
        imageops::crop_imm(
            rgb,
            x0 as u32,
            y0 as u32,
            (x1 - x0) as u32,
            (y1 - y0) as u32,
        )
        .to_image()
    } else {
        let mut canvas =
            RgbImage::from_pixel((x1 - x0).max(1) as u32, (y1 - y0).max(1) as u32, fill);
        imageops::overlay(&mut canvas, rgb, -x0, -y0);
        extend_bottom(&mut canvas, sh - y0, (-x0, sw - x0));
        canvas
    };
    imageops::resize(&region, out.0, out.1, imageops::FilterType::CatmullRom)
}

/// Repeats row `last - 1` of `canvas` (the capture's last row) down to its bottom, in the columns
/// `from..to` that the capture covers.
fn extend_bottom(canvas: &mut RgbImage, last: i64, (from, to): (i64, i64)) {
    let (w, h) = (i64::from(canvas.width()), i64::from(canvas.height()));
    if last < 1 || last >= h {
        return;
    }
    let source = (last - 1) as u32;
    for x in from.max(0)..to.min(w) {
        let p = *canvas.get_pixel(x as u32, source);
        for y in last..h {
            canvas.put_pixel(x as u32, y as u32, p);
        }
    }
}

/// How far inside the checks' face-luma range toning aims: a toned face passes with room to
/// spare, more so at the bright end, where highlights clip.
const TONE_MARGIN_DARK: f32 = 25.0;
const TONE_MARGIN_BRIGHT: f32 = 35.0;

/// Gentle exposure and white balance: the face's mean luma is pulled into the thresholds' band
/// (gain at most ±20 %), and a light, plain backdrop is made neutral (±8 % per channel).
/// The same gains apply to every pixel: nothing local, nothing that changes features.
pub fn tone(image: &mut RgbImage, face_luma: f32, backdrop: Option<[f32; 3]>, t: &Thresholds) {
    let band = (
        t.face_luma_min + TONE_MARGIN_DARK,
        t.face_luma_max - TONE_MARGIN_BRIGHT,
    );
    let gain = if face_luma > 1.0 && face_luma < band.0 {
        (band.0 / face_luma).min(1.2)
    } else if face_luma > band.1 {
        (band.1 / face_luma).max(0.8)
    } else {
        1.0
    };
    let mut gains = [gain; 3];
    if let Some(mean) = backdrop.filter(|m| luma(m.map(|c| c as u8)) > 120.0) {
        let grey = (mean[0] + mean[1] + mean[2]) / 3.0;
        for c in 0..3 {
            if mean[c] > 1.0 {
                gains[c] *= (grey / mean[c]).clamp(0.92, 1.08);
            }
        }
    }
    if gains.iter().all(|g| (g - 1.0).abs() < 0.005) {
        return;
    }
    let lut: [[u8; 256]; 3] =
        std::array::from_fn(|c| std::array::from_fn(|v| round_u8(v as f32 * gains[c])));
    for p in image.pixels_mut() {
        for c in 0..3 {
            p.0[c] = lut[c][usize::from(p.0[c])];
        }
    }
}

/// Brings the backdrop to `colour`: every pixel joined to the top or side edges through pixels
/// near the backdrop's colour is background; the mask is feathered so the hair keeps a soft edge.
pub fn replace_backdrop(image: &mut RgbImage, backdrop: [f32; 3], tolerance: f32, colour: [u8; 3]) {
    let (w, h) = image.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let near = |p: &Rgb<u8>| {
        let d: f32 = (0..3)
            .map(|c| (f32::from(p.0[c]) - backdrop[c]).powi(2))
            .sum();
        d.sqrt() <= tolerance
    };
    // Flood from the top row and both sides.
    let mut mask = vec![false; wu * hu];
    let mut stack: Vec<(u32, u32)> = Vec::new();
    let seeds = (0..w)
        .map(|x| (x, 0))
        .chain((0..h).flat_map(|y| [(0, y), (w - 1, y)]));
    for (x, y) in seeds {
        if near(image.get_pixel(x, y)) {
            stack.push((x, y));
        }
    }
    while let Some((x, y)) = stack.pop() {
        let i = y as usize * wu + x as usize;
        if mask[i] || !near(image.get_pixel(x, y)) {
            continue;
        }
        mask[i] = true;
        if x > 0 {
            stack.push((x - 1, y));
        }
        if x + 1 < w {
            stack.push((x + 1, y));
        }
        if y > 0 {
            stack.push((x, y - 1));
        }
        if y + 1 < h {
            stack.push((x, y + 1));
        }
    }
    // Feather: a 5×5 box average of the mask gives each edge pixel its share of background.
    let soft = feather(&mask, wu, hu, 2);
    for (i, p) in image.pixels_mut().enumerate() {
        let a = soft[i];
        if a > 0.0 {
            for (channel, target) in p.0.iter_mut().zip(colour) {
                let v = f32::from(*channel) * (1.0 - a) + f32::from(target) * a;
                *channel = round_u8(v);
            }
        }
    }
}

fn feather(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<f32> {
    let share: Vec<f32> = mask.iter().map(|&m| f32::from(u8::from(m))).collect();
    let mean = box_mean(&share, w, h, r);
    // Only pixels that are background themselves, or border it, change.
    mean.iter()
        .zip(mask)
        .map(|(&v, &m)| if m { v } else { 0.5 * v })
        .collect()
}

/// Normalizes a capture to `spec`, given its assessment. Always returns a photo at the spec's
/// size (a centre crop when there is no face), with the reasons it falls short, if any.
pub fn normalize(
    rgb: &RgbImage,
    assessment: &Assessment,
    spec: &Spec,
    t: &Thresholds,
) -> Normalized {
    let out = (spec.width_px, spec.height_px);
    let mut reasons = Vec::new();
    match assessment.faces.len() {
        0 => reasons.push(Reason::FaceNotFound),
        1 => {}
        _ => reasons.push(Reason::MultipleFaces),
    }
    let (Some(head), Some(measures)) = (assessment.head, assessment.measures) else {
        let plan = centre_plan(rgb.dimensions(), spec);
        let image = cut(rgb, &plan, out, Rgb(spec.background));
        return Normalized {
            image,
            plan: None,
            reasons,
            background_replaced: false,
            mask_unsure: None,
        };
    };
    let (plan, geometry) = plan_crop(&head, spec, rgb.dimensions());
    reasons.extend(geometry);

    let bg = measures.background;
    let plain =
        bg.pixels > 0 && bg.texture <= t.background_texture_max && bg.std <= t.background_std_max;
    let fill = Rgb(spec.background);
    let mut image = cut(rgb, &plan, out, fill);
    tone(
        &mut image,
        measures.exposure.mean,
        plain.then_some(bg.mean),
        t,
    );
    let mask = assessment.landmarks.as_ref().and_then(|l| l.mask.as_ref());
    let mut mask_unsure = None;
    let replaced = if let Some(mask) = mask {
        // Any background: the person mask separates the person from it.
        let unsure = replace_background(
            &mut image,
            &plan,
            mask,
            rgb.height() as f32,
            spec.background,
        );
        mask_unsure = Some(unsure);
        unsure <= MASK_UNSURE_MAX
    } else if plain {
        // No mask (never expected): a plain backdrop is still found by its colour.
        let after = crate::vision::background(&image, &plan.head);
        let tolerance = (3.0 * after.std + 18.0).clamp(18.0, 45.0);
        replace_backdrop(&mut image, after.mean, tolerance, spec.background);
        true
    } else {
        false
    };
    if !replaced {
        reasons.push(Reason::BackgroundNotUniform);
    }
    reasons.sort();
    reasons.dedup();
    Normalized {
        image,
        plan: Some(plan),
        reasons,
        background_replaced: replaced,
        mask_unsure,
    }
}

/// A centre crop at the spec's aspect, for a capture with no face.
fn centre_plan((w, h): (u32, u32), spec: &Spec) -> CropPlan {
    let scale = (spec.width_px as f32 / w as f32).max(spec.height_px as f32 / h as f32);
    let left = (w as f32 - spec.width_px as f32 / scale) / 2.0;
    let top = (h as f32 - spec.height_px as f32 / scale) / 2.0;
    let head = Head::upright(0.0, 0.0, 0.0, 0.0, 0.0);
    CropPlan {
        left,
        top,
        scale,
        head,
        padded: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::mesh::Roi;

    fn plan() -> CropPlan {
        CropPlan {
            left: 0.0,
            top: 0.0,
            scale: 1.0,
            head: Head::upright(10.0, 90.0, 40.0, 50.0, 40.0),
            padded: false,
        }
    }

    fn roi() -> Roi {
        Roi {
            cx: 50.0,
            cy: 50.0,
            size: 100.0,
            theta: 0.0,
        }
    }

    #[test]
    fn rounding_into_a_byte_is_rounding_then_clamping() {
        let mut rng = fastrand::Rng::with_seed(11);
        let edges = [
            -0.5, 0.0, 0.49999997, 0.5, 1.5, 2.5, 254.5, 254.49998, 255.0, 255.5, 300.0,
        ];
        let values = edges
            .into_iter()
            .chain((0..100_000).map(|_| rng.f32() * 280.0 - 12.0))
            .chain([f32::NAN, f32::INFINITY, f32::NEG_INFINITY]);
        for v in values {
            assert_eq!(round_u8(v), v.round().clamp(0.0, 255.0) as u8, "{v}");
        }
    }

    #[test]
    fn the_person_keeps_its_pixels_and_the_background_takes_the_colour() {
        // A red disc (the person) on a green background, its mask sure on both sides.
        let inside = |x: f32, y: f32| (x - 50.0).powi(2) + (y - 50.0).powi(2) < 30.0f32.powi(2);
        let mut image = RgbImage::from_fn(100, 100, |x, y| {
            if inside(x as f32 + 0.5, y as f32 + 0.5) {
                Rgb([200, 30, 30])
            } else {
                Rgb([20, 160, 20])
            }
        });
        let mask = PersonMask::from_fn(roi(), |x, y| f32::from(u8::from(inside(x, y))));
        let unsure = replace_background(&mut image, &plan(), &mask, 100.0, [255, 255, 255]);
        assert!(unsure < 0.05, "{unsure}");
        assert_eq!(image.get_pixel(50, 50).0, [200, 30, 30]);
        assert_eq!(image.get_pixel(3, 3).0, [255, 255, 255]);
        // No halo: the old green is left nowhere as it was, even on the edge the mask blurs.
        let green = image
            .pixels()
            .filter(|p| p.0[1] > 120 && p.0[0] < 90 && p.0[2] < 90)
            .count();
        assert_eq!(green, 0, "{green} pixels of the old background left");
    }

    #[test]
    fn a_cut_past_the_bottom_goes_on_with_the_last_row_and_past_the_top_with_the_fill() {
        // Columns of different colours, so a repeated row is told from a fill.
        let rgb = RgbImage::from_fn(40, 30, |x, y| Rgb([(x * 6) as u8, (y * 8) as u8, 90]));
        // One output pixel per capture pixel, 10 rows above the capture and 10 below it, 5
        // columns past its left edge.
        let plan = CropPlan {
            left: -5.0,
            top: -10.0,
            scale: 1.0,
            head: Head::upright(0.0, 0.0, 0.0, 0.0, 0.0),
            padded: true,
        };
        let fill = Rgb([255, 255, 255]);
        let image = cut(&rgb, &plan, (45, 50), fill);
        // Above the capture: the fill; inside: the capture.
        assert_eq!(*image.get_pixel(20, 3), fill);
        assert_eq!(image.get_pixel(20, 25).0, rgb.get_pixel(15, 15).0);
        // Below it: the capture's last row, column by column.
        for y in 40..50 {
            for x in [5u32, 20, 44] {
                assert_eq!(
                    image.get_pixel(x, y).0,
                    rgb.get_pixel(x - 5, 29).0,
                    "({x}, {y})"
                );
            }
            // Past the left edge as well as the bottom: the fill.
            assert_eq!(*image.get_pixel(2, y), fill);
        }
    }

    #[test]
    fn a_mask_in_doubt_is_reported_and_refused() {
        let mask = PersonMask::from_fn(roi(), |_, _| 0.5);
        let mut image = RgbImage::from_pixel(100, 100, Rgb([128, 128, 128]));
        let unsure = replace_background(&mut image, &plan(), &mask, 100.0, [255, 255, 255]);
        assert!(unsure > MASK_UNSURE_MAX, "{unsure}");
    }
}
