//! A JPEG embedded in a PDF as it is (`DCTDecode`): the printed photo is the very file the
//! center approved, never decoded and encoded again (issue #18). Only its frame header is read,
//! for the pixel size and the colour components.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, PdfDocument, Px};

use super::{Placed, RenderError, crop_window};

/// A JPEG file and the size it is printed at.
#[derive(Debug, Clone, Copy)]
pub struct Jpeg<'a> {
    /// The file's bytes, as approved.
    pub bytes: &'a [u8],
    /// Width and height on paper in mm (`print_mm` of the document's spec).
    pub print_mm: [f32; 2],
}

/// What the frame header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Frame {
    pub(super) width: u32,
    pub(super) height: u32,
    /// 1 (grey) or 3 (colour).
    pub(super) components: u8,
}

fn bad(what: &str) -> RenderError {
    RenderError::Photo(format!("not a JPEG a PDF can carry: {what}"))
}

/// Reads the frame header (SOF0, SOF1 or SOF2: Huffman-coded, 8 bits, baseline, extended or
/// progressive, which PDF's `DCTDecode` reads) of `bytes`.
pub(super) fn frame(bytes: &[u8]) -> Result<Frame, RenderError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(RenderError::Photo(format!(
            "not a JPEG file ({}); the PDF carries the approved JPEG as it is",
            kind_of(bytes)
        )));
    }
    let mut at = 2;
    loop {
        // Markers may be padded with 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(bad(if at + 1 >= bytes.len() {
                "cut short before its frame header"
            } else {
                "no frame header"
            }));
        };
        at += 2;
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue;
        }
        let len = match bytes.get(at..at + 2) {
            Some(l) => usize::from(u16::from_be_bytes([l[0], l[1]])),
            None => return Err(bad("cut short")),
        };
        match marker {
            0xC0..=0xC2 => {
                let Some(f) = bytes.get(at + 2..at + 8) else {
                    return Err(bad("cut short"));
                };
                if f[0] != 8 {
                    return Err(bad(&format!("{} bits a sample (8 only)", f[0])));
                }
                let height = u32::from(u16::from_be_bytes([f[1], f[2]]));
                let width = u32::from(u16::from_be_bytes([f[3], f[4]]));
                let components = f[5];
                if width == 0 || height == 0 {
                    return Err(bad("no pixel size in the header"));
                }
                match components {
                    1 | 3 => {}
                    4 => return Err(bad("CMYK (4 colour components; RGB or grey only)")),
                    n => return Err(bad(&format!("{n} colour components (RGB or grey only)"))),
                }
                return Ok(Frame {
                    width,
                    height,
                    components,
                });
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(bad("lossless, hierarchical or arithmetic coding"));
            }
            0xD9 | 0xDA => return Err(bad("no frame header before the image data")),
            _ => at += len,
        }
    }
}

/// What a file that is not a JPEG seems to be, from its first bytes, for the error.
fn kind_of(bytes: &[u8]) -> &'static str {
    const KINDS: [(&[u8], &str); 6] = [
        (b"\x89PNG", "a PNG"),
        (b"GIF8", "a GIF"),
        (b"BM", "a BMP"),
        (b"II*\0", "a TIFF"),
        (b"MM\0*", "a TIFF"),
        (b"%PDF", "a PDF"),
    ];
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return "a WebP";
    }
    KINDS
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map_or("no start-of-image marker", |(_, kind)| *kind)
}

/// `jpeg` added to `doc` once, as it is; its middle, cut to the print aspect, is what shows.
pub(super) fn add_jpeg(doc: &mut PdfDocument, jpeg: Jpeg<'_>) -> Result<Placed, RenderError> {
    let f = frame(jpeg.bytes)?;
    let colour = if f.components == 3 {
        "DeviceRGB"
    } else {
        "DeviceGray"
    };
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let dict = BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), DictItem::Int(i64::from(f.width))),
        ("Height".to_owned(), DictItem::Int(i64::from(f.height))),
        ("ColorSpace".to_owned(), name(colour)),
        ("BitsPerComponent".to_owned(), DictItem::Int(8)),
        ("Filter".to_owned(), name("DCTDecode")),
    ]);
    let id = doc.add_xobject(&ExternalXObject {
        stream: ExternalStream {
            dict,
            content: jpeg.bytes.to_vec(),
            // Compressing JPEG data again gains nothing.
            compress: false,
        },
        width: Some(Px(f.width as usize)),
        height: Some(Px(f.height as usize)),
        dpi: None,
    });
    Ok(Placed {
        id,
        pixels: (f.width, f.height),
        window: crop_window((f.width, f.height), jpeg.print_mm),
        print_mm: jpeg.print_mm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image::RgbImage::new(w, h))
            .expect("encodes");
        out
    }

    #[test]
    fn the_frame_header_gives_size_and_colours() {
        assert_eq!(
            frame(&encoded(354, 472)),
            Ok(Frame {
                width: 354,
                height: 472,
                components: 3
            })
        );
    }

    fn refusal(bytes: &[u8]) -> String {
        match frame(bytes) {
            Err(RenderError::Photo(m)) => m,
            other => panic!("refused as a photo, not {other:?}"),
        }
    }

    #[test]
    fn what_is_not_a_usable_jpeg_is_refused_by_name() {
        let mut png = Vec::new();
        image::RgbImage::new(8, 8)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        let why = refusal(&png);
        assert!(why.contains("not a JPEG file (a PNG)"), "{why}");
        assert!(refusal(b"hello").contains("no start-of-image marker"));

        let jpeg = encoded(16, 16);
        assert!(refusal(&jpeg[..20]).contains("cut short"));

        // A CMYK JPEG, as print shops' tools write them.
        let mut cmyk = Vec::new();
        jpeg_encoder::Encoder::new(&mut cmyk, 90)
            .encode(&[0u8; 16 * 16 * 4], 16, 16, jpeg_encoder::ColorType::Cmyk)
            .expect("cmyk");
        let sof = |b: &[u8]| {
            b.windows(2)
                .position(|w| w == [0xFF, 0xC0])
                .expect("a baseline frame header")
        };
        assert_eq!(cmyk[sof(&cmyk) + 9], 4, "four components in the file");
        let why = refusal(&cmyk);
        assert!(why.contains("CMYK"), "{why}");

        // A frame of 12 bits a sample (extended sequential, as medical and raw tools write).
        let mut twelve = jpeg.clone();
        let at = sof(&twelve);
        twelve[at + 1] = 0xC1;
        twelve[at + 4] = 12;
        let why = refusal(&twelve);
        assert!(why.contains("12 bits a sample"), "{why}");
    }
}
