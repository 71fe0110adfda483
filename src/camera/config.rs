//! `[camera]` of `kiosk.toml`: which camera, at what size and rate.

use serde::Deserialize;

/// Pixel format asked of the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CameraFormat {
    /// Motion JPEG: high resolutions at full rate over USB 2.
    Mjpeg,
    /// Uncompressed YUYV 4:2:2.
    Yuyv,
}

/// `[camera]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraConfig {
    /// Device path (`/dev/idbooth-camera`, a udev symlink) or index (`0`).
    pub device: String,
    /// Frame width asked of the camera.
    pub width: u32,
    /// Frame height asked of the camera.
    pub height: u32,
    /// Frame rate asked of the camera.
    pub fps: u32,
    /// Pixel format.
    pub format: CameraFormat,
    /// A frame older than this means the camera is stuck and gets reopened.
    pub frame_timeout_ms: u64,
}
