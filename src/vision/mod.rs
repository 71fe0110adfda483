//! Face detection and per-frame assessment.
//!
//! Owns the rustface model, embedded at build time from the `rustface` crate (see `build.rs`),
//! so the binary runs from any folder with no model file beside it. Knows nothing of cameras or
//! the UI.

mod assess;
mod detect;
mod geometry;
mod measures;
mod model;
mod thresholds;

pub use assess::{Assessment, COUNT_WIDTH, Measures, assess_still, measure};
pub use detect::{Face, FaceDetector, MIN_WINDOW, shrink_gray};
pub use geometry::Head;
pub use measures::{Background, Balance, Exposure, Rect, background, is_backdrop, luma};
pub use model::{MODEL_BYTES, ModelError, load_detector};
pub use thresholds::Thresholds;
