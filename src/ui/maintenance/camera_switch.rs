//! Switching the camera from the actions page: the devices on the machine (udev names first),
//! the one in use marked. A tap opens that device at once, and the choice outlasts a restart
//! until the operator goes back to the device `kiosk.toml` names.

use egui::{RichText, Ui};

use super::{Context, log};
use crate::camera::Device;
use crate::i18n::Message;
use crate::ops::store::OpsStore;
use crate::ui::theme::theme;

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
        let big = |text: &str| RichText::new(text).size(theme().text.body);
        let Some(current) = ctx.camera.device() else {
            ui.label(big(
                lang.t("maintenance.camera_switch.demo_camera_no_device")
            ));
            return None;
        };
        if ui
            .button(big(lang.t("maintenance.camera_switch.switch_camera")))
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
            ui.label(big(
                lang.t("maintenance.camera_switch.no_camera_found_check")
            ));
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
                    lang.t("maintenance.camera_switch.back_configured")
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
                log(
                    ctx.store,
                    &Message::new("event.camera_switched").with("device", &device),
                );
                Some(format!(
                    "{} {device}",
                    lang.t("maintenance.camera_switch.camera_switched")
                ))
            }
            Err(error) => Some(format!("✘ {error}")),
        }
    }
}
