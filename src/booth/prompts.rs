//! What the booth says, and when: each screen's prompt once as it opens, the countdown's
//! numbers, and the live advice when it changes, no more often than an applicant can follow.
//! Pure: the shell hands in the flow, the advice and the time, and speaks what comes back.

use std::mem::Discriminant;

use crate::session::Flow;
use crate::vision::Advice;

/// Least time between two spoken advices, in milliseconds: the guidance on screen may change
/// every frame, a voice cannot.
pub const ADVICE_GAP_MS: u64 = 3000;

/// Something to say: a key of the language files, or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The text of this key.
    Key(&'static str),
    /// A number of the countdown.
    Count(u32),
}

/// Remembers what was said, so each prompt is said once.
#[derive(Debug, Default)]
pub struct Prompter {
    screen: Option<Discriminant<Flow>>,
    count: Option<u32>,
    advice: Option<Advice>,
    advice_at_ms: Option<u64>,
    /// The done screen's note of a held photo (#18) was said.
    photo_held: bool,
}

impl Prompter {
    /// What to say now that the flow is at `flow`: the screen's prompt when the screen is new,
    /// a countdown's number when it changes.
    pub fn screen(&mut self, flow: &Flow) -> Option<Prompt> {
        if let Flow::Countdown { left, .. } = flow {
            let left = *left;
            if self.count != Some(left) {
                self.count = Some(left);
                self.screen = Some(std::mem::discriminant(flow));
                return Some(Prompt::Count(left));
            }
            return None;
        }
        self.count = None;
        let screen = std::mem::discriminant(flow);
        if self.screen == Some(screen) {
            // The done screen's note that the photo printer held the photo comes after the
            // screen opened: said once, when it shows.
            if let Flow::Done {
                photo_held: true, ..
            } = flow
                && !self.photo_held
            {
                self.photo_held = true;
                return Some(Prompt::Key("status.photo_held"));
            }
            return None;
        }
        self.screen = Some(screen);
        self.photo_held = false;
        // A new screen: its advice is news again.
        self.advice = None;
        self.advice_at_ms = None;
        key_of(flow).map(Prompt::Key)
    }

    /// What to say of the live `advice` at `now_ms`: a new advice, once the last spoken one had
    /// [`ADVICE_GAP_MS`] to be heard.
    pub fn advice(&mut self, advice: Advice, now_ms: u64) -> Option<Prompt> {
        if self.advice == Some(advice) {
            return None;
        }
        if self
            .advice_at_ms
            .is_some_and(|at| now_ms.saturating_sub(at) < ADVICE_GAP_MS)
        {
            return None;
        }
        self.advice = Some(advice);
        self.advice_at_ms = Some(now_ms);
        Some(Prompt::Key(advice.key()))
    }
}

/// The prompt of a screen: what it asks of the applicant (none on the attract screen, which
/// does not talk to passers-by, nor on the camera's, where the advice speaks).
fn key_of(flow: &Flow) -> Option<&'static str> {
    Some(match flow {
        Flow::Attract | Flow::Pose { .. } | Flow::Countdown { .. } | Flow::Processing { .. } => {
            return None;
        }
        Flow::Document => "document.which_document_photo",
        Flow::City { .. } => "city.where_will_document_issued",
        Flow::Details { .. } => "details.name_id_number",
        Flow::Consent { .. } => "consent.personal_data",
        Flow::Rules { .. } => "rules.how_photo_must",
        Flow::Review { .. } => "review.photo_right",
        Flow::Uploading { .. } => "status.sending_photo_center",
        Flow::Rejected { .. } => "status.photo_was_not_accepted",
        Flow::Pending { .. } => "status.submitted_waiting_review",
        Flow::Printing { .. } => "status.approved_printing_receipt",
        Flow::PrintFailed { .. } => "status.printer_problem",
        Flow::Done { .. } => "status.done_take_receipt",
        Flow::Check { .. } => "common.check_my_submission",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_is_said_once_as_it_opens() {
        let mut p = Prompter::default();
        assert_eq!(p.screen(&Flow::Attract), None);
        assert_eq!(
            p.screen(&Flow::Document),
            Some(Prompt::Key("document.which_document_photo"))
        );
        assert_eq!(p.screen(&Flow::Document), None, "said once");
        assert_eq!(p.screen(&Flow::Attract), None);
        assert_eq!(
            p.screen(&Flow::Document),
            Some(Prompt::Key("document.which_document_photo")),
            "said again for the next applicant"
        );
    }

    #[test]
    fn a_held_photo_is_said_once_when_the_done_screen_shows_it() {
        let mut p = Prompter::default();
        let done = |photo_held| Flow::Done {
            receipt_no: "44030026112500001X".into(),
            photo_held,
        };
        assert_eq!(
            p.screen(&done(false)),
            Some(Prompt::Key("status.done_take_receipt"))
        );
        assert_eq!(p.screen(&done(false)), None);
        assert_eq!(
            p.screen(&done(true)),
            Some(Prompt::Key("status.photo_held"))
        );
        assert_eq!(p.screen(&done(true)), None, "said once");
    }

    #[test]
    fn a_new_advice_waits_until_the_last_was_heard_and_the_same_is_not_repeated() {
        let mut p = Prompter::default();
        let closer = Some(Prompt::Key("advice.move_closer"));
        assert_eq!(p.advice(Advice::MoveCloser, 1_000), closer);
        assert_eq!(p.advice(Advice::MoveCloser, 9_000), None, "not repeated");
        // Too soon after the last: not said, and said once it may be.
        assert_eq!(p.advice(Advice::MoveLeft, 2_000), None);
        assert_eq!(
            p.advice(Advice::MoveLeft, 1_000 + ADVICE_GAP_MS),
            Some(Prompt::Key("advice.move_left"))
        );
        // A flicker back to an advice said before is news again after the gap.
        assert_eq!(p.advice(Advice::MoveCloser, 4_500), None);
        assert_eq!(p.advice(Advice::MoveCloser, 7_000), closer);
    }

    #[test]
    fn every_screen_s_prompt_and_every_advice_has_words() {
        use crate::i18n::Language;
        for advice in Advice::ALL {
            assert!(Language::BASE.try_t(advice.key()).is_some(), "{advice:?}");
        }
        let keys = [
            "document.which_document_photo",
            "city.where_will_document_issued",
            "details.name_id_number",
            "consent.personal_data",
            "rules.how_photo_must",
            "review.photo_right",
        ];
        for key in keys {
            for lang in Language::all() {
                assert!(lang.try_t(key).is_some(), "{lang:?} {key}");
            }
        }
    }
}
