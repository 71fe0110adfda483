//! The PIN keypad in front of the maintenance screen: digits shown masked, checked against the
//! argon2id hash on a worker thread (a check takes a good fraction of a second), with the
//! growing lockout after five wrong PINs. Every attempt goes to the event log, never a digit.

use std::sync::mpsc::{Receiver, channel};

use egui::{RichText, Ui};

use super::Context;
use crate::i18n::Message;
use crate::ops::OpsStore;
use crate::ops::lockout::{FREE_TRIES, Gate, Lockout};
use crate::ops::pin::{MAX_PIN_DIGITS, verify_pin};

use crate::ui::theme::theme;
use crate::ui::widgets::{
    Key, big_button, centered_row, pin_keypad, primary_button, row_width, title,
};

/// What the keypad decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The PIN was right.
    Accepted,
    /// The operator gave up.
    Cancelled,
}

/// What the operator last read under the dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    Wrong { left: u32 },
    Locked,
}

/// The keypad.
#[derive(Debug, Default)]
pub struct PinPad {
    digits: String,
    checking: Option<Receiver<bool>>,
    note: Option<Note>,
}

/// A key of an operator's keyboard: digits, Backspace (Enter submits, see `ui`).
fn keyboard(ui: &Ui) -> Option<Key> {
    ui.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Text(t) => t.chars().find(char::is_ascii_digit).map(Key::Char),
            egui::Event::Key {
                key: egui::Key::Backspace,
                pressed: true,
                ..
            } => Some(Key::Backspace),
            _ => None,
        })
    })
}

/// The wall clock, in Unix seconds: the lockout must outlast a restart.
fn wall_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn save(store: &OpsStore, l: &Lockout) {
    if let Err(error) = store.keep_lockout(*l) {
        tracing::warn!(%error, "pin lockout not stored; kept for this run");
    }
}

fn log(store: &OpsStore, message: &Message) {
    tracing::info!(event = %message.key, "operator pin");
    if let Err(error) = store.note("pin", message) {
        tracing::warn!(%error, "event not logged");
    }
}

impl PinPad {
    /// Whether a check is running.
    pub fn checking(&self) -> bool {
        self.checking.is_some()
    }

    /// Takes the worker's answer, if it came.
    pub fn logic(&mut self, ctx: &Context<'_>) -> Option<Outcome> {
        let answer = self.checking.as_ref()?.try_recv().ok()?;
        self.checking = None;
        self.digits.clear();
        let mut l = ctx.store.lockout();
        if answer {
            l.right();
            save(ctx.store, &l);
            log(ctx.store, &Message::new("event.pin_accepted"));
            return Some(Outcome::Accepted);
        }
        match l.wrong(wall_now()) {
            Some(seconds) => {
                log(
                    ctx.store,
                    &Message::new("event.pin_wrong_locked")
                        .with("n", l.failures)
                        .with("s", seconds),
                );
                self.note = Some(Note::Locked);
            }
            None => {
                log(
                    ctx.store,
                    &Message::new("event.pin_wrong").with("n", l.failures),
                );
                self.note = Some(Note::Wrong {
                    left: FREE_TRIES - l.failures,
                });
            }
        }
        save(ctx.store, &l);
        None
    }

    fn submit(&mut self, ctx: &Context<'_>) {
        self.note = None;
        if let Gate::Locked(left) = ctx.store.lockout().gate(wall_now()) {
            log(
                ctx.store,
                &Message::new("event.pin_refused").with("left", left),
            );
            self.digits.clear();
            self.note = Some(Note::Locked);
            return;
        }
        let (tx, rx) = channel();
        let pin = std::mem::take(&mut self.digits);
        let hash = ctx.config.kiosk.operator.pin_hash.clone();
        let repaint = ctx.egui.clone();
        let spawned = std::thread::Builder::new()
            .name("pin-check".into())
            .spawn(move || {
                let _ = tx.send(verify_pin(&pin, &hash));
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.checking = Some(rx),
            Err(error) => tracing::error!(%error, "pin: cannot start the check"),
        }
    }

    /// Draws the keypad.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &Context<'_>) -> Option<Outcome> {
        let lang = ctx.lang;
        let gate = ctx.store.lockout().gate(wall_now());
        let mut outcome = None;
        ui.vertical_centered(|ui| {
            title(ui, lang.t("maintenance.pin.maintenance_enter_pin"));
            let dots = if self.digits.is_empty() {
                " ".to_owned()
            } else {
                "●".repeat(self.digits.chars().count())
            };
            ui.label(RichText::new(dots).size(theme().text.code));
            let note = match (gate, self.note) {
                (Gate::Locked(left), _) => lang.fill("maintenance.pin.locked", &[("left", &left)]),
                (Gate::Open, Some(Note::Wrong { left })) => {
                    lang.fill("maintenance.pin.wrong", &[("left", &left)])
                }
                (Gate::Open, Some(Note::Locked)) => {
                    lang.t("maintenance.pin.wrong_pin_try_again").to_owned()
                }
                (Gate::Open, None) if self.checking() => {
                    lang.t("maintenance.pin.checking").to_owned()
                }
                (Gate::Open, None) => " ".to_owned(),
            };
            ui.label(RichText::new(note).size(theme().text.body));
            ui.add_space(12.0);
            // Locked: the keypad is greyed and takes nothing until the time is over.
            let locked = matches!(gate, Gate::Locked(_));
            let open = !self.checking() && !locked;
            if locked {
                self.digits.clear();
            }
            let typed = if open { keyboard(ui) } else { None };
            ui.add_enabled_ui(open, |ui| match pin_keypad(ui).or(typed) {
                Some(Key::Char(c)) if self.digits.len() < MAX_PIN_DIGITS => {
                    self.digits.push(c);
                    self.note = None;
                }
                Some(Key::Backspace) => {
                    self.digits.pop();
                }
                _ => {}
            });
            ui.add_space(12.0);
            let enter =
                open && !self.digits.is_empty() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if enter {
                self.submit(ctx);
            }
            centered_row(ui, row_width(ui, &[220.0, 220.0]), |ui| {
                if big_button(ui, lang.t("common.cancel"), 220.0) {
                    outcome = Some(Outcome::Cancelled);
                }
                let ready = open && !self.digits.is_empty();
                if ui
                    .add_enabled_ui(ready, |ui| {
                        primary_button(ui, lang.t("maintenance.pin.ok"), 220.0)
                    })
                    .inner
                {
                    self.submit(ctx);
                }
            });
        });
        outcome
    }
}
