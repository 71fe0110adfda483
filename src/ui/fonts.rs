//! A CJK font from the system (Debian's fonts-wqy-microhei or fonts-noto-cjk), added to egui's
//! fonts as the fallback for Chinese text.

use std::path::{Path, PathBuf};

/// Where Debian puts the CJK fonts the setup installs, best first.
pub const CJK_FONTS: [&str; 4] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// No CJK font was found.
#[derive(Debug, thiserror::Error)]
#[error(
    "ui: no Chinese font found (looked for {tried}); install fonts-wqy-microhei or fonts-noto-cjk"
)]
pub struct NoCjkFont {
    tried: String,
}

/// The first CJK font that exists, read.
pub fn find_cjk_font(candidates: &[&str]) -> Result<(PathBuf, Vec<u8>), NoCjkFont> {
    candidates
        .iter()
        .map(Path::new)
        .find_map(|p| std::fs::read(p).ok().map(|bytes| (p.to_path_buf(), bytes)))
        .ok_or_else(|| NoCjkFont {
            tried: candidates.join(", "),
        })
}

/// egui's fonts with `cjk` appended as the fallback of both families.
pub fn definitions(cjk: Vec<u8>) -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "cjk".into(),
        std::sync::Arc::new(egui::FontData::from_owned(cjk)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push("cjk".into());
    }
    fonts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_font_is_a_clear_error() {
        let err = find_cjk_font(&["/nonexistent/a.ttc"]).expect_err("missing");
        assert!(err.to_string().contains("fonts-wqy-microhei"));
    }
}
