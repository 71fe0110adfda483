//! A page of large choices in a fixed grid: search results on the city screen, characters for
//! the pinyin typed on the details screen. The grid keeps its size whether it holds nothing or
//! more than fits (a column of page buttons at its right end), so what is below it never moves.

use egui::{
    Align2, Button, Direction, FontId, Layout, Rect, Response, RichText, Ui, UiBuilder, Vec2,
    Widget,
};

use super::widgets::{GAP, TOUCH, text_width};
use crate::ui::theme::theme;

/// How a grid looks and what its page buttons say.
#[derive(Debug, Clone, Copy)]
pub struct Grid<'a> {
    /// Rows of choices, each [`TOUCH`] tall.
    pub rows: usize,
    /// Narrowest a choice may be; the columns share the width.
    pub min_width: f32,
    /// Text size of a choice, made smaller for a name too long for its cell.
    pub text_size: f32,
    /// Shown when there is nothing to choose.
    pub empty: &'a str,
    /// The button back to the page before.
    pub previous: &'a str,
    /// The button on to the next page.
    pub next: &'a str,
}

/// Width of the page buttons' column.
const PAGER: f32 = 140.0;

/// Columns of at least `min_width` that fit in `width`, at least one.
fn columns(width: f32, min_width: f32) -> usize {
    (((width + GAP) / (min_width + GAP)).floor() as usize).max(1)
}

/// The page to show: `page`, or the last one when the choices shrank under it.
fn clamp_page(page: usize, len: usize, per_page: usize) -> usize {
    let pages = len.div_ceil(per_page.max(1)).max(1);
    page.min(pages - 1)
}

/// Draws the page `page` of `choices` filling `rect`; the index of the choice tapped.
pub fn choice_grid(
    ui: &mut Ui,
    rect: Rect,
    grid: &Grid<'_>,
    choices: &[&str],
    page: &mut usize,
) -> Option<usize> {
    let cells = Rect::from_min_max(rect.min, egui::pos2(rect.max.x - PAGER - GAP, rect.max.y));
    let cols = columns(cells.width(), grid.min_width);
    let rows = grid.rows.max(1);
    let per_page = cols * rows;
    *page = clamp_page(*page, choices.len(), per_page);
    if choices.is_empty() {
        ui.painter().text(
            cells.center(),
            Align2::CENTER_CENTER,
            grid.empty,
            FontId::proportional(theme().text.body),
            ui.visuals().weak_text_color(),
        );
    }
    let width = (cells.width() - GAP * (cols - 1) as f32) / cols as f32;
    let cell = |i: usize| {
        let (row, col) = (i / cols, i % cols);
        Rect::from_min_size(
            cells.min + Vec2::new(col as f32 * (width + GAP), row as f32 * (TOUCH + GAP)),
            Vec2::new(width, TOUCH),
        )
    };
    let mut chosen = None;
    let first = *page * per_page;
    for (i, choice) in choices.iter().skip(first).take(per_page).enumerate() {
        let size = fitting_size(ui, choice, grid.text_size, width - 2.0 * GAP);
        if place(
            ui,
            cell(i),
            true,
            Button::new(RichText::new(*choice).size(size)),
        )
        .clicked()
        {
            chosen = Some(first + i);
        }
    }
    if choices.len() > per_page {
        let pager = |row: usize| {
            Rect::from_min_size(
                egui::pos2(rect.max.x - PAGER, rect.min.y + row as f32 * (TOUCH + GAP)),
                Vec2::new(PAGER, TOUCH),
            )
        };
        let text = |label: &str| Button::new(RichText::new(label).size(theme().text.body));
        if place(ui, pager(0), *page > 0, text(grid.previous)).clicked() {
            *page -= 1;
        }
        let more = first + per_page < choices.len();
        if place(ui, pager(rows - 1), more, text(grid.next)).clicked() {
            *page += 1;
        }
    }
    chosen
}

/// Adds `widget` filling `rect`, greyed out unless `enabled`; the parent's layout is left alone.
fn place(ui: &mut Ui, rect: Rect, enabled: bool, widget: impl Widget) -> Response {
    ui.new_child(
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::centered_and_justified(Direction::TopDown)),
    )
    .add_enabled(enabled, widget)
}

/// `size`, or smaller so that `text` fits in `width`.
fn fitting_size(ui: &Ui, text: &str, size: f32, width: f32) -> f32 {
    let wide = text_width(ui, text, size);
    if wide > width && wide > 0.0 {
        (size * width / wide).floor()
    } else {
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_share_the_width() {
        assert_eq!(columns(1000.0, 72.0), 12);
        assert_eq!(columns(50.0, 72.0), 1);
    }

    #[test]
    fn a_page_past_the_end_falls_back_to_the_last() {
        assert_eq!(clamp_page(3, 20, 8), 2);
        assert_eq!(clamp_page(1, 8, 8), 0);
        assert_eq!(clamp_page(5, 0, 8), 0);
        assert_eq!(clamp_page(1, 9, 8), 1);
    }
}
