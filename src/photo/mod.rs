//! Normalization of a capture to a document's spec: crop from the face, resample, background to
//! the spec colour, gentle exposure and white balance (never mirrored, never beautified), JPEG
//! inside the KB window with the JFIF density set; and the checks of a photo against a spec.
//!
//! Pure: works on bytes and pixels, knows nothing of files, cameras or the UI.

mod check;
mod decode;
mod encode;
mod normalize;

pub use check::{FileFacts, Report, Rule, check};
pub use decode::{DecodeError, MAX_PIXELS, MAX_SIDE, decode};
pub use encode::{EncodeError, Encoded, Jfif, encode_jpeg, encode_within, read_markers};
pub use normalize::{Normalized, cut, normalize, replace_backdrop, tone};

use crate::spec::{Reason, Spec};
use crate::vision::{Assessment, CropPlan, Face, FaceDetector, Thresholds, assess_still};

/// A capture normalized, encoded and checked again.
#[derive(Debug, Clone)]
pub struct Output {
    /// The JPEG file.
    pub jpeg: Encoded,
    /// The normalization.
    pub normalized: Normalized,
    /// The output checked against the spec, as the center will check it.
    pub report: Report,
}

impl Output {
    /// Reasons from normalization and from the check of the output, together.
    pub fn reasons(&self) -> Vec<Reason> {
        let mut all: Vec<Reason> = self
            .normalized
            .reasons
            .iter()
            .chain(&self.report.reasons)
            .copied()
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// How the head is found again on a normalized photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Remeasure {
    /// A full detection: counts every face (a file of unknown origin).
    Detect,
    /// A refinement where the head is expected: the booth already counted the faces live.
    AroundPlan,
}

/// Normalizes a capture of unknown origin (a file): a full detection counts the faces, then
/// [`normalize`], a second cut measured on the first, encoding inside the KB window and the
/// check of the encoded file by a fresh detection, as the center will check it.
pub fn process(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let assessment = assess_still(detector, capture);
    finish(detector, capture, assessment, spec, t, Remeasure::Detect)
}

/// Normalizes the booth's own capture, whose face the live tracker already follows (`face`, in
/// the capture's pixels) and whose faces it already counted: no full detection, only
/// refinements where the face is. This is the path that must keep up with the applicant.
pub fn process_known(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    face: &Face,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let gray = image::imageops::grayscale(capture);
    let refined = detector.refine(&gray, face);
    let assessment = Assessment::from_faces(capture, &gray, vec![refined]);
    finish(
        detector,
        capture,
        assessment,
        spec,
        t,
        Remeasure::AroundPlan,
    )
}

/// Measures the normalized photo again, by `how`.
fn remeasure(
    detector: &mut FaceDetector,
    image: &image::RgbImage,
    plan: &CropPlan,
    how: Remeasure,
) -> Assessment {
    match how {
        Remeasure::Detect => assess_still(detector, image),
        Remeasure::AroundPlan => {
            let gray = image::imageops::grayscale(image);
            let expected = plan.head.face_box();
            let refined = detector.refine(&gray, &expected);
            Assessment::from_faces(image, &gray, vec![refined])
        }
    }
}

fn finish(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    mut assessment: Assessment,
    spec: &Spec,
    t: &Thresholds,
    how: Remeasure,
) -> Result<Output, EncodeError> {
    let mut normalized = normalize(capture, &assessment, spec, t);
    // Closed loop: the head is measured again on the output, as the center will measure it, and
    // taken back into the capture's pixels for a second cut. This cancels the detector's own
    // bias at the output's scale, which matters for tight ranges (身份证: a 14 px crown margin).
    if let Some(plan) = normalized.plan {
        let seen = remeasure(detector, &normalized.image, &plan, how);
        if let (Some(out_head), 1) = (seen.head, seen.faces.len()) {
            assessment.head = Some(out_head.out_of_crop(plan.left, plan.top, plan.scale));
            normalized = normalize(capture, &assessment, spec, t);
        }
    }
    let jpeg = encode_within(&normalized.image, spec.dpi, spec.byte_window())?;
    let facts = FileFacts::of(&jpeg.bytes);
    // Check what the center will see: the encoded file, decoded again.
    let decoded = decode(&jpeg.bytes).unwrap_or_else(|_| normalized.image.clone());
    let seen = match normalized.plan {
        Some(plan) => remeasure(detector, &decoded, &plan, how),
        None => assess_still(detector, &decoded),
    };
    let mut report = check(&seen, spec, Some(facts), t);
    if how == Remeasure::AroundPlan {
        // The faces were counted live; the one found here is the applicant's.
        report.rules.retain(|r| r.rule != "one_face");
    }
    Ok(Output {
        jpeg,
        normalized,
        report,
    })
}
