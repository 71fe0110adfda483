//! The photo printer's one thread (`photo`), started once and kept: it sends the sheets the
//! sessions ask for, in order, and between them asks the printer for its state and counts its
//! waiting sheets for the maintenance screen.
//!
//! One kept thread, not a worker per sheet beside a watch thread: glibc gives a thread that
//! starts while every malloc arena is taken (at most 8 per core) an arena another thread already
//! uses, and over many sessions the short-lived workers then leave their high-water mark in every
//! arena in turn. The booth's RSS grew 1.23× from session 50 to 200 that way with a sheet worker
//! per session (#15, `tests/all/memory.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::lock;
use crate::ops::health::PhotoHealth;
use crate::photoprint::PhotoPrinter;

/// Work for the photo thread: it is handed the printer.
pub(super) type Job = Box<dyn FnOnce(&dyn PhotoPrinter) + Send>;

/// The way to the photo thread.
pub(super) struct PhotoDesk {
    jobs: Sender<Job>,
}

impl PhotoDesk {
    /// Starts the photo thread: `printer` asked every `every` into `slot` until `stop`, and the
    /// jobs sent run as they come. `None` (logged) when the system gives no thread.
    pub(super) fn start(
        printer: Arc<dyn PhotoPrinter>,
        every: Duration,
        slot: Arc<Mutex<Option<PhotoHealth>>>,
        stop: Arc<AtomicBool>,
    ) -> Option<PhotoDesk> {
        let (jobs, queue) = channel();
        let spawned = std::thread::Builder::new()
            .name("photo".into())
            .spawn(move || run(printer.as_ref(), every, &slot, &stop, &queue));
        match spawned {
            Ok(_) => Some(PhotoDesk { jobs }),
            Err(error) => {
                tracing::error!(%error, "photo printer: cannot start its thread");
                None
            }
        }
    }

    /// Hands `job` to the photo thread; gives it back when that thread is gone (a job panicked,
    /// or the booth is closing).
    pub(super) fn send(&self, job: Job) -> Result<(), Job> {
        self.jobs.send(job).map_err(|e| e.0)
    }
}

/// The photo thread: the printer asked at once and every `every`, and after each job (a sheet
/// may have emptied the tray); jobs run in between, until `stop` or until the desk is dropped.
fn run(
    printer: &dyn PhotoPrinter,
    every: Duration,
    slot: &Mutex<Option<PhotoHealth>>,
    stop: &AtomicBool,
    queue: &Receiver<Job>,
) {
    let mut due = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if Instant::now() >= due {
            let health = PhotoHealth {
                status: printer.status(),
                waiting: printer.queued_jobs().len(),
            };
            *lock(slot) = Some(health);
            due = Instant::now() + every;
        }
        match queue.recv_timeout(due.saturating_duration_since(Instant::now())) {
            Ok(job) => {
                job(printer);
                due = Instant::now();
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photoprint::VirtualPhotoPrinter;

    #[test]
    fn every_job_runs_on_the_one_photo_thread_in_order_and_the_printer_is_asked() {
        let dir = tempfile::tempdir().expect("temp");
        let printer: Arc<dyn PhotoPrinter> =
            Arc::new(VirtualPhotoPrinter::new(dir.path().join("sheets")));
        let slot = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let desk = PhotoDesk::start(
            printer,
            Duration::from_secs(3600),
            Arc::clone(&slot),
            Arc::clone(&stop),
        )
        .expect("a thread");
        let (done, ran) = channel();
        for n in 0..3 {
            let done = done.clone();
            let sent = desk.send(Box::new(move |printer: &dyn PhotoPrinter| {
                let printed = printer.print_sheet(&format!("photo-{n}"), b"%PDF-1.7");
                let thread = std::thread::current();
                let _ = done.send((n, thread.id(), thread.name().map(str::to_owned), printed));
            }));
            assert!(sent.is_ok(), "the photo thread took job {n}");
        }
        let within = Duration::from_secs(10);
        let runs: Vec<_> = (0..3)
            .map(|_| ran.recv_timeout(within).expect("a job ran"))
            .collect();
        assert_eq!(runs.iter().map(|r| r.0).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(
            runs.iter().all(|r| r.1 == runs[0].1),
            "one thread: {runs:?}"
        );
        assert_ne!(runs[0].1, std::thread::current().id());
        assert!(runs.iter().all(|r| r.2.as_deref() == Some("photo")));
        assert!(runs.iter().all(|r| r.3.is_ok()), "{runs:?}");
        for n in 0..3 {
            assert!(dir.path().join(format!("sheets/photo-{n}.pdf")).is_file());
        }
        // Asked at the start although the next poll is an hour away: after each job too.
        let start = Instant::now();
        while lock(&slot).is_none() {
            assert!(start.elapsed() < within, "the printer was never asked");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(lock(&slot).as_ref().map(|h| h.waiting), Some(0));
        // Stopped: the thread ends and takes no more jobs.
        stop.store(true, Ordering::SeqCst);
        let start = Instant::now();
        loop {
            let (tx, _rx) = channel::<()>();
            if desk
                .send(Box::new(move |_: &dyn PhotoPrinter| drop(tx)))
                .is_err()
            {
                break;
            }
            assert!(start.elapsed() < within, "the photo thread did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
