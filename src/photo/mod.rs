//! Normalization of a capture to a document's spec: crop from the face, resample, background to
//! the spec colour, gentle exposure and white balance (never mirrored, never beautified), JPEG
//! inside the KB window with the JFIF density set; and the checks of a photo against a spec.
//!
//! Pure: works on bytes and pixels, knows nothing of files, cameras or the UI.

mod check;
mod decode;
mod encode;
mod entropy;
mod normalize;

pub use check::{FileFacts, Report, Rule, check};
pub use decode::{DecodeError, MAX_PIXELS, MAX_SIDE, decode};
pub use encode::{EncodeError, Encoded, Jfif, encode_jpeg, encode_within, read_markers};
pub use normalize::{
    MASK_UNSURE_MAX, Normalized, cut, normalize, replace_backdrop, replace_background, tone,
};

use crate::spec::{Reason, Spec};
use crate::vision::{Face, FaceDetector, Thresholds, assess_known, assess_still};

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

/// Normalizes a capture of unknown origin (a file): a full detection counts the faces, the
/// models measure the main one, then [`normalize`], encoding inside the KB window and the check
/// of the encoded file by a fresh detection and measure, as the center will check it.
pub fn process(
    detector: &mut FaceDetector,
    capture: &image::RgbImage,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let assessment = assess_still(detector, capture);
    let normalized = normalize(capture, &assessment, spec, t);
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

/// Normalizes the booth's own capture, whose people the live tracker already counted and whose
/// face it follows (`face`, in the capture's pixels): the models measure that face (no full
/// detection), then [`normalize`], encoding, and the check of the encoded file measured afresh
/// as the center will measure it (its faces counted live, so not counted again here). This is
/// the path that keeps up with the applicant.
pub fn process_known(
    capture: &image::RgbImage,
    face: &Face,
    spec: &Spec,
    t: &Thresholds,
) -> Result<Output, EncodeError> {
    let assessment = assess_known(capture, face);
    let normalized = normalize(capture, &assessment, spec, t);
    let (jpeg, decoded) = encode(&normalized, spec)?;
    let seed = normalized.plan.map_or(*face, |plan| plan.head.face_box());
    let seen = assess_known(&decoded, &seed);
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
