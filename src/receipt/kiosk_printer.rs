//! The real booth's printer: the serial ESC/POS printer behind the disk queue. A receipt is
//! queued before it is sent and leaves the queue only when the printer confirmed it; a
//! background flusher prints what waits as soon as the printer is back (paper loaded, cover
//! closed, the USB-serial port returned), and the operator can reprint from the maintenance
//! screen.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::escpos::Profile;
use super::model::Receipt;
use super::printer::{PrintError, Printer};
use super::queue::PrintQueue;
use super::serial::{SerialPrinter, Status};
use super::ticket::ticket_escpos;

/// How often the flusher looks for waiting receipts.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

struct Inner {
    serial: SerialPrinter,
    queue: PrintQueue,
    /// One job at a time on the port.
    busy: Mutex<()>,
    stop: AtomicBool,
}

impl Inner {
    /// Prints what waits; `Ok(names printed)`.
    fn flush(&self) -> Result<Vec<String>, PrintError> {
        let _one = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let flushed = self.queue.flush(&self.serial)?;
        match flushed.stopped {
            Some(error) if flushed.printed.is_empty() => Err(error),
            _ => Ok(flushed.printed),
        }
    }

    fn print(&self, name: &str, job: &[u8]) -> Result<(), PrintError> {
        self.queue.push(name, job)?;
        let printed = self.flush()?;
        if printed.iter().any(|n| n == name) {
            Ok(())
        } else {
            // Printed ones before it, then stopped: say why, from the printer itself.
            Err(self
                .serial
                .status()
                .ok()
                .and_then(|s| s.problem().map(|p| PrintError::Offline(p.to_owned())))
                .unwrap_or_else(|| PrintError::Offline("not confirmed; it stays queued".into())))
        }
    }
}

/// The serial printer with its queue and flusher thread.
pub struct KioskPrinter {
    inner: Arc<Inner>,
    profile: Profile,
}

impl KioskPrinter {
    /// A printer on `serial`, queueing under `dir`; starts the flusher.
    pub fn start(serial: SerialPrinter, dir: &Path, profile: Profile) -> Result<Self, PrintError> {
        let inner = Arc::new(Inner {
            serial,
            queue: PrintQueue::open(dir)?,
            busy: Mutex::new(()),
            stop: AtomicBool::new(false),
        });
        let flusher = Arc::clone(&inner);
        std::thread::Builder::new()
            .name("print-flusher".into())
            .spawn(move || {
                while !flusher.stop.load(Ordering::SeqCst) {
                    std::thread::sleep(FLUSH_EVERY);
                    let waiting = flusher.queue.waiting().map(|w| w.len()).unwrap_or(0);
                    if waiting > 0 && flusher.serial.status().is_ok_and(|s| s.ready()) {
                        match flusher.flush() {
                            Ok(printed) if !printed.is_empty() => {
                                tracing::info!(
                                    printed = printed.len(),
                                    "printer: queued receipts printed"
                                );
                            }
                            Ok(_) => {}
                            Err(error) => tracing::warn!(%error, "printer: still cannot print"),
                        }
                    }
                }
            })
            .map_err(|e| PrintError::Offline(format!("print flusher: {e}")))?;
        Ok(KioskPrinter { inner, profile })
    }
}

impl Drop for KioskPrinter {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
    }
}

impl Printer for KioskPrinter {
    fn print_receipt(&self, receipt: &Receipt) -> Result<(), PrintError> {
        let name = format!("receipt-{}", super::model::clean(&receipt.receipt_no));
        self.inner.print(&name, &receipt.escpos(self.profile))
    }

    fn print_ticket(&self, submission: &str) -> Result<(), PrintError> {
        let name = format!("ticket-{}", super::model::clean(submission));
        self.inner
            .print(&name, &ticket_escpos(submission, self.profile))
    }

    fn status(&self) -> Result<Status, PrintError> {
        self.inner.serial.status()
    }

    fn queued(&self) -> usize {
        self.inner.queue.waiting().map(|w| w.len()).unwrap_or(0)
    }

    fn oldest_queued(&self) -> Option<Vec<u8>> {
        self.inner.queue.oldest().ok().flatten()
    }

    fn reprint(&self) -> Result<usize, PrintError> {
        self.inner.flush().map(|printed| printed.len())
    }
}
