//! `[photo_printer]` of `kiosk.toml` (optional): the colour printer for the application form's
//! photo, a CUPS queue or an IPP printer.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::media::{Paper, media_size};
use super::target::Target;

/// The IPP media keyword of 4×6 in (101.6×152.4 mm) photo paper, the sheet's size.
pub const DEFAULT_MEDIA: &str = "na_index-4x6_4x6in";

/// Hours a held sheet is kept by default: three days, for the applicant to come back or the
/// operator to reprint it once the paper is in.
pub const DEFAULT_HELD_HOURS: u32 = 72;

/// The most hours a held sheet may be kept: 90 days, as `kiosk.retention_hours`.
pub const MAX_HELD_HOURS: u32 = 24 * 90;

/// `[photo_printer]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoPrinterConfig {
    /// A CUPS queue on this machine (`idbooth-photo`), or a printer's or another cupsd's
    /// `ipp://host[:port]/path` (`ipps://` for TLS).
    pub printer: String,
    /// The PWG media name of the loaded paper, its size in it [default: 6×4 in,
    /// `na_index-4x6_4x6in`]. The sheet is laid out for 6×4 in.
    #[serde(default = "default_media")]
    pub media: String,
    /// The tray to print from (IPP `media-source`, such as `photo`) [default: the printer's].
    #[serde(default)]
    pub media_source: Option<String>,
    /// The paper type (IPP `media-type`, such as `photographic-glossy`) [default: the
    /// printer's].
    #[serde(default)]
    pub media_type: Option<String>,
    /// Photos on the sheet per document id, over `printed_photos` of `documents.toml` (0: that
    /// document prints none here).
    #[serde(default)]
    pub copies: BTreeMap<String, u32>,
    /// Hours a sheet the printer did not take (out of paper, stopped) waits for a reprint before
    /// it is deleted: it holds an applicant's photo [default: 72; 1 to 2160].
    #[serde(default = "default_held_hours")]
    pub held_hours: u32,
}

fn default_held_hours() -> u32 {
    DEFAULT_HELD_HOURS
}

fn default_media() -> String {
    DEFAULT_MEDIA.to_owned()
}

impl PhotoPrinterConfig {
    /// Where the sheets go, or why `printer` names nothing.
    pub fn target(&self) -> Result<Target, String> {
        Target::parse(&self.printer)
    }

    /// The paper the booth asks the printer for.
    pub fn paper(&self) -> Paper {
        Paper {
            media: self.media.clone(),
            source: self.media_source.clone(),
            kind: self.media_type.clone(),
        }
    }

    /// How long a held sheet is kept.
    pub fn held_for(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.held_hours) * 3600)
    }

    /// Checks what needs no other file: the printer's address, the media name, tray and paper
    /// type, and how long a held sheet is kept. The
    /// document ids of `copies` are checked against `documents.toml` by `ops::config`.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        self.target().map_err(|why| ("printer", why))?;
        let keyword = |k: &str| {
            !k.is_empty()
                && k.len() <= 255
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
        };
        if !keyword(&self.media) || media_size(&self.media).is_none() {
            return Err((
                "media",
                format!(
                    "{:?} is not a PWG media name with its size (such as {DEFAULT_MEDIA})",
                    self.media
                ),
            ));
        }
        for (key, value, example) in [
            ("media_source", &self.media_source, "photo"),
            ("media_type", &self.media_type, "photographic-glossy"),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !keyword(v)) {
                return Err((
                    key,
                    format!("{value:?} is not an IPP keyword (such as {example})"),
                ));
            }
        }
        if !(1..=MAX_HELD_HOURS).contains(&self.held_hours) {
            return Err((
                "held_hours",
                format!(
                    "{} is out of range; expected 1 to {MAX_HELD_HOURS} (hours a held sheet, an \
                     applicant's photo, is kept)",
                    self.held_hours
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> PhotoPrinterConfig {
        toml::from_str(text).expect("[photo_printer]")
    }

    #[test]
    fn held_sheets_are_kept_three_days_unless_told_and_never_unbounded() {
        let shipped = config("printer = \"idbooth-photo\"");
        assert_eq!(shipped.held_hours, DEFAULT_HELD_HOURS);
        assert_eq!(shipped.held_for().as_secs(), 72 * 3600);
        assert_eq!(shipped.check(), Ok(()));
        assert_eq!(
            config("printer = \"idbooth-photo\"\nheld_hours = 2160").check(),
            Ok(())
        );
        for wrong in [0, MAX_HELD_HOURS + 1] {
            let checked = config(&format!(
                "printer = \"idbooth-photo\"\nheld_hours = {wrong}"
            ))
            .check();
            let Err((key, why)) = checked else {
                panic!("held_hours = {wrong} passed");
            };
            assert_eq!(key, "held_hours");
            assert!(
                why.contains(&wrong.to_string()) && why.contains("1 to 2160"),
                "{why}"
            );
        }
    }

    #[test]
    fn the_paper_is_checked_by_key() {
        let shipped = config("printer = \"idbooth-photo\"");
        assert_eq!(shipped.paper(), Paper::default());
        let photo = config(
            "printer = \"idbooth-photo\"\nmedia_source = \"photo\"\nmedia_type = \"photographic-glossy\"",
        );
        assert_eq!(photo.check(), Ok(()));
        assert_eq!(photo.paper().source.as_deref(), Some("photo"));
        assert_eq!(photo.paper().kind.as_deref(), Some("photographic-glossy"));
        for (line, key) in [
            ("media = \"4x6 inch\"", "media"),
            // A keyword, but no size in it: media-col could not say the size.
            ("media = \"photo-4x6\"", "media"),
            ("media_source = \"Photo Tray\"", "media_source"),
            ("media_type = \"\"", "media_type"),
        ] {
            let checked = config(&format!("printer = \"idbooth-photo\"\n{line}")).check();
            assert!(
                matches!(&checked, Err((k, _)) if *k == key),
                "{line}: {checked:?}"
            );
        }
    }
}
