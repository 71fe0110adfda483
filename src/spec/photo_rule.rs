//! The photo rules as the applicant hears them (README, "The photo rules"): a handful of
//! plain rules, each standing for the reason codes that break it. The rules screen shows them
//! before the pose; the review screen ticks each one or names what broke it.

use super::Reason;

/// One rule of the photo, in the applicant's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PhotoRule {
    /// One person, the head whole, of the right size and in the right place.
    Framing,
    /// Facing the camera, head level and straight, looking into the lens.
    FacingCamera,
    /// Eyes open.
    EyesOpen,
    /// Mouth closed.
    MouthClosed,
    /// Ears and eyebrows not covered by hair.
    EarsAndBrows,
    /// Glasses only where the document allows them.
    Glasses,
    /// No hat, headscarf or jewellery.
    NoAccessories,
    /// Even light on the face, no shadow, no glare.
    Light,
    /// Natural colour.
    Colour,
    /// A plain background, a sharp photo, the file as the center wants it.
    Photo,
}

impl PhotoRule {
    /// Every rule, in the order the screens list them.
    pub const ALL: [PhotoRule; 10] = [
        PhotoRule::Framing,
        PhotoRule::FacingCamera,
        PhotoRule::EyesOpen,
        PhotoRule::MouthClosed,
        PhotoRule::EarsAndBrows,
        PhotoRule::Glasses,
        PhotoRule::NoAccessories,
        PhotoRule::Light,
        PhotoRule::Colour,
        PhotoRule::Photo,
    ];

    /// The rule a reason code breaks.
    pub fn of(reason: Reason) -> PhotoRule {
        use Reason::*;
        match reason {
            FaceNotFound | MultipleFaces | HeadTooSmall | HeadTooLarge | OffCenter
            | LowResolution => PhotoRule::Framing,
            HeadTilted | HeadTurned | HeadPitched | GazeAway => PhotoRule::FacingCamera,
            EyesClosed => PhotoRule::EyesOpen,
            MouthOpen => PhotoRule::MouthClosed,
            EyebrowsHidden | EarsHidden | ShouldersHidden => PhotoRule::EarsAndBrows,
            Glasses => PhotoRule::Glasses,
            Headwear | Earrings => PhotoRule::NoAccessories,
            TooDark | TooBright | UnevenLighting | FaceShadow | Glare => PhotoRule::Light,
            ColourCast => PhotoRule::Colour,
            Blurred | BackgroundNotUniform | WrongSize | FileSize | Recaptured | NotLive
            | Damaged | Other => PhotoRule::Photo,
        }
    }

    /// The rule in Chinese, as a short instruction.
    pub fn text_zh(self) -> &'static str {
        match self {
            PhotoRule::Framing => "一人，头部完整、大小位置合适",
            PhotoRule::FacingCamera => "正对镜头，头部端正，两眼平视",
            PhotoRule::EyesOpen => "睁开眼睛",
            PhotoRule::MouthClosed => "双唇自然闭合",
            PhotoRule::EarsAndBrows => "露出双耳、眉毛和肩膀",
            PhotoRule::Glasses => "眼镜：镜框不遮挡眼睛",
            PhotoRule::NoAccessories => "不戴帽子、头巾和饰品",
            PhotoRule::Light => "面部光线均匀，无阴影、无反光",
            PhotoRule::Colour => "颜色自然",
            PhotoRule::Photo => "背景纯净，照片清晰",
        }
    }

    /// The rule in English.
    pub fn text_en(self) -> &'static str {
        match self {
            PhotoRule::Framing => "One person, the whole head, the right size and place",
            PhotoRule::FacingCamera => "Face the camera, head straight, look into the lens",
            PhotoRule::EyesOpen => "Eyes open",
            PhotoRule::MouthClosed => "Mouth closed",
            PhotoRule::EarsAndBrows => "Ears, eyebrows and shoulders showing",
            PhotoRule::Glasses => "Glasses: frames clear of the eyes",
            PhotoRule::NoAccessories => "No hat, headscarf or jewellery",
            PhotoRule::Light => "Even light on the face, no shadow, no glare",
            PhotoRule::Colour => "Natural colour",
            PhotoRule::Photo => "Plain background, sharp photo",
        }
    }
}

/// Every rule with the reasons of `reasons` that break it (empty: the rule is met), in
/// [`PhotoRule::ALL`]'s order. Without a face nothing else could be checked: then only the
/// framing rule is listed.
pub fn checklist(reasons: &[Reason]) -> Vec<(PhotoRule, Vec<Reason>)> {
    let rules: &[PhotoRule] = if reasons.contains(&Reason::FaceNotFound) {
        &[PhotoRule::Framing]
    } else {
        &PhotoRule::ALL
    };
    rules
        .iter()
        .map(|&rule| {
            let broken = reasons
                .iter()
                .copied()
                .filter(|&r| PhotoRule::of(r) == rule)
                .collect();
            (rule, broken)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_breaks_a_listed_rule() {
        for reason in Reason::ALL {
            assert!(
                PhotoRule::ALL.contains(&PhotoRule::of(reason)),
                "{reason:?}"
            );
        }
    }

    #[test]
    fn the_checklist_ticks_what_was_met_and_names_what_was_not() {
        let list = checklist(&[Reason::MouthOpen, Reason::EarsHidden, Reason::Glare]);
        assert_eq!(list.len(), PhotoRule::ALL.len());
        let broken: Vec<_> = list.iter().filter(|(_, r)| !r.is_empty()).collect();
        assert_eq!(
            broken,
            vec![
                &(PhotoRule::MouthClosed, vec![Reason::MouthOpen]),
                &(PhotoRule::EarsAndBrows, vec![Reason::EarsHidden]),
                &(PhotoRule::Light, vec![Reason::Glare]),
            ]
        );
        // No face: nothing else was checked, so nothing else is ticked.
        let list = checklist(&[Reason::FaceNotFound]);
        assert_eq!(list, vec![(PhotoRule::Framing, vec![Reason::FaceNotFound])]);
    }
}
