//! Name and ID number, typed on screen: the keypad for the number (digits and X), letters for the
//! name, Chinese by pinyin with character candidates, or Latin letters as they are.
//!
//! Each field is a large box; tapping one makes it the one typed into. The keyboard (or keypad)
//! and the back and next buttons sit at fixed places at the bottom, under a fixed grid of
//! candidates: candidates coming and going never move a key.

use egui::{Rect, RichText, Ui, Vec2};

use super::choice_grid::{Grid, choice_grid};
use super::pinyin_input::candidates;

use super::widgets::{
    GAP, InputBox, KEYBOARD_HEIGHT, KEYPAD_HEIGHT, Key, Letters, TOUCH, big_button, centered_row,
    claim_rest, cut_sections, id_keypad, in_rect, letter_keyboard, middle, primary_button,
    row_width, rows_height, toggle_button,
};
use super::{Action, View};
use crate::applicant::Applicant;
use crate::i18n::Language;
use crate::session::Event;
use crate::ui::theme::theme;

/// Which field the keyboard types into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Name,
    IdNumber,
}

/// Digits in an ID number.
const ID_LEN: usize = 18;

/// Rows of character candidates above the keyboard.
const CANDIDATE_ROWS: usize = 2;

/// Width of each input box.
const BOX_WIDTH: f32 = 520.0;

/// Widest the switch and the candidates get, so they stay near the keyboard.
const CHOICES_WIDTH: f32 = 1160.0;

/// Width of the pinyin / ABC switch left of the candidates.
const MODE_WIDTH: f32 = 140.0;

/// The details screen: what is typed so far.
#[derive(Debug, Default)]
pub struct Details {
    name: String,
    pinyin: String,
    latin: bool,
    id_number: String,
    field: Field,
    page: usize,
    error: Option<String>,
}

/// The ID number as the card prints it: region, birth date, the rest (110105 19491231 002X).
fn grouped(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 2);
    for (i, c) in id.chars().enumerate() {
        if i == 6 || i == 14 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl Details {
    /// Draws the screen. `city` is the city chosen before.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, city: &str) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        let mut rest = claim_rest(ui);
        let [buttons, keys, choices] = cut_sections(
            &mut rest,
            [TOUCH, KEYBOARD_HEIGHT, rows_height(CANDIDATE_ROWS)],
        );

        in_rect(ui, rest, |ui| self.fields(ui, lang));
        match self.field {
            Field::Name => {
                self.candidates(ui, choices, lang);
                let space = lang.t("details.space");
                let typed = in_rect(ui, keys, |ui| letter_keyboard(ui, Letters::Name { space }));
                if let Some(key) = typed {
                    self.name_key(key);
                }
            }
            Field::IdNumber => {
                let pad = choices.union(keys);
                let typed = in_rect(ui, pad, |ui| {
                    ui.add_space(((pad.height() - KEYPAD_HEIGHT) / 2.0).max(0.0));
                    id_keypad(ui)
                });
                if let Some(key) = typed {
                    self.id_key(key);
                }
            }
        }
        in_rect(ui, buttons, |ui| {
            centered_row(ui, row_width(ui, &[200.0, 240.0]), |ui| {
                if big_button(ui, lang.t("common.back"), 200.0) {
                    action = Some(Action::Session(Event::Back));
                }
                if primary_button(ui, lang.t("details.next"), 240.0) {
                    action = self.submit(view, city);
                }
            });
        });
        action
    }

    /// The title, the two boxes (tapping one makes it active) and the last error.
    fn fields(&mut self, ui: &mut Ui, lang: Language) {
        super::widgets::title(ui, lang.t("details.name_id_number"));
        let name_label = lang.t("details.name");
        let id_label = lang.t("details.id_number");
        let id_shown = grouped(&self.id_number);
        let id_count = if self.id_number.is_empty() {
            String::new()
        } else {
            format!("{}/{ID_LEN}", self.id_number.len())
        };
        // Side by side, each at most BOX_WIDTH and narrower on a narrow screen (1024 px).
        let between = 3.0 * GAP;
        let box_width =
            ((ui.available_width() - between - ui.spacing().item_spacing.x) / 2.0).min(BOX_WIDTH);
        let boxes = [
            (
                Field::Name,
                name_label,
                InputBox {
                    label: &format!("{name_label}: {}{}", self.name, self.pinyin),
                    text: &self.name,
                    composing: &self.pinyin,
                    hint: lang.t("details.tap_type"),
                    note: "",
                    active: self.field == Field::Name,
                    width: box_width,
                },
            ),
            (
                Field::IdNumber,
                id_label,
                InputBox {
                    label: &format!("{id_label}: {}", self.id_number),
                    text: &id_shown,
                    composing: "",
                    hint: lang.t("details.n18_characters_last_may"),
                    note: &id_count,
                    active: self.field == Field::IdNumber,
                    width: box_width,
                },
            ),
        ];
        let mut tapped = None;
        let width = row_width(ui, &[box_width, box_width]) + between;
        centered_row(ui, width, |ui| {
            for (i, (field, label, input)) in boxes.into_iter().enumerate() {
                if i > 0 {
                    ui.add_space(between);
                }
                ui.vertical(|ui| {
                    ui.label(RichText::new(label).size(theme().text.body));
                    if ui.add(input).clicked() {
                        tapped = Some(field);
                    }
                });
            }
        });
        if let Some(field) = tapped {
            self.field = field;
        }
        if let Some(error) = &self.error {
            ui.add_space(GAP);
            ui.label(
                RichText::new(error)
                    .size(theme().text.detail)
                    .color(theme().colour.typo),
            );
        }
    }

    /// The pinyin / ABC switch and the page of characters for the pinyin typed.
    fn candidates(&mut self, ui: &mut Ui, rect: Rect, lang: Language) {
        let rect = middle(rect, CHOICES_WIDTH);
        let (mode, grid_rect) = rect.split_left_right_at_x(rect.min.x + MODE_WIDTH);
        let grid_rect = grid_rect.with_min_x(grid_rect.min.x + 2.0 * GAP);
        in_rect(ui, mode, |ui| {
            let size = Vec2::new(MODE_WIDTH, TOUCH);
            if toggle_button(ui, !self.latin, lang.t("details.pinyin"), size) {
                self.latin = false;
            }
            if toggle_button(ui, self.latin, "ABC", size) {
                self.latin = true;
                self.pinyin.clear();
            }
        });
        let found: Vec<String> = if self.latin {
            Vec::new()
        } else {
            candidates(&self.pinyin)
                .iter()
                .map(char::to_string)
                .collect()
        };
        let shown: Vec<&str> = found.iter().map(String::as_str).collect();
        let empty = if self.latin {
            lang.t("details.latin_name_type_letter")
        } else if self.pinyin.is_empty() {
            lang.t("details.type_pinyin_then_tap")
        } else {
            lang.t("details.no_such_pinyin_press")
        };
        let grid = Grid {
            rows: CANDIDATE_ROWS,
            min_width: TOUCH,
            text_size: theme().text.candidate,
            empty,
            previous: lang.t("common.previous"),
            next: lang.t("common.more"),
        };
        if let Some(c) =
            choice_grid(ui, grid_rect, &grid, &shown, &mut self.page).and_then(|i| found.get(i))
        {
            self.name.push_str(c);
            self.pinyin.clear();
            self.page = 0;
            self.error = None;
        }
    }

    /// A key on the letter keyboard, for the name.
    fn name_key(&mut self, key: Key) {
        self.error = None;
        match key {
            Key::Backspace if !self.pinyin.is_empty() => {
                self.pinyin.pop();
                self.page = 0;
            }
            Key::Backspace => {
                self.name.pop();
            }
            Key::Char('·') => self.name.push('·'),
            Key::Char(c) if self.latin => self.name.push(c),
            Key::Char(c) if c.is_ascii_alphabetic() && self.pinyin.len() < 6 => {
                self.pinyin.push(c.to_ascii_lowercase());
                self.page = 0;
            }
            Key::Char(_) => {}
        }
    }

    /// A key on the keypad, for the ID number.
    fn id_key(&mut self, key: Key) {
        self.error = None;
        match key {
            Key::Char(c) if self.id_number.len() < ID_LEN => self.id_number.push(c),
            Key::Backspace => {
                self.id_number.pop();
            }
            Key::Char(_) => {}
        }
    }

    /// "Next": the applicant, or the reason it is not accepted shown on screen.
    fn submit(&mut self, view: &View<'_>, city: &str) -> Option<Action> {
        // Pinyin not yet turned into a character is not part of the name: say so, rather than
        // "enter your name" to someone who sees letters in the box.
        if !self.pinyin.is_empty() {
            let pending = &self.pinyin;
            self.error = Some(
                view.lang
                    .fill("details.pinyin_pending", &[("pending", pending)]),
            );
            return None;
        }
        let today = chrono::Local::now().date_naive();
        match Applicant::new(
            &self.name,
            &self.id_number,
            city,
            &view.config.cities,
            today,
        ) {
            Ok(applicant) => Some(Action::Session(Event::DetailsEntered(applicant, today))),
            Err(error) => {
                self.error = Some(super::text::applicant_error(view.lang, &error));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_shows_in_the_card_s_groups() {
        assert_eq!(grouped("11010519491231002X"), "110105 19491231 002X");
        assert_eq!(grouped("1101"), "1101");
        assert_eq!(grouped("1101051"), "110105 1");
        assert_eq!(grouped(""), "");
    }
}
