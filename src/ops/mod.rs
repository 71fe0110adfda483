//! Operations: configuration loading and validation, the operator PIN and its lockout, counters
//! and the event log (`ops.sqlite`), health in an operator's words, the diagnostics bundle and
//! the systemd watchdog.
//!
//! This is the edge where files are read; the pure parsers live in `spec`.

pub mod allocator;
pub mod config;
pub mod credentials;
pub mod demo_secrets;
pub mod diagnostics;
pub mod health;
pub mod heartbeat;
pub mod journal;
pub mod layers;
mod locate;
pub mod lockout;
mod photo_health;
pub mod pin;
pub mod store;
pub mod watchdog;

pub use config::{Config, ConfigError, KioskConfig};
pub use layers::Layers;
pub use store::{Counter, OpsStore};
