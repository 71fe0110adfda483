//! The person mask (MediaPipe's selfie segmentation, general model): for every pixel of a square
//! region, the probability that it belongs to the person (hair and clothes included).

use image::RgbImage;

use super::net::{NetError, Nets, run};
use super::roi::{Border, Roi};

/// The model's side.
const SIDE: usize = 256;

/// A person mask over an upright square region of an image.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonMask {
    /// The region, in the image's pixels (upright).
    pub roi: Roi,
    /// `SIDE`×`SIDE` probabilities, row by row.
    values: Vec<f32>,
    /// The same person's mask read on the mirror image of a frame this wide, averaged in.
    mirror: Option<(Box<PersonMask>, f32)>,
}

impl PersonMask {
    /// The probability that image point `(x, y)` is the person (bilinear; 0 outside the region).
    pub fn at(&self, x: f32, y: f32) -> f32 {
        match &self.mirror {
            Some((mirror, width)) => (self.own(x, y) + mirror.own(width - x, y)) / 2.0,
            None => self.own(x, y),
        }
    }

    /// This mask averaged with `mirror`, the mask of the mirror image of a frame `width` wide:
    /// the model is not mirror-symmetric to the pixel, the mean is.
    pub fn with_mirror(self, mirror: PersonMask, width: f32) -> PersonMask {
        PersonMask {
            mirror: Some((Box::new(mirror), width)),
            ..self
        }
    }

    /// A mask over `roi` whose probability at image point `(x, y)` is `f(x, y)` (tests).
    #[cfg(test)]
    pub(crate) fn from_fn(roi: Roi, f: impl Fn(f32, f32) -> f32) -> PersonMask {
        let mut values = Vec::with_capacity(SIDE * SIDE);
        for j in 0..SIDE {
            for i in 0..SIDE {
                let [x, y] = roi.to_image(i as f32 / SIDE as f32, j as f32 / SIDE as f32);
                values.push(f(x, y));
            }
        }
        PersonMask {
            roi,
            values,
            mirror: None,
        }
    }

    fn own(&self, x: f32, y: f32) -> f32 {
        let [u, v] = self.roi.to_region(x, y);
        // Tensor pixel i stands at u = i / SIDE (no half-pixel shift).
        let (fx, fy) = (u * SIDE as f32, v * SIDE as f32);
        let last = (SIDE - 1) as f32;
        if !(fx > -1.0 && fy > -1.0 && fx < SIDE as f32 && fy < SIDE as f32) {
            return 0.0;
        }
        let (fx, fy) = (fx.clamp(0.0, last), fy.clamp(0.0, last));
        // Clamped at 0: truncating is rounding down, without a call into libm.
        let (x0, y0) = (fx as usize, fy as usize);
        let (x1, y1) = ((x0 + 1).min(SIDE - 1), (y0 + 1).min(SIDE - 1));
        let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
        let v = |x: usize, y: usize| self.values[y * SIDE + x];
        (v(x0, y0) * (1.0 - ax) + v(x1, y0) * ax) * (1.0 - ay)
            + (v(x0, y1) * (1.0 - ax) + v(x1, y1) * ax) * ay
    }

    /// Share of the region that is the person (probability over one half).
    pub fn coverage(&self) -> f32 {
        self.values.iter().filter(|&&v| v > 0.5).count() as f32 / self.values.len() as f32
    }

    /// Share of the region the model is unsure of (probability between 0.2 and 0.8).
    pub fn unsure(&self) -> f32 {
        self.values
            .iter()
            .filter(|&&v| (0.2..=0.8).contains(&v))
            .count() as f32
            / self.values.len() as f32
    }
}

/// The person mask of `roi` (upright) in `rgb`.
pub fn person_mask(nets: &Nets, rgb: &RgbImage, roi: &Roi) -> Result<PersonMask, NetError> {
    let roi = Roi { theta: 0.0, ..*roi };
    // Past the image's edge the picture goes on as its edge (MediaPipe pads with black, which
    // near a photo's top edge reads as a dark band over the head and moves the crown).
    let input = roi.sample(rgb, SIDE, Border::Replicate, (0.0, 1.0), false);
    let mut outputs = run(&nets.segment, "selfie segmentation", SIDE, input)?;
    let values = outputs.drain(..).next().unwrap_or_default();
    if values.len() != SIDE * SIDE {
        return Err(NetError::Run {
            model: "selfie segmentation",
            detail: format!("{} values, not {}", values.len(), SIDE * SIDE),
        });
    }
    Ok(PersonMask {
        roi,
        values,
        mirror: None,
    })
}
