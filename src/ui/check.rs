//! "Check my submission": the applicant types the code on a pending ticket; the booth prints the
//! receipt once the center approved, offers the free retake if it rejected, or says it is still
//! under review.

use egui::{RichText, Ui};

use super::widgets::{
    Key, TOUCH, big_button, centered_row, claim_rest, code_keypad, cut_sections, in_rect,
    primary_button, row_width, rows_height, title,
};
use super::{Action, View};
use crate::i18n::Language;
use crate::receipt::TICKET_CODE_LEN;
use crate::session::{CheckNote, Event};
use crate::ui::theme::theme;

/// The check screen: the code typed so far.
#[derive(Debug, Default)]
pub struct Check {
    code: String,
}

fn note_text(lang: Language, note: CheckNote) -> &'static str {
    match note {
        CheckNote::NotFound => lang.t("check.no_submission_code_check"),
        CheckNote::StillPending => lang.t("check.still_under_review_check"),
        CheckNote::Gone => lang.t("check.receipt_was_printed_already"),
    }
}

impl Check {
    /// Draws the screen.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        view: &View<'_>,
        looking: bool,
        note: Option<CheckNote>,
    ) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        // Fixed parts from the bottom: a note appearing or the lookup's spinner moves no key.
        let mut rest = claim_rest(ui);
        let [buttons, keys] = cut_sections(&mut rest, [TOUCH, rows_height(4)]);
        in_rect(ui, rest, |ui| {
            title(ui, lang.t("common.check_my_submission"));
            ui.label(RichText::new(lang.t("check.type_8_character_code")).size(theme().text.body));
            let shown = format!("{:_<width$}", self.code, width = TICKET_CODE_LEN);
            ui.label(RichText::new(shown).size(theme().text.title).monospace());
            if let Some(note) = note {
                ui.label(RichText::new(note_text(lang, note)).size(theme().text.body));
            }
        });
        let typed = in_rect(ui, keys, |ui| {
            if looking {
                ui.add_space((keys.height() - 64.0) / 2.0);
                ui.add(egui::Spinner::new().size(theme().text.spinner_small));
                None
            } else {
                code_keypad(ui)
            }
        });
        match typed {
            Some(Key::Char(c)) if self.code.len() < TICKET_CODE_LEN => {
                self.code.push(c.to_ascii_uppercase());
            }
            Some(Key::Backspace) => {
                self.code.pop();
            }
            _ => {}
        }
        if looking {
            // The session waits for the answer; nothing to tap meanwhile.
            return action;
        }
        in_rect(ui, buttons, |ui| {
            centered_row(ui, row_width(ui, &[240.0, 240.0]), |ui| {
                if big_button(ui, lang.t("common.back"), 240.0) {
                    action = Some(Action::Session(Event::Back));
                }
                let ready = self.code.len() == TICKET_CODE_LEN;
                if ui
                    .add_enabled_ui(ready, |ui| primary_button(ui, lang.t("check.check"), 240.0))
                    .inner
                {
                    action = Some(Action::Session(Event::CheckCode(self.code.clone())));
                }
            });
        });
        action
    }
}
