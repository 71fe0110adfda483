//! Reason codes for a photo that is not compliant, shared by the booth's own checks and the
//! detection center's answers (DESIGN.md, "Detection center API v1").

use serde::{Deserialize, Serialize};

use crate::i18n::Language;

/// Why a photo is not compliant. The snake_case name is the wire code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No face was found.
    FaceNotFound,
    /// More than one face.
    MultipleFaces,
    /// The head is smaller than the spec allows.
    HeadTooSmall,
    /// The head is larger than the spec allows.
    HeadTooLarge,
    /// The head is not centred, or the crown margin or eye line is out of range.
    OffCenter,
    /// The head is tilted sideways.
    HeadTilted,
    /// The face is underexposed.
    TooDark,
    /// The face is overexposed.
    TooBright,
    /// One side of the face is in shadow.
    UnevenLighting,
    /// Out of focus or moved.
    Blurred,
    /// The background is not plain.
    BackgroundNotUniform,
    /// The pixel size is not the spec's.
    WrongSize,
    /// The file size is outside the KB window.
    FileSize,
    /// The face is too small in the source to reach the spec's size without enlarging it more
    /// than 1.5 times (the detail would be invented).
    LowResolution,
    /// The top of the head is cut off: the person goes on past the picture's top edge over the
    /// head, so the crown (hair included) is not in it.
    HeadCutOff,
    /// The eyes are closed or half closed.
    EyesClosed,
    /// The lips are apart.
    MouthOpen,
    /// The head is turned left or right.
    HeadTurned,
    /// The head is raised or lowered.
    HeadPitched,
    /// The eyes do not look into the camera.
    GazeAway,
    /// Hair (a fringe) covers the eyebrows.
    EyebrowsHidden,
    /// Hair covers the ears.
    EarsHidden,
    /// Hair falls over the shoulders.
    ShouldersHidden,
    /// The upper and the lower face are lit unevenly (a brim, a lamp from above).
    FaceShadow,
    /// Specular glare on the skin or on glasses.
    Glare,
    /// The face's colours are cast (green, blue, grey: not a natural colour photo).
    ColourCast,
    /// Glasses, where the document does not allow them.
    Glasses,
    /// A hat, a cap or a headscarf.
    Headwear,
    /// Earrings.
    Earrings,
    /// A photo of a print or of a screen (翻拍): a halftone's or a screen's periodic pattern.
    Recaptured,
    /// The booth saw no live person take the photo (no blink across the pose): a print or a
    /// screen held up to the camera. The booth's own check; a still cannot show it.
    NotLive,
    /// The file is not a whole picture: its image data is cut short or breaks its own structure
    /// (an interrupted upload, a damaged disk). The center's check.
    Damaged,
    /// Anything else.
    Other,
}

impl Reason {
    /// Every reason, in the order of DESIGN.md.
    pub const ALL: [Reason; 33] = [
        Reason::FaceNotFound,
        Reason::MultipleFaces,
        Reason::HeadTooSmall,
        Reason::HeadTooLarge,
        Reason::OffCenter,
        Reason::HeadTilted,
        Reason::TooDark,
        Reason::TooBright,
        Reason::UnevenLighting,
        Reason::Blurred,
        Reason::BackgroundNotUniform,
        Reason::WrongSize,
        Reason::FileSize,
        Reason::LowResolution,
        Reason::HeadCutOff,
        Reason::EyesClosed,
        Reason::MouthOpen,
        Reason::HeadTurned,
        Reason::HeadPitched,
        Reason::GazeAway,
        Reason::EyebrowsHidden,
        Reason::EarsHidden,
        Reason::ShouldersHidden,
        Reason::FaceShadow,
        Reason::Glare,
        Reason::ColourCast,
        Reason::Glasses,
        Reason::Headwear,
        Reason::Earrings,
        Reason::Recaptured,
        Reason::NotLive,
        Reason::Damaged,
        Reason::Other,
    ];

    /// What the applicant is told, in their language (`assets/i18n`, `[reason]`).
    pub fn message(self, lang: Language) -> &'static str {
        lang.t(&format!("reason.{}", self.code()))
    }

    /// The wire code, e.g. `head_too_small`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::FaceNotFound => "face_not_found",
            Reason::MultipleFaces => "multiple_faces",
            Reason::HeadTooSmall => "head_too_small",
            Reason::HeadTooLarge => "head_too_large",
            Reason::OffCenter => "off_center",
            Reason::HeadTilted => "head_tilted",
            Reason::TooDark => "too_dark",
            Reason::TooBright => "too_bright",
            Reason::UnevenLighting => "uneven_lighting",
            Reason::Blurred => "blurred",
            Reason::BackgroundNotUniform => "background_not_uniform",
            Reason::WrongSize => "wrong_size",
            Reason::FileSize => "file_size",
            Reason::LowResolution => "low_resolution",
            Reason::HeadCutOff => "head_cut_off",
            Reason::EyesClosed => "eyes_closed",
            Reason::MouthOpen => "mouth_open",
            Reason::HeadTurned => "head_turned",
            Reason::HeadPitched => "head_pitched",
            Reason::GazeAway => "gaze_away",
            Reason::EyebrowsHidden => "eyebrows_hidden",
            Reason::EarsHidden => "ears_hidden",
            Reason::ShouldersHidden => "shoulders_hidden",
            Reason::FaceShadow => "face_shadow",
            Reason::Glare => "glare",
            Reason::ColourCast => "colour_cast",
            Reason::Glasses => "glasses",
            Reason::Headwear => "headwear",
            Reason::Earrings => "earrings",
            Reason::Recaptured => "recaptured",
            Reason::NotLive => "not_live",
            Reason::Damaged => "damaged",
            Reason::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_serde_names() {
        for reason in Reason::ALL {
            let json = serde_json::to_string(&reason).expect("serialize");
            assert_eq!(json, format!("\"{}\"", reason.code()));
            let back: Reason = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, reason);
        }
    }
}
