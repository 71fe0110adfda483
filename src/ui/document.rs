//! Choose the document the photo is for.

use egui::{Rect, Sense, Ui, Vec2};

use super::widgets::{GAP, TOUCH, big_button, in_rect, title};
use super::{Action, View};
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
            title(ui, lang.t("document.which_document_photo"));
            let specs = view.config.documents.all();
            let names: Vec<&str> = specs
                .iter()
                .map(|spec| {
                    if lang.han() {
                        spec.name_zh.as_str()
                    } else {
                        spec.name_en.as_str()
                    }
                })
                .collect();
            let chosen = match Layout::for_screen(names.len(), ui.available_size()) {
                Some(layout) => layout.show(ui, &names),
                None => scrolled(ui, &names),
            };
            if let Some(i) = chosen {
                action = Some(Action::Session(Event::DocumentChosen(specs[i].id.clone())));
            }
            if big_button(ui, lang.t("common.back"), 240.0) {
                action = Some(Action::Session(Event::Back));
            }
        });
        action
    }
}

/// Width of a document's button.
const WIDTH: f32 = 560.0;
/// Narrowest a button may get when the documents share the width in columns.
const MIN_WIDTH: f32 = 380.0;
/// Room kept below the list for the Back button.
const BELOW: f32 = 120.0;

/// The documents in columns, as many as the screen's height needs, so every one is in view
/// without scrolling (a touch panel that reports as a mouse cannot drag a list in egui).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    rows: usize,
    columns: usize,
    width: f32,
}

impl Layout {
    /// The columns for `n` documents in `available` room; `None` when they do not fit even side
    /// by side (a very small window): then the list scrolls.
    fn for_screen(n: usize, available: Vec2) -> Option<Layout> {
        let row = TOUCH + GAP;
        let rows = ((available.y - BELOW + GAP) / row).floor().max(1.0) as usize;
        let columns = n.div_ceil(rows).max(1);
        let rows = n.div_ceil(columns);
        let width = ((available.x - GAP * (columns - 1) as f32) / columns as f32).min(WIDTH);
        (width >= MIN_WIDTH || columns == 1 && width > 0.0).then_some(Layout {
            rows,
            columns,
            width,
        })
    }

    /// Draws the buttons, column by column; the index of the one tapped.
    fn show(&self, ui: &mut Ui, names: &[&str]) -> Option<usize> {
        let row = TOUCH + GAP;
        let size = Vec2::new(
            self.columns as f32 * (self.width + GAP) - GAP,
            self.rows as f32 * row,
        );
        let (area, _) = ui.allocate_exact_size(size, Sense::hover());
        let mut chosen = None;
        for (c, column) in names.chunks(self.rows).enumerate() {
            let left = area.left() + c as f32 * (self.width + GAP);
            let rect = Rect::from_min_size(
                egui::pos2(left, area.top()),
                Vec2::new(self.width, area.height()),
            );
            in_rect(ui, rect, |ui| {
                for (r, name) in column.iter().enumerate() {
                    if big_button(ui, name, self.width) {
                        chosen = Some(c * self.rows + r);
                    }
                }
            });
        }
        ui.add_space(GAP);
        chosen
    }
}

/// The documents in one scrolled column.
fn scrolled(ui: &mut Ui, names: &[&str]) -> Option<usize> {
    let mut chosen = None;
    egui::ScrollArea::vertical()
        .max_height(ui.available_height() - BELOW)
        .show(ui, |ui| {
            for (i, name) in names.iter().enumerate() {
                if big_button(ui, name, WIDTH) {
                    chosen = Some(i);
                }
                ui.add_space(GAP);
            }
        });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_documents_take_two_columns_on_a_1280_by_800_screen_and_one_on_a_tall_one() {
        // What is left below the title at 1280×800 and in portrait 1080×1920.
        let wide = Layout::for_screen(8, Vec2::new(1264.0, 690.0)).expect("fits");
        assert_eq!((wide.columns, wide.rows), (2, 4));
        assert_eq!(wide.width, WIDTH);
        let tall = Layout::for_screen(8, Vec2::new(1064.0, 1810.0)).expect("fits");
        assert_eq!((tall.columns, tall.rows), (1, 8));
        // Too small for columns of readable buttons: the list scrolls.
        assert_eq!(Layout::for_screen(8, Vec2::new(600.0, 300.0)), None);
    }
}
