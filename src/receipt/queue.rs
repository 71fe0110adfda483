//! Receipts waiting for the printer, on disk: a receipt is queued before it is sent and leaves
//! the queue only once the printer confirmed it, so paper-out or a crash never loses one and a
//! confirmed one is never printed again. A waiting job prints only when it is asked for by its
//! name, never by itself: an old receipt must not come out for whoever stands at the booth then.
//! A printed job is deleted at once: it holds the applicant's masked name and photo, which the
//! booth keeps no longer than it must.

use std::path::Path;

use super::serial::SerialPrinter;
use super::status::PrintError;
use crate::spool::{Kind, Spool, SpoolError};

/// Receipts and tickets as ESC/POS bytes: any that are not empty.
static RECEIPTS: Kind = Kind {
    ext: "escpos",
    valid: |job| !job.is_empty(),
    name_len: usize::MAX,
    label: "print queue",
};

/// A queue in `dir/queue`.
#[derive(Debug, Clone)]
pub struct PrintQueue {
    spool: Spool,
}

impl From<SpoolError> for PrintError {
    fn from(e: SpoolError) -> Self {
        PrintError::Queue(e.to_string())
    }
}

impl PrintQueue {
    /// A queue under `dir` (created if missing). A job file found empty or unreadable (a disk
    /// that failed, a file damaged by hand) is set aside as `NAME.damaged` and reported: it is
    /// neither printed nor counted as waiting.
    pub fn open(dir: &Path) -> Result<Self, PrintError> {
        // Earlier versions kept printed jobs here; nothing of an applicant stays after printing.
        let printed = dir.join("printed");
        if printed.is_dir() {
            std::fs::remove_dir_all(&printed).map_err(|e| PrintError::Queue(e.to_string()))?;
        }
        Ok(PrintQueue {
            spool: Spool::open(dir, &RECEIPTS)?,
        })
    }

    /// Queues a job under `name`: written whole and synced, renamed into place, the folder
    /// synced, so a power cut leaves the old state or the whole job. An empty job is refused.
    pub fn push(&self, name: &str, job: &[u8]) -> Result<(), PrintError> {
        if job.is_empty() {
            return Err(PrintError::Queue(format!(
                "{name}: an empty job is no receipt"
            )));
        }
        Ok(self.spool.push(name, job)?)
    }

    /// Names of the jobs still waiting, oldest first.
    pub fn waiting(&self) -> Result<Vec<String>, PrintError> {
        Ok(self.spool.waiting()?)
    }

    /// Names of the jobs set aside as damaged.
    pub fn damaged(&self) -> Result<Vec<String>, PrintError> {
        Ok(self.spool.damaged()?)
    }

    /// Deletes the damaged jobs written more than `keep` ago (they may still hold an applicant's
    /// masked name and photo); returns how many went.
    pub fn wipe_damaged(&self, keep: std::time::Duration) -> Result<usize, PrintError> {
        Ok(self.spool.wipe_damaged(keep)?)
    }

    /// The bytes of the oldest waiting job.
    pub fn oldest(&self) -> Result<Option<Vec<u8>>, PrintError> {
        match self.waiting()?.first() {
            Some(name) => Ok(self.spool.raw(name)?),
            None => Ok(None),
        }
    }

    /// Takes `name` out of the queue (the printer confirmed it).
    pub fn remove(&self, name: &str) -> Result<(), PrintError> {
        Ok(self.spool.remove(name)?)
    }

    /// Prints the waiting job `name`, once: it leaves the queue when the printer confirms it and
    /// stays otherwise. No other job is sent.
    pub fn print(&self, name: &str, printer: &SerialPrinter) -> Result<(), PrintError> {
        if !self.spool.contains(name) {
            return Err(PrintError::NotQueued(name.to_owned()));
        }
        let job = self.spool.read(name)?;
        printer.print(&job)?;
        self.remove(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_the_owner_s_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path().join("print-queue");
        let queue = PrintQueue::open(&root).expect("queue");
        queue.push("receipt-A0000001", b"\x1b@job").expect("push");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("queue")), 0o700);
        assert_eq!(mode(&root.join("queue/receipt-A0000001.escpos")), 0o600);
    }

    #[test]
    fn a_job_the_disk_cannot_keep_is_a_queue_error_not_an_offline_printer() {
        let dir = tempfile::tempdir().expect("temp");
        let queue = PrintQueue::open(dir.path()).expect("queue");
        // The job's temporary file cannot be written (here a folder stands in its place; on a
        // booth, a full disk).
        std::fs::create_dir(dir.path().join("queue/.receipt-A0000009.tmp")).expect("block");
        let refused = queue.push("receipt-A0000009", b"\x1b@job");
        assert!(matches!(&refused, Err(PrintError::Queue(_))), "{refused:?}");
        assert!(queue.waiting().expect("waiting").is_empty());
    }

    #[test]
    fn an_empty_job_is_refused_and_a_damaged_one_set_aside_on_start() {
        let dir = tempfile::tempdir().expect("temp");
        let queue = PrintQueue::open(dir.path()).expect("queue");
        assert!(queue.push("receipt-A0000001", b"").is_err());
        assert!(queue.waiting().expect("waiting").is_empty());
        queue.push("receipt-A0000002", b"\x1b@job").expect("push");
        queue.push("receipt-A0000003", b"\x1b@job").expect("push");
        // A crash cut one to nothing, and a write was cut off before its rename.
        std::fs::write(dir.path().join("queue/receipt-A0000002.escpos"), b"").expect("cut");
        std::fs::write(dir.path().join("queue/.receipt-A0000004.tmp"), b"\x1b").expect("tmp");
        let queue = PrintQueue::open(dir.path()).expect("queue");
        assert_eq!(queue.waiting().expect("waiting"), vec!["receipt-A0000003"]);
        assert_eq!(queue.damaged().expect("damaged"), vec!["receipt-A0000002"]);
        assert!(!dir.path().join("queue/.receipt-A0000004.tmp").exists());
        // Nothing of it reaches a printer: it is not queued any more.
        let nowhere = SerialPrinter::on_port(
            &crate::ops::Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config"))
                .expect("config")
                .kiosk
                .printer,
            "/dev/idbooth-no-such-printer",
        );
        assert_eq!(
            queue.print("receipt-A0000002", &nowhere),
            Err(PrintError::NotQueued("receipt-A0000002".into()))
        );
    }

    #[test]
    fn damaged_jobs_are_wiped_once_kept_long_enough() {
        let dir = tempfile::tempdir().expect("temp");
        let queue = PrintQueue::open(dir.path()).expect("queue");
        for name in ["receipt-A0000001", "receipt-A0000002"] {
            queue.push(name, b"\x1b@job").expect("push");
            std::fs::write(dir.path().join(format!("queue/{name}.escpos")), b"").expect("cut");
        }
        let queue = PrintQueue::open(dir.path()).expect("queue");
        assert_eq!(queue.damaged().expect("damaged").len(), 2);
        // One was written two days ago.
        let old = std::fs::File::options()
            .write(true)
            .open(dir.path().join("queue/receipt-A0000001.damaged"))
            .expect("open");
        old.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600))
            .expect("age it");
        let day = std::time::Duration::from_secs(24 * 3600);
        assert_eq!(queue.wipe_damaged(day).expect("wipe"), 1);
        assert_eq!(queue.damaged().expect("damaged"), vec!["receipt-A0000002"]);
        // Kept for no time: all go.
        assert_eq!(
            queue.wipe_damaged(std::time::Duration::ZERO).expect("wipe"),
            1
        );
        assert!(queue.damaged().expect("damaged").is_empty());
    }
}
