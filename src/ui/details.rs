//! Name and ID number, typed on screen: the keypad for the number (digits and X), letters for the
//! name, Chinese by pinyin with character candidates, or Latin letters as they are.

use egui::{RichText, Ui};

use super::pinyin_input::candidates;
use super::text::tr;
use super::widgets::{Key, big_button, centered_row, id_keypad, letter_keyboard, row_width, title};
use super::{Action, View};
use crate::applicant::Applicant;
use crate::session::Event;

/// Which field the keyboard types into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Name,
    IdNumber,
}

/// The details screen: what is typed so far.
#[derive(Debug, Default)]
pub struct Details {
    name: String,
    pinyin: String,
    latin: bool,
    id_number: String,
    field: Field,
    error: Option<String>,
}

impl Details {
    /// Draws the screen. `city` is the city chosen before.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, city: &str) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(
                ui,
                tr(lang, "请输入姓名和身份证号", "Your name and ID number"),
            );
            let name_label = format!("{}: {}{}", tr(lang, "姓名", "Name"), self.name, self.pinyin);
            if ui
                .selectable_label(
                    self.field == Field::Name,
                    RichText::new(name_label).size(30.0),
                )
                .clicked()
            {
                self.field = Field::Name;
            }
            let id_label = format!("{}: {}", tr(lang, "身份证号", "ID number"), self.id_number);
            if ui
                .selectable_label(
                    self.field == Field::IdNumber,
                    RichText::new(id_label).size(30.0),
                )
                .clicked()
            {
                self.field = Field::IdNumber;
            }
            if let Some(error) = &self.error {
                ui.label(
                    RichText::new(error)
                        .size(24.0)
                        .color(egui::Color32::from_rgb(200, 40, 40)),
                );
            }
            ui.add_space(12.0);
            match self.field {
                Field::IdNumber => {
                    if let Some(key) = id_keypad(ui) {
                        self.error = None;
                        match key {
                            Key::Char(c) if self.id_number.len() < 18 => self.id_number.push(c),
                            Key::Backspace => {
                                self.id_number.pop();
                            }
                            Key::Char(_) => {}
                        }
                    }
                }
                Field::Name => self.name_keys(ui, lang),
            }
            ui.add_space(12.0);
            centered_row(ui, row_width(ui, &[200.0, 240.0]), |ui| {
                if big_button(ui, tr(lang, "返回", "Back"), 200.0) {
                    action = Some(Action::Session(Event::Back));
                }
                if big_button(ui, tr(lang, "下一步", "Next"), 240.0) {
                    let today = chrono::Local::now().date_naive();
                    match Applicant::new(
                        &self.name,
                        &self.id_number,
                        city,
                        &view.config.cities,
                        today,
                    ) {
                        Ok(applicant) => {
                            action = Some(Action::Session(Event::DetailsEntered(applicant, today)))
                        }
                        Err(error) => self.error = Some(super::text::applicant_error(lang, &error)),
                    }
                }
            });
        });
        action
    }

    fn name_keys(&mut self, ui: &mut Ui, lang: crate::ops::config::Language) {
        centered_row(ui, 180.0, |ui| {
            if ui
                .selectable_label(
                    !self.latin,
                    RichText::new(tr(lang, "拼音", "Pinyin")).size(24.0),
                )
                .clicked()
            {
                self.latin = false;
            }
            if ui
                .selectable_label(self.latin, RichText::new("ABC").size(24.0))
                .clicked()
            {
                self.latin = true;
                self.pinyin.clear();
            }
        });
        if !self.latin && !self.pinyin.is_empty() {
            ui.horizontal_wrapped(|ui| {
                for c in candidates(&self.pinyin).iter().take(16) {
                    if ui.button(RichText::new(c.to_string()).size(34.0)).clicked() {
                        self.name.push(*c);
                        self.pinyin.clear();
                    }
                }
            });
        }
        let Some(key) = letter_keyboard(ui, Some(tr(lang, "空格", "Space"))) else {
            return;
        };
        self.error = None;
        match key {
            Key::Backspace if !self.pinyin.is_empty() => {
                self.pinyin.pop();
            }
            Key::Backspace => {
                self.name.pop();
            }
            Key::Char('·') => self.name.push('·'),
            Key::Char(c) if self.latin => self.name.push(c),
            Key::Char(c) if c.is_ascii_alphabetic() && self.pinyin.len() < 6 => {
                self.pinyin.push(c.to_ascii_lowercase())
            }
            Key::Char(_) => {}
        }
    }
}
