//! Choose the document the photo is for.

use egui::Ui;

use super::text::tr;
use super::widgets::{big_button, title};
use super::{Action, View};
use crate::ops::config::Language;
use crate::session::Event;

/// The document screen (stateless).
#[derive(Debug, Default)]
pub struct DocumentPicker;

impl DocumentPicker {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(
                ui,
                tr(lang, "请选择证件类型", "Which document is the photo for?"),
            );
            egui::ScrollArea::vertical()
                .max_height(ui.available_height() - 120.0)
                .show(ui, |ui| {
                    for spec in view.config.documents.all() {
                        let name = match lang {
                            Language::ZhCn => spec.name_zh.as_str(),
                            Language::En => spec.name_en.as_str(),
                        };
                        if big_button(ui, name, 560.0) {
                            action = Some(Action::Session(Event::DocumentChosen(spec.id.clone())));
                        }
                        ui.add_space(8.0);
                    }
                });
            if big_button(ui, tr(lang, "返回", "Back"), 240.0) {
                action = Some(Action::Session(Event::Back));
            }
        });
        action
    }
}
