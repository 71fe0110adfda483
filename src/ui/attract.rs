//! The idle screen: what the booth does, the language, and a start button. Calm words when the
//! booth cannot take anyone now.

use egui::{RichText, Ui, Vec2};

use super::text::tr;
use super::widgets::{TOUCH, big_button, centered_row, row_width, title, toggle_button};
use super::{Action, View};
use crate::ops::config::Language;
use crate::session::Event;

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
            title(ui, tr(lang, "数字相片采集", "Digital ID photo"));
            ui.label(RichText::new(tr(
                lang,
                "护照、港澳台通行证、身份证、社保卡、驾驶证照片，当场取得回执",
                "Photos for passports, travel permits, ID, social security and driving licences, with a receipt on the spot",
            )).size(24.0));
            ui.add_space(48.0);
            if view.serviceable {
                if big_button(ui, tr(lang, "开始拍照", "Start"), 360.0) {
                    action = Some(Action::Session(Event::Started));
                }
                ui.add_space(16.0);
                if big_button(ui, tr(lang, "查询提交", "Check my submission"), 360.0) {
                    action = Some(Action::Session(Event::CheckStarted));
                }
            } else {
                ui.label(RichText::new(tr(
                    lang,
                    "本机暂停服务，请稍后再来，或前往工作人员窗口。",
                    "This booth is resting. Please come back later, or ask at the counter.",
                )).size(30.0));
            }
            ui.add_space(48.0);
            // Touch-sized, the one in use marked: a visitor who reads no Chinese must find it.
            let size = Vec2::new(200.0, TOUCH);
            centered_row(ui, row_width(ui, &[size.x, size.x]), |ui| {
                for (choice, name) in [(Language::ZhCn, "中文"), (Language::En, "English")] {
                    if toggle_button(ui, lang == choice, name, size) {
                        action = Some(Action::Language(choice));
                    }
                }
            });
        });
        action
    }
}
