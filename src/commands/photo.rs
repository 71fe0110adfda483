//! `idbooth photo check|normalize`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::ops::config::{Config, resolve_dir};
use crate::photo::{self, FileFacts, Report};
use crate::spec::{Reason, Spec};
use crate::vision::{FaceDetector, assess_still};

/// Largest file read, in bytes: no photo of a booth comes near it.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn load(config: Option<&Path>) -> anyhow::Result<Config> {
    Ok(Config::load_layers(&resolve_dir(config)?)?)
}

pub(super) fn spec<'c>(config: &'c Config, id: &str) -> anyhow::Result<&'c Spec> {
    config.documents.get(id).with_context(|| {
        format!(
            "unknown document {id:?}; expected one of: {}",
            config.documents.ids()
        )
    })
}

pub(super) fn read_image(path: &Path) -> anyhow::Result<(Vec<u8>, image::RgbImage)> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opened without blocking (a FIFO would wait for a writer for ever), then refused at once
    // unless it is a regular file.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .with_context(|| format!("{}: cannot open", path.display()))?;
    let kind = file
        .metadata()
        .with_context(|| format!("{}: cannot open", path.display()))?
        .file_type();
    if !kind.is_file() {
        bail!(
            "{}: not a regular file (a folder, a FIFO or a device); give a photo file",
            path.display()
        );
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!(
            "{}: over {} MB; not a photo",
            path.display(),
            MAX_FILE_BYTES >> 20
        );
    }
    let rgb = photo::decode(&bytes).with_context(|| path.display().to_string())?;
    Ok((bytes, rgb))
}

fn reason_list(reasons: &[Reason]) -> String {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code()).collect();
    codes.join(", ")
}

fn print_report(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    for rule in &report.rules {
        let mark = if rule.pass { "pass" } else { "FAIL" };
        writeln!(
            out,
            "{mark}  {:<20} {:>9.3}  expected {}",
            rule.rule, rule.value, rule.expected
        )?;
    }
    Ok(())
}

fn exit(compliant: bool) -> ExitCode {
    if compliant {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Measures a photo file and checks every rule of the document's spec.
pub(super) fn check(
    config: Option<&Path>,
    image: &Path,
    document: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config = load(config)?;
    let spec = spec(&config, document)?;
    let (bytes, rgb) = read_image(image)?;
    let facts = FileFacts::of(&bytes);
    let mut detector = FaceDetector::new()?;
    crate::vision::mesh::nets()?;
    let assessment = assess_still(&mut detector, &rgb);
    let report = photo::check(&assessment, spec, Some(facts), &config.thresholds);
    let mut out = std::io::stdout().lock();
    if json {
        let value = serde_json::json!({
            "document": spec.id,
            "compliant": report.compliant(),
            "reasons": report.reasons,
            "rules": report.rules,
            "assessment": assessment,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        print_report(&mut out, &report)?;
        if report.compliant() {
            writeln!(out, "compliant with {} ({})", spec.id, spec.name_en)?;
        } else {
            writeln!(
                out,
                "not compliant with {}: {}",
                spec.id,
                reason_list(&report.reasons)
            )?;
        }
    }
    Ok(exit(report.compliant()))
}

/// Normalizes a capture to the document's spec and writes the JPEG, best effort included.
pub(super) fn normalize(
    config: Option<&Path>,
    image: &Path,
    document: &str,
    output: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config = load(config)?;
    let spec = spec(&config, document)?;
    let (_, rgb) = read_image(image)?;
    let mut detector = FaceDetector::new()?;
    crate::vision::mesh::nets()?;
    let result = photo::process(&mut detector, &rgb, spec, &config.thresholds)?;
    write_atomically(output, &result.jpeg.bytes)?;
    let reasons = result.reasons();
    let compliant = reasons.is_empty();
    let mut out = std::io::stdout().lock();
    if json {
        let value = serde_json::json!({
            "document": spec.id,
            "output": output.display().to_string(),
            "compliant": compliant,
            "reasons": reasons,
            "bytes": result.jpeg.bytes.len(),
            "quality": result.jpeg.quality,
            "encodes": result.jpeg.encodes,
            "background_replaced": result.normalized.background_replaced,
            "mask_unsure": result.normalized.mask_unsure,
            "crop": result.normalized.plan,
            "rules": result.report.rules,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        print_report(&mut out, &result.report)?;
        writeln!(
            out,
            "wrote {} ({}×{}, {:.1} KB, quality {})",
            output.display(),
            spec.width_px,
            spec.height_px,
            result.jpeg.bytes.len() as f32 / 1024.0,
            result.jpeg.quality
        )?;
    }
    if !compliant {
        eprintln!(
            "idbooth: wrote a best effort to {}, but it is not compliant with {}: {}",
            output.display(),
            spec.id,
            reason_list(&reasons)
        );
    }
    Ok(exit(compliant))
}

/// Writes beside the target, then renames: a reader never sees half a file. The temporary file
/// is created new (never opened through a name someone else planted, a symlink included) and
/// named after this process and the moment, so two writers do not meet.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(
            ".{}.{}-{nanos}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                attempt += 1;
            }
            Err(e) => {
                return Err(e).with_context(|| format!("{}: cannot write", path.display()));
            }
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Leave nothing half-written behind; the error below says what happened.
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("{}: cannot write", path.display()))
}
