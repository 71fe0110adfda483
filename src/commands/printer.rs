//! `idbooth printer status|test`, `idbooth receipt render` and `idbooth receipt sheet`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ReceiptFormat;
use crate::ops::config::{Config, resolve_dir};
use crate::receipt::escpos::Profile;
use crate::receipt::font::FontFile;
use crate::receipt::pdf::{Photo, photo_sheet, receipt_pdf, sheet_capacity};
use crate::receipt::preview;
use crate::receipt::sample::{sample_photo, sample_receipt};
use crate::receipt::serial::SerialPrinter;

fn printer(config: &Config, port: Option<&str>) -> SerialPrinter {
    match port {
        Some(port) => SerialPrinter::on_port(&config.kiosk.printer, port),
        None => SerialPrinter::new(&config.kiosk.printer),
    }
}

/// Prints the printer's status; exit 0 when ready, 1 when it has a problem.
pub(super) fn status(config_dir: Option<&Path>, port: Option<&str>) -> anyhow::Result<ExitCode> {
    let config = Config::load(&resolve_dir(config_dir)?)?;
    let status = printer(&config, port).status()?;
    let mut out = std::io::stdout().lock();
    let flag = |b: bool| if b { "yes" } else { "no" };
    writeln!(out, "online:         {}", flag(status.online))?;
    writeln!(out, "cover open:     {}", flag(status.cover_open))?;
    writeln!(out, "paper near end: {}", flag(status.paper_near_end))?;
    writeln!(out, "paper out:      {}", flag(status.paper_out))?;
    writeln!(out, "cutter error:   {}", flag(status.cutter_error))?;
    writeln!(out, "unrecoverable:  {}", flag(status.unrecoverable))?;
    match status.problem() {
        None => {
            writeln!(out, "ready")?;
            Ok(ExitCode::SUCCESS)
        }
        Some(problem) => {
            writeln!(out, "not ready: {problem}")?;
            Ok(ExitCode::from(1))
        }
    }
}

/// Prints a test receipt and waits for the printer's confirmation.
pub(super) fn test(config_dir: Option<&Path>, port: Option<&str>) -> anyhow::Result<ExitCode> {
    let config = Config::load(&resolve_dir(config_dir)?)?;
    let job = sample_receipt()
        .with_layout(&config.receipts)
        .escpos(Profile::from_config(&config.kiosk.printer));
    printer(&config, port).print(&job)?;
    writeln!(std::io::stdout().lock(), "printed and confirmed")?;
    Ok(ExitCode::SUCCESS)
}

/// Renders a receipt to a file.
pub(super) fn render(
    config_dir: Option<&Path>,
    sample: bool,
    submission: Option<&str>,
    format: ReceiptFormat,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    if !sample || submission.is_some() {
        return Err(super::NotBuilt {
            command: "idbooth receipt render --submission (needs the outbox)",
            issue: 4,
        }
        .into());
    }
    let config = Config::load(&resolve_dir(config_dir)?)?;
    let profile = Profile::from_config(&config.kiosk.printer);
    let receipt = sample_receipt().with_layout(&config.receipts);
    let bytes = match format {
        ReceiptFormat::Escpos => receipt.escpos(profile),
        ReceiptFormat::Png => preview(&receipt.escpos(profile), profile.dots)?,
        ReceiptFormat::Pdf => {
            let spec = super::photo::spec(&config, &receipt.document_id)?;
            let photo = sample_photo();
            let photo = Photo {
                image: &photo,
                print_mm: spec.print_mm,
            };
            receipt_pdf(&receipt, Some(photo), &FontFile::system()?)?
        }
    };
    std::fs::write(output, bytes).with_context(|| format!("{}: cannot write", output.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Lays out copies of a photo at the document's print size on a 6-inch sheet, as a PDF.
pub(super) fn sheet(
    config_dir: Option<&Path>,
    photo: &Path,
    document: &str,
    copies: Option<u32>,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let config = Config::load(&resolve_dir(config_dir)?)?;
    let spec = super::photo::spec(&config, document)?;
    let (_, image) = super::photo::read_image(photo)?;
    let pdf = photo_sheet(
        Photo {
            image: &image,
            print_mm: spec.print_mm,
        },
        copies,
    )?;
    std::fs::write(output, pdf).with_context(|| format!("{}: cannot write", output.display()))?;
    let [w, h] = spec.print_mm;
    let n = copies.unwrap_or_else(|| sheet_capacity(spec.print_mm));
    writeln!(std::io::stdout().lock(), "{n} × {w}×{h} mm on 152×102 mm")?;
    Ok(ExitCode::SUCCESS)
}
