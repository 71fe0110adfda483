//! People counted, the head measured, and per-frame assessment.
//!
//! rustface (its model embedded at build time from the `rustface` crate, see `build.rs`) counts
//! the people in view. The head is measured by MediaPipe's face detection, face mesh, iris and
//! person-mask models, run on tract ([`mesh`]), never guessed from a detector box. Knows nothing
//! of cameras or the UI.

mod advice;
mod appearance;
mod assess;
mod cores;
mod detect;
mod framing;
mod head;
mod liveness;
mod measures;
pub mod mesh;
mod model;
mod thresholds;
mod tracker;

pub use advice::{Advice, Guide};
pub use appearance::{Appearance, Skin};
pub use assess::{Assessment, COUNT_WIDTH, Measures, assess_known, assess_still, measure};
pub use cores::in_two;
pub use detect::{Face, FaceDetector, MIN_WINDOW, shrink_gray, with_detector};
pub use framing::{CropPlan, MAX_UPSCALE, plan_crop};
pub use head::{Crown, CrownSource, Head, PERSON_EDGE};
pub use liveness::Liveness;
pub use measures::{Background, Balance, Exposure, Rect, background, is_backdrop, luma};
pub use model::{MODEL_BYTES, ModelError, load_detector};
pub use thresholds::Thresholds;
pub use tracker::Tracker;
