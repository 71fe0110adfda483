//! `idbooth photo print`: a photo sheet straight to the photo printer, for operators and tests.
//! Not queued: the operator sees at once whether the printer took it.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::ops::config::{Config, resolve_dir};
use crate::photoprint::{IppClient, Paper, PhotoPrintError, Target, copies_for, sheet};
use crate::receipt::pdf::{SHEET_MM, sheet_capacity};

/// Prints `copies` of `photo` (a JPEG) at `document`'s print size on `printer`.
pub(super) fn run(
    config_dir: Option<&Path>,
    photo: &Path,
    document: &str,
    printer: Option<&str>,
    copies: Option<u32>,
) -> anyhow::Result<ExitCode> {
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let spec = super::photo::spec(&config, document)?;
    let (jpeg, _) = super::photo::read_image(photo)?;
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        bail!(
            "{}: not a JPEG; the sheet carries the approved JPEG as it is",
            photo.display()
        );
    }
    let configured = config.kiosk.photo_printer.as_ref();
    let Some(printer) = printer.or(configured.map(|c| c.printer.as_str())) else {
        bail!(
            "no photo printer: give --printer QUEUE|ipp://… or set [photo_printer] printer in kiosk.toml"
        );
    };
    let target = Target::parse(printer).map_err(|why| anyhow::anyhow!("--printer: {why}"))?;
    let paper = configured.map_or_else(Paper::default, |c| c.paper());
    let copies = copies
        .or(Some(copies_for(configured, spec)).filter(|n| *n > 0))
        .unwrap_or_else(|| sheet_capacity(spec.print_mm));
    let pdf = sheet(&jpeg, spec, copies).with_context(|| photo.display().to_string())?;

    let client = IppClient::new(target)?;
    let status = client.status()?;
    let blocking = status.blocking();
    if !blocking.is_empty() {
        return Err(PhotoPrintError::NotReady {
            printer: printer.to_owned(),
            reasons: blocking,
        }
        .into());
    }
    let printed = client.print(
        &format!("idbooth-sheet-{document}"),
        &pdf,
        &paper,
        &status.media,
    )?;
    let [w, h] = spec.print_mm;
    let [sw, sh] = SHEET_MM;
    let margins = if printed.zero_margins {
        "no margins"
    } else {
        "the printer's margins"
    };
    writeln!(
        std::io::stdout().lock(),
        "job {} on {printer}: {copies} × {w}×{h} mm on {sw}×{sh} mm, {margins}",
        printed.job
    )?;
    if let Some(warning) = printed.warning() {
        writeln!(std::io::stderr().lock(), "idbooth: warning: {warning}")?;
    }
    Ok(ExitCode::SUCCESS)
}
