//! Receipts waiting for the printer, on disk: a receipt is queued before it is sent and leaves
//! the queue only once the printer confirmed it, so paper-out or a crash never loses one and a
//! confirmed one is never printed again. A printed job is deleted at once: it holds the
//! applicant's masked name and photo, which the booth keeps no longer than it must.

use std::path::{Path, PathBuf};

use super::printer::PrintError;
use super::serial::SerialPrinter;

/// A queue in `dir/queue`.
#[derive(Debug, Clone)]
pub struct PrintQueue {
    dir: PathBuf,
}

/// What a flush did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flushed {
    /// Jobs confirmed by the printer, in order.
    pub printed: Vec<String>,
    /// Why the flush stopped early, if it did.
    pub stopped: Option<PrintError>,
}

fn io(e: std::io::Error) -> PrintError {
    PrintError::Offline(format!("print queue: {e}"))
}

impl PrintQueue {
    /// A queue under `dir` (created if missing).
    pub fn open(dir: &Path) -> Result<Self, PrintError> {
        std::fs::create_dir_all(dir.join("queue")).map_err(io)?;
        // Earlier versions kept printed jobs here; nothing of an applicant stays after printing.
        let printed = dir.join("printed");
        if printed.is_dir() {
            std::fs::remove_dir_all(&printed).map_err(io)?;
        }
        Ok(PrintQueue {
            dir: dir.to_path_buf(),
        })
    }

    /// Queues a job under `name` (written whole, then renamed into place).
    pub fn push(&self, name: &str, job: &[u8]) -> Result<(), PrintError> {
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let tmp = self.dir.join("queue").join(format!(".{name}.tmp"));
        std::fs::write(&tmp, job).map_err(io)?;
        std::fs::rename(&tmp, self.dir.join("queue").join(format!("{name}.escpos"))).map_err(io)
    }

    /// Names of the jobs still waiting, oldest first.
    pub fn waiting(&self) -> Result<Vec<String>, PrintError> {
        let mut entries: Vec<(std::time::SystemTime, String)> =
            std::fs::read_dir(self.dir.join("queue"))
                .map_err(io)?
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e
                        .file_name()
                        .to_string_lossy()
                        .strip_suffix(".escpos")?
                        .to_owned();
                    let modified = e.metadata().ok()?.modified().ok()?;
                    Some((modified, name))
                })
                .collect();
        entries.sort();
        Ok(entries.into_iter().map(|(_, name)| name).collect())
    }

    /// The bytes of the oldest waiting job.
    pub fn oldest(&self) -> Result<Option<Vec<u8>>, PrintError> {
        match self.waiting()?.first() {
            Some(name) => std::fs::read(self.dir.join("queue").join(format!("{name}.escpos")))
                .map(Some)
                .map_err(io),
            None => Ok(None),
        }
    }

    /// Prints every waiting job in order, stopping at the first the printer does not confirm.
    pub fn flush(&self, printer: &SerialPrinter) -> Result<Flushed, PrintError> {
        let mut flushed = Flushed::default();
        for name in self.waiting()? {
            let path = self.dir.join("queue").join(format!("{name}.escpos"));
            let job = std::fs::read(&path).map_err(io)?;
            match printer.print(&job) {
                Ok(()) => {
                    std::fs::remove_file(&path).map_err(io)?;
                    flushed.printed.push(name);
                }
                Err(error) => {
                    flushed.stopped = Some(error);
                    break;
                }
            }
        }
        Ok(flushed)
    }
}
