//! `[photo_printer]` of `kiosk.toml` (optional): the colour printer for the application form's
//! photo, a CUPS queue or an IPP printer.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::target::Target;

/// The IPP media keyword of 6×4 in (152×102 mm) photo paper, the sheet's size.
pub const DEFAULT_MEDIA: &str = "na_index-4x6_4x6in";

/// `[photo_printer]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoPrinterConfig {
    /// A CUPS queue on this machine (`idbooth-photo`), or a printer's or another cupsd's
    /// `ipp://host[:port]/path` (`ipps://` for TLS).
    pub printer: String,
    /// The IPP media keyword of the loaded paper [default: 6×4 in].
    #[serde(default = "default_media")]
    pub media: String,
    /// Photos on the sheet per document id, over `printed_photos` of `documents.toml` (0: that
    /// document prints none here).
    #[serde(default)]
    pub copies: BTreeMap<String, u32>,
}

fn default_media() -> String {
    DEFAULT_MEDIA.to_owned()
}

impl PhotoPrinterConfig {
    /// Where the sheets go, or why `printer` names nothing.
    pub fn target(&self) -> Result<Target, String> {
        Target::parse(&self.printer)
    }

    /// Checks what needs no other file: the printer's address and the media keyword. The
    /// document ids of `copies` are checked against `documents.toml` by `ops::config`.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        self.target().map_err(|why| ("printer", why))?;
        let keyword = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c);
        if self.media.is_empty() || self.media.len() > 255 || !self.media.chars().all(keyword) {
            return Err((
                "media",
                format!(
                    "{:?} is not an IPP media keyword (such as {DEFAULT_MEDIA})",
                    self.media
                ),
            ));
        }
        Ok(())
    }
}
