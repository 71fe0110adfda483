//! Light on the face beyond its exposure: shadow between the upper and the lower face (a brim, a
//! lamp from above), and glare (specular spots on skin or on glasses).

use image::RgbImage;

use super::Sampler;
use super::skin::{Skin, ycc};
use crate::vision::mesh::{Landmarks, index};

/// Mean luma of the skin on the forehead over that on the cheeks, the darker over the brighter:
/// 1 is even. 1 as well when either has too little skin in view to say (a fringe; the brows'
/// rule speaks for that).
pub fn top_bottom(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> f32 {
    let brow_top = index::BROW_LEFT
        .iter()
        .chain(&index::BROW_RIGHT)
        .map(|&i| l.mesh.xy(i)[1])
        .fold(f32::MAX, f32::min);
    let forehead = l.mesh.xy(index::FOREHEAD);
    let (x0, x1) = (
        l.mesh.xy(index::LEFT_EYE_OUTER)[0],
        l.mesh.xy(index::RIGHT_EYE_OUTER)[0],
    );
    let upper = Sampler::rect(
        [x0, forehead[1] + 0.3 * (brow_top - forehead[1])],
        [x1, brow_top - 0.02 * face_width],
        face_width,
    );
    let nose = l.mesh.xy(index::NOSE_BOTTOM);
    let eye_y = l.eye_y();
    let lower = Sampler::rect([x0, eye_y + 0.12 * face_width], [x1, nose[1]], face_width);
    let mean = |s: &Sampler| {
        let (mut sum, mut n) = (0.0f32, 0u32);
        s.each(rgb, |p| {
            if skin.matches(p) {
                sum += ycc(p)[0];
                n += 1;
            }
        });
        (n >= 20).then(|| sum / n as f32)
    };
    match (mean(&upper), mean(&lower)) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => a.min(b) / a.max(b),
        _ => 1.0,
    }
}

/// Chroma below which the skin has no colour to tell glare from lit skin: a grey photo.
const GREY_SKIN: f32 = 4.0;

/// Share of the face from the forehead to below the nose that is specular: well above the skin's
/// own brightness and with less than half its colour (the light's own white, not lit skin). The
/// eyes' catchlights are a few pixels; a lens or an oily forehead reflecting the light is much
/// more. A photo without colour shows no glare by this measure (the colour rule refuses it).
pub fn glare(rgb: &RgbImage, l: &Landmarks, skin: &Skin, face_width: f32) -> f32 {
    let forehead = l.mesh.xy(index::FOREHEAD);
    let nose = l.mesh.xy(index::NOSE_BOTTOM);
    let (x0, x1) = (
        l.mesh.xy(index::LEFT_EYE_OUTER)[0] - 0.04 * face_width,
        l.mesh.xy(index::RIGHT_EYE_OUTER)[0] + 0.04 * face_width,
    );
    let region = Sampler::rect([x0, forehead[1]], [x1, nose[1]], face_width);
    let bright = (skin.luma + 3.0 * skin.luma_sd).clamp(200.0, 240.0);
    let skin_colour = skin.chroma[0].hypot(skin.chroma[1]);
    if skin_colour < GREY_SKIN {
        return 0.0;
    }
    let white = (0.5 * skin_colour).min(14.0);
    region.share(rgb, |p| {
        let [y, cb, cr] = ycc(p);
        y >= bright && cb.hypot(cr) < white
    })
}
