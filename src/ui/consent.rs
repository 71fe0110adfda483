//! The privacy notice. For a child under 14, a guardian consents.

use egui::{RichText, Ui};

use super::text::tr;
use super::widgets::{big_button, centered_row, row_width, title};
use super::{Action, View};
use crate::session::Event;

/// The consent screen (stateless).
#[derive(Debug, Default)]
pub struct Consent;

impl Consent {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, guardian: bool) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(ui, tr(lang, "个人信息保护说明", "Your personal data"));
            ui.label(RichText::new(tr(
                lang,
                "您的照片、姓名和身份证号只用于本次相片采集，发送至相片检测中心。本机在检测中心确认并打印回执后即删除这些信息，不作他用。",
                "Your photo, name and ID number are used only for this photo and sent to the photo detection center. The booth deletes them once the center has confirmed and the receipt is printed, and uses them for nothing else.",
            )).size(26.0));
            if guardian {
                ui.add_space(16.0);
                ui.label(RichText::new(tr(
                    lang,
                    "申请人未满14周岁：请监护人阅读并同意。",
                    "The applicant is under 14: a parent or guardian must read and agree.",
                )).size(28.0).strong());
            }
            ui.add_space(32.0);
            centered_row(ui, row_width(ui, &[200.0, 300.0]), |ui| {
                if big_button(ui, tr(lang, "返回", "Back"), 200.0) {
                    action = Some(Action::Session(Event::Back));
                }
                let agree = if guardian { tr(lang, "监护人同意", "Guardian agrees") } else { tr(lang, "同意", "I agree") };
                if big_button(ui, agree, 300.0) {
                    action = Some(Action::Session(Event::Consented));
                }
            });
        });
        action
    }
}
