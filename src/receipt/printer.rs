//! Printers behind one trait: the serial ESC/POS printer (issue #5) and the demo's virtual
//! printer, which writes each receipt into the data folder.

use std::path::PathBuf;

use super::escpos::Profile;
use super::font::FontFile;
use super::model::Receipt;
use super::render::{Glyphs, RenderError, png};
use super::serial::Status;

/// The PNG of a job, drawn with the system's CJK font.
pub fn preview(job: &[u8], dots: u32) -> Result<Vec<u8>, RenderError> {
    png(job, dots, &Glyphs::new(&FontFile::system()?)?)
}

/// Why a receipt did not print. It stays queued until it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// Out of paper.
    #[error("printer: paper out")]
    PaperOut,
    /// Not answering, or the port is gone.
    #[error("printer: offline: {0}")]
    Offline(String),
    /// A reprint of a job that is not waiting (printed already, or never queued).
    #[error("printer: nothing waits under {0}")]
    NotQueued(String),
}

/// The queue's name of the receipt numbered `receipt_no`, for [`Printer::reprint`].
pub fn receipt_job(receipt_no: &str) -> String {
    format!("receipt-{}", super::model::clean(receipt_no))
}

/// The queue's name of the pending ticket of `submission`, for [`Printer::reprint`].
pub fn ticket_job(submission: &str) -> String {
    format!("ticket-{}", super::model::clean(submission))
}

/// Something that prints receipts and tickets.
pub trait Printer: Send + Sync {
    /// Prints a receipt; `Ok` only once the printer confirmed it.
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError>;
    /// Prints a pending ticket with the local submission id.
    fn print_ticket(&self, submission: &str) -> Result<(), PrintError>;
    /// What the printer says of itself (each status bit), for the operator. May block for up to
    /// a second on a real printer: ask from a worker thread. A printer that cannot tell (the
    /// demo's) reports ready.
    fn status(&self) -> Result<Status, PrintError> {
        Ok(Status {
            online: true,
            ..Status::default()
        })
    }
    /// Prints a test receipt for the operator, past the queue: it is never queued, and no
    /// waiting job is sent with it. `Ok` only once the printer confirmed it.
    fn test_print(&self, receipt: &Receipt) -> Result<(), PrintError> {
        self.print_receipt(receipt)
    }
    /// Receipts and tickets waiting for the printer (not confirmed: paper out, offline).
    fn queued(&self) -> usize {
        self.queued_jobs().len()
    }
    /// The names of the jobs waiting, oldest first ([`receipt_job`], [`ticket_job`]).
    fn queued_jobs(&self) -> Vec<String> {
        Vec::new()
    }
    /// Prints the waiting job `job` (a name from [`Printer::queued_jobs`]) once, and nothing
    /// else: a waiting job prints only when the operator or its own applicant asks for it.
    fn reprint(&self, job: &str) -> Result<(), PrintError> {
        Err(PrintError::NotQueued(job.to_owned()))
    }
    /// The bytes of the oldest job waiting, for the operator's preview.
    fn oldest_queued(&self) -> Option<Vec<u8>> {
        None
    }
}

/// The demo's printer: each receipt becomes the ESC/POS bytes a printer would get, the same as
/// text, and a PNG of the paper (drawn from the bytes by our own reader), in `dir`.
#[derive(Debug, Clone)]
pub struct VirtualPrinter {
    dir: PathBuf,
    profile: Profile,
}

impl VirtualPrinter {
    /// A printer of `profile` writing into `dir` (created if missing).
    pub fn new(dir: PathBuf, profile: Profile) -> Self {
        VirtualPrinter { dir, profile }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), PrintError> {
        let offline =
            |e: std::io::Error| PrintError::Offline(format!("{}: {e}", self.dir.display()));
        std::fs::create_dir_all(&self.dir).map_err(offline)?;
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(offline)?;
        tracing::info!(path = %path.display(), "virtual printer: printed");
        Ok(())
    }
}

impl Printer for VirtualPrinter {
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError> {
        let name = format!("receipt-{}", receipt.receipt_no);
        let job = receipt.escpos(self.profile);
        self.write(&format!("{name}.escpos"), &job)?;
        self.write(
            &format!("{name}.txt"),
            (receipt.lines().join("\n") + "\n").as_bytes(),
        )?;
        // The preview is for people; a booth without the font still prints.
        match preview(&job, self.profile.dots) {
            Ok(png) => self.write(&format!("{name}.png"), &png),
            Err(e) => {
                tracing::warn!(error = %e, "virtual printer: no PNG preview");
                Ok(())
            }
        }
    }

    fn print_ticket(&self, submission: &str) -> Result<(), PrintError> {
        let id = super::model::clean(submission);
        let lines = super::ticket::ticket_lines(&id);
        self.write(
            &format!("ticket-{id}.escpos"),
            &super::ticket::ticket_escpos(&id, self.profile),
        )?;
        self.write(
            &format!("ticket-{id}.txt"),
            (lines.join("\n") + "\n").as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::config::{Cut, QrMode};

    #[test]
    fn the_virtual_printer_writes_bytes_text_and_a_preview() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = Profile {
            dots: 384,
            chinese_mode: true,
            code_page: 0,
            cut: Cut::Full,
            qr: QrMode::Native,
        };
        let receipt = super::super::sample::sample_receipt();
        VirtualPrinter::new(dir.path().to_path_buf(), profile)
            .print_receipt(&receipt)
            .expect("printed");
        let name = dir.path().join(format!("receipt-{}", receipt.receipt_no));
        let job = std::fs::read(name.with_extension("escpos")).expect("the job");
        assert!(
            std::fs::read_to_string(name.with_extension("txt")).is_ok_and(|t| t.contains("回执号"))
        );
        let png = image::open(name.with_extension("png")).expect("the preview");
        assert_eq!(png.width(), 464, "58 mm paper under a 384-dot head");
        assert_eq!(
            std::fs::read(name.with_extension("png")).ok(),
            preview(&job, 384).ok()
        );
    }
}
