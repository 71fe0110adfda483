//! What the hair leaves showing: the eyebrows (a fringe over them) and the ears (hair over them),
//! each as the share of the applicant's own skin where the face mesh puts that part.

use image::RgbImage;

use super::Sampler;
use super::skin::Skin;
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
    let eye_y = (l.eyes[0].iris[1] + l.eyes[1].iris[1]) / 2.0;
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
