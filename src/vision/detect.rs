//! Face detection with rustface on grayscale frames, at full or reduced resolution.

use image::GrayImage;

use super::model::{ModelError, load_detector};

/// rustface's smallest detection window.
pub const MIN_WINDOW: u32 = 20;

/// A face found by the detector, in the pixel coordinates of the frame it was asked about.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Face {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width of the detector's box.
    pub width: f32,
    /// Height of the detector's box.
    pub height: f32,
    /// Detector score; higher is surer.
    pub score: f64,
}

impl Face {
    /// Centre of the box.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// The same box in a frame scaled by `factor`.
    pub fn scaled(&self, factor: f32) -> Face {
        Face {
            x: self.x * factor,
            y: self.y * factor,
            width: self.width * factor,
            height: self.height * factor,
            score: self.score,
        }
    }

    /// The same box moved by `(dx, dy)`.
    pub fn offset(&self, dx: f32, dy: f32) -> Face {
        Face {
            x: self.x + dx,
            y: self.y + dy,
            ..*self
        }
    }

    /// The same box in the mirror image of a frame `frame_width` pixels wide.
    pub fn mirrored(&self, frame_width: f32) -> Face {
        Face {
            x: frame_width - self.x - self.width,
            ..*self
        }
    }

    /// The box halfway between this one and `other` (the score is this one's).
    pub fn mean(&self, other: &Face) -> Face {
        Face {
            x: (self.x + other.x) / 2.0,
            y: (self.y + other.y) / 2.0,
            width: (self.width + other.width) / 2.0,
            height: (self.height + other.height) / 2.0,
            score: self.score,
        }
    }

    /// Intersection over union with another box.
    pub fn iou(&self, other: &Face) -> f32 {
        let x0 = self.x.max(other.x);
        let y0 = self.y.max(other.y);
        let x1 = (self.x + self.width).min(other.x + other.width);
        let y1 = (self.y + self.height).min(other.y + other.height);
        let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
        let union = self.width * self.height + other.width * other.height - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

impl From<&rustface::FaceInfo> for Face {
    fn from(info: &rustface::FaceInfo) -> Self {
        let b = info.bbox();
        Face {
            x: b.x() as f32,
            y: b.y() as f32,
            width: b.width() as f32,
            height: b.height() as f32,
            score: info.score(),
        }
    }
}

/// A rustface detector on the embedded model, with the booth's settings.
pub struct FaceDetector {
    inner: Box<dyn rustface::Detector>,
}

impl std::fmt::Debug for FaceDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaceDetector")
    }
}

impl FaceDetector {
    /// A detector with the booth's settings: window step 4, pyramid factor 0.8, score 2.0.
    pub fn new() -> Result<Self, ModelError> {
        let mut inner = load_detector()?;
        inner.set_min_face_size(MIN_WINDOW);
        inner.set_score_thresh(2.0);
        inner.set_pyramid_scale_factor(0.8);
        inner.set_slide_window_step(4, 4);
        Ok(FaceDetector { inner })
    }

    /// Faces in the whole of `gray` whose box is at least `min_face` pixels wide, best first.
    pub fn detect(&mut self, gray: &GrayImage, min_face: u32) -> Vec<Face> {
        let (w, h) = gray.dimensions();
        let mut faces = self.detect_range(gray, min_face, w.min(h));
        faces.sort_by(|a, b| b.score.total_cmp(&a.score));
        faces
    }

    /// One rustface pass for faces `min_face` to `max_face` pixels wide, in no order.
    pub fn detect_range(&mut self, gray: &GrayImage, min_face: u32, max_face: u32) -> Vec<Face> {
        let (w, h) = gray.dimensions();
        let min_face = min_face.max(MIN_WINDOW);
        if w < min_face || h < min_face {
            return Vec::new();
        }
        self.inner.set_min_face_size(min_face);
        self.inner.set_max_face_size(max_face);
        let data = rustface::ImageData::new(gray.as_raw(), w, h);
        self.inner.detect(&data).iter().map(Face::from).collect()
    }

    /// Faces in `gray` detected on a copy shrunk by the whole factor `shrink` (box averaged),
    /// in the coordinates of `gray`.
    pub fn detect_shrunk(&mut self, gray: &GrayImage, shrink: u32, min_face: u32) -> Vec<Face> {
        if shrink <= 1 {
            return self.detect(gray, min_face);
        }
        let small = shrink_gray(gray, shrink);
        self.detect(&small, min_face / shrink)
            .into_iter()
            .map(|f| f.scaled(shrink as f32))
            .collect()
    }
}

thread_local! {
    static THREAD_DETECTOR: std::cell::RefCell<Option<FaceDetector>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's detector, made on first use. rustface's detector cannot move
/// between threads, so each worker thread keeps its own.
pub fn with_detector<R>(f: impl FnOnce(&mut FaceDetector) -> R) -> Result<R, ModelError> {
    THREAD_DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(FaceDetector::new()?);
        }
        match slot.as_mut() {
            Some(detector) => Ok(f(detector)),
            None => Err(ModelError::Corrupt("no detector".into())),
        }
    })
}

/// Face size, in pixels, at which [`FaceDetector::refine`] looks again.
const REFINE_FACE_PX: f32 = 80.0;
/// Smallest face [`FaceDetector::refine`] asks for; fixed, so the pyramid's levels are too.
const REFINE_MIN_FACE: u32 = 56;
/// Sub-scales between two pyramid levels (the pyramid steps by 1/0.8 = 1.25).
pub const REFINE_STEPS: u32 = 8;

impl FaceDetector {
    /// A steadier box for `face`. rustface's boxes come in steps of its image pyramid (25 %
    /// apart) and its position in steps of its 4 px window grid, so one detection can be off by
    /// an eighth. Looking again at the region around the face at eight sub-scales between two
    /// pyramid levels, each at another offset of the grid, and averaging the boxes by score, on
    /// the region and on its mirror image, brings that down to a percent or two. Cheap:
    /// each look is about 200×200 px.
    pub fn refine(&mut self, gray: &GrayImage, face: &Face) -> Face {
        self.refine_with(gray, face, 0..REFINE_STEPS, true)
    }

    /// [`FaceDetector::refine`] at the sub-scales `steps` (of 0 to 7), on the mirror image too or
    /// not: the live tracker takes one plain look per frame, each frame at the next sub-scale, and
    /// averages over frames instead.
    pub fn refine_with(
        &mut self,
        gray: &GrayImage,
        face: &Face,
        steps: std::ops::Range<u32>,
        mirror: bool,
    ) -> Face {
        let steps = steps.start.min(REFINE_STEPS)..steps.end.min(REFINE_STEPS);
        let margin = 0.6 * face.width;
        let (w, h) = gray.dimensions();
        let x0 = (face.x - margin).max(0.0).floor() as u32;
        let y0 = (face.y - margin).max(0.0).floor() as u32;
        let x1 = ((face.x + face.width + margin).ceil() as u32).min(w);
        let y1 = ((face.y + face.height + margin).ceil() as u32).min(h);
        if x1 <= x0 + MIN_WINDOW || y1 <= y0 + MIN_WINDOW {
            return *face;
        }
        // Box-shrink a big region first: resampling a 1000 px region four times costs more than
        // the detection itself.
        let pre = ((face.width / (2.0 * REFINE_FACE_PX)) as u32).max(1);
        let roi = shrink_gray(
            &image::imageops::crop_imm(gray, x0, y0, x1 - x0, y1 - y0).to_image(),
            pre,
        );
        let face_in_roi = face
            .offset(-(x0 as f32), -(y0 as f32))
            .scaled(1.0 / pre as f32);
        let (mut sum, mut weight) = ([0.0f64; 4], 0.0f64);
        for k in steps {
            let target = REFINE_FACE_PX * 1.25f32.powf(k as f32 / REFINE_STEPS as f32);
            let f = target / face_in_roi.width;
            let (rw, rh) = (
                (roi.width() as f32 * f).round() as u32,
                (roi.height() as f32 * f).round() as u32,
            );
            if rw < MIN_WINDOW || rh < MIN_WINDOW {
                continue;
            }
            let resized =
                image::imageops::resize(&roi, rw, rh, image::imageops::FilterType::Triangle);
            // Detections sit on a 4 px grid of window positions: each look starts at another
            // offset of that grid, so that averaging the looks smooths position as well as size.
            let (dx, dy) = (k % 4, (k / 4 * 2 + k * 3 + 1) % 4);
            let scaled = image::imageops::crop_imm(
                &resized,
                dx,
                dy,
                rw.saturating_sub(dx),
                rh.saturating_sub(dy),
            )
            .to_image();
            let sw = scaled.width();
            // The pyramid's levels stay put (they follow the smallest face asked for) while the
            // face grows by a fraction of a level per step: that staggering is what averages out.
            let (min, max) = (REFINE_MIN_FACE, (1.8 * REFINE_FACE_PX) as u32);
            let expected = face_in_roi.scaled(f);
            // Look at the region and at its mirror image too: rustface is not mirror-symmetric,
            // and averaging both narrows the gap between a face and its mirror image.
            let flipped = mirror.then(|| image::imageops::flip_horizontal(&scaled));
            let looks =
                std::iter::once((&scaled, false)).chain(flipped.as_ref().map(|f| (f, true)));
            for (pixels, mirrored) in looks {
                let best = self
                    .detect_range(pixels, min, max)
                    .into_iter()
                    .map(|c| if mirrored { c.mirrored(sw as f32) } else { c })
                    .map(|c| c.offset(dx as f32, dy as f32))
                    .filter(|c| c.iou(&expected) > 0.3)
                    .max_by(|a, b| a.score.total_cmp(&b.score));
                if let Some(b) = best {
                    let back = b.scaled(pre as f32 / f).offset(x0 as f32, y0 as f32);
                    let wgt = b.score.max(0.1);
                    for (s, v) in sum
                        .iter_mut()
                        .zip([back.x, back.y, back.width, back.height])
                    {
                        *s += f64::from(v) * wgt;
                    }
                    weight += wgt;
                }
            }
        }
        if weight <= 0.0 {
            return *face;
        }
        let [x, y, width, height] = sum.map(|s| (s / weight) as f32);
        Face {
            x,
            y,
            width,
            height,
            score: face.score,
        }
    }
}

/// Shrinks by a whole factor, each output pixel the mean of a `factor`×`factor` block. Faster
/// and cleaner than a general resampler for the detector's input.
pub fn shrink_gray(gray: &GrayImage, factor: u32) -> GrayImage {
    let factor = factor.max(1);
    let (w, h) = (gray.width() / factor, gray.height() / factor);
    let src = gray.as_raw();
    let stride = gray.width() as usize;
    let f = factor as usize;
    let area = (f * f) as u32;
    let mut out = Vec::with_capacity((w * h) as usize);
    let mut row_sums = vec![0u32; w as usize];
    for y in 0..h as usize {
        row_sums.iter_mut().for_each(|s| *s = 0);
        for dy in 0..f {
            let row = &src[(y * f + dy) * stride..][..w as usize * f];
            for (x, sum) in row_sums.iter_mut().enumerate() {
                *sum += row[x * f..x * f + f]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
        }
        out.extend(row_sums.iter().map(|&s| ((s + area / 2) / area) as u8));
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_averages_blocks() {
        let gray = GrayImage::from_fn(4, 2, |x, _| image::Luma([if x < 2 { 10 } else { 30 }]));
        let small = shrink_gray(&gray, 2);
        assert_eq!(small.dimensions(), (2, 1));
        assert_eq!(small.as_raw(), &vec![10, 30]);
    }

    #[test]
    fn iou_of_boxes() {
        let a = Face {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
            score: 1.0,
        };
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        assert_eq!(a.iou(&a.offset(20.0, 0.0)), 0.0);
        assert!((a.iou(&a.offset(5.0, 0.0)) - 50.0 / 150.0).abs() < 1e-6);
    }

    #[test]
    fn tiny_images_find_nothing_and_do_not_panic() {
        let mut detector = FaceDetector::new().expect("model");
        assert!(detector.detect(&GrayImage::new(10, 300), 20).is_empty());
        assert!(detector.detect(&GrayImage::new(0, 0), 20).is_empty());
    }
}
