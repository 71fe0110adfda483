//! Photo printers behind one trait: CUPS or an IPP printer through the disk queue, and the
//! demo's virtual printer, which keeps the sheet as a PDF beside the receipt.

use std::path::PathBuf;

use super::client::{IppClient, Printed};
use super::config::PhotoPrinterConfig;
use super::error::PhotoPrintError;
use super::media::{MediaSupport, Paper};
use super::queue::{PhotoQueue, Sent};
use super::status::{PrinterStatus, State};
use crate::receipt::pdf::{Jpeg, jpeg_sheet, jpeg_sheet_png};
use crate::spec::Spec;

/// The PNG preview's resolution: 150 dpi, 600×900 for the 4×6 in sheet.
const PREVIEW_DPI: u32 = 150;

/// The queue's name of the sheet of submission `submission`.
pub fn photo_job(submission: &str) -> String {
    format!("photo-{}", super::queue::clean_name(submission))
}

/// The sheet: `copies` of the approved JPEG at `spec`'s print size, as a PDF.
pub fn sheet(jpeg: &[u8], spec: &Spec, copies: u32) -> Result<Vec<u8>, PhotoPrintError> {
    jpeg_sheet(
        Jpeg {
            bytes: jpeg,
            print_mm: spec.print_mm,
        },
        Some(copies),
    )
    .map_err(|e| PhotoPrintError::Sheet(e.to_string()))
}

/// Something that prints photo sheets.
pub trait PhotoPrinter: Send + Sync {
    /// Queues the sheet `pdf` as `job` and sends it; `Ok` once the printer took it. A sheet that
    /// could not go stays queued for [`PhotoPrinter::reprint`].
    fn print_sheet(&self, job: &str, pdf: &[u8]) -> Result<(), PhotoPrintError>;
    /// Lays out the sheet of the approved `jpeg` ([`sheet`]: `copies` at `spec`'s print size)
    /// and prints it as `job`, as [`PhotoPrinter::print_sheet`].
    fn print_photo(
        &self,
        job: &str,
        jpeg: &[u8],
        spec: &Spec,
        copies: u32,
    ) -> Result<(), PhotoPrintError> {
        self.print_sheet(job, &sheet(jpeg, spec, copies)?)
    }
    /// Sends the waiting sheet `job` once, and nothing else.
    fn reprint(&self, job: &str) -> Result<(), PhotoPrintError>;
    /// The sheets waiting, oldest first.
    fn queued_jobs(&self) -> Vec<String>;
    /// The printer's state and supplies. Blocks up to a few seconds on a real printer: ask from
    /// a worker thread.
    fn status(&self) -> Result<PrinterStatus, PhotoPrintError>;
}

/// A CUPS queue or an IPP printer, through the disk queue in `<data>/photo-queue`.
#[derive(Debug)]
pub struct CupsPhotoPrinter {
    client: IppClient,
    queue: PhotoQueue,
    paper: Paper,
    /// How long a held sheet waits before it is deleted (`held_hours`).
    held: std::time::Duration,
    /// When held sheets were last looked at for their age.
    swept: std::sync::Mutex<std::time::Instant>,
    /// One sheet at a time: the session's worker and the operator's reprint of the same sheet
    /// must not both send it.
    sending: std::sync::Mutex<()>,
}

impl CupsPhotoPrinter {
    /// The printer of `config`, its queue under `queue_dir`. Held sheets older than
    /// `held_hours` are deleted now, and then at most once a minute as the status is asked.
    pub fn new(
        config: &PhotoPrinterConfig,
        queue_dir: &std::path::Path,
    ) -> Result<Self, PhotoPrintError> {
        let target = config.target().map_err(|why| PhotoPrintError::Refused {
            printer: config.printer.clone(),
            why,
        })?;
        let printer = CupsPhotoPrinter {
            client: IppClient::new(target)?,
            queue: PhotoQueue::open(queue_dir)?,
            paper: config.paper(),
            held: config.held_for(),
            swept: std::sync::Mutex::new(std::time::Instant::now()),
            sending: std::sync::Mutex::new(()),
        };
        printer.sweep();
        Ok(printer)
    }

    /// Deletes the held (and damaged) sheets older than the retention: photo data is personal.
    /// The log names no job: a count and the retention only.
    fn sweep(&self) {
        // Not while a sheet is being sent (that can take a minute): the status poll that asked
        // must not wait for it, and the next sweep comes a minute later.
        let _one = match self.sending.try_lock() {
            Ok(one) => one,
            Err(std::sync::TryLockError::Poisoned(one)) => one.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        let hours = self.held.as_secs() / 3600;
        match self.queue.wipe_held(self.held) {
            Ok(0) => {}
            Ok(sheets) => tracing::info!(
                sheets,
                held_hours = hours,
                "photo printer: held sheets past their retention deleted"
            ),
            Err(error) => tracing::warn!(%error, "photo printer: held sheets cannot be deleted"),
        }
    }

    /// Sweeps when the last sweep is a minute old.
    fn sweep_if_due(&self) {
        let due = {
            let mut last = self
                .swept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = last.elapsed() >= std::time::Duration::from_secs(60);
            if due {
                *last = std::time::Instant::now();
            }
            due
        };
        if due {
            self.sweep();
        }
    }

    fn send(&self, job: &str) -> Result<(), PhotoPrintError> {
        let _one = self
            .sending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.queue.print(job, &self.client, &self.paper)? {
            Sent::Now(Printed { job: id, .. }) | Sent::Before(id) => {
                tracing::info!(job = id, "photo printer: sheet taken");
                Ok(())
            }
        }
    }
}

impl PhotoPrinter for CupsPhotoPrinter {
    fn print_sheet(&self, job: &str, pdf: &[u8]) -> Result<(), PhotoPrintError> {
        self.queue.push(job, pdf)?;
        self.send(job)
    }

    fn reprint(&self, job: &str) -> Result<(), PhotoPrintError> {
        self.send(job)
    }

    fn queued_jobs(&self) -> Vec<String> {
        self.queue.waiting().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "photo printer: queue unreadable");
            Vec::new()
        })
    }

    fn status(&self) -> Result<PrinterStatus, PhotoPrintError> {
        self.sweep_if_due();
        self.client.status()
    }
}

/// The demo's photo printer: each sheet becomes `<dir>/<job>.pdf`, and with
/// [`PhotoPrinter::print_photo`] a PNG preview `<dir>/<job>.png` too, beside the receipts, wiped
/// with them (and with the session's other data) after `kiosk.retention_hours` by the receipt
/// printer's sweep of that folder.
#[derive(Debug)]
pub struct VirtualPhotoPrinter {
    dir: PathBuf,
}

impl VirtualPhotoPrinter {
    /// A printer writing into `dir` (created if missing, owner-only).
    pub fn new(dir: PathBuf) -> Self {
        VirtualPhotoPrinter { dir }
    }
}

impl PhotoPrinter for VirtualPhotoPrinter {
    fn print_sheet(&self, job: &str, pdf: &[u8]) -> Result<(), PhotoPrintError> {
        let io = |e: std::io::Error| PhotoPrintError::Queue(format!("{}: {e}", self.dir.display()));
        crate::private::folder(&self.dir).map_err(io)?;
        let path = self
            .dir
            .join(format!("{}.pdf", super::queue::clean_name(job)));
        crate::private::file_synced(&path, pdf).map_err(io)?;
        tracing::info!(path = %path.display(), "virtual photo printer: printed");
        Ok(())
    }

    fn print_photo(
        &self,
        job: &str,
        jpeg: &[u8],
        spec: &Spec,
        copies: u32,
    ) -> Result<(), PhotoPrintError> {
        self.print_sheet(job, &sheet(jpeg, spec, copies)?)?;
        // The preview is for people; the sheet is printed without it.
        let png = jpeg_sheet_png(jpeg, spec.print_mm, Some(copies), PREVIEW_DPI)
            .map_err(|e| e.to_string())
            .and_then(|png| {
                let path = self
                    .dir
                    .join(format!("{}.png", super::queue::clean_name(job)));
                crate::private::file_synced(&path, &png).map_err(|e| e.to_string())
            });
        if let Err(error) = png {
            tracing::warn!(%error, "virtual photo printer: no PNG preview");
        }
        Ok(())
    }

    fn reprint(&self, job: &str) -> Result<(), PhotoPrintError> {
        Err(PhotoPrintError::NotQueued(job.to_owned()))
    }

    fn queued_jobs(&self) -> Vec<String> {
        Vec::new()
    }

    fn status(&self) -> Result<PrinterStatus, PhotoPrintError> {
        Ok(PrinterStatus {
            state: State::Idle,
            reasons: Vec::new(),
            accepting: true,
            markers: Vec::new(),
            // It writes the sheet as it is: no margins.
            media: MediaSupport::everything(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_sheets_past_their_retention_are_deleted_and_the_young_kept() {
        let dir = tempfile::tempdir().expect("temp");
        let queue = PhotoQueue::open(dir.path()).expect("queue");
        for name in ["photo-old", "photo-young"] {
            queue.push(name, b"%PDF-1.7 sheet").expect("push");
        }
        // Held since the day before yesterday: paper out, and nobody came back for it.
        std::fs::File::options()
            .write(true)
            .open(dir.path().join("queue/photo-old.pdf"))
            .expect("open")
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(49 * 3600))
            .expect("age it");
        let config: PhotoPrinterConfig =
            toml::from_str("printer = \"ipp://127.0.0.1:9/ipp/print\"\nheld_hours = 48")
                .expect("config");
        // The printer need not answer: the sweep is the queue's, at the start.
        let printer = CupsPhotoPrinter::new(&config, dir.path()).expect("printer");
        assert_eq!(printer.queued_jobs(), ["photo-young"]);
        assert!(!dir.path().join("queue/photo-old.pdf").exists());
        // Kept an hour, the young one (seconds old) stays as well.
        let config = PhotoPrinterConfig {
            held_hours: 1,
            ..config
        };
        let printer = CupsPhotoPrinter::new(&config, dir.path()).expect("printer");
        assert_eq!(printer.queued_jobs(), ["photo-young"]);
    }
}
