//! Photo printers behind one trait: CUPS or an IPP printer through the disk queue, and the
//! demo's virtual printer, which keeps the sheet as a PDF beside the receipt.

use std::path::PathBuf;

use super::client::IppClient;
use super::config::PhotoPrinterConfig;
use super::error::PhotoPrintError;
use super::queue::{PhotoQueue, Sent};
use super::status::{PrinterStatus, State};
use crate::receipt::pdf::{Jpeg, jpeg_sheet};
use crate::spec::Spec;

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
    media: String,
    /// One sheet at a time: the session's worker and the operator's reprint of the same sheet
    /// must not both send it.
    sending: std::sync::Mutex<()>,
}

impl CupsPhotoPrinter {
    /// The printer of `config`, its queue under `queue_dir`.
    pub fn new(
        config: &PhotoPrinterConfig,
        queue_dir: &std::path::Path,
    ) -> Result<Self, PhotoPrintError> {
        let target = config.target().map_err(|why| PhotoPrintError::Refused {
            printer: config.printer.clone(),
            why,
        })?;
        Ok(CupsPhotoPrinter {
            client: IppClient::new(target)?,
            queue: PhotoQueue::open(queue_dir)?,
            media: config.media.clone(),
            sending: std::sync::Mutex::new(()),
        })
    }

    fn send(&self, job: &str) -> Result<(), PhotoPrintError> {
        let _one = self
            .sending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.queue.print(job, &self.client, &self.media)? {
            Sent::Now(id) | Sent::Before(id) => {
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
        self.client.status()
    }
}

/// The demo's photo printer: each sheet becomes `<dir>/<job>.pdf`, beside the receipts (and
/// wiped with them by the receipt printer's retention sweep).
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
        })
    }
}
