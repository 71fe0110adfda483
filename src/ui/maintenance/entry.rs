//! The hidden way in, from any applicant screen: a long press (three seconds or more) on the
//! top-left corner of the screen, or Ctrl+Alt+M on a keyboard. Nothing on screen shows it.

use egui::{InputState, Key, Pos2};

/// Side of the corner square that takes the long press, in points.
pub const CORNER: f32 = 90.0;
/// How long the corner must be held, in seconds.
pub const HOLD_S: f64 = 3.0;

/// Watches the input for the hidden gesture.
#[derive(Debug, Default)]
pub struct HiddenEntry {
    /// Start time of the press that already opened the keypad (one opening per press).
    used_press: Option<f64>,
}

fn in_corner(p: Pos2) -> bool {
    p.x <= CORNER && p.y <= CORNER
}

impl HiddenEntry {
    /// Whether this frame's input asks for the maintenance screen.
    pub fn asked(&mut self, i: &InputState) -> bool {
        let combo = i.events.iter().any(|e| {
            matches!(e, egui::Event::Key { key: Key::M, pressed: true, modifiers, .. }
                if modifiers.ctrl && modifiers.alt)
        });
        if combo {
            return true;
        }
        let pointer = &i.pointer;
        let (Some(origin), Some(start)) = (pointer.press_origin(), pointer.press_start_time())
        else {
            self.used_press = None;
            return false;
        };
        // A finger that slid out of the corner is not the gesture.
        let still_there = pointer.latest_pos().is_none_or(in_corner);
        if pointer.any_down()
            && in_corner(origin)
            && still_there
            && i.time - start >= HOLD_S
            && self.used_press != Some(start)
        {
            self.used_press = Some(start);
            return true;
        }
        false
    }
}
