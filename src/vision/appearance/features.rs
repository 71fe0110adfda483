//! Eyes, mouth and gaze, from the face mesh and the irises: shares of the eye's or the mouth's
//! width, so the same at every size.

use crate::vision::mesh::{Landmarks, index};

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// How open the less open eye is: the eyelids' gap over the eye's width (corner to corner). An
/// open eye is about 0.3, a closed one under 0.1.
pub fn eyes_open(l: &Landmarks) -> f32 {
    let corners = [
        (index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER),
        (index::RIGHT_EYE_INNER, index::RIGHT_EYE_OUTER),
    ];
    l.eyes
        .iter()
        .zip(corners)
        .map(|(eye, (a, b))| {
            let width = dist(l.mesh.xy(a), l.mesh.xy(b)).max(1e-3);
            dist(eye.lids[0], eye.lids[1]) / width
        })
        .fold(f32::MAX, f32::min)
}

/// How far apart the lips are: the widest gap between the inner lips over the mouth's width.
/// Closed lips are near 0; a smile showing teeth is well over 0.1.
pub fn mouth_open(l: &Landmarks) -> f32 {
    let width = dist(
        l.mesh.xy(index::MOUTH_CORNERS[0]),
        l.mesh.xy(index::MOUTH_CORNERS[1]),
    )
    .max(1e-3);
    index::INNER_LIPS
        .iter()
        .map(|&(upper, lower)| (l.mesh.xy(lower)[1] - l.mesh.xy(upper)[1]).max(0.0))
        .fold(0.0f32, f32::max)
        / width
}

/// Where the irises sit in an eye looking into the camera: a little above the line of its
/// corners (the mean over the test portraits, all looking into the camera), in eye widths.
const LEVEL_GAZE_Y: f32 = -0.06;

/// Where the irises look, as the mean offset of each iris from the middle of its eye: `[x, y]`
/// in shares of the eye's width, along and across the line of the eye's corners (x towards the
/// image's right, y down), y from where it sits looking level. Looking into the camera is near
/// `[0, 0]`.
pub fn gaze(l: &Landmarks) -> [f32; 2] {
    let corners = [
        (index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER),
        (index::RIGHT_EYE_INNER, index::RIGHT_EYE_OUTER),
    ];
    let mut sum = [0.0f32; 2];
    for (eye, (a, b)) in l.eyes.iter().zip(corners) {
        let (a, b) = (l.mesh.xy(a), l.mesh.xy(b));
        let width = dist(a, b).max(1e-3);
        let (ux, uy) = ((b[0] - a[0]) / width, (b[1] - a[1]) / width);
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let (dx, dy) = (eye.iris[0] - mid[0], eye.iris[1] - mid[1]);
        sum[0] += (dx * ux + dy * uy) / width;
        sum[1] += (-dx * uy + dy * ux) / width;
    }
    [sum[0] / 2.0, sum[1] / 2.0 - LEVEL_GAZE_Y]
}
