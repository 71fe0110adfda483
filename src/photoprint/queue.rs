//! Photo sheets waiting for the printer, on disk, as the receipt's queue keeps receipts: a
//! sheet is written (synced) before it is sent and deleted once the printer took the job, so a
//! crash or a printer out of paper loses none. Sent twice it is not: a `.sending` mark is
//! synced before the job goes, and a sheet found marked (the booth stopped between sending and
//! deleting) is first looked for among the printer's jobs by its job name. A waiting sheet is
//! sent only when asked for by name, never by itself.

use std::path::Path;
use std::time::Duration;

use super::client::{IppClient, Printed};
use super::error::PhotoPrintError;
use super::media::Paper;
use crate::spool::{Kind, Spool, SpoolError};

/// Photo sheets as PDF files.
static SHEETS: Kind = Kind {
    ext: "pdf",
    valid: |pdf| pdf.starts_with(b"%PDF"),
    name_len: 64,
    label: "photo queue",
};

/// A queue in `dir/queue`.
#[derive(Debug, Clone)]
pub struct PhotoQueue {
    spool: Spool,
}

impl From<SpoolError> for PhotoPrintError {
    fn from(e: SpoolError) -> Self {
        PhotoPrintError::Queue(e.to_string())
    }
}

/// A job's name as a file name (and as its IPP `job-name`): letters, digits and '-' only.
pub(crate) fn clean_name(name: &str) -> String {
    crate::spool::clean_name(name, SHEETS.name_len)
}

/// What became of a sheet asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The printer took it now: its job id and what of the paper it was asked for.
    Now(Printed),
    /// The printer had taken it before (the booth stopped before it could forget it).
    Before(i32),
}

impl PhotoQueue {
    /// A queue under `dir` (created if missing, owner-only). An empty or unreadable sheet is set
    /// aside as `NAME.damaged`, and a write cut off by a crash is removed: neither is sent.
    pub fn open(dir: &Path) -> Result<Self, PhotoPrintError> {
        Ok(PhotoQueue {
            spool: Spool::open(dir, &SHEETS)?,
        })
    }

    /// Queues `pdf` under `name`: written whole and synced, renamed into place, the folder
    /// synced. A queued sheet of that name is kept as it is (asked twice, it prints once).
    pub fn push(&self, name: &str, pdf: &[u8]) -> Result<(), PhotoPrintError> {
        if !(SHEETS.valid)(pdf) {
            return Err(PhotoPrintError::Queue(format!("{name}: not a PDF")));
        }
        self.spool.push_new(name, pdf)?;
        Ok(())
    }

    /// Names of the sheets waiting, oldest first.
    pub fn waiting(&self) -> Result<Vec<String>, PhotoPrintError> {
        Ok(self.spool.waiting()?)
    }

    /// Takes `name` out of the queue (sent, or no longer wanted), with its mark.
    pub fn remove(&self, name: &str) -> Result<(), PhotoPrintError> {
        Ok(self.spool.remove(name)?)
    }

    /// Deletes the sheets held (never taken by the printer) and the damaged ones written more
    /// than `keep` ago: they hold an applicant's photo. Returns how many went.
    pub fn wipe_held(&self, keep: Duration) -> Result<usize, PhotoPrintError> {
        Ok(self.spool.wipe_waiting(keep)? + self.spool.wipe_damaged(keep)?)
    }

    /// Sends the waiting sheet `name` once on `paper`, if the printer is ready: it leaves the
    /// queue when the printer took it and stays otherwise. No other sheet is sent.
    pub fn print(
        &self,
        name: &str,
        client: &IppClient,
        paper: &Paper,
    ) -> Result<Sent, PhotoPrintError> {
        if !self.spool.contains(name) {
            return Err(PhotoPrintError::NotQueued(name.to_owned()));
        }
        let job_name = clean_name(name);
        if self.spool.is_marked(name) {
            // Sent once and not forgotten: did the printer take it?
            if let Some(id) = client.find_job(&job_name)? {
                tracing::info!(job = id, "photo queue: the printer had this sheet already");
                self.remove(name)?;
                return Ok(Sent::Before(id));
            }
        }
        let status = client.status()?;
        let blocking = status.blocking();
        if !blocking.is_empty() {
            return Err(PhotoPrintError::NotReady {
                printer: client.target().label.clone(),
                reasons: blocking,
            });
        }
        let pdf = self.spool.read(name)?;
        self.spool.mark_sending(name, job_name.as_bytes())?;
        match client.print(&job_name, &pdf, paper, &status.media) {
            Ok(printed) => {
                self.remove(name)?;
                Ok(Sent::Now(printed))
            }
            Err(e @ PhotoPrintError::Refused { .. }) => {
                // The printer said no: it did not take the job.
                self.spool.unmark(name);
                Err(e)
            }
            // Lost on the way: it may have been taken; the mark stays, so the next try asks.
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_wait_oldest_first_and_a_damaged_one_is_set_aside() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp");
        let queue = PhotoQueue::open(dir.path()).expect("queue");
        assert!(queue.push("photo-a", b"not a pdf").is_err());
        queue.push("photo-a", b"%PDF-1.7 a").expect("push");
        queue.push("photo-b", b"%PDF-1.7 b").expect("push");
        // Asked twice, queued once, the first kept.
        queue.push("photo-a", b"%PDF-1.7 a2").expect("push");
        let mode = std::fs::metadata(dir.path().join("queue/photo-a.pdf"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            queue.waiting().expect("waiting"),
            vec!["photo-a", "photo-b"]
        );
        std::fs::write(dir.path().join("queue/photo-b.pdf"), b"").expect("cut");
        std::fs::write(dir.path().join("queue/.photo-c.tmp"), b"%PDF").expect("tmp");
        let queue = PhotoQueue::open(dir.path()).expect("queue");
        assert_eq!(queue.waiting().expect("waiting"), vec!["photo-a"]);
        assert!(dir.path().join("queue/photo-b.damaged").is_file());
        assert!(!dir.path().join("queue/.photo-c.tmp").exists());
        queue.remove("photo-a").expect("remove");
        assert!(queue.waiting().expect("waiting").is_empty());
    }
}
