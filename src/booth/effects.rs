//! The session's effects, run: the quick ones here and now, the slow ones each as a worker on
//! its own named thread (`capture`, `submit`, `print`, `reprint`, `release`, `lookup`,
//! `ticket`); the photo sheet on the photo printer's kept thread (`photo`, see `photo_desk`). A worker takes what it needs and answers the session through a [`Reply`] with the
//! event its effect promises.

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use super::{Shell, Wake};
use crate::center::Center;
use crate::center::api::{ApplicantMeta, Meta, Parcel};
use crate::i18n::Language;
use crate::ops::Config;
use crate::photo;
use crate::photoprint::{self, PhotoPrinter};
use crate::receipt::{Printer, Receipt};
use crate::session::{CheckNote, Effect, Event, Lookup, Photo, ReceiptJob};
use crate::spec::{Cities, Reason, Spec};
use crate::vision::{Face, Thresholds, with_detector};

/// How a worker answers the session: over the shell's channel, then a wake-up for the screen,
/// which drains the channel in its next frame.
#[derive(Clone)]
struct Reply {
    events: Sender<Event>,
    wake: Wake,
}

impl Reply {
    fn send(&self, event: Event) {
        // The shell is gone (the booth is closing): nobody waits for the answer.
        let _ = self.events.send(event);
        (self.wake)();
    }
}

/// Starts `work` on a thread called `name`. When the system gives no thread, that is logged and,
/// for an effect that promises an answer, `failed` is sent in its place: the flow waits for it
/// on screens that do not time out.
fn spawn(
    name: &str,
    reply: &Reply,
    failed: Option<Event>,
    work: impl FnOnce(Reply) + Send + 'static,
) {
    let worker = reply.clone();
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || work(worker));
    if let Err(error) = spawned {
        tracing::error!(%error, worker = name, "cannot start a worker thread");
        if let Some(event) = failed {
            reply.send(event);
        }
    }
}

impl Shell {
    /// Runs one of the session's effects.
    pub(super) fn run(&mut self, effect: Effect) {
        let reply = Reply {
            events: self.events.0.clone(),
            wake: Arc::clone(&self.wake),
        };
        match effect {
            Effect::ResetTracking => {
                if let Some(walk_in) = &self.parts.walk_in {
                    walk_in();
                }
                self.sight.reset();
            }
            Effect::Wipe => {
                self.sight.forget();
                self.last_guided = None;
                // The applicant's frames, photo and sheet are freed: the booth gives the memory
                // back rather than keep its peak between applicants.
                crate::ops::allocator::give_back();
            }
            Effect::Capture { document } => {
                // The frame the guidance last judged, with its face; else the newest frame.
                let (live, alive) = self.sight.shot();
                let face = live.as_ref().and_then(|l| l.face);
                let frame = live
                    .map(|l| l.image)
                    .or_else(|| self.parts.camera.latest().map(|f| f.image));
                let shot = Shot {
                    frame,
                    face,
                    alive,
                    spec: self.parts.config.documents.get(&document).cloned(),
                    thresholds: self.parts.config.thresholds,
                    // Stamped now, at the shot: the center judges the oldest capture first.
                    captured_at: chrono::Local::now().to_rfc3339(),
                };
                let failed = Event::Processed(Err("the capture worker did not start".to_owned()));
                spawn("capture", &reply, Some(failed), move |reply| {
                    capture(shot, &reply);
                });
            }
            Effect::Submit { id, order, photo } => {
                self.uploading_since = Some(self.now());
                let center = Arc::clone(&self.parts.center);
                let wait = Duration::from_secs(self.parts.config.kiosk.center.wait_budget_s);
                let parcel = Parcel {
                    id,
                    meta: Meta {
                        kiosk_id: self.parts.config.kiosk.kiosk.id.clone(),
                        document: order.document.clone(),
                        city_code: order.applicant.city_code.clone(),
                        applicant: ApplicantMeta {
                            name: order.applicant.name.as_str().to_owned(),
                            id_number: order.applicant.id_number.as_str().to_owned(),
                        },
                        captured_at: photo.captured_at.clone(),
                        quality: Default::default(),
                    },
                    photo: photo.jpeg.clone(),
                };
                // Nothing was stored without the worker: a retake, as when the disk fails.
                spawn("submit", &reply, Some(Event::NotStored), move |reply| {
                    submit(center.as_ref(), parcel, wait, &reply);
                });
            }
            Effect::Print(job) => {
                let printer = Arc::clone(&self.parts.printer);
                let config = Arc::clone(&self.parts.config);
                let failed = Event::Printed(Err("the print worker did not start".to_owned()));
                let lang = self.lang;
                spawn("print", &reply, Some(failed), move |reply| {
                    print(printer.as_ref(), &config, &job, lang, &reply);
                });
            }
            Effect::Reprint(job) => {
                let printer = Arc::clone(&self.parts.printer);
                let failed = Event::Printed(Err("the reprint worker did not start".to_owned()));
                spawn("reprint", &reply, Some(failed), move |reply| {
                    reprint(printer.as_ref(), &job, &reply);
                });
            }
            Effect::PrintPhoto(job) => self.print_photo(job, &reply),
            Effect::Release(id) => {
                let center = Arc::clone(&self.parts.center);
                spawn("release", &reply, None, move |_| center.release(&id));
            }
            Effect::Lookup(code) => {
                let center = Arc::clone(&self.parts.center);
                let config = Arc::clone(&self.parts.config);
                // As when the outbox cannot be read: the code finds nothing, the applicant may
                // try again.
                let failed = Event::Looked(Lookup::Nothing(CheckNote::NotFound));
                spawn("lookup", &reply, Some(failed), move |reply| {
                    lookup(center.as_ref(), &config.cities, &code, &reply);
                });
            }
            Effect::PrintTicket(id) => {
                let printer = Arc::clone(&self.parts.printer);
                let lang = self.lang;
                spawn("ticket", &reply, None, move |_| {
                    ticket(printer.as_ref(), &id, lang)
                });
            }
        }
    }
}

impl Shell {
    /// Sends the photo sheet of `job` when its document takes printed photos and the booth has a
    /// photo printer; answers [`Event::PhotoPrinted`] only then. The sheet goes on the photo
    /// printer's own kept thread (`booth::photo_desk`), not on a worker of its own.
    fn print_photo(&mut self, job: Arc<ReceiptJob>, reply: &Reply) {
        if self.parts.photo_printer.is_none() {
            return;
        }
        let config = &self.parts.config;
        let Some(spec) = config.documents.get(&job.order.document).cloned() else {
            return;
        };
        let copies = photoprint::copies_for(config.kiosk.photo_printer.as_ref(), &spec);
        if copies == 0 {
            return;
        }
        let answer = reply.clone();
        let sent = self.send_to_photo_desk(Box::new(move |printer: &dyn PhotoPrinter| {
            let name = photoprint::photo_job(&job.submission.id);
            let result = printer
                .print_photo(&name, &job.photo.jpeg, &spec, copies)
                .map_err(|e| e.to_string());
            if let Err(error) = &result {
                tracing::warn!(%error, "photo sheet not printed; it stays queued");
            }
            answer.send(Event::PhotoPrinted(result));
        }));
        if sent.is_err() {
            tracing::error!("photo printer: no thread to send the sheet on");
            reply.send(Event::PhotoPrinted(Err(
                "the photo printer's thread did not start".to_owned(),
            )));
        }
    }
}

/// All a capture needs, taken at the shot.
struct Shot {
    /// The frame (`None`: the camera gave none).
    frame: Option<Arc<image::RgbImage>>,
    /// The face the guidance found on it, if it judged that frame.
    face: Option<Face>,
    /// Whether the face in view has blinked.
    alive: bool,
    /// The document's spec.
    spec: Option<Spec>,
    thresholds: Thresholds,
    /// When the shot was taken (RFC 3339).
    captured_at: String,
}

/// Normalizes the shot to its document; answers [`Event::Processed`].
fn capture(shot: Shot, reply: &Reply) {
    let Shot {
        frame,
        face,
        alive,
        spec,
        thresholds,
        captured_at,
    } = shot;
    let result = match (frame, spec) {
        (Some(frame), Some(spec)) => match face {
            Some(face) => Ok(photo::process_known(&frame, &face, &spec, &thresholds)),
            None => with_detector(|d| photo::process(d, &frame, &spec, &thresholds))
                .map_err(|e| e.to_string()),
        }
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map(|out| {
            let mut reasons = out.reasons();
            if !alive {
                reasons.push(Reason::NotLive);
            }
            Arc::new(Photo {
                reasons,
                jpeg: out.jpeg.bytes,
                captured_at,
            })
        }),
        _ => Err("no frame from the camera".to_owned()),
    };
    if let Err(error) = &result {
        tracing::warn!(%error, "capture failed");
    }
    reply.send(Event::Processed(result));
}

/// Stores the submission durably and sends it, waiting up to `wait` for the answer; answers
/// [`Event::Answered`], or [`Event::NotStored`] when it could not even be stored.
fn submit(center: &dyn Center, parcel: Parcel, wait: Duration, reply: &Reply) {
    match center.submit(parcel, wait) {
        // The session releases a rejected submission when it takes the answer;
        // one that comes too late is kept for the pending ticket.
        Ok(Some(answer)) => reply.send(Event::Answered(answer)),
        // Delivery goes on behind the scenes; the wait budget ends the wait.
        Ok(None) => tracing::info!("center: no answer within the wait budget"),
        Err(error) => {
            tracing::error!(%error, "outbox: the submission could not be stored");
            reply.send(Event::NotStored);
        }
    }
}

/// Lays out and prints the receipt of `job` for an applicant reading `lang`; answers
/// [`Event::Printed`].
fn print(printer: &dyn Printer, config: &Config, job: &ReceiptJob, lang: Language, reply: &Reply) {
    let mut receipt = Receipt::new(
        &job.submission,
        &job.order.applicant,
        &job.order.document,
        (&config.documents, &config.cities),
        &config.kiosk.kiosk.id,
        lang,
    );
    receipt = receipt.with_layout(&config.receipts);
    receipt.thumbnail = photo::decode(&job.photo.jpeg)
        .ok()
        .map(|rgb| image::imageops::grayscale(&rgb));
    // The outbox's copy goes only once the session has the confirmed print
    // (`Effect::Release`): a failed receipt can still be found by its code.
    let result = printer.print_receipt(&receipt).map_err(|e| e.to_string());
    if let Err(error) = &result {
        tracing::warn!(%error, "printing failed; the receipt stays queued");
    }
    reply.send(Event::Printed(result));
}

/// Prints again the receipt of `job` that stayed in the printer's queue after a failure;
/// answers [`Event::Printed`], `Ok` only once the printer confirmed it.
fn reprint(printer: &dyn Printer, job: &ReceiptJob, reply: &Reply) {
    let receipt_no = job.submission.receipt_no.as_deref().unwrap_or_default();
    let result = printer
        .reprint(&crate::receipt::receipt_job(receipt_no))
        .map_err(|e| e.to_string());
    if let Err(error) = &result {
        tracing::warn!(%error, "printing again failed; the receipt stays queued");
    }
    reply.send(Event::Printed(result));
}

/// Looks a ticket code up in the outbox; answers [`Event::Looked`]. Only reads: the session
/// releases the submission when it is done with it.
fn lookup(center: &dyn Center, cities: &Cities, code: &str, reply: &Reply) {
    let today = chrono::Local::now().date_naive();
    reply.send(Event::Looked(Lookup::of(center.find(code), cities, today)));
}

/// Prints the pending ticket of submission `id`; nothing waits for it.
fn ticket(printer: &dyn Printer, id: &str, lang: Language) {
    if let Err(error) = printer.print_ticket(id, lang) {
        tracing::warn!(%error, "ticket not printed");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::channel;
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_worker_runs_on_a_thread_of_its_name_and_its_answer_wakes_the_screen() {
        let (events, answers) = channel();
        let woken = Arc::new(AtomicUsize::new(0));
        let wake: Wake = {
            let woken = Arc::clone(&woken);
            Arc::new(move || {
                woken.fetch_add(1, Ordering::SeqCst);
            })
        };
        let (named, name) = channel();
        spawn("capture", &Reply { events, wake }, None, move |reply| {
            let _ = named.send(std::thread::current().name().map(str::to_owned));
            reply.send(Event::NotStored);
        });
        let within = Duration::from_secs(10);
        assert_eq!(name.recv_timeout(within), Ok(Some("capture".to_owned())));
        assert_eq!(answers.recv_timeout(within), Ok(Event::NotStored));
        let start = Instant::now();
        while woken.load(Ordering::SeqCst) == 0 {
            assert!(start.elapsed() < within, "the screen was not woken");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
