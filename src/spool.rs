//! A durable job queue on disk, the one mechanism behind the receipt's print queue and the photo
//! sheet's (#18): a job is written whole and synced under a temporary name, renamed into place
//! and the folder synced, so a power cut leaves the old state or the whole job; it leaves the
//! folder only when its owner says it was printed (or is no longer wanted). A `.sending` mark can
//! be synced before a job goes, so a queue whose printer keeps a job history can ask it after a
//! crash instead of printing twice. It knows no printer: sending is its owner's business, and a
//! job goes only when its owner asks for it by name.
//!
//! The folder `<dir>/queue` holds `NAME.EXT` (a job), `NAME.sending` (its mark), `NAME.damaged`
//! (a job found empty or unreadable, set aside, never sent) and `.NAME.tmp` (a write cut off by a
//! crash, removed at the next start). Anything else there is no job: it is left alone, logged
//! once at the start, and never listed, so nothing an operator put there is lost or printed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What a queue holds: its job files' extension, how a job is told whole, and its name in logs.
#[derive(Debug)]
pub(crate) struct Kind {
    /// The extension of a job file (`escpos`, `pdf`).
    pub(crate) ext: &'static str,
    /// Whether a job's bytes are one that can be sent (not empty, the right format).
    pub(crate) valid: fn(&[u8]) -> bool,
    /// The longest job name kept (longer names are cut).
    pub(crate) name_len: usize,
    /// The queue's name in logs (`print queue`, `photo queue`).
    pub(crate) label: &'static str,
}

/// What goes wrong with a queue on disk.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SpoolError {
    /// A file or the folder cannot be read or written (a full or failing disk, a permission).
    #[error("{path}: {why}")]
    Io {
        /// The file or folder.
        path: String,
        /// What the system said.
        why: String,
    },
    /// The job was found empty or unreadable: it was set aside as `NAME.damaged`, not sent.
    #[error("{0} is damaged; set aside, not printed")]
    Damaged(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |e| SpoolError::Io {
        path: path.display().to_string(),
        why: e.to_string(),
    }
}

/// `name` as a file name: letters, digits and '-' only, at most `len` of them.
pub(crate) fn clean_name(name: &str, len: usize) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(len)
        .collect()
}

/// A queue in `<dir>/queue`.
#[derive(Debug, Clone)]
pub(crate) struct Spool {
    queue: PathBuf,
    kind: &'static Kind,
}

impl Spool {
    /// The queue under `dir` (created if missing, owner-only). A write cut off by a crash is
    /// removed (it was never queued); a job found empty or unreadable is set aside; a mark whose
    /// job is gone (removed after it was sent) is removed; anything else is left alone and
    /// logged.
    pub(crate) fn open(dir: &Path, kind: &'static Kind) -> Result<Self, SpoolError> {
        let queue = dir.join("queue");
        crate::private::folder(&queue).map_err(io(&queue))?;
        let this = Spool { queue, kind };
        let mut foreign = 0;
        for entry in std::fs::read_dir(&this.queue)
            .map_err(io(&this.queue))?
            .filter_map(Result::ok)
        {
            let path = entry.path();
            let file = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if file.starts_with('.') && file.ends_with(".tmp") && is_file {
                std::fs::remove_file(&path).map_err(io(&path))?;
                continue;
            }
            let Some((name, ext)) = file.rsplit_once('.') else {
                foreign += 1;
                continue;
            };
            if !is_file || name.is_empty() || name != this.clean(name) {
                foreign += 1;
            } else if ext == kind.ext {
                let whole = std::fs::read(&path).is_ok_and(|job| (kind.valid)(&job));
                if !whole {
                    this.set_aside(name);
                }
            } else if ext == "sending" {
                if !this.path(name, kind.ext).exists() {
                    std::fs::remove_file(&path).map_err(io(&path))?;
                    tracing::debug!(queue = kind.label, "a mark left by a sent job removed");
                }
            } else if ext != "damaged" {
                foreign += 1;
            }
        }
        if foreign > 0 {
            tracing::warn!(
                queue = kind.label,
                files = foreign,
                folder = %this.queue.display(),
                "files that are no jobs of this queue are left alone, not printed"
            );
        }
        Ok(this)
    }

    fn clean(&self, name: &str) -> String {
        clean_name(name, self.kind.name_len)
    }

    fn path(&self, name: &str, ext: &str) -> PathBuf {
        self.queue.join(format!("{}.{ext}", self.clean(name)))
    }

    /// The file of job `name`.
    pub(crate) fn job_path(&self, name: &str) -> PathBuf {
        self.path(name, self.kind.ext)
    }

    /// Whether job `name` waits.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.job_path(name).is_file()
    }

    fn sync(&self) -> Result<(), SpoolError> {
        std::fs::File::open(&self.queue)
            .and_then(|f| f.sync_all())
            .map_err(io(&self.queue))
    }

    /// Takes job `name` out of the waiting ones, and says so.
    fn set_aside(&self, name: &str) {
        let label = self.kind.label;
        match std::fs::rename(self.job_path(name), self.path(name, "damaged")) {
            Ok(()) => tracing::error!(
                job = name,
                queue = label,
                "a job is empty or unreadable; set aside, not printed"
            ),
            Err(error) => tracing::error!(
                job = name,
                queue = label,
                %error,
                "a job is empty or unreadable and cannot be set aside"
            ),
        }
    }

    /// Queues `job` as `name`, in place of one of that name: written whole and synced, renamed
    /// into place, the folder synced. The caller checks the job is one ([`Kind::valid`]).
    pub(crate) fn push(&self, name: &str, job: &[u8]) -> Result<(), SpoolError> {
        let tmp = self.queue.join(format!(".{}.tmp", self.clean(name)));
        crate::private::file_synced(&tmp, job).map_err(io(&tmp))?;
        let path = self.job_path(name);
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        self.sync()
    }

    /// Queues `job` as `name` unless a job of that name waits (asked twice, it prints once);
    /// returns whether it was queued now.
    pub(crate) fn push_new(&self, name: &str, job: &[u8]) -> Result<bool, SpoolError> {
        if self.contains(name) {
            return Ok(false);
        }
        self.push(name, job).map(|()| true)
    }

    /// Every file of the queue ending in `.ext` whose name is a job name, with when it was
    /// written, oldest first.
    fn files(&self, ext: &str) -> Result<Vec<(SystemTime, String)>, SpoolError> {
        let mut found: Vec<(SystemTime, String)> = std::fs::read_dir(&self.queue)
            .map_err(io(&self.queue))?
            .filter_map(Result::ok)
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                let name = file.strip_suffix(ext)?.strip_suffix('.')?.to_owned();
                let meta = e.metadata().ok()?;
                (meta.is_file() && !name.is_empty() && name == self.clean(&name)).then_some(())?;
                Some((meta.modified().ok()?, name))
            })
            .collect();
        found.sort();
        Ok(found)
    }

    /// Names of the jobs waiting, oldest first.
    pub(crate) fn waiting(&self) -> Result<Vec<String>, SpoolError> {
        Ok(self
            .files(self.kind.ext)?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    /// Names of the jobs set aside as damaged, by name.
    pub(crate) fn damaged(&self) -> Result<Vec<String>, SpoolError> {
        let mut names: Vec<String> = self
            .files("damaged")?
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Deletes the damaged jobs written more than `keep` ago; returns how many went.
    pub(crate) fn wipe_damaged(&self, keep: Duration) -> Result<usize, SpoolError> {
        let mut wiped = 0;
        for (_, name) in older(self.files("damaged")?, keep) {
            let path = self.path(&name, "damaged");
            std::fs::remove_file(&path).map_err(io(&path))?;
            wiped += 1;
        }
        Ok(wiped)
    }

    /// Deletes the waiting jobs (and their marks) written more than `keep` ago, never sent or
    /// never confirmed; returns how many went.
    pub(crate) fn wipe_waiting(&self, keep: Duration) -> Result<usize, SpoolError> {
        let mut wiped = 0;
        for (_, name) in older(self.files(self.kind.ext)?, keep) {
            self.remove(&name)?;
            wiped += 1;
        }
        Ok(wiped)
    }

    /// The bytes of job `name` as they are, or `None` when no such job waits.
    pub(crate) fn raw(&self, name: &str) -> Result<Option<Vec<u8>>, SpoolError> {
        let path = self.job_path(name);
        match std::fs::read(&path) {
            Ok(job) => Ok(Some(job)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// The bytes of job `name`, to be sent. One found empty or unreadable is set aside first:
    /// [`SpoolError::Damaged`].
    pub(crate) fn read(&self, name: &str) -> Result<Vec<u8>, SpoolError> {
        match std::fs::read(self.job_path(name)) {
            Ok(job) if (self.kind.valid)(&job) => Ok(job),
            _ => {
                self.set_aside(name);
                Err(SpoolError::Damaged(name.to_owned()))
            }
        }
    }

    /// Takes `name` out of the queue (printed, or no longer wanted), with its mark. A job that
    /// is not there is no error.
    pub(crate) fn remove(&self, name: &str) -> Result<(), SpoolError> {
        // The job before its mark: a stop between the two leaves a mark without a job, which
        // the next start removes.
        for ext in [self.kind.ext, "sending"] {
            let path = self.path(name, ext);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&path)(e)),
            }
        }
        self.sync()
    }

    /// Marks job `name` as being sent (synced, holding `note`), before it goes.
    pub(crate) fn mark_sending(&self, name: &str, note: &[u8]) -> Result<(), SpoolError> {
        let path = self.path(name, "sending");
        crate::private::file_synced(&path, note).map_err(io(&path))
    }

    /// Whether job `name` was marked as being sent and not removed since.
    pub(crate) fn is_marked(&self, name: &str) -> bool {
        self.path(name, "sending").is_file()
    }

    /// Takes the mark off job `name` (the printer said no: it did not take it).
    pub(crate) fn unmark(&self, name: &str) {
        let _ = std::fs::remove_file(self.path(name, "sending"));
    }
}

/// Those of `files` written more than `keep` ago.
fn older(files: Vec<(SystemTime, String)>, keep: Duration) -> Vec<(SystemTime, String)> {
    let now = SystemTime::now();
    files
        .into_iter()
        .filter(|(written, _)| now.duration_since(*written).unwrap_or_default() >= keep)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static JOBS: Kind = Kind {
        ext: "job",
        valid: |job| job.starts_with(b"JOB"),
        name_len: 64,
        label: "test queue",
    };

    fn age(path: &Path, ago: Duration) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open")
            .set_modified(SystemTime::now() - ago)
            .expect("age it");
    }

    #[test]
    fn jobs_wait_in_the_order_they_came_across_a_restart() {
        let dir = tempfile::tempdir().expect("temp");
        let spool = Spool::open(dir.path(), &JOBS).expect("spool");
        // Names that sort the other way than they came.
        for (i, name) in ["c", "b", "a"].iter().enumerate() {
            spool.push(name, b"JOB").expect("push");
            age(&spool.job_path(name), Duration::from_secs(60 - i as u64));
        }
        let spool = Spool::open(dir.path(), &JOBS).expect("reopened");
        assert_eq!(spool.waiting().expect("waiting"), ["c", "b", "a"]);
        // Asked twice, queued once and the first kept; `push` puts the new one in its place.
        assert!(!spool.push_new("b", b"JOB two").expect("push"));
        assert_eq!(spool.raw("b").expect("raw").as_deref(), Some(&b"JOB"[..]));
        spool.push("b", b"JOB two").expect("push");
        assert_eq!(spool.read("b").expect("read"), b"JOB two");
        assert!(spool.push_new("d", b"JOB").expect("push"));
        assert_eq!(spool.waiting().expect("waiting").len(), 4);
    }

    #[test]
    fn a_job_marked_sending_keeps_its_mark_across_a_restart_and_loses_it_with_the_job() {
        let dir = tempfile::tempdir().expect("temp");
        let spool = Spool::open(dir.path(), &JOBS).expect("spool");
        spool.push("sent", b"JOB").expect("push");
        spool.mark_sending("sent", b"sent").expect("mark");
        // The booth stopped after sending, before it could remove the job.
        let spool = Spool::open(dir.path(), &JOBS).expect("reopened");
        assert!(spool.is_marked("sent"));
        assert_eq!(spool.waiting().expect("waiting"), ["sent"]);
        // A job the printer refused loses its mark and stays.
        spool.unmark("sent");
        assert!(!spool.is_marked("sent"));
        spool.mark_sending("sent", b"sent").expect("mark");
        spool.remove("sent").expect("remove");
        assert!(!spool.is_marked("sent"));
        assert!(spool.waiting().expect("waiting").is_empty());
        // A stop between removing the job and its mark: the next start removes the mark, so a
        // new job of that name is not taken for one sent before.
        spool.mark_sending("gone", b"gone").expect("mark");
        let spool = Spool::open(dir.path(), &JOBS).expect("reopened");
        assert!(!spool.is_marked("gone"));
        // Removing what is not there is no error.
        spool.remove("gone").expect("remove nothing");
    }

    #[test]
    fn damaged_and_foreign_files_are_never_sent_and_nothing_is_lost() {
        let dir = tempfile::tempdir().expect("temp");
        let spool = Spool::open(dir.path(), &JOBS).expect("spool");
        spool.push("good", b"JOB good").expect("push");
        spool.push("cut", b"JOB cut").expect("push");
        let queue = dir.path().join("queue");
        std::fs::write(queue.join("cut.job"), b"").expect("cut");
        std::fs::write(queue.join(".half.tmp"), b"JO").expect("tmp");
        // An operator's note, a job with a name no job has, a folder, a file without a dot.
        std::fs::write(queue.join("notes.txt"), b"keep me").expect("note");
        std::fs::write(queue.join("a b.job"), b"JOB foreign").expect("foreign");
        std::fs::create_dir(queue.join("old.job")).expect("folder");
        std::fs::write(queue.join("README"), b"keep me too").expect("readme");
        let spool = Spool::open(dir.path(), &JOBS).expect("reopened");
        assert_eq!(spool.waiting().expect("waiting"), ["good"]);
        assert_eq!(spool.damaged().expect("damaged"), ["cut"]);
        assert!(!queue.join(".half.tmp").exists());
        for foreign in ["notes.txt", "a b.job", "old.job", "README"] {
            assert!(queue.join(foreign).exists(), "{foreign} left alone");
        }
        // A job damaged after the start is set aside when it is read to be sent.
        std::fs::write(queue.join("good.job"), b"garbage").expect("damage");
        assert_eq!(spool.read("good"), Err(SpoolError::Damaged("good".into())));
        assert!(spool.waiting().expect("waiting").is_empty());
        assert_eq!(spool.damaged().expect("damaged"), ["cut", "good"]);
        // A queue that cannot be written says where.
        std::fs::create_dir(queue.join(".blocked.tmp")).expect("block");
        let refused = spool.push("blocked", b"JOB");
        assert!(
            matches!(&refused, Err(SpoolError::Io { path, .. }) if path.ends_with(".blocked.tmp")),
            "{refused:?}"
        );
    }

    #[test]
    fn old_jobs_are_wiped_by_age_and_the_young_kept() {
        let dir = tempfile::tempdir().expect("temp");
        let spool = Spool::open(dir.path(), &JOBS).expect("spool");
        for name in ["old", "young"] {
            spool.push(name, b"JOB").expect("push");
        }
        spool.mark_sending("old", b"old").expect("mark");
        age(&spool.job_path("old"), Duration::from_secs(3 * 24 * 3600));
        let day = Duration::from_secs(24 * 3600);
        assert_eq!(spool.wipe_waiting(day).expect("wipe"), 1);
        assert_eq!(spool.waiting().expect("waiting"), ["young"]);
        assert!(!spool.is_marked("old"));
        assert_eq!(spool.wipe_waiting(Duration::ZERO).expect("wipe"), 1);
        assert!(spool.waiting().expect("waiting").is_empty());
        let left = std::fs::read_dir(dir.path().join("queue"))
            .expect("queue")
            .count();
        assert_eq!(left, 0, "nothing of a wiped job stays");
    }
}
