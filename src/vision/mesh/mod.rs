//! The head measured by MediaPipe's models, run in pure Rust on tract (DESIGN.md, "Measuring
//! the head"): BlazeFace finds the face near where rustface saw one, the 468-point mesh gives
//! chin, cheeks and pose, the iris model the eye centres, and the person mask the crown, hair
//! included. Pure: pixels in, points out; no threads, no files.

mod blazeface;
mod gather;
mod landmarks;
mod net;
mod roi;
mod segment;

use std::sync::Arc;

use image::RgbImage;

pub use blazeface::Detection;
pub use landmarks::{EYE_READ_EVERY, EYE_UNCHANGED, Eye, EyeMemory, MIN_PRESENCE, Mesh, index};
pub use net::{
    FACE_DETECTION, FACE_LANDMARK, IRIS_LANDMARK, NetError, Nets, SELFIE_SEGMENTATION, nets,
};
pub use roi::Roi;
pub use segment::PersonMask;

use super::detect::Face;

/// What the models tell of one face, in the image's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Landmarks {
    /// The 468-point mesh.
    pub mesh: Mesh,
    /// The eyes, image-left first.
    pub eyes: [Eye; 2],
    /// Whether the iris model read the eyes on this image; `false` when following kept the last
    /// frame's reading because neither eye's picture changed ([`EyeMemory`]). A shot is taken
    /// only from a frame whose eyes were read on it.
    pub eyes_read: bool,
    /// BlazeFace's detection (with the ear tragions), when the face was found rather than
    /// followed from the previous frame.
    pub detection: Option<Detection>,
    /// The person mask around the head, when it was computed for this image.
    pub mask: Option<Arc<PersonMask>>,
}

impl Landmarks {
    /// Image row of the eye line: the mean height of the two irises.
    pub fn eye_y(&self) -> f32 {
        (self.eyes[0].iris[1] + self.eyes[1].iris[1]) / 2.0
    }

    /// Width of the face at its widest (the outline's extent along the eye line).
    pub fn face_width(&self) -> f32 {
        let (lo, hi) = self.oval_extent();
        hi - lo
    }

    /// Least and greatest position of the face's outline along the line through the irises.
    fn oval_extent(&self) -> (f32, f32) {
        let [a, b] = [self.eyes[0].iris, self.eyes[1].iris];
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2))
            .sqrt()
            .max(1e-3);
        let (ux, uy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
        index::FACE_OVAL
            .iter()
            .map(|&i| {
                let p = self.mesh.xy(i);
                p[0] * ux + p[1] * uy
            })
            .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }

    /// The region the person mask is read from: a square three face widths wide, from well
    /// above the eyes (room for high hair) down to the shoulders.
    pub fn mask_roi(&self) -> Roi {
        let fw = self.face_width().max(1.0);
        let eye_y = self.eye_y();
        let cx = (self.eyes[0].iris[0] + self.eyes[1].iris[0]) / 2.0;
        let size = 3.2 * fw;
        Roi {
            cx,
            cy: eye_y - 1.5 * fw + size / 2.0,
            size,
            theta: 0.0,
        }
    }
}

/// How far around a rustface box BlazeFace looks, in box sides.
const SEARCH: f32 = 3.0;

/// Finds and measures the face that rustface saw at `seed`: BlazeFace near it, the mesh (read a
/// second time on the region its own points give, as MediaPipe's tracking does), both irises and,
/// with `with_mask`, the person mask. `None` when the models see no face there.
pub fn find(rgb: &RgbImage, seed: &Face, with_mask: bool) -> Result<Option<Landmarks>, NetError> {
    let nets = nets()?;
    let (cx, cy) = seed.center();
    let side = seed.width.max(seed.height).max(8.0);
    let search = Roi {
        cx,
        cy,
        size: SEARCH * side,
        theta: 0.0,
    };
    let detection = blazeface::detect(nets, rgb, &search)?
        .into_iter()
        .filter(|d| {
            let [x, y] = d.center();
            (x - cx).abs() < side && (y - cy).abs() < side
        })
        .min_by(|a, b| {
            let d = |d: &Detection| {
                let [x, y] = d.center();
                (x - cx).powi(2) + (y - cy).powi(2)
            };
            d(a).total_cmp(&d(b))
        });
    // Without a detection (a face BlazeFace misses but rustface saw), the mesh starts from the
    // rustface box, upright; its second reading levels it.
    let first = detection.map_or(
        Roi {
            cx,
            cy,
            size: 1.7 * side,
            theta: 0.0,
        },
        |d| d.mesh_roi(),
    );
    let mesh = landmarks::mesh(nets, rgb, &first)?;
    if mesh.presence < MIN_PRESENCE {
        return Ok(None);
    }
    let again = landmarks::mesh(nets, rgb, &mesh.next_roi())?;
    let mesh = if again.presence >= MIN_PRESENCE {
        again
    } else {
        mesh
    };
    finish(nets, rgb, mesh, detection, None, with_mask).map(Some)
}

/// Follows a face from the previous frame's mesh: the mesh on the region its points give, the
/// irises (the last reading in `eyes` standing while neither eye's picture changed, see
/// [`EyeMemory`]) and, with `with_mask`, the person mask. `None` when the face has left that
/// region.
pub fn follow(
    rgb: &RgbImage,
    previous: &Mesh,
    eyes: &mut EyeMemory,
    with_mask: bool,
) -> Result<Option<Landmarks>, NetError> {
    let nets = nets()?;
    let mesh = landmarks::mesh(nets, rgb, &previous.next_roi())?;
    if mesh.presence < MIN_PRESENCE {
        return Ok(None);
    }
    finish(nets, rgb, mesh, None, Some(eyes), with_mask).map(Some)
}

fn finish(
    nets: &Nets,
    rgb: &RgbImage,
    mesh: Mesh,
    detection: Option<Detection>,
    memory: Option<&mut EyeMemory>,
    with_mask: bool,
) -> Result<Landmarks, NetError> {
    let (eyes, eyes_read) = match memory {
        Some(memory) => landmarks::eyes_followed(nets, rgb, &mesh, memory)?,
        None => (landmarks::eyes(nets, rgb, &mesh)?, true),
    };
    let mut found = Landmarks {
        mesh,
        eyes,
        eyes_read,
        detection,
        mask: None,
    };
    if with_mask {
        let mask = segment::person_mask(nets, rgb, &found.mask_roi())?;
        found.mask = Some(Arc::new(mask));
    }
    Ok(found)
}

/// The person mask over `roi` (upright) of `rgb`.
pub fn person_mask(rgb: &RgbImage, roi: &Roi) -> Result<PersonMask, NetError> {
    segment::person_mask(nets()?, rgb, roi)
}
