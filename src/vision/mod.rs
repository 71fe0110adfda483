//! Face detection and per-frame assessment.
//!
//! Owns the rustface model, embedded at build time from the `rustface` crate (see `build.rs`),
//! so the binary runs from any folder with no model file beside it. Knows nothing of cameras or
//! the UI.

mod model;

pub use model::{MODEL_BYTES, ModelError, load_detector};
