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

/// The most encodes [`encode_within`] takes, whatever its hint: a far hint costs its widening
/// steps on top of the bisection (without a hint, at most 7).
pub const MAX_ENCODES: u32 = 11;

/// Steps of widening from a hint before the rest is bisected: hints within 7 of the answer are
/// bracketed by them; a farther hint would cost more steps than it saves.
const WIDENING: u32 = 3;

/// The highest quality whose file fits under `max` bytes. `in_window` says whether it also
/// reaches `min`; a file below `min` even at the top quality is returned as it is, not padded.
///
/// Without a hint the qualities 10 to 98 are bisected (at most 7 encodes). With `hint`, where
/// the answer was last time for a photo like this one, the search starts there and widens its
/// steps (1, 2, 4) until the answer is bracketed, then bisects: two encodes when the hint is
/// right, three when it is one off, at most [`MAX_ENCODES`] when it is far off, and always the
/// same answer as the bisection (the file grows with the quality).
pub fn encode_within(
    rgb: &RgbImage,
    dpi: u32,
    (min, max): (usize, usize),
    hint: Option<u8>,
) -> Result<Encoded, EncodeError> {
    let mut search = Search {
        rgb,
        dpi,
        max,
        best: None,
        smallest: None,
        encodes: 0,
    };
    highest_fitting(hint, |q| search.fits(q))?;
    // At least one quality was tried (MIN_QUALITY <= MAX_QUALITY), so one of them is set.
    let (quality, bytes) = search
        .best
        .or(search.smallest)
        .ok_or_else(|| EncodeError("no quality was tried".to_owned()))?;
    let in_window = bytes.len() >= min && bytes.len() <= max;
    Ok(Encoded {
        bytes,
        quality,
        encodes: search.encodes,
        in_window,
    })
}

/// Searches the qualities for the highest one that `fits` (which holds up to some quality and
/// not above it), from `hint` when there is one; `fits` sees every quality tried.
fn highest_fitting<E>(
    hint: Option<u8>,
    mut fits: impl FnMut(u8) -> Result<bool, E>,
) -> Result<(), E> {
    // The qualities still in question: the answer lies in lo - 1 ..= hi (lo - 1 known to fit,
    // or below the range).
    let (mut lo, mut hi) = (MIN_QUALITY, MAX_QUALITY);
    if let Some(hint) = hint.map(|h| h.clamp(MIN_QUALITY, MAX_QUALITY)) {
        let mut step = 1u8;
        if fits(hint)? {
            lo = hint + 1;
            for _ in 0..WIDENING {
                if lo > hi {
                    break;
                }
                let q = hint.saturating_add(step).min(hi);
                if fits(q)? {
                    lo = q + 1;
                } else {
                    hi = q - 1;
                    break;
                }
                step = step.saturating_mul(2);
            }
        } else {
            hi = hint - 1;
            for _ in 0..WIDENING {
                if lo > hi {
                    break;
                }
                let q = hint.saturating_sub(step).max(lo);
                if fits(q)? {
                    lo = q + 1;
                    break;
                }
                hi = q - 1;
                step = step.saturating_mul(2);
            }
        }
    }
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        if fits(mid)? {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    Ok(())
}

/// The files tried by [`encode_within`]: the best that fits, and the smallest that does not.
struct Search<'a> {
    rgb: &'a RgbImage,
    dpi: u32,
    max: usize,
    best: Option<(u8, Vec<u8>)>,
    smallest: Option<(u8, Vec<u8>)>,
    encodes: u32,
}

impl Search<'_> {
    /// Whether the file at `quality` fits under the limit; kept if it is the best or smallest.
    fn fits(&mut self, quality: u8) -> Result<bool, EncodeError> {
        let bytes = encode_jpeg(self.rgb, self.dpi, quality)?;
        self.encodes += 1;
        let fits = bytes.len() <= self.max;
        if fits {
            if self.best.as_ref().is_none_or(|(q, _)| quality > *q) {
                self.best = Some((quality, bytes));
            }
        } else if self.smallest.as_ref().is_none_or(|(q, _)| quality < *q) {
            self.smallest = Some((quality, bytes));
        }
        Ok(fits)
    }
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
        let encoded = encode_within(&image, 300, window, None).expect("encode");
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
        let encoded = encode_within(&flat, 300, (20 * 1024, 80 * 1024), None).expect("encode");
        assert!(!encoded.in_window);
        assert_eq!(encoded.quality, MAX_QUALITY);
        assert!(encoded.bytes.len() < 20 * 1024);
    }

    #[test]
    fn every_hint_finds_the_highest_fitting_quality_within_the_most_encodes() {
        // Every answer (below the range, inside it, at its top) from no hint and every hint,
        // with `fits` counting: the same answer as the bisection, never more than MAX_ENCODES.
        for answer in MIN_QUALITY - 1..=MAX_QUALITY {
            let hints = std::iter::once(None).chain((0..=u8::MAX).map(Some));
            for hint in hints {
                let (mut tried, mut best) = (0u32, None);
                highest_fitting(hint, |q| {
                    tried += 1;
                    let fits = q <= answer;
                    if fits {
                        best = best.max(Some(q));
                    }
                    Ok::<_, std::convert::Infallible>(fits)
                })
                .expect("infallible");
                let want = (answer >= MIN_QUALITY).then_some(answer);
                assert_eq!(best, want, "answer {answer}, hint {hint:?}");
                assert!(
                    tried <= MAX_ENCODES,
                    "answer {answer}, hint {hint:?}: {tried}"
                );
                if hint.is_none() {
                    assert!(tried <= 7, "answer {answer} without a hint: {tried}");
                }
            }
        }
    }

    #[test]
    fn a_hint_finds_the_bisections_answer_in_fewer_encodes() {
        let image = noisy(354, 472);
        let window = (20 * 1024, 40 * 1024);
        let plain = encode_within(&image, 300, window, None).expect("encode");
        // An answer inside the range, so that hints above and below it are both tried.
        assert!((MIN_QUALITY + 1..MAX_QUALITY).contains(&plain.quality));
        // Right, a little off either way, far off, and out of range: always the same answer.
        for hint in [
            plain.quality,
            plain.quality + 1,
            plain.quality - 1,
            12,
            97,
            0,
            255,
        ] {
            let hinted = encode_within(&image, 300, window, Some(hint)).expect("encode");
            assert_eq!(
                (hinted.quality, &hinted.bytes),
                (plain.quality, &plain.bytes),
                "hint {hint}"
            );
            if hint == plain.quality && hint < MAX_QUALITY {
                assert_eq!(hinted.encodes, 2);
            }
            if hint.abs_diff(plain.quality) == 1 {
                assert!(
                    hinted.encodes <= 3,
                    "hint {hint}: {} encodes",
                    hinted.encodes
                );
            }
        }
        // Nothing fits: the smallest file, at the lowest quality, as without a hint.
        let tiny = (10, 100);
        let plain = encode_within(&image, 300, tiny, None).expect("encode");
        let hinted = encode_within(&image, 300, tiny, Some(60)).expect("encode");
        assert_eq!((hinted.quality, hinted.bytes), (MIN_QUALITY, plain.bytes));
        // Everything fits: the top quality.
        let roomy = (0, usize::MAX);
        let hinted = encode_within(&image, 300, roomy, Some(40)).expect("encode");
        assert_eq!(hinted.quality, MAX_QUALITY);
    }
}
