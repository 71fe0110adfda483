//! Printers behind one trait: the serial ESC/POS printer and the demo's virtual
//! printer, which writes each receipt into the data folder.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use super::escpos::Profile;
use super::model::Receipt;
use super::render::{Glyphs, RenderError, png};
use super::status::{PrintError, Status};
use crate::i18n::Language;
use crate::i18n::font::FontFile;

/// The PNG of a job, drawn with the system's CJK font.
pub fn preview(job: &[u8], dots: u32) -> Result<Vec<u8>, RenderError> {
    png(job, dots, &Glyphs::new(&FontFile::system()?)?)
}

/// The queue's name of the receipt numbered `receipt_no`, for [`Printer::reprint`].
pub fn receipt_job(receipt_no: &str) -> String {
    format!("receipt-{}", super::escpos::clean(receipt_no))
}

/// The queue's name of the pending ticket of `submission`, for [`Printer::reprint`].
pub fn ticket_job(submission: &str) -> String {
    format!("ticket-{}", super::escpos::clean(submission))
}

/// Something that prints receipts and tickets.
pub trait Printer: Send + Sync {
    /// Prints a receipt; `Ok` only once the printer confirmed it.
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError>;
    /// Prints a pending ticket with the local submission id, for an applicant reading `lang`.
    fn print_ticket(&self, submission: &str, lang: Language) -> Result<(), PrintError>;
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

/// A chore the printers do from their status polls (polled every few seconds while the booth
/// runs), at most once a minute: retention runs out without a restart.
#[derive(Debug)]
pub(super) struct EveryMinute(Mutex<Option<Instant>>);

impl EveryMinute {
    /// Due at the first poll.
    pub(super) fn due_now() -> Self {
        EveryMinute(Mutex::new(None))
    }

    /// Due a minute from now (the chore was just done).
    pub(super) fn done_now() -> Self {
        EveryMinute(Mutex::new(Some(Instant::now())))
    }

    /// Whether the chore is due; if so, it counts as done from now.
    pub(super) fn due(&self) -> bool {
        let mut last = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let due = last.is_none_or(|at| at.elapsed() >= Duration::from_secs(60));
        if due {
            *last = Some(Instant::now());
        }
        due
    }
}

/// The demo's printer: each receipt becomes the ESC/POS bytes a printer would get, the same as
/// text, and a PNG of the paper (drawn from the bytes by our own reader), in `dir`. They hold the
/// masked name and ID number and the photo, so they are the owner's alone (0700/0600) and wiped
/// after the kiosk's retention time, as the session's other data are.
#[derive(Debug)]
pub struct VirtualPrinter {
    dir: PathBuf,
    profile: Profile,
    /// How long a printed file is kept (`kiosk.retention_hours`).
    keep: Duration,
    /// When the folder is swept.
    sweeps: EveryMinute,
}

impl VirtualPrinter {
    /// A printer of `profile` writing into `dir` (created if missing), keeping what it printed
    /// for a day.
    pub fn new(dir: PathBuf, profile: Profile) -> Self {
        VirtualPrinter {
            dir,
            profile,
            keep: Duration::from_secs(24 * 3600),
            sweeps: EveryMinute::due_now(),
        }
    }

    /// The same printer keeping what it printed for `keep`.
    pub fn keeping(self, keep: Duration) -> Self {
        VirtualPrinter { keep, ..self }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), PrintError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let offline =
            |e: std::io::Error| PrintError::Offline(format!("{}: {e}", self.dir.display()));
        crate::private::folder(&self.dir).map_err(offline)?;
        let path = self.dir.join(name);
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(offline)?;
        tracing::info!(path = %path.display(), "virtual printer: printed");
        Ok(())
    }

    /// Removes what was printed longer ago than the retention time; returns how many files.
    pub fn wipe_older(&self) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let now = SystemTime::now();
        let mut wiped = 0;
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?;
            let age = meta
                .modified()
                .ok()
                .and_then(|t| now.duration_since(t).ok());
            if meta.is_file() && age.is_some_and(|age| age > self.keep) {
                std::fs::remove_file(entry.path())?;
                wiped += 1;
            }
        }
        Ok(wiped)
    }
}

impl Printer for VirtualPrinter {
    fn status(&self) -> Result<Status, PrintError> {
        if self.sweeps.due() {
            match self.wipe_older() {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "virtual printer: old receipts wiped"),
                Err(e) => tracing::warn!(error = %e, "virtual printer: cannot wipe old receipts"),
            }
        }
        Ok(Status {
            online: true,
            ..Status::default()
        })
    }

    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError> {
        let name = format!("receipt-{}", file_safe(&receipt.receipt_no));
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

    fn print_ticket(&self, submission: &str, lang: Language) -> Result<(), PrintError> {
        let lines = super::ticket::ticket_lines(&super::escpos::clean(submission), lang);
        let id = file_safe(submission);
        self.write(
            &format!("ticket-{id}.escpos"),
            &super::ticket::ticket_escpos(&id, lang, self.profile),
        )?;
        self.write(
            &format!("ticket-{id}.txt"),
            (lines.join("\n") + "\n").as_bytes(),
        )
    }
}

/// `text` as part of a file name: what came from the center can name no other folder.
fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{Cut, QrMode};
    use std::os::unix::fs::PermissionsExt;

    /// A 58 mm printer in Chinese mode.
    fn fifty_eight_mm() -> Profile {
        Profile {
            dots: 384,
            chinese_mode: true,
            code_page: 0,
            cut: Cut::Full,
            qr: QrMode::Native,
        }
    }

    #[test]
    fn printed_receipts_are_private_and_wiped_after_the_retention_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("receipts");
        let profile = fifty_eight_mm();
        let printer =
            VirtualPrinter::new(folder.clone(), profile).keeping(Duration::from_secs(3600));
        let mut old = super::super::sample::sample_receipt();
        old.receipt_no = "../../escape".into();
        printer.print_receipt(&old).expect("printed");
        let new = super::super::sample::sample_receipt();
        printer.print_receipt(&new).expect("printed");
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
        };
        assert_eq!(mode(&folder), 0o700);
        let names = |dir: &std::path::Path| {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .expect("listed")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let printed = names(&folder);
        assert!(
            printed.iter().any(|n| n == "receipt-______escape.txt"),
            "{printed:?}"
        );
        assert!(
            !dir.path().join("escape.txt").exists(),
            "no file outside the folder"
        );
        for name in &printed {
            assert_eq!(mode(&folder.join(name)), 0o600, "{name}");
        }
        // The first receipt's files were printed two hours ago.
        let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
        for name in printed.iter().filter(|n| n.contains("escape")) {
            std::fs::File::options()
                .write(true)
                .open(folder.join(name))
                .and_then(|f| f.set_modified(two_hours_ago))
                .expect("aged");
        }
        printer.status().expect("status");
        let left = names(&folder);
        assert!(left.iter().all(|n| !n.contains("escape")), "{left:?}");
        assert_eq!(
            left.len(),
            printed.len() / 2,
            "the recent receipt stays: {left:?}"
        );
    }

    #[test]
    fn the_virtual_printer_writes_bytes_text_and_a_preview() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = fifty_eight_mm();
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
