//! The receipt: its model, the ESC/POS encoder and our own reader of it, and the printers. The
//! serial printer with DLE EOT status, the PNG preview and the PDF receipt and photo sheet are
//! built by issue #5. Knows nothing of the UI.

pub mod decode;
pub mod escpos;
mod model;
mod printer;
mod queue;
pub mod serial;

pub use model::{Receipt, clean};
pub use printer::{PrintError, Printer, VirtualPrinter};
pub use queue::{Flushed, PrintQueue};

#[cfg(test)]
mod tests;
