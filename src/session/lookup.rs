//! What a ticket code leads to, worked out from what the booth's outbox holds for it. Pure: the
//! shell looks the code up and feeds the result back as [`Event::Looked`](super::Event::Looked);
//! the outbox's copy goes by the session's [`Effect::Release`](super::Effect::Release), once the
//! booth is done with the submission (#14).

use std::sync::Arc;

use chrono::NaiveDate;

use super::{CheckNote, Lookup, Order, Photo, ReceiptJob};
use crate::applicant::Applicant;
use crate::center::Found;
use crate::center::api::Status;
use crate::spec::Cities;

impl Lookup {
    /// What `found` (the outbox's answer for a ticket code, `None` when no submission has it)
    /// leads to: the receipt to print, a free retake, or why there is nothing. The applicant is
    /// checked again as of `today` against `cities`; one that no longer checks leaves nothing to
    /// print from.
    pub fn of(found: Option<Found>, cities: &Cities, today: NaiveDate) -> Lookup {
        let Some(found) = found else {
            return Lookup::Nothing(CheckNote::NotFound);
        };
        let Some(answer) = found.answer.filter(|a| a.status != Status::Pending) else {
            return Lookup::Nothing(CheckNote::StillPending);
        };
        let Some(parcel) = found.parcel else {
            return Lookup::Nothing(CheckNote::Gone);
        };
        let meta = parcel.meta;
        let Ok(applicant) = Applicant::from_meta(&meta.applicant, &meta.city_code, cities, today)
        else {
            return Lookup::Nothing(CheckNote::Gone);
        };
        let order = Order {
            document: meta.document,
            applicant,
        };
        if answer.status == Status::Rejected {
            return Lookup::Rejected {
                submission: found.id,
                order,
                reasons: answer.reasons.iter().map(|r| r.code).collect(),
            };
        }
        Lookup::Approved(Arc::new(ReceiptJob {
            order,
            submission: answer,
            photo: Arc::new(Photo {
                jpeg: parcel.photo,
                reasons: Vec::new(),
                captured_at: meta.captured_at,
            }),
        }))
    }
}
