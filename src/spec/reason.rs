//! Reason codes for a photo that is not compliant, shared by the booth's own checks and the
//! detection center's answers (DESIGN.md, "Detection center API v1").

use serde::{Deserialize, Serialize};

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
    pub const ALL: [Reason; 32] = [
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

    /// What the applicant is told, in English.
    pub fn message_en(self) -> &'static str {
        match self {
            Reason::FaceNotFound => "No face was found in the photo.",
            Reason::MultipleFaces => "Only one person may be in the photo.",
            Reason::HeadTooSmall => "The head is too small: come closer to the camera.",
            Reason::HeadTooLarge => "The head is too large: move back from the camera.",
            Reason::OffCenter => "The head is not centred in the frame.",
            Reason::HeadTilted => "The head is tilted: hold it straight.",
            Reason::TooDark => "The face is too dark.",
            Reason::TooBright => "The face is too bright.",
            Reason::UnevenLighting => "One side of the face is in shadow.",
            Reason::Blurred => "The photo is blurred: hold still.",
            Reason::BackgroundNotUniform => "The background is not plain.",
            Reason::WrongSize => "The photo does not have the required pixel size.",
            Reason::FileSize => "The file size is outside the allowed range.",
            Reason::LowResolution => {
                "The face is too small in the picture for a sharp photo: use a closer or larger picture."
            }
            Reason::EyesClosed => "The eyes are closed or half closed: keep them open.",
            Reason::MouthOpen => "The mouth is open: close the lips naturally.",
            Reason::HeadTurned => "The head is turned to one side: face the camera.",
            Reason::HeadPitched => "The head is raised or lowered: hold it level.",
            Reason::GazeAway => "The eyes look away: look straight into the camera.",
            Reason::EyebrowsHidden => "Hair covers the eyebrows.",
            Reason::EarsHidden => "Hair covers the ears: tuck it behind them.",
            Reason::ShouldersHidden => "Hair falls over the shoulders: put it behind them.",
            Reason::FaceShadow => "Part of the face is in shadow (from above or below).",
            Reason::Glare => "Light reflects off the face or the glasses.",
            Reason::ColourCast => {
                "The colours of the face are not natural (a colour cast, or not a colour photo)."
            }
            Reason::Glasses => "Glasses are not allowed for this document: take them off.",
            Reason::Headwear => "A hat or headscarf is worn: take it off.",
            Reason::Earrings => "Earrings are worn: take them off.",
            Reason::Recaptured => {
                "This is a photo of a printed photo or of a screen: a new photo must be taken."
            }
            Reason::NotLive => {
                "No live person was seen taking the photo: look into the camera and blink once."
            }
            Reason::Damaged => "The photo file arrived damaged: a new photo must be taken.",
            Reason::Other => "The photo does not meet the requirements.",
        }
    }

    /// What the applicant is told, in Chinese.
    pub fn message_zh(self) -> &'static str {
        match self {
            Reason::FaceNotFound => "照片中未检测到人脸。",
            Reason::MultipleFaces => "照片中只能有一个人。",
            Reason::HeadTooSmall => "头部太小：请靠近镜头。",
            Reason::HeadTooLarge => "头部太大：请离镜头远一些。",
            Reason::OffCenter => "头部未居中。",
            Reason::HeadTilted => "头部歪斜：请保持头部端正。",
            Reason::TooDark => "面部太暗。",
            Reason::TooBright => "面部过亮。",
            Reason::UnevenLighting => "面部一侧有阴影。",
            Reason::Blurred => "照片模糊：请保持不动。",
            Reason::BackgroundNotUniform => "背景不够纯净。",
            Reason::WrongSize => "照片像素尺寸不符合要求。",
            Reason::FileSize => "文件大小不在允许范围内。",
            Reason::LowResolution => "原图中人脸太小，放大后不清晰：请靠近镜头或使用更大的照片。",
            Reason::EyesClosed => "眼睛闭合或半闭：请睁开眼睛。",
            Reason::MouthOpen => "嘴巴张开：请双唇自然闭合。",
            Reason::HeadTurned => "头部侧转：请正对镜头。",
            Reason::HeadPitched => "头部仰起或低下：请平视前方。",
            Reason::GazeAway => "眼睛未看镜头：请两眼平视镜头。",
            Reason::EyebrowsHidden => "头发遮挡眉毛。",
            Reason::EarsHidden => "头发遮挡耳朵：请把头发别到耳后。",
            Reason::ShouldersHidden => "头发遮挡肩膀：请把头发拨到肩后。",
            Reason::FaceShadow => "面部有阴影（上下明暗不均）。",
            Reason::Glare => "面部或眼镜有反光。",
            Reason::ColourCast => "面部颜色不自然（偏色或非彩色照片）。",
            Reason::Glasses => "此证件不允许佩戴眼镜：请摘下眼镜。",
            Reason::Headwear => "佩戴了帽子或头巾：请摘下。",
            Reason::Earrings => "佩戴了耳环：请摘下。",
            Reason::Recaptured => "这是翻拍的照片（拍摄的是打印照片或屏幕）：请重新拍摄本人。",
            Reason::NotLive => "未能确认是本人现场拍摄：请看镜头并眨一下眼睛。",
            Reason::Damaged => "照片文件已损坏：请重新拍摄。",
            Reason::Other => "照片不符合要求。",
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
