//! Booth-like scenes made from a real portrait: the person cut out with a soft head-and-shoulders
//! mask and placed on a plain, slightly uneven light backdrop, at any position, size, roll and
//! light. The replay camera and the tests use them (DESIGN.md, "Testing without hardware").

use image::{GrayImage, Luma, Rgb, RgbImage};

use crate::vision::Face;

/// A person cut out of a portrait: pixels and a soft alpha mask.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The portrait's pixels.
    pub image: RgbImage,
    /// Coverage of the person, 0 to 255.
    pub alpha: GrayImage,
    /// Face box in the portrait.
    pub face: Face,
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
            let p: [f32; 3] = std::array::from_fn(|c| bilinear(&self.image, sx, sy, c));
            let side = ((sx - face_left) / face_w).clamp(0.0, 1.0);
            let light = place.light * (place.left_light + (1.0 - place.left_light) * side);
            Rgb(std::array::from_fn(|c| {
                let v = (p[c] * light).min(255.0) * a + f32::from(back.0[c]) * (1.0 - a);
                v.round().clamp(0.0, 255.0) as u8
            }))
        })
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
