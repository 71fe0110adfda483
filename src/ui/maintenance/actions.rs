//! What an operator can do from the screen: a test print through the printer, reopen or switch
//! the camera, the default language of new sessions, a diagnostics bundle on a USB stick, and a
//! restart of the app (systemd's `Restart=always` brings it back), reprinting a receipt the
//! printer's queue still holds, chosen one by one, and sending the outbox again now.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};

use super::camera_switch::CameraSwitch;
use super::{Command, Context, log};
use crate::i18n::{Language, Message};
use crate::ops::diagnostics;
use crate::receipt::{PrintError, Printer, Receipt};
use crate::ui::theme::theme;

/// How many waiting receipts are listed, oldest first.
const MAX_LISTED: usize = 6;

type Answer = Arc<Mutex<Option<Result<(), String>>>>;

/// The actions page's state.
#[derive(Debug, Default)]
pub struct Actions {
    camera: CameraSwitch,
    message: Option<String>,
    printing: Option<Answer>,
    /// What the running printer job's success is called.
    done: &'static str,
}

/// The removable drives mounted under `roots` (`ROOT/USER/LABEL`), by name.
pub fn drives(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in roots {
        let Ok(users) = std::fs::read_dir(root) else {
            continue;
        };
        for user in users.filter_map(Result::ok) {
            let Ok(mounts) = std::fs::read_dir(user.path()) else {
                continue;
            };
            found.extend(
                mounts
                    .filter_map(Result::ok)
                    .map(|m| m.path())
                    .filter(|p| p.is_dir()),
            );
        }
    }
    found.sort();
    found
}

/// A receipt that says it is a test, with the kiosk's id and the time.
pub(super) fn test_receipt(kiosk: &str) -> Receipt {
    Receipt {
        receipt_no: "TEST0000".into(),
        image_no: None,
        document: format!(
            "{} / {}",
            Language::BASE.t("receipt.test_print"),
            Language::EN.t("receipt.test_print")
        ),
        city: "—".into(),
        name: "—".into(),
        id_number: "—".into(),
        taken_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        valid_until: None,
        kiosk_id: kiosk.to_owned(),
        thumbnail: None,
        document_id: String::new(),
        city_code: String::new(),
        layout: crate::receipt::layout::Layout::default(),
        lang: Language::BASE,
    }
}

impl Actions {
    /// Takes the test print's answer.
    pub fn logic(&mut self) {
        let Some(answer) = &self.printing else { return };
        let Some(result) = answer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        else {
            return;
        };
        self.printing = None;
        self.message = Some(match result {
            Ok(()) => format!("✔ {}", self.done),
            Err(error) => format!("✘ {error}"),
        });
    }

    /// A test receipt straight to the printer: never queued, and nothing waiting goes with it.
    fn test_print(&mut self, ctx: &Context<'_>) {
        let receipt = test_receipt(&ctx.config.kiosk.kiosk.id);
        self.done = ctx.lang.t("maintenance.actions.test_print_done");
        self.on_printer(ctx, "event.test_print_sent", move |printer| {
            printer.test_print(&receipt)
        });
    }

    /// Prints the one waiting job `job` the operator chose.
    fn reprint(&mut self, ctx: &Context<'_>, job: String) {
        self.done = ctx.lang.t("maintenance.actions.reprint_done");
        self.on_printer(ctx, "event.reprint_sent", move |printer| {
            printer.reprint(&job)
        });
    }

    /// Sends the waiting photo sheet `job` the operator chose to the photo printer.
    fn reprint_photo(&mut self, ctx: &Context<'_>, job: String) {
        let Some(printer) = ctx.photo_printer.map(Arc::clone) else {
            return;
        };
        self.done = ctx.lang.t("maintenance.actions.photo_sent");
        self.on_worker(ctx, "event.photo_reprint_sent", move || {
            printer.reprint(&job).map_err(|e| e.to_string())
        });
    }

    /// Runs `job` on the printer from a worker thread; its answer shows when it comes.
    fn on_printer(
        &mut self,
        ctx: &Context<'_>,
        event: &'static str,
        job: impl FnOnce(&dyn Printer) -> Result<(), PrintError> + Send + 'static,
    ) {
        let printer = Arc::clone(ctx.printer);
        self.on_worker(ctx, event, move || {
            job(printer.as_ref()).map_err(|e| e.to_string())
        });
    }

    /// Runs `job` on a worker thread; its answer shows when it comes.
    fn on_worker(
        &mut self,
        ctx: &Context<'_>,
        event: &'static str,
        job: impl FnOnce() -> Result<(), String> + Send + 'static,
    ) {
        let answer: Answer = Arc::default();
        let slot = Arc::clone(&answer);
        let repaint = ctx.egui.clone();
        if std::thread::Builder::new()
            .name("operator-print".into())
            .spawn(move || {
                let result = job();
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
                repaint.request_repaint();
            })
            .is_ok()
        {
            log(ctx.store, &Message::new(event));
            self.printing = Some(answer);
        }
    }

    fn export(&mut self, ctx: &Context<'_>, problems: Vec<String>, dir: &std::path::Path) {
        let result = diagnostics::gather(ctx.config, ctx.store, ctx.uptime.as_secs(), problems)
            .and_then(|bundle| diagnostics::write(&bundle, dir));
        self.message = Some(match result {
            Ok(path) => {
                log(ctx.store, &Message::new("event.diagnostics_exported"));
                format!("✔ {}", path.display())
            }
            Err(error) => {
                tracing::warn!(%error, "diagnostics not exported");
                format!("✘ {error}")
            }
        });
    }

    /// Draws the page.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &Context<'_>, problems: Vec<String>) -> Vec<Command> {
        let lang = ctx.lang;
        let mut commands = Vec::new();
        let big = |text: &str| RichText::new(text).size(theme().text.body);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let idle = self.printing.is_none();
            if ui
                .add_enabled(
                    idle,
                    egui::Button::new(big(lang.t("maintenance.actions.test_print"))),
                )
                .clicked()
            {
                self.test_print(ctx);
            }
            if ui
                .button(big(lang.t("maintenance.actions.reopen_camera")))
                .clicked()
            {
                ctx.camera.reopen();
                log(ctx.store, &Message::new("event.camera_reopen"));
                self.message = Some(lang.t("maintenance.actions.camera_reopening").to_owned());
            }
        });
        if let Some(message) = self.camera.ui(ui, ctx) {
            self.message = Some(message);
        }
        ui.add_space(8.0);
        // Waiting receipts print only when chosen here (or by their own applicant): never by
        // themselves for whoever stands at the booth.
        let queued = ctx.printer.queued_jobs();
        ui.label(big(&format!(
            "{} ({})",
            lang.t("maintenance.actions.receipts_waiting"),
            queued.len()
        )));
        for job in queued.iter().take(MAX_LISTED) {
            if ui
                .add_enabled(
                    self.printing.is_none(),
                    egui::Button::new(big(&format!(
                        "{} {job}",
                        lang.t("maintenance.actions.reprint")
                    ))),
                )
                .clicked()
            {
                self.reprint(ctx, job.clone());
            }
        }
        if queued.len() > MAX_LISTED {
            ui.label(big(&format!("… +{}", queued.len() - MAX_LISTED)));
        }
        // Photo sheets the photo printer did not take (#18), likewise only when chosen.
        if let Some(photo) = ctx.photo_printer {
            let sheets = photo.queued_jobs();
            ui.label(big(&format!(
                "{} ({})",
                lang.t("maintenance.actions.photos_waiting"),
                sheets.len()
            )));
            for job in sheets.iter().take(MAX_LISTED) {
                let button = egui::Button::new(big(&format!(
                    "{} {job}",
                    lang.t("maintenance.actions.reprint_photo")
                )));
                if ui.add_enabled(self.printing.is_none(), button).clicked() {
                    self.reprint_photo(ctx, job.clone());
                }
            }
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let waiting = ctx.center_health.as_ref().map_or(0, |c| c.outbox_depth);
            if ui
                .button(big(&format!(
                    "{} ({waiting})",
                    lang.t("maintenance.actions.retry_outbox")
                )))
                .clicked()
            {
                let n = ctx.center.retry_now();
                log(ctx.store, &Message::new("event.outbox_retry").with("n", n));
                self.message = Some(lang.fill("maintenance.actions.sent_again", &[("n", &n)]));
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.label(big(lang.t("maintenance.actions.language_new_sessions")));
            for l in Language::all() {
                let name = l.name();
                if ui.selectable_label(ctx.lang == l, big(name)).clicked() && ctx.lang != l {
                    match ctx.store.set_default_language(l) {
                        Ok(()) => {
                            log(
                                ctx.store,
                                &Message::new("event.default_language").with("name", name),
                            );
                            commands.push(Command::DefaultLanguage(l));
                        }
                        Err(error) => self.message = Some(format!("✘ {error}")),
                    }
                }
            }
        });
        ui.add_space(8.0);
        // Where to: each USB drive plugged in, and the data folder; one tap exports, no typing.
        let mut places: Vec<(String, PathBuf)> = drives(&ctx.config.kiosk.operator.export_roots)
            .into_iter()
            .map(|p| {
                let name = p
                    .file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
                (format!("USB {name}"), p)
            })
            .collect();
        if let Some(data) = ctx.data_dir {
            places.push((
                lang.t("maintenance.actions.data_folder").to_owned(),
                data.to_path_buf(),
            ));
        }
        let mut chosen = None;
        ui.horizontal(|ui| {
            ui.label(big(lang.t("maintenance.actions.export_to")));
            for (name, dir) in &places {
                if ui.button(big(name)).clicked() {
                    chosen = Some(dir.clone());
                }
            }
        });
        if let Some(dir) = chosen {
            self.export(ctx, problems, &dir);
        }
        ui.add_space(8.0);
        if ui
            .button(big(lang.t("maintenance.actions.restart_app")))
            .clicked()
        {
            log(ctx.store, &Message::new("event.restart"));
            commands.push(Command::Restart);
        }
        if let Some(message) = &self.message {
            ui.add_space(12.0);
            ui.label(big(message));
        }
        commands
    }
}
