//! How the applicant looks, beyond where the head is: eyes open, mouth closed, looking into the
//! camera, brows and ears not hidden by hair, glasses, even light without glare. Each measure is
//! read on the face mesh, the irises and the applicant's own skin (sampled on the cheeks), so it
//! holds for every face size, skin tone and light; `photo::check` holds them against the limits
//! of `guidance.toml`.

mod features;
mod glasses;
mod hair;
mod headwear;
mod jewellery;
mod light;
mod recapture;
mod skin;

use image::RgbImage;
use serde::Serialize;

pub use skin::Skin;

use super::mesh::{Landmarks, index};

/// The appearance measures of one face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Appearance {
    /// Eyelid gap over eye width, the less open eye (open about 0.3, closed under 0.1).
    pub eyes_open: f32,
    /// Inner lips' gap over mouth width (closed near 0).
    pub mouth_open: f32,
    /// Mean iris offset from the middle of the eye, in eye widths, `[x, y]`.
    pub gaze: [f32; 2],
    /// Share of skin just above the eyebrows, the lower side.
    pub brows_clear: f32,
    /// Share of the rows beside the face where an ear shows, image-left side first.
    pub ears_clear: [f32; 2],
    /// Luma of the forehead's skin against the cheeks', darker over brighter.
    pub top_bottom_light: f32,
    /// Share of the face (forehead to nose) that is specular glare.
    pub glare: f32,
    /// Edges across the bridge of the nose (a glasses frame).
    pub bridge_edges: f32,
    /// How much a level edge crosses the head from temple to temple (a hat's brim, a cap's
    /// band), less the arch of that edge (a hairline arches): `None` on a frame without a person
    /// mask.
    pub headwear: Option<f32>,
    /// Small spots far brighter than their surroundings beside the earlobes (metal, stones,
    /// pearls), the side with fewer: `None` on a frame without a person mask.
    pub earrings: Option<f32>,
    /// Share of the more covered shoulder (as much as a document's photo shows) under hair that
    /// comes down beside the face: `None` on a frame without a person mask.
    pub shoulders_covered: Option<f32>,
    /// How periodic the texture of the cheeks and nose is (a print's halftone, a screen's
    /// pixels): the strongest peak of their spectra over the spectra's level. Read on stills
    /// only (a file, the capture), not on every live frame: `None` until
    /// [`Appearance::with_periodicity`].
    pub periodicity: Option<f32>,
}

impl Appearance {
    /// Measures the face of `landmarks` in `rgb`, whose width at its widest is `face_width` and
    /// whose crown (hair or hat included) is at image row `crown_y`.
    pub fn measure(
        rgb: &RgbImage,
        landmarks: &Landmarks,
        face_width: f32,
        crown_y: f32,
    ) -> Appearance {
        let fw = face_width.max(1.0);
        let cheeks = Sampler::discs(
            &index::CHEEK_SKIN.map(|i| landmarks.mesh.xy(i)),
            0.05 * fw,
            fw,
        );
        let skin = Skin::sample(rgb, &cheeks);
        let (brows_clear, ears_clear, top_bottom_light, glare) = match &skin {
            Some(s) => (
                hair::brows_clear(rgb, landmarks, s, fw),
                hair::ears_clear(rgb, landmarks, s, fw),
                light::top_bottom(rgb, landmarks, s, fw),
                light::glare(rgb, landmarks, s, fw),
            ),
            None => (0.0, [0.0; 2], 1.0, 0.0),
        };
        let masked = |f: fn(&RgbImage, &Landmarks, &Skin, f32) -> Option<f32>| {
            skin.as_ref().and_then(|s| f(rgb, landmarks, s, fw))
        };
        Appearance {
            eyes_open: features::eyes_open(landmarks),
            mouth_open: features::mouth_open(landmarks),
            gaze: features::gaze(landmarks),
            brows_clear,
            ears_clear,
            top_bottom_light,
            glare,
            bridge_edges: glasses::bridge_edges(rgb, landmarks, fw),
            headwear: skin
                .as_ref()
                .and_then(|s| headwear::band(rgb, landmarks, s, fw, crown_y)),
            earrings: masked(jewellery::earrings),
            shoulders_covered: masked(hair::shoulders_covered),
            periodicity: None,
        }
    }

    /// These measures with the periodicity of the cheeks' and the nose's texture read on `rgb`
    /// (a spectrum is the same on the mirror image: one reading is enough).
    pub fn with_periodicity(self, rgb: &RgbImage, landmarks: &Landmarks) -> Appearance {
        let periodicity = index::CHEEK_SKIN
            .iter()
            .take(2)
            .chain(&[index::NOSE_TIP])
            .map(|&i| recapture::periodicity(rgb, landmarks.mesh.xy(i)))
            .fold(0.0, f32::max);
        Appearance {
            periodicity: Some(periodicity),
            ..self
        }
    }

    /// How far the irises look away from the camera, in eye widths (the gaze's length).
    pub fn gaze_away(&self) -> f32 {
        self.gaze[0].hypot(self.gaze[1])
    }

    /// The clearer ear's share: a head turned a little hides the other ear behind the cheek.
    pub fn clearer_ear(&self) -> f32 {
        self.ears_clear[0].max(self.ears_clear[1])
    }

    /// The mean of this face's measures and `other`'s (the same face on the mirror image): the
    /// models are not mirror-symmetric to the pixel, the mean is. The gaze's x is mirrored back.
    pub fn mean_with_mirror(&self, other: &Appearance) -> Appearance {
        let m = |a: f32, b: f32| (a + b) / 2.0;
        Appearance {
            eyes_open: m(self.eyes_open, other.eyes_open),
            mouth_open: m(self.mouth_open, other.mouth_open),
            gaze: [
                m(self.gaze[0], -other.gaze[0]),
                m(self.gaze[1], other.gaze[1]),
            ],
            brows_clear: m(self.brows_clear, other.brows_clear),
            ears_clear: [
                m(self.ears_clear[0], other.ears_clear[1]),
                m(self.ears_clear[1], other.ears_clear[0]),
            ],
            top_bottom_light: m(self.top_bottom_light, other.top_bottom_light),
            glare: m(self.glare, other.glare),
            bridge_edges: m(self.bridge_edges, other.bridge_edges),
            headwear: mean_of(self.headwear, other.headwear),
            earrings: mean_of(self.earrings, other.earrings),
            shoulders_covered: mean_of(self.shoulders_covered, other.shoulders_covered),
            periodicity: self.periodicity,
        }
    }
}

/// The mean of two readings where both were read, else the one that was.
fn mean_of(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a + b) / 2.0),
        (a, b) => a.or(b),
    }
}

/// Pixels to read, in image coordinates: a few regions sampled on a grid about a hundredth of the
/// face's width apart (so a big capture costs no more than a small photo).
#[derive(Debug, Clone, Default)]
pub struct Sampler {
    points: Vec<[f32; 2]>,
}

impl Sampler {
    fn step(face_width: f32) -> f32 {
        (face_width / 100.0).max(1.0)
    }

    /// Discs of `radius` around `centres`.
    pub fn discs(centres: &[[f32; 2]], radius: f32, face_width: f32) -> Sampler {
        let step = Self::step(face_width);
        let mut points = Vec::new();
        for c in centres {
            let mut dy = -radius;
            while dy <= radius {
                let mut dx = -radius;
                while dx <= radius {
                    if dx * dx + dy * dy <= radius * radius {
                        points.push([c[0] + dx, c[1] + dy]);
                    }
                    dx += step;
                }
                dy += step;
            }
        }
        Sampler { points }
    }

    /// The rectangle from corner `a` to corner `b`.
    pub fn rect(a: [f32; 2], b: [f32; 2], face_width: f32) -> Sampler {
        let step = Self::step(face_width);
        let mut points = Vec::new();
        let mut y = a[1].min(b[1]);
        while y < a[1].max(b[1]) {
            let mut x = a[0].min(b[0]);
            while x < a[0].max(b[0]) {
                points.push([x, y]);
                x += step;
            }
            y += step;
        }
        Sampler { points }
    }

    /// A band above the polyline `line` (points left to right): from `gap` to `gap + height`
    /// above it.
    pub fn above(line: &[[f32; 2]], gap: f32, height: f32, face_width: f32) -> Sampler {
        let step = Self::step(face_width);
        let mut points = Vec::new();
        for pair in line.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (x0, x1) = (a[0].min(b[0]), a[0].max(b[0]));
            let mut x = x0;
            while x < x1 {
                let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.0 };
                let (ya, yb) = if a[0] <= b[0] {
                    (a[1], b[1])
                } else {
                    (b[1], a[1])
                };
                let base = ya + t * (yb - ya);
                let mut y = base - gap - height;
                while y < base - gap {
                    points.push([x, y]);
                    y += step;
                }
                x += step;
            }
        }
        Sampler { points }
    }

    /// Calls `f` with every point of the regions inside the image and its pixel.
    pub fn each_at(&self, rgb: &RgbImage, mut f: impl FnMut([f32; 2], [u8; 3])) {
        let (w, h) = rgb.dimensions();
        for &[x, y] in &self.points {
            if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                f([x, y], rgb.get_pixel(x as u32, y as u32).0);
            }
        }
    }

    /// How many points the regions have, inside the image or not.
    pub fn count(&self) -> usize {
        self.points.len()
    }

    /// How many points lie inside the image.
    pub fn inside(&self, rgb: &RgbImage) -> usize {
        let mut n = 0;
        self.each_at(rgb, |_, _| n += 1);
        n
    }

    /// The share of the points (inside the image) that pass `within` for which `test` holds; 0
    /// when none does.
    pub fn share_where(
        &self,
        rgb: &RgbImage,
        mut within: impl FnMut(&[f32; 2]) -> bool,
        mut test: impl FnMut([u8; 3]) -> bool,
    ) -> f32 {
        let (mut yes, mut n) = (0u32, 0u32);
        self.each_at(rgb, |p, px| {
            if within(&p) {
                yes += u32::from(test(px));
                n += 1;
            }
        });
        if n == 0 { 0.0 } else { yes as f32 / n as f32 }
    }

    /// Calls `f` with every pixel of the regions inside the image.
    pub fn each(&self, rgb: &RgbImage, mut f: impl FnMut([u8; 3])) {
        self.each_at(rgb, |_, px| f(px));
    }

    /// The share of the rows (points of one height) in which at least `min` of the points
    /// inside the image pass `test`; 0 when none is inside.
    pub fn row_share(
        &self,
        rgb: &RgbImage,
        min: f32,
        mut test: impl FnMut([u8; 3]) -> bool,
    ) -> f32 {
        self.row_share_at(rgb, min, |_, px| test(px))
    }

    /// [`Sampler::row_share`] with a test that also sees the point.
    pub fn row_share_at(
        &self,
        rgb: &RgbImage,
        min: f32,
        mut test: impl FnMut([f32; 2], [u8; 3]) -> bool,
    ) -> f32 {
        let mut rows: Vec<(f32, u32, u32)> = Vec::new();
        self.each_at(rgb, |p, px| {
            let pass = u32::from(test(p, px));
            match rows.last_mut() {
                Some(row) if row.0 == p[1] => {
                    row.1 += pass;
                    row.2 += 1;
                }
                _ => rows.push((p[1], pass, 1)),
            }
        });
        if rows.is_empty() {
            return 0.0;
        }
        let full = rows
            .iter()
            .filter(|(_, yes, n)| *yes as f32 >= min * *n as f32)
            .count();
        full as f32 / rows.len() as f32
    }

    /// The share of the regions' pixels (inside the image) for which `test` holds; 0 when none
    /// is inside.
    pub fn share(&self, rgb: &RgbImage, test: impl FnMut([u8; 3]) -> bool) -> f32 {
        self.share_where(rgb, |_| true, test)
    }
}
