//! Touch-sized widgets: big buttons, input boxes, the keypads and the letter keyboard, and the
//! fixed layout that keeps a keyboard where the finger expects it.

use egui::text::LayoutJob;
use egui::{
    Align, Button, FontId, Layout, Rect, Response, RichText, Sense, Stroke, StrokeKind, TextFormat,
    Ui, UiBuilder, Vec2, Widget, WidgetInfo,
};

use crate::ui::theme::theme;

/// Height of a touch target, in points.
pub const TOUCH: f32 = 72.0;

/// Space between keys and between choices: wide enough that a finger between two hits neither.
pub const GAP: f32 = 8.0;

/// Space between the parts of a screen (fields, choices, keyboard, buttons).
pub const SECTION_GAP: f32 = 16.0;

/// Height of `rows` rows of touch targets with [`GAP`] between them.
pub const fn rows_height(rows: usize) -> f32 {
    let rows = if rows == 0 { 1.0 } else { rows as f32 };
    rows * TOUCH + (rows - 1.0) * GAP
}

/// Tallest a screen with a keyboard gets: on a taller screen (portrait, 1080p) the boxes, the
/// choices and the keyboard stay together in a band of this height in the middle, so the name is
/// typed where it shows, not a metre above the keys.
pub const KEYBOARD_SCREEN_HEIGHT: f32 = 900.0;

/// Claims all the space left in `ui` and returns the part to draw in: all of it, or a band of
/// [`KEYBOARD_SCREEN_HEIGHT`] in its middle. Screens with a keyboard cut it into fixed rects
/// ([`cut_bottom`]) so that nothing moves when text, results or candidates come and go: a key
/// that moved under a finger types the wrong letter.
pub fn claim_rest(ui: &mut Ui) -> Rect {
    let rect = ui.available_rect_before_wrap();
    ui.advance_cursor_after_rect(rect);
    band(rect)
}

/// The middle of `rect`, at most [`KEYBOARD_SCREEN_HEIGHT`] tall.
pub fn band(rect: Rect) -> Rect {
    Rect::from_center_size(
        rect.center(),
        Vec2::new(rect.width(), rect.height().min(KEYBOARD_SCREEN_HEIGHT)),
    )
}

/// Draws `add` in the middle of the height left in `ui`: a short screen stands in the middle of a
/// tall one, not at its top. Its height is the one it took the last time it was drawn under
/// `id` (remembered in egui's memory); when that changed, the pass is drawn again at once, so
/// nothing jumps. A screen that takes all the height ([`claim_rest`]) stays where it is.
pub fn centred_vertically<R>(ui: &mut Ui, id: egui::Id, add: impl FnOnce(&mut Ui) -> R) -> R {
    let rest = ui.available_rect_before_wrap();
    let last: Option<f32> = ui.ctx().data(|d| d.get_temp(id));
    let top = last.map_or(0.0, |height| ((rest.height() - height) / 2.0).max(0.0));
    // Moved down whole, not cut: the screen sees the height it would see at the top, so what
    // it lays out by that height (the documents' columns) does not change with the move.
    let inner = rest.translate(Vec2::new(0.0, top));
    let mut child = ui.new_child(UiBuilder::new().max_rect(inner).layout(*ui.layout()));
    let out = add(&mut child);
    let height = child.min_rect().height();
    if last.is_none_or(|h| (h - height).abs() > 0.5) {
        ui.ctx().data_mut(|d| d.insert_temp(id, height));
        ui.ctx()
            .request_discard("a screen centred on its new height");
    }
    ui.advance_cursor_after_rect(rest);
    out
}

/// Cuts `height` off the bottom of `rest` and returns that strip.
pub fn cut_bottom(rest: &mut Rect, height: f32) -> Rect {
    let top = (rest.max.y - height).max(rest.min.y);
    let strip = Rect::from_min_max(egui::pos2(rest.min.x, top), rest.max);
    rest.max.y = top;
    strip
}

/// Cuts strips of `heights` off the bottom of `rest`, the first lowest, each with a
/// [`SECTION_GAP`] above it, and returns them in that order.
pub fn cut_sections<const N: usize>(rest: &mut Rect, heights: [f32; N]) -> [Rect; N] {
    heights.map(|height| {
        let strip = cut_bottom(rest, height);
        cut_bottom(rest, SECTION_GAP);
        strip
    })
}

/// The middle of `rect`, at most `width` wide: a grid on a wide screen stays near the keyboard.
pub fn middle(rect: Rect, width: f32) -> Rect {
    Rect::from_center_size(
        rect.center(),
        Vec2::new(rect.width().min(width), rect.height()),
    )
}

/// Draws `add` inside `rect`, top-down and centred, leaving the parent's layout alone.
pub fn in_rect<R>(ui: &mut Ui, rect: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::top_down(Align::Center)),
    );
    child.spacing_mut().item_spacing = Vec2::splat(GAP);
    add(&mut child)
}

/// A big button with `text`; true when tapped.
pub fn big_button(ui: &mut Ui, text: &str, width: f32) -> bool {
    ui.add(
        Button::new(RichText::new(text).size(theme().text.heading))
            .min_size(Vec2::new(width, TOUCH)),
    )
    .clicked()
}

/// The one button a screen leads to (下一步, 同意, 拍照…): filled with the theme's `primary`, in
/// bold, so it stands out from Back and Cancel; true when tapped.
pub fn primary_button(ui: &mut Ui, text: &str, width: f32) -> bool {
    let colour = &theme().colour;
    ui.add(
        Button::new(
            RichText::new(text)
                .size(theme().text.heading)
                .strong()
                .color(colour.on_primary),
        )
        .fill(colour.primary)
        .min_size(Vec2::new(width, TOUCH)),
    )
    .clicked()
}

/// A framed button that shows whether it is the one chosen (a language, an input mode);
/// true when tapped.
pub fn toggle_button(ui: &mut Ui, selected: bool, text: &str, size: Vec2) -> bool {
    ui.add(
        Button::new(RichText::new(text).size(theme().text.heading))
            .selected(selected)
            .min_size(size),
    )
    .clicked()
}

/// Widest a paragraph runs: a line longer than this is hard to follow from one end to the other.
pub const PARAGRAPH_WIDTH: f32 = 880.0;

/// Running text, wrapped and left-aligned in a column in the middle of `ui`, at most
/// [`PARAGRAPH_WIDTH`] wide and clear of the screen's edges.
pub fn paragraph(ui: &mut Ui, text: RichText) {
    let width = PARAGRAPH_WIDTH.min(ui.available_width() - 2.0 * SECTION_GAP);
    centered_row(ui, width, |ui| {
        ui.allocate_ui_with_layout(Vec2::new(width, 0.0), Layout::top_down(Align::Min), |ui| {
            ui.set_max_width(width);
            ui.add(egui::Label::new(text).wrap());
        });
    });
}

/// A heading for a screen.
pub fn title(ui: &mut Ui, text: &str) {
    ui.add_space(24.0);
    ui.label(RichText::new(text).size(theme().text.title).strong());
    ui.add_space(16.0);
}

/// Width of `text` at `size` on one line, in points.
pub fn text_width(ui: &Ui, text: &str, size: f32) -> f32 {
    ui.painter()
        .layout_no_wrap(
            text.to_owned(),
            FontId::proportional(size),
            egui::Color32::WHITE,
        )
        .size()
        .x
}

/// A key pressed on an on-screen keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character to type.
    Char(char),
    /// Delete the last character.
    Backspace,
}

/// A row of `width` points, centred in the space there is.
pub fn centered_row<R>(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.horizontal(|ui| {
        ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
        add(ui)
    })
    .inner
}

/// Width of `n` widgets of `each` points side by side, with egui's spacing between them.
pub fn row_width(ui: &Ui, widths: &[f32]) -> f32 {
    widths.iter().sum::<f32>() + ui.spacing().item_spacing.x * widths.len().saturating_sub(1) as f32
}

/// Draws one row of keys, each `(key, width)` and [`TOUCH`] tall, centred.
fn key_row(ui: &mut Ui, keys: &[(Key, f32)], space: &str) -> Option<Key> {
    let mut pressed = None;
    let widths: Vec<f32> = keys.iter().map(|(_, width)| *width).collect();
    centered_row(ui, row_width(ui, &widths), |ui| {
        for (key, width) in keys {
            let label = match key {
                Key::Char(' ') => space.to_owned(),
                Key::Char(c) => c.to_string(),
                Key::Backspace => "←".to_owned(),
            };
            if ui
                .add(
                    Button::new(RichText::new(label).size(theme().text.heading))
                        .min_size(Vec2::new(*width, TOUCH)),
                )
                .clicked()
            {
                pressed = Some(*key);
            }
        }
    });
    pressed
}

/// `keys`, each `width` wide.
fn of_width(keys: &[Key], width: f32) -> Vec<(Key, f32)> {
    keys.iter().map(|key| (*key, width)).collect()
}

/// Width of a key on the ID keypad: wider than tall, an easy target for 18 taps in a row.
const ID_KEY: f32 = 120.0;

/// Digits and X for the ID number.
pub fn id_keypad(ui: &mut Ui) -> Option<Key> {
    let rows: [&[Key]; 4] = [
        &[Key::Char('1'), Key::Char('2'), Key::Char('3')],
        &[Key::Char('4'), Key::Char('5'), Key::Char('6')],
        &[Key::Char('7'), Key::Char('8'), Key::Char('9')],
        &[Key::Char('X'), Key::Char('0'), Key::Backspace],
    ];
    let mut pressed = None;
    for row in rows {
        pressed = key_row(ui, &of_width(row, ID_KEY), "").or(pressed);
    }
    pressed
}

/// Hex digits for a pending ticket's code.
pub fn code_keypad(ui: &mut Ui) -> Option<Key> {
    let rows: [&[Key]; 4] = [
        &[
            Key::Char('1'),
            Key::Char('2'),
            Key::Char('3'),
            Key::Char('A'),
            Key::Char('B'),
        ],
        &[
            Key::Char('4'),
            Key::Char('5'),
            Key::Char('6'),
            Key::Char('C'),
            Key::Char('D'),
        ],
        &[
            Key::Char('7'),
            Key::Char('8'),
            Key::Char('9'),
            Key::Char('E'),
            Key::Char('F'),
        ],
        &[Key::Char('0'), Key::Backspace],
    ];
    let mut pressed = None;
    for row in rows {
        pressed = key_row(ui, &of_width(row, TOUCH), "").or(pressed);
    }
    pressed
}

/// Digits for the operator's PIN.
pub fn pin_keypad(ui: &mut Ui) -> Option<Key> {
    let rows: [&[Key]; 4] = [
        &[Key::Char('1'), Key::Char('2'), Key::Char('3')],
        &[Key::Char('4'), Key::Char('5'), Key::Char('6')],
        &[Key::Char('7'), Key::Char('8'), Key::Char('9')],
        &[Key::Char('0'), Key::Backspace],
    ];
    let mut pressed = None;
    for row in rows {
        pressed = key_row(ui, &of_width(row, TOUCH), "").or(pressed);
    }
    pressed
}

/// What a letter keyboard has besides A to Z and ←.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letters<'a> {
    /// A search: letters only.
    Search,
    /// A name: the separator "·" (买买提·艾力) and a space key with this label (Latin names have
    /// spaces).
    Name {
        /// The space key's label.
        space: &'a str,
    },
}

/// Width of a letter key; wider keys ("·" is a letter key too) are multiples of it.
const LETTER_KEY: f32 = 80.0;

/// Height of [`letter_keyboard`]: three rows.
pub const KEYBOARD_HEIGHT: f32 = rows_height(3);

/// Height of [`id_keypad`]: four rows, with [`GAP`] between them as [`in_rect`] sets.
pub const KEYPAD_HEIGHT: f32 = rows_height(4);

/// The Latin letters, for names, pinyin and searches; its height is [`KEYBOARD_HEIGHT`] whatever
/// `letters` adds, so screens can place it at a fixed spot.
pub fn letter_keyboard(ui: &mut Ui, letters: Letters<'_>) -> Option<Key> {
    let letter = |c| (Key::Char(c), LETTER_KEY);
    let mut bottom: Vec<(Key, f32)> = "ZXCVBNM".chars().map(letter).collect();
    let mut space_label = "";
    if let Letters::Name { space } = letters {
        bottom.push(letter('·'));
        bottom.push((Key::Char(' '), 2.0 * LETTER_KEY));
        space_label = space;
    }
    bottom.push((Key::Backspace, 1.5 * LETTER_KEY));
    let rows = [
        "QWERTYUIOP".chars().map(letter).collect(),
        "ASDFGHJKL".chars().map(letter).collect(),
        bottom,
    ];
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing = Vec2::splat(GAP);
        let mut pressed = None;
        for row in &rows {
            pressed = key_row(ui, row, space_label).or(pressed);
        }
        pressed
    })
    .inner
}

/// A large input box for what the on-screen keyboard types. Tapping it makes it the active
/// field; the screen keeps which one is active.
#[derive(Debug, Clone, Copy)]
pub struct InputBox<'a> {
    /// What a screen reader (and a test) calls it, with the text: "身份证号: 1101…".
    pub label: &'a str,
    /// The text typed so far.
    pub text: &'a str,
    /// Pinyin typed but not yet turned into a character, shown after the text.
    pub composing: &'a str,
    /// Shown, dimmed, while nothing is typed.
    pub hint: &'a str,
    /// Small text at the right end, such as how many digits there are.
    pub note: &'a str,
    /// Whether the keyboard types here: a bold frame and a caret.
    pub active: bool,
    /// Width, in points; the height is [`TOUCH`].
    pub width: f32,
}

impl Widget for InputBox<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let Self {
            label,
            text,
            composing,
            hint,
            note,
            active,
            width,
        } = self;
        let (rect, response) = ui.allocate_exact_size(Vec2::new(width, TOUCH), Sense::click());
        response.widget_info(|| WidgetInfo {
            hint_text: Some(hint.to_owned()),
            ..WidgetInfo::labeled(egui::Role::TextInput, true, label)
        });
        if !ui.is_rect_visible(rect) {
            return response;
        }
        let visuals = ui.visuals();
        let accent = visuals.selection.stroke.color;
        let frame = if active {
            Stroke::new(4.0, accent)
        } else {
            Stroke::new(2.0, visuals.weak_text_color())
        };
        let painter = ui.painter();
        painter.rect(
            rect,
            8.0,
            visuals.extreme_bg_color,
            frame,
            StrokeKind::Inside,
        );
        let pad = 16.0;
        let font = FontId::proportional(theme().text.emphasis);
        let note_width = if note.is_empty() {
            0.0
        } else {
            let galley = painter.layout_no_wrap(
                note.to_owned(),
                FontId::proportional(theme().text.small),
                visuals.weak_text_color(),
            );
            let width = galley.size().x;
            let pos = egui::pos2(
                rect.max.x - pad - width,
                rect.center().y - galley.size().y / 2.0,
            );
            painter.galley(pos, galley, visuals.weak_text_color());
            width + pad
        };
        let mut job = LayoutJob::default();
        if text.is_empty() && composing.is_empty() {
            job.append(
                hint,
                0.0,
                TextFormat::simple(font.clone(), visuals.weak_text_color()),
            );
        } else {
            job.append(
                text,
                0.0,
                TextFormat::simple(font.clone(), visuals.strong_text_color()),
            );
            job.append(
                composing,
                0.0,
                TextFormat {
                    underline: Stroke::new(2.0, accent),
                    ..TextFormat::simple(font.clone(), accent)
                },
            );
        }
        let galley = painter.layout_job(job);
        let typed = if text.is_empty() && composing.is_empty() {
            0.0
        } else {
            galley.size().x
        };
        // A long name scrolls so its end, where the typing happens, stays in view.
        let room = rect.width() - 2.0 * pad - note_width;
        let x = rect.min.x + pad + (room - typed).min(0.0);
        let clip = painter.with_clip_rect(rect.shrink2(Vec2::new(pad / 2.0, 4.0)));
        let top = rect.center().y - galley.size().y / 2.0;
        // The hint stands clear of the caret.
        let hint_gap = if typed == 0.0 && active { 10.0 } else { 0.0 };
        clip.galley(egui::pos2(x + hint_gap, top), galley, visuals.text_color());
        if active {
            let caret = x + typed + 2.0;
            let half = font.size * 0.6;
            clip.vline(
                caret,
                (rect.center().y - half)..=(rect.center().y + half),
                Stroke::new(3.0, accent),
            );
        }
        response
    }
}
