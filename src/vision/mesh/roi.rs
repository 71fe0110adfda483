//! A rotated square region of an image, sampled into a model's input tensor as MediaPipe's
//! ImageToTensorCalculator does (bilinear, no half-pixel shift), and the way back from the
//! tensor's coordinates to the image's.

use image::RgbImage;

use super::gather;

/// A square region of an image, rotated by `theta` about its centre; in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    /// Centre, x.
    pub cx: f32,
    /// Centre, y.
    pub cy: f32,
    /// Side.
    pub size: f32,
    /// Rotation in radians (positive turns the region's x axis towards the image's y axis).
    pub theta: f32,
}

/// What lies past the image's edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Border {
    /// The nearest edge pixel.
    Replicate,
    /// Black.
    Zero,
}

impl Roi {
    /// The image point at `(u, v)`, fractions of the region from its top left corner.
    pub fn to_image(&self, u: f32, v: f32) -> [f32; 2] {
        let (s, c) = self.theta.sin_cos();
        let (du, dv) = ((u - 0.5) * self.size, (v - 0.5) * self.size);
        [self.cx + c * du - s * dv, self.cy + s * du + c * dv]
    }

    /// The inverse of [`Roi::to_image`].
    pub fn to_region(&self, x: f32, y: f32) -> [f32; 2] {
        if self.theta == 0.0 {
            // Upright (every person mask): the same values without the sine and cosine.
            return [
                (x - self.cx) / self.size + 0.5,
                (y - self.cy) / self.size + 0.5,
            ];
        }
        let (s, c) = self.theta.sin_cos();
        let (dx, dy) = (x - self.cx, y - self.cy);
        [
            (c * dx + s * dy) / self.size + 0.5,
            (-s * dx + c * dy) / self.size + 0.5,
        ]
    }

    /// The region sampled to `n`×`n` RGB values in `range`, row by row (NHWC), mirrored left to
    /// right when `flip` (the iris model knows only the image-left eye).
    pub fn sample(
        &self,
        rgb: &RgbImage,
        n: usize,
        border: Border,
        range: (f32, f32),
        flip: bool,
    ) -> Vec<f32> {
        if self.theta == 0.0 {
            return self.sample_upright(rgb, n, border, range, flip);
        }
        let (w, h) = (rgb.width() as i64, rgb.height() as i64);
        let raw = rgb.as_raw();
        let scale = (range.1 - range.0) / 255.0;
        let mut out = vec![0.0f32; n * n * 3];
        let (s, c) = self.theta.sin_cos();
        // Each column's offset along the region's x axis, turned, worked out once: per sample
        // only the row's share is added (the same sums, in the same order, as point by point).
        let offsets: Vec<(f32, f32)> = (0..n)
            .map(|i| {
                let du = (i as f32 / n as f32 - 0.5) * self.size;
                (self.cx + c * du, self.cy + s * du)
            })
            .collect();
        let column = |i: usize| if flip { n - 1 - i } else { i };
        // Sample `i` of a row: image coordinates put pixel i's centre at i + 0.5 (as the
        // detector's boxes and the crops do), so mirroring is x -> width - x.
        let one = |row: &mut [f32], i: usize, (sdv, cdv): (f32, f32)| {
            let (ox, oy) = offsets[i];
            let (x, y) = (ox - sdv, oy + cdv);
            let px = bilinear(raw, w, h, x - 0.5, y - 0.5, border);
            let col = column(i);
            for (o, v) in row[col * 3..col * 3 + 3].iter_mut().zip(px) {
                *o = v * scale + range.0;
            }
        };
        let wide = gather::available();
        for (j, row) in out.chunks_exact_mut(n * 3).enumerate() {
            let dv = (j as f32 / n as f32 - 0.5) * self.size;
            let turn = (s * dv, c * dv);
            let mut done = 0;
            #[cfg(target_arch = "x86_64")]
            if wide {
                // Eight at a time where all their neighbours are inside the image.
                let (mut x, mut y) = ([0.0f32; 8], [0.0f32; 8]);
                while done + 8 <= n {
                    for (l, &(ox, oy)) in offsets[done..done + 8].iter().enumerate() {
                        (x[l], y[l]) = ((ox - turn.0) - 0.5, (oy + turn.1) - 0.5);
                    }
                    #[allow(unsafe_code, reason = "AVX2 intrinsics")]
                    // SAFETY: the CPU has AVX2 (`gather::available`).
                    let eight =
                        unsafe { gather::eight(raw, rgb.dimensions(), &x, &y, (scale, range.0)) };
                    match eight {
                        Some(eight) => put_eight(row, done, column, eight),
                        None => (done..done + 8).for_each(|i| one(row, i, turn)),
                    }
                    done += 8;
                }
            }
            (done..n).for_each(|i| one(row, i, turn));
        }
        out
    }

    /// [`Roi::sample`] of an upright region (every person mask and face search): a sample's
    /// column depends on its column alone and its row on its row, so each column's and each
    /// row's neighbours and weights are worked out once, and the image's edge is handled there,
    /// not per sample. The same values as the turned path's (the same sums in the same order: its
    /// sine is 0 and its cosine 1 exactly).
    fn sample_upright(
        &self,
        rgb: &RgbImage,
        n: usize,
        border: Border,
        range: (f32, f32),
        flip: bool,
    ) -> Vec<f32> {
        let (w, h) = (i64::from(rgb.width()), i64::from(rgb.height()));
        let raw = rgb.as_raw();
        let scale = (range.1 - range.0) / 255.0;
        // Along one axis: the two neighbours' places (`None`: black, past the edge with
        // `Border::Zero`) in units of `stride` bytes, and the weights of the first and second.
        let axis = |centre: f32, len: i64, stride: i64| -> Vec<Neighbours> {
            (0..n)
                .map(|i| {
                    let v = centre + (i as f32 / n as f32 - 0.5) * self.size - 0.5;
                    let v0 = floor(v);
                    let f = v - v0;
                    let v0 = v0 as i64;
                    Neighbours {
                        at: [v0, v0 + 1].map(|p| place(p, len, stride, border)),
                        weights: [1.0 - f, f],
                    }
                })
                .collect()
        };
        let columns = axis(self.cx, w, 3);
        let rows = axis(self.cy, h, w * 3);
        let mut out = vec![0.0f32; n * n * 3];
        let column = |i: usize| if flip { n - 1 - i } else { i };
        // Eight at a time from the same tables, as i32 places (-1: black), where the CPU can.
        let wide = gather::available() && i32::try_from(raw.len()).is_ok();
        let place32 = |p: Option<usize>| p.map_or(-1, |p| p as i32);
        let groups: Vec<gather::Axis8> = if wide {
            columns
                .chunks_exact(8)
                .map(|c| gather::Axis8 {
                    at: [0, 1].map(|k| std::array::from_fn(|l| place32(c[l].at[k]))),
                    weights: [0, 1].map(|k| std::array::from_fn(|l| c[l].weights[k])),
                })
                .collect()
        } else {
            Vec::new()
        };
        for (row, line) in rows.iter().zip(out.chunks_exact_mut(n * 3)) {
            let [wy0, wy1] = row.weights;
            // Sample `i` of this row from the tables.
            let one = |line: &mut [f32], i: usize| {
                let col = &columns[i];
                let [wx0, wx1] = col.weights;
                let weights = [wx0 * wy0, wx1 * wy0, wx0 * wy1, wx1 * wy1];
                let at = [
                    row.at[0].zip(col.at[0]),
                    row.at[0].zip(col.at[1]),
                    row.at[1].zip(col.at[0]),
                    row.at[1].zip(col.at[1]),
                ]
                .map(|p| p.map(|(r, c)| r + c));
                let o = column(i);
                for (v, mixed) in line[o * 3..o * 3 + 3].iter_mut().zip(mix(raw, at, weights)) {
                    *v = mixed * scale + range.0;
                }
            };
            let mut done = 0;
            let tables = (row.at.map(place32), row.weights);
            #[cfg(target_arch = "x86_64")]
            for group in &groups {
                #[allow(unsafe_code, reason = "AVX2 intrinsics")]
                // SAFETY: the CPU has AVX2 (`gather::available`), and every place is -1 or a
                // pixel's first byte (`place`: a clamped row times the row's bytes, a clamped
                // column times three), below i32::MAX (checked above).
                let eight = unsafe { gather::eight_upright(raw, tables, group, (scale, range.0)) };
                match eight {
                    Some(eight) => put_eight(line, done, column, eight),
                    None => (done..done + 8).for_each(|i| one(line, i)),
                }
                done += 8;
            }
            (done..n).for_each(|i| one(line, i));
        }
        out
    }
}

/// Eight samples' channels (`[r, g, b]`, eight lanes each), samples `first..first + 8` of a row,
/// written to their places in `line` (sample `i` at column `column(i)`, three values each).
#[cfg(target_arch = "x86_64")]
fn put_eight(
    line: &mut [f32],
    first: usize,
    column: impl Fn(usize) -> usize,
    eight: [[f32; 8]; 3],
) {
    let [r, g, b] = eight;
    for l in 0..8 {
        let o = column(first + l);
        line[o * 3..o * 3 + 3].copy_from_slice(&[r[l], g[l], b[l]]);
    }
}

/// One sample's two neighbours along an axis of an upright region.
struct Neighbours {
    /// Their places in the image's bytes along that axis; `None` where black.
    at: [Option<usize>; 2],
    /// Their weights, the first's and the second's.
    weights: [f32; 2],
}

/// Where neighbour `p` of an axis `len` pixels long lies, in units of `stride` bytes; past the
/// image's edge the edge pixel's place (`Border::Replicate`) or `None`, black (`Border::Zero`).
fn place(p: i64, len: i64, stride: i64, border: Border) -> Option<usize> {
    let clamped = p.clamp(0, len - 1);
    (clamped == p || border == Border::Replicate).then_some((clamped * stride) as usize)
}

/// Each channel of the four neighbours at `at` (byte places; `None`: black) weighed by
/// `weights`, summed in that order.
#[inline(always)]
fn mix(raw: &[u8], at: [Option<usize>; 4], weights: [f32; 4]) -> [f32; 3] {
    std::array::from_fn(|k| {
        let p = |i: usize| at[i].map_or(0.0, |a| f32::from(raw[a + k]));
        weights[0] * p(0) + weights[1] * p(1) + weights[2] * p(2) + weights[3] * p(3)
    })
}

/// `v` rounded down, without a call into libm (which `f32::floor` is on baseline x86-64).
fn floor(v: f32) -> f32 {
    let t = v as i64 as f32;
    if t > v { t - 1.0 } else { t }
}

/// The pixel at `(x, y)` (pixel centres at whole numbers), bilinear.
#[inline(always)]
pub(super) fn bilinear(raw: &[u8], w: i64, h: i64, x: f32, y: f32, border: Border) -> [f32; 3] {
    let (x0, y0) = (floor(x), floor(y));
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    if x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h {
        // All four neighbours inside (nearly every sample): the same sum in the same order as
        // below, without a test per neighbour.
        let at = ((y0 * w + x0) * 3) as usize;
        let below = at + (w * 3) as usize;
        let (w00, w01) = ((1.0 - fx) * (1.0 - fy), fx * (1.0 - fy));
        let (w10, w11) = ((1.0 - fx) * fy, fx * fy);
        // The two pixels of each row as one slice: two bounds checks per sample, not twelve.
        if let (Some(top), Some(bottom)) = (raw.get(at..at + 6), raw.get(below..below + 6)) {
            let mix = |k: usize| {
                let (t, b) = (
                    |i: usize| f32::from(top[i]),
                    |i: usize| f32::from(bottom[i]),
                );
                w00 * t(k) + w01 * t(k + 3) + w10 * b(k) + w11 * b(k + 3)
            };
            return [mix(0), mix(1), mix(2)];
        }
    }
    // Some neighbours outside: each taken from the edge (Replicate) or as black (Zero), in the
    // same sum; a black one adds nothing, as if it were left out.
    let at = [(x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)].map(|(px, py)| {
        place(py, h, w * 3, border)
            .zip(place(px, w, 3, border))
            .map(|(r, c)| r + c)
    });
    let weights = [
        (1.0 - fx) * (1.0 - fy),
        fx * (1.0 - fy),
        (1.0 - fx) * fy,
        fx * fy,
    ];
    mix(raw, at, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_coordinates_go_there_and_back() {
        let roi = Roi {
            cx: 100.0,
            cy: 80.0,
            size: 50.0,
            theta: 0.3,
        };
        let p = roi.to_image(0.2, 0.9);
        let back = roi.to_region(p[0], p[1]);
        assert!((back[0] - 0.2).abs() < 1e-5 && (back[1] - 0.9).abs() < 1e-5);
        assert_eq!(roi.to_image(0.5, 0.5), [100.0, 80.0]);
        // Upright, without the turn: exactly what the turned formula gives at zero.
        let upright = Roi { theta: 0.0, ..roi };
        for (x, y) in [(0.0, 0.0), (101.3, 79.9), (-7.25, 333.3)] {
            let (dx, dy) = (x - upright.cx, y - upright.cy);
            let turned = [
                (1.0 * dx + 0.0 * dy) / upright.size + 0.5,
                (-0.0 * dx + 1.0 * dy) / upright.size + 0.5,
            ];
            assert_eq!(upright.to_region(x, y), turned);
        }
    }

    #[test]
    fn an_upright_region_samples_the_pixels_under_it() {
        let mut rgb = RgbImage::new(8, 8);
        rgb.put_pixel(3, 2, image::Rgb([255, 0, 0]));
        // A 4-px region over pixels 2..6 × 1..5 sampled at 4×4: tensor pixel (1, 1) is image
        // pixel (3, 2), whose centre is at (3.5, 2.5).
        let roi = Roi {
            cx: 4.5,
            cy: 3.5,
            size: 4.0,
            theta: 0.0,
        };
        let t = roi.sample(&rgb, 4, Border::Zero, (0.0, 1.0), false);
        assert_eq!(&t[(4 + 1) * 3..(4 + 1) * 3 + 3], &[1.0, 0.0, 0.0]);
        let flipped = roi.sample(&rgb, 4, Border::Zero, (0.0, 1.0), true);
        assert_eq!(&flipped[(4 + 2) * 3..(4 + 2) * 3 + 3], &[1.0, 0.0, 0.0]);
        // Past the edge: black with Zero, the edge pixel with Replicate.
        let outside = Roi {
            cx: -10.0,
            cy: 2.0,
            size: 2.0,
            theta: 0.0,
        };
        let z = outside.sample(&rgb, 2, Border::Zero, (-1.0, 1.0), false);
        assert!(z.iter().all(|&v| v == -1.0));
    }

    #[test]
    fn sampling_row_by_row_gives_the_point_by_point_values() {
        let mut rng = fastrand::Rng::with_seed(5);
        let rgb = RgbImage::from_fn(64, 48, |_, _| {
            image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
        });
        // Turned, partly outside, both borders, both ways round.
        let roi = Roi {
            cx: 20.3,
            cy: 40.7,
            size: 37.9,
            theta: 0.41,
        };
        for (border, flip) in [(Border::Zero, false), (Border::Replicate, true)] {
            let n = 24;
            let t = roi.sample(&rgb, n, border, (-1.0, 1.0), flip);
            let (w, h) = (64, 48);
            let (s, c) = roi.theta.sin_cos();
            for j in 0..n {
                let dv = (j as f32 / n as f32 - 0.5) * roi.size;
                for i in 0..n {
                    let du = (i as f32 / n as f32 - 0.5) * roi.size;
                    let x = roi.cx + c * du - s * dv;
                    let y = roi.cy + s * du + c * dv;
                    let px = bilinear(rgb.as_raw(), w, h, x - 0.5, y - 0.5, border);
                    let col = if flip { n - 1 - i } else { i };
                    for k in 0..3 {
                        let expected = px[k] * (2.0 / 255.0) - 1.0;
                        assert_eq!(t[(j * n + col) * 3 + k], expected, "({i}, {j}) channel {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_upright_region_samples_as_a_turned_one_would_to_the_bit() {
        let mut rng = fastrand::Rng::with_seed(11);
        let rgb = RgbImage::from_fn(64, 48, |_, _| {
            image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
        });
        // Inside, and far past every edge (a person mask's region is wider than the photo).
        let regions = [
            Roi {
                cx: 30.2,
                cy: 22.9,
                size: 17.3,
                theta: 0.0,
            },
            Roi {
                cx: 28.6,
                cy: 31.4,
                size: 121.7,
                theta: 0.0,
            },
        ];
        for roi in regions {
            for (border, flip) in [
                (Border::Zero, false),
                (Border::Zero, true),
                (Border::Replicate, false),
                (Border::Replicate, true),
            ] {
                let n = 40;
                let t = roi.sample(&rgb, n, border, (-1.0, 1.0), flip);
                for j in 0..n {
                    let dv = (j as f32 / n as f32 - 0.5) * roi.size;
                    for i in 0..n {
                        let du = (i as f32 / n as f32 - 0.5) * roi.size;
                        // The turned path's point, at sine 0 and cosine 1.
                        let (s, c) = 0.0f32.sin_cos();
                        let x = roi.cx + c * du - s * dv;
                        let y = roi.cy + s * du + c * dv;
                        let px = bilinear(rgb.as_raw(), 64, 48, x - 0.5, y - 0.5, border);
                        let col = if flip { n - 1 - i } else { i };
                        for k in 0..3 {
                            let expected = px[k] * (2.0 / 255.0) - 1.0;
                            let got = t[(j * n + col) * 3 + k];
                            assert_eq!(
                                got.to_bits(),
                                expected.to_bits(),
                                "{roi:?} {border:?} flip {flip}: ({i}, {j}) channel {k}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// Bilinear sampling neighbour by neighbour, as it was first written: the reference for
    /// [`bilinear`]'s two paths.
    fn bilinear_by_neighbour(
        raw: &[u8],
        w: i64,
        h: i64,
        x: f32,
        y: f32,
        border: Border,
    ) -> [f32; 3] {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let mut acc = [0.0f32; 3];
        for (dy, wy) in [(0, 1.0 - fy), (1, fy)] {
            for (dx, wx) in [(0, 1.0 - fx), (1, fx)] {
                let wgt = wx * wy;
                let (mut px, mut py) = (x0 + dx, y0 + dy);
                if px < 0 || py < 0 || px >= w || py >= h {
                    match border {
                        Border::Zero => continue,
                        Border::Replicate => {
                            px = px.clamp(0, w - 1);
                            py = py.clamp(0, h - 1);
                        }
                    }
                }
                let at = ((py * w + px) * 3) as usize;
                for k in 0..3 {
                    acc[k] += wgt * f32::from(raw[at + k]);
                }
            }
        }
        acc
    }

    #[test]
    fn bilinear_is_the_sum_over_the_neighbours_inside_and_past_the_edge() {
        let mut rng = fastrand::Rng::with_seed(9);
        let rgb = RgbImage::from_fn(13, 7, |_, _| {
            image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
        });
        for _ in 0..5000 {
            let (x, y) = (rng.f32() * 25.0 - 6.0, rng.f32() * 19.0 - 6.0);
            for border in [Border::Zero, Border::Replicate] {
                assert_eq!(
                    bilinear(rgb.as_raw(), 13, 7, x, y, border),
                    bilinear_by_neighbour(rgb.as_raw(), 13, 7, x, y, border),
                    "({x}, {y}) {border:?}"
                );
            }
        }
    }
}
