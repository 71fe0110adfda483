//! The applicant's own skin, sampled on the cheeks: what the hair, ear, shadow and glare measures
//! compare other parts of the head with. Adapts to every skin tone and to the light of the photo.

use image::RgbImage;

use super::Sampler;

/// Luma and chroma (BT.601 YCbCr, as JPEG uses) of an sRGB pixel.
pub fn ycc(p: [u8; 3]) -> [f32; 3] {
    let [r, g, b] = p.map(f32::from);
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    [y, 0.564 * (b - y), 0.713 * (r - y)]
}

/// Luma at image point `p`, the nearest pixel inside the image.
pub fn luma_at(rgb: &RgbImage, p: [f32; 2]) -> f32 {
    let (w, h) = rgb.dimensions();
    let x = p[0].clamp(0.0, (w.max(1) - 1) as f32) as u32;
    let y = p[1].clamp(0.0, (h.max(1) - 1) as f32) as u32;
    ycc(rgb.get_pixel(x, y).0)[0]
}

/// The skin's colour and its spread. Its hue is kept as chromaticity (chroma over luma), which
/// light and shade leave alone: skin in a shadow is the same skin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skin {
    /// Mean luma.
    pub luma: f32,
    /// Spread (standard deviation) of the luma.
    pub luma_sd: f32,
    /// Mean chroma (Cb, Cr, centred on 0).
    pub chroma: [f32; 2],
    /// Spread of the chroma around its mean.
    pub chroma_sd: f32,
    /// Mean chromaticity (Cb / Y, Cr / Y).
    pub hue: [f32; 2],
    /// Spread of the chromaticity around its mean.
    pub hue_sd: f32,
}

/// Smallest chromaticity distance still counted as skin, whatever the spread on the cheeks:
/// JPEG's chroma noise alone reaches it.
const HUE_FLOOR: f32 = 0.05;
/// Smallest chroma distance still counted as skin in [`Skin::matches_lit`].
const CHROMA_FLOOR: f32 = 10.0;
/// Darkest skin, as a share of the cheeks' luma (deep shade; black and brown hair are darker).
const DARKEST: f32 = 0.45;

/// Chromaticity of a pixel given its YCbCr.
fn hue([y, cb, cr]: [f32; 3]) -> [f32; 2] {
    let y = y.max(8.0);
    [cb / y, cr / y]
}

impl Skin {
    /// The skin under the eyes and on the cheeks, read from the pixels `cheeks` yields.
    pub fn sample(rgb: &RgbImage, cheeks: &Sampler) -> Option<Skin> {
        let mut n = 0.0f64;
        let (mut y, mut y2, mut cb, mut cr, mut hb, mut hr) = (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0);
        let mut hues = Vec::new();
        let mut chromas = Vec::new();
        cheeks.each(rgb, |p| {
            let c = ycc(p);
            let h = hue(c);
            let [l, b, r] = c.map(f64::from);
            y += l;
            y2 += l * l;
            cb += b;
            cr += r;
            hb += f64::from(h[0]);
            hr += f64::from(h[1]);
            n += 1.0;
            hues.push(h.map(f64::from));
            chromas.push([b, r]);
        });
        if n < 8.0 {
            return None;
        }
        let (hb, hr) = (hb / n, hr / n);
        let spread = hues
            .iter()
            .map(|[b, r]| (b - hb).powi(2) + (r - hr).powi(2))
            .sum::<f64>()
            / n;
        let (cb, cr) = (cb / n, cr / n);
        let chroma_spread = chromas
            .iter()
            .map(|[b, r]| (b - cb).powi(2) + (r - cr).powi(2))
            .sum::<f64>()
            / n;
        let luma = y / n;
        Some(Skin {
            luma: luma as f32,
            luma_sd: (y2 / n - luma * luma).max(0.0).sqrt() as f32,
            chroma: [cb as f32, cr as f32],
            chroma_sd: chroma_spread.sqrt() as f32,
            hue: [hb as f32, hr as f32],
            hue_sd: spread.sqrt() as f32,
        })
    }

    /// Whether pixel `p` looks like this skin: its chromaticity close to the cheeks', its luma
    /// from deep shade up to a little brighter (skin in light and shade; hair, fabric, metal and
    /// the backdrop fall outside).
    pub fn matches(&self, p: [u8; 3]) -> bool {
        let c = ycc(p);
        let h = hue(c);
        let d = (h[0] - self.hue[0]).hypot(h[1] - self.hue[1]);
        let reach = (3.0 * self.hue_sd).max(HUE_FLOOR);
        let low = (self.luma - 3.0 * self.luma_sd).min(self.luma * DARKEST);
        let high = self.luma + (3.0 * self.luma_sd).max(40.0);
        d <= reach && c[0] >= low && c[0] <= high
    }

    /// Whether `p` looks like this skin in about the cheeks' own light, by its chroma rather than
    /// its hue (so that shade counts against it), the reach widened `k` times: the ears, redder
    /// than the cheeks, against light-brown hair, which has the skin's hue but is darker.
    pub fn matches_lit(&self, p: [u8; 3], k: f32) -> bool {
        let [l, cb, cr] = ycc(p);
        let d = (cb - self.chroma[0]).hypot(cr - self.chroma[1]);
        let reach = k * (3.0 * self.chroma_sd).max(CHROMA_FLOOR);
        let low = (self.luma - 3.0 * self.luma_sd).min(self.luma * (1.0 - 0.45 * k));
        let high = self.luma + (3.0 * self.luma_sd).max(40.0);
        d <= reach && l >= low && l <= high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skin() -> Skin {
        let c = ycc([200, 140, 120]);
        Skin {
            luma: c[0],
            luma_sd: 12.0,
            chroma: [c[1], c[2]],
            chroma_sd: 2.0,
            hue: hue(c),
            hue_sd: 0.01,
        }
    }

    #[test]
    fn skin_in_shade_is_skin_hair_and_backdrop_are_not() {
        let s = skin();
        assert!(s.matches([200, 140, 120]));
        assert!(s.matches([140, 98, 84]), "the same skin at 70 % light");
        assert!(s.matches([110, 77, 66]), "the same skin at 55 % light");
        assert!(!s.matches([40, 30, 25]), "dark hair");
        assert!(!s.matches([245, 245, 245]), "a white backdrop");
        assert!(!s.matches([90, 120, 200]), "a blue cap");
    }
}
