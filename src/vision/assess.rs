//! An [`Assessment`] of one image: the faces, the head of the main one, and the measures.

use std::sync::Arc;

use image::{GrayImage, RgbImage};
use serde::Serialize;

use super::appearance::Appearance;
use super::cores::in_two;
use super::detect::{Face, FaceDetector};
use super::head::{Crown, Head};
use super::measures::{
    Background, Balance, Exposure, background, balance, colour_cast, exposure, face_region,
    sharpness,
};
use super::mesh::{self, Landmarks};

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
    /// Head roll in degrees (from the irises).
    pub roll_deg: f32,
}

/// The person mask, summed up for people reading `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MaskSummary {
    /// Share of the mask's region that is the person.
    pub coverage: f32,
    /// Share of it the model is unsure of (probability 0.2 to 0.8).
    pub unsure: f32,
}

/// What the booth sees in one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Image width.
    pub width: u32,
    /// Image height.
    pub height: u32,
    /// Every face found, the main one (largest, its box from the measured head) first.
    pub faces: Vec<Face>,
    /// The head of the main face, measured; `None` when no face was found or the models saw
    /// none where rustface did.
    pub head: Option<Head>,
    /// Measures around the main face.
    pub measures: Option<Measures>,
    /// The person mask, summed up.
    pub mask: Option<MaskSummary>,
    /// How the main face looks (eyes, mouth, gaze, hair, light).
    pub appearance: Option<Appearance>,
    /// What the models found (mesh, irises, mask), for normalization.
    #[serde(skip)]
    pub landmarks: Option<Arc<Landmarks>>,
}

impl Assessment {
    /// The main face, if any.
    pub fn face(&self) -> Option<&Face> {
        self.faces.first()
    }

    /// An assessment of `rgb` given the faces counted (main first) and what the models found
    /// for the main one; the crown as `crown` says when `landmarks` has no mask.
    pub fn from_landmarks(
        rgb: &RgbImage,
        gray: &GrayImage,
        mut faces: Vec<Face>,
        landmarks: Option<Landmarks>,
        crown: Crown<'_>,
    ) -> Assessment {
        let (width, height) = rgb.dimensions();
        let head = landmarks.as_ref().map(|l| {
            let crown = l.mask.as_deref().map_or(crown, Crown::Mask);
            Head::measure(l, crown)
        });
        if let (Some(main), Some(head)) = (faces.first_mut(), head.as_ref()) {
            *main = Face {
                score: main.score,
                ..head.face_box()
            };
        }
        let measures = faces
            .first()
            .zip(head.as_ref())
            .map(|(face, head)| measure(rgb, gray, face, head));
        let appearance = landmarks
            .as_ref()
            .zip(head.as_ref())
            .map(|(l, head)| Appearance::measure(rgb, l, head.face_width, head.crown_y));
        let mask = landmarks
            .as_ref()
            .and_then(|l| l.mask.as_ref())
            .map(|m| MaskSummary {
                coverage: m.coverage(),
                unsure: m.unsure(),
            });
        Assessment {
            width,
            height,
            faces,
            head,
            measures,
            mask,
            appearance,
            landmarks: landmarks.map(Arc::new),
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
        roll_deg: head.roll_deg,
    }
}

/// The models run on the face rustface saw at `seed`; a model failure (never expected: they are
/// embedded and checked at build time) is logged and taken as no face measured.
fn landmarks_at(rgb: &RgbImage, seed: &Face) -> Option<Landmarks> {
    match mesh::find(rgb, seed, true) {
        Ok(found) => found,
        Err(e) => {
            tracing::error!("{e}");
            None
        }
    }
}

/// Assesses a still (a capture, a file): faces counted at [`COUNT_WIDTH`] px or more across,
/// the main one measured by the models (with the person mask), on the image and on its mirror
/// image.
pub fn assess_still(detector: &mut FaceDetector, rgb: &RgbImage) -> Assessment {
    let gray = image::imageops::grayscale(rgb);
    let faces = main_first(detector, &gray);
    measured(rgb, &gray, faces)
}

/// Assesses an image whose faces were already counted (the booth's capture, whose people the
/// live tracker counted; a normalized photo checked again), the main face near `seed`.
pub fn assess_known(rgb: &RgbImage, seed: &Face) -> Assessment {
    let gray = image::imageops::grayscale(rgb);
    measured(rgb, &gray, vec![*seed])
}

/// The main face of `faces` measured on `rgb` and on its mirror image, the two heads averaged,
/// so that a mirrored photo is measured, and normalized, exactly as the mirror of the photo
/// (DESIGN.md, "Mirroring"). The mirror is measured on a second thread meanwhile: the two
/// readings are independent, and the booth and the center have two cores.
fn measured(rgb: &RgbImage, gray: &GrayImage, faces: Vec<Face>) -> Assessment {
    let Some(seed) = faces.first().copied() else {
        return Assessment::from_landmarks(rgb, gray, faces, None, Crown::Estimate);
    };
    let width = rgb.width() as f32;
    let mirror_side = || {
        let flipped = image::imageops::flip_horizontal(rgb);
        let landmarks = landmarks_at(&flipped, &seed.mirrored(width))?;
        let crown = landmarks
            .mask
            .as_deref()
            .map_or(Crown::Estimate, Crown::Mask);
        let head = Head::measure(&landmarks, crown);
        let look = Appearance::measure(&flipped, &landmarks, head.face_width, head.crown_y);
        Some((landmarks, head.mirrored(width), look))
    };
    let (mirrored, mut assessment) = in_two("mirror", mirror_side, || {
        let landmarks = landmarks_at(rgb, &seed);
        let mut own = Assessment::from_landmarks(rgb, gray, faces, landmarks, Crown::Estimate);
        // A still may be a photo of a print or a screen: its texture's periodicity is read too.
        if let (Some(look), Some(l)) = (own.appearance, own.landmarks.as_deref()) {
            own.appearance = Some(look.with_periodicity(rgb, l));
        }
        own
    });
    let Some((mirror, mirror_head, mirror_look)) = mirrored else {
        return assessment;
    };
    if let (Some(head), Some(landmarks)) = (assessment.head, assessment.landmarks.as_mut()) {
        // The mask too: the background's edge must not depend on the side the photo was taken from.
        if let (Some(own), Some(other)) = (&landmarks.mask, &mirror.mask) {
            let both = (**own).clone().with_mirror((**other).clone(), width);
            Arc::make_mut(landmarks).mask = Some(Arc::new(both));
        }
        let head = head.mean(&mirror_head);
        assessment.head = Some(head);
        if let Some(own) = assessment.appearance {
            assessment.appearance = Some(own.mean_with_mirror(&mirror_look));
        }
        if let Some(main) = assessment.faces.first_mut() {
            *main = Face {
                score: main.score,
                ..head.face_box()
            };
            assessment.measures = Some(measure(rgb, gray, main, &head));
        }
    }
    assessment
}

/// Every face, the largest first.
fn main_first(detector: &mut FaceDetector, gray: &GrayImage) -> Vec<Face> {
    // Shrink big captures by a whole factor, never below COUNT_WIDTH.
    let shrink = (gray.width() / COUNT_WIDTH).max(1);
    let mut faces = detector.detect_shrunk(gray, shrink, 20 * shrink);
    faces.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
    faces
}
