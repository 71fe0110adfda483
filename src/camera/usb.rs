//! The USB (UVC) camera through nokhwa's v4l backend. MJPEG is decoded here with the `image`
//! crate (zune-jpeg), YUYV converted here: nokhwa's own decoding would pull in a C JPEG library.

use image::RgbImage;
use nokhwa::utils::{
    CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};

use super::source::{CameraError, FrameSource};
use super::{CameraConfig, CameraFormat as Format};

/// A camera opened through nokhwa.
pub struct UsbSource {
    config: CameraConfig,
    camera: Option<nokhwa::Camera>,
}

impl UsbSource {
    /// A source for the configured device; nothing is opened yet.
    pub fn new(config: CameraConfig) -> Self {
        UsbSource {
            config,
            camera: None,
        }
    }
}

/// The device index of `device`: a number, or a path (a udev symlink such as
/// `/dev/idbooth-camera`) that leads to `/dev/videoN`.
pub fn device_index(device: &str) -> Result<u32, CameraError> {
    if let Ok(n) = device.trim().parse::<u32>() {
        return Ok(n);
    }
    let real =
        std::fs::canonicalize(device).map_err(|_| CameraError::NotConnected(device.to_owned()))?;
    real.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("video"))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| CameraError::Open {
            device: device.to_owned(),
            why: format!("{} is not a /dev/videoN device", real.display()),
        })
}

impl FrameSource for UsbSource {
    fn open(&mut self) -> Result<(), CameraError> {
        self.camera = None;
        let index = device_index(&self.config.device)?;
        let format = match self.config.format {
            Format::Mjpeg => FrameFormat::MJPEG,
            Format::Yuyv => FrameFormat::YUYV,
        };
        let wanted = CameraFormat::new(
            Resolution::new(self.config.width, self.config.height),
            format,
            self.config.fps,
        );
        let request = RequestedFormat::with_formats(
            RequestedFormatType::Closest(wanted),
            &[FrameFormat::MJPEG, FrameFormat::YUYV],
        );
        let open_error = |e: nokhwa::NokhwaError| CameraError::Open {
            device: self.config.device.clone(),
            why: e.to_string(),
        };
        let mut camera =
            nokhwa::Camera::new(CameraIndex::Index(index), request).map_err(open_error)?;
        camera.open_stream().map_err(open_error)?;
        self.camera = Some(camera);
        Ok(())
    }

    fn frame(&mut self) -> Result<RgbImage, CameraError> {
        let camera = self
            .camera
            .as_mut()
            .ok_or_else(|| CameraError::Read("stream not open".into()))?;
        let buffer = camera
            .frame()
            .map_err(|e| CameraError::Read(e.to_string()))?;
        let res = buffer.resolution();
        match buffer.source_frame_format() {
            FrameFormat::MJPEG => {
                image::load_from_memory_with_format(buffer.buffer(), image::ImageFormat::Jpeg)
                    .map(|i| i.to_rgb8())
                    .map_err(|e| CameraError::Read(format!("bad MJPEG frame: {e}")))
            }
            FrameFormat::YUYV => yuyv_to_rgb(buffer.buffer(), res.width(), res.height()),
            other => Err(CameraError::Read(format!(
                "unexpected pixel format {other}"
            ))),
        }
    }

    fn describe(&self) -> String {
        let mode = self
            .camera
            .as_ref()
            .map(|c| {
                let f = c.camera_format();
                format!(
                    "{}×{} {} @ {} fps",
                    f.width(),
                    f.height(),
                    f.format(),
                    f.frame_rate()
                )
            })
            .unwrap_or_else(|| "not open".into());
        let name = self
            .camera
            .as_ref()
            .map(|c| c.info().human_name())
            .unwrap_or_default();
        format!("{} {name} ({mode})", self.config.device)
    }
}

/// YUYV 4:2:2 (BT.601, limited range) to RGB.
pub fn yuyv_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, CameraError> {
    let need = width as usize * height as usize * 2;
    if data.len() < need || !width.is_multiple_of(2) {
        return Err(CameraError::Read(format!(
            "short YUYV frame: {} of {need} bytes",
            data.len()
        )));
    }
    let mut out = Vec::with_capacity(need / 2 * 3);
    let px = |y: u8, u: u8, v: u8| {
        let c = 1.164 * (f32::from(y) - 16.0);
        let (d, e) = (f32::from(u) - 128.0, f32::from(v) - 128.0);
        let clamp = |x: f32| x.round().clamp(0.0, 255.0) as u8;
        [
            clamp(c + 1.596 * e),
            clamp(c - 0.392 * d - 0.813 * e),
            clamp(c + 2.017 * d),
        ]
    };
    for q in data[..need].chunks_exact(4) {
        out.extend_from_slice(&px(q[0], q[1], q[3]));
        out.extend_from_slice(&px(q[2], q[1], q[3]));
    }
    RgbImage::from_raw(width, height, out).ok_or_else(|| CameraError::Read("bad YUYV size".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_grey_and_colours() {
        // Two pixels of mid grey, then a red-ish pair.
        let rgb = yuyv_to_rgb(&[126, 128, 126, 128, 81, 90, 81, 240], 2, 2).expect("convert");
        let g = rgb.get_pixel(0, 0).0;
        assert!(g.iter().all(|&c| (c as i32 - 128).abs() <= 2), "{g:?}");
        let r = rgb.get_pixel(0, 1).0;
        assert!(r[0] > 200 && r[1] < 40 && r[2] < 60, "{r:?}");
        assert!(yuyv_to_rgb(&[0; 6], 2, 2).is_err());
    }

    #[test]
    fn device_names() {
        assert_eq!(device_index("2"), Ok(2));
        assert!(matches!(
            device_index("/nonexistent/cam"),
            Err(CameraError::NotConnected(_))
        ));
        assert!(matches!(
            device_index("/dev/null"),
            Err(CameraError::Open { .. })
        ));
    }
}
