//! The normalized photo, as it will be sent: accept, or retake.

use egui::{RichText, Ui, Vec2};

use super::widgets::{big_button, centered_row, primary_button, row_width, title};
use super::{Action, View};
use crate::session::{Event, Photo};
use crate::spec::checklist;
use crate::ui::theme::theme;

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
            title(ui, lang.t("review.photo_right"));
            // The photo, and beside it what was checked: each rule ticked, or what broke it.
            let list = checklist(&photo.reasons);
            let list_width = 520.0;
            let photo_size = view.photo.map(|texture| {
                let size = texture.size_vec2();
                let k = ((ui.available_height() - 260.0) / size.y)
                    .min((ui.available_width() - list_width - 40.0) / size.x)
                    .clamp(0.2, 2.0);
                Vec2::new(size.x * k, size.y * k)
            });
            let width = photo_size.map_or(0.0, |s| s.x + 24.0) + list_width;
            centered_row(ui, width, |ui| {
                if let (Some(texture), Some(size)) = (view.photo, photo_size) {
                    ui.image((texture.id(), size));
                    ui.add_space(24.0);
                }
                ui.vertical(|ui| {
                    ui.set_width(list_width);
                    ui.label(
                        RichText::new(lang.t("review.what_was_checked")).size(theme().text.body),
                    );
                    ui.add_space(8.0);
                    for (rule, broken) in &list {
                        if broken.is_empty() {
                            ui.label(
                                RichText::new(format!("√ {}", rule.text(lang)))
                                    .size(theme().text.small)
                                    .color(theme().colour.good),
                            );
                        }
                        for r in broken {
                            ui.label(
                                RichText::new(format!("× {}", r.message(lang)))
                                    .size(theme().text.detail)
                                    .color(theme().colour.refused),
                            );
                        }
                        ui.add_space(6.0);
                    }
                });
            });
            ui.add_space(12.0);
            if !retake {
                ui.label(RichText::new(lang.t("review.last_photo")).size(theme().text.body));
            }
            // At the limit: finish instead of a retake.
            let (text, event) = if retake {
                (lang.t("common.retake"), Event::Retake)
            } else {
                (lang.t("common.finish"), Event::Cancelled)
            };
            centered_row(ui, row_width(ui, &[220.0, 320.0]), |ui| {
                if big_button(ui, text, 220.0) {
                    action = Some(Action::Session(event));
                }
                if primary_button(ui, lang.t("review.use_photo"), 320.0) {
                    action = Some(Action::Session(Event::Accepted));
                }
            });
        });
        action
    }
}
