//! 翻拍: a photo of a printed photo or of a screen. A print's halftone dots and a screen's
//! pixel grid are periodic, which skin is not: in the spectrum of a patch of the face they stand
//! out as sharp peaks far above the smooth fall-off of a real face's spectrum.

use image::RgbImage;

use super::skin::ycc;

/// Side of the patch read, in the photo's own pixels (never resampled: resampling would blur or
/// alias the pattern away).
const SIDE: usize = 64;
/// Frequencies (in cycles per patch) between which the pattern is looked for: periods of 2 to
/// 8 pixels. Slower ones are the face itself.
const BAND: (usize, usize) = (8, 32);
/// The power a luma noise of one level leaves in every frequency (SIDE² × 1²): the least a
/// peak is compared with, so that a patch smooth to the last bit is not called periodic.
const NOISE_FLOOR: f32 = (SIDE * SIDE) as f32;
/// JPEG's 8×8 blocks put peaks at multiples of SIDE / 8 cycles along each axis: left out.
const BLOCK: usize = SIDE / 8;

/// What every spectrum uses, worked out once: a Hann window (so that the patch's edges do not
/// spread power along the axes), and the cosine and sine of 2π·k·x/`SIDE` for every frequency k
/// and pixel x, row x (`cos_at[x * SIDE + k]`; row 1 is 2π·k/`SIDE` itself).
struct Twiddles {
    hann: Vec<f32>,
    cos_at: Vec<f32>,
    sin_at: Vec<f32>,
}

fn twiddles() -> &'static Twiddles {
    static TWIDDLES: std::sync::OnceLock<Twiddles> = std::sync::OnceLock::new();
    TWIDDLES.get_or_init(|| {
        let n = SIDE;
        let hann = (0..n)
            .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / n as f32).cos())
            .collect();
        let (cos, sin): (Vec<f32>, Vec<f32>) = (0..n)
            .map(|k| {
                let a = std::f32::consts::TAU * k as f32 / n as f32;
                (a.cos(), a.sin())
            })
            .unzip();
        let cos_at = (0..n * n).map(|i| cos[(i / n * (i % n)) % n]).collect();
        let sin_at = (0..n * n).map(|i| sin[(i / n * (i % n)) % n]).collect();
        Twiddles {
            hann,
            cos_at,
            sin_at,
        }
    })
}

fn mean(patch: &[f32]) -> f32 {
    patch.iter().sum::<f32>() / patch.len() as f32
}

/// The patch's power spectrum, `SIDE`×`SIDE`, the mean removed: a direct separable DFT (64³
/// complex products per pass), each pass run over all frequencies at once for one pixel, so the
/// products of a frequency are summed in the same order as one by one and the loop over the
/// frequencies is vectorized.
fn spectrum(patch: &[f32]) -> Vec<f32> {
    let n = SIDE;
    let Twiddles {
        hann,
        cos_at,
        sin_at,
    } = twiddles();
    let mean = mean(patch);
    let windowed: Vec<f32> = patch
        .iter()
        .enumerate()
        .map(|(i, &p)| (p - mean) * hann[i % n] * hann[i / n])
        .collect();
    // Rows first, then columns.
    let mut re = vec![0.0f32; n * n];
    let mut im = vec![0.0f32; n * n];
    for y in 0..n {
        let (r, i) = (&mut re[y * n..(y + 1) * n], &mut im[y * n..(y + 1) * n]);
        for x in 0..n {
            let v = windowed[y * n + x];
            let (c, s) = (&cos_at[x * n..(x + 1) * n], &sin_at[x * n..(x + 1) * n]);
            for k in 0..n {
                r[k] += v * c[k];
                i[k] -= v * s[k];
            }
        }
    }
    let mut power = vec![0.0f32; n * n];
    let (mut r, mut i) = (vec![0.0f32; n], vec![0.0f32; n]);
    for kx in 0..n {
        r.fill(0.0);
        i.fill(0.0);
        for y in 0..n {
            let (a, b) = (re[y * n + kx], im[y * n + kx]);
            let (c, s) = (&cos_at[y * n..(y + 1) * n], &sin_at[y * n..(y + 1) * n]);
            for ky in 0..n {
                r[ky] += a * c[ky] + b * s[ky];
                i[ky] += b * c[ky] - a * s[ky];
            }
        }
        for ky in 0..n {
            power[ky * n + kx] = r[ky] * r[ky] + i[ky] * i[ky];
        }
    }
    power
}

/// How periodic the face's texture is: the strongest spectral peak in the band of halftone and
/// screen frequencies over the median power at its own distance from the origin (a real face
/// is below 10 to 20; a print's or a screen's pattern far above). 0 when the patch does not fit
/// in the image.
pub fn periodicity(rgb: &RgbImage, centre: [f32; 2]) -> f32 {
    let (w, h) = rgb.dimensions();
    let half = (SIDE / 2) as f32;
    let (x0, y0) = (centre[0] - half, centre[1] - half);
    if x0 < 0.0 || y0 < 0.0 || x0 + SIDE as f32 > w as f32 || y0 + SIDE as f32 > h as f32 {
        return 0.0;
    }
    let (x0, y0) = (x0 as u32, y0 as u32);
    let mut patch = Vec::with_capacity(SIDE * SIDE);
    for y in 0..SIDE as u32 {
        for x in 0..SIDE as u32 {
            patch.push(ycc(rgb.get_pixel(x0 + x, y0 + y).0)[0]);
        }
    }
    let power = spectrum(&patch);
    let n = SIDE as i64;
    // Signed frequency of index k.
    let f = |k: usize| {
        let k = k as i64;
        if k > n / 2 { k - n } else { k }
    };
    let mut rings: Vec<Vec<f32>> = vec![Vec::new(); SIDE];
    let mut peaks: Vec<(usize, f32)> = Vec::new();
    for ky in 0..SIDE {
        for kx in 0..SIDE {
            let (fx, fy) = (f(kx), f(ky));
            let r = ((fx * fx + fy * fy) as f32).sqrt().round() as usize;
            if r < BAND.0 || r > BAND.1 {
                continue;
            }
            let p = power[ky * SIDE + kx];
            rings[r].push(p);
            let near_block = |v: i64| {
                let a = v.unsigned_abs() as usize % BLOCK;
                a == 0 || a == 1 || a == BLOCK - 1
            };
            // Along the axes lie the face's own edges; JPEG's blocks repeat every BLOCK cycles.
            let on_grid = fx.abs() <= 1 || fy.abs() <= 1 || (near_block(fx) && near_block(fy));
            if !on_grid {
                peaks.push((r, p));
            }
        }
    }
    let medians: Vec<f32> = rings
        .iter_mut()
        .map(|ring| {
            if ring.is_empty() {
                return 0.0;
            }
            ring.sort_by(f32::total_cmp);
            ring[ring.len() / 2]
        })
        .collect();
    peaks
        .iter()
        .map(|(r, p)| p / (medians[*r] + NOISE_FLOOR))
        .fold(0.0f32, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DFT frequency by frequency, as it was first written: the reference for [`spectrum`].
    fn spectrum_one_by_one(patch: &[f32]) -> Vec<f32> {
        let n = SIDE;
        let Twiddles {
            hann,
            cos_at,
            sin_at,
        } = twiddles();
        let (cos, sin) = (&cos_at[n..2 * n], &sin_at[n..2 * n]);
        let mean = mean(patch);
        let mut re = vec![0.0f32; n * n];
        let mut im = vec![0.0f32; n * n];
        for y in 0..n {
            for k in 0..n {
                let (mut r, mut i) = (0.0, 0.0);
                for x in 0..n {
                    let v = (patch[y * n + x] - mean) * hann[x] * hann[y];
                    let t = (k * x) % n;
                    r += v * cos[t];
                    i -= v * sin[t];
                }
                re[y * n + k] = r;
                im[y * n + k] = i;
            }
        }
        let mut power = vec![0.0f32; n * n];
        for kx in 0..n {
            for ky in 0..n {
                let (mut r, mut i) = (0.0, 0.0);
                for y in 0..n {
                    let t = (ky * y) % n;
                    let (a, b) = (re[y * n + kx], im[y * n + kx]);
                    r += a * cos[t] + b * sin[t];
                    i += b * cos[t] - a * sin[t];
                }
                power[ky * n + kx] = r * r + i * i;
            }
        }
        power
    }

    #[test]
    fn the_spectrum_is_the_dft_frequency_by_frequency_to_the_bit() {
        let mut rng = fastrand::Rng::with_seed(3);
        let patch: Vec<f32> = (0..SIDE * SIDE).map(|_| rng.f32() * 255.0).collect();
        assert_eq!(spectrum(&patch), spectrum_one_by_one(&patch));
    }

    #[test]
    fn a_dot_screen_is_periodic_and_smooth_shading_is_not() {
        let smooth = RgbImage::from_fn(100, 100, |x, y| {
            let v = (120.0 + 40.0 * ((x as f32) / 30.0).sin() + 0.3 * y as f32) as u8;
            image::Rgb([v, v, v])
        });
        let dots = RgbImage::from_fn(100, 100, |x, y| {
            let v = (x + y) % 5 < 2 || (x + 100 - y) % 5 < 2;
            let v = if v { 80 } else { 200 };
            image::Rgb([v, v, v])
        });
        let (s, d) = (
            periodicity(&smooth, [50.0, 50.0]),
            periodicity(&dots, [50.0, 50.0]),
        );
        assert!(d > 10.0 * s.max(1.0), "smooth {s} dots {d}");
        // A patch that does not fit is not judged.
        assert_eq!(periodicity(&dots, [10.0, 50.0]), 0.0);
    }
}
