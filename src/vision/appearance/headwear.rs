//! Headwear: a hat's brim or a cap's band crosses the head as one level edge that runs on past
//! the temples, while a hairline arches up over the forehead and turns down beside it (hair goes
//! on down to the ears). The measure follows the strongest horizontal edge between the brows and
//! the crown across the head, in the head's own frame (roll removed), and reads how strong it
//! stays at the temples less how much it arches.

use image::RgbImage;

use super::skin::{Skin, luma_at};
use crate::vision::mesh::{Landmarks, PersonMask, index};

/// Half the width of the band searched, in face widths (the face's side is at about 0.5).
const HALF_WIDTH: f32 = 0.55;
/// The temples: from this far out to [`HALF_WIDTH`], in face widths.
const TEMPLE: f32 = 0.35;
/// Where the arch's sides are read, in face widths from the middle.
const ARCH_SIDE: f32 = 0.45;
/// Cost of the edge path moving one row up or down between two columns, in edge strength.
const BEND: f32 = 0.08;
/// Half the distance over which an edge's contrast is read, in face widths.
const REACH: f32 = 0.02;
/// Mask value above which a point belongs to the person.
const PERSON: f32 = 0.5;

/// How much the head looks to wear a hat: the strength of the most level edge inside the head at
/// the temples (luma step over the skin's luma, 0 to 1) less its arch (in face widths). Bare
/// heads measured up to 0.33, brims and caps' bands 0.42 and more. `None` without a person mask
/// (the edge must lie inside the head, not on its outline against the backdrop) or without room
/// above the brows.
pub fn band(
    rgb: &RgbImage,
    l: &Landmarks,
    skin: &Skin,
    face_width: f32,
    crown_y: f32,
) -> Option<f32> {
    let mask = l.mask.as_deref()?;
    let frame = HeadFrame::new(l);
    let brows = index::BROW_LEFT
        .iter()
        .chain(&index::BROW_RIGHT)
        .map(|&i| frame.down(l.mesh.xy(i)))
        .fold(f32::MAX, f32::min);
    let step = (face_width / 100.0).max(0.5);
    let (top, bottom) = (
        frame.down([frame.centre[0], crown_y]) - 0.05 * face_width,
        brows - 0.05 * face_width,
    );
    let rows = ((bottom - top) / step) as usize;
    let half = (HALF_WIDTH * face_width / step) as usize;
    if rows < 3 || half < 4 {
        return None;
    }
    let cols = 2 * half + 1;
    let across = |j: usize| (j as f32 - half as f32) * step;
    let down = |i: usize| top + i as f32 * step;
    let reach = REACH * face_width;
    let light = skin.luma.max(20.0);
    let mut edge = vec![0.0f32; rows * cols];
    for i in 0..rows {
        for j in 0..cols {
            let above = frame.image(across(j), down(i) - reach);
            let below = frame.image(across(j), down(i) + reach);
            if person(mask, above) && person(mask, below) {
                edge[i * cols + j] =
                    ((luma_at(rgb, below) - luma_at(rgb, above)).abs() / light).min(1.0);
            }
        }
    }
    let path = strongest_path(&edge, rows, cols);
    let strength = |from: f32, to: f32| {
        let (a, b) = (col(from, half, step), col(to, half, step));
        (a..=b).map(|j| edge[path[j] * cols + j]).sum::<f32>() / (b - a + 1) as f32
    };
    let temples = strength(-HALF_WIDTH * face_width, -TEMPLE * face_width)
        .min(strength(TEMPLE * face_width, HALF_WIDTH * face_width));
    let height = |u: f32| {
        let j = col(u, half, step);
        let span = j.saturating_sub(2)..=(j + 2).min(cols - 1);
        let n = span.clone().count() as f32;
        span.map(|j| down(path[j])).sum::<f32>() / n
    };
    let sides = height(-ARCH_SIDE * face_width).min(height(ARCH_SIDE * face_width));
    let arch = ((sides - height(0.0)) / face_width).max(0.0);
    Some(temples - arch)
}

/// The column of the grid at `u` across the head.
fn col(u: f32, half: usize, step: f32) -> usize {
    (half as f32 + u / step)
        .round()
        .clamp(0.0, (2 * half) as f32) as usize
}

/// The left-to-right path through `edge` (rows × cols) with the greatest sum, moving at most one
/// row between neighbouring columns at a cost of [`BEND`]: the row of each column.
fn strongest_path(edge: &[f32], rows: usize, cols: usize) -> Vec<usize> {
    let mut sum = edge[..rows * cols].to_vec();
    let mut from = vec![0usize; rows * cols];
    for j in 1..cols {
        for i in 0..rows {
            let mut best = (f32::MIN, i);
            for k in i.saturating_sub(1)..=(i + 1).min(rows - 1) {
                let v = sum[k * cols + j - 1] - if k == i { 0.0 } else { BEND };
                if v > best.0 {
                    best = (v, k);
                }
            }
            sum[i * cols + j] += best.0;
            from[i * cols + j] = best.1;
        }
    }
    let mut i = (0..rows)
        .max_by(|&a, &b| sum[a * cols + cols - 1].total_cmp(&sum[b * cols + cols - 1]))
        .unwrap_or(0);
    let mut path = vec![0usize; cols];
    for j in (0..cols).rev() {
        path[j] = i;
        i = from[i * cols + j];
    }
    path
}

/// The head's own frame: across along the eye line, down perpendicular to it, from the point
/// between the irises.
struct HeadFrame {
    centre: [f32; 2],
    /// Unit vector along the eye line, image-left eye to image-right eye.
    along: [f32; 2],
}

impl HeadFrame {
    fn new(l: &Landmarks) -> HeadFrame {
        let [a, b] = [l.eyes[0].iris, l.eyes[1].iris];
        let len = (b[0] - a[0]).hypot(b[1] - a[1]).max(1e-3);
        HeadFrame {
            centre: [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0],
            along: [(b[0] - a[0]) / len, (b[1] - a[1]) / len],
        }
    }

    /// How far down the head image point `p` lies, measured from the image's top through the
    /// centre (so that image rows and head rows agree at the centre).
    fn down(&self, p: [f32; 2]) -> f32 {
        let [dx, dy] = [p[0] - self.centre[0], p[1] - self.centre[1]];
        self.centre[1] + dy * self.along[0] - dx * self.along[1]
    }

    /// The image point `u` across and at height `v` (as [`HeadFrame::down`] gives it).
    fn image(&self, u: f32, v: f32) -> [f32; 2] {
        let dv = v - self.centre[1];
        [
            self.centre[0] + u * self.along[0] - dv * self.along[1],
            self.centre[1] + u * self.along[1] + dv * self.along[0],
        ]
    }
}

fn person(mask: &PersonMask, p: [f32; 2]) -> bool {
    mask.at(p[0], p[1]) > PERSON
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_follows_a_level_edge_and_bends_around_noise() {
        // A level edge on row 3 with one weak break; a stronger single spot on row 0.
        let (rows, cols) = (6, 9);
        let mut edge = vec![0.0; rows * cols];
        for j in 0..cols {
            edge[3 * cols + j] = if j == 4 { 0.1 } else { 0.8 };
        }
        edge[4] = 1.0;
        assert_eq!(strongest_path(&edge, rows, cols), vec![3; cols]);
    }

    #[test]
    fn the_head_frame_turns_with_the_eye_line() {
        let frame = HeadFrame {
            centre: [100.0, 100.0],
            along: [0.0, 1.0], // eyes one above the other: the head lies on its side
        };
        // "Up" the head (smaller `down`) is towards the image's +x here.
        let p = frame.image(0.0, 90.0);
        assert!((p[0] - 110.0).abs() < 1e-4 && (p[1] - 100.0).abs() < 1e-4);
        assert!((frame.down(p) - 90.0).abs() < 1e-4);
    }
}
