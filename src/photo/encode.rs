//! JPEG output: baseline, sRGB, JFIF density = the spec's dpi, no EXIF, inside the spec's KB
//! window by a search over quality (never by padding bytes).

use image::RgbImage;
use image::codecs::jpeg::{JpegEncoder, PixelDensity};

/// Lowest quality the search tries: below it faces break into blocks.
pub const MIN_QUALITY: u8 = 10;
/// Highest quality the search tries.
pub const MAX_QUALITY: u8 = 98;

/// A JPEG and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The file.
    pub bytes: Vec<u8>,
    /// Quality used.
    pub quality: u8,
    /// Encodes the search took.
    pub encodes: u32,
    /// Whether the size lies inside the window.
    pub in_window: bool,
}

/// The encoder failed (it should not on valid pixels).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("photo: cannot encode JPEG: {0}")]
pub struct EncodeError(String);

/// Encodes at one quality with the JFIF density set to `dpi`.
pub fn encode_jpeg(rgb: &RgbImage, dpi: u32, quality: u8) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    encoder.set_pixel_density(PixelDensity::dpi(u16::try_from(dpi).unwrap_or(u16::MAX)));
    encoder
        .encode_image(rgb)
        .map_err(|e| EncodeError(e.to_string()))?;
    Ok(out)
}

/// The highest quality whose file fits under `max` bytes, found by bisection (at most 7
/// encodes over qualities 10 to 98). `in_window` says whether it also reaches `min`; a file
/// below `min` even at the top quality is returned as it is, not padded.
pub fn encode_within(
    rgb: &RgbImage,
    dpi: u32,
    (min, max): (usize, usize),
) -> Result<Encoded, EncodeError> {
    let (mut lo, mut hi) = (MIN_QUALITY, MAX_QUALITY);
    let mut best: Option<(u8, Vec<u8>)> = None;
    let mut smallest: Option<(u8, Vec<u8>)> = None;
    let mut encodes = 0;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let bytes = encode_jpeg(rgb, dpi, mid)?;
        encodes += 1;
        if bytes.len() <= max {
            best = Some((mid, bytes));
            lo = mid + 1;
        } else {
            // Each later miss is at a lower quality: keep the last, the smallest file.
            smallest = Some((mid, bytes));
            hi = mid - 1;
        }
    }
    // The loop runs at least once (MIN_QUALITY <= MAX_QUALITY), so one of them is set.
    let (quality, bytes) = best
        .or(smallest)
        .ok_or_else(|| EncodeError("no quality was tried".to_owned()))?;
    let in_window = bytes.len() >= min && bytes.len() <= max;
    Ok(Encoded {
        bytes,
        quality,
        encodes,
        in_window,
    })
}

/// The JFIF header of a JPEG: density unit (1 = dots per inch) and the densities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jfif {
    /// 0 none (aspect only), 1 dots per inch, 2 dots per cm.
    pub unit: u8,
    /// Horizontal density.
    pub x: u16,
    /// Vertical density.
    pub y: u16,
}

impl Jfif {
    /// Density in dots per inch, when the unit allows it.
    pub fn dpi(&self) -> Option<u32> {
        match self.unit {
            1 => Some(u32::from(self.x)),
            2 => Some((f32::from(self.x) * 2.54).round() as u32),
            _ => None,
        }
    }
}

/// Walks the JPEG markers before the scan: the JFIF (APP0) header and whether an EXIF (APP1)
/// segment is present.
pub fn read_markers(bytes: &[u8]) -> (Option<Jfif>, bool) {
    let (mut jfif, mut exif) = (None, false);
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let body = bytes.get(i + 4..i + 2 + len).unwrap_or(&[]);
        match marker {
            0xE0 if body.starts_with(b"JFIF\0") && body.len() >= 12 => {
                jfif = Some(Jfif {
                    unit: body[7],
                    x: u16::from_be_bytes([body[8], body[9]]),
                    y: u16::from_be_bytes([body[10], body[11]]),
                });
            }
            0xE1 if body.starts_with(b"Exif\0") => exif = true,
            _ => {}
        }
        i += 2 + len;
    }
    (jfif, exif)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(width: u32, height: u32) -> RgbImage {
        let mut rng = fastrand::Rng::with_seed(7);
        RgbImage::from_fn(width, height, |x, y| {
            let base = ((x + y) % 255) as u8;
            image::Rgb([base, base.wrapping_add(rng.u8(0..40)), 128])
        })
    }

    #[test]
    fn density_and_no_exif() {
        let bytes = encode_jpeg(&noisy(50, 40), 350, 90).expect("encode");
        let (jfif, exif) = read_markers(&bytes);
        assert_eq!(jfif.and_then(|j| j.dpi()), Some(350));
        assert!(!exif);
    }

    #[test]
    fn search_lands_in_the_window_within_eight_encodes() {
        let image = noisy(354, 472);
        let window = (20 * 1024, 40 * 1024);
        let encoded = encode_within(&image, 300, window).expect("encode");
        assert!(
            encoded.in_window,
            "{} bytes at q{}",
            encoded.bytes.len(),
            encoded.quality
        );
        assert!(encoded.encodes <= 8);
        // The next quality up would not fit: the search found the best one.
        if encoded.quality < MAX_QUALITY {
            let above = encode_jpeg(&image, 300, encoded.quality + 1).expect("encode");
            assert!(above.len() > window.1);
        }
    }

    #[test]
    fn a_file_too_small_even_at_top_quality_is_not_padded() {
        let flat = RgbImage::from_pixel(100, 100, image::Rgb([255, 255, 255]));
        let encoded = encode_within(&flat, 300, (20 * 1024, 80 * 1024)).expect("encode");
        assert!(!encoded.in_window);
        assert_eq!(encoded.quality, MAX_QUALITY);
        assert!(encoded.bytes.len() < 20 * 1024);
    }
}
