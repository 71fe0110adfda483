//! egui's fonts with the booth's CJK font ([`crate::i18n::font`]) as the fallback for Chinese
//! text.

use crate::i18n::font::FontFile;

/// egui's fonts with `cjk` appended as the fallback of both families.
pub fn definitions(cjk: FontFile) -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    let mut data = egui::FontData::from_owned(cjk.bytes);
    data.index = cjk.index;
    fonts
        .font_data
        .insert("cjk".into(), std::sync::Arc::new(data));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push("cjk".into());
    }
    fonts
}
