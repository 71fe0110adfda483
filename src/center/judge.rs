//! The reference center's judgement of a photo: it re-checks with the booth's own measures
//! (size, KB window, dpi, face geometry) and answers with reason codes. Pure: no HTTP, no disk.

use std::io::Cursor;

use image::{ImageFormat, ImageReader};

use crate::photo::{self, DecodeError, FileFacts, RuleId};
use crate::spec::{Documents, Reason};
use crate::vision::{Thresholds, assess_still, with_detector};

/// Rules the center re-checks: the geometry and how the applicant looks (the booth checks the
/// exposure, sharpness and background itself).
const CENTER_RULES: [RuleId; 27] = [
    RuleId::SizePx,
    RuleId::FileKb,
    RuleId::Dpi,
    RuleId::OneFace,
    RuleId::HeadMeasured,
    RuleId::HeadHeightPx,
    RuleId::FaceWidthPx,
    RuleId::CrownMarginPx,
    RuleId::EyeLinePx,
    RuleId::Centred,
    RuleId::EyesOpen,
    RuleId::MouthOpen,
    RuleId::YawDeg,
    RuleId::PitchDeg,
    RuleId::Gaze,
    RuleId::BrowsClear,
    RuleId::EarsClear,
    RuleId::TopBottomLight,
    RuleId::Glare,
    RuleId::SkinRed,
    RuleId::SkinBlue,
    RuleId::SkinGreen,
    RuleId::Glasses,
    RuleId::Headwear,
    RuleId::Earrings,
    RuleId::ShouldersCovered,
    RuleId::Periodicity,
];

/// Judges photos against the documents it knows.
#[derive(Debug, Clone)]
pub struct Judge {
    documents: Documents,
    thresholds: Thresholds,
}

impl Judge {
    /// A judge for these documents.
    pub fn new(documents: Documents, thresholds: Thresholds) -> Self {
        Judge {
            documents,
            thresholds,
        }
    }

    /// The documents it knows.
    pub fn documents(&self) -> &Documents {
        &self.documents
    }

    /// Why `jpeg` is not a compliant photo for `document`; empty when it is. CPU-heavy (face
    /// detection): run it off the async threads.
    pub fn reasons(&self, document: &str, jpeg: &[u8]) -> Vec<Reason> {
        let Some(spec) = self.documents.get(document) else {
            return vec![Reason::Other];
        };
        // The frame header first: a small upload can declare 50 megapixels, and decoding them
        // and looking for a face in them would only find what the header already says.
        let Ok((width, height)) =
            ImageReader::with_format(Cursor::new(jpeg), ImageFormat::Jpeg).into_dimensions()
        else {
            return vec![Reason::Damaged];
        };
        if (width, height) != (spec.width_px, spec.height_px) {
            let (min, max) = spec.byte_window();
            let mut reasons = vec![Reason::WrongSize];
            if !(min..=max).contains(&jpeg.len()) {
                reasons.push(Reason::FileSize);
            }
            reasons.sort();
            return reasons;
        }
        // A picture cut short or broken is refused as it is: the decoder would fill the gap with
        // grey, and judging that would judge somebody else's photo.
        let rgb = match photo::decode(jpeg) {
            Ok(rgb) => rgb,
            Err(DecodeError::Truncated | DecodeError::Damaged(_) | DecodeError::Corrupt(_)) => {
                return vec![Reason::Damaged];
            }
            Err(_) => return vec![Reason::Other],
        };
        let Ok(assessment) = with_detector(|detector| assess_still(detector, &rgb)) else {
            return vec![Reason::Other];
        };
        let report = photo::check(
            &assessment,
            spec,
            Some(FileFacts::of(jpeg)),
            &self.thresholds,
        );
        let mut reasons: Vec<Reason> = report
            .rules
            .iter()
            .filter(|r| CENTER_RULES.contains(&r.rule))
            .filter_map(|r| r.reason)
            .collect();
        reasons.sort();
        reasons.dedup();
        reasons
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Config;

    fn judge() -> Judge {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        let config = Config::load(&dir).expect("shipped config");
        Judge::new(config.documents.clone(), config.thresholds)
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([240, 240, 240]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&image)
            .expect("encode");
        out
    }

    /// Only what the header and the file size tell: no face rule was looked at, so nothing was
    /// decoded (a blank photo decoded would fail the face rules too).
    fn only_header_reasons(reasons: &[Reason]) {
        assert!(reasons.contains(&Reason::WrongSize), "{reasons:?}");
        assert!(
            reasons
                .iter()
                .all(|r| matches!(r, Reason::WrongSize | Reason::FileSize)),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_photo_of_the_wrong_size_is_answered_from_its_header() {
        only_header_reasons(&judge().reasons("passport", &jpeg(100, 100)));
    }

    #[test]
    fn a_small_upload_declaring_fifty_megapixels_is_not_decoded() {
        // A 16×16 JPEG whose frame header (SOF0) says 7000×7000 (49 MP, under decode's limit).
        let mut bytes = jpeg(16, 16);
        let sof = bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("baseline SOF0");
        bytes[sof + 5..sof + 7].copy_from_slice(&7000u16.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&7000u16.to_be_bytes());
        only_header_reasons(&judge().reasons("passport", &bytes));
    }

    #[test]
    fn a_photo_cut_short_and_closed_with_an_end_marker_is_refused_as_damaged() {
        let judge = judge();
        let spec = judge.documents().get("passport").expect("passport");
        let whole = jpeg(spec.width_px, spec.height_px);
        let mut cut = whole[..whole.len() * 2 / 3].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(judge.reasons("passport", &cut), vec![Reason::Damaged]);
    }

    #[test]
    fn a_right_sized_photo_is_still_judged_whole() {
        let judge = judge();
        let spec = judge.documents().get("passport").expect("passport");
        let reasons = judge.reasons("passport", &jpeg(spec.width_px, spec.height_px));
        // Blank: decoded and searched for a face, which it has not.
        assert!(reasons.contains(&Reason::FaceNotFound), "{reasons:?}");
    }
}
