//! Photo sheets waiting for the printer, on disk, as the receipt's queue keeps receipts: a
//! sheet is written (synced) before it is sent and deleted once the printer took the job, so a
//! crash or a printer out of paper loses none. Sent twice it is not: a `.sending` mark is
//! synced before the job goes, and a sheet found marked (the booth stopped between sending and
//! deleting) is first looked for among the printer's jobs by its job name. A waiting sheet is
//! sent only when asked for by name, never by itself.

use std::path::{Path, PathBuf};

use super::client::IppClient;
use super::error::PhotoPrintError;

/// A queue in `dir/queue`.
#[derive(Debug, Clone)]
pub struct PhotoQueue {
    dir: PathBuf,
}

fn io(e: std::io::Error) -> PhotoPrintError {
    PhotoPrintError::Queue(e.to_string())
}

/// A job's name as a file name (and as its IPP `job-name`): letters, digits and '-' only.
pub(crate) fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

/// What became of a sheet asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The printer took it now, as this job id.
    Now(i32),
    /// The printer had taken it before (the booth stopped before it could forget it).
    Before(i32),
}

impl PhotoQueue {
    /// A queue under `dir` (created if missing, owner-only). An empty or unreadable sheet is set
    /// aside as `NAME.damaged`, and a write cut off by a crash is removed: neither is sent.
    pub fn open(dir: &Path) -> Result<Self, PhotoPrintError> {
        let queue = dir.join("queue");
        crate::private::folder(&queue).map_err(io)?;
        let this = PhotoQueue {
            dir: dir.to_path_buf(),
        };
        for entry in std::fs::read_dir(&queue)
            .map_err(io)?
            .filter_map(Result::ok)
        {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with('.') && file.ends_with(".tmp") {
                std::fs::remove_file(entry.path()).map_err(io)?;
            } else if let Some(name) = file.strip_suffix(".pdf") {
                let readable =
                    std::fs::read(entry.path()).is_ok_and(|pdf| pdf.starts_with(b"%PDF"));
                if !readable {
                    let damaged = queue.join(format!("{name}.damaged"));
                    std::fs::rename(entry.path(), damaged).map_err(io)?;
                    tracing::error!(job = name, "photo queue: a sheet is damaged; set aside");
                }
            }
        }
        Ok(this)
    }

    fn path(&self, name: &str, ext: &str) -> PathBuf {
        self.dir
            .join("queue")
            .join(format!("{}.{ext}", clean_name(name)))
    }

    /// Queues `pdf` under `name`: written whole and synced, renamed into place, the folder
    /// synced. A queued sheet of that name is kept as it is (asked twice, it prints once).
    pub fn push(&self, name: &str, pdf: &[u8]) -> Result<(), PhotoPrintError> {
        if !pdf.starts_with(b"%PDF") {
            return Err(PhotoPrintError::Queue(format!("{name}: not a PDF")));
        }
        if self.path(name, "pdf").is_file() {
            return Ok(());
        }
        let queue = self.dir.join("queue");
        let tmp = queue.join(format!(".{}.tmp", clean_name(name)));
        crate::private::file_synced(&tmp, pdf).map_err(io)?;
        std::fs::rename(&tmp, self.path(name, "pdf")).map_err(io)?;
        sync_folder(&queue)
    }

    /// Names of the sheets waiting, oldest first.
    pub fn waiting(&self) -> Result<Vec<String>, PhotoPrintError> {
        let mut entries: Vec<(std::time::SystemTime, String)> =
            std::fs::read_dir(self.dir.join("queue"))
                .map_err(io)?
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e
                        .file_name()
                        .to_string_lossy()
                        .strip_suffix(".pdf")?
                        .to_owned();
                    Some((e.metadata().ok()?.modified().ok()?, name))
                })
                .collect();
        entries.sort();
        Ok(entries.into_iter().map(|(_, name)| name).collect())
    }

    /// Takes `name` out of the queue (sent, or no longer wanted), with its mark.
    pub fn remove(&self, name: &str) -> Result<(), PhotoPrintError> {
        for ext in ["pdf", "sending"] {
            match std::fs::remove_file(self.path(name, ext)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        sync_folder(&self.dir.join("queue"))
    }

    /// Sends the waiting sheet `name` once on `media`, if the printer is ready: it leaves the
    /// queue when the printer took it and stays otherwise. No other sheet is sent.
    pub fn print(
        &self,
        name: &str,
        client: &IppClient,
        media: &str,
    ) -> Result<Sent, PhotoPrintError> {
        let path = self.path(name, "pdf");
        if !path.is_file() {
            return Err(PhotoPrintError::NotQueued(name.to_owned()));
        }
        let job_name = clean_name(name);
        let mark = self.path(name, "sending");
        if mark.is_file() {
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
        let pdf = std::fs::read(&path).map_err(io)?;
        crate::private::file_synced(&mark, job_name.as_bytes()).map_err(io)?;
        match client.print(&job_name, &pdf, media) {
            Ok(id) => {
                self.remove(name)?;
                Ok(Sent::Now(id))
            }
            Err(e @ PhotoPrintError::Refused { .. }) => {
                // The printer said no: it did not take the job.
                let _ = std::fs::remove_file(&mark);
                Err(e)
            }
            // Lost on the way: it may have been taken; the mark stays, so the next try asks.
            Err(e) => Err(e),
        }
    }
}

fn sync_folder(folder: &Path) -> Result<(), PhotoPrintError> {
    std::fs::File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(io)
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
