//! The printed photo (issue #18): the application form of a passport or a 港澳/台湾 permit
//! takes one printed colour photo besides the receipt. This module lays the approved JPEG out
//! on a 4×6 in sheet (its document's print size, cut marks, as it is: never encoded again),
//! keeps the sheet in a disk queue and sends it over IPP to a CUPS queue or an IPP printer,
//! and reads the printer's state, reasons and supply levels for the operator. It knows nothing
//! of the session or the screens.

mod client;
mod config;
mod error;
mod ipp;
mod media;
mod printer;
mod queue;
mod status;
mod target;

pub use client::{IppClient, Printed};
pub use config::{DEFAULT_HELD_HOURS, DEFAULT_MEDIA, MAX_HELD_HOURS, PhotoPrinterConfig};
pub use error::PhotoPrintError;
pub use media::{MediaSupport, Paper, media_size};
pub use printer::{CupsPhotoPrinter, PhotoPrinter, VirtualPhotoPrinter, photo_job, sheet};
pub use queue::{PhotoQueue, Sent};
pub use status::{Marker, PrinterStatus, Problem, State};
pub use target::Target;

use crate::spec::Spec;

/// Photos on the sheet for `spec`: the photo printer's own number for that document, else the
/// document's `printed_photos` (0: none printed).
pub fn copies_for(config: Option<&PhotoPrinterConfig>, spec: &Spec) -> u32 {
    config
        .and_then(|c| c.copies.get(&spec.id).copied())
        .unwrap_or(spec.printed_photos)
}
