//! The flow, driven by plain `update` calls.

use std::sync::Arc;

use chrono::NaiveDate;

use super::*;
use crate::applicant::{Applicant, with_check};
use crate::center::api::{ReasonText, Status, Submission};
use crate::spec::{Cities, Reason};
use crate::vision::Advice;

fn cities() -> Cities {
    Cities::from_toml(
        r#"
[provinces]
"440000" = "广东省"
[cities]
"440300" = { name = "深圳市", province = "440000", kind = "prefecture" }
"#,
    )
    .expect("cities")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

fn applicant(birth: &str) -> Applicant {
    let id = with_check(&format!("440304{birth}001")).expect("17 digits");
    Applicant::new("张三", &id, "440300", &cities(), today()).expect("applicant")
}

fn limits() -> Limits {
    Limits {
        good_updates: 3,
        ..Limits::default()
    }
}

/// A session of an adult brought to the consent screen at time 0.
fn at_consent() -> Session {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Started);
    s.update(Event::DocumentChosen("passport".into()));
    s.update(Event::CityChosen("440300".into()));
    s.update(Event::DetailsEntered(applicant("19900101"), today()));
    assert_adult_consent(&s);
    s
}

/// Asserts that `s` is at the consent screen of an adult (no guardian).
fn assert_adult_consent(s: &Session) {
    assert!(
        matches!(
            s.flow(),
            Flow::Consent {
                guardian: false,
                ..
            }
        ),
        "{:?}",
        s.flow()
    );
}

/// A session brought to the pose screen at time 0.
fn at_pose() -> Session {
    let mut s = at_consent();
    assert!(s.update(Event::Consented).is_empty());
    assert!(matches!(s.flow(), Flow::Rules { .. }), "{:?}", s.flow());
    let effects = s.update(Event::RulesRead);
    assert_eq!(effects, vec![Effect::ResetTracking]);
    s
}

#[test]
fn the_rules_come_between_the_consent_and_the_pose_and_back_leads_to_the_consent() {
    let mut s = at_consent();
    s.update(Event::Consented);
    assert!(matches!(s.flow(), Flow::Rules { .. }), "{:?}", s.flow());
    // The pose's guidance cannot start the countdown from here.
    s.update(Event::Guided(Advice::Good));
    assert!(matches!(s.flow(), Flow::Rules { .. }), "{:?}", s.flow());
    s.update(Event::Back);
    assert_adult_consent(&s);
    s.update(Event::Consented);
    s.update(Event::RulesRead);
    assert!(
        matches!(s.flow(), Flow::Pose { attempts: 0, .. }),
        "{:?}",
        s.flow()
    );
}

fn photo(reasons: Vec<Reason>) -> Arc<Photo> {
    Arc::new(Photo {
        jpeg: vec![0xFF, 0xD8, 0xFF, 0xD9],
        reasons,
        captured_at: "2026-11-25T10:00:00+08:00".into(),
    })
}

/// From pose, through the countdown, to the review of a photo with `reasons`.
fn to_review(s: &mut Session, now: u64, reasons: Vec<Reason>) -> u64 {
    s.update(Event::Shutter);
    assert!(
        matches!(s.flow(), Flow::Countdown { left: 3, .. }),
        "{:?}",
        s.flow()
    );
    assert!(s.update(Event::Tick(now + 1)).is_empty());
    assert!(s.update(Event::Tick(now + 2)).is_empty());
    let effects = s.update(Event::Tick(now + 3));
    assert_eq!(
        effects,
        vec![Effect::Capture {
            document: "passport".into()
        }]
    );
    s.update(Event::Processed(Ok(photo(reasons))));
    assert!(matches!(s.flow(), Flow::Review { .. }), "{:?}", s.flow());
    now + 3
}

/// Accepts the photo on review; returns the submission id sent.
fn submit(s: &mut Session) -> String {
    let effects = s.update(Event::Accepted);
    match effects.as_slice() {
        [Effect::Submit { id, order, .. }] => {
            assert_eq!(order.document, "passport");
            id.clone()
        }
        other => panic!("expected a submission, got {other:?}"),
    }
}

fn answer(id: &str, status: Status) -> Submission {
    Submission {
        id: id.into(),
        status,
        receipt_no: (status == Status::Approved).then(|| "44030026112500001X".into()),
        image_no: None,
        valid_until: None,
        reasons: if status == Status::Rejected {
            vec![ReasonText {
                code: Reason::HeadTilted,
                message: "tilted".into(),
            }]
        } else {
            Vec::new()
        },
        created_at: "2026-11-25T10:00:00+08:00".into(),
    }
}

#[test]
fn the_whole_way_to_a_printed_receipt() {
    let mut s = at_pose();
    // About a second of good guidance starts the countdown by itself.
    for _ in 0..2 {
        s.update(Event::Guided(Advice::Good));
    }
    assert!(matches!(s.flow(), Flow::Pose { good_for: 2, .. }));
    s.update(Event::Guided(Advice::Good));
    assert!(matches!(s.flow(), Flow::Countdown { .. }));
    for t in 1..=2 {
        s.update(Event::Tick(t));
    }
    assert_eq!(
        s.update(Event::Tick(3)),
        vec![Effect::Capture {
            document: "passport".into()
        }]
    );
    assert!(matches!(s.flow(), Flow::Processing { attempts: 1, .. }));
    s.update(Event::Processed(Ok(photo(vec![]))));
    let id = submit(&mut s);
    let effects = s.update(Event::Answered(answer(&id, Status::Approved)));
    let job = match effects.as_slice() {
        [Effect::Print(job)] => Arc::clone(job),
        other => panic!("expected a print, got {other:?}"),
    };
    assert_eq!(
        job.submission.receipt_no.as_deref(),
        Some("44030026112500001X")
    );
    // Printed: only now may the outbox's copy go.
    assert_eq!(
        s.update(Event::Printed(Ok(()))),
        vec![Effect::PrintPhoto(job), Effect::Release(id), Effect::Wipe]
    );
    assert_eq!(
        s.flow(),
        &Flow::Done {
            receipt_no: "44030026112500001X".into(),
            photo_held: false,
        }
    );
    // The done screen goes back to attract by itself, wiping again.
    assert_eq!(
        s.update(Event::Tick(3 + limits().farewell_s)),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn a_bad_moment_restarts_the_good_streak() {
    let mut s = at_pose();
    s.update(Event::Guided(Advice::Good));
    s.update(Event::Guided(Advice::Good));
    s.update(Event::Guided(Advice::MoveLeft));
    s.update(Event::Guided(Advice::Good));
    assert!(
        matches!(s.flow(), Flow::Pose { good_for: 1, .. }),
        "{:?}",
        s.flow()
    );
}

#[test]
fn inactivity_warns_then_resets_and_a_touch_keeps_the_session() {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Started);
    s.update(Event::DocumentChosen("passport".into()));
    s.update(Event::Tick(60));
    assert_eq!(s.warning(), None);
    s.update(Event::Tick(75));
    assert_eq!(s.warning(), Some(15));
    s.update(Event::Touched(76));
    assert_eq!(s.warning(), None);
    assert!(s.update(Event::Tick(165)).is_empty());
    assert_eq!(
        s.update(Event::Tick(166)),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn a_face_at_the_camera_keeps_the_session_without_a_touch_an_empty_view_does_not() {
    let mut s = at_pose();
    // Guided for two minutes at the camera, never touching the screen (a few updates a second;
    // one a second is enough here).
    for now in 1..=120 {
        s.update(Event::Tick(now));
        s.update(Event::Guided(Advice::MoveCloser));
        assert_eq!(s.warning(), None, "at {now} s");
    }
    assert!(matches!(s.flow(), Flow::Pose { .. }), "{:?}", s.flow());
    // Then they walk away: the camera sees nobody, and the warning and the reset come as
    // after the last touch.
    let left = 120 + limits().inactivity_s - limits().warning_s;
    for now in 121..left {
        s.update(Event::Tick(now));
        s.update(Event::Guided(Advice::NoFace));
        assert_eq!(s.warning(), None, "at {now} s");
    }
    s.update(Event::Tick(left));
    assert_eq!(s.warning(), Some(limits().warning_s));
    assert_eq!(
        s.update(Event::Tick(120 + limits().inactivity_s)),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn no_timeout_while_the_booth_is_busy() {
    let mut s = at_pose();
    let now = to_review(&mut s, 0, vec![]);
    submit(&mut s);
    assert!(s.update(Event::Tick(now + 500)).is_empty());
    assert!(matches!(s.flow(), Flow::Uploading { .. }));
    assert_eq!(s.warning(), None);
}

#[test]
fn a_rejection_gives_a_free_retake_until_the_limit() {
    let mut s = at_pose();
    let mut now = 0;
    for attempt in 1..=limits().max_attempts {
        now = to_review(&mut s, now, vec![]);
        let id = submit(&mut s);
        // A rejection ends the submission: its data may go.
        let effects = s.update(Event::Answered(answer(&id, Status::Rejected)));
        assert_eq!(effects, vec![Effect::Release(id)]);
        let last = attempt == limits().max_attempts;
        match s.flow() {
            Flow::Rejected {
                reasons,
                attempts,
                retake,
                ..
            } => {
                assert_eq!(reasons, &vec![Reason::HeadTilted]);
                assert_eq!(*attempts, attempt);
                assert_eq!(*retake, !last, "a retake is offered until the limit");
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
        let effects = s.update(Event::Retake);
        if !last {
            assert_eq!(effects, vec![Effect::ResetTracking]);
            assert!(matches!(s.flow(), Flow::Pose { .. }));
        } else {
            // At the limit a retake does nothing (the screen sends the applicant to the staff);
            // the applicant finishes.
            assert!(effects.is_empty());
            assert!(matches!(s.flow(), Flow::Rejected { retake: false, .. }));
            assert_eq!(
                s.update(Event::Cancelled),
                vec![Effect::Wipe, Effect::ResetTracking]
            );
            assert_eq!(s.flow(), &Flow::Attract);
        }
    }
}

#[test]
fn the_last_photo_offers_no_retake_on_review_either() {
    let mut s = at_pose();
    let mut now = 0;
    for _ in 1..limits().max_attempts {
        now = to_review(&mut s, now, vec![]);
        assert!(matches!(s.flow(), Flow::Review { retake: true, .. }));
        assert_eq!(s.update(Event::Retake), vec![Effect::ResetTracking]);
    }
    to_review(&mut s, now, vec![]);
    assert!(matches!(s.flow(), Flow::Review { retake: false, .. }));
    // A stray retake does not silently end the session; the photo can still be sent.
    assert!(s.update(Event::Retake).is_empty());
    assert!(matches!(s.flow(), Flow::Review { .. }));
    submit(&mut s);
}

#[test]
fn the_booths_own_failures_count_towards_the_limit_too() {
    let mut s = at_pose();
    let mut now = 0;
    for _ in 1..limits().max_attempts {
        now = to_review(&mut s, now, vec![]);
        s.update(Event::Retake);
    }
    // The last photo cannot be made: no retake is offered.
    s.update(Event::Shutter);
    for t in 1..=3 {
        s.update(Event::Tick(now + t));
    }
    s.update(Event::Processed(Err("no frame".into())));
    assert!(
        matches!(s.flow(), Flow::Rejected { retake: false, attempts, .. } if *attempts == limits().max_attempts),
        "{:?}",
        s.flow()
    );
}

#[test]
fn a_rejection_after_the_wait_budget_keeps_what_the_ticket_needs() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    let id = submit(&mut s);
    s.update(Event::AnswerLate);
    assert!(matches!(s.flow(), Flow::Pending { .. }));
    // The center's answer arrives just after: nothing is released, so "check my submission"
    // later finds it and gives the free retake.
    for status in [Status::Rejected, Status::Approved] {
        let effects = s.update(Event::Answered(answer(&id, status)));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Release(_))),
            "{effects:?}"
        );
    }
    assert!(matches!(s.flow(), Flow::Pending { .. }));
}

#[test]
fn the_shot_keeps_the_time_it_was_taken() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    match s.update(Event::Accepted).as_slice() {
        [Effect::Submit { photo, .. }] => {
            assert_eq!(photo.captured_at, "2026-11-25T10:00:00+08:00");
        }
        other => panic!("expected a submission, got {other:?}"),
    }
}

#[test]
fn the_waited_time_counts_from_the_upload() {
    let mut s = at_pose();
    let now = to_review(&mut s, 0, vec![]);
    s.update(Event::Tick(now + 4));
    submit(&mut s);
    assert_eq!(s.waited(), 0);
    s.update(Event::Tick(now + 14));
    assert_eq!(s.waited(), 10);
}

#[test]
fn the_booths_own_check_rejects_without_asking_the_center() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![Reason::Blurred]);
    assert!(s.update(Event::Accepted).is_empty());
    assert!(
        matches!(s.flow(), Flow::Rejected { reasons, .. } if reasons == &vec![Reason::Blurred])
    );
}

#[test]
fn a_late_answer_gives_a_pending_ticket() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    let id = submit(&mut s);
    let effects = s.update(Event::AnswerLate);
    assert_eq!(effects, vec![Effect::PrintTicket(id.clone()), Effect::Wipe]);
    assert_eq!(s.flow(), &Flow::Pending { submission: id });
}

#[test]
fn a_submission_the_booth_cannot_store_gives_no_ticket_but_a_retake() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    submit(&mut s);
    assert!(s.update(Event::NotStored).is_empty());
    assert!(
        matches!(s.flow(), Flow::Rejected { reasons, attempts: 1, .. } if reasons == &vec![Reason::Other]),
        "{:?}",
        s.flow()
    );
}

#[test]
fn a_pending_answer_also_gives_the_ticket() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    let id = submit(&mut s);
    let effects = s.update(Event::Answered(answer(&id, Status::Pending)));
    assert_eq!(effects, vec![Effect::PrintTicket(id.clone()), Effect::Wipe]);
}

#[test]
fn an_answer_for_another_submission_is_ignored() {
    let mut s = at_pose();
    to_review(&mut s, 0, vec![]);
    submit(&mut s);
    assert!(
        s.update(Event::Answered(answer("someone-else", Status::Approved)))
            .is_empty()
    );
    assert!(matches!(s.flow(), Flow::Uploading { .. }));
}

#[test]
fn printer_trouble_keeps_the_receipt_and_says_so() {
    let mut s = at_pose();
    let now = to_review(&mut s, 0, vec![]);
    let id = submit(&mut s);
    s.update(Event::Answered(answer(&id, Status::Approved)));
    assert!(s.update(Event::Printed(Err("paper out".into()))).is_empty());
    assert!(matches!(s.flow(), Flow::PrintFailed { .. }));
    // The applicant has time to note the receipt number: the screen stays past the farewell,
    // and ends like any screen when nobody touches it.
    assert!(s.update(Event::Tick(now + limits().farewell_s)).is_empty());
    assert!(matches!(s.flow(), Flow::PrintFailed { .. }));
    s.update(Event::Tick(
        now + limits().inactivity_s - limits().warning_s,
    ));
    assert_eq!(s.warning(), Some(limits().warning_s));
    assert_eq!(
        s.update(Event::Tick(now + limits().inactivity_s)),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert_eq!(s.flow(), &Flow::Attract);
}

/// A session whose receipt failed to print, at time `now`.
fn print_failed() -> (Session, Arc<ReceiptJob>, u64) {
    let mut s = at_pose();
    let now = to_review(&mut s, 0, vec![]);
    let id = submit(&mut s);
    let job = match s
        .update(Event::Answered(answer(&id, Status::Approved)))
        .as_slice()
    {
        [Effect::Print(job)] => Arc::clone(job),
        other => panic!("expected a print, got {other:?}"),
    };
    // Nothing is released when the print failed.
    assert!(s.update(Event::Printed(Err("paper out".into()))).is_empty());
    (s, job, now)
}

#[test]
fn the_printer_back_prints_the_same_receipt_once_by_itself() {
    let (mut s, job, _) = print_failed();
    assert_eq!(
        s.update(Event::PrinterReady),
        vec![Effect::Reprint(Arc::clone(&job))]
    );
    assert!(matches!(
        s.flow(),
        Flow::Printing {
            reprinted: true,
            ..
        }
    ));
    // It fails again: the booth does not try again by itself.
    assert!(
        s.update(Event::Printed(Err("cover open".into())))
            .is_empty()
    );
    assert!(matches!(
        s.flow(),
        Flow::PrintFailed {
            reprinted: true,
            ..
        }
    ));
    assert!(s.update(Event::PrinterReady).is_empty());
    // The applicant may ask; this time it prints.
    assert_eq!(
        s.update(Event::PrintAgain),
        vec![Effect::Reprint(Arc::clone(&job))]
    );
    assert_eq!(
        s.update(Event::Printed(Ok(()))),
        vec![
            Effect::PrintPhoto(Arc::clone(&job)),
            Effect::Release(job.submission.id.clone()),
            Effect::Wipe
        ]
    );
    assert!(matches!(s.flow(), Flow::Done { .. }));
}

#[test]
fn nothing_prints_once_the_session_has_ended() {
    let (mut s, _, now) = print_failed();
    s.update(Event::Tick(now + limits().inactivity_s));
    assert_eq!(s.flow(), &Flow::Attract);
    assert!(s.update(Event::PrinterReady).is_empty());
    assert!(s.update(Event::PrintAgain).is_empty());
    // The applicant who finishes by hand, too.
    let (mut s, _, _) = print_failed();
    assert_eq!(
        s.update(Event::Started),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert!(s.update(Event::PrinterReady).is_empty());
    // A reprint that ends after the session did changes nothing.
    assert!(s.update(Event::Printed(Ok(()))).is_empty());
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn out_of_service_refuses_new_sessions_but_finishes_the_running_one() {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Serviceable(false));
    s.update(Event::Started);
    assert_eq!(s.flow(), &Flow::Attract);
    s.update(Event::Serviceable(true));
    s.update(Event::Started);
    assert_eq!(s.flow(), &Flow::Document);
    s.update(Event::Serviceable(false));
    s.update(Event::DocumentChosen("passport".into()));
    assert!(matches!(s.flow(), Flow::City { .. }));
}

#[test]
fn a_child_needs_a_guardian() {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Started);
    s.update(Event::DocumentChosen("passport".into()));
    s.update(Event::CityChosen("440300".into()));
    s.update(Event::DetailsEntered(applicant("20150601"), today()));
    assert!(matches!(s.flow(), Flow::Consent { guardian: true, .. }));
}

#[test]
fn back_and_cancel() {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Started);
    s.update(Event::DocumentChosen("passport".into()));
    s.update(Event::CityChosen("440300".into()));
    s.update(Event::Back);
    assert_eq!(
        s.flow(),
        &Flow::City {
            document: "passport".into()
        }
    );
    s.update(Event::Back);
    assert_eq!(s.flow(), &Flow::Document);
    s.update(Event::DocumentChosen("passport".into()));
    assert_eq!(
        s.update(Event::Cancelled),
        vec![Effect::Wipe, Effect::ResetTracking]
    );
    assert_eq!(s.flow(), &Flow::Attract);
    // Details for another city than the one chosen are not taken.
    s.update(Event::Started);
    s.update(Event::DocumentChosen("passport".into()));
    s.update(Event::CityChosen("110000".into()));
    s.update(Event::DetailsEntered(applicant("19900101"), today()));
    assert!(matches!(s.flow(), Flow::Details { .. }));
}

#[test]
fn events_out_of_place_are_ignored() {
    let mut s = Session::new(limits(), 0);
    for event in [
        Event::Shutter,
        Event::Accepted,
        Event::Retake,
        Event::Printed(Ok(())),
        Event::Guided(Advice::Good),
    ] {
        assert!(s.update(event).is_empty());
        assert_eq!(s.flow(), &Flow::Attract);
    }
}

fn order() -> Order {
    Order {
        document: "passport".into(),
        applicant: applicant("19900101"),
    }
}

/// From attract to a lookup of `code`.
fn checking(code: &str) -> Session {
    let mut s = Session::new(limits(), 0);
    assert!(s.update(Event::CheckStarted).is_empty());
    assert_eq!(
        s.flow(),
        &Flow::Check {
            looking: false,
            note: None
        }
    );
    let effects = s.update(Event::CheckCode(format!(" {code} ")));
    assert_eq!(effects, vec![Effect::Lookup(code.to_ascii_lowercase())]);
    s
}

#[test]
fn a_ticket_code_of_an_approved_submission_prints_its_receipt() {
    let mut s = checking("1A2B3C4D");
    let job = Arc::new(ReceiptJob {
        order: order(),
        submission: answer("1a2b3c4d-rest", Status::Approved),
        photo: photo(vec![]),
    });
    let effects = s.update(Event::Looked(Lookup::Approved(Arc::clone(&job))));
    assert_eq!(effects, vec![Effect::Print(Arc::clone(&job))]);
    assert!(matches!(s.flow(), Flow::Printing { .. }));
    // The photo of a passport found by its ticket prints after its receipt too (#18).
    assert_eq!(
        s.update(Event::Printed(Ok(()))),
        vec![
            Effect::PrintPhoto(job),
            Effect::Release("1a2b3c4d-rest".into()),
            Effect::Wipe
        ]
    );
    assert!(matches!(s.flow(), Flow::Done { .. }));
}

#[test]
fn a_ticket_code_of_a_rejected_submission_gives_the_free_retake() {
    let mut s = checking("1a2b3c4d");
    // The retake sends a new submission: the session lets the found one go (#14; the lookup
    // itself no longer releases it).
    let effects = s.update(Event::Looked(Lookup::Rejected {
        submission: "1a2b3c4d-rest".into(),
        order: order(),
        reasons: vec![Reason::HeadTilted],
    }));
    assert_eq!(effects, vec![Effect::Release("1a2b3c4d-rest".into())]);
    assert!(
        matches!(s.flow(), Flow::Rejected { attempts: 0, reasons, .. } if reasons == &vec![Reason::HeadTilted])
    );
    assert_eq!(s.update(Event::Retake), vec![Effect::ResetTracking]);
    assert!(matches!(s.flow(), Flow::Pose { attempts: 0, .. }));
}

/// Whether `effects` let a submission go.
fn releases(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Release(_)))
}

#[test]
fn a_found_tickets_copy_is_released_only_once_its_receipt_is_printed() {
    let mut s = checking("1a2b3c4d");
    let job = Arc::new(ReceiptJob {
        order: order(),
        submission: answer("1a2b3c4d-rest", Status::Approved),
        photo: photo(vec![]),
    });
    // Found, then the paper runs out: the outbox keeps it, so the code still finds it.
    let found = s.update(Event::Looked(Lookup::Approved(Arc::clone(&job))));
    assert!(!releases(&found), "released before printing: {found:?}");
    let failed = s.update(Event::Printed(Err("paper out".into())));
    assert!(
        !releases(&failed),
        "released an unprinted receipt: {failed:?}"
    );
    assert!(
        matches!(s.flow(), Flow::PrintFailed { .. }),
        "{:?}",
        s.flow()
    );
    assert_eq!(
        s.update(Event::PrintAgain),
        vec![Effect::Reprint(Arc::clone(&job))]
    );
    // Printed at last: now it goes, once.
    let printed = s.update(Event::Printed(Ok(())));
    assert_eq!(
        printed,
        vec![
            Effect::PrintPhoto(Arc::clone(&job)),
            Effect::Release("1a2b3c4d-rest".into()),
            Effect::Wipe
        ]
    );
    assert!(!releases(&s.update(Event::Started)));
}

/// What the outbox holds for a ticket code of submission `id`, answered `status`.
fn found(id: &str, status: Option<Status>, held: bool) -> crate::center::Found {
    let applicant = applicant("19900101");
    crate::center::Found {
        id: id.into(),
        answer: status.map(|status| answer(id, status)),
        parcel: held.then(|| crate::center::api::Parcel {
            id: id.into(),
            meta: crate::center::api::Meta {
                kiosk_id: "k1".into(),
                document: "passport".into(),
                city_code: "440300".into(),
                applicant: crate::applicant::ApplicantMeta {
                    name: applicant.name.as_str().into(),
                    id_number: applicant.id_number.as_str().into(),
                },
                captured_at: "2026-11-25T10:00:00+08:00".into(),
                quality: Default::default(),
            },
            photo: vec![0xFF, 0xD8, 0xFF, 0xD9],
        }),
    }
}

#[test]
fn a_lookup_is_read_from_what_the_outbox_holds() {
    let of = |found| Lookup::of(found, &cities(), today());
    assert_eq!(of(None), Lookup::Nothing(CheckNote::NotFound));
    let pending = found("1a2b3c4d-rest", Some(Status::Pending), true);
    assert_eq!(of(Some(pending)), Lookup::Nothing(CheckNote::StillPending));
    let unanswered = found("1a2b3c4d-rest", None, true);
    assert_eq!(
        of(Some(unanswered)),
        Lookup::Nothing(CheckNote::StillPending)
    );
    let wiped = found("1a2b3c4d-rest", Some(Status::Approved), false);
    assert_eq!(of(Some(wiped)), Lookup::Nothing(CheckNote::Gone));
    // An applicant that no longer checks (the city left the config) leaves nothing to print.
    let mut moved = found("1a2b3c4d-rest", Some(Status::Approved), true);
    if let Some(parcel) = &mut moved.parcel {
        parcel.meta.city_code = "440000".into();
    }
    assert_eq!(of(Some(moved)), Lookup::Nothing(CheckNote::Gone));

    match of(Some(found("1a2b3c4d-rest", Some(Status::Approved), true))) {
        Lookup::Approved(job) => {
            assert_eq!(job.order, order());
            assert_eq!(job.submission, answer("1a2b3c4d-rest", Status::Approved));
            assert_eq!(job.photo.jpeg, vec![0xFF, 0xD8, 0xFF, 0xD9]);
            assert_eq!(job.photo.captured_at, "2026-11-25T10:00:00+08:00");
        }
        other => panic!("expected the receipt, got {other:?}"),
    }
    assert_eq!(
        of(Some(found("1a2b3c4d-rest", Some(Status::Rejected), true))),
        Lookup::Rejected {
            submission: "1a2b3c4d-rest".into(),
            order: order(),
            reasons: vec![Reason::HeadTilted],
        }
    );
}

#[test]
fn a_ticket_code_still_pending_or_unknown_says_so_and_lets_the_applicant_go() {
    let mut s = checking("1a2b3c4d");
    // While looking, a touch of Back does nothing and the clock does not end it.
    assert!(s.update(Event::Back).is_empty());
    assert!(s.update(Event::Tick(500)).is_empty());
    assert!(matches!(s.flow(), Flow::Check { looking: true, .. }));
    s.update(Event::Looked(Lookup::Nothing(CheckNote::StillPending)));
    assert_eq!(
        s.flow(),
        &Flow::Check {
            looking: false,
            note: Some(CheckNote::StillPending)
        }
    );
    // Another try, another answer.
    s.update(Event::CheckCode("ffffffff".into()));
    s.update(Event::Looked(Lookup::Nothing(CheckNote::NotFound)));
    assert!(matches!(
        s.flow(),
        Flow::Check {
            note: Some(CheckNote::NotFound),
            ..
        }
    ));
    assert_eq!(s.update(Event::Back), vec![Effect::Wipe]);
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn no_check_while_the_booth_is_out_of_service() {
    let mut s = Session::new(limits(), 0);
    s.update(Event::Serviceable(false));
    assert!(s.update(Event::CheckStarted).is_empty());
    assert_eq!(s.flow(), &Flow::Attract);
}

/// Issue #18: the photo sheet prints after the receipt, and a photo printer that did not take
/// it changes nothing for the receipt: the done screen says where the photo is.
#[test]
fn the_photo_prints_after_the_receipt_and_a_held_one_is_told() {
    let mut s = at_pose();
    let now = to_review(&mut s, 10, vec![]);
    s.update(Event::Tick(now));
    let id = submit(&mut s);
    let effects = s.update(Event::Answered(answer(&id, Status::Approved)));
    let [Effect::Print(job)] = effects.as_slice() else {
        panic!("expected a print, got {effects:?}");
    };
    let job = Arc::clone(job);
    // No photo before the receipt is confirmed, nor when it fails.
    let effects = s.update(Event::Printed(Ok(())));
    assert_eq!(effects.first(), Some(&Effect::PrintPhoto(Arc::clone(&job))));
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::PrintPhoto(_)))
            .count(),
        1
    );
    // Printed: nothing changes.
    let mut printed = s.clone();
    assert!(printed.update(Event::PhotoPrinted(Ok(()))).is_empty());
    assert!(matches!(
        printed.flow(),
        Flow::Done {
            photo_held: false,
            ..
        }
    ));
    // Held: the done screen says so, for its full time, and ends as ever.
    s.update(Event::Tick(now + 10));
    assert!(
        s.update(Event::PhotoPrinted(Err("media-empty".into())))
            .is_empty()
    );
    assert!(matches!(
        s.flow(),
        Flow::Done {
            photo_held: true,
            ..
        }
    ));
    s.update(Event::Tick(now + 10 + limits().farewell_s - 1));
    assert!(matches!(s.flow(), Flow::Done { .. }));
    s.update(Event::Tick(now + 10 + limits().farewell_s));
    assert_eq!(s.flow(), &Flow::Attract);
    // An answer that comes after the session ended changes nothing.
    assert!(s.update(Event::PhotoPrinted(Err("late".into()))).is_empty());
    assert_eq!(s.flow(), &Flow::Attract);
}

#[test]
fn a_failed_receipt_asks_for_no_photo_until_it_prints() {
    let (mut s, job, _) = print_failed();
    let effects = s.update(Event::PrintAgain);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::PrintPhoto(_))),
        "{effects:?}"
    );
    let effects = s.update(Event::Printed(Ok(())));
    assert_eq!(effects.first(), Some(&Effect::PrintPhoto(job)));
}
