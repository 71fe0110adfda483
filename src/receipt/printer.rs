//! Printers behind one trait: the serial ESC/POS printer (issue #5) and the demo's virtual
//! printer, which writes each receipt into the data folder.

use std::path::PathBuf;

use super::model::Receipt;

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
}

/// Something that prints receipts and tickets.
pub trait Printer: Send + Sync {
    /// Prints a receipt; `Ok` only once the printer confirmed it.
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError>;
    /// Prints a pending ticket with the local submission id.
    fn print_ticket(&self, submission: &str) -> Result<(), PrintError>;
}

/// The demo's printer: each receipt becomes a text file in `dir`.
#[derive(Debug, Clone)]
pub struct VirtualPrinter {
    dir: PathBuf,
}

impl VirtualPrinter {
    /// A printer writing into `dir` (created if missing).
    pub fn new(dir: PathBuf) -> Self {
        VirtualPrinter { dir }
    }

    fn write(&self, name: &str, lines: &[String]) -> Result<(), PrintError> {
        let offline =
            |e: std::io::Error| PrintError::Offline(format!("{}: {e}", self.dir.display()));
        std::fs::create_dir_all(&self.dir).map_err(offline)?;
        let path = self.dir.join(name);
        std::fs::write(&path, lines.join("\n") + "\n").map_err(offline)?;
        tracing::info!(path = %path.display(), "virtual printer: printed");
        Ok(())
    }
}

impl Printer for VirtualPrinter {
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError> {
        self.write(
            &format!("receipt-{}.txt", receipt.receipt_no),
            &receipt.lines(),
        )
    }

    fn print_ticket(&self, submission: &str) -> Result<(), PrintError> {
        let id = super::model::clean(submission);
        let lines = [
            "数字相片采集 待审核凭条".to_owned(),
            format!("提交编号: {id}"),
            "审核通过后，请在本机“查询提交”中输入编号打印回执。".to_owned(),
        ];
        self.write(&format!("ticket-{id}.txt"), &lines)
    }
}
