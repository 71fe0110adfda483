//! Operations: configuration loading and validation, the operator PIN, and (with the
//! maintenance issue) counters, the event log, health and the systemd watchdog.
//!
//! This is the edge where files are read; the pure parsers live in `spec`.

pub mod config;
mod locate;
pub mod pin;
pub mod watchdog;

pub use config::{Config, ConfigError, KioskConfig};
