//! The normalized photo, as it will be sent: accept, or retake.

use egui::{RichText, Ui, Vec2};

use super::text::{last_photo, reason, tr};
use super::widgets::{big_button, centered_row, row_width, title};
use super::{Action, View};
use crate::session::{Event, Photo};

/// The review screen (stateless).
#[derive(Debug, Default)]
pub struct Review;

impl Review {
    /// Draws the screen.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        view: &View<'_>,
        photo: &Photo,
        retake: bool,
    ) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(ui, tr(lang, "请确认照片", "Is this photo right?"));
            if let Some(texture) = view.photo {
                let size = texture.size_vec2();
                let k = ((ui.available_height() - 260.0) / size.y).clamp(0.2, 2.0);
                ui.image((texture.id(), Vec2::new(size.x * k, size.y * k)));
            }
            for r in &photo.reasons {
                ui.label(
                    RichText::new(reason(lang, *r))
                        .size(26.0)
                        .color(egui::Color32::from_rgb(200, 40, 40)),
                );
            }
            ui.add_space(12.0);
            if !retake {
                ui.label(RichText::new(last_photo(lang)).size(26.0));
            }
            // At the limit: finish instead of a retake.
            let (text, event) = if retake {
                (tr(lang, "重拍", "Retake"), Event::Retake)
            } else {
                (tr(lang, "结束", "Finish"), Event::Cancelled)
            };
            centered_row(ui, row_width(ui, &[220.0, 320.0]), |ui| {
                if big_button(ui, text, 220.0) {
                    action = Some(Action::Session(event));
                }
                if big_button(ui, tr(lang, "确认提交", "Use this photo"), 320.0) {
                    action = Some(Action::Session(Event::Accepted));
                }
            });
        });
        action
    }
}
