//! What a receipt printer says of itself and why a print failed: shared by the serial port's
//! driver, the printer trait and the queue, so neither imports the other for it.

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
    /// The print queue cannot keep or read a job (a full or failing disk): the printer itself
    /// may be fine.
    #[error("printer: the print queue: {0}")]
    Queue(String),
    /// A reprint of a job that is not waiting (printed already, or never queued).
    #[error("printer: nothing waits under {0}")]
    NotQueued(String),
}

/// What the printer says of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    /// Online and ready.
    pub online: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// Paper is running low.
    pub paper_near_end: bool,
    /// No paper.
    pub paper_out: bool,
    /// The cutter is jammed or failed.
    pub cutter_error: bool,
    /// An error that needs a power cycle.
    pub unrecoverable: bool,
}

impl Status {
    /// Decodes the answers to DLE EOT 1, 2, 3 and 4.
    pub fn from_bytes([printer, offline, error, paper]: [u8; 4]) -> Status {
        Status {
            online: printer & 0x08 == 0,
            cover_open: offline & 0x04 != 0,
            paper_near_end: paper & 0x0C != 0,
            paper_out: paper & 0x60 != 0 || offline & 0x20 != 0,
            cutter_error: error & 0x08 != 0,
            unrecoverable: error & 0x20 != 0,
        }
    }

    /// Whether a receipt can print now.
    pub fn ready(&self) -> bool {
        self.online
            && !self.cover_open
            && !self.paper_out
            && !self.cutter_error
            && !self.unrecoverable
    }

    /// The problem, in words an operator acts on; `None` when ready.
    pub fn problem(&self) -> Option<&'static str> {
        if self.paper_out {
            Some("paper out: load a new roll")
        } else if self.cover_open {
            Some("cover open: close the printer's cover")
        } else if self.cutter_error {
            Some("cutter error: clear the paper jam at the cutter")
        } else if self.unrecoverable {
            Some("printer error: switch the printer off and on")
        } else if !self.online {
            Some("printer offline")
        } else {
            None
        }
    }
}
