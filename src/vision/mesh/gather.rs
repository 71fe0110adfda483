//! Eight bilinear samples of an image at once, with AVX2's gathers: [`eight`] for the turned
//! regions (the mesh and the irises), sampled along slanted rows whose neighbours no table can
//! list ahead, and [`eight_upright`] for the upright ones (the mask, BlazeFace's search), from
//! their row and column tables. Every value is the one the scalar path ([`super::roi`]) computes:
//! the same products and sums in the same order, lane by lane (no fused multiply-add).

#![allow(
    unsafe_code,
    reason = "AVX2 intrinsics, used only where the CPU has them"
)]

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m256, __m256i, _CMP_GE_OQ, _CMP_LT_OQ, _mm256_add_epi32, _mm256_add_ps, _mm256_and_ps,
    _mm256_and_si256, _mm256_cmp_ps, _mm256_cmpgt_epi32, _mm256_cvtepi32_ps, _mm256_cvttps_epi32,
    _mm256_i32gather_epi32, _mm256_loadu_ps, _mm256_loadu_si256, _mm256_mask_i32gather_epi32,
    _mm256_movemask_epi8, _mm256_movemask_ps, _mm256_mul_ps, _mm256_mullo_epi32, _mm256_set1_epi32,
    _mm256_set1_ps, _mm256_setzero_ps, _mm256_setzero_si256, _mm256_srli_epi32, _mm256_storeu_ps,
    _mm256_sub_ps,
};

/// Whether this CPU can sample eight at a time.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The RGB image `raw` (`w`×`h`) at the eight points `(x[i], y[i])` (pixel centres at whole
/// numbers), bilinear, each channel then times `scale` plus `offset`: channel by channel, eight
/// lanes each. `None` when a point has a neighbour outside the image (the caller samples those
/// one by one, with the border), or lies in the image's last pixel pair, where reading four bytes
/// for three would run past its end.
///
/// # Safety
/// The CPU must have AVX2 ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn eight(
    raw: &[u8],
    (w, h): (u32, u32),
    x: &[f32; 8],
    y: &[f32; 8],
    (scale, offset): (f32, f32),
) -> Option<[[f32; 8]; 3]> {
    // Places are i32 byte offsets; the last neighbour's fourth byte must stay inside `raw`: no
    // place beyond `raw.len() - 7`.
    let limit = i32::try_from(raw.len().checked_sub(7)?).ok()?;
    let (wi, hi) = (i32::try_from(w).ok()?, i32::try_from(h).ok()?);
    // SAFETY: `x` and `y` hold eight f32 each.
    let (x, y) = unsafe { (_mm256_loadu_ps(x.as_ptr()), _mm256_loadu_ps(y.as_ptr())) };
    // Inside as the scalar path tests it: floor(x) >= 0 and floor(x) + 1 < w, i.e.
    // 0 <= x < w - 1 (and a NaN is outside). Below 2^24 the limits are exact in f32.
    let zero = _mm256_setzero_ps();
    let inside = _mm256_and_ps(
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GE_OQ>(x, zero),
            _mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps((wi - 1) as f32)),
        ),
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GE_OQ>(y, zero),
            _mm256_cmp_ps::<_CMP_LT_OQ>(y, _mm256_set1_ps((hi - 1) as f32)),
        ),
    );
    if _mm256_movemask_ps(inside) != 0xFF {
        return None;
    }
    // Non-negative: truncating is rounding down, as the scalar `floor` does.
    let (x0, y0) = (_mm256_cvttps_epi32(x), _mm256_cvttps_epi32(y));
    let fx = _mm256_sub_ps(x, _mm256_cvtepi32_ps(x0));
    let fy = _mm256_sub_ps(y, _mm256_cvtepi32_ps(y0));
    let three = _mm256_set1_epi32(3);
    let at = _mm256_mullo_epi32(
        _mm256_add_epi32(_mm256_mullo_epi32(y0, _mm256_set1_epi32(wi)), x0),
        three,
    );
    let below = _mm256_add_epi32(at, _mm256_set1_epi32(wi * 3));
    if _mm256_movemask_epi8(_mm256_cmpgt_epi32(below, _mm256_set1_epi32(limit))) != 0 {
        return None;
    }
    // Each lane: four bytes from a pixel's first (its R, G, B and the next one's R), for the
    // left and right neighbours of the row above and below.
    let base = raw.as_ptr().cast::<i32>();
    // SAFETY: every lane's offsets are at most `below + 3`, and `below + 3 + 4 <= limit + 7 =
    // raw.len()` (checked above); the gathers read unaligned, byte-addressed (scale 1).
    let (t0, t1, b0, b1) = unsafe {
        (
            _mm256_i32gather_epi32::<1>(base, at),
            _mm256_i32gather_epi32::<1>(base, _mm256_add_epi32(at, three)),
            _mm256_i32gather_epi32::<1>(base, below),
            _mm256_i32gather_epi32::<1>(base, _mm256_add_epi32(below, three)),
        )
    };
    let one = _mm256_set1_ps(1.0);
    let (gx, gy) = (_mm256_sub_ps(one, fx), _mm256_sub_ps(one, fy));
    let weights = [
        _mm256_mul_ps(gx, gy),
        _mm256_mul_ps(fx, gy),
        _mm256_mul_ps(gx, fy),
        _mm256_mul_ps(fx, fy),
    ];
    Some(mixed([t0, t1, b0, b1], weights, scale, offset))
}

/// One axis of an upright region, eight samples of it: each sample's two neighbours' byte places
/// along the axis (-1: black, past the edge with `Border::Zero`) and their weights.
#[derive(Debug, Clone, Copy)]
pub struct Axis8 {
    /// The first and second neighbours' places.
    pub at: [[i32; 8]; 2],
    /// The first and second neighbours' weights.
    pub weights: [[f32; 8]; 2],
}

/// Eight samples of an upright region's row from its tables: the row's two neighbour rows'
/// byte places (`row`, -1 for black) and weights, the eight columns' (`columns`); each channel
/// times `scale` plus `offset`. The sum is the scalar table path's: `[wx0·wy0, wx1·wy0, wx0·wy1,
/// wx1·wy1]` over the four neighbours in that order, a black one adding `w · 0`. `None` when a
/// neighbour is the image's last pixel, where reading four bytes for three would run past its
/// end.
///
/// # Safety
/// The CPU must have AVX2 ([`available`]), and every place that is not -1 must be a pixel's
/// first byte in `raw`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn eight_upright(
    raw: &[u8],
    row: ([i32; 2], [f32; 2]),
    columns: &Axis8,
    (scale, offset): (f32, f32),
) -> Option<[[f32; 8]; 3]> {
    let limit = i32::try_from(raw.len().checked_sub(4)?).ok()?;
    // SAFETY: each array holds eight i32 or f32.
    let (c0, c1, wx0, wx1) = unsafe {
        (
            _mm256_loadu_si256(columns.at[0].as_ptr().cast()),
            _mm256_loadu_si256(columns.at[1].as_ptr().cast()),
            _mm256_loadu_ps(columns.weights[0].as_ptr()),
            _mm256_loadu_ps(columns.weights[1].as_ptr()),
        )
    };
    let none = _mm256_set1_epi32(-1);
    // The four neighbours' places (0 where black) and which are to be read.
    let place = |r: i32, c: __m256i| -> (__m256i, __m256i) {
        let r = _mm256_set1_epi32(r);
        let valid = _mm256_and_si256(_mm256_cmpgt_epi32(r, none), _mm256_cmpgt_epi32(c, none));
        (_mm256_and_si256(_mm256_add_epi32(r, c), valid), valid)
    };
    let places = [
        place(row.0[0], c0),
        place(row.0[0], c1),
        place(row.0[1], c0),
        place(row.0[1], c1),
    ];
    for (at, valid) in places {
        let past = _mm256_and_si256(_mm256_cmpgt_epi32(at, _mm256_set1_epi32(limit)), valid);
        if _mm256_movemask_epi8(past) != 0 {
            return None;
        }
    }
    let base = raw.as_ptr().cast::<i32>();
    // SAFETY: every place read is a pixel's first byte (the caller's promise) and at most
    // `raw.len() - 4` (checked above), so its four bytes are inside `raw`; black lanes are not
    // read (masked) and come out 0.
    let pixels = places.map(|(at, valid)| unsafe {
        _mm256_mask_i32gather_epi32::<1>(_mm256_setzero_si256(), base, at, valid)
    });
    let [wy0, wy1] = row.1.map(|v| _mm256_set1_ps(v));
    let weights = [
        _mm256_mul_ps(wx0, wy0),
        _mm256_mul_ps(wx1, wy0),
        _mm256_mul_ps(wx0, wy1),
        _mm256_mul_ps(wx1, wy1),
    ];
    Some(mixed(pixels, weights, scale, offset))
}

/// Each channel of the four neighbours' pixels (four bytes each, the channel's first) weighed
/// and summed in order, then times `scale` plus `offset`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn mixed(pixels: [__m256i; 4], weights: [__m256; 4], scale: f32, offset: f32) -> [[f32; 8]; 3] {
    let (scale, offset) = (_mm256_set1_ps(scale), _mm256_set1_ps(offset));
    let byte = _mm256_set1_epi32(0xFF);
    let channel = |v: __m256i, k: usize| -> __m256 {
        let shifted = match k {
            0 => v,
            1 => _mm256_srli_epi32::<8>(v),
            _ => _mm256_srli_epi32::<16>(v),
        };
        _mm256_cvtepi32_ps(_mm256_and_si256(shifted, byte))
    };
    let mut out = [[0.0f32; 8]; 3];
    for (k, lane) in out.iter_mut().enumerate() {
        let term = |i: usize| _mm256_mul_ps(weights[i], channel(pixels[i], k));
        let sum = _mm256_add_ps(
            _mm256_add_ps(_mm256_add_ps(term(0), term(1)), term(2)),
            term(3),
        );
        let v = _mm256_add_ps(_mm256_mul_ps(sum, scale), offset);
        // SAFETY: `lane` holds eight f32.
        unsafe { _mm256_storeu_ps(lane.as_mut_ptr(), v) };
    }
    out
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use crate::vision::mesh::roi::{Border, bilinear};

    #[test]
    fn eight_at_once_are_the_scalar_samples_to_the_bit() {
        if !available() {
            eprintln!("no AVX2 here: the scalar path alone runs");
            return;
        }
        let mut rng = fastrand::Rng::with_seed(12);
        let (w, h) = (37u32, 23u32);
        let raw: Vec<u8> = (0..w * h * 3).map(|_| rng.u8(..)).collect();
        let (scale, offset) = (2.0 / 255.0, -1.0);
        let (mut taken, mut refused) = (0, 0);
        for round in 0..4000 {
            // Mostly inside, some just past each edge, in the last pixel pair, or not a number.
            let point = |rng: &mut fastrand::Rng, len: u32| match rng.u8(..20) {
                0 => -rng.f32(),
                1 => (len - 1) as f32 + rng.f32(),
                2 => (len - 2) as f32 + rng.f32(),
                3 if round % 7 == 0 => f32::NAN,
                _ => rng.f32() * (len - 1) as f32,
            };
            let x: [f32; 8] = std::array::from_fn(|_| point(&mut rng, w));
            let y: [f32; 8] = std::array::from_fn(|_| point(&mut rng, h));
            // SAFETY: the CPU has AVX2 (checked above).
            let got = unsafe { eight(&raw, (w, h), &x, &y, (scale, offset)) };
            let inside = |l: usize| {
                (0.0..(w - 1) as f32).contains(&x[l]) && (0.0..(h - 1) as f32).contains(&y[l])
            };
            let last = |l: usize| x[l] >= (w - 2) as f32 && y[l] >= (h - 2) as f32;
            match got {
                Some(channels) => {
                    taken += 1;
                    for l in 0..8 {
                        assert!(inside(l) && !last(l), "({}, {}) taken", x[l], y[l]);
                        let want = bilinear(&raw, w.into(), h.into(), x[l], y[l], Border::Zero);
                        for k in 0..3 {
                            let want = want[k] * scale + offset;
                            assert_eq!(channels[k][l].to_bits(), want.to_bits(), "lane {l}");
                        }
                    }
                }
                None => {
                    refused += 1;
                    assert!((0..8).any(|l| !inside(l) || last(l)), "{x:?} {y:?} refused");
                }
            }
        }
        // Both ways were really tried.
        assert!(
            taken > 100 && refused > 100,
            "{taken} taken, {refused} refused"
        );
    }
}
