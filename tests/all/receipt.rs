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
    util::assert_pdf_page_mm(&out, [105.0, 148.0]);
    // The photo is a JPEG in the PDF (the sample as the booth encodes it), not pixels.
    let list = std::process::Command::new("pdfimages")
        .args(["-list", arg(&out)])
        .output()
        .expect("pdfimages runs (poppler-utils)");
    let list = String::from_utf8_lossy(&list.stdout);
    let encodings: Vec<&str> = list
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(8))
        .collect();
    assert_eq!(encodings, ["jpeg"], "{list}");
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
    assert_eq!(stdout.trim(), "12 × 26×32 mm on 101.6×152.4 mm");
    // 4×6 in exactly, the photo paper's size.
    util::assert_pdf_page_mm(&out, [101.6, 152.4]);
    // The JPEG given is in the PDF as it is.
    let images = dir.path().join("img");
    let taken = std::process::Command::new("pdfimages")
        .args(["-j", arg(&out), arg(&images)])
        .status()
        .expect("pdfimages runs (poppler-utils)");
    assert!(taken.success());
    assert!(
        std::fs::read(dir.path().join("img-000.jpg")).expect("a JPEG inside")
            == std::fs::read(&photo).expect("the photo"),
        "the sheet carries the file as it is"
    );

    let (code, _, err) = sheet(&["--document", "resident_id", "--copies", "13"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("1 to 12 fit"), "{err}");

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

    // A PNG is a photo, but not one a PDF carries as it is: refused, saying so.
    let png = dir.path().join("photo.png");
    image::RgbImage::from_pixel(358, 441, image::Rgb([200, 30, 30]))
        .save(&png)
        .expect("writes");
    let (code, _, err) = util::parts(&util::run(&[
        "receipt",
        "sheet",
        arg(&png),
        "--document",
        "passport",
        "-o",
        arg(&out),
        "--config",
        arg(&config),
    ]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("photo.png") && err.contains("not a JPEG file (a PNG)"),
        "{err}"
    );
}
