//! `idbooth receipt render --format png|pdf` and `idbooth receipt sheet` as an operator runs
//! them: real files, opened by the image decoder and poppler.

use crate::util;

use std::path::Path;

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

fn render(format: &str, out: &Path) -> (i32, String, String) {
    util::parts(&util::run(&[
        "receipt",
        "render",
        "--sample",
        "--format",
        format,
        "-o",
        arg(out),
        "--config",
        arg(&util::shipped_config()),
    ]))
}

fn pdfinfo(pdf: &Path) -> String {
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cli_renders_the_sample_as_png_at_the_papers_dot_width() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("sample.png");
    let (code, _, err) = render("png", &out);
    assert_eq!(code, 0, "{err}");
    let image = image::open(&out).expect("a PNG");
    // The shipped kiosk.toml has 80 mm paper: 640 dots at 8 a millimetre, 576 under the head.
    assert_eq!(image.width(), 640);
}

#[test]
fn cli_renders_the_sample_as_an_a6_pdf() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("sample.pdf");
    let (code, _, err) = render("pdf", &out);
    assert_eq!(code, 0, "{err}");
    let info = pdfinfo(&out);
    assert!(
        info.contains("297.638 x 419.528 pts"),
        "A6 is 105×148 mm: {info}"
    );
}

#[test]
fn cli_lays_out_a_photo_sheet() {
    let dir = tempfile::tempdir().expect("temp");
    let photo = dir.path().join("photo.jpg");
    image::RgbImage::from_pixel(358, 441, image::Rgb([200, 30, 30]))
        .save(&photo)
        .expect("writes");
    let out = dir.path().join("sheet.pdf");
    let config = util::shipped_config();
    let sheet = |extra: &[&str]| {
        let mut args = vec![
            "receipt",
            "sheet",
            arg(&photo),
            "-o",
            arg(&out),
            "--config",
            arg(&config),
        ];
        args.extend_from_slice(extra);
        util::parts(&util::run(&args))
    };
    let (code, stdout, err) = sheet(&["--document", "resident_id"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.trim(), "10 × 26×32 mm on 152×102 mm");
    assert!(
        pdfinfo(&out).contains("430.866 x 289.134 pts"),
        "152×102 mm"
    );

    let (code, _, err) = sheet(&["--document", "resident_id", "--copies", "11"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("1 to 10 fit"), "{err}");

    let (code, _, err) = sheet(&["--document", "passprot"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown document \"passprot\""), "{err}");

    let (code, _, err) = sheet(&["--document", "passport", "--copies", "0"]);
    assert_eq!(code, 2, "{err}");

    std::fs::write(&photo, "not a photo").expect("writes");
    let (code, _, err) = sheet(&["--document", "passport"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("photo.jpg"), "names the file: {err}");
}
