//! The screens where the booth speaks and the applicant waits or reads: processing, uploading,
//! rejected (with reasons and a free retake), pending (with the ticket), printing, printer
//! trouble, done.

use egui::{RichText, Ui};

use super::text::upload_wait;
use super::widgets::{big_button, centered_row, primary_button, row_width, title};
use super::{Action, View};
use crate::session::Event;
use crate::spec::Reason;
use crate::ui::theme::theme;

/// What the status screen shows.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// The shot is being prepared.
    Processing,
    /// Waiting for the center.
    Uploading,
    /// Refused, with reasons, and whether a retake is left.
    Rejected(&'a [Reason], bool),
    /// Not decided in time; the ticket carries this id.
    Pending(&'a str),
    /// The receipt is printing.
    Printing,
    /// The printer failed: the receipt number to note, and the code to check with later.
    PrintFailed {
        /// The receipt number.
        receipt_no: &'a str,
        /// The submission's check code ("查询提交").
        code: &'a str,
    },
    /// Finished with this receipt number; `true` when the printed photo is held by the photo
    /// printer (the staff hand it out).
    Done(&'a str, bool),
}

/// The status screen (stateless).
#[derive(Debug, Default)]
pub struct StatusScreen;

impl StatusScreen {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>, status: Status<'_>) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| match status {
            Status::Processing => {
                title(ui, lang.t("status.preparing_photo"));
                ui.add(egui::Spinner::new().size(theme().text.spinner));
            }
            Status::Uploading => {
                title(ui, lang.t("status.sending_photo_center"));
                ui.add(egui::Spinner::new().size(theme().text.spinner));
                // Time waited against the wait budget: honest, the upload's own progress is
                // not known.
                let budget = view.config.kiosk.center.wait_budget_s.max(1);
                let waited = view.waited_s.min(budget);
                ui.add_space(24.0);
                ui.add(
                    egui::ProgressBar::new(waited as f32 / budget as f32)
                        .desired_width(600.0)
                        .desired_height(24.0),
                );
                ui.label(RichText::new(upload_wait(lang, waited, budget)).size(theme().text.body));
            }
            Status::Rejected(reasons, retake) => {
                title(ui, lang.t("status.photo_was_not_accepted"));
                for r in reasons {
                    ui.label(
                        RichText::new(r.message(lang))
                            .size(theme().text.heading)
                            .color(theme().colour.refused),
                    );
                }
                ui.add_space(24.0);
                if retake {
                    ui.label(RichText::new(lang.t("status.retaking_free")).size(theme().text.lead));
                    ui.add_space(16.0);
                    centered_row(ui, row_width(ui, &[200.0, 240.0]), |ui| {
                        if big_button(ui, lang.t("common.finish"), 200.0) {
                            action = Some(Action::Session(Event::Cancelled));
                        }
                        if primary_button(ui, lang.t("common.retake"), 240.0) {
                            action = Some(Action::Session(Event::Retake));
                        }
                    });
                } else {
                    ui.label(
                        RichText::new(lang.t("review.retake_limit"))
                            .size(theme().text.heading)
                            .strong(),
                    );
                    ui.add_space(16.0);
                    if primary_button(ui, lang.t("common.finish"), 240.0) {
                        action = Some(Action::Session(Event::Cancelled));
                    }
                }
            }
            Status::Pending(id) => {
                title(ui, lang.t("status.submitted_waiting_review"));
                ui.label(
                    RichText::new(lang.t("status.keep_ticket_once_approved"))
                        .size(theme().text.body),
                );
                ui.add_space(24.0);
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        lang.t("status.code"),
                        crate::receipt::ticket_code(id)
                    ))
                    .size(theme().text.code)
                    .monospace(),
                );
                ui.add_space(24.0);
                if primary_button(ui, lang.t("status.done"), 240.0) {
                    action = Some(Action::Session(Event::Started));
                }
            }
            Status::Printing => {
                title(ui, lang.t("status.approved_printing_receipt"));
                ui.add(egui::Spinner::new().size(theme().text.spinner));
            }
            Status::PrintFailed { receipt_no, code } => {
                title(ui, lang.t("status.printer_problem"));
                ui.label(
                    RichText::new(lang.t("status.photo_approved_receipt_kept"))
                        .size(theme().text.lead),
                );
                ui.add_space(16.0);
                ui.label(RichText::new(lang.t("status.receipt_number")).size(theme().text.body));
                ui.label(
                    RichText::new(receipt_no)
                        .size(theme().text.copy_number)
                        .monospace()
                        .strong(),
                );
                ui.add_space(12.0);
                ui.label(
                    RichText::new(format!("{} {code}", lang.t("status.code")))
                        .size(theme().text.code)
                        .monospace(),
                );
                ui.label(
                    RichText::new(lang.t("status.can_also_print_here")).size(theme().text.detail),
                );
                ui.add_space(24.0);
                centered_row(ui, row_width(ui, &[200.0, 280.0]), |ui| {
                    if big_button(ui, lang.t("status.done"), 200.0) {
                        action = Some(Action::Session(Event::Started));
                    }
                    if primary_button(ui, lang.t("status.print_again"), 280.0) {
                        action = Some(Action::Session(Event::PrintAgain));
                    }
                });
            }
            Status::Done(receipt_no, photo_held) => {
                title(ui, lang.t("status.done_take_receipt"));
                ui.label(RichText::new(lang.t("status.receipt_number")).size(theme().text.body));
                ui.label(
                    RichText::new(receipt_no)
                        .size(theme().text.number)
                        .monospace()
                        .strong(),
                );
                if photo_held {
                    ui.add_space(16.0);
                    ui.label(RichText::new(lang.t("status.photo_held")).size(theme().text.body));
                }
                if primary_button(ui, lang.t("status.done"), 240.0) {
                    action = Some(Action::Session(Event::Started));
                }
            }
        });
        action
    }
}
