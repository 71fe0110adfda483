//! Frame sources: the USB camera through nokhwa on its own thread, with a frame-age watchdog and
//! reopen-with-backoff; and the replay source (a booth scene made from a real portrait, scripted
//! motion and faults) for the demo and tests. Knows nothing of the UI.

mod config;
mod devices;
mod replay;
mod scene;
mod source;
mod usb;
mod worker;

pub use config::{CameraConfig, CameraFormat};
pub use devices::{Device, video_devices, video_devices_in};
pub use replay::{Faults, Motion, ReplaySource};
pub use scene::{Placement, Subject, plain_backdrop};
pub use source::{CameraError, FrameSource};
pub use usb::{UsbSource, device_index, yuyv_to_rgb};
pub use worker::{
    Camera, CameraState, CameraStatus, Frame, ListDevices, MakeForDevice, MakeSource, NotSwitchable,
};
