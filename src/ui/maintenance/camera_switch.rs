//! Switching the camera from the actions page: the devices on the machine (udev names first),
//! the one in use marked. A tap opens that device at once, and the choice outlasts a restart
//! until the operator goes back to the device `kiosk.toml` names.

use egui::{RichText, Ui};

use super::{Context, log};
use crate::camera::Device;
use crate::ops::store::OpsStore;
use crate::ui::text::tr;

/// The setting that holds the operator's choice (empty: as configured).
pub const SETTING: &str = "camera_device";

/// The list, open or closed.
#[derive(Debug, Default)]
pub struct CameraSwitch {
    devices: Option<Vec<Device>>,
}

/// The device the operator chose, if they did.
pub fn chosen(store: &OpsStore) -> Option<String> {
    store
        .setting(SETTING)
        .ok()
        .flatten()
        .filter(|d| !d.trim().is_empty())
}

impl CameraSwitch {
    /// Draws the switch; returns a message for the operator when something was done.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &Context<'_>) -> Option<String> {
        let lang = ctx.lang;
        let big = |text: &str| RichText::new(text).size(26.0);
        let Some(current) = ctx.camera.device() else {
            ui.label(big(tr(
                lang,
                "演示摄像头：没有可切换的设备",
                "Demo camera: no device to switch to",
            )));
            return None;
        };
        if ui
            .button(big(tr(lang, "切换摄像头", "Switch camera")))
            .clicked()
        {
            self.devices = match self.devices {
                Some(_) => None,
                None => Some(ctx.camera.available()),
            };
        }
        let devices = self.devices.as_ref()?;
        let configured = &ctx.config.kiosk.camera.device;
        let mut pick = None;
        if devices.is_empty() {
            ui.label(big(tr(
                lang,
                "没有找到摄像头：检查 USB 连接",
                "No camera found: check the USB cable",
            )));
        }
        for device in devices {
            let text = match &device.name {
                Some(name) => format!("{}  ({name})", device.path),
                None => device.path.clone(),
            };
            if ui
                .selectable_label(device.path == current, big(&text))
                .clicked()
            {
                pick = Some(device.path.clone());
            }
        }
        if current != *configured
            && ui
                .button(big(&format!(
                    "{} {configured}",
                    tr(lang, "恢复配置的设备", "Back to the configured")
                )))
                .clicked()
        {
            pick = Some(configured.clone());
        }
        let device = pick.filter(|d| *d != current)?;
        self.devices = None;
        let remembered = if device == *configured {
            String::new()
        } else {
            device.clone()
        };
        if let Err(error) = ctx.store.set_setting(SETTING, &remembered) {
            tracing::warn!(%error, "camera choice not remembered");
        }
        match ctx.camera.switch_to(&device) {
            Ok(()) => {
                log(ctx.store, &format!("camera switched to {device}"));
                Some(format!(
                    "{} {device}",
                    tr(lang, "摄像头已切换到", "Camera switched to")
                ))
            }
            Err(error) => Some(format!("✘ {error}")),
        }
    }
}
