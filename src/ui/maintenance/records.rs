//! Counters and events: what the booth records as things happen (sessions, photos, the center's
//! answers, prints), and the page that shows today, the last days and the event log. Events are
//! fixed words with reason codes: never a name, an ID number or a receipt number.

use egui::{Grid, RichText, ScrollArea, Ui};

use super::Context;
use crate::center::api::Status;
use crate::i18n::Message;
use crate::ops::store::REJECTED_PREFIX;
use crate::ops::{Counter, OpsStore};
use crate::session::{Event, Flow};
use crate::ui::theme::theme;

fn note(store: &OpsStore, counter: Option<Counter>, kind: &str, message: Message) {
    let result = counter
        .map_or(Ok(()), |c| store.count(c))
        .and_then(|()| store.note(kind, &message));
    if let Err(error) = result {
        tracing::warn!(%error, "ops store: not recorded");
    }
}

/// Records what `event` means for the counters and the event log, given the screen it arrives
/// on (`flow`, before the session takes it).
pub fn record(store: &OpsStore, flow: &Flow, serviceable: bool, event: &Event) {
    match (flow, event) {
        (Flow::Attract, Event::Started) if serviceable => {
            note(
                store,
                Some(Counter::Session),
                "session",
                Message::new("event.session_started"),
            );
        }
        (_, Event::Processed(Ok(_))) => note(
            store,
            Some(Counter::Photo),
            "photo",
            Message::new("event.photo_taken"),
        ),
        (_, Event::Processed(Err(_))) => {
            note(store, None, "photo", Message::new("event.capture_failed"))
        }
        (Flow::Uploading { .. }, Event::Answered(answer)) => match answer.status {
            Status::Approved => note(
                store,
                Some(Counter::Approval),
                "center",
                Message::new("event.approved"),
            ),
            Status::Pending => note(store, None, "center", Message::new("event.pending")),
            Status::Rejected => {
                let codes: Vec<&str> = answer.reasons.iter().map(|r| r.code.code()).collect();
                for code in &codes {
                    if let Err(error) = store.add(&format!("{REJECTED_PREFIX}{code}"), 1) {
                        tracing::warn!(%error, "ops store: not recorded");
                    }
                }
                note(
                    store,
                    Some(Counter::Rejection),
                    "center",
                    Message::new("event.rejected").with("codes", codes.join(", ")),
                );
            }
        },
        (Flow::Uploading { .. }, Event::AnswerLate) => {
            note(store, None, "center", Message::new("event.answer_late"))
        }
        (_, Event::Printed(Ok(()))) => note(
            store,
            Some(Counter::Print),
            "print",
            Message::new("event.receipt_printed"),
        ),
        (_, Event::Printed(Err(why))) => note(
            store,
            Some(Counter::PrinterFault),
            "print",
            Message::new("event.print_failed").with("why", why),
        ),
        _ => {}
    }
}

fn counter_label(name: &str, lang: crate::i18n::Language) -> String {
    let words = match name {
        "sessions" => lang.t("maintenance.records.sessions"),
        "photos" => lang.t("maintenance.records.photos"),
        "approvals" => lang.t("maintenance.records.approvals"),
        "rejections" => lang.t("maintenance.records.rejections"),
        "prints" => lang.t("maintenance.records.prints"),
        "printer_faults" => lang.t("maintenance.records.printer_faults"),
        "camera_faults" => lang.t("maintenance.records.camera_faults"),
        other => return other.to_owned(),
    };
    words.to_owned()
}

/// Draws the counters of the last days and the event log.
pub fn ui(ui: &mut Ui, ctx: &Context<'_>) {
    let lang = ctx.lang;
    let days = ctx.store.days(7).unwrap_or_default();
    let today = crate::ops::store::today();
    ui.label(
        RichText::new(lang.t("maintenance.records.counters_last_7_days")).size(theme().text.body),
    );
    ScrollArea::horizontal().id_salt("counters").show(ui, |ui| {
        Grid::new("maintenance-counters")
            .striped(true)
            .spacing([18.0, 6.0])
            .show(ui, |ui| {
                ui.label(lang.t("maintenance.records.day"));
                for c in Counter::ALL {
                    ui.label(counter_label(c.name(), lang));
                }
                ui.label(lang.t("maintenance.records.rejected"));
                ui.end_row();
                if !days.iter().any(|d| d.day == today) {
                    ui.label(&today);
                    for _ in Counter::ALL {
                        ui.label("0");
                    }
                    ui.label("");
                    ui.end_row();
                }
                for day in &days {
                    ui.label(&day.day);
                    for c in Counter::ALL {
                        ui.label(day.get(c.name()).to_string());
                    }
                    let reasons: Vec<String> = day
                        .counts
                        .iter()
                        .filter_map(|(name, n)| {
                            name.strip_prefix(REJECTED_PREFIX)
                                .map(|code| format!("{code} {n}"))
                        })
                        .collect();
                    ui.label(reasons.join(", "));
                    ui.end_row();
                }
            });
    });
    ui.add_space(12.0);
    ui.label(
        RichText::new(lang.t("maintenance.records.events_newest_first")).size(theme().text.body),
    );
    let events = ctx.store.events(200).unwrap_or_default();
    ScrollArea::vertical().id_salt("events").show(ui, |ui| {
        Grid::new("maintenance-events")
            .striped(true)
            .spacing([18.0, 4.0])
            .show(ui, |ui| {
                for e in &events {
                    // Local time to the second, as people write it.
                    ui.label(e.at.get(..19).unwrap_or(&e.at).replace('T', " "));
                    ui.label(
                        lang.try_t(&format!("event.kind.{}", e.kind))
                            .unwrap_or(&e.kind),
                    );
                    ui.label(e.text_in(lang));
                    ui.end_row();
                }
            });
    });
}
