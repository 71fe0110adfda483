//! Operators that MediaPipe's face and selfie models need and upstream tract-tflite 0.23.9
//! refused at load time. Added for idbooth (see `../../README.md` in this vendored crate).
//!
//! - `DEQUANTIZE` of float16 weights: a cast to the output's type (folded at load time).
//! - `PRELU`: `max(x, 0) + alpha * min(x, 0)`, alpha broadcast to the input's shape.
//! - MediaPipe's custom `Convolution2DTransposeBias`: tract's deconvolution (OHWI kernel,
//!   bias), its 12-byte options read as TfLiteTransposeConvParams {padding, stride_w, stride_h}.

use tract_core::internal::*;
use tract_core::ops as core;
use tract_core::ops::cast::{cast, wire_cast};
use tract_core::ops::change_axes::wire_with_rank_broadcast;
use tract_core::ops::cnn::{Deconv, KernelFormat, PaddingSpec, PoolSpec};
use tract_core::ops::nn::DataFormat;

use crate::registry::{DeserOp, Registry};
use crate::tflite::BuiltinOperator;

pub fn register_all(reg: &mut Registry) {
    reg.reg_to_tract(BuiltinOperator::DEQUANTIZE, de_dequantize);
    reg.reg_to_tract(BuiltinOperator::PRELU, de_prelu);
    reg.reg_to_tract(BuiltinOperator::CUSTOM, de_custom);
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
    let pos =
        wire_with_rank_broadcast(format!("{p}.pos"), op.ctx.target, core::math::max(), &[input, zero])?;
    let neg =
        wire_with_rank_broadcast(format!("{p}.neg"), op.ctx.target, core::math::min(), &[input, zero])?;
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
    ensure!(bytes.len() >= 12, "Convolution2DTransposeBias options are {} bytes, not 12", bytes.len());
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
    ensure!(kernel_shape.len() == 4, "Convolution2DTransposeBias: kernel of rank {}", kernel_shape.len());
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
