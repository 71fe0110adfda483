//! The PDFs opened and measured by poppler, as a print shop's software would: page size,
//! the photo's size on paper to ±1 px at 254 dpi (±0.1 mm), the embedded subset font, the text;
//! and the photo inside each PDF, taken out of its bytes: the approved JPEG, byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage, RgbaImage};

use super::{A6_MM, Jpeg, SHEET_MM, jpeg_sheet, receipt_pdf, sheet_capacity};
use crate::i18n::font::FontFile;
use crate::receipt::RenderError;
use crate::receipt::sample::{SAMPLE_RECEIPT_NO, sample_receipt};

/// 254 dpi makes 1 mm exactly 10 pixels, so every edge of the layout falls on a pixel edge:
/// poppler blackens each pixel an image touches, which at 300 dpi adds a pixel at fractional
/// edges.
const DPI: f32 = 254.0;
const PASSPORT_MM: [f32; 2] = [33.0, 48.0];

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

/// A red 354×472 JPEG (the passport's digital size: 3:4, while 33×48 mm is 11:16, so 14 px
/// of each side are cut off) with a black band over its 12 left and right columns, which the
/// print must clip away.
fn red_jpeg() -> Vec<u8> {
    let mut img = RgbImage::from_pixel(354, 472, Rgb([220, 20, 20]));
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

/// The streams of the PDF `pdf` whose filter is `DCTDecode`, as the file holds them: the bytes
/// between `stream` and `endstream`, `/Length` of them.
fn dct_streams(pdf: &[u8]) -> Vec<&[u8]> {
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(filter) = find(pdf, b"/DCTDecode", at) {
        // The stream's dictionary ends at the `stream` keyword after the filter.
        let keyword = find(pdf, b"stream", filter).expect("the image's stream");
        let dict_start = pdf[..filter]
            .windows(2)
            .rposition(|w| w == b"<<")
            .expect("the image's dictionary");
        let dict = String::from_utf8_lossy(&pdf[dict_start..keyword]);
        let length: usize = dict
            .split("/Length")
            .nth(1)
            .and_then(|rest| {
                rest.trim_start()
                    .split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("a direct /Length in {dict}"));
        let mut start = keyword + b"stream".len();
        if pdf[start] == b'\r' {
            start += 1;
        }
        assert_eq!(pdf[start], b'\n', "an end of line after `stream`");
        start += 1;
        let bytes = &pdf[start..start + length];
        let after = String::from_utf8_lossy(&pdf[start + length..start + length + 12]);
        assert!(after.trim_start().starts_with("endstream"), "{after:?}");
        out.push(bytes);
        at = start + length;
    }
    out
}

/// The PDF carries `jpeg` once, byte for byte: nothing was decoded and encoded again.
fn assert_carries_as_it_is(pdf: &[u8], jpeg: &[u8]) {
    let streams = dct_streams(pdf);
    assert_eq!(streams.len(), 1, "one JPEG stream");
    assert!(
        streams[0] == jpeg,
        "the JPEG inside ({} bytes) is the approved file ({} bytes)",
        streams[0].len(),
        jpeg.len()
    );
}

/// poppler's list of the images drawn in `pdf`: (encoding, object number) per drawing.
fn images(pdf: &Path) -> Vec<(String, String)> {
    tool("pdfimages", &["-list", pdf.to_str().expect("utf-8")])
        .lines()
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells[8].to_owned(), cells[10].to_owned())
        })
        .collect()
}

#[test]
fn the_a6_receipt_has_its_size_photo_font_and_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpeg = red_jpeg();
    let pdf = receipt_pdf(
        &sample_receipt(),
        Some(Jpeg {
            bytes: &jpeg,
            print_mm: PASSPORT_MM,
        }),
        &font(),
    )
    .expect("renders");
    assert_carries_as_it_is(&pdf, &jpeg);
    let path = write(dir.path(), "receipt.pdf", &pdf);
    assert_page_mm(&path, A6_MM);
    let drawn = images(&path);
    assert_eq!(drawn.len(), 1, "one image, the photo: {drawn:?}");
    assert_eq!(drawn[0].0, "jpeg");

    let page = raster(&path);
    let (cols, rows) = red_runs(&page);
    assert_eq!((cols.len(), rows.len()), (1, 1), "one photo");
    assert_px(cols[0].1, PASSPORT_MM[0], "photo width");
    assert_px(rows[0].1, PASSPORT_MM[1], "photo height");
    assert_px(cols[0].0, 8.0, "photo's left margin");
    // The black bands at the JPEG's sides are clipped away: nothing dark just left of it.
    let dark_left = (cols[0].0 - px(1.0) as usize..cols[0].0)
        .filter(|&x| {
            (rows[0].0 + 50..rows[0].0 + 400).any(|y| page.get_pixel(x as u32, y as u32)[0] < 100)
        })
        .count();
    assert_eq!(dark_left, 0, "the bands were clipped");

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
fn the_receipt_refuses_a_photo_no_pdf_can_carry_as_it_is() {
    let receipt = sample_receipt();
    let mut png = Vec::new();
    RgbImage::from_pixel(354, 472, Rgb([220, 20, 20]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let refused = receipt_pdf(
        &receipt,
        Some(Jpeg {
            bytes: &png,
            print_mm: PASSPORT_MM,
        }),
        &font(),
    );
    assert!(
        matches!(&refused, Err(RenderError::Photo(m)) if m.contains("not a JPEG file (a PNG)")),
        "{refused:?}"
    );
}

#[test]
fn the_sheet_is_4_by_6_inches_and_holds_copies_at_the_exact_print_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpeg = red_jpeg();
    let pdf = jpeg_sheet(
        Jpeg {
            bytes: &jpeg,
            print_mm: PASSPORT_MM,
        },
        None,
    )
    .expect("renders");
    assert_carries_as_it_is(&pdf, &jpeg);
    let path = write(dir.path(), "sheet.pdf", &pdf);
    // 4×6 in, portrait: the paper photo printers load, to a hundredth of a millimetre.
    assert_page_mm(&path, [101.6, 152.4]);
    assert_eq!(SHEET_MM, [101.6, 152.4]);

    let page = raster(&path);
    let (cols, rows) = red_runs(&page);
    assert_eq!((cols.len(), rows.len()), (2, 3), "2 × 3 passport photos");
    assert_eq!(sheet_capacity(PASSPORT_MM), 6);
    for (_, len) in &cols {
        assert_px(*len, PASSPORT_MM[0], "photo width");
    }
    for (_, len) in &rows {
        assert_px(*len, PASSPORT_MM[1], "photo height");
    }
    // The grid is centred, at least 2 mm from every edge.
    let (first, last) = (rows[0].0, rows[2].0 + rows[2].1);
    assert!(first as f32 >= px(2.0) - 1.0, "top margin {first} px");
    assert!(
        (page.height() as usize - last) as f32 >= px(2.0) - 1.0,
        "bottom margin {} px",
        page.height() as usize - last
    );
    // The JPEG is embedded once and drawn six times.
    let drawn = images(&path);
    let objects: std::collections::BTreeSet<&str> = drawn.iter().map(|(_, o)| o.as_str()).collect();
    assert_eq!(drawn.len(), 6, "{drawn:?}");
    assert_eq!(objects.len(), 1, "{drawn:?}");
    assert!(drawn.iter().all(|(enc, _)| enc == "jpeg"), "{drawn:?}");
    // Cut marks: dark strokes continuing each photo edge outward, not on the photo, also in the
    // margin of the top row.
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
    let jpeg = red_jpeg();
    let photo = Jpeg {
        bytes: &jpeg,
        print_mm: [26.0, 32.0],
    };
    assert_eq!(sheet_capacity(photo.print_mm), 12);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "two.pdf",
        &jpeg_sheet(photo, Some(2)).expect("renders"),
    );
    let (cols, rows) = red_runs(&raster(&path));
    assert_eq!((cols.len(), rows.len()), (2, 1), "two in the top row");
    assert_eq!(
        jpeg_sheet(photo, Some(13)),
        Err(RenderError::Copies { asked: 13, fit: 12 })
    );
}

#[test]
fn the_sheet_clips_the_jpeg_to_its_print_aspect_and_carries_it_as_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpeg = red_jpeg();
    let pdf = jpeg_sheet(
        Jpeg {
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
    assert_eq!((cols.len(), rows.len()), (2, 2), "two, then one below");
    for (_, len) in &cols {
        assert_px(*len, PASSPORT_MM[0], "photo width");
    }
    for (_, len) in &rows {
        assert_px(*len, PASSPORT_MM[1], "photo height");
    }
    // The bands are clipped: nothing dark beside a photo but the thin cut marks.
    let dark_columns = (cols[0].0 - px(1.0) as usize..cols[0].0)
        .filter(|&x| {
            let x = x as u32;
            (rows[0].0 as u32 + 50..rows[0].0 as u32 + 400).any(|y| page.get_pixel(x, y)[0] < 100)
        })
        .count();
    assert_eq!(dark_columns, 0, "the black bands were clipped away");
    // poppler, too, takes out the very JPEG given, byte for byte.
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
    assert_carries_as_it_is(&pdf, &jpeg);
}
