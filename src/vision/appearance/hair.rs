//! What the hair leaves showing: the eyebrows (a fringe over them) and the ears (hair over them),
//! each as the share of the applicant's own skin where the face mesh puts that part.

use image::RgbImage;

use super::Sampler;
use super::skin::{Skin, ycc};
use crate::vision::mesh::{Landmarks, index};

/// Share of skin in the band just above the eyebrows, the lower of the two brows: a forehead
/// shows about 0.9, a fringe down to the brows under 0.3.
pub fn brows_clear(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> f32 {
    [index::BROW_LEFT, index::BROW_RIGHT]
        .iter()
        .map(|brow| {
            let line: Vec<[f32; 2]> = brow.iter().map(|&i| l.mesh.xy(i)).collect();
            let band = Sampler::above(&line, 0.015 * face_width, 0.06 * face_width, face_width);
            band.share(rgb, |p| skin.matches(p))
        })
        .fold(1.0f32, f32::min)
}

/// Share of the rows beside the face, from the eyes to below the nose, where the ear shows as
/// skin, image-left side first: ears in view show in most rows, hair over them in few.
pub fn ears_clear(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> [f32; 2] {
    let eye_y = l.eye_y();
    let (top, bottom) = (eye_y - 0.05 * face_width, eye_y + 0.40 * face_width);
    let left = index::EAR_SIDE_LEFT
        .iter()
        .map(|&i| l.mesh.xy(i)[0])
        .fold(f32::MAX, f32::min);
    let right = index::EAR_SIDE_RIGHT
        .iter()
        .map(|&i| l.mesh.xy(i)[0])
        .fold(f32::MIN, f32::max);
    let (near, far) = (-0.01 * face_width, 0.12 * face_width);
    [
        Sampler::rect([left - far, top], [left - near, bottom], face_width),
        Sampler::rect([right + near, top], [right + far, bottom], face_width),
    ]
    .map(|side| side.row_share(rgb, EAR_ROW, |p| skin.matches_lit(p, EAR_REACH)))
}

/// How much more an ear may differ from the cheeks than skin elsewhere.
const EAR_REACH: f32 = 1.4;
/// Share of a row beside the face that must be skin for the ear to show in it.
const EAR_ROW: f32 = 0.25;

/// Beside the face, from the eyes down to the mouth: from this far out from the middle to
/// [`BESIDE_OUTER`], in face widths (the face's side is at about 0.5).
const BESIDE_INNER: f32 = 0.42;
/// See [`BESIDE_INNER`].
const BESIDE_OUTER: f32 = 0.75;
/// Share of a row beside the face that must be hair for the hair to come down there.
const BESIDE_ROW: f32 = 0.25;
/// Where the shoulders meet the neck, as much as a document's photo shows of them (its frame
/// ends about a third of a face width below the chin): from this far below the chin to
/// [`SHOULDER_BOTTOM`], in face widths.
const SHOULDER_TOP: f32 = 0.1;
/// See [`SHOULDER_TOP`].
const SHOULDER_BOTTOM: f32 = 0.35;
/// The shoulders: from this far out from the middle to [`SHOULDER_OUTER`], in face widths.
const SHOULDER_INNER: f32 = 0.45;
/// See [`SHOULDER_INNER`].
const SHOULDER_OUTER: f32 = 0.85;

/// How much hair lies over the shoulders, where a document's photo shows them (beside the neck,
/// down to a third of a face width below the chin). On each side: the share of the person's
/// points there with the hair's colour (sampled round the top of the face) and not the
/// clothes' (sampled below the chin), if the hair also comes down beside the face (the share of
/// the rows from the eyes to the mouth with hair in them), whichever is less; the more covered
/// side counts. Hair tied back or ending at the jaw leaves the shoulders; short hair does not
/// come down beside the face, so a dark jacket under it does not count. Where the hair and the
/// clothes have one colour nothing counts. `None` without a person mask; 0 with too little hair
/// to sample (a bald head) or when the photo ends above the shoulders.
pub fn shoulders_covered(
    rgb: &RgbImage,
    l: &Landmarks,
    skin: &Skin,
    face_width: f32,
) -> Option<f32> {
    let mask = l.mask.as_deref()?;
    let fw = face_width;
    let chin = l.mesh.xy(index::CHIN);
    let eye_y = l.eye_y();
    let mouth_y = index::MOUTH_CORNERS
        .iter()
        .map(|&i| l.mesh.xy(i)[1])
        .sum::<f32>()
        / 2.0;
    let cx = chin[0];
    let person = |p: &[f32; 2]| mask.at(p[0], p[1]) > 0.5;
    let Some(hair) = tone(rgb, l, skin, fw) else {
        return Some(0.0);
    };
    let below_chin = Sampler::rect(
        [cx - 0.2 * fw, chin[1] + 0.15 * fw],
        [cx + 0.2 * fw, chin[1] + 0.4 * fw],
        fw,
    );
    let clothes = Tone::sample(rgb, &below_chin, |p, px| person(p) && !skin.matches(px));
    let is_hair =
        |px: [u8; 3]| hair.near(px) && !skin.matches(px) && clothes.is_none_or(|c| !c.near(px));
    let side = |sign: f32| {
        let band = |inner: f32, outer: f32, top: f32, bottom: f32| {
            let (a, b) = (cx + sign * inner * fw, cx + sign * outer * fw);
            Sampler::rect([a.min(b), top], [a.max(b), bottom], fw)
        };
        let beside = band(BESIDE_INNER, BESIDE_OUTER, eye_y, mouth_y);
        let over = band(
            SHOULDER_INNER,
            SHOULDER_OUTER,
            chin[1] + SHOULDER_TOP * fw,
            chin[1] + SHOULDER_BOTTOM * fw,
        );
        let down = beside.row_share_at(rgb, BESIDE_ROW, |p, px| person(&p) && is_hair(px));
        // A photo that ends above the shoulders does not show them.
        let on = if over.inside(rgb) * 2 < over.count() {
            0.0
        } else {
            over.share_where(rgb, person, is_hair)
        };
        down.min(on)
    };
    Some(side(-1.0).max(side(1.0)))
}

/// The hair's tone, sampled round the top of the face (above the forehead and beside the
/// temples: the person's points outside the face's outline that are not skin): `None` without a
/// person mask or with too little hair (a bald head).
fn tone(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> Option<Tone> {
    let mask = l.mask.as_deref()?;
    let eye_y = l.eye_y();
    let cx = l.mesh.xy(index::CHIN)[0];
    let oval: Vec<[f32; 2]> = index::FACE_OVAL.iter().map(|&i| l.mesh.xy(i)).collect();
    let head = Sampler::rect(
        [cx - 0.7 * face_width, eye_y - 0.8 * face_width],
        [cx + 0.7 * face_width, eye_y - 0.1 * face_width],
        face_width,
    );
    Tone::sample(rgb, &head, |p, px| {
        mask.at(p[0], p[1]) > 0.5 && !within(&oval, *p) && !skin.matches(px)
    })
}

/// Whether `p` lies inside the closed polygon `outline`.
fn within(outline: &[[f32; 2]], p: [f32; 2]) -> bool {
    let mut inside = false;
    let mut j = outline.len().wrapping_sub(1);
    for (i, a) in outline.iter().enumerate() {
        let b = outline[j];
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// The colour of a part of the person (hair, clothes): the median luma and chroma and their
/// spreads (median distances, so that a bow or a streak in the sample does not move them).
#[derive(Debug, Clone, Copy)]
struct Tone {
    luma: f32,
    luma_spread: f32,
    chroma: [f32; 2],
    chroma_spread: f32,
}

impl Tone {
    /// The tone of the points of `region` that pass `keep` (point, pixel); `None` with fewer
    /// than a hundred.
    fn sample(
        rgb: &RgbImage,
        region: &Sampler,
        mut keep: impl FnMut(&[f32; 2], [u8; 3]) -> bool,
    ) -> Option<Tone> {
        let mut kept = Vec::new();
        region.each_at(rgb, |p, px| {
            if keep(&p, px) {
                kept.push(ycc(px));
            }
        });
        if kept.len() < 100 {
            return None;
        }
        let column = |k: usize| median(kept.iter().map(|c| c[k]).collect());
        let (luma, cb, cr) = (column(0), column(1), column(2));
        let luma_spread = median(kept.iter().map(|c| (c[0] - luma).abs()).collect());
        let chroma_spread = median(kept.iter().map(|c| (c[1] - cb).hypot(c[2] - cr)).collect());
        Some(Tone {
            luma,
            luma_spread,
            chroma: [cb, cr],
            chroma_spread,
        })
    }

    /// How far `px` is from this tone, in its spreads (chroma and luma, the farther), each spread
    /// at least `floor` (chroma) and `2.5 * floor` (luma).
    fn distance(&self, px: [u8; 3], floor: f32) -> f32 {
        let [y, cb, cr] = ycc(px);
        let chroma =
            (cb - self.chroma[0]).hypot(cr - self.chroma[1]) / self.chroma_spread.max(floor);
        let luma = (y - self.luma).abs() / self.luma_spread.max(2.5 * floor);
        chroma.max(luma)
    }

    /// Whether `px` has about this tone.
    fn near(&self, px: [u8; 3]) -> bool {
        self.distance(px, 4.0) <= 3.0
    }
}

/// The median of `v` (0 when empty).
fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_within_an_outline_and_not_beside_it() {
        let square = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!(within(&square, [5.0, 5.0]));
        assert!(!within(&square, [15.0, 5.0]));
        assert!(!within(&square, [5.0, -1.0]));
        assert!(!within(&[], [0.0, 0.0]));
    }

    #[test]
    fn the_hairs_tone_holds_against_a_bow_in_its_sample() {
        // Dark brown hair with a fifth of the sample a white bow: the median tone is the hair's,
        // so hair is near it and the bow and a light backdrop are not.
        let mut rgb = RgbImage::from_pixel(100, 100, image::Rgb([60, 40, 30]));
        for (x, y, p) in rgb.enumerate_pixels_mut() {
            if x < 20 {
                *p = image::Rgb([245, 245, 245]);
            } else if (x + y) % 7 == 0 {
                // Strands a little lighter.
                *p = image::Rgb([80, 58, 44]);
            }
        }
        let all = Sampler::rect([0.0, 0.0], [100.0, 100.0], 100.0);
        let hair = Tone::sample(&rgb, &all, |_, _| true).expect("enough points");
        assert!(hair.near([60, 40, 30]));
        assert!(hair.near([80, 58, 44]), "a lighter strand");
        assert!(!hair.near([245, 245, 245]), "the bow");
        assert!(!hair.near([200, 60, 60]), "a red top");
        // Too few points: no tone.
        let few = Sampler::rect([0.0, 0.0], [5.0, 5.0], 100.0);
        assert!(Tone::sample(&rgb, &few, |_, _| true).is_none());
    }
}
