//! Glasses: the frame's bridge crosses the nose between the eyes, where bare skin is smooth.

use image::RgbImage;

use super::skin::ycc;
use crate::vision::mesh::{Landmarks, index};

/// The mean luma step from one row to the next across the bridge of the nose (between the inner
/// eye corners, from a little below to well above them), over the mean luma there: bare skin is
/// smooth, a frame's bridge is an edge.
pub fn bridge_edges(rgb: &RgbImage, l: &Landmarks, face_width: f32) -> f32 {
    let (a, b) = (
        l.mesh.xy(index::LEFT_EYE_INNER),
        l.mesh.xy(index::RIGHT_EYE_INNER),
    );
    let y = (a[1] + b[1]) / 2.0;
    let span = b[0] - a[0];
    let x0 = a[0] + 0.25 * span;
    let x1 = b[0] - 0.25 * span;
    let (y0, y1) = (y - 0.12 * face_width, y + 0.03 * face_width);
    let (w, h) = rgb.dimensions();
    let step = (face_width / 200.0).max(1.0);
    let (mut diff, mut sum, mut n) = (0.0f32, 0.0f32, 0u32);
    let mut x = x0;
    while x < x1 {
        let mut prev: Option<f32> = None;
        let mut yy = y0;
        while yy < y1 {
            let (px, py) = (x as i64, yy as i64);
            if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                let l = ycc(rgb.get_pixel(px as u32, py as u32).0)[0];
                if let Some(p) = prev {
                    diff += (l - p).abs();
                    n += 1;
                }
                sum += l;
                prev = Some(l);
            }
            yy += step;
        }
        x += step;
    }
    if n == 0 || sum <= 0.0 {
        return 0.0;
    }
    let mean = sum / n as f32;
    diff / n as f32 / mean.max(1.0) * 100.0
}
