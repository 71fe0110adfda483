//! The head (crown to chin) and the eye line, estimated from the detector's face box.
//!
//! rustface's SeetaFace box runs from about the brows to just above the chin and is about as wide
//! as the face at the cheeks. The factors below were calibrated on grace_hopper.jpg (box 208 px at
//! x 161, y 117; eye line at 194, chin at 335, face 200 px wide at the cheekbones) with the adult ratio
//! eye-to-chin / crown-to-chin ≈ 0.52 for the crown, which her cap hides. The box is the one
//! [`assess_still`](super::assess_still) gives (about 216 px at y 116.5). The spec
//! tables agree: their face width is about 0.73 of their head height, and so is ours (0.92 / 1.25).

use super::detect::Face;

/// Chin below the box top, in box heights.
pub const CHIN_FACTOR: f32 = 1.01;
/// Eye line below the box top, in box heights.
pub const EYE_FACTOR: f32 = 0.36;
/// Crown-to-chin height, in box heights.
pub const HEAD_FACTOR: f32 = 1.25;
/// Face width at the cheeks, in box widths.
pub const FACE_WIDTH_FACTOR: f32 = 0.92;

/// Where the head stands in a frame, in that frame's pixels.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Head {
    /// Top of the skull (hair included).
    pub crown_y: f32,
    /// Bottom of the chin.
    pub chin_y: f32,
    /// The line through the eyes.
    pub eye_y: f32,
    /// Horizontal centre of the face.
    pub center_x: f32,
    /// Face width at the cheeks.
    pub face_width: f32,
}

impl Head {
    /// The head around a detector box.
    pub fn from_face(face: &Face) -> Head {
        let chin_y = face.y + CHIN_FACTOR * face.height;
        Head {
            crown_y: chin_y - HEAD_FACTOR * face.height,
            chin_y,
            eye_y: face.y + EYE_FACTOR * face.height,
            center_x: face.x + face.width / 2.0,
            face_width: FACE_WIDTH_FACTOR * face.width,
        }
    }

    /// The detector's box this head would come from: the inverse of [`Head::from_face`].
    pub fn face_box(&self) -> Face {
        let height = self.height() / HEAD_FACTOR;
        let width = self.face_width / FACE_WIDTH_FACTOR;
        Face {
            x: self.center_x - width / 2.0,
            y: self.chin_y - CHIN_FACTOR * height,
            width,
            height,
            score: 0.0,
        }
    }

    /// Crown to chin.
    pub fn height(&self) -> f32 {
        self.chin_y - self.crown_y
    }

    /// The same head in a frame scaled by `s` and shifted so that `(left, top)` becomes the origin.
    pub fn in_crop(&self, left: f32, top: f32, s: f32) -> Head {
        Head {
            crown_y: (self.crown_y - top) * s,
            chin_y: (self.chin_y - top) * s,
            eye_y: (self.eye_y - top) * s,
            center_x: (self.center_x - left) * s,
            face_width: self.face_width * s,
        }
    }

    /// The inverse of [`Head::in_crop`]: a head measured in a crop, back in the frame it was cut
    /// from.
    pub fn out_of_crop(&self, left: f32, top: f32, s: f32) -> Head {
        Head {
            crown_y: top + self.crown_y / s,
            chin_y: top + self.chin_y / s,
            eye_y: top + self.eye_y / s,
            center_x: left + self.center_x / s,
            face_width: self.face_width / s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_from_the_calibration_box() {
        let face = Face {
            x: 160.7,
            y: 116.5,
            width: 216.6,
            height: 216.6,
            score: 10.0,
        };
        let head = Head::from_face(&face);
        assert!((head.eye_y - 194.0).abs() < 2.0, "{head:?}");
        assert!((head.chin_y - 335.0).abs() < 3.0, "{head:?}");
        assert!((head.height() - 271.0).abs() < 2.0, "{head:?}");
        assert!((head.face_width - 200.0).abs() < 2.0, "{head:?}");
        assert!((head.center_x - 269.0).abs() < 0.1);
        let again = head.face_box();
        assert!((again.x - face.x).abs() < 0.01 && (again.y - face.y).abs() < 0.01);
        assert!(
            (again.width - face.width).abs() < 0.01 && (again.height - face.height).abs() < 0.01
        );
        let crop = head.in_crop(100.0, 50.0, 2.0);
        assert!((crop.height() - 2.0 * head.height()).abs() < 0.01);
        assert!((crop.center_x - 338.0).abs() < 0.01);
        let back = crop.out_of_crop(100.0, 50.0, 2.0);
        assert!(
            (back.crown_y - head.crown_y).abs() < 0.01
                && (back.center_x - head.center_x).abs() < 0.01
        );
    }
}
