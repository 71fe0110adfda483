//! Live assessment at camera rate. A full rustface pass on a 640×480 frame takes 65–123 ms, three
//! frames of a 30 fps camera; its time follows the pixel count. So each frame:
//!
//! 1. detects on the frame shrunk to about 160 px across (about 8 ms), which at booth distance
//!    finds the applicant and anyone else close by;
//! 2. looks again at full resolution, once, around the main face, each frame at the next of the
//!    eight sub-scales of [`FaceDetector::refine`], on the frame or its mirror image, and
//!    averages the last sixteen looks while the face stays put (one look is quantized by rustface's pyramid; eight at staggered scales and offsets are
//!    not, as in `refine`);
//! 3. scans one of four overlapping bands of the half-resolution frame for small faces, the
//!    second person far behind that the small pass misses (DESIGN.md, "One person"); a face seen
//!    there counts until its band has been scanned again. At half resolution rustface needs
//!    about 32 px, so the live count sees faces down to about 64 px of a 640 px frame; the still
//!    check of the capture counts at full 640 px and sees smaller ones.
//!
//! The measures then run on the full frame around the main face.

use image::{GrayImage, RgbImage};

use super::assess::Assessment;
use super::detect::{Face, FaceDetector, MIN_WINDOW, REFINE_STEPS, shrink_gray};

/// Width the first pass shrinks the frame to.
const SMALL_WIDTH: u32 = 160;
/// Width the band scan works at.
const BAND_WIDTH: u32 = 320;
/// Bands the half-resolution frame is scanned in, one per frame.
const BANDS: u32 = 4;
/// How much the bands overlap, at half resolution: the largest face a band must hold whole
/// (larger ones the first pass finds).
const BAND_MAX_FACE: u32 = 48;
/// Looks in one cycle: every sub-scale, plain and mirrored.
const LOOKS: u32 = 2 * REFINE_STEPS;
/// Overlap with the newest look above which an older look still counts in the average.
const STILL_IOU: f32 = 0.6;

/// A face seen by the band scan, remembered until its band is scanned again.
#[derive(Debug, Clone, Copy)]
struct Seen {
    face: Face,
    band: u32,
}

/// Follows the applicant's face from frame to frame. One per camera.
#[derive(Debug)]
pub struct Tracker {
    detector: FaceDetector,
    main: Option<Face>,
    /// The last look at each sub-scale.
    looks: [Option<Face>; LOOKS as usize],
    frame: u32,
    others: Vec<Seen>,
    next_band: u32,
}

impl Tracker {
    /// A tracker using `detector`.
    pub fn new(detector: FaceDetector) -> Self {
        Tracker {
            detector,
            main: None,
            looks: [None; LOOKS as usize],
            frame: 0,
            others: Vec::new(),
            next_band: 0,
        }
    }

    /// Forgets the face followed so far (a new applicant).
    pub fn reset(&mut self) {
        self.main = None;
        self.looks = [None; LOOKS as usize];
        self.others.clear();
        self.next_band = 0;
    }

    /// Assesses one live frame.
    pub fn assess(&mut self, rgb: &RgbImage) -> Assessment {
        let gray = image::imageops::grayscale(rgb);
        let shrink = (gray.width() / SMALL_WIDTH).max(1);
        let found = self
            .detector
            .detect_shrunk(&gray, shrink, MIN_WINDOW * shrink);

        let band = self.next_band;
        self.next_band = (band + 1) % BANDS;
        self.others.retain(|s| s.band != band);
        let scanned = self.scan_band(&gray, band);
        self.others
            .extend(scanned.into_iter().map(|face| Seen { face, band }));

        // Every face seen, once: the small pass's, then the band scan's.
        let mut candidates: Vec<Face> = Vec::new();
        for face in found
            .iter()
            .copied()
            .chain(self.others.iter().map(|s| s.face))
        {
            if !candidates.iter().any(|c| same_face(c, &face)) {
                candidates.push(face);
            }
        }
        // The main face: the one that overlaps the face followed so far, else the largest (an
        // applicant still far away is found by the band scan only).
        let previous = self.main;
        let main = previous
            .and_then(|p| {
                candidates
                    .iter()
                    .filter(|f| f.iou(&p) > 0.3)
                    .max_by(|a, b| a.iou(&p).total_cmp(&b.iou(&p)))
            })
            .or_else(|| {
                candidates
                    .iter()
                    .max_by(|a, b| (a.width * a.height).total_cmp(&(b.width * b.height)))
            })
            .copied();
        self.main = main.map(|seed| self.look(&gray, &seed));
        if self.main.is_none() {
            self.looks = [None; LOOKS as usize];
        }

        let mut faces: Vec<Face> = self.main.into_iter().collect();
        for face in candidates {
            if !faces.iter().any(|f| same_face(f, &face)) {
                faces.push(face);
            }
        }
        Assessment::from_faces(rgb, &gray, faces)
    }

    /// One look at the next sub-scale, averaged with the earlier looks that still agree.
    fn look(&mut self, gray: &GrayImage, seed: &Face) -> Face {
        // Sixteen looks make a cycle: the eight sub-scales, on the frame and on its mirror image,
        // as `FaceDetector::refine` takes them, so the average matches a still's box.
        let slot = self.frame % LOOKS;
        self.frame = self.frame.wrapping_add(1);
        let step = slot % REFINE_STEPS;
        let newest = if slot < REFINE_STEPS {
            self.detector.refine_with(gray, seed, step..step + 1, false)
        } else {
            let width = gray.width() as f32;
            let flipped = image::imageops::flip_horizontal(gray);
            self.detector
                .refine_with(&flipped, &seed.mirrored(width), step..step + 1, false)
                .mirrored(width)
        };
        self.looks[slot as usize] = Some(newest);
        let agreeing: Vec<Face> = self
            .looks
            .iter()
            .flatten()
            .filter(|f| f.iou(&newest) > STILL_IOU)
            .copied()
            .collect();
        let n = agreeing.len() as f32;
        Face {
            x: agreeing.iter().map(|f| f.x).sum::<f32>() / n,
            y: agreeing.iter().map(|f| f.y).sum::<f32>() / n,
            width: agreeing.iter().map(|f| f.width).sum::<f32>() / n,
            height: agreeing.iter().map(|f| f.height).sum::<f32>() / n,
            score: newest.score,
        }
    }

    /// Small faces in band `band` of the half-resolution frame, in frame coordinates.
    fn scan_band(&mut self, gray: &GrayImage, band: u32) -> Vec<Face> {
        let shrink = (gray.width() / BAND_WIDTH).max(1);
        let half = shrink_gray(gray, shrink);
        let (w, h) = half.dimensions();
        let step = h.div_ceil(BANDS);
        let top = band * step;
        if top >= h {
            return Vec::new();
        }
        // Bands overlap by the largest face they look for, so none is cut in two.
        let rows = (step + BAND_MAX_FACE).min(h - top);
        let strip = image::imageops::crop_imm(&half, 0, top, w, rows).to_image();
        // Not capped at BAND_MAX_FACE: rustface's cap also drops faces well below it (a 32 px face
        // is missed with the cap at 48), and the time follows the pixels, not the cap.
        self.detector
            .detect(&strip, MIN_WINDOW)
            .into_iter()
            .map(|f| f.offset(0.0, top as f32).scaled(shrink as f32))
            .collect()
    }
}

/// Whether two boxes are the same person: overlapping, or one inside the other.
fn same_face(a: &Face, b: &Face) -> bool {
    let (bx, by) = b.center();
    let inside = bx > a.x && bx < a.x + a.width && by > a.y && by < a.y + a.height;
    a.iou(b) > 0.3 || inside
}
