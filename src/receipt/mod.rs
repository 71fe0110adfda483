//! The receipt: its model, the ESC/POS encoder, the serial printer with DLE EOT status, and the
//! PDF receipt and photo sheet. Knows nothing of the UI. Built by issue #5.
