//! An [`Assessment`] of one image: the faces, the head of the main one, and the measures.

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::detect::{Face, FaceDetector};
use super::geometry::Head;
use super::measures::{
    Background, Balance, Exposure, background, balance, colour_cast, exposure, face_region,
    roll_degrees, sharpness,
};

/// Width at which faces are counted: at 160×120 rustface misses a second person, at 640 it
/// does not (DESIGN.md, "One person").
pub const COUNT_WIDTH: u32 = 640;

/// The measures of the main face and its background.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measures {
    /// Exposure of the inner face.
    pub exposure: Exposure,
    /// Left/right light balance on the face.
    pub balance: Balance,
    /// Sharpness of the face (about 0.1 blurred, 0.4 and up sharp).
    pub sharpness: f32,
    /// The background beside and above the head.
    pub background: Background,
    /// Colour cast of the face, (R − G, B − G) over luma.
    pub cast: [f32; 2],
    /// Head roll in degrees.
    pub roll_deg: f32,
}

/// What the booth sees in one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Image width.
    pub width: u32,
    /// Image height.
    pub height: u32,
    /// Every face found, the main one (largest) first.
    pub faces: Vec<Face>,
    /// The head of the main face.
    pub head: Option<Head>,
    /// Measures around the main face.
    pub measures: Option<Measures>,
}

impl Assessment {
    /// The main face, if any.
    pub fn face(&self) -> Option<&Face> {
        self.faces.first()
    }

    /// An assessment of `rgb` given faces found elsewhere (a tracker, a detector).
    pub fn from_faces(rgb: &RgbImage, gray: &GrayImage, mut faces: Vec<Face>) -> Assessment {
        faces.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
        let (width, height) = rgb.dimensions();
        let head = faces.first().map(Head::from_face);
        let measures = faces
            .first()
            .zip(head.as_ref())
            .map(|(face, head)| measure(rgb, gray, face, head));
        Assessment {
            width,
            height,
            faces,
            head,
            measures,
        }
    }
}

/// Measures the main face of `rgb`.
pub fn measure(rgb: &RgbImage, gray: &GrayImage, face: &Face, head: &Head) -> Measures {
    let (w, h) = rgb.dimensions();
    let inner = face_region(face, w, h);
    Measures {
        exposure: exposure(rgb, inner),
        balance: balance(rgb, inner),
        sharpness: sharpness(gray, inner),
        background: background(rgb, head),
        cast: colour_cast(rgb, inner),
        roll_deg: roll_degrees(gray, face),
    }
}

/// Assesses a still (a capture, a file): faces counted at [`COUNT_WIDTH`] px or more across.
/// Takes the time of two full detections (about 200 ms at 640×480); the live preview uses the
/// tracker instead, and the booth's capture `photo::process_known`.
pub fn assess_still(detector: &mut FaceDetector, rgb: &RgbImage) -> Assessment {
    let gray = image::imageops::grayscale(rgb);
    let mut faces = main_first(detector, &gray);
    // rustface is not mirror-symmetric: a face and its mirror image get boxes some 2 % apart.
    // The main face is found on the picture and on its mirror image, and the two averaged, so
    // that a mirrored capture is normalized exactly as the mirror of the capture.
    let flipped = image::imageops::flip_horizontal(&gray);
    let mirrored = main_first(detector, &flipped);
    if let (Some(main), Some(other)) = (faces.first_mut(), mirrored.first()) {
        let other = other.mirrored(gray.width() as f32);
        if main.iou(&other) > 0.5 {
            *main = main.mean(&other);
        }
    }
    Assessment::from_faces(rgb, &gray, faces)
}

/// Every face, the largest first and refined.
fn main_first(detector: &mut FaceDetector, gray: &GrayImage) -> Vec<Face> {
    // Shrink big captures by a whole factor, never below COUNT_WIDTH.
    let shrink = (gray.width() / COUNT_WIDTH).max(1);
    let mut faces = detector.detect_shrunk(gray, shrink, 20 * shrink);
    faces.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
    if let Some(main) = faces.first_mut() {
        *main = detector.refine(gray, main);
    }
    faces
}
