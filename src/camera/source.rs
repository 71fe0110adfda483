//! A source of frames: the USB camera or the replay. Reads block; the worker thread calls them.

use image::RgbImage;

/// Why a camera gives no frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    /// The device is not there (unplugged, wrong path).
    #[error("camera: {0} is not connected")]
    NotConnected(String),
    /// The device is there but cannot be opened now (busy, permissions).
    #[error("camera: cannot open {device}: {why}")]
    Open {
        /// Device named in the config.
        device: String,
        /// The driver's words.
        why: String,
    },
    /// Reading a frame failed (the device vanished mid-stream, a corrupt frame).
    #[error("camera: read failed: {0}")]
    Read(String),
}

/// Something that yields frames, one at a time, at its own pace. Not `Send`: nokhwa's camera
/// is not, so each source is made on the thread that reads it.
pub trait FrameSource {
    /// Opens the device and starts streaming.
    fn open(&mut self) -> Result<(), CameraError>;
    /// The next frame; blocks until it is there (a v4l read may block forever: the worker's
    /// watchdog handles that).
    fn frame(&mut self) -> Result<RgbImage, CameraError>;
    /// Name and mode, for the operator.
    fn describe(&self) -> String;
}
