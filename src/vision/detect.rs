//! Face detection with rustface on grayscale frames, at full or reduced resolution.

use image::GrayImage;

use super::model::{ModelError, load_detector};

/// rustface's smallest detection window, the least `min_face` it accepts. Its pyramid starts at
/// the image's own size with a 40 px window whatever this says (upstream never enlarges the
/// image: `set_min_face_size` has no effect), so the smallest faces it finds are about 27 px
/// wide (test `photo::rustface_finds_faces_from_about_27_px_whatever_the_minimum_asked`).
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

    /// Faces in the whole of `gray` whose box is at least `min_face` pixels wide, best first
    /// (and never under about 27 px: see [`MIN_WINDOW`]).
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
