//! The live, mirrored preview: the face box, the zone the head should fill, one big advice, and
//! the shutter; during the countdown, the seconds left.

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Stroke, Ui, Vec2};

use super::text::advice;
use super::widgets::{big_button, centered_row, primary_button, row_width};
use super::{Action, View};
use crate::session::Event;
use crate::ui::theme::theme;
use crate::vision::Advice;

/// The pose screen (stateless).
#[derive(Debug, Default)]
pub struct Pose;

impl Pose {
    /// Draws the screen; `countdown` is the seconds left, when counting.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, countdown: Option<u32>) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        let shown = view.live.map_or(Advice::NoFace, |l| l.advice);
        ui.vertical_centered(|ui| {
            let avail = ui.available_size();
            let (fw, fh) = view
                .live
                .map_or((4.0, 3.0), |l| (l.frame.0 as f32, l.frame.1 as f32));
            let scale = ((avail.x - 40.0) / fw).min((avail.y - 200.0) / fh).max(0.1);
            let size = Vec2::new(fw * scale, fh * scale);
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let painter = ui.painter_at(rect);
            match view.preview {
                // Mirrored: the applicant sees themselves as in a mirror. The photo is not.
                Some(texture) => {
                    let uv = Rect::from_min_max(Pos2::new(1.0, 0.0), Pos2::new(0.0, 1.0));
                    painter.image(texture.id(), rect, uv, Color32::WHITE);
                }
                None => {
                    painter.rect_filled(rect, 0.0, theme().colour.camera_off);
                    painter.text(
                        rect.center(),
                        Align2::CENTER_CENTER,
                        lang.t("pose.starting_camera"),
                        FontId::proportional(theme().text.overlay),
                        theme().colour.on_picture.into(),
                    );
                }
            }
            // Where the head should be: centred, the middle of the head-share band.
            let t = &view.config.thresholds;
            let head_h = rect.height() * (t.live_head_share[0] + t.live_head_share[1]) / 2.0;
            let eye_y =
                rect.top() + rect.height() * (t.live_eye_share[0] + t.live_eye_share[1]) / 2.0;
            let zone = Rect::from_center_size(
                Pos2::new(rect.center().x, eye_y + 0.05 * head_h),
                Vec2::new(0.72 * head_h, head_h),
            );
            painter.rect_stroke(
                zone,
                0.45 * zone.width(),
                Stroke::new(3.0, Color32::from_white_alpha(160)),
                egui::StrokeKind::Middle,
            );
            if let Some(face) = view.live.and_then(|l| l.face) {
                let colour = if shown == Advice::Good {
                    theme().colour.face_good
                } else {
                    theme().colour.face_adjust
                };
                let x0 = rect.right() - (face.x + face.width) * scale;
                let r = Rect::from_min_size(
                    Pos2::new(x0, rect.top() + face.y * scale),
                    Vec2::new(face.width, face.height) * scale,
                );
                painter.rect_stroke(r, 8.0, Stroke::new(4.0, colour), egui::StrokeKind::Middle);
            }
            if let Some(left) = countdown {
                painter.text(
                    rect.center(),
                    Align2::CENTER_CENTER,
                    left.to_string(),
                    FontId::proportional(theme().text.countdown),
                    theme().colour.on_picture.into(),
                );
            }
            ui.add_space(12.0);
            let words = if countdown.is_some() {
                lang.t("common.hold_still")
            } else {
                advice(lang, shown)
            };
            ui.label(RichText::new(words).size(theme().text.title).strong());
            ui.add_space(8.0);
            centered_row(ui, row_width(ui, &[200.0, 300.0]), |ui| {
                if big_button(ui, lang.t("common.cancel"), 200.0) {
                    action = Some(Action::Session(Event::Cancelled));
                }
                if countdown.is_none() && primary_button(ui, lang.t("pose.take_photo"), 300.0) {
                    action = Some(Action::Session(Event::Shutter));
                }
            });
        });
        action
    }
}
