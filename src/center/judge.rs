//! The reference center's judgement of a photo: it re-checks with the booth's own measures
//! (size, KB window, dpi, face geometry) and answers with reason codes. Pure: no HTTP, no disk.

use crate::photo::{self, FileFacts};
use crate::spec::{Documents, Reason};
use crate::vision::{Thresholds, assess_still, with_detector};

/// Rules the center re-checks; the booth checks light and background itself.
const CENTER_RULES: [&str; 9] = [
    "size_px",
    "file_kb",
    "dpi",
    "one_face",
    "head_height_px",
    "face_width_px",
    "crown_margin_px",
    "eye_line_px",
    "centred",
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
        let Ok(rgb) = photo::decode(jpeg) else {
            return vec![Reason::Other];
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
