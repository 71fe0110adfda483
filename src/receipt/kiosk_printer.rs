//! The real booth's printer: the serial ESC/POS printer behind the disk queue. A receipt is
//! queued before it is sent and leaves the queue only when the printer confirmed it. Printing
//! sends that one job and nothing else; a job left waiting (paper out, offline) prints only when
//! asked for by name ([`Printer::reprint`]: the operator's maintenance screen, or the session of
//! the same applicant), never by itself, so an old receipt never comes out for whoever stands at
//! the booth then. The operator's test print goes past the queue. The port is opened for each job
//! and status, so a printer that vanished and came back is simply found again.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::escpos::Profile;
use super::model::Receipt;
use super::printer::{EveryMinute, Printer, receipt_job, ticket_job};
use super::queue::PrintQueue;
use super::serial::{SerialPrinter, Status};
use super::status::PrintError;
use super::ticket::ticket_escpos;
use crate::i18n::Language;

/// The serial printer with its queue.
pub struct KioskPrinter {
    serial: SerialPrinter,
    queue: PrintQueue,
    /// How long a damaged job is kept (`kiosk.retention_hours`), and when that was last looked at.
    keep_damaged: Duration,
    sweeps: EveryMinute,
    /// One job at a time on the port.
    busy: Mutex<()>,
    profile: Profile,
}

impl KioskPrinter {
    /// A printer on `serial`, queueing under `dir`. Jobs found waiting stay waiting; jobs set
    /// aside as damaged are wiped once `keep_damaged` has passed since they were written.
    pub fn start(
        serial: SerialPrinter,
        dir: &Path,
        profile: Profile,
        keep_damaged: Duration,
    ) -> Result<Self, PrintError> {
        let queue = PrintQueue::open(dir)?;
        let waiting = queue.waiting()?.len();
        if waiting > 0 {
            tracing::info!(
                waiting,
                "printer: receipts wait for a reprint from the maintenance screen"
            );
        }
        let printer = KioskPrinter {
            serial,
            queue,
            keep_damaged,
            sweeps: EveryMinute::done_now(),
            busy: Mutex::new(()),
            profile,
        };
        printer.sweep();
        Ok(printer)
    }

    /// Wipes the damaged jobs kept long enough.
    fn sweep(&self) {
        match self.queue.wipe_damaged(self.keep_damaged) {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "print queue: damaged jobs wiped (retention)"),
            Err(error) => tracing::warn!(%error, "print queue: damaged jobs cannot be wiped"),
        }
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

    fn print_ticket(&self, submission: &str, lang: Language) -> Result<(), PrintError> {
        self.print(
            &ticket_job(submission),
            &ticket_escpos(submission, lang, self.profile),
        )
    }

    fn test_print(&self, receipt: &Receipt) -> Result<(), PrintError> {
        let _one = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        self.serial.print(&receipt.escpos(self.profile))
    }

    fn status(&self) -> Result<Status, PrintError> {
        if self.sweeps.due() {
            self.sweep();
        }
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
