//! The detection center, both sides of it: the API types; the kiosk's client (reqwest on
//! tokio), its durable outbox (rusqlite) and the courier that delivers it; and the reference
//! center (axum + SQLite) that judges photos with the booth's own measures. Knows nothing of the
//! UI.

mod admission;
pub mod api;
pub mod client;
mod config;
pub mod courier;
pub mod gate;
pub mod judge;
pub mod ledger;
mod number;
pub mod outbox;
pub mod server;
pub mod tokens;

pub use config::CenterConfig;
pub use courier::Courier;
pub use number::receipt_number;

use std::time::Duration;

use api::{Parcel, Submission};

/// The booth's way to the center. On a real booth and in the demo it is the [`Courier`]: the
/// outbox and its worker, over HTTP.
pub trait Center: Send + Sync {
    /// Stores the submission durably and sends it; waits up to `wait` for the final answer.
    /// `Ok(None)`: no answer yet (delivery goes on in the background). `Err`: it could not even be
    /// stored.
    fn submit(&self, parcel: Parcel, wait: Duration) -> Result<Option<Submission>, String>;
    /// The answer recorded for a local submission id ("check my submission").
    fn answer(&self, id: &str) -> Option<Submission>;
    /// The booth is done with it: the applicant's data is wiped once the answer is final.
    fn release(&self, id: &str);
    /// What waits in the outbox, and the latest contact with the center (for the operator).
    fn status(&self) -> CenterStatus;
    /// Sends everything undelivered now, refused ones too; returns how many.
    fn retry_now(&self) -> usize;
    /// The submission of a pending ticket's code: the answer so far, and what was sent while the
    /// booth still holds it.
    fn find(&self, code: &str) -> Option<Found>;
    /// The booth's latest heartbeat, to be sent when the way is free (only the latest is kept;
    /// a center that does not collect them ignores it).
    fn heartbeat(&self, _beat: api::Heartbeat) {}
}

/// A submission found by its ticket code.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The local submission id.
    pub id: String,
    /// The center's answer so far.
    pub answer: Option<Submission>,
    /// What was sent, while the booth holds it.
    pub parcel: Option<Parcel>,
}

/// The delivery side at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterStatus {
    /// The outbox.
    pub depth: outbox::Depth,
    /// The latest request to the center.
    pub contact: Option<courier::Contact>,
}
