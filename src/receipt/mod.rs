//! The receipt: its model and the printers. The ESC/POS encoder, the serial printer with DLE
//! EOT status and the PDF receipt and photo sheet are built by issue #5. Knows nothing of the UI.

mod model;
mod printer;

pub use model::{Receipt, clean};
pub use printer::{PrintError, Printer, VirtualPrinter};
