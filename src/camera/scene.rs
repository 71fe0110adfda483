//! Booth-like scenes made from a real portrait: the person cut out with a soft head-and-shoulders
//! mask and placed on a plain, slightly uneven light backdrop, at any position, size, roll and
//! light. The replay camera and the tests use them (DESIGN.md, "Testing without hardware").

use image::{GrayImage, Luma, Rgb, RgbImage};

use crate::vision::Face;
use crate::vision::mesh::{Landmarks, index};

/// A person cut out of a portrait: pixels and a soft alpha mask.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The portrait's pixels.
    pub image: RgbImage,
    /// Coverage of the person, 0 to 255.
    pub alpha: GrayImage,
    /// Face box in the portrait.
    pub face: Face,
    /// The same portrait with the eyes closed, for a blink ([`Placement::eyes_closed`]).
    pub closed: Option<RgbImage>,
}

/// Where and how the subject stands in a scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Face centre, as a share of the scene width.
    pub center_x: f32,
    /// Face centre, as a share of the scene height.
    pub center_y: f32,
    /// Face box height, as a share of the scene height.
    pub face_share: f32,
    /// Roll in degrees, clockwise as seen.
    pub roll_deg: f32,
    /// Light on the subject: 1 as shot.
    pub light: f32,
    /// Light on the image's left half of the face, relative to the right: 1 even.
    pub left_light: f32,
    /// The eyes shut (a blink), where the subject has a closed-eyes picture.
    pub eyes_closed: bool,
}

impl Default for Placement {
    fn default() -> Self {
        Placement {
            center_x: 0.5,
            center_y: 0.42,
            face_share: 0.3,
            roll_deg: 0.0,
            light: 1.0,
            left_light: 1.0,
            eyes_closed: false,
        }
    }
}

impl Subject {
    /// Cuts the person around `face` out of `portrait`: an ellipse for the head (hair
    /// included) and a wider one for the shoulders, feathered over a few percent of the face.
    pub fn cut_out(portrait: RgbImage, face: Face) -> Subject {
        let (cx, cy) = face.center();
        let s = face.width;
        let head = (cx, cy - 0.08 * s, 0.56 * s, 0.78 * s);
        let body = (cx, cy + 1.45 * s, 1.25 * s, 0.95 * s);
        let feather = 0.06 * s;
        let alpha = GrayImage::from_fn(portrait.width(), portrait.height(), |x, y| {
            let inside = |(ex, ey, rx, ry): (f32, f32, f32, f32)| {
                let (dx, dy) = ((x as f32 - ex) / rx, (y as f32 - ey) / ry);
                // Signed distance to the ellipse edge, roughly in pixels.
                (1.0 - (dx * dx + dy * dy).sqrt()) * rx.min(ry)
            };
            let d = inside(head).max(inside(body));
            Luma([((d / feather + 0.5).clamp(0.0, 1.0) * 255.0) as u8])
        });
        Subject {
            image: portrait,
            alpha,
            face,
            closed: None,
        }
    }

    /// Cuts the person of `landmarks` (the face mesh of `face` in `portrait`, with its person
    /// mask) out of `portrait`: the mask where it was read (hair, a hat, the shoulders in it), the
    /// shoulders' ellipse below it; and makes them able to blink.
    pub fn of_person(portrait: RgbImage, face: Face, landmarks: &Landmarks) -> Subject {
        let mut subject = Subject::cut_out(portrait, face);
        if let Some(mask) = landmarks.mask.as_deref() {
            let roi = mask.roi;
            let half = roi.size / 2.0;
            for (x, y, a) in subject.alpha.enumerate_pixels_mut() {
                let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
                if (fx - roi.cx).abs() < half && (fy - roi.cy).abs() < half {
                    // Sharpened about the model's even odds, soft over a few pixels.
                    let p = ((mask.at(fx, fy) - 0.3) / 0.4).clamp(0.0, 1.0);
                    a.0[0] = (p * p * (3.0 - 2.0 * p) * 255.0).round() as u8;
                }
            }
        }
        subject.with_blink(landmarks)
    }

    /// This subject able to blink: its eyes, where `landmarks` (the portrait's face mesh) put
    /// them, painted shut with the skin of the lids above them.
    pub fn with_blink(self, landmarks: &Landmarks) -> Subject {
        let closed = closed_eyes(&self.image, landmarks);
        Subject {
            closed: Some(closed),
            ..self
        }
    }

    /// The scene: a `width`×`height` frame of plain light backdrop with the subject placed.
    pub fn compose(&self, width: u32, height: u32, place: &Placement) -> RgbImage {
        self.compose_onto(&plain_backdrop(width, height), place)
    }

    /// The subject placed in front of `background` (a busy room, another person).
    pub fn compose_onto(&self, background: &RgbImage, place: &Placement) -> RgbImage {
        let (width, height) = background.dimensions();
        let scale = place.face_share * height as f32 / self.face.height;
        let (fx, fy) = self.face.center();
        let (tx, ty) = (
            place.center_x * width as f32,
            place.center_y * height as f32,
        );
        let (sin, cos) = (-place.roll_deg).to_radians().sin_cos();
        let face_left = self.face.x;
        let face_w = self.face.width.max(1.0);
        RgbImage::from_fn(width, height, |x, y| {
            let back = *background.get_pixel(x, y);
            // Inverse map: scene pixel -> portrait pixel (rotate about the face centre, then scale).
            let (dx, dy) = (x as f32 - tx, y as f32 - ty);
            let (rx, ry) = (dx * cos - dy * sin, dx * sin + dy * cos);
            let (sx, sy) = (fx + rx / scale, fy + ry / scale);
            // The person's coverage; nothing of them outside their portrait.
            let (pw, ph) = self.alpha.dimensions();
            let outside = sx < 0.0 || sy < 0.0 || sx > (pw - 1) as f32 || sy > (ph - 1) as f32;
            let a = if outside {
                0.0
            } else {
                bilinear(&self.alpha, sx, sy, 0) / 255.0
            };
            if a <= 0.0 {
                return back;
            }
            let image = match (&self.closed, place.eyes_closed) {
                (Some(closed), true) => closed,
                _ => &self.image,
            };
            let p: [f32; 3] = std::array::from_fn(|c| bilinear(image, sx, sy, c));
            let side = ((sx - face_left) / face_w).clamp(0.0, 1.0);
            let light = place.light * (place.left_light + (1.0 - place.left_light) * side);
            Rgb(std::array::from_fn(|c| {
                let v = (p[c] * light).min(255.0) * a + f32::from(back.0[c]) * (1.0 - a);
                v.round().clamp(0.0, 255.0) as u8
            }))
        })
    }
}

/// `portrait` with both eyes shut: over each eye (where the face mesh outlines it, with the lashes
/// and the lid's crease above) the skin from under the eye, and a line of lashes bowing down
/// where the lids meet.
pub fn closed_eyes(portrait: &RgbImage, landmarks: &Landmarks) -> RgbImage {
    let mut out = portrait.clone();
    for ring in [index::EYE_RING_LEFT, index::EYE_RING_RIGHT] {
        let points: Vec<[f32; 2]> = ring.iter().map(|&i| landmarks.mesh.xy(i)).collect();
        shut(&mut out, portrait, &points);
    }
    out
}

/// Paints the eye outlined by `ring` shut on `out`, reading the skin on `portrait`.
fn shut(out: &mut RgbImage, portrait: &RgbImage, ring: &[[f32; 2]]) {
    let Some(eye) = EyeFrame::of(ring) else {
        return;
    };
    let (w, h) = portrait.dimensions();
    let opening = (eye.lower - eye.upper).max(1.0);
    // The skin under the eye: its mean colour is the lid's.
    let mut skin = [0.0f32; 3];
    let mut n = 0.0;
    let mut s = -0.3 * eye.width;
    while s <= 0.3 * eye.width {
        let mut t = eye.lower + 0.6 * opening;
        while t <= eye.lower + 1.3 * opening {
            let [x, y] = eye.image(s, t);
            if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                let p = portrait.get_pixel(x as u32, y as u32).0;
                for c in 0..3 {
                    skin[c] += f32::from(p[c]);
                }
                n += 1.0;
            }
            t += 0.5;
        }
        s += 0.5;
    }
    if n == 0.0 {
        return;
    }
    let lid = skin.map(|v| 0.96 * v / n);
    // The lid covers from above the crease down to the lower lid.
    let (top, bottom) = (eye.upper - 0.9 * opening, eye.lower + 0.15 * opening);
    let (mid, rx, ry) = ((top + bottom) / 2.0, 0.66 * eye.width, (bottom - top) / 2.0);
    let lash_width = (0.14 * opening).max(1.0);
    let reach = rx.max(ry) * 1.2;
    let (cx, cy) = (eye.centre[0], eye.centre[1]);
    for y in (cy - reach).max(0.0) as u32..=((cy + reach).max(0.0) as u32).min(h - 1) {
        for x in (cx - reach).max(0.0) as u32..=((cx + reach).max(0.0) as u32).min(w - 1) {
            let [s, t] = eye.local([x as f32, y as f32]);
            let r = ((s / rx).powi(2) + ((t - mid) / ry).powi(2)).sqrt();
            // Opaque to 0.75 of the way out, feathered to nothing at the edge.
            let k = ((1.0 - r) / 0.25).clamp(0.0, 1.0);
            if k <= 0.0 {
                continue;
            }
            // The lashes: a dark line bowing down in the middle, corner to corner.
            let along = (2.0 * s / eye.width).abs();
            let line = eye.lower - 0.35 * opening + 0.3 * opening * (1.0 - along * along);
            let lash = if along <= 1.05 {
                (1.0 - (t - line).abs() / lash_width).clamp(0.0, 1.0)
            } else {
                0.0
            };
            // The lid a little darker towards its crease, the lashes dark.
            let crease = ((mid - t) / ry).clamp(0.0, 1.0);
            let shade = (1.0 - 0.12 * crease) * (1.0 - 0.8 * lash);
            let p = out.get_pixel_mut(x, y);
            for (ch, lid) in p.0.iter_mut().zip(lid) {
                let v = lid * shade;
                *ch = (v * k + f32::from(*ch) * (1.0 - k))
                    .round()
                    .clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// An eye's own frame: `s` along the line of its corners (image left to right), `t` across it
/// (down), from the corners' middle.
struct EyeFrame {
    centre: [f32; 2],
    along: [f32; 2],
    width: f32,
    /// Highest point of the outline (negative: above the corners' line).
    upper: f32,
    /// Lowest point of the outline.
    lower: f32,
}

impl EyeFrame {
    /// The frame of the eye outlined by `ring` (the outer corner first, the inner corner ninth).
    fn of(ring: &[[f32; 2]]) -> Option<EyeFrame> {
        let (a, b) = (*ring.first()?, *ring.get(8)?);
        let (l, r) = if a[0] <= b[0] { (a, b) } else { (b, a) };
        let width = (r[0] - l[0]).hypot(r[1] - l[1]);
        if width < 2.0 {
            return None;
        }
        let mut eye = EyeFrame {
            centre: [(l[0] + r[0]) / 2.0, (l[1] + r[1]) / 2.0],
            along: [(r[0] - l[0]) / width, (r[1] - l[1]) / width],
            width,
            upper: 0.0,
            lower: 0.0,
        };
        for p in ring {
            let t = eye.local(*p)[1];
            eye.upper = eye.upper.min(t);
            eye.lower = eye.lower.max(t);
        }
        Some(eye)
    }

    fn local(&self, p: [f32; 2]) -> [f32; 2] {
        let (dx, dy) = (p[0] - self.centre[0], p[1] - self.centre[1]);
        let [ux, uy] = self.along;
        [dx * ux + dy * uy, -dx * uy + dy * ux]
    }

    fn image(&self, s: f32, t: f32) -> [f32; 2] {
        let [ux, uy] = self.along;
        [
            self.centre[0] + s * ux - t * uy,
            self.centre[1] + s * uy + t * ux,
        ]
    }
}

/// A booth's backdrop, `width`×`height`: near-white, a little warmer and darker towards the
/// bottom, with a faint grain, as a real lit panel is.
pub fn plain_backdrop(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| backdrop(x, y, width, height))
}

fn backdrop(x: u32, y: u32, width: u32, height: u32) -> Rgb<u8> {
    let v = y as f32 / height.max(1) as f32;
    let u = x as f32 / width.max(1) as f32 - 0.5;
    let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 5) as f32 - 2.0;
    let base = 238.0 - 10.0 * v - 6.0 * u * u + grain;
    Rgb([(base + 1.0) as u8, base as u8, (base - 3.0) as u8])
}

/// Bilinear sample of channel `c` at `(x, y)`, clamped to the image.
fn bilinear<P: image::Pixel<Subpixel = u8>>(
    image: &image::ImageBuffer<P, Vec<u8>>,
    x: f32,
    y: f32,
    c: usize,
) -> f32 {
    let (w, h) = image.dimensions();
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x as u32, y as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let p = |xx, yy| f32::from(image.get_pixel(xx, yy).channels()[c]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    top * (1.0 - fy) + bottom * fy
}
