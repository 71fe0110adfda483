//! The applicant flow as a pure state machine: `update(event) -> effects`, timeouts as events.
//! No I/O, no clock, no egui: the shell feeds the time and runs the effects.

mod config;
mod flow;
mod lookup;

pub use config::SessionConfig;
pub use flow::{CheckNote, Effect, Event, Flow, Limits, Lookup, Order, Photo, ReceiptJob, Session};

#[cfg(test)]
mod tests;
