//! The idle screen: what the booth does, the language, and a start button. Calm words when the
//! booth cannot take anyone now.

use egui::{RichText, Ui, Vec2};

use super::widgets::{
    TOUCH, big_button, centered_row, primary_button, row_width, title, toggle_button,
};
use super::{Action, View};
use crate::i18n::Language;
use crate::session::Event;
use crate::ui::theme::theme;

/// The attract screen (stateless).
#[derive(Debug, Default)]
pub struct Attract;

/// About the height of the screen's content (title, line, two buttons, languages): it is set in
/// the middle by this, not by its measured height, so nothing moves under a finger when the
/// booth rests or the language changes.
const CONTENT_HEIGHT: f32 = 460.0;

impl Attract {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        // In the middle of the screen, however tall: on a portrait kiosk Start sat at the top.
        ui.add_space(((ui.available_height() - CONTENT_HEIGHT) / 2.0).max(0.0));
        ui.vertical_centered(|ui| {
            title(ui, lang.t("attract.digital_id_photo"));
            ui.label(
                RichText::new(lang.t("attract.photos_passports_travel_permits"))
                    .size(theme().text.detail),
            );
            ui.add_space(48.0);
            if view.serviceable {
                if primary_button(ui, lang.t("attract.start"), 360.0) {
                    action = Some(Action::Session(Event::Started));
                }
                ui.add_space(16.0);
                if big_button(ui, lang.t("common.check_my_submission"), 360.0) {
                    action = Some(Action::Session(Event::CheckStarted));
                }
            } else {
                ui.label(
                    RichText::new(lang.t("attract.booth_resting_come_back"))
                        .size(theme().text.heading),
                );
            }
            ui.add_space(48.0);
            // Touch-sized, the one in use marked: a visitor who reads no Chinese must find it.
            let size = Vec2::new(200.0, TOUCH);
            let widths: Vec<f32> = Language::all().map(|_| size.x).collect();
            centered_row(ui, row_width(ui, &widths), |ui| {
                for choice in Language::all() {
                    if toggle_button(ui, lang == choice, choice.name(), size) {
                        action = Some(Action::Language(choice));
                    }
                }
            });
        });
        action
    }
}
