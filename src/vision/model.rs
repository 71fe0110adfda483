//! The SeetaFace frontal face model that ships inside the rustface crate.

use std::io::Cursor;

/// The model file, embedded at build time (`build.rs` finds it in the rustface crate).
pub const MODEL_BYTES: &[u8] = include_bytes!(env!("IDBOOTH_RUSTFACE_MODEL"));

/// The embedded model could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// rustface refused the bytes.
    #[error("vision: the embedded face model cannot be read: {0}")]
    Corrupt(String),
}

/// A fresh detector on the embedded model.
pub fn load_detector() -> Result<Box<dyn rustface::Detector>, ModelError> {
    let model = rustface::read_model(Cursor::new(MODEL_BYTES))
        .map_err(|e| ModelError::Corrupt(e.to_string()))?;
    Ok(rustface::create_detector_with_model(model))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_finds_the_solvay_faces() {
        // The Solvay conference photo shipped with rustface: many small faces.
        let path = std::path::Path::new(env!("IDBOOTH_RUSTFACE_DIR")).join("test.png");
        let gray = image::open(&path)
            .expect("test.png from the rustface crate")
            .to_luma8();
        let mut detector = load_detector().expect("model");
        detector.set_min_face_size(20);
        let (w, h) = gray.dimensions();
        let faces = detector.detect(&rustface::ImageData::new(&gray, w, h));
        assert!(faces.len() > 10, "found only {} faces", faces.len());
    }
}
