//! The real booth's printer: the serial ESC/POS printer behind the disk queue. A receipt is
//! queued before it is sent and leaves the queue only when the printer confirmed it. Printing
//! sends that one job and nothing else; a job left waiting (paper out, offline) prints only when
//! asked for by name ([`Printer::reprint`]: the operator's maintenance screen, or the session of
//! the same applicant), never by itself, so an old receipt never comes out for whoever stands at
//! the booth then. The operator's test print goes past the queue. The port is opened for each job
//! and status, so a printer that vanished and came back is simply found again.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use super::escpos::Profile;
use super::model::Receipt;
use super::printer::{PrintError, Printer, receipt_job, ticket_job};
use super::queue::PrintQueue;
use super::serial::{SerialPrinter, Status};
use super::ticket::ticket_escpos;

/// The serial printer with its queue.
pub struct KioskPrinter {
    serial: SerialPrinter,
    queue: PrintQueue,
    /// One job at a time on the port.
    busy: Mutex<()>,
    profile: Profile,
}

impl KioskPrinter {
    /// A printer on `serial`, queueing under `dir`. Jobs found waiting stay waiting.
    pub fn start(serial: SerialPrinter, dir: &Path, profile: Profile) -> Result<Self, PrintError> {
        let queue = PrintQueue::open(dir)?;
        let waiting = queue.waiting()?.len();
        if waiting > 0 {
            tracing::info!(
                waiting,
                "printer: receipts wait for a reprint from the maintenance screen"
            );
        }
        Ok(KioskPrinter {
            serial,
            queue,
            busy: Mutex::new(()),
            profile,
        })
    }

    /// Queues `job` as `name`, sends it alone, and takes it out of the queue once confirmed.
    fn print(&self, name: &str, job: &[u8]) -> Result<(), PrintError> {
        let _one = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        self.queue.push(name, job)?;
        self.serial.print(job)?;
        // Printed: a job that cannot leave the queue still counts as printed.
        if let Err(error) = self.queue.remove(name) {
            tracing::error!(%error, "printer: a printed job stays in the queue");
        }
        Ok(())
    }
}

impl Printer for KioskPrinter {
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError> {
        self.print(
            &receipt_job(&receipt.receipt_no),
            &receipt.escpos(self.profile),
        )
    }

    fn print_ticket(&self, submission: &str) -> Result<(), PrintError> {
        self.print(
            &ticket_job(submission),
            &ticket_escpos(submission, self.profile),
        )
    }

    fn test_print(&self, receipt: &Receipt) -> Result<(), PrintError> {
        let _one = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        self.serial.print(&receipt.escpos(self.profile))
    }

    fn status(&self) -> Result<Status, PrintError> {
        self.serial.status()
    }

    fn queued_jobs(&self) -> Vec<String> {
        self.queue.waiting().unwrap_or_default()
    }

    fn oldest_queued(&self) -> Option<Vec<u8>> {
        self.queue.oldest().ok().flatten()
    }

    fn reprint(&self, job: &str) -> Result<(), PrintError> {
        let _one = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        self.queue.print(job, &self.serial)
    }
}
