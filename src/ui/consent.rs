//! The privacy notice. For a child under 14, a guardian consents.

use egui::{RichText, Ui};

use super::widgets::{big_button, centered_row, paragraph, primary_button, row_width, title};
use super::{Action, View};
use crate::session::Event;
use crate::ui::theme::theme;

/// The consent screen (stateless).
#[derive(Debug, Default)]
pub struct Consent;

impl Consent {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, guardian: bool) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(ui, lang.t("consent.personal_data"));
            paragraph(
                ui,
                RichText::new(lang.t("consent.photo_name_id_number")).size(theme().text.body),
            );
            if guardian {
                ui.add_space(16.0);
                paragraph(
                    ui,
                    RichText::new(lang.t("consent.applicant_under_14_parent"))
                        .size(theme().text.lead)
                        .strong(),
                );
            }
            ui.add_space(32.0);
            centered_row(ui, row_width(ui, &[200.0, 300.0]), |ui| {
                if big_button(ui, lang.t("common.back"), 200.0) {
                    action = Some(Action::Session(Event::Back));
                }
                let agree = if guardian {
                    lang.t("consent.guardian_agrees")
                } else {
                    lang.t("consent.i_agree")
                };
                if primary_button(ui, agree, 300.0) {
                    action = Some(Action::Session(Event::Consented));
                }
            });
        });
        action
    }
}
