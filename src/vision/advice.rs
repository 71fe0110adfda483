//! Guidance: from an [`Assessment`] of a live frame and the document's [`Spec`] to the one most
//! important [`Advice`], held steady by hysteresis so the message does not flicker.
//!
//! Directions are the applicant's own, which is also how they see themselves in the mirrored
//! preview: `MoveLeft` means "move to your left", towards the screen's left edge.

use serde::Serialize;

use super::assess::Assessment;
use super::framing::plan_crop;
use super::liveness::Liveness;
use super::thresholds::Thresholds;
use crate::spec::Spec;

/// One thing the applicant should do now, most important first: where to stand, then the light
/// and the backdrop (the face's measures need them), then the pose and how the face looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Advice {
    /// No face in view: step in front of the camera.
    NoFace,
    /// Someone else is in the frame.
    OnlyOnePerson,
    /// The head is too small in the frame.
    MoveCloser,
    /// The head is too large in the frame.
    MoveBack,
    /// Move to your left.
    MoveLeft,
    /// Move to your right.
    MoveRight,
    /// The eyes are too low in the frame: sit up or raise the seat.
    MoveUp,
    /// The eyes are too high in the frame: lower yourself a little.
    MoveDown,
    /// The head is tilted to one side.
    StraightenHead,
    /// The face is too dark.
    MoreLight,
    /// The face is too bright.
    LessLight,
    /// One side of the face, or its upper or lower half, is in shadow.
    UnevenLight,
    /// Something behind the applicant: the backdrop is not plain.
    PlainBackground,
    /// The head is turned to one side: face the camera.
    FaceCamera,
    /// The head is raised or lowered: look level.
    LevelHead,
    /// The eyes look away: look into the camera.
    LookAtCamera,
    /// The eyes are closed.
    OpenEyes,
    /// The lips are apart.
    CloseMouth,
    /// A hat or a headscarf: take it off.
    TakeOffHat,
    /// Earrings: take them off.
    TakeOffEarrings,
    /// Hair covers the ears: tuck it behind them.
    ClearEars,
    /// Hair falls over the shoulders: put it behind them.
    HairBehindShoulders,
    /// A fringe covers the eyebrows.
    ClearBrows,
    /// Light reflects off the face or the glasses.
    Glare,
    /// The picture is blurred by movement.
    HoldStill,
    /// All is right but no blink has been seen yet: a live person, not a photo held up.
    Blink,
    /// Everything is right: hold that pose.
    Good,
}

impl Advice {
    /// Its words' key in the language files (`assets/i18n`): the screen shows them and the
    /// voice says them.
    pub fn key(self) -> &'static str {
        match self {
            Advice::NoFace => "advice.no_face",
            Advice::OnlyOnePerson => "advice.only_one_person",
            Advice::MoveCloser => "advice.move_closer",
            Advice::MoveBack => "advice.move_back",
            Advice::MoveLeft => "advice.move_left",
            Advice::MoveRight => "advice.move_right",
            Advice::MoveUp => "advice.move_up",
            Advice::MoveDown => "advice.move_down",
            Advice::StraightenHead => "advice.straighten_head",
            Advice::FaceCamera => "advice.face_camera",
            Advice::LevelHead => "advice.level_head",
            Advice::LookAtCamera => "advice.look_at_camera",
            Advice::OpenEyes => "advice.open_eyes",
            Advice::CloseMouth => "advice.close_mouth",
            Advice::TakeOffHat => "advice.take_off_hat",
            Advice::TakeOffEarrings => "advice.take_off_earrings",
            Advice::ClearEars => "advice.clear_ears",
            Advice::HairBehindShoulders => "advice.hair_behind_shoulders",
            Advice::ClearBrows => "advice.clear_brows",
            Advice::MoreLight => "advice.more_light",
            Advice::LessLight => "advice.less_light",
            Advice::UnevenLight => "advice.uneven_light",
            Advice::Glare => "advice.glare",
            Advice::PlainBackground => "advice.plain_background",
            Advice::HoldStill => "advice.hold_still",
            Advice::Blink => "advice.blink",
            Advice::Good => "advice.good",
        }
    }

    /// Every advice, in order of importance.
    pub const ALL: [Advice; 27] = [
        Advice::NoFace,
        Advice::OnlyOnePerson,
        Advice::MoveCloser,
        Advice::MoveBack,
        Advice::MoveLeft,
        Advice::MoveRight,
        Advice::MoveUp,
        Advice::MoveDown,
        Advice::StraightenHead,
        Advice::MoreLight,
        Advice::LessLight,
        Advice::UnevenLight,
        Advice::PlainBackground,
        Advice::FaceCamera,
        Advice::LevelHead,
        Advice::LookAtCamera,
        Advice::OpenEyes,
        Advice::CloseMouth,
        Advice::TakeOffHat,
        Advice::TakeOffEarrings,
        Advice::ClearEars,
        Advice::HairBehindShoulders,
        Advice::ClearBrows,
        Advice::Glare,
        Advice::HoldStill,
        Advice::Blink,
        Advice::Good,
    ];

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A measure against a limit: `Below` fires when the value drops under it, `Above` when it
/// rises over it.
#[derive(Clone, Copy)]
enum Limit {
    Below(f32),
    Above(f32),
}

/// Whether `value` breaks `limit`. A condition already firing clears only once the value is back
/// inside by `slack` (a share of the limit): that is the hysteresis.
fn fires(value: f32, limit: Limit, was_firing: bool, slack: f32) -> bool {
    let slack = if was_firing { slack } else { 0.0 };
    match limit {
        Limit::Below(min) => value < min + slack * min.abs(),
        Limit::Above(max) => value > max - slack * max.abs(),
    }
}

/// Turns assessments into steady advice. Pure: one per booth, fed every assessed frame.
#[derive(Debug, Clone)]
pub struct Guide {
    thresholds: Thresholds,
    /// Conditions firing after the last frame, one bit per [`Advice`].
    firing: u32,
    shown: Advice,
    candidate: Advice,
    held: u32,
    liveness: Liveness,
}

impl Guide {
    /// A guide that starts by asking for a face.
    pub fn new(thresholds: Thresholds) -> Self {
        Guide {
            thresholds,
            firing: Advice::NoFace.bit(),
            shown: Advice::NoFace,
            candidate: Advice::NoFace,
            held: 0,
            liveness: Liveness::new(thresholds.eyes_open_min),
        }
    }

    /// The advice on screen.
    pub fn shown(&self) -> Advice {
        self.shown
    }

    /// Whether the face in view has blinked: a live person, not a photo held up.
    pub fn is_live(&self) -> bool {
        self.liveness.is_live()
    }

    /// Feeds one frame's assessment; returns the advice to show. A new advice replaces the shown
    /// one only after it has been the most important for `advice_hold_frames` frames in a row.
    /// When nothing else is wrong and no blink has been seen, it asks for one.
    pub fn update(&mut self, assessment: &Assessment, spec: &Spec) -> Advice {
        self.liveness.observe(assessment);
        self.firing = self.conditions(assessment, spec);
        if self.firing == 0 && !self.liveness.is_live() {
            self.firing = Advice::Blink.bit();
        }
        let top = Advice::ALL
            .into_iter()
            .find(|a| self.firing & a.bit() != 0)
            .unwrap_or(Advice::Good);
        if top == self.candidate {
            self.held = self.held.saturating_add(1);
        } else {
            self.candidate = top;
            self.held = 1;
        }
        // A blink closes the eyes for a few frames: asking to open them waits three times as long.
        let hold = self.thresholds.advice_hold_frames.max(1);
        let hold = if self.candidate == Advice::OpenEyes {
            3 * hold
        } else {
            hold
        };
        if self.held >= hold {
            self.shown = self.candidate;
        }
        self.shown
    }

    /// Every condition that fires on this frame, as bits.
    fn conditions(&self, a: &Assessment, spec: &Spec) -> u32 {
        let t = &self.thresholds;
        let slack = t.hysteresis;
        let mut bits = 0u32;
        let (Some(head), Some(m)) = (a.head, a.measures) else {
            return Advice::NoFace.bit();
        };
        let mut check = |advice: Advice, value: f32, limit: Limit| {
            if fires(value, limit, self.firing & advice.bit() != 0, slack) {
                bits |= advice.bit();
            }
        };
        // A count has no margin to come back inside: halfway between one and two faces, the
        // slack (a tenth of 1.5) cannot keep a single face firing.
        check(
            Advice::OnlyOnePerson,
            a.faces.len() as f32,
            Limit::Above(1.5),
        );

        let (w, h) = (a.width as f32, a.height as f32);
        let share = head.height() / h;
        // A head cut off by the frame's top edge is at least this tall: never "come closer".
        if !head.crown_cut_off() {
            check(
                Advice::MoveCloser,
                share,
                Limit::Below(t.live_head_share[0]),
            );
        }
        check(Advice::MoveBack, share, Limit::Above(t.live_head_share[1]));

        // The face centre near the frame's centre, and the document's cut inside the frame (a
        // little past the edge is filled with backdrop). In the camera's own, unmirrored frame
        // the applicant's left is the image's right: a face on the image's left must move to the
        // applicant's left.
        let (plan, _) = plan_crop(&head, spec, (a.width, a.height));
        let (crop_w, crop_h) = plan.size_in_capture((spec.width_px, spec.height_px));
        let tol = 1.5 * t.center_tolerance;
        let off = (head.center_x - w / 2.0) / w;
        check(Advice::MoveLeft, off.min(plan.left / w), Limit::Below(-tol));
        check(
            Advice::MoveRight,
            off.max((plan.left + crop_w - w) / w),
            Limit::Above(tol),
        );

        let eyes = head.eye_y / h;
        check(Advice::MoveUp, eyes, Limit::Above(t.live_eye_share[1]));
        check(
            Advice::MoveUp,
            (plan.top + crop_h - h) / h,
            Limit::Above(tol),
        );
        check(Advice::MoveDown, eyes, Limit::Below(t.live_eye_share[0]));
        check(Advice::MoveDown, plan.top / h, Limit::Below(-tol));
        // The crown past the frame's top edge: lower yourself until the whole head is in view.
        let cut = f32::from(u8::from(head.crown_cut_off()));
        check(Advice::MoveDown, cut, Limit::Above(0.5));

        check(
            Advice::StraightenHead,
            m.roll_deg.abs(),
            Limit::Above(t.roll_max_deg),
        );
        check(
            Advice::FaceCamera,
            head.yaw_deg.abs(),
            Limit::Above(t.yaw_max_deg),
        );
        check(
            Advice::LevelHead,
            head.pitch_deg.abs(),
            Limit::Above(t.pitch_max_deg),
        );
        if let Some(look) = a.appearance {
            check(
                Advice::LookAtCamera,
                look.gaze_away(),
                Limit::Above(t.gaze_max),
            );
            check(
                Advice::OpenEyes,
                look.eyes_open,
                Limit::Below(t.eyes_open_min),
            );
            check(
                Advice::CloseMouth,
                look.mouth_open,
                Limit::Above(t.mouth_open_max),
            );
            // A hat, jewellery and what the hair hides are read on the frames with a person mask
            // (a few a second): in between, each condition stays as the last of them left it.
            for (advice, value, max) in [
                (Advice::TakeOffHat, look.headwear, t.headwear_max),
                (Advice::TakeOffEarrings, look.earrings, t.earrings_max),
                (
                    Advice::HairBehindShoulders,
                    look.shoulders_covered,
                    t.shoulders_covered_max,
                ),
            ] {
                let firing = self.firing & advice.bit() != 0;
                if let Some(v) = value.or(firing.then_some(f32::INFINITY)) {
                    check(advice, v, Limit::Above(max));
                }
            }
            check(
                Advice::ClearEars,
                look.clearer_ear(),
                Limit::Below(t.ears_clear_min),
            );
            check(
                Advice::ClearBrows,
                look.brows_clear,
                Limit::Below(t.brows_clear_min),
            );
            check(
                Advice::UnevenLight,
                look.top_bottom_light,
                Limit::Below(t.top_bottom_light_min),
            );
            check(Advice::Glare, look.glare, Limit::Above(t.glare_max));
        }
        check(
            Advice::MoreLight,
            m.exposure.mean,
            Limit::Below(t.face_luma_min),
        );
        check(
            Advice::LessLight,
            m.exposure.mean,
            Limit::Above(t.face_luma_max),
        );
        check(
            Advice::MoreLight,
            m.exposure.under,
            Limit::Above(t.underexposed_max),
        );
        check(
            Advice::LessLight,
            m.exposure.over,
            Limit::Above(t.overexposed_max),
        );
        check(
            Advice::UnevenLight,
            m.balance.ratio,
            Limit::Below(t.balance_min),
        );
        check(
            Advice::PlainBackground,
            m.background.texture,
            Limit::Above(t.background_texture_max),
        );
        check(
            Advice::PlainBackground,
            m.background.std,
            Limit::Above(t.background_std_max),
        );
        check(
            Advice::HoldStill,
            m.sharpness,
            Limit::Below(t.sharpness_min),
        );
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hysteresis_needs_a_margin_to_clear() {
        let min = Limit::Below(0.42);
        assert!(fires(0.41, min, false, 0.1));
        assert!(!fires(0.43, min, false, 0.1));
        // Once firing, 0.43 is not enough: it must reach 0.42 × 1.1.
        assert!(fires(0.43, min, true, 0.1));
        assert!(!fires(0.47, min, true, 0.1));
        let max = Limit::Above(6.0);
        assert!(fires(5.7, max, true, 0.1));
        assert!(!fires(5.3, max, true, 0.1));
    }

    #[test]
    fn importance_follows_the_list() {
        let mut sorted = Advice::ALL;
        sorted.sort();
        assert_eq!(sorted, Advice::ALL);
        assert!(Advice::ALL.len() <= 32, "one bit each in a u32");
    }
}
