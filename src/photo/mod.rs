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

pub use check::{FileFacts, Report, Rule, RuleId, check};
pub use decode::{DecodeError, MAX_PIXELS, MAX_SIDE, decode};
pub use encode::{
    EncodeError, Encoded, Jfif, MAX_ENCODES, MAX_QUALITY, MIN_QUALITY, encode_jpeg, encode_within,
    read_markers,
};
pub use normalize::{
    MASK_UNSURE_MAX, Normalized, cut, normalize, replace_backdrop, replace_background, tone,
};

use std::sync::Mutex;

use crate::spec::{Reason, Spec};
use crate::vision::{Assessment, Face, FaceDetector, Head, Thresholds, assess_known, assess_still};

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
    finish(capture, &assessment, spec, t, |decoded, jpeg, _| {
        let seen = assess_still(detector, decoded);
        let report = check(&seen, spec, Some(FileFacts::of(jpeg)), t);
        (seen, report)
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
    finish(
        capture,
        &assessment,
        spec,
        t,
        |decoded, jpeg, normalized| {
            let seed = normalized.plan.map_or(*face, |plan| plan.head.face_box());
            let seen = assess_known(decoded, &seed);
            let mut report = check(&seen, spec, Some(FileFacts::of(jpeg)), t);
            // The faces were counted live.
            report.rules.retain(|r| r.rule != RuleId::OneFace);
            (seen, report)
        },
    )
}

/// The rules of where and how large the head is in the photo: what a second cut can mend.
pub const GEOMETRY_RULES: [RuleId; 5] = [
    RuleId::HeadHeightPx,
    RuleId::FaceWidthPx,
    RuleId::CrownMarginPx,
    RuleId::EyeLinePx,
    RuleId::Centred,
];

/// Normalizes, encodes and checks the output as `measure` reads it. When the output's own
/// measure puts the head where the spec does not allow (the models read a 354×472 photo a few
/// pixels differently from the capture), the capture is cut once more from the head as the
/// output showed it, mapped back: the photo is cut the way it will be measured, by the booth's
/// check and by the center. The better of the two cuts is kept.
fn finish(
    capture: &image::RgbImage,
    assessment: &Assessment,
    spec: &Spec,
    t: &Thresholds,
    mut measure: impl FnMut(&image::RgbImage, &[u8], &Normalized) -> (Assessment, Report),
) -> Result<Output, EncodeError> {
    let mut cut_and_check =
        |assessment: &Assessment| -> Result<(Output, Option<Head>), EncodeError> {
            let normalized = normalize(capture, assessment, spec, t);
            let (jpeg, decoded) = encode(&normalized, spec)?;
            let (seen, mut report) = measure(&decoded, &jpeg.bytes, &normalized);
            report.reasons = report
                .rules
                .iter()
                .filter(|r| !r.pass)
                .filter_map(|r| r.reason)
                .collect();
            report.reasons.sort();
            report.reasons.dedup();
            Ok((
                Output {
                    jpeg,
                    normalized,
                    report,
                },
                seen.head,
            ))
        };
    let (first, seen) = cut_and_check(assessment)?;
    let off = first
        .report
        .rules
        .iter()
        .any(|r| !r.pass && GEOMETRY_RULES.contains(&r.rule));
    let (Some(plan), Some(seen), true) = (first.normalized.plan, seen, off) else {
        return Ok(first);
    };
    let mut again = assessment.clone();
    again.head = Some(seen.out_of_crop(plan.left, plan.top, plan.scale));
    let (second, _) = cut_and_check(&again)?;
    Ok(if second.reasons().len() < first.reasons().len() {
        second
    } else {
        first
    })
}

/// The quality the last photo of each size and KB window was encoded at: photos of one
/// document from one booth land within a step or two of each other, so the next search starts
/// there (two or three encodes instead of seven; the answer is the same).
static QUALITY_HINTS: Mutex<Vec<(PhotoKind, u8)>> = Mutex::new(Vec::new());

/// What makes two photos land on the same quality: their width and height and KB window.
type PhotoKind = (u32, u32, usize, usize);

/// Encodes inside the KB window and decodes again: what the center will see.
fn encode(normalized: &Normalized, spec: &Spec) -> Result<(Encoded, image::RgbImage), EncodeError> {
    let window = spec.byte_window();
    let key = (
        normalized.image.width(),
        normalized.image.height(),
        window.0,
        window.1,
    );
    // The hints only speed the search: a poisoned lock is taken as it is.
    let hints = || QUALITY_HINTS.lock().unwrap_or_else(|e| e.into_inner());
    let hint = hints().iter().find(|(k, _)| *k == key).map(|(_, q)| *q);
    let jpeg = encode_within(&normalized.image, spec.dpi, window, hint)?;
    {
        let mut hints = hints();
        match hints.iter_mut().find(|(k, _)| *k == key) {
            Some((_, q)) => *q = jpeg.quality,
            None => hints.push((key, jpeg.quality)),
        }
    }
    let decoded = decode(&jpeg.bytes).unwrap_or_else(|_| normalized.image.clone());
    Ok((jpeg, decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The models as they read the output: the crown really is `low` capture pixels below where
    /// the capture's measure put it, and the output shows it there, wherever the cut was made.
    fn true_crown_lower(
        assessment: &Assessment,
        spec: &Spec,
        t: &Thresholds,
        low: f32,
    ) -> impl FnMut(&image::RgbImage, &[u8], &Normalized) -> (Assessment, Report) {
        let mut truth = assessment.head.expect("a head");
        truth.crown_y += low;
        move |decoded, jpeg, normalized| {
            let plan = normalized.plan.expect("a face");
            let seen = Assessment {
                width: decoded.width(),
                height: decoded.height(),
                head: Some(truth.in_crop(plan.left, plan.top, plan.scale)),
                ..assessment.clone()
            };
            let report = check(&seen, spec, Some(FileFacts::of(jpeg)), t);
            (seen, report)
        }
    }

    #[test]
    fn a_cut_the_output_measures_off_is_cut_again_from_that_measure() {
        let config = crate::ops::Config::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config"),
        )
        .expect("config");
        let spec = config.documents.get("passport").expect("passport");
        let t = config.thresholds;
        let portrait = image::open(crate::DEMO_PORTRAIT)
            .expect("the demo portrait; run .ci/portrait")
            .to_rgb8();
        let mut detector = FaceDetector::new().expect("model");
        let assessment = assess_still(&mut detector, &portrait);
        let crown = |out: &Output| {
            out.report
                .rules
                .iter()
                .find(|r| r.rule == RuleId::CrownMarginPx)
                .map(|r| (r.pass, r.value))
                .expect("crown rule")
        };
        let first_top = normalize(&portrait, &assessment, spec, &t)
            .plan
            .expect("plan")
            .top;
        // The crown a fifth of the face's width lower than measured: the first cut leaves too
        // much above it, so the capture is cut again from where the output showed it.
        let fw = assessment.head.expect("head").face_width;
        let out = finish(
            &portrait,
            &assessment,
            spec,
            &t,
            true_crown_lower(&assessment, spec, &t, 0.2 * fw),
        )
        .expect("finish");
        let (pass, value) = crown(&out);
        assert!(pass, "crown margin {value}");
        // The head is taller than measured, so the second cut is both lower and smaller.
        let moved = out.normalized.plan.expect("plan").top - first_top;
        assert!(moved > 1.0, "cut moved {moved} px");
        // Read where it was measured: one cut, as before.
        let same = finish(
            &portrait,
            &assessment,
            spec,
            &t,
            true_crown_lower(&assessment, spec, &t, 0.0),
        )
        .expect("finish");
        assert_eq!(same.normalized.plan.expect("plan").top, first_top);
        assert!(crown(&same).0);
    }
}
