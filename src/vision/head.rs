//! The head (crown to chin), the eyes and the pose, measured on the face mesh, the irises and the
//! person mask (never guessed from a detector box).
//!
//! - eye centres: the irises; the eye line is their mean height;
//! - chin: the mesh's lowest point on the chin;
//! - face width: the face outline's extent along the eye line (its widest, at the cheekbones);
//! - crown (hair included): the highest point of the person mask above the forehead, in a band
//!   half a face wide over the face's centre; without a mask, the last one's height above the eyes
//!   (live), or an estimate from the mesh (flagged);
//! - roll from the irises; yaw and pitch from the mesh's depth.

use serde::Serialize;

use super::detect::Face;
use super::mesh::{Landmarks, PersonMask, index};

/// Crown above the mesh's top (upper forehead), as a share of forehead-to-chin, when no mask
/// tells: an adult's skull with short hair.
const CROWN_GUESS: f32 = 0.33;
/// The mesh's forehead-to-chin line leans back by about this much on faces held level (the
/// median over the test portraits, all taken facing the camera); pitch is measured from it.
const LEVEL_PITCH_DEG: f32 = 8.0;
/// Mask probability at which the person's edge is drawn: normalization puts the person over the
/// new background half and half there (`photo::replace_background`), so the crown measured here is
/// the crown seen in the photo.
pub const PERSON_EDGE: f32 = 0.6;

/// Where the crown came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrownSource {
    /// The person mask of this image.
    Mask,
    /// The height above the eyes that an earlier frame's mask gave.
    Remembered,
    /// An estimate from the mesh alone.
    Estimated,
    /// The crown lies above the image's top edge (the person mask goes on past it over the head,
    /// or the remembered or estimated height puts it there): it is not in the image, and
    /// `crown_y` is that edge (the head reaches at least that high). A photo of such a head is
    /// never compliant, whatever the rest measures.
    CutOff,
}

/// How the crown is to be found.
#[derive(Debug, Clone, Copy)]
pub enum Crown<'a> {
    /// From this mask.
    Mask(&'a PersonMask),
    /// At this many face widths above the eye line (from an earlier mask).
    AboveEyes(f32),
    /// Estimated from the mesh.
    Estimate,
}

/// Where the head stands in an image, in that image's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Head {
    /// Top of the head, hair included.
    pub crown_y: f32,
    /// Bottom of the chin.
    pub chin_y: f32,
    /// The line through the iris centres.
    pub eye_y: f32,
    /// Horizontal centre of the face (the middle of its widest extent).
    pub center_x: f32,
    /// Width of the face at its widest.
    pub face_width: f32,
    /// Iris centres, the image's left eye first.
    pub eyes: [[f32; 2]; 2],
    /// The chin's point.
    pub chin: [f32; 2],
    /// Roll in degrees, positive when the image's right eye sits lower.
    pub roll_deg: f32,
    /// Yaw in degrees, positive when the face turns towards the image's left.
    pub yaw_deg: f32,
    /// Pitch in degrees, positive when the chin drops (looking down).
    pub pitch_deg: f32,
    /// Where the crown came from.
    pub crown_source: CrownSource,
}

impl Head {
    /// Measures the head on `landmarks`, the crown as `crown` says.
    pub fn measure(landmarks: &Landmarks, crown: Crown<'_>) -> Head {
        let mesh = &landmarks.mesh;
        let eyes = [landmarks.eyes[0].iris, landmarks.eyes[1].iris];
        let eye_y = (eyes[0][1] + eyes[1][1]) / 2.0;
        let chin = mesh.xy(index::CHIN);
        let (mut x0, mut x1) = (f32::MAX, f32::MIN);
        for &i in &index::FACE_OVAL {
            let p = mesh.xy(i);
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
        }
        let face_width = landmarks.face_width();
        let center_x = (x0 + x1) / 2.0;
        let roll_deg = (eyes[1][1] - eyes[0][1])
            .atan2(eyes[1][0] - eyes[0][0])
            .to_degrees();
        let [l, r] = index::CHEEKS.map(|i| mesh.points[i]);
        let yaw_deg = (l[2] - r[2]).atan2(r[0] - l[0]).to_degrees();
        let (top, bottom) = (mesh.points[index::FOREHEAD], mesh.points[index::CHIN]);
        let pitch_deg =
            (bottom[2] - top[2]).atan2(bottom[1] - top[1]).to_degrees() - LEVEL_PITCH_DEG;
        let forehead = [top[0], top[1]];
        let guess = top[1] - CROWN_GUESS * (chin[1] - top[1]);
        let (crown_y, crown_source) = match crown {
            Crown::Mask(mask) => crown_in_mask(mask, center_x, forehead, face_width)
                .map_or((guess, CrownSource::Estimated), |y| (y, CrownSource::Mask)),
            Crown::AboveEyes(k) => (eye_y - k * face_width, CrownSource::Remembered),
            Crown::Estimate => (guess, CrownSource::Estimated),
        };
        // However it was found, a crown above the image's first row is not in the image.
        let (crown_y, crown_source) = if crown_y < 0.0 {
            (0.0, CrownSource::CutOff)
        } else {
            (crown_y, crown_source)
        };
        Head {
            crown_y,
            chin_y: chin[1],
            eye_y,
            center_x,
            face_width,
            eyes,
            chin,
            roll_deg,
            yaw_deg,
            pitch_deg,
            crown_source,
        }
    }

    /// A level, frontal head with these measures (eyes a fifth of the face width either side of
    /// the centre): a stand-in where no face was measured, and for tests.
    pub fn upright(crown_y: f32, chin_y: f32, eye_y: f32, center_x: f32, face_width: f32) -> Head {
        let dx = 0.2 * face_width;
        Head {
            crown_y,
            chin_y,
            eye_y,
            center_x,
            face_width,
            eyes: [[center_x - dx, eye_y], [center_x + dx, eye_y]],
            chin: [center_x, chin_y],
            roll_deg: 0.0,
            yaw_deg: 0.0,
            pitch_deg: 0.0,
            crown_source: CrownSource::Estimated,
        }
    }

    /// The crown's height above the eye line in face widths (what a later frame without a mask
    /// takes from this one).
    pub fn crown_above_eyes(&self) -> f32 {
        (self.eye_y - self.crown_y) / self.face_width.max(1.0)
    }

    /// Whether the crown lies past the image's top edge (see [`CrownSource::CutOff`]).
    pub fn crown_cut_off(&self) -> bool {
        self.crown_source == CrownSource::CutOff
    }

    /// Crown to chin (when the crown is cut off, at least this).
    pub fn height(&self) -> f32 {
        self.chin_y - self.crown_y
    }

    /// A box around the face in the manner of rustface's (brows to just above the chin, about
    /// as wide as the face): the region the light and sharpness measures read, and the box the
    /// booth draws.
    pub fn face_box(&self) -> Face {
        let height = (self.chin_y - self.eye_y).max(1.0) / 0.65;
        let width = self.face_width / 0.92;
        Face {
            x: self.center_x - width / 2.0,
            y: self.eye_y - 0.36 * height,
            width,
            height,
            score: 0.0,
        }
    }

    /// The same head in a frame scaled by `s` and shifted so that `(left, top)` becomes the origin.
    pub fn in_crop(&self, left: f32, top: f32, s: f32) -> Head {
        self.mapped(|[x, y]| [(x - left) * s, (y - top) * s], s)
    }

    /// The inverse of [`Head::in_crop`].
    pub fn out_of_crop(&self, left: f32, top: f32, s: f32) -> Head {
        self.mapped(|[x, y]| [left + x / s, top + y / s], 1.0 / s)
    }

    /// The same head in the mirror image of a frame `width` pixels wide.
    pub fn mirrored(&self, width: f32) -> Head {
        let flip = |p: [f32; 2]| [width - p[0], p[1]];
        Head {
            center_x: width - self.center_x,
            eyes: [flip(self.eyes[1]), flip(self.eyes[0])],
            chin: flip(self.chin),
            roll_deg: -self.roll_deg,
            yaw_deg: -self.yaw_deg,
            ..*self
        }
    }

    /// The head halfway between this one and `other` (the same face measured on the mirror
    /// image, mirrored back): the models are not mirror-symmetric to the pixel, the mean is. A
    /// crown cut off on either side is cut off (at the image's edge).
    pub fn mean(&self, other: &Head) -> Head {
        let m = |a: f32, b: f32| (a + b) / 2.0;
        let mp = |a: [f32; 2], b: [f32; 2]| [m(a[0], b[0]), m(a[1], b[1])];
        let cut = self.crown_cut_off() || other.crown_cut_off();
        Head {
            crown_y: if cut {
                0.0
            } else {
                m(self.crown_y, other.crown_y)
            },
            chin_y: m(self.chin_y, other.chin_y),
            eye_y: m(self.eye_y, other.eye_y),
            center_x: m(self.center_x, other.center_x),
            face_width: m(self.face_width, other.face_width),
            eyes: [
                mp(self.eyes[0], other.eyes[0]),
                mp(self.eyes[1], other.eyes[1]),
            ],
            chin: mp(self.chin, other.chin),
            roll_deg: m(self.roll_deg, other.roll_deg),
            yaw_deg: m(self.yaw_deg, other.yaw_deg),
            pitch_deg: m(self.pitch_deg, other.pitch_deg),
            crown_source: if cut {
                CrownSource::CutOff
            } else {
                self.crown_source
            },
        }
    }

    fn mapped(&self, f: impl Fn([f32; 2]) -> [f32; 2], s: f32) -> Head {
        let y = |v: f32| f([0.0, v])[1];
        Head {
            crown_y: y(self.crown_y),
            chin_y: y(self.chin_y),
            eye_y: y(self.eye_y),
            center_x: f([self.center_x, 0.0])[0],
            face_width: self.face_width * s,
            eyes: self.eyes.map(&f),
            chin: f(self.chin),
            ..*self
        }
    }
}

/// The top of the person in the mask, over a band half a face wide centred on the face: the
/// highest point reached going up from the forehead without leaving the person. `None` when the
/// forehead itself is not the person in the mask. Above the image's top edge the mask reads the
/// edge's rows again (`Border::Replicate`): a head that reaches the edge climbs on past it, and
/// the point returned is above 0.
fn crown_in_mask(
    mask: &PersonMask,
    center_x: f32,
    forehead: [f32; 2],
    face_width: f32,
) -> Option<f32> {
    let step = (face_width / 150.0).max(0.25);
    let columns = 21;
    let mut best: Option<f32> = None;
    let mut inside = 0;
    for c in 0..columns {
        let x = center_x + face_width * 0.5 * (c as f32 / (columns - 1) as f32 - 0.5);
        let mut y = forehead[1];
        if mask.at(x, y) <= PERSON_EDGE {
            continue;
        }
        inside += 1;
        // Climb while the mask says person; the crossing is placed between the last two samples.
        // Past the image's top edge there is nothing more to see: the climb stops there.
        let top_limit = (forehead[1] - 3.0 * face_width).max(-step);
        let mut prev = mask.at(x, y);
        while y > top_limit {
            let next = mask.at(x, y - step);
            if next <= PERSON_EDGE {
                let t = (prev - PERSON_EDGE) / (prev - next).max(1e-6);
                y -= t * step;
                break;
            }
            prev = next;
            y -= step;
        }
        best = Some(best.map_or(y, |b: f32| b.min(y)));
    }
    // The forehead must be the person in most of the band, or the mask missed the head.
    (inside * 2 > columns).then_some(best).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::mesh::Roi;

    /// A mask over a 400 px square at the top of an image, person wherever `person(x, y)`.
    fn mask(person: impl Fn(f32, f32) -> bool) -> PersonMask {
        let roi = Roi {
            cx: 200.0,
            cy: 150.0,
            size: 400.0,
            theta: 0.0,
        };
        PersonMask::from_fn(roi, |x, y| if person(x, y) { 1.0 } else { 0.0 })
    }

    /// A head 160 px wide whose forehead is at y = 140, its hair ending at `top`.
    fn head_below(top: f32) -> impl Fn(f32, f32) -> bool {
        move |x, y| (120.0..280.0).contains(&x) && y >= top && y < 400.0
    }

    #[test]
    fn the_crown_is_where_the_person_ends_above_the_forehead() {
        let crown = crown_in_mask(&mask(head_below(40.0)), 200.0, [200.0, 140.0], 160.0)
            .expect("the forehead is the person");
        assert!((crown - 40.0).abs() < 2.0, "crown at {crown}");
        // Nobody at the forehead: no crown from this mask.
        assert_eq!(
            crown_in_mask(&mask(|_, _| false), 200.0, [200.0, 140.0], 160.0),
            None
        );
    }

    #[test]
    fn a_head_that_reaches_the_top_edge_climbs_past_it() {
        // The person goes on past the image's first row (the mask reads the edge's rows again).
        let crown = crown_in_mask(&mask(head_below(-200.0)), 200.0, [200.0, 140.0], 160.0)
            .expect("the forehead is the person");
        assert!(crown < 0.0, "crown at {crown}");
        // Stopped soon after the edge, not three face widths up.
        assert!(crown > -10.0, "climbed to {crown}");
        // Hair ending three pixels below the edge is a crown seen.
        let crown = crown_in_mask(&mask(head_below(3.0)), 200.0, [200.0, 140.0], 160.0)
            .expect("the forehead is the person");
        assert!((0.0..6.0).contains(&crown), "crown at {crown}");
    }

    #[test]
    fn a_crown_cut_off_on_either_side_of_the_mirror_is_cut_off() {
        let seen = Head::upright(30.0, 300.0, 150.0, 200.0, 160.0);
        let cut = Head {
            crown_y: 0.0,
            crown_source: CrownSource::CutOff,
            ..seen
        };
        for (a, b) in [(seen, cut), (cut, seen), (cut, cut)] {
            let mean = a.mean(&b);
            assert!(mean.crown_cut_off());
            assert_eq!(mean.crown_y, 0.0);
        }
        let both = seen.mean(&seen);
        assert!(!both.crown_cut_off());
        assert_eq!(both.crown_y, 30.0);
    }
}
