//! The receipt: its model and its layouts by document and city (`receipts.toml`), the ESC/POS
//! encoder and our own reader of it, the PNG preview of a job, the PDF receipt and photo sheet,
//! and the printers (serial with DLE EOT status, virtual). Knows nothing of the UI.

mod config;
pub mod decode;
pub mod escpos;

mod kiosk_printer;
pub mod layout;
mod model;
pub mod pdf;
mod printer;
mod queue;
pub mod reader;
pub mod render;
pub mod sample;
pub mod serial;
pub mod status;
mod ticket;

pub use config::{Cut, FlowControl, PrinterConfig, QrMode};
pub use escpos::clean;
pub use kiosk_printer::KioskPrinter;
pub use model::Receipt;
pub use printer::{Printer, VirtualPrinter, preview, receipt_job, ticket_job};
pub use queue::PrintQueue;
pub use render::RenderError;
pub use status::PrintError;
pub use ticket::{TICKET_CODE_LEN, ticket_code, ticket_escpos, ticket_lines};

#[cfg(test)]
mod tests;
