//! The one CJK font the booth draws its texts with, on screen, in receipt previews and in
//! PDFs: from the system (Debian's fonts-wqy-microhei or fonts-noto-cjk), never shipped.

use std::path::{Path, PathBuf};

/// Where Debian puts the CJK fonts the setup installs, best first. Each is a TrueType
/// collection; face 0 is the proportional one.
pub const CJK_FONTS: [&str; 4] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// No CJK font was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no Chinese font found (looked for {tried}); install fonts-wqy-microhei or fonts-noto-cjk")]
pub struct NoFont {
    tried: String,
}

/// A font file, read, with the face to use inside it.
#[derive(Debug, Clone)]
pub struct FontFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The whole file (a `.ttc` holds several faces).
    pub bytes: Vec<u8>,
    /// The face inside the collection.
    pub index: u32,
}

impl FontFile {
    /// The first CJK font of [`CJK_FONTS`] that exists.
    pub fn system() -> Result<FontFile, NoFont> {
        FontFile::first_of(&CJK_FONTS)
    }

    /// The first of `candidates` that can be read.
    pub fn first_of(candidates: &[&str]) -> Result<FontFile, NoFont> {
        candidates
            .iter()
            .map(Path::new)
            .find_map(|p| {
                std::fs::read(p).ok().map(|bytes| FontFile {
                    path: p.to_path_buf(),
                    bytes,
                    index: 0,
                })
            })
            .ok_or_else(|| NoFont {
                tried: candidates.join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_font_is_a_clear_error() {
        let err = FontFile::first_of(&["/nonexistent/a.ttc"]).expect_err("missing");
        let text = err.to_string();
        assert!(text.contains("/nonexistent/a.ttc") && text.contains("fonts-wqy-microhei"));
    }

    #[test]
    fn the_system_font_is_the_first_there() {
        let font = FontFile::system().expect("a CJK font (.ci/setup installs one)");
        assert_eq!(
            Some(font.path.to_str().expect("utf-8")),
            CJK_FONTS.iter().copied().find(|p| Path::new(p).is_file())
        );
        assert!(!font.bytes.is_empty());
    }
}
