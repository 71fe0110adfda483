//! Our own ESC/POS reader: turns a byte stream back into what the printer would do, for the
//! tests, the virtual printer and the PNG preview.

/// One thing the printer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `ESC @`.
    Init,
    /// `FS &`.
    ChineseMode,
    /// `ESC t n`: the character code table of single-byte text.
    CodePage(u8),
    /// `ESC a n`.
    Align(u8),
    /// `ESC E n`.
    Bold(bool),
    /// `GS ! n`: width and height multipliers.
    Size(u8, u8),
    /// A line of text, decoded from GB18030, or after `ESC t` (without `FS &`) from single
    /// bytes: ASCII as it is, any other byte as U+FFFD.
    Text(String),
    /// `GS w n`: module width of barcodes in dots.
    BarcodeWidth(u8),
    /// `GS h n`: barcode height in dots.
    BarcodeHeight(u8),
    /// `GS k 73`: CODE128 data without the code set B prefix (`{C` stays: its bytes are pairs of
    /// digits, not text).
    Barcode(String),
    /// `GS ( k … 67`: QR module size in dots.
    QrModule(u8),
    /// `GS ( k … 80`: the QR payload stored.
    QrStore(String),
    /// `GS ( k … 81`: the stored QR printed.
    QrPrint,
    /// `GS v 0`: a raster of `width` dots by `rows`, one bit a dot.
    Raster {
        /// Width in dots (bytes × 8).
        width: u32,
        /// Rows.
        rows: u32,
        /// Packed bits, rows padded to bytes.
        bits: Vec<u8>,
    },
    /// `ESC d n`.
    Feed(u8),
    /// `GS V n`.
    Cut(u8),
    /// A setting we recognise and skip (barcode height, QR model, …).
    Setting,
}

/// A byte stream that is not ESC/POS as we write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("escpos: unknown or cut-off command at byte {at}")]
pub struct DecodeError {
    /// Offset of the command.
    pub at: usize,
}

/// Reads a whole job.
pub fn decode(bytes: &[u8]) -> Result<Vec<Op>, DecodeError> {
    let mut ops = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut i = 0;
    let need = |i: usize, n: usize| {
        if i + n <= bytes.len() {
            Ok(())
        } else {
            Err(DecodeError { at: i })
        }
    };
    // Single-byte text after `ESC t`, until `FS &` or `ESC @`.
    let mut single_byte = false;
    let flush = |text: &mut Vec<u8>, ops: &mut Vec<Op>, single_byte: bool| {
        if !text.is_empty() {
            let s = if single_byte {
                text.iter()
                    .map(|&b| {
                        if b.is_ascii() {
                            char::from(b)
                        } else {
                            '\u{FFFD}'
                        }
                    })
                    .collect()
            } else {
                encoding_rs::GB18030.decode(text).0.into_owned()
            };
            ops.push(Op::Text(s));
            text.clear();
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x1B..=0x1D => {
                flush(&mut text, &mut ops, single_byte);
                need(i, 2)?;
                let at = i;
                let cmd = bytes[i + 1];
                match (b, cmd) {
                    (0x1B, b'@') => {
                        ops.push(Op::Init);
                        single_byte = false;
                        i += 2;
                    }
                    (0x1C, b'&') => {
                        ops.push(Op::ChineseMode);
                        single_byte = false;
                        i += 2;
                    }
                    (0x1B, b't') => {
                        need(i, 3)?;
                        ops.push(Op::CodePage(bytes[i + 2]));
                        single_byte = true;
                        i += 3;
                    }
                    (0x1B, b'a') => {
                        need(i, 3)?;
                        ops.push(Op::Align(bytes[i + 2]));
                        i += 3;
                    }
                    (0x1B, b'E') => {
                        need(i, 3)?;
                        ops.push(Op::Bold(bytes[i + 2] != 0));
                        i += 3;
                    }
                    (0x1B, b'd') => {
                        need(i, 3)?;
                        ops.push(Op::Feed(bytes[i + 2]));
                        i += 3;
                    }
                    (0x1D, b'!') => {
                        need(i, 3)?;
                        let n = bytes[i + 2];
                        ops.push(Op::Size((n >> 4) + 1, (n & 0x0F) + 1));
                        i += 3;
                    }
                    (0x1D, b'H' | b'h' | b'w') => {
                        need(i, 3)?;
                        let n = bytes[i + 2];
                        ops.push(match cmd {
                            b'w' => Op::BarcodeWidth(n),
                            b'h' => Op::BarcodeHeight(n),
                            _ => Op::Setting,
                        });
                        i += 3;
                    }
                    (0x1D, b'V') => {
                        need(i, 3)?;
                        ops.push(Op::Cut(bytes[i + 2]));
                        i += 3;
                    }
                    (0x1D, b'k') => {
                        need(i, 4)?;
                        let len = usize::from(bytes[i + 3]);
                        need(i + 4, len)?;
                        let data = &bytes[i + 4..i + 4 + len];
                        let data = data.strip_prefix(b"{B").unwrap_or(data);
                        ops.push(Op::Barcode(String::from_utf8_lossy(data).into_owned()));
                        i += 4 + len;
                    }
                    (0x1D, b'(') => {
                        need(i, 5)?;
                        let len = usize::from(bytes[i + 3]) | usize::from(bytes[i + 4]) << 8;
                        need(i + 5, len)?;
                        let body = &bytes[i + 5..i + 5 + len];
                        ops.push(match body {
                            [49, 80, 48, payload @ ..] => {
                                Op::QrStore(String::from_utf8_lossy(payload).into_owned())
                            }
                            [49, 81, ..] => Op::QrPrint,
                            [49, 67, n] => Op::QrModule(*n),
                            _ => Op::Setting,
                        });
                        i += 5 + len;
                    }
                    (0x1D, b'v') => {
                        need(i, 8)?;
                        let width_bytes =
                            u32::from(u16::from_le_bytes([bytes[i + 4], bytes[i + 5]]));
                        let rows = u32::from(u16::from_le_bytes([bytes[i + 6], bytes[i + 7]]));
                        let len = (width_bytes * rows) as usize;
                        need(i + 8, len)?;
                        ops.push(Op::Raster {
                            width: width_bytes * 8,
                            rows,
                            bits: bytes[i + 8..i + 8 + len].to_vec(),
                        });
                        i += 8 + len;
                    }
                    _ => return Err(DecodeError { at }),
                }
            }
            b'\n' => {
                flush(&mut text, &mut ops, single_byte);
                i += 1;
            }
            _ => {
                text.push(b);
                i += 1;
            }
        }
    }
    flush(&mut text, &mut ops, single_byte);
    Ok(ops)
}
