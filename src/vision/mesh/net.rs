//! MediaPipe's four models, embedded at build time (`build.rs` checks them against the SHA-256
//! sums pinned in `assets/models/SHA256SUMS`), loaded once per process with tract.

use std::io::Cursor;
use std::sync::{Arc, OnceLock};

use tract_tflite::prelude::*;

/// BlazeFace short range: faces and six keypoints (eyes, nose tip, mouth, ear tragions).
pub const FACE_DETECTION: &[u8] = include_bytes!(env!("IDBOOTH_FACE_DETECTION_MODEL"));
/// The 468-point face mesh.
pub const FACE_LANDMARK: &[u8] = include_bytes!(env!("IDBOOTH_FACE_LANDMARK_MODEL"));
/// The iris and eye contour of one (image-left) eye.
pub const IRIS_LANDMARK: &[u8] = include_bytes!(env!("IDBOOTH_IRIS_LANDMARK_MODEL"));
/// The person mask (selfie segmentation, 256×256).
pub const SELFIE_SEGMENTATION: &[u8] = include_bytes!(env!("IDBOOTH_SELFIE_SEGMENTATION_MODEL"));

type Plan = Arc<TypedRunnableModel>;

/// The four models, ready to run.
pub struct Nets {
    /// BlazeFace short range.
    pub detect: Plan,
    /// The face mesh.
    pub mesh: Plan,
    /// The iris.
    pub iris: Plan,
    /// The person mask.
    pub segment: Plan,
}

impl std::fmt::Debug for Nets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nets")
    }
}

/// An embedded model that tract could not load or run.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The model did not load.
    #[error("vision: the embedded {model} model cannot be loaded: {detail}")]
    Load {
        /// Which model.
        model: &'static str,
        /// tract's words.
        detail: String,
    },
    /// The model did not run on an input.
    #[error("vision: the {model} model failed: {detail}")]
    Run {
        /// Which model.
        model: &'static str,
        /// tract's words.
        detail: String,
    },
}

fn load(model: &'static str, bytes: &[u8]) -> Result<Plan, NetError> {
    tract_tflite::tflite()
        .model_for_read(&mut Cursor::new(bytes))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .map_err(|e| NetError::Load {
            model,
            detail: format!("{e:#}"),
        })
}

static NETS: OnceLock<Result<Nets, NetError>> = OnceLock::new();

/// The models, loaded on first use (about 0.3 s) and shared by every thread.
pub fn nets() -> Result<&'static Nets, NetError> {
    NETS.get_or_init(|| {
        Ok(Nets {
            detect: load("face detection", FACE_DETECTION)?,
            mesh: load("face landmark", FACE_LANDMARK)?,
            iris: load("iris landmark", IRIS_LANDMARK)?,
            segment: load("selfie segmentation", SELFIE_SEGMENTATION)?,
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Runs `plan` on one NHWC float input of `side`×`side`×3; returns every output, flattened.
pub fn run(
    plan: &Plan,
    model: &'static str,
    side: usize,
    input: Vec<f32>,
) -> Result<Vec<Vec<f32>>, NetError> {
    let err = |e: TractError| NetError::Run {
        model,
        detail: format!("{e:#}"),
    };
    let tensor = tract_ndarray::Array4::from_shape_vec((1, side, side, 3), input)
        .map_err(|e| err(e.into()))?
        .into_tensor();
    let outputs = plan.run(tvec!(tensor.into())).map_err(err)?;
    outputs
        .iter()
        .map(|o| {
            let view = o.to_plain_array_view::<f32>().map_err(err)?;
            Ok(view.iter().copied().collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth pattern every model can take, the same as the Python script that asked Google's
    /// interpreter (ai-edge-litert 2.3.0) gave it: `lo + (hi - lo) * (0.5 + 0.5 sin(0.37 x +
    /// 0.23 y + 1.1 c + 0.002 x y))`, computed in f64.
    fn pattern(n: usize, (lo, hi): (f64, f64)) -> Vec<f32> {
        let mut v = Vec::with_capacity(n * n * 3);
        for y in 0..n {
            for x in 0..n {
                for c in 0..3 {
                    let (xf, yf, cf) = (x as f64, y as f64, c as f64);
                    let s = 0.5 + 0.5 * (0.37 * xf + 0.23 * yf + 1.1 * cf + 0.002 * xf * yf).sin();
                    v.push((lo + (hi - lo) * s) as f32);
                }
            }
        }
        v
    }

    /// What Google's interpreter answered for one output: its length, sum, sum of magnitudes
    /// and a few values by index.
    struct Expected {
        len: usize,
        sum: f64,
        abs_sum: f64,
        at: &'static [(usize, f64)],
    }

    fn agrees(model: &str, got: &[f32], want: &Expected) {
        assert_eq!(got.len(), want.len, "{model}");
        let sum: f64 = got.iter().map(|&v| f64::from(v)).sum();
        let abs_sum: f64 = got.iter().map(|&v| f64::from(v).abs()).sum();
        let tol = 1e-4 * want.abs_sum.max(1.0);
        assert!(
            (sum - want.sum).abs() < tol,
            "{model}: sum {sum} vs {}",
            want.sum
        );
        assert!(
            (abs_sum - want.abs_sum).abs() < tol,
            "{model}: |sum| {abs_sum} vs {}",
            want.abs_sum
        );
        for &(i, v) in want.at {
            let g = f64::from(got[i]);
            assert!(
                (g - v).abs() < 2e-3 + 1e-4 * v.abs(),
                "{model}[{i}]: {g} vs Google's {v}"
            );
        }
    }

    #[test]
    fn the_models_agree_with_googles_interpreter() {
        let nets = nets().expect("embedded models load");
        // A model, its name, input side, input range and what Google's interpreter answered.
        type Case<'a> = (
            &'a Plan,
            &'static str,
            usize,
            (f64, f64),
            [Option<Expected>; 2],
        );
        let cases: [Case<'_>; 4] = [
            (
                &nets.detect,
                "face detection",
                128,
                (-1.0, 1.0),
                [
                    Some(Expected {
                        len: 14336,
                        sum: 56965.370842660195,
                        abs_sum: 192622.247904793,
                        at: &[
                            (0, 0.2747000455856323),
                            (4778, -4.832614898681641),
                            (7168, 1.924047589302063),
                            (14335, -9.825716972351074),
                        ],
                    }),
                    Some(Expected {
                        len: 896,
                        sum: -4466.39945101738,
                        abs_sum: 4466.39945101738,
                        at: &[(0, -4.159985065460205), (895, -33.432579040527344)],
                    }),
                ],
            ),
            (
                &nets.mesh,
                "face landmark",
                192,
                (0.0, 1.0),
                [
                    Some(Expected {
                        len: 1404,
                        sum: 90859.39260446094,
                        abs_sum: 96220.26540633105,
                        at: &[
                            (0, 104.03766632080078),
                            (468, 47.876495361328125),
                            (702, 35.01119613647461),
                            (1403, 16.92078399658203),
                        ],
                    }),
                    Some(Expected {
                        len: 1,
                        sum: -5.056423187255859,
                        abs_sum: 5.056423187255859,
                        at: &[(0, -5.056423187255859)],
                    }),
                ],
            ),
            (
                &nets.iris,
                "iris landmark",
                64,
                (0.0, 1.0),
                [
                    Some(Expected {
                        len: 213,
                        sum: 4800.034488108009,
                        abs_sum: 4982.447363231331,
                        at: &[
                            (0, 24.457582473754883),
                            (71, -1.4190020561218262),
                            (106, 46.62959671020508),
                            (212, -5.681454181671143),
                        ],
                    }),
                    Some(Expected {
                        len: 15,
                        sum: 291.30991411209106,
                        abs_sum: 352.96104764938354,
                        at: &[
                            (0, 31.67799186706543),
                            (5, -6.1866230964660645),
                            (7, 29.106586456298828),
                        ],
                    }),
                ],
            ),
            (
                &nets.segment,
                "selfie segmentation",
                256,
                (0.0, 1.0),
                [
                    Some(Expected {
                        len: 65536,
                        sum: 304.71279131815146,
                        abs_sum: 304.71279131815146,
                        at: &[(32768, 0.247539222240448), (65535, 0.0)],
                    }),
                    None,
                ],
            ),
        ];
        for (plan, model, side, range, expected) in cases {
            let outputs = run(plan, model, side, pattern(side, range)).expect("runs");
            for (k, want) in expected.iter().enumerate() {
                if let Some(want) = want {
                    agrees(model, &outputs[k], want);
                }
            }
        }
    }
}
