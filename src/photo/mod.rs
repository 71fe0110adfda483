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
use crate::vision::{Assessment, Face, FaceDetector, Head, REFINE_STEPS, Thresholds, assess_still};

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

/// Normalizes a capture of unknown origin (a file): a full detection counts the faces, then
/// [`normalize`], a second cut measured on the first, encoding inside the KB window and the
/// check of the encoded file by a fresh detection, as the center will check it.
pub fn process(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let mut assessment = assess_still(detector, capture);
    let mut normalized = normalize(capture, &assessment, spec, t);
    // Closed loop: the head is measured again on the output, as the center will measure it, and
    // taken back into the capture's pixels for a second cut. This cancels the detector's own
    // bias at the output's scale, which matters for tight ranges (身份证: a 14 px crown margin).
    if let Some(plan) = normalized.plan {
        let seen = assess_still(detector, &normalized.image);
        if let (Some(out_head), 1) = (seen.head, seen.faces.len()) {
            assessment.head = Some(out_head.out_of_crop(plan.left, plan.top, plan.scale));
            normalized = normalize(capture, &assessment, spec, t);
        }
    }
    let (jpeg, decoded) = encode(&normalized, spec)?;
    let report = check(
        &assess_still(detector, &decoded),
        spec,
        Some(FileFacts::of(&jpeg.bytes)),
        t,
    );
    Ok(Output {
        jpeg,
        normalized,
        report,
    })
}

/// Normalizes the booth's own capture, whose face the live tracker follows (`face`, in the
/// capture's pixels, already averaged over its last looks) and whose faces it already counted.
/// No full detection: one refinement of the first cut (eight looks, about 9 ms each here) takes
/// the head as the center will measure it at the output's scale, and the second cut uses that.
/// The geometry is then checked on the head as planned, the light, sharpness and background on
/// the encoded file; the center re-checks the geometry with its own detection. This is the path
/// that keeps up with the applicant.
pub fn process_known(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    face: &Face,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let gray = image::imageops::grayscale(capture);
    let mut assessment = Assessment::from_faces(capture, &gray, vec![*face]);
    let mut normalized = normalize(capture, &assessment, spec, t);
    if let Some(plan) = normalized.plan {
        let out_gray = image::imageops::grayscale(&normalized.image);
        let seen = detector.refine_with(&out_gray, &plan.head.face_box(), 0..REFINE_STEPS, false);
        let head = Head::from_face(&seen);
        assessment.head = Some(head.out_of_crop(plan.left, plan.top, plan.scale));
        normalized = normalize(capture, &assessment, spec, t);
    }
    let (jpeg, decoded) = encode(&normalized, spec)?;
    let faces = normalized
        .plan
        .map(|plan| plan.head.face_box())
        .into_iter()
        .collect();
    let seen = Assessment::from_faces(&decoded, &image::imageops::grayscale(&decoded), faces);
    let mut report = check(&seen, spec, Some(FileFacts::of(&jpeg.bytes)), t);
    // The faces were counted live.
    report.rules.retain(|r| r.rule != "one_face");
    report.reasons = report.rules.iter().filter_map(|r| r.reason).collect();
    report.reasons.sort();
    report.reasons.dedup();
    Ok(Output {
        jpeg,
        normalized,
        report,
    })
}

/// Encodes inside the KB window and decodes again: what the center will see.
fn encode(normalized: &Normalized, spec: &Spec) -> Result<(Encoded, image::RgbImage), EncodeError> {
    let jpeg = encode_within(&normalized.image, spec.dpi, spec.byte_window())?;
    let decoded = decode(&jpeg.bytes).unwrap_or_else(|_| normalized.image.clone());
    Ok((jpeg, decoded))
}
