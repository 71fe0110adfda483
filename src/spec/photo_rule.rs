//! The photo rules as the applicant hears them (README, "The photo rules"): a handful of
//! plain rules, each standing for the reason codes that break it. The rules screen shows them
//! before the pose; the review screen ticks each one or names what broke it.

use super::Reason;
use crate::i18n::Language;

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

    /// The rule as a short instruction, in the applicant's language.
    pub fn text(self, lang: Language) -> &'static str {
        lang.t(match self {
            PhotoRule::Framing => "photo_rule.framing",
            PhotoRule::FacingCamera => "photo_rule.facing_camera",
            PhotoRule::EyesOpen => "photo_rule.eyes_open",
            PhotoRule::MouthClosed => "photo_rule.mouth_closed",
            PhotoRule::EarsAndBrows => "photo_rule.ears_and_brows",
            PhotoRule::Glasses => "photo_rule.glasses",
            PhotoRule::NoAccessories => "photo_rule.no_accessories",
            PhotoRule::Light => "photo_rule.light",
            PhotoRule::Colour => "photo_rule.colour",
            PhotoRule::Photo => "photo_rule.photo",
        })
    }

    /// The rule a reason code breaks.
    pub fn of(reason: Reason) -> PhotoRule {
        use Reason::*;
        match reason {
            FaceNotFound | MultipleFaces | HeadTooSmall | HeadTooLarge | OffCenter
            | LowResolution | HeadCutOff => PhotoRule::Framing,
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
