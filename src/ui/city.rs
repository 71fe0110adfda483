//! Choose the city where the document is issued: the booth's own city first, then search by
//! name or pinyin initials on the on-screen keyboard.

use egui::{RichText, Ui};

use super::pinyin_input::initials_match;
use super::text::tr;
use super::widgets::{Key, big_button, letter_keyboard, title};
use super::{Action, View};
use crate::session::Event;

/// The city screen: the search typed so far.
#[derive(Debug, Default)]
pub struct CityPicker {
    query: String,
}

impl CityPicker {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>) -> Option<Action> {
        let Self { query } = self;
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(
                ui,
                tr(lang, "请选择受理城市", "Where will the document be issued?"),
            );
            let home = &view.config.kiosk.kiosk.home_city;
            if let Some(city) = view.config.cities.get(home)
                && big_button(ui, &city.name, 400.0)
            {
                action = Some(Action::Session(Event::CityChosen(city.code.clone())));
            }
            ui.add_space(12.0);
            ui.label(
                RichText::new(format!(
                    "{}: {query}",
                    tr(lang, "搜索（拼音首字母）", "Search (pinyin initials)")
                ))
                .size(26.0),
            );
            let q = query.to_lowercase();
            let matches: Vec<_> = view
                .config
                .cities
                .all()
                .iter()
                .filter(|c| {
                    !q.is_empty()
                        && (c.name.contains(query.as_str()) || initials_match(&c.name, &q))
                })
                .take(12)
                .collect();
            ui.horizontal_wrapped(|ui| {
                for city in matches {
                    if ui.button(RichText::new(&city.name).size(28.0)).clicked() {
                        action = Some(Action::Session(Event::CityChosen(city.code.clone())));
                    }
                }
            });
            ui.add_space(12.0);
            match letter_keyboard(ui, None) {
                Some(Key::Char(c)) if c.is_ascii_alphabetic() => query.push(c.to_ascii_lowercase()),
                Some(Key::Backspace) => {
                    query.pop();
                }
                _ => {}
            }
            ui.add_space(12.0);
            if big_button(ui, tr(lang, "返回", "Back"), 240.0) {
                action = Some(Action::Session(Event::Back));
            }
        });
        action
    }
}
