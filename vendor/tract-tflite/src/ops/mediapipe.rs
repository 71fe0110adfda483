//! Operators that MediaPipe's face and selfie models need and upstream tract-tflite 0.23.9
//! refused at load time. Added for idbooth (see `../../README.md` in this vendored crate).
//!
//! - `DEQUANTIZE` of float16 weights: a cast to the output's type (folded at load time).
//! - `PRELU`: `max(x, 0) + alpha * min(x, 0)`, alpha broadcast to the input's shape.
//! - MediaPipe's custom `Convolution2DTransposeBias`: tract's deconvolution (OHWI kernel,
//!   bias), its 12-byte options read as TfLiteTransposeConvParams {padding, stride_w, stride_h}.
//!
//! And four faster ones where tract is slow on these models, each falling back on upstream's
//! mapping where it does not apply: [`NhwcDepthwise`] for `DEPTHWISE_CONV_2D`, [`NhwcConv`]
//! for a `CONV_2D` on a few channels (the picture's), [`PerChannel`] for a per-channel `PRELU` or
//! `MUL`.

use tract_core::internal::*;
use tract_core::ops as core;
use tract_core::ops::cast::{cast, wire_cast};
use tract_core::ops::change_axes::wire_with_rank_broadcast;
use tract_core::ops::cnn::{Deconv, KernelFormat, PaddingSpec, PoolSpec};
use tract_core::ops::nn::DataFormat;

use crate::registry::{DeserOp, Registry};
use crate::tflite::{BuiltinOperator, Padding};

pub fn register_all(reg: &mut Registry) {
    reg.reg_to_tract(BuiltinOperator::DEQUANTIZE, de_dequantize);
    reg.reg_to_tract(BuiltinOperator::PRELU, de_prelu);
    reg.reg_to_tract(BuiltinOperator::CUSTOM, de_custom);
    reg.reg_to_tract(BuiltinOperator::DEPTHWISE_CONV_2D, de_depthwise);
    reg.reg_to_tract(BuiltinOperator::CONV_2D, de_conv);
    reg.reg_to_tract(BuiltinOperator::MUL, de_mul);
}

fn de_dequantize(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let dt = op.output_facts[0].datum_type;
    op.ctx.target.wire_node(op.prefix, cast(dt), &op.inputs[0..1])
}

fn de_prelu(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let input = op.inputs[0];
    let fact = op.ctx.target.outlet_fact(input)?.clone();
    let dt = fact.datum_type;
    let p = op.prefix;
    let mut alpha = wire_cast(format!("{p}.alpha"), op.ctx.target, &op.inputs[1..2], dt)?[0];
    if per_channel(&fact, op.ctx.target.outlet_fact(alpha)?) {
        return op.ctx.target.wire_node(p, PerChannel::Prelu, &[input, alpha]);
    }
    // A constant alpha is spread to the input's full shape, so the multiply is a plain
    // same-shape element-wise product.
    if let (Some(konst), Some(shape)) =
        (op.ctx.target.outlet_fact(alpha)?.konst.clone(), fact.shape.as_concrete())
    {
        let mut k = konst.into_tensor();
        while k.rank() < shape.len() {
            k.insert_axis(0)?;
        }
        let full = k.broadcast_to_shape(shape)?;
        alpha = op.ctx.target.add_const(format!("{p}.alpha.full"), full.into_arc_tensor())?;
    }
    let zero = op.ctx.target.add_const(format!("{p}.zero"), tensor0(0f32))?;
    let zero = wire_cast(format!("{p}.zero"), op.ctx.target, &[zero], dt)?[0];
    let pos = wire_with_rank_broadcast(
        format!("{p}.pos"),
        op.ctx.target,
        core::math::max(),
        &[input, zero],
    )?;
    let neg = wire_with_rank_broadcast(
        format!("{p}.neg"),
        op.ctx.target,
        core::math::min(),
        &[input, zero],
    )?;
    let scaled = wire_with_rank_broadcast(
        format!("{p}.scaled"),
        op.ctx.target,
        core::math::mul(),
        &[neg[0], alpha],
    )?;
    wire_with_rank_broadcast(p, op.ctx.target, core::math::add(), &[pos[0], scaled[0]])
}

fn de_custom(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let opcode_index = op.flat.opcode_index();
    let code = op.ctx.model.operator_codes().context("no operator codes")?.get(opcode_index as _);
    match code.custom_code() {
        Some("Convolution2DTransposeBias") => de_transpose_conv_bias(op),
        other => bail!("Unsupported custom operator {other:?}"),
    }
}

/// MediaPipe's `Convolution2DTransposeBias` (mediapipe/util/tflite/operations/
/// transpose_conv_bias.cc): a transposed convolution with bias; inputs are the data (NHWC),
/// the kernel (OHWI) and the bias (O); the options are three little-endian i32: padding
/// (1 = SAME, 2 = VALID), stride width, stride height.
fn de_transpose_conv_bias(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let options = op.flat.custom_options().context("Convolution2DTransposeBias without options")?;
    let bytes = options.bytes();
    ensure!(
        bytes.len() >= 12,
        "Convolution2DTransposeBias options are {} bytes, not 12",
        bytes.len()
    );
    let word = |i: usize| i32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let (padding, stride_w, stride_h) = (word(0), word(4), word(8));
    let padding = match padding {
        1 => PaddingSpec::SameUpper,
        2 => PaddingSpec::Valid,
        other => bail!("Convolution2DTransposeBias: unknown padding {other}"),
    };
    ensure!(stride_w > 0 && stride_h > 0, "Convolution2DTransposeBias: bad strides");
    let (_input, kernel, _bias) = args_3!(op.facts()?);
    let kernel_shape = kernel.shape.as_concrete().context("Expect concrete kernel shape")?.to_vec();
    ensure!(
        kernel_shape.len() == 4,
        "Convolution2DTransposeBias: kernel of rank {}",
        kernel_shape.len()
    );
    let fmt = KernelFormat::OHWI;
    let strides = [stride_h as usize, stride_w as usize];
    let spatial = fmt.spatial_shape(&kernel_shape).to_vec();
    // TFLite pads SAME by max(kernel - stride, 0): none at all when the kernel is the stride
    // (the selfie model's 2x2 / 2 upsampling), which tract spells VALID.
    let padding = if padding == PaddingSpec::SameUpper && spatial == strides {
        PaddingSpec::Valid
    } else {
        padding
    };
    let pool_spec = PoolSpec {
        data_format: DataFormat::NHWC,
        kernel_shape: spatial.into(),
        padding,
        strides: Some(tvec!(strides[0], strides[1])),
        dilations: None,
        input_channels: *fmt.i(&kernel_shape),
        output_channels: *fmt.o(&kernel_shape),
    };
    let deconv = Deconv { pool_spec, kernel_format: fmt, adjustments: tvec!(0, 0), group: 1 };
    op.ctx.target.wire_node(op.prefix, deconv, op.inputs)
}

/// One f32 value per channel (the last axis) applied to data in a single pass, where tract
/// would spend several: a `PRELU` whose alpha is per channel, as in every MediaPipe model
/// (upstream's mapping is four element-wise nodes and an alpha spread to the input's whole
/// shape), and a `MUL` by one factor per channel (the selfie model's squeeze-and-excitation
/// blocks, which tract's broadcasting product walks through ndarray's dynamic-rank iterator).
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum PerChannel {
    /// `x` where `x >= 0`, `alpha[c] * x` below.
    Prelu,
    /// `x * factor[c]`.
    Mul,
}

impl Op for PerChannel {
    fn name(&self) -> StaticName {
        match self {
            PerChannel::Prelu => "ChannelPrelu".into(),
            PerChannel::Mul => "ChannelMul".into(),
        }
    }
    op_as_typed_op!();
}

impl EvalOp for PerChannel {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (input, per_channel) = args_2!(inputs);
        let mut data = input.into_tensor();
        let channel = per_channel.try_as_plain_ram()?.as_slice::<f32>()?;
        let mut view = data.try_as_plain_ram_mut()?;
        let values = view.as_slice_mut::<f32>()?;
        ensure!(
            !channel.is_empty() && values.len() % channel.len() == 0,
            "{}: {} values per channel for {} values",
            self.name(),
            channel.len(),
            values.len()
        );
        match self {
            #[cfg(target_arch = "x86_64")]
            PerChannel::Prelu if std::is_x86_feature_detected!("avx2") => {
                // SAFETY: the processor was just seen to have the feature.
                unsafe { prelu_avx2(values, channel) }
            }
            PerChannel::Prelu => prelu(values, channel),
            PerChannel::Mul => {
                for pixel in values.chunks_exact_mut(channel.len()) {
                    for (x, f) in pixel.iter_mut().zip(channel) {
                        *x *= f;
                    }
                }
            }
        }
        Ok(tvec!(data.into_tvalue()))
    }
}

impl TypedOp for PerChannel {
    as_op!();

    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        Ok(tvec!(inputs[0].without_value()))
    }
}

/// `x` where `x >= 0`, `alpha[c] * x` below, `alpha` repeating over the channels.
#[inline(always)]
fn prelu(values: &mut [f32], alpha: &[f32]) {
    for pixel in values.chunks_exact_mut(alpha.len()) {
        // A select with an unconditional store: it vectorizes where the processor can blend.
        for (x, a) in pixel.iter_mut().zip(alpha) {
            *x = if *x < 0.0 { *x * a } else { *x };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn prelu_avx2(values: &mut [f32], alpha: &[f32]) {
    prelu(values, alpha)
}

/// `MUL`: [`PerChannel::Mul`] for data times one f32 factor per channel, either way round, upstream's
/// broadcasting product otherwise.
fn de_mul(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let facts = op.facts()?;
    let (a, b) = (&facts[0], &facts[1]);
    let bigger = |x: &TypedFact, y: &TypedFact| {
        x.konst.is_none() && x.shape.rank() >= 2 && x.shape.volume() != y.shape.volume()
    };
    let order = if per_channel(a, b) && bigger(a, b) {
        Some([op.inputs[0], op.inputs[1]])
    } else if per_channel(b, a) && bigger(b, a) {
        Some([op.inputs[1], op.inputs[0]])
    } else {
        None
    };
    let Some(order) = order else { return super::math::deser_mul(op) };
    let options = builtin!(op, builtin_options_as_mul_options);
    let wires = op.ctx.target.wire_node(op.prefix, PerChannel::Mul, &order)?;
    super::wire_fused_activation(op, &wires, &options.fused_activation_function())
}

/// Whether `alpha` (of `shape`) holds exactly one value per channel of an f32 `input`.
fn per_channel(input: &TypedFact, alpha: &TypedFact) -> bool {
    let (Some(shape), Some(alpha_shape)) = (input.shape.as_concrete(), alpha.shape.as_concrete())
    else {
        return false;
    };
    let Some(&channels) = shape.last() else { return false };
    input.datum_type == f32::datum_type()
        && alpha.datum_type == f32::datum_type()
        && alpha_shape.iter().product::<usize>() == channels
        && alpha_shape.last() == Some(&channels)
}

/// `DEPTHWISE_CONV_2D` on f32 NHWC data with one output channel per input channel (every
/// MediaPipe model's case): the taps outside, the channels inside, each pixel's channels one
/// contiguous run, so the inner loop is a vector multiply-add (AVX2 and FMA picked at run time
/// where the processor has them). tract's own depthwise has no x86 kernel and runs this loop with
/// SSE2 only: on the face mesh it was the largest single cost.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct NhwcDepthwise {
    window: Window,
}

/// Where a 2-D kernel goes over NHWC data, as TFLite places it.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct Window {
    /// Kernel height and width.
    kernel: (usize, usize),
    /// Vertical and horizontal stride.
    stride: (usize, usize),
    /// Rows and columns of padding before the data (TFLite's SAME puts the odd one after).
    pad: (usize, usize),
    /// Output height and width.
    output: (usize, usize),
}

impl Window {
    /// The window over `input` `[N, H, W, C]` of a `kh`×`kw` kernel, `stride`, SAME or VALID
    /// padding.
    fn new(
        input: &[usize],
        kh: usize,
        kw: usize,
        stride: (usize, usize),
        same: bool,
    ) -> Option<Self> {
        let (h, w) = (input[1], input[2]);
        let (sh, sw) = stride;
        if sh == 0 || sw == 0 || kh == 0 || kw == 0 || h == 0 || w == 0 {
            return None;
        }
        let (output, pad) = if same {
            let (oh, ow) = (h.div_ceil(sh), w.div_ceil(sw));
            let total =
                |o: usize, s: usize, k: usize, i: usize| ((o - 1) * s + k).saturating_sub(i);
            ((oh, ow), (total(oh, sh, kh, h) / 2, total(ow, sw, kw, w) / 2))
        } else {
            if h < kh || w < kw {
                return None;
            }
            (((h - kh) / sh + 1, (w - kw) / sw + 1), (0, 0))
        };
        Some(Window { kernel: (kh, kw), stride, pad, output })
    }

    /// Of the taps `0..k`, those whose position `start + tap` is inside `0..n`.
    fn inside(start: isize, k: usize, n: usize) -> std::ops::Range<usize> {
        let lo = (-start).clamp(0, k as isize) as usize;
        let hi = (n as isize - start).clamp(0, k as isize) as usize;
        lo..hi.max(lo)
    }

    /// The output columns whose taps all fall inside the data's `w` columns.
    fn interior(&self, w: usize) -> std::ops::Range<usize> {
        let (kw, sw, pw) = (self.kernel.1, self.stride.1, self.pad.1);
        let first = pw.div_ceil(sw);
        let end = if w + pw >= kw { ((w + pw - kw) / sw + 1).min(self.output.1) } else { 0 };
        first..end.max(first)
    }

    /// Goes over one `h`×`w` image's output pixels in order, calling `each(pixel, count, taps,
    /// at)` for `count` (1 or 2) pixels side by side from output pixel `pixel` on: `taps` lists
    /// each tap inside the data, in the order ky, kx, as (its input pixel's place, less `at`; its
    /// place in the kernel), places counted in `units` (per input pixel, per tap). The second of
    /// two pixels (both in the interior, every tap inside) has the same taps from `at` plus
    /// `stride.1 * units.0`. So every tap's place plus `at` is inside the image.
    #[inline]
    fn walk(
        &self,
        (h, w): (usize, usize),
        units: (usize, usize),
        mut each: impl FnMut(usize, usize, &[(usize, usize)], usize),
    ) {
        let (kh, kw) = self.kernel;
        let (oh, ow) = self.output;
        let (sw, pw) = (self.stride.1, self.pad.1);
        let interior = self.interior(w);
        let mut taps: Vec<(usize, usize)> = Vec::with_capacity(kh * kw);
        let mut row_taps: Vec<(usize, usize)> = Vec::with_capacity(kh * kw);
        for oy in 0..oh {
            let top = (oy * self.stride.0) as isize - self.pad.0 as isize;
            let rows = Window::inside(top, kh, h);
            // The interior's taps, from the row's first column: a pixel's are these from its own.
            row_taps.clear();
            for ky in rows.clone() {
                let iy = (top + ky as isize) as usize;
                for kx in 0..kw {
                    row_taps.push(((iy * w + kx) * units.0, (ky * kw + kx) * units.1));
                }
            }
            let mut ox = 0;
            while ox < ow {
                let left = (ox * sw) as isize - pw as isize;
                if interior.contains(&ox) {
                    let count = if interior.contains(&(ox + 1)) { 2 } else { 1 };
                    each(oy * ow + ox, count, &row_taps, left as usize * units.0);
                    ox += count;
                    continue;
                }
                taps.clear();
                for ky in rows.clone() {
                    let iy = (top + ky as isize) as usize;
                    for kx in Window::inside(left, kw, w) {
                        let ix = (left + kx as isize) as usize;
                        taps.push(((iy * w + ix) * units.0, (ky * kw + kx) * units.1));
                    }
                }
                each(oy * ow + ox, 1, &taps, 0);
                ox += 1;
            }
        }
    }
}

impl NhwcDepthwise {
    /// The op for `input` `[N, H, W, C]`, a `kh`×`kw` kernel, `stride`, SAME or VALID padding.
    fn new(
        input: &[usize],
        kh: usize,
        kw: usize,
        stride: (usize, usize),
        same: bool,
    ) -> Option<Self> {
        Window::new(input, kh, kw, stride, same).map(|window| NhwcDepthwise { window })
    }

    /// Writes every output pixel: the bias, then each tap inside the data.
    #[inline(always)]
    fn convolve<const FMA: bool>(
        &self,
        input: &[f32],
        (h, w, c): (usize, usize, usize),
        kernel: &[f32],
        bias: &[f32],
        out: &mut [f32],
    ) {
        let (kh, kw) = self.window.kernel;
        let (oh, ow) = self.window.output;
        let image = h * w * c;
        let out_image = oh * ow * c;
        for (input, out) in input.chunks_exact(image).zip(out.chunks_exact_mut(out_image)) {
            for oy in 0..oh {
                let top = (oy * self.window.stride.0) as isize - self.window.pad.0 as isize;
                for ox in 0..ow {
                    let left = (ox * self.window.stride.1) as isize - self.window.pad.1 as isize;
                    let o = &mut out[(oy * ow + ox) * c..][..c];
                    o.copy_from_slice(bias);
                    for ky in 0..kh {
                        let iy = top + ky as isize;
                        if iy < 0 || iy >= h as isize {
                            continue;
                        }
                        for kx in 0..kw {
                            let ix = left + kx as isize;
                            if ix < 0 || ix >= w as isize {
                                continue;
                            }
                            let x = &input[(iy as usize * w + ix as usize) * c..][..c];
                            let k = &kernel[(ky * kw + kx) * c..][..c];
                            for ((o, x), k) in o.iter_mut().zip(x).zip(k) {
                                *o = if FMA { x.mul_add(*k, *o) } else { *o + x * k };
                            }
                        }
                    }
                }
            }
        }
    }

    /// [`Self::convolve`] with AVX2 and FMA: each output pixel's channels are summed in registers,
    /// eight to a vector and up to 32 at once, over the taps inside the data, and stored once;
    /// in the interior (every tap inside) the taps are worked out once per row and two pixels
    /// side by side are summed together. Every lane does what `convolve::<true>` does to its
    /// channel (the bias, then one fused multiply-add per tap, in the same order): the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn convolve_avx2(
        &self,
        input: &[f32],
        (h, w, c): (usize, usize, usize),
        kernel: &[f32],
        bias: &[f32],
        out: &mut [f32],
    ) {
        let (kh, kw) = self.window.kernel;
        let (oh, ow) = self.window.output;
        let image = h * w * c;
        let out_image = oh * ow * c;
        assert!(kernel.len() == kh * kw * c && bias.len() == c, "NhwcDepthwise: kernel or bias");
        let step = self.window.stride.1 * c;
        for (input, out) in input.chunks_exact(image).zip(out.chunks_exact_mut(out_image)) {
            self.window.walk((h, w), (c, c), |pixel, count, taps, at| {
                let o = &mut out[pixel * c..];
                // SAFETY: every tap's pixel is inside the image and its kernel row inside the
                // kernel (`walk`), whose length was asserted, as is the bias's; `o` holds the
                // `count` pixels.
                unsafe {
                    if count == 2 {
                        pixels::<2>(input, kernel, bias, taps, at, step, o)
                    } else {
                        pixels::<1>(input, kernel, bias, taps, at, step, o)
                    }
                }
            });
        }
    }
}

/// `P` output pixels of [`NhwcDepthwise`], side by side in `out`, all channels (those of `bias`):
/// each pixel's channels start `step` after the previous one's in `input`, and each of `taps`
/// (where its pixel's channels start in `input`, less `at`, and its kernel row's) is at the same
/// place from each pixel's. Eight channels to a vector, up to 32 at once, the rest one by one.
///
/// # Safety
/// The processor has AVX2 and FMA; `out` holds `P` pixels of `bias.len()` channels; each tap's
/// `at + (P - 1) * step + x + bias.len()` is inside `input` and `k + bias.len()` inside `kernel`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn pixels<const P: usize>(
    input: &[f32],
    kernel: &[f32],
    bias: &[f32],
    taps: &[(usize, usize)],
    at: usize,
    step: usize,
    out: &mut [f32],
) {
    let c = bias.len();
    let mut ch = 0;
    while ch + 32 <= c {
        sum_taps::<4, P>(input, kernel, bias, taps, (at, step), ch, out);
        ch += 32;
    }
    if ch + 16 <= c {
        sum_taps::<2, P>(input, kernel, bias, taps, (at, step), ch, out);
        ch += 16;
    }
    if ch + 8 <= c {
        sum_taps::<1, P>(input, kernel, bias, taps, (at, step), ch, out);
        ch += 8;
    }
    for p in 0..P {
        for ch in ch..c {
            let mut sum = bias[ch];
            for &(x, k) in taps {
                sum = input[at + p * step + x + ch].mul_add(kernel[k + ch], sum);
            }
            out[p * c + ch] = sum;
        }
    }
}

/// Channels `ch..ch + 8 * B` of `P` output pixels of [`NhwcDepthwise`] (see [`pixels`]): the
/// bias, then a fused multiply-add for each tap in turn, in `B * P` registers; stored once.
///
/// # Safety
/// As [`pixels`], with `ch + 8 * B` at most `bias.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn sum_taps<const B: usize, const P: usize>(
    input: &[f32],
    kernel: &[f32],
    bias: &[f32],
    taps: &[(usize, usize)],
    (at, step): (usize, usize),
    ch: usize,
    out: &mut [f32],
) {
    use std::arch::x86_64::{__m256, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_storeu_ps};
    let c = bias.len();
    let (input, kernel) = (input.as_ptr().add(at + ch), kernel.as_ptr().add(ch));
    let bias: [__m256; B] = std::array::from_fn(|b| _mm256_loadu_ps(bias.as_ptr().add(ch + 8 * b)));
    let mut sum: [[__m256; B]; P] = [bias; P];
    for &(x, k) in taps {
        for b in 0..B {
            let weight = _mm256_loadu_ps(kernel.add(k + 8 * b));
            for (p, sum) in sum.iter_mut().enumerate() {
                let x = _mm256_loadu_ps(input.add(p * step + x + 8 * b));
                sum[b] = _mm256_fmadd_ps(x, weight, sum[b]);
            }
        }
    }
    for (p, sum) in sum.iter().enumerate() {
        for (b, sum) in sum.iter().enumerate() {
            _mm256_storeu_ps(out.as_mut_ptr().add(p * c + ch + 8 * b), *sum);
        }
    }
}

impl Op for NhwcDepthwise {
    fn name(&self) -> StaticName {
        "NhwcDepthwise".into()
    }
    op_as_typed_op!();
}

impl EvalOp for NhwcDepthwise {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (input, kernel, bias) = args_3!(inputs);
        let shape = input.shape().to_vec();
        ensure!(shape.len() == 4, "NhwcDepthwise: input of rank {}", shape.len());
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3]);
        let data = input.try_as_plain_ram()?.as_slice::<f32>()?;
        let kernel = kernel.cast_to::<f32>()?;
        let kernel = kernel.try_as_plain_ram()?.as_slice::<f32>()?;
        let bias = bias.cast_to::<f32>()?;
        let bias = bias.try_as_plain_ram()?.as_slice::<f32>()?;
        ensure!(
            kernel.len() == self.window.kernel.0 * self.window.kernel.1 * c && bias.len() == c,
            "NhwcDepthwise: kernel of {} and bias of {} for {c} channels",
            kernel.len(),
            bias.len()
        );
        let mut output = Tensor::zero::<f32>(&[n, self.window.output.0, self.window.output.1, c])?;
        let mut view = output.try_as_plain_ram_mut()?;
        let out = view.as_slice_mut::<f32>()?;
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the processor was just seen to have both features.
            unsafe { self.convolve_avx2(data, (h, w, c), kernel, bias, out) };
            return Ok(tvec!(output.into_tvalue()));
        }
        self.convolve::<false>(data, (h, w, c), kernel, bias, out);
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for NhwcDepthwise {
    as_op!();

    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let n = inputs[0].shape[0].clone();
        let c = inputs[0].shape[3].clone();
        let shape = tvec!(n, self.window.output.0.into(), self.window.output.1.into(), c);
        Ok(tvec!(f32::fact(shape)))
    }
}

/// `DEPTHWISE_CONV_2D`: [`NhwcDepthwise`] where it applies (f32, concrete NHWC shape, no dilation,
/// a multiplier of one), upstream's mapping onto tract's convolution otherwise.
fn de_depthwise(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let (input, kernel, bias) = args_3!(op.facts()?);
    let options = builtin!(op, builtin_options_as_depthwise_conv_2_doptions);
    let (Some(shape), Some(kshape)) = (input.shape.as_concrete(), kernel.shape.as_concrete())
    else {
        return super::cnn::de_dw_conv2d(op);
    };
    let same = match options.padding() {
        Padding::SAME => true,
        Padding::VALID => false,
        _ => return super::cnn::de_dw_conv2d(op),
    };
    let plain = input.datum_type == f32::datum_type()
        && kernel.datum_type == f32::datum_type()
        && bias.datum_type == f32::datum_type()
        && shape.len() == 4
        && kshape.len() == 4
        && kshape[0] == 1
        && kshape[3] == shape[3]
        && options.depth_multiplier() == 1
        && options.dilation_h_factor() == 1
        && options.dilation_w_factor() == 1;
    let stride = (options.stride_h().max(0) as usize, options.stride_w().max(0) as usize);
    match NhwcDepthwise::new(shape, kshape[1], kshape[2], stride, same).filter(|_| plain) {
        Some(dw) => {
            let wires = op.ctx.target.wire_node(op.prefix, dw, &op.inputs[0..3])?;
            super::wire_fused_activation(op, &wires, &options.fused_activation_function())
        }
        None => super::cnn::de_dw_conv2d(op),
    }
}

/// `CONV_2D` on f32 NHWC data of a few channels (the first layer of every model, on the
/// picture's three colours): each output pixel's channels summed directly, in registers where the
/// processor has AVX2 and FMA. tract's own convolution copies the picture into a padded one and
/// feeds its matrix product through a lazy im2col, which for three input channels costs several
/// times the products themselves.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct NhwcConv {
    window: Window,
}

/// Input channels up to which [`NhwcConv`] is used (RGB, RGBA).
const FEW_CHANNELS: usize = 4;

impl NhwcConv {
    /// An OHWI kernel `[co, kh, kw, ci]` laid out `[kh, kw, ci, co]`: the output channels of
    /// each tap and input channel side by side.
    fn weights(kernel: &[f32], (co, kh, kw, ci): (usize, usize, usize, usize)) -> Vec<f32> {
        let mut weights = vec![0.0; kernel.len()];
        for o in 0..co {
            for t in 0..kh * kw {
                for i in 0..ci {
                    weights[(t * ci + i) * co + o] = kernel[(o * kh * kw + t) * ci + i];
                }
            }
        }
        weights
    }

    /// Writes every output pixel: the bias, then for each tap inside the data and each input
    /// channel, in that order, one multiply-add per output channel.
    #[inline(always)]
    fn convolve<const FMA: bool>(
        &self,
        input: &[f32],
        (h, w, ci): (usize, usize, usize),
        weights: &[f32],
        bias: &[f32],
        out: &mut [f32],
    ) {
        let (kh, kw) = self.window.kernel;
        let (oh, ow) = self.window.output;
        let co = bias.len();
        for (input, out) in input.chunks_exact(h * w * ci).zip(out.chunks_exact_mut(oh * ow * co)) {
            for oy in 0..oh {
                let top = (oy * self.window.stride.0) as isize - self.window.pad.0 as isize;
                for ox in 0..ow {
                    let left = (ox * self.window.stride.1) as isize - self.window.pad.1 as isize;
                    let o = &mut out[(oy * ow + ox) * co..][..co];
                    o.copy_from_slice(bias);
                    for ky in Window::inside(top, kh, h) {
                        let iy = (top + ky as isize) as usize;
                        for kx in Window::inside(left, kw, w) {
                            let ix = (left + kx as isize) as usize;
                            for i in 0..ci {
                                let x = input[(iy * w + ix) * ci + i];
                                let k = &weights[((ky * kw + kx) * ci + i) * co..][..co];
                                for (o, k) in o.iter_mut().zip(k) {
                                    *o = if FMA { x.mul_add(*k, *o) } else { *o + x * k };
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// [`Self::convolve`] with AVX2 and FMA: each output pixel's channels summed in registers,
    /// eight to a vector, two pixels side by side in the interior, stored once; every lane does
    /// what `convolve::<true>` does to its channel, in the same order: the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn convolve_avx2(
        &self,
        input: &[f32],
        (h, w, ci): (usize, usize, usize),
        weights: &[f32],
        bias: &[f32],
        out: &mut [f32],
    ) {
        let (kh, kw) = self.window.kernel;
        let (oh, ow) = self.window.output;
        let co = bias.len();
        assert!(weights.len() == kh * kw * ci * co, "NhwcConv: weights for {co} channels");
        let step = self.window.stride.1 * ci;
        for (input, out) in input.chunks_exact(h * w * ci).zip(out.chunks_exact_mut(oh * ow * co)) {
            self.window.walk((h, w), (ci, ci * co), |pixel, count, taps, at| {
                let o = &mut out[pixel * co..];
                // SAFETY: every tap's pixel is inside the image and its weights inside `weights`
                // (`walk`), whose length was asserted; `o` holds the `count` pixels.
                unsafe {
                    if count == 2 {
                        conv_pixels::<2>(input, weights, bias, taps, (ci, at, step), o)
                    } else {
                        conv_pixels::<1>(input, weights, bias, taps, (ci, at, step), o)
                    }
                }
            });
        }
    }
}

/// `P` output pixels of [`NhwcConv`], side by side in `out`, all output channels (those of
/// `bias`), from `ci` input channels: each pixel's input starts `step` after the previous one's,
/// and each of `taps` (where its pixel starts in `input`, less `at`, and where its weights start)
/// is at the same place from each pixel's.
///
/// # Safety
/// The processor has AVX2 and FMA; `out` holds `P` pixels of `bias.len()` channels; each tap's
/// `at + (P - 1) * step + x + ci` is inside `input` and `k + ci * bias.len()` inside `weights`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn conv_pixels<const P: usize>(
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    taps: &[(usize, usize)],
    (ci, at, step): (usize, usize, usize),
    out: &mut [f32],
) {
    let co = bias.len();
    let mut ch = 0;
    while ch + 16 <= co {
        conv_sum::<2, P>(input, weights, bias, taps, (ci, at, step), ch, out);
        ch += 16;
    }
    if ch + 8 <= co {
        conv_sum::<1, P>(input, weights, bias, taps, (ci, at, step), ch, out);
        ch += 8;
    }
    for p in 0..P {
        for ch in ch..co {
            let mut sum = bias[ch];
            for &(x, k) in taps {
                for i in 0..ci {
                    sum = input[at + p * step + x + i].mul_add(weights[k + i * co + ch], sum);
                }
            }
            out[p * co + ch] = sum;
        }
    }
}

/// Output channels `ch..ch + 8 * B` of `P` pixels of [`NhwcConv`] (see [`conv_pixels`]): the
/// bias, then a fused multiply-add for each tap and input channel in turn, in `B * P` registers;
/// stored once.
///
/// # Safety
/// As [`conv_pixels`], with `ch + 8 * B` at most `bias.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn conv_sum<const B: usize, const P: usize>(
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    taps: &[(usize, usize)],
    (ci, at, step): (usize, usize, usize),
    ch: usize,
    out: &mut [f32],
) {
    use std::arch::x86_64::{
        __m256, _mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_storeu_ps,
    };
    let co = bias.len();
    let (input, weights) = (input.as_ptr().add(at), weights.as_ptr().add(ch));
    let bias: [__m256; B] = std::array::from_fn(|b| _mm256_loadu_ps(bias.as_ptr().add(ch + 8 * b)));
    let mut sum: [[__m256; B]; P] = [bias; P];
    for &(x, k) in taps {
        for i in 0..ci {
            let value: [__m256; P] =
                std::array::from_fn(|p| _mm256_broadcast_ss(&*input.add(p * step + x + i)));
            for b in 0..B {
                let weight = _mm256_loadu_ps(weights.add(k + i * co + 8 * b));
                for (sum, value) in sum.iter_mut().zip(&value) {
                    sum[b] = _mm256_fmadd_ps(*value, weight, sum[b]);
                }
            }
        }
    }
    for (p, sum) in sum.iter().enumerate() {
        for (b, sum) in sum.iter().enumerate() {
            _mm256_storeu_ps(out.as_mut_ptr().add(p * co + ch + 8 * b), *sum);
        }
    }
}

impl Op for NhwcConv {
    fn name(&self) -> StaticName {
        "NhwcConv".into()
    }
    op_as_typed_op!();
}

impl EvalOp for NhwcConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (input, kernel, bias) = args_3!(inputs);
        let shape = input.shape().to_vec();
        let kshape = kernel.shape().to_vec();
        ensure!(shape.len() == 4 && kshape.len() == 4, "NhwcConv: input of rank {}", shape.len());
        let (n, h, w, ci) = (shape[0], shape[1], shape[2], shape[3]);
        let co = kshape[0];
        let data = input.try_as_plain_ram()?.as_slice::<f32>()?;
        let kernel = kernel.cast_to::<f32>()?;
        let kernel = kernel.try_as_plain_ram()?.as_slice::<f32>()?;
        let bias = bias.cast_to::<f32>()?;
        let bias = bias.try_as_plain_ram()?.as_slice::<f32>()?;
        let (kh, kw) = self.window.kernel;
        ensure!(
            kshape == [co, kh, kw, ci] && kernel.len() == co * kh * kw * ci && bias.len() == co,
            "NhwcConv: kernel {kshape:?} and bias of {} for {ci} input channels",
            bias.len()
        );
        let weights = NhwcConv::weights(kernel, (co, kh, kw, ci));
        let mut output = Tensor::zero::<f32>(&[n, self.window.output.0, self.window.output.1, co])?;
        let mut view = output.try_as_plain_ram_mut()?;
        let out = view.as_slice_mut::<f32>()?;
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the processor was just seen to have both features.
            unsafe { self.convolve_avx2(data, (h, w, ci), &weights, bias, out) };
            return Ok(tvec!(output.into_tvalue()));
        }
        self.convolve::<false>(data, (h, w, ci), &weights, bias, out);
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for NhwcConv {
    as_op!();

    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let n = inputs[0].shape[0].clone();
        let co = inputs[1].shape[0].clone();
        let shape = tvec!(n, self.window.output.0.into(), self.window.output.1.into(), co);
        Ok(tvec!(f32::fact(shape)))
    }
}

/// `CONV_2D`: [`NhwcConv`] where it applies (f32, concrete NHWC shape of at most
/// [`FEW_CHANNELS`] channels, no dilation), upstream's mapping onto tract's convolution otherwise.
fn de_conv(op: &mut DeserOp) -> TractResult<TVec<OutletId>> {
    let (input, kernel, bias) = args_3!(op.facts()?);
    let options = builtin!(op, builtin_options_as_conv_2_doptions);
    let (Some(shape), Some(kshape)) = (input.shape.as_concrete(), kernel.shape.as_concrete())
    else {
        return super::cnn::de_conv2d(op);
    };
    let same = match options.padding() {
        Padding::SAME => true,
        Padding::VALID => false,
        _ => return super::cnn::de_conv2d(op),
    };
    let plain = input.datum_type == f32::datum_type()
        && kernel.datum_type == f32::datum_type()
        && bias.datum_type == f32::datum_type()
        && shape.len() == 4
        && kshape.len() == 4
        && kshape[3] == shape[3]
        && shape[3] <= FEW_CHANNELS
        && options.dilation_h_factor() == 1
        && options.dilation_w_factor() == 1;
    let stride = (options.stride_h().max(0) as usize, options.stride_w().max(0) as usize);
    match Window::new(shape, kshape[1], kshape[2], stride, same).filter(|_| plain) {
        Some(window) => {
            let wires =
                op.ctx.target.wire_node(op.prefix, NhwcConv { window }, &op.inputs[0..3])?;
            super::wire_fused_activation(op, &wires, &options.fused_activation_function())
        }
        None => super::cnn::de_conv2d(op),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random values in -1..1 (a linear congruential generator: the same every run).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_vector_depthwise_gives_the_scalar_ones_bits() {
        if !(std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")) {
            eprintln!("no AVX2 and FMA here: the vector depthwise is not used");
            return;
        }
        let mut seed = 1;
        let mut checked = 0;
        // Channels that fill 32, 16 and 8 lanes and leave some over; kernels and strides of the
        // models and some that are not; SAME and VALID; two images in a batch.
        for (h, w, c) in [(7, 5, 3), (9, 9, 8), (12, 10, 16), (11, 13, 28), (6, 6, 36), (5, 7, 128)]
        {
            for (kh, kw) in [(3, 3), (5, 5), (1, 1), (2, 3)] {
                for stride in [(1, 1), (2, 2), (1, 2)] {
                    for same in [true, false] {
                        let Some(dw) = NhwcDepthwise::new(&[2, h, w, c], kh, kw, stride, same)
                        else {
                            continue;
                        };
                        seed += 1;
                        let input = values(2 * h * w * c, seed);
                        let kernel = values(kh * kw * c, seed + 1000);
                        let bias = values(c, seed + 2000);
                        let (oh, ow) = dw.window.output;
                        let mut scalar = vec![f32::NAN; 2 * oh * ow * c];
                        let mut vector = vec![f32::NAN; 2 * oh * ow * c];
                        dw.convolve::<true>(&input, (h, w, c), &kernel, &bias, &mut scalar);
                        // SAFETY: the processor was just seen to have both features.
                        unsafe { dw.convolve_avx2(&input, (h, w, c), &kernel, &bias, &mut vector) };
                        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(&scalar),
                            bits(&vector),
                            "{h}×{w}×{c}, kernel {kh}×{kw}, stride {stride:?}, same {same}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked} cases");
    }

    /// The convolution straight from TFLite's definition: output channel `o` of a pixel is the
    /// bias plus, for each tap inside the data and each input channel, input times the OHWI
    /// kernel's weight, in that order.
    fn conv_by_definition(
        window: &Window,
        input: &[f32],
        (n, h, w, ci): (usize, usize, usize, usize),
        kernel: &[f32],
        bias: &[f32],
    ) -> Vec<f32> {
        let (kh, kw) = window.kernel;
        let (oh, ow) = window.output;
        let co = bias.len();
        let mut out = Vec::new();
        for image in 0..n {
            for oy in 0..oh {
                for ox in 0..ow {
                    for o in 0..co {
                        let mut sum = bias[o];
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let iy =
                                    (oy * window.stride.0 + ky) as isize - window.pad.0 as isize;
                                let ix =
                                    (ox * window.stride.1 + kx) as isize - window.pad.1 as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                    continue;
                                }
                                for i in 0..ci {
                                    let x = input
                                        [((image * h + iy as usize) * w + ix as usize) * ci + i];
                                    sum =
                                        x.mul_add(kernel[((o * kh + ky) * kw + kx) * ci + i], sum);
                                }
                            }
                        }
                        out.push(sum);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn the_few_channels_convolution_is_tflites_to_the_bit_on_both_paths() {
        let vector = cfg!(target_arch = "x86_64")
            && std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma");
        let mut seed = 7;
        let mut checked = 0;
        // Up to four input channels; output channels that fill 16 and 8 lanes and leave some
        // over; the models' kernels and strides and others; SAME and VALID; two images a batch.
        for (h, w, ci) in [(7, 5, 3), (9, 9, 1), (12, 10, 3), (11, 13, 4), (6, 6, 2)] {
            for co in [16, 24, 8, 5, 13, 32] {
                for (kh, kw) in [(3, 3), (5, 5), (1, 1), (2, 3)] {
                    for stride in [(1, 1), (2, 2), (1, 2)] {
                        for same in [true, false] {
                            let Some(window) = Window::new(&[2, h, w, ci], kh, kw, stride, same)
                            else {
                                continue;
                            };
                            let conv = NhwcConv { window };
                            seed += 1;
                            let input = values(2 * h * w * ci, seed);
                            let kernel = values(co * kh * kw * ci, seed + 1000);
                            let bias = values(co, seed + 2000);
                            let (oh, ow) = window.output;
                            let case = format!(
                                "{h}×{w}×{ci} to {co}, kernel {kh}×{kw}, stride {stride:?}, same {same}"
                            );
                            let bits =
                                |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                            let expected = bits(&conv_by_definition(
                                &window,
                                &input,
                                (2, h, w, ci),
                                &kernel,
                                &bias,
                            ));
                            let weights = NhwcConv::weights(&kernel, (co, kh, kw, ci));
                            let mut scalar = vec![f32::NAN; 2 * oh * ow * co];
                            conv.convolve::<true>(&input, (h, w, ci), &weights, &bias, &mut scalar);
                            assert_eq!(bits(&scalar), expected, "scalar: {case}");
                            #[cfg(target_arch = "x86_64")]
                            if vector {
                                let mut out = vec![f32::NAN; 2 * oh * ow * co];
                                // SAFETY: the processor was just seen to have both features.
                                unsafe {
                                    conv.convolve_avx2(
                                        &input,
                                        (h, w, ci),
                                        &weights,
                                        &bias,
                                        &mut out,
                                    )
                                };
                                assert_eq!(bits(&out), expected, "vector: {case}");
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "{checked} cases");
        if !vector {
            eprintln!("no AVX2 and FMA here: only the scalar convolution was checked");
        }
    }
}
