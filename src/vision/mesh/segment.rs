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
}

impl PersonMask {
    /// The probability that image point `(x, y)` is the person (bilinear; 0 outside the region).
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let [u, v] = self.roi.to_region(x, y);
        // Tensor pixel i stands at u = i / SIDE (no half-pixel shift).
        let (fx, fy) = (u * SIDE as f32, v * SIDE as f32);
        let last = (SIDE - 1) as f32;
        if !(fx > -1.0 && fy > -1.0 && fx < SIDE as f32 && fy < SIDE as f32) {
            return 0.0;
        }
        let (fx, fy) = (fx.clamp(0.0, last), fy.clamp(0.0, last));
        let (x0, y0) = (fx.floor() as usize, fy.floor() as usize);
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
    let input = roi.sample(rgb, SIDE, Border::Zero, (0.0, 1.0), false);
    let mut outputs = run(&nets.segment, "selfie segmentation", SIDE, input)?;
    let values = outputs.drain(..).next().unwrap_or_default();
    if values.len() != SIDE * SIDE {
        return Err(NetError::Run {
            model: "selfie segmentation",
            detail: format!("{} values, not {}", values.len(), SIDE * SIDE),
        });
    }
    Ok(PersonMask { roi, values })
}
