//! The applicant's path through the booth as a pure state machine: the shell feeds [`Event`]s
//! (touches, camera and worker results, the clock) and runs the [`Effect`]s it gets back.

use std::sync::Arc;

use crate::applicant::Applicant;
use crate::center::api::{Status, Submission};
use crate::spec::Reason;
use crate::vision::Advice;

/// What the applicant has told the booth, once complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Document id from documents.toml.
    pub document: String,
    /// The applicant (name, ID number, city).
    pub applicant: Applicant,
}

/// A normalized photo ready for review and upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// The JPEG, as it will be uploaded.
    pub jpeg: Vec<u8>,
    /// Reasons the booth's own check found (empty when compliant).
    pub reasons: Vec<Reason>,
    /// When the shot was taken (RFC 3339, the booth's local time): the center judges the oldest
    /// capture first.
    pub captured_at: String,
}

/// Everything a receipt needs, once the center approved.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptJob {
    /// The order.
    pub order: Order,
    /// The center's answer (approved, with its receipt number).
    pub submission: Submission,
    /// The photo, for the thumbnail.
    pub photo: Arc<Photo>,
}

/// Where the applicant is. Each variant holds what that screen needs and no more.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    /// Idle: language choice and a start button.
    Attract,
    /// Choose the document.
    Document,
    /// Choose the city of issue.
    City {
        /// Chosen document.
        document: String,
    },
    /// Type name and ID number.
    Details {
        /// Chosen document.
        document: String,
        /// Chosen city code.
        city: String,
    },
    /// The privacy notice; a guardian consents for a child.
    Consent {
        /// The order so far.
        order: Order,
        /// Whether a guardian must consent (under 14).
        guardian: bool,
    },
    /// The photo rules, before the pose: what the office refuses, in pictures and words.
    Rules {
        /// The order.
        order: Order,
        /// Whether a guardian consented (for the way back).
        guardian: bool,
    },
    /// Live preview with guidance.
    Pose {
        /// The order.
        order: Order,
        /// Photos taken so far in this session.
        attempts: u32,
        /// Consecutive guidance updates that said `Good`.
        good_for: u32,
    },
    /// Counting down to the shot.
    Countdown {
        /// The order.
        order: Order,
        /// Photos taken so far.
        attempts: u32,
        /// Seconds left.
        left: u32,
    },
    /// The shot is being normalized.
    Processing {
        /// The order.
        order: Order,
        /// Photos taken so far, this one included.
        attempts: u32,
    },
    /// The applicant sees the normalized photo: retake (while photos are left) or accept.
    Review {
        /// The order.
        order: Order,
        /// Photos taken so far.
        attempts: u32,
        /// The photo.
        photo: Arc<Photo>,
        /// Whether a retake is left.
        retake: bool,
    },
    /// Sent to the center; waiting for its answer.
    Uploading {
        /// The order.
        order: Order,
        /// Photos taken so far.
        attempts: u32,
        /// The photo.
        photo: Arc<Photo>,
        /// The local submission id (Idempotency-Key).
        submission: String,
    },
    /// The center (or the booth's own check) refused the photo: a free retake, while the
    /// session has photos left.
    Rejected {
        /// The order.
        order: Order,
        /// Photos taken so far.
        attempts: u32,
        /// Why.
        reasons: Vec<Reason>,
        /// Whether a retake is left; at the limit the applicant is sent to the staff.
        retake: bool,
    },
    /// The center has not decided in time: the applicant keeps a ticket.
    Pending {
        /// The local submission id, printed as text and QR.
        submission: String,
    },
    /// The receipt is printing.
    Printing {
        /// What is printed.
        job: Arc<ReceiptJob>,
        /// Whether the booth already printed it again by itself once, after a failure.
        reprinted: bool,
    },
    /// The printer failed; the receipt stays queued and the applicant is shown its number and
    /// told where to get it. When the printer is ready again the booth prints it once by itself;
    /// the applicant may also ask again.
    PrintFailed {
        /// What was to be printed.
        job: Arc<ReceiptJob>,
        /// Whether the booth already printed it again by itself once.
        reprinted: bool,
    },
    /// "Check my submission": the applicant types the code on a pending ticket.
    Check {
        /// The booth is looking the code up.
        looking: bool,
        /// What the last lookup found, when it printed nothing.
        note: Option<CheckNote>,
    },
    /// Finished: thanks, then back to Attract.
    Done {
        /// The receipt number, shown large.
        receipt_no: String,
        /// The photo printer did not take the printed photo (issue #18): the sheet waits in its
        /// queue and the applicant is sent to the staff for it. The receipt printed all the same.
        photo_held: bool,
    },
}

/// Why a lookup printed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckNote {
    /// No submission on this booth has that code.
    NotFound,
    /// The center has not decided yet.
    StillPending,
    /// It was already printed, or kept too long: nothing is left to print from.
    Gone,
}

/// What the booth found for a ticket code.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// Approved: print this receipt.
    Approved(Arc<ReceiptJob>),
    /// Rejected: a free retake with the same order.
    Rejected {
        /// The local submission id: the booth is done with it (the retake sends a new one).
        submission: String,
        /// The order, as first given.
        order: Order,
        /// The center's reasons.
        reasons: Vec<Reason>,
    },
    /// Nothing to print now.
    Nothing(CheckNote),
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The clock, in seconds since the booth started (also drives timeouts).
    Tick(u64),
    /// Any touch or key, at this time: the applicant is still there.
    Touched(u64),
    /// Start on the attract screen.
    Started,
    /// A document was chosen.
    DocumentChosen(String),
    /// A city was chosen.
    CityChosen(String),
    /// Name and ID number were typed and checked, on this day (for the guardian rule).
    DetailsEntered(Applicant, chrono::NaiveDate),
    /// The privacy notice was accepted.
    Consented,
    /// The photo rules were read.
    RulesRead,
    /// Back one screen.
    Back,
    /// Abandon the session.
    Cancelled,
    /// The guidance for the latest frame.
    Guided(Advice),
    /// The shutter button.
    Shutter,
    /// The shot, normalized (or why it could not be).
    Processed(Result<Arc<Photo>, String>),
    /// Retake from the review or rejection screen.
    Retake,
    /// The photo was accepted on the review screen.
    Accepted,
    /// The center answered (a `Pending` answer once the wait budget is spent).
    Answered(Submission),
    /// The upload did not get an answer within the wait budget.
    AnswerLate,
    /// The submission could not even be stored on the booth (disk trouble): nothing was sent.
    NotStored,
    /// The printer finished the receipt, or failed.
    Printed(Result<(), String>),
    /// The printer reports ready again after it was not (the shell watches its status).
    PrinterReady,
    /// "Print again" on the printer trouble screen.
    PrintAgain,
    /// The photo printer took the printed photo, or did not (it stays in its queue).
    PhotoPrinted(Result<(), String>),
    /// Whether the booth can take new sessions (camera, printer and center usable).
    Serviceable(bool),
    /// "Check my submission" on the attract screen.
    CheckStarted,
    /// A ticket code was typed.
    CheckCode(String),
    /// The lookup of a ticket code.
    Looked(Lookup),
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Forget the face followed so far (a new applicant stands there).
    ResetTracking,
    /// Take the shot and normalize it to the document; answer with [`Event::Processed`].
    Capture {
        /// Document id.
        document: String,
    },
    /// Store the submission durably and send it; answer with [`Event::Answered`] or
    /// [`Event::AnswerLate`].
    Submit {
        /// Local submission id.
        id: String,
        /// The order.
        order: Order,
        /// The photo.
        photo: Arc<Photo>,
    },
    /// Queue and print the receipt; answer with [`Event::Printed`].
    Print(Arc<ReceiptJob>),
    /// Print again the receipt that stayed queued after a failure; answer with
    /// [`Event::Printed`].
    Reprint(Arc<ReceiptJob>),
    /// After its receipt, print the photo sheet of this approved job when its document takes
    /// printed photos and the booth has a photo printer (issue #18); answer with
    /// [`Event::PhotoPrinted`] when a sheet was sent, nothing when there was none to print.
    PrintPhoto(Arc<ReceiptJob>),
    /// The booth is done with this submission (rejected, or its receipt printed): the outbox
    /// may wipe its copy. Never for a submission a pending ticket still points to.
    Release(String),
    /// Print the pending ticket for this submission id.
    PrintTicket(String),
    /// Look a ticket code up; answer with [`Event::Looked`].
    Lookup(String),
    /// Wipe every trace of the applicant from memory and screens.
    Wipe,
}

/// Limits of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Seconds without a sign of the applicant (a touch, or at the camera a face in view) before
    /// the session is abandoned.
    pub inactivity_s: u64,
    /// Seconds before that when the warning shows.
    pub warning_s: u64,
    /// Photos one session may take (retakes after a rejection included).
    pub max_attempts: u32,
    /// Guidance updates in a row that must say `Good` before the countdown starts by itself
    /// (about a second at the guidance rate).
    pub good_updates: u32,
    /// Countdown length in seconds.
    pub countdown_s: u32,
    /// Seconds the done and pending screens stay.
    pub farewell_s: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let session = super::SessionConfig::default();
        Limits {
            inactivity_s: 90,
            warning_s: 20,
            max_attempts: session.max_attempts,
            good_updates: 15,
            countdown_s: session.countdown_s,
            farewell_s: session.farewell_s,
        }
    }
}

/// One booth's session: the flow plus the clock it keeps for timeouts.
#[derive(Debug, Clone)]
pub struct Session {
    flow: Flow,
    limits: Limits,
    now: u64,
    /// When the applicant last showed they are there: a touch, or, at the camera, a face in view.
    last_sign: u64,
    entered_at: u64,
    last_countdown: u64,
    serviceable: bool,
}

impl Session {
    /// A session at the attract screen at time `now`.
    pub fn new(limits: Limits, now: u64) -> Self {
        Session {
            flow: Flow::Attract,
            limits,
            now,
            last_sign: now,
            entered_at: now,
            last_countdown: now,
            serviceable: true,
        }
    }

    /// The current screen.
    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// Seconds on the current screen.
    pub fn waited(&self) -> u64 {
        self.now.saturating_sub(self.entered_at)
    }

    /// Whether the booth takes new sessions.
    pub fn serviceable(&self) -> bool {
        self.serviceable
    }

    /// Seconds left before an abandoned session resets, when the warning should show.
    pub fn warning(&self) -> Option<u64> {
        if !self.times_out() {
            return None;
        }
        let idle = self.now.saturating_sub(self.last_sign);
        let deadline = self.limits.inactivity_s;
        (idle + self.limits.warning_s >= deadline).then(|| deadline.saturating_sub(idle))
    }

    /// Screens where the applicant's absence ends the session. Not while the booth itself is
    /// busy (processing, uploading, printing) nor on screens that end by themselves.
    fn times_out(&self) -> bool {
        !matches!(
            self.flow,
            Flow::Attract
                | Flow::Processing { .. }
                | Flow::Uploading { .. }
                | Flow::Printing { .. }
                | Flow::Done { .. }
                | Flow::Pending { .. }
                | Flow::Check { looking: true, .. }
        )
    }

    fn go(&mut self, flow: Flow) {
        self.flow = flow;
        self.entered_at = self.now;
    }

    /// Back to attract, wiping the applicant.
    fn reset(&mut self) -> Vec<Effect> {
        self.go(Flow::Attract);
        vec![Effect::Wipe, Effect::ResetTracking]
    }

    /// Feeds one event; returns what the shell must do. Events that make no sense on the
    /// current screen are ignored.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Tick(now) => return self.tick(now),
            Event::Touched(now) => {
                self.now = self.now.max(now);
                self.last_sign = self.now;
                return Vec::new();
            }
            Event::Serviceable(ok) => {
                self.serviceable = ok;
                return Vec::new();
            }
            Event::Cancelled if !matches!(self.flow, Flow::Attract) => return self.reset(),
            _ => {}
        }
        let flow = std::mem::replace(&mut self.flow, Flow::Attract);
        let (flow, effects) = self.step(flow, event);
        self.flow = flow;
        effects
    }

    fn tick(&mut self, now: u64) -> Vec<Effect> {
        self.now = self.now.max(now);
        let in_state = self.now.saturating_sub(self.entered_at);
        match &self.flow {
            Flow::Done { .. } | Flow::Pending { .. } if in_state >= self.limits.farewell_s => {
                return self.reset();
            }
            Flow::Countdown {
                order,
                attempts,
                left,
            } => {
                if self.now > self.last_countdown {
                    self.last_countdown = self.now;
                    let (order, attempts, left) = (order.clone(), *attempts, *left);
                    if left <= 1 {
                        let document = order.document.clone();
                        self.go(Flow::Processing {
                            order,
                            attempts: attempts + 1,
                        });
                        return vec![Effect::Capture { document }];
                    }
                    self.flow = Flow::Countdown {
                        order,
                        attempts,
                        left: left - 1,
                    };
                }
                return Vec::new();
            }
            _ => {}
        }
        if self.times_out() && self.now.saturating_sub(self.last_sign) >= self.limits.inactivity_s {
            return self.reset();
        }
        Vec::new()
    }

    fn step(&mut self, flow: Flow, event: Event) -> (Flow, Vec<Effect>) {
        let none = Vec::new;
        let entered = |s: &mut Session, f: Flow| {
            s.entered_at = s.now;
            f
        };
        match (flow, event) {
            (Flow::Attract, Event::Started) if self.serviceable => {
                self.last_sign = self.now;
                (entered(self, Flow::Document), none())
            }
            (Flow::Document, Event::DocumentChosen(document)) => {
                (entered(self, Flow::City { document }), none())
            }
            (Flow::Document, Event::Back) => (entered(self, Flow::Attract), vec![Effect::Wipe]),
            (Flow::Attract, Event::CheckStarted) if self.serviceable => {
                self.last_sign = self.now;
                let check = Flow::Check {
                    looking: false,
                    note: None,
                };
                (entered(self, check), none())
            }
            (Flow::Check { looking: false, .. }, Event::CheckCode(code)) => {
                let code = code.trim().to_ascii_lowercase();
                let check = Flow::Check {
                    looking: true,
                    note: None,
                };
                (entered(self, check), vec![Effect::Lookup(code)])
            }
            (Flow::Check { looking: false, .. }, Event::Back) => {
                (entered(self, Flow::Attract), vec![Effect::Wipe])
            }
            (Flow::Check { looking: true, .. }, Event::Looked(found)) => match found {
                Lookup::Approved(job) => (
                    entered(
                        self,
                        Flow::Printing {
                            job: Arc::clone(&job),
                            reprinted: false,
                        },
                    ),
                    vec![Effect::Print(job)],
                ),
                // The retake is free, as after any rejection: the same order, a new photo. The
                // retake sends a new submission, so this one is done: its data may go.
                Lookup::Rejected {
                    submission,
                    order,
                    reasons,
                } => {
                    let rejected = self.rejected(order, 0, reasons);
                    (entered(self, rejected), vec![Effect::Release(submission)])
                }
                Lookup::Nothing(note) => {
                    let check = Flow::Check {
                        looking: false,
                        note: Some(note),
                    };
                    (entered(self, check), none())
                }
            },
            (Flow::City { document }, Event::CityChosen(city)) => {
                (entered(self, Flow::Details { document, city }), none())
            }
            (Flow::City { .. }, Event::Back) => (entered(self, Flow::Document), none()),
            (Flow::Details { document, city }, Event::DetailsEntered(applicant, today))
                if applicant.city_code == city =>
            {
                let guardian = applicant.needs_guardian_consent(today);
                let order = Order {
                    document,
                    applicant,
                };
                (entered(self, Flow::Consent { order, guardian }), none())
            }
            (Flow::Details { document, .. }, Event::Back) => {
                (entered(self, Flow::City { document }), none())
            }
            (Flow::Consent { order, guardian }, Event::Consented) => {
                (entered(self, Flow::Rules { order, guardian }), none())
            }
            (Flow::Rules { order, .. }, Event::RulesRead) => (
                entered(
                    self,
                    Flow::Pose {
                        order,
                        attempts: 0,
                        good_for: 0,
                    },
                ),
                vec![Effect::ResetTracking],
            ),
            (Flow::Rules { order, guardian }, Event::Back) => {
                (entered(self, Flow::Consent { order, guardian }), none())
            }
            (Flow::Consent { order, .. }, Event::Back) => {
                let (document, city) = (order.document, order.applicant.city_code);
                (entered(self, Flow::Details { document, city }), none())
            }
            (
                Flow::Pose {
                    order,
                    attempts,
                    good_for,
                },
                Event::Guided(advice),
            ) => {
                // Standing at the camera being guided is being there, touch or no touch.
                if advice != Advice::NoFace {
                    self.last_sign = self.now;
                }
                let good_for = if advice == Advice::Good {
                    good_for + 1
                } else {
                    0
                };
                if good_for >= self.limits.good_updates {
                    (self.countdown(order, attempts), none())
                } else {
                    (
                        Flow::Pose {
                            order,
                            attempts,
                            good_for,
                        },
                        none(),
                    )
                }
            }
            (
                Flow::Pose {
                    order, attempts, ..
                },
                Event::Shutter,
            ) => (self.countdown(order, attempts), none()),
            (Flow::Processing { order, attempts }, Event::Processed(Ok(photo))) => {
                let retake = attempts < self.limits.max_attempts;
                let review = Flow::Review {
                    order,
                    attempts,
                    photo,
                    retake,
                };
                (entered(self, review), none())
            }
            (Flow::Processing { order, attempts }, Event::Processed(Err(_))) => {
                let failed = self.failed(order, attempts);
                (entered(self, failed), none())
            }
            // At the limit the screens offer no retake (the rejection sends to the staff): a
            // stray retake changes nothing, rather than silently ending the session.
            (
                flow @ (Flow::Rejected { retake: false, .. } | Flow::Review { retake: false, .. }),
                Event::Retake,
            ) => (flow, none()),
            (
                Flow::Review {
                    order, attempts, ..
                }
                | Flow::Rejected {
                    order, attempts, ..
                },
                Event::Retake,
            ) => (
                entered(
                    self,
                    Flow::Pose {
                        order,
                        attempts,
                        good_for: 0,
                    },
                ),
                vec![Effect::ResetTracking],
            ),
            (
                Flow::Review {
                    order,
                    attempts,
                    photo,
                    ..
                },
                Event::Accepted,
            ) => {
                if !photo.reasons.is_empty() {
                    // The booth's own check already refuses it: no need to ask the center.
                    let rejected = self.rejected(order, attempts, photo.reasons.clone());
                    return (entered(self, rejected), none());
                }
                let id = uuid::Uuid::new_v4().to_string();
                let effect = Effect::Submit {
                    id: id.clone(),
                    order: order.clone(),
                    photo: Arc::clone(&photo),
                };
                (
                    entered(
                        self,
                        Flow::Uploading {
                            order,
                            attempts,
                            photo,
                            submission: id,
                        },
                    ),
                    vec![effect],
                )
            }
            (
                Flow::Uploading {
                    order,
                    attempts,
                    photo,
                    submission,
                },
                Event::Answered(answer),
            ) if answer.id == submission => match answer.status {
                Status::Approved => {
                    let job = Arc::new(ReceiptJob {
                        order,
                        submission: answer,
                        photo,
                    });
                    (
                        entered(
                            self,
                            Flow::Printing {
                                job: Arc::clone(&job),
                                reprinted: false,
                            },
                        ),
                        vec![Effect::Print(job)],
                    )
                }
                Status::Rejected => {
                    let mut reasons: Vec<Reason> = answer.reasons.iter().map(|r| r.code).collect();
                    if reasons.is_empty() {
                        reasons.push(Reason::Other);
                    }
                    // This submission is done: its data may go. A rejection that comes after
                    // the wait budget is not taken here (the session holds a ticket by then),
                    // so the outbox keeps what "check my submission" needs.
                    let rejected = self.rejected(order, attempts, reasons);
                    (entered(self, rejected), vec![Effect::Release(submission)])
                }
                Status::Pending => self.pending(submission),
            },
            (Flow::Uploading { submission, .. }, Event::AnswerLate) => self.pending(submission),
            // Nothing was sent, so there is no ticket to give: a retake, and the operator's logs.
            (
                Flow::Uploading {
                    order, attempts, ..
                },
                Event::NotStored,
            ) => {
                let failed = self.failed(order, attempts);
                (entered(self, failed), none())
            }
            (Flow::Printing { job, .. }, Event::Printed(Ok(()))) => {
                let receipt_no = job.submission.receipt_no.clone().unwrap_or_default();
                let release = Effect::Release(job.submission.id.clone());
                // The receipt first; the photo after it, from the job's own copy of the JPEG, so
                // the outbox's copy and the screens may go at once.
                let done = Flow::Done {
                    receipt_no,
                    photo_held: false,
                };
                (
                    entered(self, done),
                    vec![Effect::PrintPhoto(job), release, Effect::Wipe],
                )
            }
            (
                Flow::Done {
                    receipt_no,
                    photo_held: false,
                },
                Event::PhotoPrinted(Err(_)),
            ) => {
                // The applicant gets the full farewell time to read where the photo is.
                let done = Flow::Done {
                    receipt_no,
                    photo_held: true,
                };
                (entered(self, done), none())
            }
            (Flow::Printing { job, reprinted }, Event::Printed(Err(_))) => {
                // The applicant gets the full time to note the number, however long the
                // upload and the printer took.
                self.last_sign = self.now;
                (entered(self, Flow::PrintFailed { job, reprinted }), none())
            }
            // The printer is back while the applicant still reads its number: print it, once.
            (
                Flow::PrintFailed {
                    job,
                    reprinted: false,
                },
                Event::PrinterReady,
            ) => self.reprint(job, true),
            (Flow::PrintFailed { job, reprinted }, Event::PrintAgain) => {
                self.reprint(job, reprinted)
            }
            (
                Flow::Done { .. } | Flow::Pending { .. } | Flow::PrintFailed { .. },
                Event::Started | Event::Back,
            ) => {
                let effects = self.reset();
                (Flow::Attract, effects)
            }
            (flow, _) => (flow, none()),
        }
    }

    fn countdown(&mut self, order: Order, attempts: u32) -> Flow {
        self.entered_at = self.now;
        self.last_countdown = self.now;
        Flow::Countdown {
            order,
            attempts,
            left: self.limits.countdown_s.max(1),
        }
    }

    /// The booth itself failed (the photo could not be made, the submission not stored): a
    /// retake, as after a rejection.
    fn failed(&self, order: Order, attempts: u32) -> Flow {
        self.rejected(order, attempts, vec![Reason::Other])
    }

    /// A refusal, with a retake while the session has photos left.
    fn rejected(&self, order: Order, attempts: u32, reasons: Vec<Reason>) -> Flow {
        Flow::Rejected {
            order,
            attempts,
            reasons,
            retake: attempts < self.limits.max_attempts,
        }
    }

    /// Back to printing the queued receipt of `job`.
    fn reprint(&mut self, job: Arc<ReceiptJob>, reprinted: bool) -> (Flow, Vec<Effect>) {
        self.entered_at = self.now;
        let effect = Effect::Reprint(Arc::clone(&job));
        (Flow::Printing { job, reprinted }, vec![effect])
    }

    fn pending(&mut self, submission: String) -> (Flow, Vec<Effect>) {
        self.entered_at = self.now;
        let effects = vec![Effect::PrintTicket(submission.clone()), Effect::Wipe];
        (Flow::Pending { submission }, effects)
    }
}
