//! What goes wrong with a photo print, in one line each.

/// A photo print that did not happen.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoPrintError {
    /// The printer (or the cupsd that holds its queue) cannot be reached: refused, no route, a
    /// timeout.
    #[error("photo printer: {printer} cannot be reached: {why}")]
    Unreachable {
        /// The queue or URI.
        printer: String,
        /// What the connection said.
        why: String,
    },
    /// It answered, but refused the request or answered something that is not IPP.
    #[error("photo printer: {printer} refused the job: {why}")]
    Refused {
        /// The queue or URI.
        printer: String,
        /// The IPP status or what was wrong with the answer.
        why: String,
    },
    /// It is not ready to print (stopped, out of paper, ribbon out, a jam): nothing was sent.
    #[error("photo printer: {printer} is not ready: {}", reasons.join(", "))]
    NotReady {
        /// The queue or URI.
        printer: String,
        /// Its state and reasons, as IPP keywords (`stopped`, `media-empty-error`).
        reasons: Vec<String>,
    },
    /// The sheet could not be made from the photo.
    #[error("photo printer: {0}")]
    Sheet(String),
    /// The print queue on disk cannot be read or written.
    #[error("photo printer: queue: {0}")]
    Queue(String),
    /// No job of that name is waiting.
    #[error("photo printer: no sheet {0:?} is waiting")]
    NotQueued(String),
}
