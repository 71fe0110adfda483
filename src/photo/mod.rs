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
pub use normalize::{CropPlan, Normalized, cut, normalize, plan_crop, replace_backdrop, tone};

use crate::spec::{Reason, Spec};
use crate::vision::{FaceDetector, Thresholds, assess_still};

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

/// Normalizes, encodes inside the KB window, then re-detects and checks the result.
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
    let jpeg = encode_within(&normalized.image, spec.dpi, spec.byte_window())?;
    let facts = FileFacts::of(&jpeg.bytes);
    // Check what the center will see: the encoded file, decoded again.
    let decoded = decode(&jpeg.bytes).unwrap_or_else(|_| normalized.image.clone());
    let report = check(&assess_still(detector, &decoded), spec, Some(facts), t);
    Ok(Output {
        jpeg,
        normalized,
        report,
    })
}
