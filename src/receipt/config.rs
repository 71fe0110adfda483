//! `[printer]` of `kiosk.toml`: the serial thermal printer and its profile.

use serde::Deserialize;

/// Serial flow control of the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    /// None.
    None,
    /// XON/XOFF.
    Software,
    /// RTS/CTS.
    Hardware,
}

/// How the printer cuts the paper at the end of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cut {
    /// Full cut.
    Full,
    /// Partial cut, leaving a tab.
    Partial,
    /// No cutter: feed only.
    None,
}

/// How QR codes reach the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrMode {
    /// The printer's own `GS ( k` QR.
    Native,
    /// A raster image drawn by the booth, for printers without it.
    Image,
}

/// `[printer]`: the serial thermal printer and its profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    /// Serial port; point it at a udev symlink, since USB-serial names change.
    pub port: String,
    /// Baud rate.
    pub baud: u32,
    /// Flow control.
    pub flow_control: FlowControl,
    /// Paper width: 58 (384 dots) or 80 (576 dots).
    pub paper_mm: u32,
    /// Whether the printer needs `FS &` (Chinese mode) for GB18030 text.
    pub chinese_mode: bool,
    /// The character code table (`ESC t n`, 0..=255; 0 is PC437) for text when `chinese_mode`
    /// is off: ASCII prints as it is, any other character as '?'.
    #[serde(default)]
    pub code_page: u32,
    /// Cut at the end.
    pub cut: Cut,
    /// QR codes native or as an image.
    pub qr: QrMode,
    /// How often, in seconds, the booth asks the printer for its status (paper, cover, cutter).
    #[serde(default = "default_status_poll_s")]
    pub status_poll_s: u64,
}

fn default_status_poll_s() -> u64 {
    3
}
