//! `idbooth printer status|test`, `idbooth receipt render` and `idbooth receipt sheet`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::applicant::Applicant;
use crate::center::api::Status;
use crate::center::outbox::Outbox;
use crate::receipt::Receipt;

use crate::cli::ReceiptFormat;
use crate::i18n::Language;
use crate::i18n::font::FontFile;
use crate::ops::config::{Config, resolve_dir};
use crate::receipt::escpos::Profile;
use crate::receipt::pdf::{Jpeg, SHEET_MM, jpeg_sheet, receipt_pdf, sheet_capacity};
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
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
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
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let job = sample_receipt()
        .with_layout(&config.receipts)
        .escpos(Profile::from_config(&config.kiosk.printer));
    printer(&config, port).print(&job)?;
    writeln!(std::io::stdout().lock(), "printed and confirmed")?;
    Ok(ExitCode::SUCCESS)
}

/// Renders a receipt to a file: the sample, or the receipt of an approved submission still held
/// in the outbox of the data folder.
pub(super) fn render(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    submission: Option<&str>,
    format: ReceiptFormat,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let profile = Profile::from_config(&config.kiosk.printer);
    let (receipt, jpeg) = match submission {
        None => {
            // The sample photo encoded as the booth encodes: the passport's KB window search.
            let spec = super::photo::spec(&config, &sample_receipt().document_id)?;
            let jpeg =
                crate::photo::encode_within(&sample_photo(), spec.dpi, spec.byte_window(), None)?;
            (sample_receipt(), jpeg.bytes)
        }
        Some(id) => {
            let dir = data.map_or_else(|| config.data_dir(), Path::to_path_buf);
            submission_receipt(&config, &dir, id)?
        }
    };
    let receipt = receipt.with_layout(&config.receipts);
    let bytes = match format {
        ReceiptFormat::Escpos => receipt.escpos(profile),
        ReceiptFormat::Png => preview(&receipt.escpos(profile), profile.dots)?,
        ReceiptFormat::Pdf => {
            let spec = super::photo::spec(&config, &receipt.document_id)?;
            // The approved JPEG as it is: the PDF never encodes the photo again.
            let photo = Jpeg {
                bytes: &jpeg,
                print_mm: spec.print_mm,
            };
            receipt_pdf(&receipt, Some(photo), &FontFile::system()?)?
        }
    };
    std::fs::write(output, bytes).with_context(|| format!("{}: cannot write", output.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// The receipt of submission `id` from the outbox in `data_dir`, with its photo (the JPEG the
/// center approved).
fn submission_receipt(
    config: &Config,
    data_dir: &Path,
    id: &str,
) -> anyhow::Result<(Receipt, Vec<u8>)> {
    let path = super::kiosk::existing_outbox(data_dir)?;
    let outbox = Outbox::open(&path)?;
    let Some(answer) = outbox.answer(id)? else {
        bail!("submission {id:?}: the center has not answered it (see `idbooth outbox list`)");
    };
    if answer.status != Status::Approved {
        bail!(
            "submission {id:?} is {:?} at the center: it has no receipt",
            answer.status
        );
    }
    let Some(parcel) = outbox.parcel(id)? else {
        bail!(
            "submission {id:?}: its applicant data is wiped (the receipt was printed, or the \
             retention passed)"
        );
    };
    let today = chrono::Local::now().date_naive();
    let applicant = Applicant::from_meta(
        &parcel.meta.applicant,
        &parcel.meta.city_code,
        &config.cities,
        today,
    )
    .with_context(|| format!("submission {id:?}: stored applicant"))?;
    let mut receipt = Receipt::new(
        &answer,
        &applicant,
        &parcel.meta.document,
        (&config.documents, &config.cities),
        &parcel.meta.kiosk_id,
        Language::BASE,
    );
    let photo = crate::photo::decode(&parcel.photo)
        .with_context(|| format!("submission {id:?}: stored photo"))?;
    receipt.thumbnail = Some(image::imageops::grayscale(&photo));
    Ok((receipt, parcel.photo))
}

/// Lays out copies of a JPEG, as it is, at the document's print size on a 4×6 in sheet, as a
/// PDF.
pub(super) fn sheet(
    config_dir: Option<&Path>,
    photo: &Path,
    document: &str,
    copies: Option<u32>,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let spec = super::photo::spec(&config, document)?;
    let (bytes, _) = super::photo::read_image(photo)?;
    let pdf = jpeg_sheet(
        Jpeg {
            bytes: &bytes,
            print_mm: spec.print_mm,
        },
        copies,
    )
    .with_context(|| photo.display().to_string())?;
    std::fs::write(output, pdf).with_context(|| format!("{}: cannot write", output.display()))?;
    let [w, h] = spec.print_mm;
    let n = copies.unwrap_or_else(|| sheet_capacity(spec.print_mm));
    let [sw, sh] = SHEET_MM;
    writeln!(std::io::stdout().lock(), "{n} × {w}×{h} mm on {sw}×{sh} mm")?;
    Ok(ExitCode::SUCCESS)
}
