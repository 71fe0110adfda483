//! Face detection and per-frame assessment.
//!
//! Owns the rustface model, embedded at build time from the `rustface` crate (see `build.rs`),
//! so the binary runs from any folder with no model file beside it. Knows nothing of cameras or
//! the UI.

mod advice;
mod assess;
mod detect;
mod framing;
mod geometry;
mod measures;
mod model;
mod thresholds;
mod tracker;

pub use advice::{Advice, Guide};
pub use assess::{Assessment, COUNT_WIDTH, Measures, assess_still, measure};
pub use detect::{Face, FaceDetector, MIN_WINDOW, REFINE_STEPS, shrink_gray, with_detector};
pub use framing::{CropPlan, plan_crop};
pub use geometry::Head;
pub use measures::{Background, Balance, Exposure, Rect, background, is_backdrop, luma};
pub use model::{MODEL_BYTES, ModelError, load_detector};
pub use thresholds::Thresholds;
pub use tracker::Tracker;
