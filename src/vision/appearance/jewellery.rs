//! Earrings: metal and stones shine. Beside each earlobe, from below the ear's opening down past
//! the mouth, the measure counts the small spots that are much brighter than everything round
//! them: a stud, a pearl, a drop's facets. Skin, hair and the ear itself are larger than the
//! ring the spot is held against, so they do not count; a strand of hair catching the light is
//! a line, brighter than only part of its ring.

use image::RgbImage;

use super::skin::{Skin, luma_at};
use crate::vision::mesh::Landmarks;

/// The face's outline from the ear down the jaw, image-left side.
const JAW_LEFT: [usize; 4] = [234, 93, 132, 58];
/// The same, image-right side.
const JAW_RIGHT: [usize; 4] = [454, 323, 361, 288];
/// Below the ear's opening (the outline's point beside it), image left and right.
const BELOW_TRAGION: [usize; 2] = [93, 323];
/// The corners of the mouth.
const MOUTH: [usize; 2] = [61, 291];
/// Radius of the ring a spot must outshine, in face widths.
const RING: f32 = 0.035;

/// Bright spots beside the earlobes: their count on a grid a hundredth of the face's width apart,
/// the side with fewer (earrings come in pairs; a single bright spot on one side is as often a
/// collar's button or a glint on the hair). No jewellery measured 0 or 1 on the portraits, pairs
/// of earrings 2 to 7. `None` without a person mask (the backdrop's glints must not count).
pub fn earrings(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> Option<f32> {
    let mask = l.mask.as_deref()?;
    let left = JAW_LEFT
        .map(|i| l.mesh.xy(i)[0])
        .into_iter()
        .fold(f32::MAX, f32::min);
    let right = JAW_RIGHT
        .map(|i| l.mesh.xy(i)[0])
        .into_iter()
        .fold(f32::MIN, f32::max);
    let mean_y = |ids: [usize; 2]| (l.mesh.xy(ids[0])[1] + l.mesh.xy(ids[1])[1]) / 2.0;
    let (top, bottom) = (mean_y(BELOW_TRAGION), mean_y(MOUTH) + 0.25 * face_width);
    let step = (face_width / 100.0).max(1.0);
    let ring = RING * face_width;
    // How much brighter than its ring a spot is: a share of the skin's light, and a floor for
    // JPEG's ringing.
    let margin = 0.15 * skin.luma + 15.0;
    let (outer, inner) = (0.18 * face_width, 0.03 * face_width);
    let spots = [(left - outer, left + inner), (right - inner, right + outer)].map(|(x0, x1)| {
        let mut count = 0u32;
        let mut y = top;
        while y < bottom {
            let mut x = x0;
            while x < x1 {
                if mask.at(x, y) > 0.5 && outshines(rgb, [x, y], ring, margin) {
                    count += 1;
                }
                x += step;
            }
            y += step;
        }
        count
    });
    Some(spots[0].min(spots[1]) as f32)
}

/// Whether the pixel at `p` is brighter by `margin` than each of eight points round it at
/// distance `ring`.
fn outshines(rgb: &RgbImage, p: [f32; 2], ring: f32, margin: f32) -> bool {
    let centre = luma_at(rgb, p);
    (0..8).all(|i| {
        let a = i as f32 * std::f32::consts::FRAC_PI_4;
        luma_at(rgb, [p[0] + ring * a.cos(), p[1] + ring * a.sin()]) + margin < centre
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_bright_spot_outshines_its_ring_a_large_one_does_not() {
        let mut rgb = RgbImage::from_pixel(40, 40, image::Rgb([90, 70, 60]));
        for (x, y, p) in rgb.enumerate_pixels_mut() {
            // A 3-px spot at (10, 10); a 20-px bright patch from x = 20 on.
            if (x as i32 - 10).abs() <= 1 && (y as i32 - 10).abs() <= 1 || x >= 20 {
                *p = image::Rgb([230, 225, 220]);
            }
        }
        assert!(outshines(&rgb, [10.0, 10.0], 5.0, 40.0));
        assert!(
            !outshines(&rgb, [30.0, 20.0], 5.0, 40.0),
            "inside a large patch"
        );
        assert!(!outshines(&rgb, [5.0, 30.0], 5.0, 40.0), "plain skin");
    }
}
