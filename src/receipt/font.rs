//! The CJK font that receipt previews and PDFs are drawn with, from the system (Debian's
//! fonts-wqy-microhei or fonts-noto-cjk); never shipped with the booth.

use std::path::{Path, PathBuf};

/// Where Debian puts the CJK fonts the setup installs, best first. Each is a TrueType
/// collection; face 0 is the proportional one.
pub const CJK_FONTS: [&str; 4] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

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
    pub fn system() -> Result<FontFile, super::RenderError> {
        FontFile::first_of(&CJK_FONTS)
    }

    /// The first of `candidates` that can be read.
    pub fn first_of(candidates: &[&str]) -> Result<FontFile, super::RenderError> {
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
            .ok_or_else(|| super::RenderError::NoFont(candidates.join(", ")))
    }
}
