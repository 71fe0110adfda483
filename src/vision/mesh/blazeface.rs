//! BlazeFace short range (MediaPipe's face detector): faces with six keypoints, decoded and merged
//! as MediaPipe's face_detection graph does (SSD anchors, sigmoid scores ≥ 0.5, weighted
//! non-maximum suppression at IoU 0.3).

use image::RgbImage;

use super::net::{NetError, Nets, run};
use super::roi::{Border, Roi};

/// The detector's input side.
const SIDE: usize = 128;
/// Lowest score kept.
const MIN_SCORE: f32 = 0.5;
/// Overlap above which detections are merged.
const NMS_IOU: f32 = 0.3;

/// A face the detector found, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Probability that this is a face.
    pub score: f32,
    /// Box: left, top, right, bottom.
    pub bbox: [f32; 4],
    /// The subject's right eye (the image's left), left eye, nose tip, mouth centre, right ear
    /// tragion (image left), left ear tragion (image right).
    pub keypoints: [[f32; 2]; 6],
}

impl Detection {
    /// Centre of the box.
    pub fn center(&self) -> [f32; 2] {
        [
            (self.bbox[0] + self.bbox[2]) / 2.0,
            (self.bbox[1] + self.bbox[3]) / 2.0,
        ]
    }

    /// The face mesh's region for this face: the box made square on its long side and 1.5 times
    /// as large, turned so that the eyes are level (face_detection_front_detection_to_roi).
    pub fn mesh_roi(&self) -> Roi {
        let [cx, cy] = self.center();
        let [r, l] = [self.keypoints[0], self.keypoints[1]];
        let theta = (l[1] - r[1]).atan2(l[0] - r[0]);
        let side = (self.bbox[2] - self.bbox[0]).max(self.bbox[3] - self.bbox[1]);
        Roi {
            cx,
            cy,
            size: 1.5 * side,
            theta,
        }
    }
}

/// Anchor centres of the short-range model: a 16×16 grid with 2 anchors per cell, then an 8×8
/// grid with 6 (strides 8, 16, 16, 16; every anchor 1×1).
fn anchors() -> Vec<[f32; 2]> {
    let mut out = Vec::with_capacity(896);
    for (grid, per_cell) in [(16usize, 2usize), (8, 6)] {
        for y in 0..grid {
            for x in 0..grid {
                for _ in 0..per_cell {
                    out.push([
                        (x as f32 + 0.5) / grid as f32,
                        (y as f32 + 0.5) / grid as f32,
                    ]);
                }
            }
        }
    }
    out
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-100.0, 100.0)).exp())
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    let union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Decodes the model's two outputs (16 values and one logit per anchor) into detections in the
/// tensor's unit square.
fn decode(regressors: &[f32], logits: &[f32]) -> Vec<Detection> {
    let scale = SIDE as f32;
    anchors()
        .iter()
        .zip(logits)
        .enumerate()
        .filter_map(|(i, (a, &logit))| {
            let score = sigmoid(logit);
            if score < MIN_SCORE {
                return None;
            }
            let r = regressors.get(i * 16..i * 16 + 16)?;
            let (cx, cy) = (r[0] / scale + a[0], r[1] / scale + a[1]);
            let (w, h) = (r[2] / scale, r[3] / scale);
            if !(w > 0.0 && h > 0.0) {
                return None;
            }
            let keypoints =
                std::array::from_fn(|k| [r[4 + 2 * k] / scale + a[0], r[5 + 2 * k] / scale + a[1]]);
            Some(Detection {
                score,
                bbox: [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0],
                keypoints,
            })
        })
        .collect()
}

/// Weighted non-maximum suppression: each group of boxes overlapping the best remaining one is
/// merged into their score-weighted mean, with the best one's score.
fn suppress(mut found: Vec<Detection>) -> Vec<Detection> {
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(top) = found.first().copied() {
        let (group, rest): (Vec<Detection>, Vec<Detection>) = found
            .into_iter()
            .partition(|d| iou(&d.bbox, &top.bbox) > NMS_IOU);
        found = rest;
        let total: f32 = group.iter().map(|d| d.score).sum();
        let mut merged = Detection {
            score: top.score,
            bbox: [0.0; 4],
            keypoints: [[0.0; 2]; 6],
        };
        for d in &group {
            let w = d.score / total;
            for k in 0..4 {
                merged.bbox[k] += w * d.bbox[k];
            }
            for (m, p) in merged.keypoints.iter_mut().zip(&d.keypoints) {
                m[0] += w * p[0];
                m[1] += w * p[1];
            }
        }
        out.push(merged);
    }
    out
}

/// The faces in `roi` of `rgb` (upright), best first, in the image's pixels.
pub fn detect(nets: &Nets, rgb: &RgbImage, roi: &Roi) -> Result<Vec<Detection>, NetError> {
    let input = roi.sample(rgb, SIDE, Border::Zero, (-1.0, 1.0), false);
    let outputs = run(&nets.detect, "face detection", SIDE, input)?;
    let (Some(regressors), Some(logits)) = (outputs.first(), outputs.get(1)) else {
        return Ok(Vec::new());
    };
    let to_image = |p: [f32; 2]| roi.to_image(p[0], p[1]);
    Ok(suppress(decode(regressors, logits))
        .into_iter()
        .map(|d| {
            let [l, t] = to_image([d.bbox[0], d.bbox[1]]);
            let [r, b] = to_image([d.bbox[2], d.bbox[3]]);
            Detection {
                score: d.score,
                bbox: [l, t, r, b],
                keypoints: d.keypoints.map(to_image),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_range_model_has_896_anchors_in_two_grids() {
        let a = anchors();
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], [0.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[511], [15.5 / 16.0, 15.5 / 16.0]);
        assert_eq!(a[512], [0.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(a[895], [7.5 / 8.0, 7.5 / 8.0]);
    }

    #[test]
    fn overlapping_detections_merge_weighted_by_score() {
        let d = |score: f32, x: f32| Detection {
            score,
            bbox: [x, 0.0, x + 1.0, 1.0],
            keypoints: [[x, 0.0]; 6],
        };
        let merged = suppress(vec![d(0.6, 0.1), d(0.9, 0.0), d(0.8, 5.0)]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].score, 0.9);
        assert!((merged[0].bbox[0] - 0.04).abs() < 1e-6, "{:?}", merged[0]);
        assert_eq!(merged[1].bbox[0], 5.0);
    }
}
