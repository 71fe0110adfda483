//! Touch-sized widgets: big buttons, the ID keypad and the name keyboard with pinyin candidates.

use egui::{Button, RichText, Ui, Vec2};

/// Height of a touch target, in points.
pub const TOUCH: f32 = 72.0;

/// A big button with `text`; true when tapped.
pub fn big_button(ui: &mut Ui, text: &str, width: f32) -> bool {
    ui.add(Button::new(RichText::new(text).size(30.0)).min_size(Vec2::new(width, TOUCH)))
        .clicked()
}

/// A heading for a screen.
pub fn title(ui: &mut Ui, text: &str) {
    ui.add_space(24.0);
    ui.label(RichText::new(text).size(44.0).strong());
    ui.add_space(16.0);
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

fn key_row(ui: &mut Ui, keys: &[Key], size: f32, space: &str) -> Option<Key> {
    let mut pressed = None;
    let width = row_width(ui, &vec![size; keys.len()]);
    centered_row(ui, width, |ui| {
        for key in keys {
            let label = match key {
                Key::Char(' ') => space.to_owned(),
                Key::Char(c) => c.to_string(),
                Key::Backspace => "←".to_owned(),
            };
            if ui
                .add(Button::new(RichText::new(label).size(30.0)).min_size(Vec2::splat(size)))
                .clicked()
            {
                pressed = Some(*key);
            }
        }
    });
    pressed
}

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
        pressed = key_row(ui, row, TOUCH, "").or(pressed);
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
        pressed = key_row(ui, row, TOUCH, "").or(pressed);
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
        pressed = key_row(ui, row, TOUCH, "").or(pressed);
    }
    pressed
}

/// Latin letters and the name separator, for names, pinyin and searches; a space key when
/// `space` names it (Latin names have spaces, searches do not).
pub fn letter_keyboard(ui: &mut Ui, space: Option<&str>) -> Option<Key> {
    let rows = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM·"];
    let mut pressed = None;
    for (i, row) in rows.iter().enumerate() {
        let mut keys: Vec<Key> = row.chars().map(Key::Char).collect();
        if i == 2 {
            if space.is_some() {
                keys.push(Key::Char(' '));
            }
            keys.push(Key::Backspace);
        }
        pressed = key_row(ui, &keys, 60.0, space.unwrap_or_default()).or(pressed);
    }
    pressed
}
