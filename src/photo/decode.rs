//! Decoding untrusted image bytes: JPEG, PNG or WebP only, size checked before any pixel is
//! decoded, JPEGs whose image data is cut short or damaged refused (the decoder would fill the
//! gap with grey and call it a photo), turned upright as the EXIF orientation says (a phone's photo
//! stored sideways is measured upright).

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// Largest image accepted, in pixels (a 48-megapixel camera still fits).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Largest side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// Why bytes are not a usable photo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// Neither JPEG, PNG nor WebP.
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// A JPEG whose image data stops before the picture is complete: an interrupted copy or
    /// upload, even one closed with an end marker.
    #[error("the JPEG is truncated: its image data stops before the picture is complete")]
    Truncated,
    /// A JPEG whose image data breaks its own structure: a damaged or altered file.
    #[error("the JPEG is damaged: {0}")]
    Damaged(String),
    /// Over the size limits: a decompression bomb or a wrong file.
    #[error(
        "{width}×{height} pixels is over the limit of {MAX_PIXELS} pixels ({MAX_SIDE} per side)"
    )]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The decoder gave up.
    #[error("the image cannot be decoded: {0}")]
    Corrupt(String),
}

/// Decodes JPEG, PNG or WebP bytes into sRGB pixels, upright, refusing anything unsafe or
/// broken.
pub fn decode(bytes: &[u8]) -> Result<RgbImage, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let format = match bytes {
        [0xFF, 0xD8, 0xFF, ..] => ImageFormat::Jpeg,
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat::Png,
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => ImageFormat::WebP,
        _ => return Err(DecodeError::NotAnImage),
    };
    // Before anything else reads it: a JPEG cut short anywhere, even in its headers, is
    // truncated, and a bomb is refused before anything is allocated for it.
    if format == ImageFormat::Jpeg {
        super::entropy::check(bytes)?;
    }
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_PIXELS * 4);
        reader.limits(limits);
        reader
    };
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(DecodeError::TooLarge { width, height });
    }
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt("zero width or height".to_owned()));
    }
    let corrupt = |e: image::ImageError| DecodeError::Corrupt(e.to_string());
    let mut decoder = reader().into_decoder().map_err(corrupt)?;
    // A camera that stores its picture sideways says so in EXIF; an unreadable tag is taken as
    // upright rather than refusing the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image.to_rgb8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, image::Rgb([200, 100, 50]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&image)
            .expect("encode");
        out
    }

    #[test]
    fn good_jpeg_decodes() {
        let image = decode(&jpeg(32, 16)).expect("decode");
        assert_eq!(image.dimensions(), (32, 16));
    }

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"hello, not an image"), Err(DecodeError::NotAnImage));
        let whole = jpeg(64, 64);
        assert_eq!(
            decode(&whole[..whole.len() / 2]),
            Err(DecodeError::Truncated)
        );
    }

    /// A real JPEG whose frame header (SOF0) declares `width`×`height`.
    fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = jpeg(16, 16);
        let sof = bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("baseline SOF0");
        bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        assert_eq!(
            decode(&jpeg_declaring(30_000, 30_000)),
            Err(DecodeError::TooLarge {
                width: 30_000,
                height: 30_000
            })
        );
    }
}
