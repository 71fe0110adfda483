//! The receipt as the printer would print it, drawn by our own ESC/POS renderer from the very
//! bytes sent: the oldest receipt waiting in the printer's queue, or else the test receipt with
//! this printer's paper width, profile and layout.

use egui::{ColorImage, RichText, TextureHandle, TextureOptions, Ui};

use super::Context;
use crate::i18n::font::FontFile;
use crate::receipt::escpos::Profile;
use crate::receipt::render::{Glyphs, draw};
use crate::ui::theme::theme;

/// The preview page: drawn once when opened.
#[derive(Default)]
pub struct Preview {
    shown: Option<Result<(TextureHandle, bool), String>>,
}

impl Preview {
    fn load(ctx: &Context<'_>) -> Result<(TextureHandle, bool), String> {
        let profile = Profile::from_config(&ctx.config.kiosk.printer);
        let (job, queued) = match ctx.printer.oldest_queued() {
            Some(job) => (job, true),
            None => (
                super::actions::test_receipt(&ctx.config.kiosk.kiosk.id)
                    .with_layout(&ctx.config.receipts)
                    .escpos(profile),
                false,
            ),
        };
        let ops = crate::receipt::decode::decode(&job).map_err(|e| e.to_string())?;
        let font = FontFile::system().map_err(|e| e.to_string())?;
        let glyphs = Glyphs::new(&font).map_err(|e| e.to_string())?;
        let gray = draw(&ops, profile.dots, &glyphs);
        let image = ColorImage::from_gray(
            [gray.width() as usize, gray.height() as usize],
            gray.as_raw(),
        );
        let texture = ctx
            .egui
            .load_texture("receipt-preview", image, TextureOptions::NEAREST);
        Ok((texture, queued))
    }

    /// Draws the page.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &Context<'_>) {
        let lang = ctx.lang;
        let shown = self.shown.get_or_insert_with(|| Preview::load(ctx));
        match shown {
            Ok((texture, queued)) => {
                let [w, h] = texture.size();
                let what = if *queued {
                    lang.t("maintenance.preview.oldest_receipt_waiting")
                } else {
                    lang.t("maintenance.preview.test_receipt")
                };
                ui.label(
                    RichText::new(format!("{what}: {w} × {h} dots")).size(theme().text.detail),
                );
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.image((texture.id(), texture.size_vec2()));
                });
            }
            Err(error) => {
                ui.label(RichText::new(format!("✘ {error}")).size(theme().text.detail));
            }
        }
    }
}
