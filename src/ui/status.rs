//! The screens where the booth speaks and the applicant waits or reads: processing, uploading,
//! rejected (with reasons and a free retake), pending (with the ticket), printing, printer
//! trouble, done.

use egui::{Color32, RichText, Ui};

use super::text::{reason, retake_limit, tr, upload_wait};
use super::widgets::{big_button, centered_row, row_width, title};
use super::{Action, View};
use crate::session::Event;
use crate::spec::Reason;

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
    /// Finished with this receipt number.
    Done(&'a str),
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
                title(ui, tr(lang, "正在处理照片…", "Preparing your photo…"));
                ui.add(egui::Spinner::new().size(96.0));
            }
            Status::Uploading => {
                title(ui, tr(lang, "正在提交至相片检测中心…", "Sending to the photo center…"));
                ui.add(egui::Spinner::new().size(96.0));
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
                ui.label(RichText::new(upload_wait(lang, waited, budget)).size(26.0));
            }
            Status::Rejected(reasons, retake) => {
                title(ui, tr(lang, "照片未通过检测", "The photo was not accepted"));
                for r in reasons {
                    ui.label(RichText::new(reason(lang, *r)).size(30.0).color(Color32::from_rgb(200, 40, 40)));
                }
                ui.add_space(24.0);
                if retake {
                    ui.label(RichText::new(tr(lang, "重拍免费。", "Retaking is free.")).size(28.0));
                    ui.add_space(16.0);
                    centered_row(ui, row_width(ui, &[200.0, 240.0]), |ui| {
                        if big_button(ui, tr(lang, "结束", "Finish"), 200.0) {
                            action = Some(Action::Session(Event::Cancelled));
                        }
                        if big_button(ui, tr(lang, "重拍", "Retake"), 240.0) {
                            action = Some(Action::Session(Event::Retake));
                        }
                    });
                } else {
                    ui.label(RichText::new(retake_limit(lang)).size(30.0).strong());
                    ui.add_space(16.0);
                    if big_button(ui, tr(lang, "结束", "Finish"), 240.0) {
                        action = Some(Action::Session(Event::Cancelled));
                    }
                }
            }
            Status::Pending(id) => {
                title(ui, tr(lang, "照片已提交，等待审核", "Submitted, waiting for review"));
                ui.label(RichText::new(tr(lang, "请保管好凭条。审核通过后，可在本机“查询提交”打印回执。", "Keep your ticket. Once approved, print the receipt here with “Check my submission”.")).size(26.0));
                ui.add_space(24.0);
                ui.label(RichText::new(format!(
                    "{} {}",
                    tr(lang, "查询码", "Code"),
                    crate::receipt::ticket_code(id)
                )).size(40.0).monospace());
                ui.add_space(24.0);
                if big_button(ui, tr(lang, "完成", "Done"), 240.0) {
                    action = Some(Action::Session(Event::Started));
                }
            }
            Status::Printing => {
                title(ui, tr(lang, "照片已通过，正在打印回执…", "Approved! Printing your receipt…"));
                ui.add(egui::Spinner::new().size(96.0));
            }
            Status::PrintFailed { receipt_no, code } => {
                title(ui, tr(lang, "打印机故障", "The printer has a problem"));
                ui.label(RichText::new(tr(lang, "照片已通过，回执已保存。请记下回执号，到工作人员窗口领取回执。", "Your photo is approved and the receipt is kept. Please note the receipt number and collect the receipt at the counter.")).size(28.0));
                ui.add_space(16.0);
                ui.label(RichText::new(tr(lang, "回执号", "Receipt number")).size(26.0));
                ui.label(RichText::new(receipt_no).size(56.0).monospace().strong());
                ui.add_space(12.0);
                ui.label(RichText::new(format!("{} {code}", tr(lang, "查询码", "Code"))).size(40.0).monospace());
                ui.label(RichText::new(tr(lang, "也可稍后在本机“查询提交”输入查询码打印回执。", "You can also print it here later with “Check my submission” and this code.")).size(24.0));
                ui.add_space(24.0);
                centered_row(ui, row_width(ui, &[200.0, 280.0]), |ui| {
                    if big_button(ui, tr(lang, "完成", "Done"), 200.0) {
                        action = Some(Action::Session(Event::Started));
                    }
                    if big_button(ui, tr(lang, "重新打印", "Print again"), 280.0) {
                        action = Some(Action::Session(Event::PrintAgain));
                    }
                });
            }
            Status::Done(receipt_no) => {
                title(ui, tr(lang, "完成，请取走回执", "Done. Please take your receipt"));
                ui.label(RichText::new(tr(lang, "回执号", "Receipt number")).size(26.0));
                ui.label(RichText::new(receipt_no).size(48.0).monospace().strong());
                if big_button(ui, tr(lang, "完成", "Done"), 240.0) {
                    action = Some(Action::Session(Event::Started));
                }
            }
        });
        action
    }
}
