//! `[photo_printer]` of `kiosk.toml` (optional): the colour printer for the application form's
//! photo, a CUPS queue or an IPP printer.

use std::collections::BTreeMap;

use serde::Deserialize;

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
    /// The IPP media keyword of the loaded paper [default: 6×4 in].
    #[serde(default = "default_media")]
    pub media: String,
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

    /// How long a held sheet is kept.
    pub fn held_for(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.held_hours) * 3600)
    }

    /// Checks what needs no other file: the printer's address, the media keyword and how long a
    /// held sheet is kept. The
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
}
