//! The 468-point face mesh and the two irises, as MediaPipe's face_landmark and iris_landmark
//! graphs compute them: the mesh on a square region 1.5 times the face, turned level with the
//! eyes; each iris on a region 2.3 times the eye's width, the image-right eye mirrored.

use image::RgbImage;

use super::net::{NetError, Nets, run};
use super::roi::{Border, Roi};

/// The mesh model's input side.
const MESH_SIDE: usize = 192;
/// The iris model's input side.
const IRIS_SIDE: usize = 64;
/// Lowest face-presence probability at which the mesh counts (MediaPipe's 0.5).
pub const MIN_PRESENCE: f32 = 0.5;

/// Mesh indices (MediaPipe's canonical face model) used to measure the head.
pub mod index {
    /// Outer corner of the image-left eye (the subject's right).
    pub const LEFT_EYE_OUTER: usize = 33;
    /// Inner corner of the image-left eye.
    pub const LEFT_EYE_INNER: usize = 133;
    /// Inner corner of the image-right eye (the subject's left).
    pub const RIGHT_EYE_INNER: usize = 362;
    /// Outer corner of the image-right eye.
    pub const RIGHT_EYE_OUTER: usize = 263;
    /// Top of the mesh: the upper forehead (the mesh stops below the hairline).
    pub const FOREHEAD: usize = 10;
    /// Bottom of the chin.
    pub const CHIN: usize = 152;
    /// Nose tip.
    pub const NOSE_TIP: usize = 1;
    /// The face's outline, from the forehead round by the image's right (FACEMESH_FACE_OVAL).
    pub const FACE_OVAL: [usize; 36] = [
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
        152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    ];
    /// The face outline's points at the cheeks, image left and right.
    pub const CHEEKS: [usize; 2] = [234, 454];
    /// The face outline beside the image-left ear (temple, tragion, jaw below the ear).
    pub const EAR_SIDE_LEFT: [usize; 3] = [127, 234, 93];
    /// The face outline beside the image-right ear.
    pub const EAR_SIDE_RIGHT: [usize; 3] = [356, 454, 323];
    /// Upper edge of the image-left eyebrow, outer end to inner (FACEMESH_RIGHT_EYEBROW).
    pub const BROW_LEFT: [usize; 5] = [70, 63, 105, 66, 107];
    /// Upper edge of the image-right eyebrow, inner end to outer (FACEMESH_LEFT_EYEBROW).
    pub const BROW_RIGHT: [usize; 5] = [336, 296, 334, 293, 300];
    /// The image-left eye's outline, lower lid from the outer corner to the inner, then the
    /// upper lid back (FACEMESH_RIGHT_EYE).
    pub const EYE_RING_LEFT: [usize; 16] = [
        33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
    ];
    /// The image-right eye's outline, lower lid from the outer corner to the inner, then the
    /// upper lid back (FACEMESH_LEFT_EYE).
    pub const EYE_RING_RIGHT: [usize; 16] = [
        263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466,
    ];
    /// Corners of the mouth, image left and right.
    pub const MOUTH_CORNERS: [usize; 2] = [61, 291];
    /// The inner lips, upper and lower point, at the middle and on either side of it.
    pub const INNER_LIPS: [(usize, usize); 3] = [(13, 14), (82, 87), (312, 317)];
    /// Bottom of the nose, between the nostrils.
    pub const NOSE_BOTTOM: usize = 2;
    /// Under the eyes and on the cheeks: where the skin is sampled (no hair, brows or lips).
    pub const CHEEK_SKIN: [usize; 4] = [50, 280, 101, 330];
}

/// The face mesh of one face, in the image's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    /// 468 points (x, y, z); z is depth in the scale of x, smaller is nearer the camera.
    pub points: Vec<[f32; 3]>,
    /// Probability that a face fills the region.
    pub presence: f32,
    /// The region the mesh was read from.
    pub roi: Roi,
}

impl Mesh {
    /// One point, as (x, y).
    pub fn xy(&self, i: usize) -> [f32; 2] {
        let p = self.points.get(i).copied().unwrap_or_default();
        [p[0], p[1]]
    }

    /// The region for the next frame's mesh: the points' box made square on its long side and
    /// 1.5 times as large, turned level with the outer eye corners
    /// (face_landmark_landmarks_to_roi).
    pub fn next_roi(&self) -> Roi {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in &self.points {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
        let [a, b] = [
            self.xy(index::LEFT_EYE_OUTER),
            self.xy(index::RIGHT_EYE_OUTER),
        ];
        Roi {
            cx: (x0 + x1) / 2.0,
            cy: (y0 + y1) / 2.0,
            size: 1.5 * (x1 - x0).max(y1 - y0),
            theta: (b[1] - a[1]).atan2(b[0] - a[0]),
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-100.0, 100.0)).exp())
}

/// The mesh in `roi` of `rgb`.
pub fn mesh(nets: &Nets, rgb: &RgbImage, roi: &Roi) -> Result<Mesh, NetError> {
    let input = roi.sample(rgb, MESH_SIDE, Border::Replicate, (0.0, 1.0), false);
    let outputs = run(&nets.mesh, "face landmark", MESH_SIDE, input)?;
    let raw = outputs.first().map(Vec::as_slice).unwrap_or_default();
    let presence = outputs
        .get(1)
        .and_then(|v| v.first())
        .map_or(0.0, |&l| sigmoid(l));
    let side = MESH_SIDE as f32;
    let points = raw
        .chunks_exact(3)
        .map(|p| {
            let [x, y] = roi.to_image(p[0] / side, p[1] / side);
            [x, y, p[2] / side * roi.size]
        })
        .collect::<Vec<_>>();
    if points.len() != 468 {
        return Err(NetError::Run {
            model: "face landmark",
            detail: format!("{} points, not 468", points.len()),
        });
    }
    Ok(Mesh {
        points,
        presence,
        roi: *roi,
    })
}

/// One eye as the iris model sees it, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eye {
    /// Centre of the iris.
    pub iris: [f32; 2],
    /// Radius of the iris (mean distance of its four edge points from the centre).
    pub iris_radius: f32,
    /// Highest and lowest points of the eyelids' opening (upper and lower lid at the middle).
    pub lids: [[f32; 2]; 2],
}

/// Mean difference of an eye's picture (the iris model's input over the eye, values 0 to 1,
/// sampled on the region the mesh puts around the eye, so it moves with the head) from the
/// picture last read, under which the eye counts as unchanged and that reading stands. On the
/// demo's subject with a webcam's noise (2.5 levels) the mesh's jitter and the noise make 0.015 to
/// 0.026, a blink 0.23 (tests/all/guidance.rs): a half-closed lid is read.
pub const EYE_UNCHANGED: f32 = 0.05;
/// Frames in a row that the eyes' readings may stand unread: both eyes are read again together at
/// least every fourth frame (7.5 times a second at 30 fps), whatever their pictures, so a frame
/// whose eyes were read on it is never more than three frames back (the shot is taken from such
/// a frame, see [`Landmarks::eyes_read`](super::Landmarks::eyes_read)).
pub const EYE_READ_EVERY: u32 = 4;

/// The last iris reading of both eyes: the model's inputs and outputs, image-left first, and the
/// frames it has stood.
#[derive(Debug, Clone, PartialEq)]
struct EyeReading {
    inputs: [Vec<f32>; 2],
    outputs: [Vec<Vec<f32>>; 2],
    age: u32,
}

/// What following remembers of the irises from frame to frame (one per face followed): the last
/// reading of both eyes, which stands on the next frame while both eyes' pictures are unchanged
/// (a still applicant's eyes need not be read 30 times a second; a blink changes the pictures
/// and is read on the frame it happens). Both eyes are always read together, so every frame
/// either read both or neither.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EyeMemory {
    last: Option<EyeReading>,
    /// Iris readings (one per eye) made and reused so far.
    reads: u64,
    reused: u64,
    /// Each eye's picture's difference from its last reading, on the last frame.
    differences: [f32; 2],
}

impl EyeMemory {
    /// A memory of no reading: both eyes are read on the next frame.
    pub fn new() -> EyeMemory {
        EyeMemory::default()
    }

    /// Iris readings (one per eye) made and readings reused, since this memory was made.
    pub fn counts(&self) -> (u64, u64) {
        (self.reads, self.reused)
    }

    /// How far each eye's picture was, on the last frame, from the picture last read (compare
    /// [`EYE_UNCHANGED`]); infinite where there was no reading.
    pub fn differences(&self) -> [f32; 2] {
        self.differences
    }
}

/// Mean absolute difference of two iris inputs over the eye itself: the middle of the region
/// (which is 2.3 eye widths wide), half its width and a third of its height, where the lids and
/// the iris are; the skin around them would only dilute a blink.
fn eye_difference(a: &[f32], b: &[f32]) -> f32 {
    let n = IRIS_SIDE;
    if a.len() != n * n * 3 || b.len() != a.len() {
        return f32::MAX;
    }
    let (rows, cols) = (n / 3..n - n / 3, n / 4..n - n / 4);
    let mut sum = 0.0f32;
    for y in rows.clone() {
        let at = (y * n + cols.start) * 3..(y * n + cols.end) * 3;
        sum += a[at.clone()]
            .iter()
            .zip(&b[at])
            .map(|(x, y)| (x - y).abs())
            .sum::<f32>();
    }
    sum / (rows.len() * cols.len() * 3) as f32
}

/// Where the iris model looks for one eye: a region 2.3 times the eye's width around its two
/// corners, turned level with them; `mirror` for the image-right eye, which the model sees
/// mirrored.
#[derive(Debug, Clone, Copy)]
struct EyeView {
    roi: Roi,
    mirror: bool,
}

impl EyeView {
    /// The image-left eye (`false`) or the image-right one (`true`) of `mesh`.
    fn of(mesh: &Mesh, right: bool) -> EyeView {
        let (a, b) = if right {
            (
                mesh.xy(index::RIGHT_EYE_INNER),
                mesh.xy(index::RIGHT_EYE_OUTER),
            )
        } else {
            (
                mesh.xy(index::LEFT_EYE_OUTER),
                mesh.xy(index::LEFT_EYE_INNER),
            )
        };
        EyeView {
            roi: Roi {
                cx: (a[0] + b[0]) / 2.0,
                cy: (a[1] + b[1]) / 2.0,
                size: 2.3 * (b[0] - a[0]).abs().max((b[1] - a[1]).abs()),
                theta: (b[1] - a[1]).atan2(b[0] - a[0]),
            },
            mirror: right,
        }
    }

    /// The iris model's input.
    fn input(&self, rgb: &RgbImage) -> Vec<f32> {
        self.roi
            .sample(rgb, IRIS_SIDE, Border::Replicate, (0.0, 1.0), self.mirror)
    }

    /// The eye the model's `outputs` (eye contour, iris) describe, in the image's pixels.
    fn eye(&self, outputs: &[Vec<f32>]) -> Result<Eye, NetError> {
        let side = IRIS_SIDE as f32;
        let point = |v: &[f32], i: usize| -> [f32; 2] {
            let (x, y) = (v.get(3 * i).copied(), v.get(3 * i + 1).copied());
            let (x, y) = (x.unwrap_or_default(), y.unwrap_or_default());
            let x = if self.mirror { side - x } else { x };
            self.roi.to_image(x / side, y / side)
        };
        let (Some(contour), Some(iris)) = (outputs.first(), outputs.get(1)) else {
            return Err(NetError::Run {
                model: "iris landmark",
                detail: "fewer than two outputs".into(),
            });
        };
        let centre = point(iris, 0);
        let iris_radius = (1..5)
            .map(|i| {
                let p = point(iris, i);
                ((p[0] - centre[0]).powi(2) + (p[1] - centre[1]).powi(2)).sqrt()
            })
            .sum::<f32>()
            / 4.0;
        // Contour points 12 and 4: the upper and lower lid at the middle of the eye.
        Ok(Eye {
            iris: centre,
            iris_radius,
            lids: [point(contour, 12), point(contour, 4)],
        })
    }
}

fn read_iris(nets: &Nets, input: Vec<f32>) -> Result<Vec<Vec<f32>>, NetError> {
    run(&nets.iris, "iris landmark", IRIS_SIDE, input)
}

/// Both eyes of a mesh, image-left first, each read afresh.
pub fn eyes(nets: &Nets, rgb: &RgbImage, mesh: &Mesh) -> Result<[Eye; 2], NetError> {
    let [left, right] = [EyeView::of(mesh, false), EyeView::of(mesh, true)];
    Ok([
        left.eye(&read_iris(nets, left.input(rgb))?)?,
        right.eye(&read_iris(nets, right.input(rgb))?)?,
    ])
}

/// Both eyes of a mesh followed from frame to frame, image-left first, and whether they were read
/// on this frame: the last reading in `memory` stands while both eyes' pictures are unchanged
/// (each under [`EYE_UNCHANGED`]) and it is younger than [`EYE_READ_EVERY`] frames; else both
/// eyes are read again, and remembered.
pub fn eyes_followed(
    nets: &Nets,
    rgb: &RgbImage,
    mesh: &Mesh,
    memory: &mut EyeMemory,
) -> Result<([Eye; 2], bool), NetError> {
    let views = [EyeView::of(mesh, false), EyeView::of(mesh, true)];
    let inputs = views.map(|v| v.input(rgb));
    memory.differences = match &memory.last {
        Some(last) => [0, 1].map(|i| eye_difference(&last.inputs[i], &inputs[i])),
        None => [f32::INFINITY; 2],
    };
    let stands = memory.last.as_ref().is_some_and(|last| {
        last.age + 1 < EYE_READ_EVERY && memory.differences.iter().all(|&d| d < EYE_UNCHANGED)
    });
    match memory.last.as_mut() {
        Some(last) if stands => {
            last.age += 1;
            memory.reused += 2;
            let [left, right] = &last.outputs;
            Ok(([views[0].eye(left)?, views[1].eye(right)?], false))
        }
        _ => {
            let [left_input, right_input] = inputs;
            let outputs = [
                read_iris(nets, left_input.clone())?,
                read_iris(nets, right_input.clone())?,
            ];
            memory.reads += 2;
            let eyes = [views[0].eye(&outputs[0])?, views[1].eye(&outputs[1])?];
            memory.last = Some(EyeReading {
                inputs: [left_input, right_input],
                outputs,
                age: 0,
            });
            Ok((eyes, true))
        }
    }
}
