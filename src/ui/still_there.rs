//! The warning before an abandoned session resets, drawn over any applicant screen.

use crate::i18n::Language;
use crate::ui::theme::theme;

/// The warning before an abandoned session resets: a card in the middle of the screen with the
/// seconds left and one big button (any touch keeps the session; the button says so).
pub fn show(ui: &mut egui::Ui, lang: Language, left: u64) {
    // A modal: the screen behind dims, and the card is all there is to read.
    egui::Modal::new(egui::Id::unique("still-there"))
        .frame(egui::Frame::window(ui.style()).inner_margin(40.0))
        .show(ui.ctx(), |ui| {
            ui.vertical_centered(|ui| {
                let strong = ui.visuals().strong_text_color();
                ui.label(
                    egui::RichText::new(lang.t("still_there.still_there"))
                        .size(theme().text.title)
                        .color(strong),
                );
                ui.add_space(16.0);
                let text = lang.fill("still_there.going_back", &[("left", &left)]);
                ui.label(
                    egui::RichText::new(text)
                        .size(theme().text.heading)
                        .color(strong),
                );
                ui.add_space(24.0);
                // Tapping it is a touch like any other: the session goes on.
                super::widgets::primary_button(ui, lang.t("still_there.i_m_here_go"), 360.0);
            });
        });
}
