//! idbooth: a self-service ID-photo booth for China's digital photo collection receipts
//! (数字相片采集回执).
//!
//! A pure core (`spec`, `applicant`, `vision`, `photo`, `session`) and I/O at the edges
//! (`camera`, `center`, `receipt`, `ops`), run by the booth's shell (`booth`) under its screens
//! (`ui`). Dependencies point one way, as README's "Architecture" lists them (a unit test holds
//! the code to that list).

#![deny(missing_docs)]

pub mod applicant;
pub mod booth;
pub mod camera;
pub mod center;
pub mod cli;
mod commands;
pub mod i18n;
#[cfg(test)]
mod layers;
pub mod ops;
pub mod photo;
pub mod photoprint;
mod private;
pub mod receipt;
pub mod schema;
pub mod session;
pub mod spec;
mod spool;
pub mod ui;
pub mod vision;
pub mod voice;

pub use commands::{DEMO_PORTRAIT, demo_parts, outbox_path, run, start_reference_center};
