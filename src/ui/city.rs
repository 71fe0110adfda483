//! Choose the city where the document is issued: the booth's own city first, then search by
//! name, in pinyin or by its initials, on the on-screen keyboard.
//!
//! The keyboard and the back button sit at fixed places at the bottom, under a fixed grid of
//! results: typing a letter changes what the grid shows, never where the keys are.

use egui::{RichText, Ui, Vec2};

use super::choice_grid::{Grid, choice_grid};
use super::pinyin_input::pinyin_match;

use super::widgets::{
    InputBox, KEYBOARD_HEIGHT, Key, Letters, TOUCH, big_button, centered_row, claim_rest,
    cut_sections, in_rect, letter_keyboard, middle, row_width, rows_height, text_width, title,
};
use super::{Action, View};
use crate::session::Event;
use crate::ui::theme::theme;

/// Rows of results above the keyboard.
const RESULT_ROWS: usize = 2;

/// Widest the results get, so they stay near the keyboard.
const RESULTS_WIDTH: f32 = 1160.0;

/// The city screen: the search typed so far and the page of results shown.
#[derive(Debug, Default)]
pub struct CityPicker {
    query: String,
    page: usize,
}

impl CityPicker {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>) -> Option<Action> {
        let Self { query, page } = self;
        let lang = view.lang;
        let mut action = None;
        let mut rest = claim_rest(ui);
        let [back, keys, results] = cut_sections(
            &mut rest,
            [TOUCH, KEYBOARD_HEIGHT, rows_height(RESULT_ROWS)],
        );

        in_rect(ui, rest, |ui| {
            title(ui, lang.t("city.where_will_document_issued"));
            let home = &view.config.kiosk.kiosk.home_city;
            if let Some(city) = view.config.cities.get(home)
                && big_button(ui, &city.name_in(lang), 400.0)
            {
                action = Some(Action::Session(Event::CityChosen(city.code.clone())));
            }
            let label = lang.t("city.search_pinyin");
            let text = RichText::new(label).size(theme().text.body);
            let label_width = text_width(ui, label, theme().text.body);
            centered_row(ui, row_width(ui, &[label_width, 400.0]), |ui| {
                ui.add_sized(Vec2::new(label_width, TOUCH), egui::Label::new(text));
                ui.add(InputBox {
                    label: &format!("{label}: {query}"),
                    text: query,
                    composing: "",
                    hint: lang.t("city.e_g_sz_shenzhen"),
                    note: "",
                    active: true,
                    width: 400.0,
                });
            });
        });

        let q = query.to_lowercase();
        let matches: Vec<_> = view
            .config
            .cities
            .all()
            .iter()
            .filter(|c| {
                !q.is_empty() && (c.name.contains(query.as_str()) || pinyin_match(&c.name, &q))
            })
            .collect();
        let names: Vec<String> = matches.iter().map(|c| c.name_in(lang)).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let grid = Grid {
            rows: RESULT_ROWS,
            min_width: 240.0,
            text_size: theme().text.heading,
            empty: if q.is_empty() {
                lang.t("city.type_city_s_name")
            } else {
                lang.t("city.no_city_found_check")
            },
            previous: lang.t("common.previous"),
            next: lang.t("common.more"),
        };
        let results = middle(results, RESULTS_WIDTH);
        if let Some(city) =
            choice_grid(ui, results, &grid, &names, page).and_then(|i| matches.get(i))
        {
            action = Some(Action::Session(Event::CityChosen(city.code.clone())));
        }

        let typed = in_rect(ui, keys, |ui| letter_keyboard(ui, Letters::Search));
        match typed {
            Some(Key::Char(c)) if c.is_ascii_alphabetic() => {
                query.push(c.to_ascii_lowercase());
                *page = 0;
            }
            Some(Key::Backspace) => {
                query.pop();
                *page = 0;
            }
            _ => {}
        }
        in_rect(ui, back, |ui| {
            if big_button(ui, lang.t("common.back"), 240.0) {
                action = Some(Action::Session(Event::Back));
            }
        });
        action
    }
}
