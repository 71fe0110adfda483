//! `idbooth printer status|test` and `idbooth receipt render`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ReceiptFormat;
use crate::ops::config::{Config, resolve_dir};
use crate::receipt::Receipt;
use crate::receipt::escpos::Profile;
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

/// A receipt with made-up data, for tests and previews.
pub fn sample_receipt() -> Receipt {
    Receipt {
        receipt_no: "44030026112500001X".into(),
        image_no: Some("P44030026112500001X".into()),
        document: "普通护照".into(),
        city: "深圳市".into(),
        name: "张*".into(),
        id_number: "110105********002X".into(),
        taken_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        valid_until: None,
        kiosk_id: "SAMPLE".into(),
        thumbnail: None,
    }
}

/// Prints a test receipt and waits for the printer's confirmation.
pub(super) fn test(config_dir: Option<&Path>, port: Option<&str>) -> anyhow::Result<ExitCode> {
    let config = Config::load(&resolve_dir(config_dir)?)?;
    let job = sample_receipt().escpos(Profile::from_config(&config.kiosk.printer));
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
    let bytes = match format {
        ReceiptFormat::Escpos => {
            sample_receipt().escpos(Profile::from_config(&config.kiosk.printer))
        }
        ReceiptFormat::Png | ReceiptFormat::Pdf => {
            return Err(super::NotBuilt {
                command: "idbooth receipt render --format png|pdf",
                issue: 5,
            }
            .into());
        }
    };
    std::fs::write(output, bytes).with_context(|| format!("{}: cannot write", output.display()))?;
    Ok(ExitCode::SUCCESS)
}
