//! Status at a glance: camera, printer (each status bit), center and outbox (as the courier
//! reports them), disk, version and uptime, then every problem in words an operator can act on. The
//! printer is asked on a worker thread (a serial status takes up to a second), every few seconds
//! while the screen is open.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use egui::{Grid, RichText, Ui};

use super::Context;
use crate::camera::CameraState;
use crate::i18n::Language;
use crate::ops::health::{self, Disk, Health, megabytes, problems};
use crate::receipt::PrintError;
use crate::receipt::serial::Status as PrinterStatus;
use crate::ui::theme::theme;

/// Seconds between two reads of the printer and the disk.
const EVERY_S: f64 = 3.0;

type PrinterAnswer = Option<Result<PrinterStatus, PrintError>>;

/// The printer's and the disk's latest readings.
#[derive(Debug, Default)]
pub struct StatusPoll {
    printer: Arc<Mutex<PrinterAnswer>>,
    asking: Arc<AtomicBool>,
    last: Option<f64>,
    disk: Option<Result<Disk, String>>,
}

impl StatusPoll {
    /// Reads again when due (egui time `now`).
    pub fn refresh(&mut self, ctx: &Context<'_>, now: f64) {
        if self.last.is_some_and(|t| now - t < EVERY_S) {
            return;
        }
        self.last = Some(now);
        self.disk = ctx
            .data_dir
            .map(|dir| health::disk(dir).map_err(|e| format!("{}: {e}", dir.display())));
        if self.asking.swap(true, Ordering::SeqCst) {
            return;
        }
        let printer = Arc::clone(ctx.printer);
        let slot = Arc::clone(&self.printer);
        let asking = Arc::clone(&self.asking);
        let repaint = ctx.egui.clone();
        let spawned = std::thread::Builder::new()
            .name("printer-status".into())
            .spawn(move || {
                let answer = printer.status();
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(answer);
                asking.store(false, Ordering::SeqCst);
                repaint.request_repaint();
            });
        if spawned.is_err() {
            self.asking.store(false, Ordering::SeqCst);
        }
    }

    /// Everything read, with the camera read now.
    pub fn health(&self, ctx: &Context<'_>) -> Health {
        Health {
            camera: ctx.camera.status(),
            printer: self
                .printer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            disk: self.disk.clone(),
            center: ctx.center_health.clone(),
            outbox_alarm_min: ctx.config.kiosk.center.outbox_alarm_min,
            photo_printer: ctx.photo_health.clone(),
        }
    }
}

/// The problems, in English (for the diagnostics bundle).
pub fn problems_en(health: &Health) -> Vec<String> {
    problems(health)
        .iter()
        .map(|p| p.text(Language::EN))
        .collect()
}

fn yes_no(ok: bool, good: &'static str, bad: &'static str) -> RichText {
    let colour = if ok {
        theme().colour.ok
    } else {
        theme().colour.problem
    };
    RichText::new(if ok { good } else { bad }).color(colour)
}

fn seconds(s: u64) -> String {
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Draws the status page.
pub fn ui(ui: &mut Ui, ctx: &Context<'_>, health: &Health) {
    let lang = ctx.lang;
    let problems = problems(health);
    ui.add_space(8.0);
    if problems.is_empty() {
        ui.label(
            RichText::new(lang.t("maintenance.status.all_good"))
                .size(theme().text.heading)
                .color(theme().colour.ok),
        );
    }
    for p in &problems {
        let text = p.text(lang);
        ui.label(
            RichText::new(text)
                .size(theme().text.lead)
                .color(theme().colour.problem),
        );
    }
    ui.add_space(12.0);
    Grid::new("maintenance-status")
        .num_columns(2)
        .spacing([24.0, 10.0])
        .show(ui, |ui| {
            camera_rows(ui, lang, health);
            printer_rows(ui, lang, &health.printer);
            if let Some(photo) = &health.photo_printer {
                photo_rows(ui, lang, photo);
            }
            center_rows(ui, lang, health);
            ui.label(lang.t("maintenance.status.disk_data_folder"));
            ui.label(match &health.disk {
                Some(Ok(d)) => format!("{} / {}", megabytes(d.free), megabytes(d.total)),
                Some(Err(why)) => why.clone(),
                None => "—".to_owned(),
            });
            ui.end_row();
            ui.label(lang.t("maintenance.status.version"));
            ui.label(format!("idbooth {}", env!("CARGO_PKG_VERSION")));
            ui.end_row();
            ui.label(lang.t("maintenance.status.uptime"));
            ui.label(seconds(ctx.uptime.as_secs()));
            ui.end_row();
        });
}

fn camera_rows(ui: &mut Ui, lang: Language, health: &Health) {
    let c = &health.camera;
    ui.label(lang.t("maintenance.status.camera"));
    let state = match &c.state {
        CameraState::Opening => lang.t("maintenance.status.opening"),
        CameraState::Running if c.resting => lang.t("maintenance.status.resting_nobody"),
        CameraState::Running => lang.t("maintenance.status.running"),
        CameraState::Stalled => lang.t("maintenance.status.stalled_reopening"),
        CameraState::Lost(_) => lang.t("maintenance.status.lost_reconnecting"),
    };
    let age = c
        .last_frame_age
        .map_or("—".to_owned(), |a| format!("{:.1} s", a.as_secs_f32()));
    ui.label(format!(
        "{} · {state} · {:.0} fps · {} {age} · {} {}",
        c.description,
        c.fps,
        lang.t("maintenance.status.last_frame"),
        lang.t("maintenance.status.reopens"),
        c.reopens
    ));
    ui.end_row();
}

fn printer_rows(ui: &mut Ui, lang: Language, printer: &Option<Result<PrinterStatus, PrintError>>) {
    ui.label(lang.t("maintenance.status.printer"));
    match printer {
        None => {
            ui.label(lang.t("maintenance.status.asking"));
        }
        Some(Err(error)) => {
            ui.label(RichText::new(error.to_string()).color(theme().colour.problem));
        }
        Some(Ok(s)) => {
            ui.horizontal(|ui| {
                ui.label(yes_no(
                    s.online,
                    lang.t("maintenance.status.online"),
                    lang.t("maintenance.status.offline"),
                ));
                ui.label(yes_no(
                    !s.paper_out,
                    if s.paper_near_end {
                        lang.t("maintenance.status.paper_low")
                    } else {
                        lang.t("maintenance.status.paper_ok")
                    },
                    lang.t("maintenance.status.paper_out"),
                ));
                ui.label(yes_no(
                    !s.cover_open,
                    lang.t("maintenance.status.cover_closed"),
                    lang.t("maintenance.status.cover_open"),
                ));
                ui.label(yes_no(
                    !s.cutter_error,
                    lang.t("maintenance.status.cutter_ok"),
                    lang.t("maintenance.status.cutter_error"),
                ));
                ui.label(yes_no(
                    !s.unrecoverable,
                    lang.t("maintenance.status.no_fatal_error"),
                    lang.t("maintenance.status.fatal_error"),
                ));
            });
        }
    }
    ui.end_row();
}

fn center_rows(ui: &mut Ui, lang: Language, health: &Health) {
    ui.label(lang.t("maintenance.status.center"));
    match &health.center {
        // The courier reports here; until its first health check, nothing is known.
        None => {
            ui.label("—");
        }
        Some(c) => {
            let token = match c.token_accepted {
                Some(true) => lang.t("maintenance.status.token_accepted"),
                Some(false) => lang.t("maintenance.status.token_refused"),
                None => "—",
            };
            let latency = c.latency_ms.map_or("—".to_owned(), |ms| format!("{ms} ms"));
            ui.horizontal(|ui| {
                ui.label(yes_no(
                    c.reachable,
                    lang.t("maintenance.status.reachable"),
                    lang.t("maintenance.status.not_reachable"),
                ));
                ui.label(format!("{latency} · {token}"));
            });
        }
    }
    ui.end_row();
    ui.label(lang.t("maintenance.status.outbox"));
    ui.label(match &health.center {
        None => "—".to_owned(),
        Some(c) => match c.oldest_s {
            Some(s) => format!(
                "{} · {} {}",
                c.outbox_depth,
                lang.t("maintenance.status.oldest"),
                seconds(s)
            ),
            None => c.outbox_depth.to_string(),
        },
    });
    ui.end_row();
}

/// The photo printer (#18): its state, the reasons it gives, each supply's level, the sheets
/// waiting.
fn photo_rows(ui: &mut Ui, lang: Language, photo: &crate::ops::health::PhotoHealth) {
    use crate::photoprint::State;
    ui.label(lang.t("maintenance.status.photo_printer"));
    match &photo.status {
        Err(error) => {
            ui.label(RichText::new(error.to_string()).color(theme().colour.problem));
        }
        Ok(s) => {
            let state = match s.state {
                State::Idle => lang.t("maintenance.status.photo_idle"),
                State::Processing => lang.t("maintenance.status.photo_processing"),
                State::Stopped => lang.t("maintenance.status.photo_stopped"),
            };
            let mut parts = vec![state.to_owned()];
            parts.extend(s.reasons.iter().cloned());
            parts.extend(s.markers.iter().map(|m| match m.level {
                Some(level) => format!("{} {level} %", m.name),
                None => format!("{} ?", m.name),
            }));
            parts.push(format!(
                "{} {}",
                lang.t("maintenance.status.photo_waiting_sheets"),
                photo.waiting
            ));
            ui.label(
                RichText::new(parts.join(" · ")).color(if s.problems().is_empty() {
                    theme().colour.ok
                } else {
                    theme().colour.problem
                }),
            );
        }
    }
    ui.end_row();
}
