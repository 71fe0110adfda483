//! Live assessment at camera rate. A full rustface pass on a 640×480 frame takes 65–123 ms, three
//! frames of a 30 fps camera; its time follows the pixel count. So each frame:
//!
//! 1. detects on the frame shrunk to about 160 px across (about 8 ms), which at booth distance
//!    finds the applicant and anyone else close by;
//! 2. follows the applicant's face with the face mesh on the region the previous frame's mesh
//!    gives (MediaPipe's tracking), with the irises; BlazeFace looks for the face again only
//!    when the mesh loses it. The eyes are read by the iris model again only when either
//!    eye's picture changed beyond a camera's noise since their last reading (a blink, a
//!    glance), or every [`mesh::EYE_READ_EVERY`] frames ([`EyeMemory`]): a still applicant
//!    mostly costs the mesh alone. The person mask runs every [`MASK_EVERY`] frames, for the
//!    crown; in between, the crown stands where the last mask put it above the eyes;
//! 3. scans one of four overlapping bands of the half-resolution frame for small faces, the
//!    second person far behind that the small pass misses (DESIGN.md, "One person"); a face seen
//!    there counts until its band has been scanned again. At half resolution rustface needs
//!    about 32 px, so the live count sees faces down to about 64 px of a 640 px frame; the still
//!    check of the capture counts at full 640 px and sees smaller ones.
//!
//! The measures then run on the full frame around the measured face.

use image::{GrayImage, RgbImage};

use super::assess::Assessment;
use super::detect::{Face, FaceDetector, MIN_WINDOW, shrink_gray};
use super::head::Crown;
use super::mesh::{self, EyeMemory, Mesh};

/// Width the first pass shrinks the frame to.
const SMALL_WIDTH: u32 = 160;
/// Width the band scan works at.
const BAND_WIDTH: u32 = 320;
/// Bands the half-resolution frame is scanned in, one per frame.
const BANDS: u32 = 4;
/// How much the bands overlap, at half resolution: the largest face a band must hold whole
/// (larger ones the first pass finds).
const BAND_MAX_FACE: u32 = 48;
/// Frames between two person masks (the crown), about five a second at 30 fps.
pub const MASK_EVERY: u32 = 6;

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
    /// The mesh of the face followed, from the last frame.
    mesh: Option<Mesh>,
    /// The irises last read on that face.
    eyes: EyeMemory,
    /// The crown's height above the eyes, in face widths, from the last mask.
    crown_above_eyes: Option<f32>,
    frame: u32,
    others: Vec<Seen>,
    next_band: u32,
}

impl Tracker {
    /// A tracker using `detector`.
    pub fn new(detector: FaceDetector) -> Self {
        Tracker {
            detector,
            mesh: None,
            eyes: EyeMemory::new(),
            crown_above_eyes: None,
            frame: 0,
            others: Vec::new(),
            next_band: 0,
        }
    }

    /// Forgets the face followed so far (a new applicant).
    pub fn reset(&mut self) {
        self.mesh = None;
        self.eyes = EyeMemory::new();
        self.crown_above_eyes = None;
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
        // The main face: the one the mesh follows, else (found again) the one that overlaps the
        // last face followed, else the largest (an applicant still far away is found by the band
        // scan only).
        let with_mask = self.frame.is_multiple_of(MASK_EVERY) || self.crown_above_eyes.is_none();
        self.frame = self.frame.wrapping_add(1);
        let previous = self.mesh.take();
        let mut landmarks = previous
            .as_ref()
            .and_then(|m| log_err(mesh::follow(rgb, m, &mut self.eyes, with_mask)));
        if landmarks.is_none() {
            // Found afresh: a face that may not be the one whose eyes were read.
            self.eyes = EyeMemory::new();
            let last = previous.map(|m| around(&m));
            let seed = last
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
            landmarks = seed.and_then(|s| log_err(mesh::find(rgb, &s, with_mask)));
        }
        self.mesh = landmarks.as_ref().map(|l| l.mesh.clone());
        if landmarks.is_none() {
            self.crown_above_eyes = None;
        }

        let crown = self
            .crown_above_eyes
            .map_or(Crown::Estimate, Crown::AboveEyes);
        // The measured face first (`from_landmarks` puts the measured head's box in its place),
        // then everyone else.
        let mut faces: Vec<Face> = landmarks.iter().map(|l| around(&l.mesh)).collect();
        for face in candidates {
            if !faces.iter().any(|f| same_face(f, &face)) {
                faces.push(face);
            }
        }
        let assessment = Assessment::from_landmarks(rgb, &gray, faces, landmarks, crown);
        if let Some(head) = assessment
            .head
            .filter(|h| h.crown_source == super::head::CrownSource::Mask)
        {
            self.crown_above_eyes = Some(head.crown_above_eyes());
        }
        assessment
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

/// A box around the face a mesh was read from: its region is the face's box made 1.5 times as
/// large.
fn around(mesh: &Mesh) -> Face {
    let side = mesh.roi.size / 1.5;
    Face {
        x: mesh.roi.cx - side / 2.0,
        y: mesh.roi.cy - side / 2.0,
        width: side,
        height: side,
        score: 0.0,
    }
}

/// The models' result, a failure logged (never expected: the models are embedded and checked at
/// build time).
fn log_err<T>(result: Result<Option<T>, mesh::NetError>) -> Option<T> {
    result.unwrap_or_else(|e| {
        tracing::error!("{e}");
        None
    })
}

/// Whether two boxes are the same person: overlapping, or one inside the other.
fn same_face(a: &Face, b: &Face) -> bool {
    let (bx, by) = b.center();
    let inside = bx > a.x && bx < a.x + a.width && by > a.y && by < a.y + a.height;
    a.iou(b) > 0.3 || inside
}
