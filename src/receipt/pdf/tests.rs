//! The PDFs opened and measured by poppler, as a print shop's software would: page size,
//! the photo's size on paper to ±1 px at 254 dpi (±0.1 mm), the embedded subset font, the text.

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage, RgbaImage};

use super::{A6_MM, Photo, SHEET_MM, photo_sheet, receipt_pdf, sheet_capacity};
use crate::i18n::font::FontFile;
use crate::receipt::RenderError;
use crate::receipt::sample::{SAMPLE_RECEIPT_NO, sample_receipt};

/// 254 dpi makes 1 mm exactly 10 pixels, so every edge of the layout falls on a pixel edge:
/// poppler blackens each pixel an image touches, which at 300 dpi adds a pixel at fractional
/// edges.
const DPI: f32 = 254.0;
const PASSPORT_MM: [f32; 2] = [33.0, 48.0];

fn red_photo() -> RgbImage {
    RgbImage::from_pixel(354, 472, Rgb([220, 20, 20]))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writes");
    path
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs (poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Page size in mm, from pdfinfo's points.
fn page_mm(pdf: &Path) -> (f32, f32) {
    let info = tool("pdfinfo", &[pdf.to_str().expect("utf-8")]);
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .expect("a page size");
    let nums: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0] * 25.4 / 72.0, nums[1] * 25.4 / 72.0)
}

/// The first page rasterized by pdftoppm at [`DPI`].
fn raster(pdf: &Path) -> RgbaImage {
    let prefix = pdf.with_extension("");
    tool(
        "pdftoppm",
        &[
            "-r",
            &DPI.to_string(),
            "-png",
            "-singlefile",
            pdf.to_str().expect("utf-8"),
            prefix.to_str().expect("utf-8"),
        ],
    );
    image::open(prefix.with_extension("png"))
        .expect("a PNG")
        .to_rgba8()
}

fn is_red(p: &image::Rgba<u8>) -> bool {
    p[0] > 150 && p[1] < 128 && p[2] < 128
}

/// Runs of `true` along an axis: (start, length) in pixels.
fn runs(flags: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < flags.len() {
        if flags[i] {
            let len = flags[i..].iter().take_while(|&&f| f).count();
            out.push((i, len));
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

fn px(mm: f32) -> f32 {
    mm / 25.4 * DPI
}

fn assert_px(measured: usize, mm: f32, what: &str) {
    let want = px(mm);
    assert!(
        (measured as f32 - want).abs() <= 1.0,
        "{what}: {measured} px at {DPI} dpi, want {want:.1} ({mm} mm)"
    );
}

fn font() -> FontFile {
    FontFile::system().expect("a CJK font (fonts-wqy-microhei)")
}

/// The page is `size` mm, to a hundredth.
fn assert_page_mm(path: &Path, size: [f32; 2]) {
    let (w, h) = page_mm(path);
    assert!(
        (w - size[0]).abs() < 0.01 && (h - size[1]).abs() < 0.01,
        "{w}×{h} mm"
    );
}

/// Runs of `true` as (start, length).
type Runs = Vec<(usize, usize)>;

/// The runs of columns and of rows of `page` that hold any red (the test photo).
fn red_runs(page: &RgbaImage) -> (Runs, Runs) {
    let cols: Vec<bool> = (0..page.width())
        .map(|x| (0..page.height()).any(|y| is_red(page.get_pixel(x, y))))
        .collect();
    let rows: Vec<bool> = (0..page.height())
        .map(|y| (0..page.width()).any(|x| is_red(page.get_pixel(x, y))))
        .collect();
    (runs(&cols), runs(&rows))
}

#[test]
fn the_a6_receipt_has_its_size_photo_font_and_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = red_photo();
    let pdf = receipt_pdf(
        &sample_receipt(),
        Some(Photo {
            image: &photo,
            print_mm: PASSPORT_MM,
        }),
        &font(),
    )
    .expect("renders");
    let path = write(dir.path(), "receipt.pdf", &pdf);
    assert_page_mm(&path, A6_MM);

    let (cols, rows) = red_runs(&raster(&path));
    assert_eq!((cols.len(), rows.len()), (1, 1), "one photo");
    assert_px(cols[0].1, PASSPORT_MM[0], "photo width");
    assert_px(rows[0].1, PASSPORT_MM[1], "photo height");
    assert_px(cols[0].0, 8.0, "photo's left margin");

    let fonts = tool("pdffonts", &[path.to_str().expect("utf-8")]);
    let row = fonts.lines().nth(2).expect("a font row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    let name = cells[0];
    assert!(
        name.len() > 7
            && name.as_bytes()[..6].iter().all(u8::is_ascii_uppercase)
            && name.as_bytes()[6] == b'+',
        "a subset tag: {fonts}"
    );
    assert!(row.contains("CID TrueType"), "{fonts}");
    assert_eq!(
        &cells[cells.len() - 5..cells.len() - 2],
        ["yes", "yes", "yes"],
        "emb sub uni: {fonts}"
    );
    assert!(
        pdf.len() < 300_000,
        "the font is a subset: {} bytes",
        pdf.len()
    );

    let text = tool("pdftotext", &[path.to_str().expect("utf-8"), "-"]);
    assert!(text.contains(SAMPLE_RECEIPT_NO), "{text}");
    assert!(
        text.contains("数字相片采集回执") && text.contains("深圳市"),
        "{text}"
    );
}

#[test]
fn the_photo_sheet_holds_copies_at_the_exact_print_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = red_photo();
    let pdf = photo_sheet(
        Photo {
            image: &photo,
            print_mm: PASSPORT_MM,
        },
        None,
    )
    .expect("renders");
    let path = write(dir.path(), "sheet.pdf", &pdf);
    assert_page_mm(&path, SHEET_MM);

    let page = raster(&path);
    let (cols, rows) = red_runs(&page);
    assert_eq!((cols.len(), rows.len()), (4, 2), "4 × 2 passport photos");
    assert_eq!(sheet_capacity(PASSPORT_MM), 8);
    for (_, len) in &cols {
        assert_px(*len, PASSPORT_MM[0], "photo width");
    }
    for (_, len) in &rows {
        assert_px(*len, PASSPORT_MM[1], "photo height");
    }
    // The pixels are embedded once and drawn eight times.
    let images = tool("pdfimages", &["-list", path.to_str().expect("utf-8")]);
    let objects: std::collections::BTreeSet<&str> = images
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(10))
        .collect();
    assert_eq!(images.lines().skip(2).count(), 8, "{images}");
    assert_eq!(objects.len(), 1, "{images}");
    // Cut marks: dark strokes continuing each photo edge outward, not on the photo.
    let (left, top) = (cols[0].0 as u32, rows[0].0 as u32);
    let dark = |x: u32, y: u32| page.get_pixel(x, y)[0] < 100 && page.get_pixel(x, y)[1] < 100;
    let above = (top - px(1.8) as u32..top - px(0.3) as u32)
        .filter(|&y| (left - 1..=left + 1).any(|x| dark(x, y)))
        .count();
    assert!(
        above >= px(1.2) as usize,
        "a vertical mark above the first photo's left edge: {above}"
    );
    let beside = (left - px(1.8) as u32..left - px(0.3) as u32)
        .filter(|&x| (top - 1..=top + 1).any(|y| dark(x, y)))
        .count();
    assert!(
        beside >= px(1.2) as usize,
        "a horizontal mark left of its top edge: {beside}"
    );
}

#[test]
fn fewer_copies_and_too_many() {
    let photo = red_photo();
    let photo = Photo {
        image: &photo,
        print_mm: [26.0, 32.0],
    };
    assert_eq!(sheet_capacity(photo.print_mm), 10);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "three.pdf",
        &photo_sheet(photo, Some(3)).expect("renders"),
    );
    let page = raster(&path);
    let cols: Vec<bool> = (0..page.width())
        .map(|x| (0..page.height()).any(|y| is_red(page.get_pixel(x, y))))
        .collect();
    assert_eq!(runs(&cols).len(), 3);
    assert_eq!(
        photo_sheet(photo, Some(11)),
        Err(RenderError::Copies { asked: 11, fit: 10 })
    );
}

/// A red 354×472 JPEG (the passport's digital size: 3:4, while 33×48 mm is 11:16, so 14 px
/// of each side are cut off) with a black band over its 12 left and right columns, which the
/// print must clip away.
fn red_jpeg() -> Vec<u8> {
    let mut img = red_photo();
    for x in (0..12).chain(342..354) {
        for y in 0..472 {
            img.put_pixel(x, y, Rgb([0, 0, 0]));
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .expect("encodes");
    out
}

#[test]
fn the_jpeg_sheet_embeds_the_file_as_it_is_at_the_print_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpeg = red_jpeg();
    let pdf = super::jpeg_sheet(
        super::Jpeg {
            bytes: &jpeg,
            print_mm: PASSPORT_MM,
        },
        Some(3),
    )
    .expect("renders");
    let path = write(dir.path(), "sheet.pdf", &pdf);
    assert_page_mm(&path, SHEET_MM);
    let page = raster(&path);
    let (cols, rows) = red_runs(&page);
    assert_eq!((cols.len(), rows.len()), (3, 1), "three photos in a row");
    for (_, len) in &cols {
        assert_px(*len, PASSPORT_MM[0], "photo width");
    }
    assert_px(rows[0].1, PASSPORT_MM[1], "photo height");
    // The bands are clipped: nothing dark beside a photo but the thin cut marks.
    let dark_columns = (cols[0].0 - px(1.0) as usize..cols[0].0)
        .filter(|&x| {
            let x = x as u32;
            (rows[0].0 as u32 + 50..rows[0].0 as u32 + 400).any(|y| page.get_pixel(x, y)[0] < 100)
        })
        .count();
    assert_eq!(dark_columns, 0, "the black bands were clipped away");
    // The file inside is the very JPEG given, byte for byte.
    let prefix = dir.path().join("img");
    tool(
        "pdfimages",
        &[
            "-j",
            path.to_str().expect("utf-8"),
            prefix.to_str().expect("utf-8"),
        ],
    );
    let extracted = std::fs::read(dir.path().join("img-000.jpg")).expect("a JPEG came out");
    assert!(extracted == jpeg, "the JPEG is embedded unchanged");
}
