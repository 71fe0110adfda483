//! The operator's maintenance screen, behind a hidden gesture and the PIN: status at a glance,
//! counters and events, a calibration view, and actions. It closes by itself after
//! `[operator] idle_s` without a touch.
//!
//! The booth (`app.rs`) hands it a [`Context`] every frame and applies the [`Command`]s it gives
//! back; what must outlast a restart lives in `ops` (`ops.sqlite`).
//!
//! An applicant session running when the operator gets in is ended, wiped, once the PIN is
//! accepted (not before: a curious applicant who finds the keypad loses nothing by cancelling).

mod actions;
mod calibration;
pub mod camera_switch;
mod entry;
mod pin;
mod preview;
mod records;
mod status;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use egui::{RichText, Ui};

pub use entry::{CORNER, HOLD_S};
pub use records::record;

use crate::camera::Camera;
use crate::i18n::{Language, Message};
use crate::ops::health::CenterHealth;
use crate::ops::{Config, OpsStore};
use crate::receipt::Printer;
use crate::ui::theme::theme;

/// What the maintenance screen reads, lent by the booth for one frame.
pub struct Context<'a> {
    /// egui, for repaints from worker threads.
    pub egui: &'a egui::Context,
    /// Configuration.
    pub config: &'a Config,
    /// The camera.
    pub camera: &'a Arc<Camera>,
    /// The printer.
    pub printer: &'a Arc<dyn Printer>,
    /// The way to the center (its outbox).
    pub center: &'a Arc<dyn crate::center::Center>,
    /// Counters, events, settings.
    pub store: &'a OpsStore,
    /// The center and the outbox, as last seen.
    pub center_health: Option<CenterHealth>,
    /// The photo printer, when the booth has one.
    pub photo_printer: Option<&'a Arc<dyn crate::photoprint::PhotoPrinter>>,
    /// The photo printer, as last asked.
    pub photo_health: Option<crate::ops::health::PhotoHealth>,
    /// Time since the booth started.
    pub uptime: Duration,
    /// The operator's language (the booth's default).
    pub lang: Language,
    /// The data folder, when the booth has one.
    pub data_dir: Option<&'a Path>,
}

/// What the booth must do for the maintenance screen.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The PIN was accepted: end any applicant session, wiped.
    Opened,
    /// The operator left (or the screen timed out): back to the attract screen.
    Left,
    /// New sessions start in this language (already stored).
    DefaultLanguage(Language),
    /// Exit so that systemd starts the booth again.
    Restart,
}

/// The pages of the open screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Status at a glance.
    Status,
    /// Counters and events.
    Records,
    /// Live preview with the assessment drawn.
    Calibration,
    /// Test print, camera, language, diagnostics, restart.
    Actions,
    /// The receipt as the printer would print it.
    Receipt,
}

impl Page {
    const ALL: [Page; 5] = [
        Page::Status,
        Page::Records,
        Page::Calibration,
        Page::Actions,
        Page::Receipt,
    ];

    fn name(self, lang: Language) -> &'static str {
        match self {
            Page::Status => lang.t("maintenance.tab_status"),
            Page::Records => lang.t("maintenance.counters_events"),
            Page::Calibration => lang.t("maintenance.tab_calibration"),
            Page::Actions => lang.t("maintenance.tab_actions"),
            Page::Receipt => lang.t("maintenance.receipt_preview"),
        }
    }
}

#[derive(Debug, Default)]
enum Mode {
    #[default]
    Closed,
    Pin(pin::PinPad),
    Open(Page),
}

/// The maintenance screen and what it keeps between frames.
#[derive(Default)]
pub struct Maintenance {
    mode: Mode,
    entry: entry::HiddenEntry,
    last_input: f64,
    poll: status::StatusPoll,
    actions: actions::Actions,
    calibration: Option<calibration::Calibration>,
    preview: preview::Preview,
}

impl std::fmt::Debug for Maintenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Maintenance")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Maintenance {
    /// Whether the keypad or the screen is shown (instead of the applicant's screens).
    pub fn shown(&self) -> bool {
        !matches!(self.mode, Mode::Closed)
    }

    /// The open page, once past the PIN.
    pub fn page(&self) -> Option<Page> {
        match self.mode {
            Mode::Open(page) => Some(page),
            _ => None,
        }
    }

    fn close(&mut self) {
        self.mode = Mode::Closed;
        self.calibration = None;
        self.actions = actions::Actions::default();
        self.preview = preview::Preview::default();
    }

    /// Per-frame work: the hidden gesture, the PIN check's answer, the inactivity timeout, the
    /// status refresh. No drawing.
    pub fn logic(&mut self, ctx: &Context<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let (asked, touched, now) = ctx.egui.input(|i| {
            let touched = i.pointer.any_pressed()
                || i.pointer.any_down()
                || i.events.iter().any(|e| {
                    matches!(
                        e,
                        egui::Event::Key { .. } | egui::Event::Touch { .. } | egui::Event::Text(_)
                    )
                });
            (self.entry.asked(i), touched, i.time)
        });
        if asked && !self.shown() {
            self.mode = Mode::Pin(pin::PinPad::default());
            self.last_input = now;
        }
        if !self.shown() {
            return commands;
        }
        if touched {
            self.last_input = now;
        }
        let idle = ctx.config.kiosk.operator.idle_s as f64;
        let busy = matches!(&self.mode, Mode::Pin(p) if p.checking());
        if !busy && now - self.last_input >= idle {
            let opened = self.page().is_some();
            self.close();
            if opened {
                log(
                    ctx.store,
                    &Message::new("event.maintenance_idle").with("s", format!("{idle:.0}")),
                );
                commands.push(Command::Left);
            }
            return commands;
        }
        match &mut self.mode {
            Mode::Pin(pad) => {
                if pad.logic(ctx) == Some(pin::Outcome::Accepted) {
                    self.mode = Mode::Open(Page::Status);
                    self.last_input = now;
                    commands.push(Command::Opened);
                }
            }
            Mode::Open(page) => {
                self.poll.refresh(ctx, now);
                match page {
                    Page::Calibration => {
                        self.calibration
                            .get_or_insert_with(|| calibration::Calibration::start(ctx))
                            .logic(ctx.egui);
                    }
                    _ => self.calibration = None,
                }
                self.actions.logic();
            }
            Mode::Closed => {}
        }
        // The uptime and lockout countdowns move every second.
        ctx.egui.request_repaint_after(Duration::from_millis(500));
        commands
    }

    /// Draws the keypad or the open screen.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &Context<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let lang = ctx.lang;
        match &mut self.mode {
            Mode::Closed => {}
            Mode::Pin(pad) => {
                if pad.ui(ui, ctx) == Some(pin::Outcome::Cancelled) {
                    self.close();
                }
            }
            Mode::Open(page) => {
                // Readable at arm's length on the booth's screen.
                for (style, size) in [
                    (egui::TextStyle::Body, theme().text.operator),
                    (egui::TextStyle::Button, theme().text.small),
                ] {
                    if let Some(font) = ui.style_mut().text_styles.get_mut(&style) {
                        font.size = size;
                    }
                }

                let mut leave = false;
                // The title centred on the tabs' line, not hung from the screen's top edge.
                let bar = egui::vec2(ui.available_width(), crate::ui::widgets::TOUCH);
                let row = egui::Layout::left_to_right(egui::Align::Center);
                ui.allocate_ui_with_layout(bar, row, |ui| {
                    // The tabs and Leave a finger's size, as on the applicant's screens.
                    finger_sized(ui);
                    ui.label(
                        RichText::new(lang.t("maintenance.maintenance"))
                            .size(theme().text.emphasis)
                            .strong(),
                    );
                    ui.add_space(24.0);
                    for p in Page::ALL {
                        let text = RichText::new(p.name(lang)).size(theme().text.body);
                        if ui.selectable_label(*page == p, text).clicked() {
                            *page = p;
                        }
                    }
                    ui.add_space(24.0);
                    if ui
                        .button(RichText::new(lang.t("maintenance.leave")).size(theme().text.body))
                        .clicked()
                    {
                        leave = true;
                    }
                });
                ui.separator();
                match *page {
                    Page::Status => status::ui(ui, ctx, &self.poll.health(ctx)),
                    Page::Records => records::ui(ui, ctx),
                    Page::Calibration => match &self.calibration {
                        Some(c) => c.ui(ui, ctx),
                        None => {
                            ui.label(lang.t("maintenance.opening"));
                        }
                    },
                    Page::Receipt => self.preview.ui(ui, ctx),
                    Page::Actions => {
                        finger_sized(ui);
                        let problems = status::problems_en(&self.poll.health(ctx));
                        commands.extend(self.actions.ui(ui, ctx, problems));
                    }
                }
                if leave {
                    log(ctx.store, &Message::new("event.maintenance_left"));
                    self.close();
                    commands.push(Command::Left);
                }
            }
        }
        commands
    }
}

/// Buttons in `ui` at least [`TOUCH`](crate::ui::widgets::TOUCH) tall, with room round their
/// text: an operator taps them on the booth's touchscreen.
fn finger_sized(ui: &mut Ui) {
    ui.spacing_mut().interact_size.y = crate::ui::widgets::TOUCH;
    ui.spacing_mut().button_padding = egui::vec2(16.0, 8.0);
}

fn log(store: &OpsStore, message: &Message) {
    tracing::info!(event = %message.key, "operator");
    if let Err(error) = store.note("operator", message) {
        tracing::warn!(%error, "event not logged");
    }
}
