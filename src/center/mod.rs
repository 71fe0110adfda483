//! The detection center: API types, the reference center's judgement, and (issue #4) the client
//! (reqwest on tokio), the durable outbox (rusqlite) and the HTTP server (axum). Knows nothing
//! of the UI.

pub mod api;
mod reference;

pub use reference::{Incoming, ReferenceCenter, receipt_number};

/// The booth's way to the center: the in-process reference center for the demo, the HTTP client
/// with its durable outbox on a real booth (issue #4).
pub trait Center: Send + Sync {
    /// Submits a photo; blocks until the center answers or gives up.
    fn submit(&self, incoming: &Incoming<'_>) -> Result<api::Submission, String>;
}

impl Center for ReferenceCenter {
    fn submit(&self, incoming: &Incoming<'_>) -> Result<api::Submission, String> {
        Ok(ReferenceCenter::submit(
            self,
            incoming,
            chrono::Local::now().fixed_offset(),
        ))
    }
}
