//! The preview of real receipt jobs, checked the way a person or a scanner would check paper:
//! QR read by rqrr, text by tesseract, bars read back, the thumbnail dot for dot.

use image::GrayImage;

use super::{Glyphs, MARGIN, code128, draw, png};
use crate::i18n::font::FontFile;
use crate::receipt::QrMode;
use crate::receipt::Receipt;
use crate::receipt::decode::{Op, decode};
use crate::receipt::escpos::Profile;
use crate::receipt::sample::{SAMPLE_RECEIPT_NO, sample_receipt};
use crate::receipt::tests::profile;

fn glyphs() -> Glyphs {
    Glyphs::new(&FontFile::system().expect("a CJK font (fonts-wqy-microhei)")).expect("parses")
}

fn receipt(receipt_no: &str) -> Receipt {
    Receipt {
        receipt_no: receipt_no.into(),
        taken_at: "2026-11-25 10:00".into(),
        ..sample_receipt()
    }
}

fn ops_of(receipt: &Receipt, profile: Profile) -> Vec<Op> {
    decode(&receipt.escpos(profile)).expect("decodes")
}

/// Where the op at `index` starts on the paper: the length of the paper printed before it.
fn top_of(ops: &[Op], index: usize, dots: u32, glyphs: &Glyphs) -> u32 {
    draw(&ops[..index], dots, glyphs).height() - MARGIN
}

fn read_qr(image: &GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32)[0],
    );
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn the_preview_is_as_wide_as_the_paper() {
    let glyphs = glyphs();
    for dots in [384, 576] {
        let job = receipt(SAMPLE_RECEIPT_NO).escpos(profile(dots, QrMode::Native));
        let bytes = png(&job, dots, &glyphs).expect("renders");
        let image = image::load_from_memory(&bytes).expect("a PNG").to_luma8();
        // 58 mm and 80 mm at 8 dots a millimetre, the head's width centred on it.
        let paper = if dots == 384 { 464 } else { 640 };
        assert_eq!(image.width(), paper);
        let margin = (paper - dots) / 2;
        let inked = |x: u32| (0..image.height()).any(|y| image.get_pixel(x, y)[0] == 0);
        assert!(
            (0..margin).chain(margin + dots..paper).all(|x| !inked(x)),
            "nothing is printed where the head cannot reach"
        );
        assert!(
            (margin..margin + 24).any(inked),
            "the details start at the head's left edge, {margin} dots in"
        );
        assert!(image.height() > 600, "{}", image.height());
        let black = image.pixels().filter(|p| p[0] == 0).count();
        assert!(black > 10_000, "something is printed: {black}");
        assert!(
            image.pixels().all(|p| p[0] == 0 || p[0] == 255),
            "one bit a dot"
        );
    }
}

#[test]
fn the_qr_reads_back_as_the_receipt_number() {
    let glyphs = glyphs();
    for (dots, mode) in [
        (576, QrMode::Native),
        (384, QrMode::Native),
        (384, QrMode::Image),
    ] {
        let image = draw(
            &ops_of(&receipt(SAMPLE_RECEIPT_NO), profile(dots, mode)),
            dots,
            &glyphs,
        );
        assert_eq!(
            read_qr(&image),
            vec![SAMPLE_RECEIPT_NO.to_owned()],
            "{dots} {mode:?}"
        );
    }
}

#[test]
fn the_barcode_reads_back_as_the_receipt_number() {
    let glyphs = glyphs();
    for dots in [384, 576] {
        let ops = ops_of(&receipt(SAMPLE_RECEIPT_NO), profile(dots, QrMode::Native));
        let at = ops
            .iter()
            .position(|op| matches!(op, Op::Barcode(_)))
            .expect("a barcode");
        let module = ops[..at]
            .iter()
            .rev()
            .find_map(|op| match op {
                Op::BarcodeWidth(n) => Some(u32::from(*n)),
                _ => None,
            })
            .expect("a module width");
        assert_eq!(module, if dots == 384 { 1 } else { 2 }, "fits the paper");
        let image = draw(&ops, dots, &glyphs);
        let y = top_of(&ops, at, dots, &glyphs) + 40;
        // Run lengths along one row through the bars, from the first bar to the last.
        let row: Vec<bool> = (0..dots).map(|x| image.get_pixel(x, y)[0] == 0).collect();
        let first = row.iter().position(|&b| b).expect("bars");
        let last = row.iter().rposition(|&b| b).expect("bars");
        let mut runs: Vec<u8> = Vec::new();
        let mut x = first;
        while x <= last {
            let len = row[x..=last].iter().take_while(|&&b| b == row[x]).count();
            assert_eq!(len as u32 % module, 0, "whole modules");
            runs.push((len as u32 / module) as u8);
            x += len;
        }
        let symbols: Vec<u8> = runs[..runs.len() - 7]
            .chunks(6)
            .map(|six| code128::value_of(six).expect("a CODE128 symbol"))
            .collect();
        assert_eq!(runs[runs.len() - 7..], [2, 3, 3, 1, 1, 1, 2], "stop");
        assert_eq!(symbols[0], 104, "start B");
        let text: String = symbols[1..symbols.len() - 1]
            .iter()
            .map(|&v| char::from(v + 0x20))
            .collect();
        assert_eq!(text, SAMPLE_RECEIPT_NO);
        let weighted: u32 = symbols[..symbols.len() - 1]
            .iter()
            .enumerate()
            .map(|(i, &v)| u32::from(v) * (i as u32).max(1))
            .sum();
        assert_eq!(
            u32::from(symbols[symbols.len() - 1]),
            weighted % 103,
            "check symbol"
        );
        // Nothing past the paper's edge: the quiet zones are blank.
        assert!(first >= 8 && last < dots as usize - 8, "{first}..{last}");
    }
}

#[test]
fn the_thumbnail_is_drawn_dot_for_dot() {
    let glyphs = glyphs();
    let dots = 576;
    let ops = ops_of(&receipt(SAMPLE_RECEIPT_NO), profile(dots, QrMode::Native));
    let at = ops
        .iter()
        .position(|op| matches!(op, Op::Raster { .. }))
        .expect("a thumbnail");
    let Op::Raster { width, rows, bits } = &ops[at] else {
        unreachable!()
    };
    let image = draw(&ops, dots, &glyphs);
    let top = top_of(&ops, at, dots, &glyphs);
    let left = (dots - width) / 2; // centred, as the receipt asks
    let per_row = width.div_ceil(8);
    let mut set = 0;
    for y in 0..*rows {
        for x in 0..*width {
            let bit = bits[(y * per_row + x / 8) as usize] & (0x80 >> (x % 8)) != 0;
            set += usize::from(bit);
            let dot = image.get_pixel(left + x, top + y)[0] == 0;
            assert_eq!(dot, bit, "dot ({x}, {y})");
        }
    }
    assert!(
        set > 1000 && set < (width * rows) as usize,
        "a dithered picture: {set}"
    );
}

#[test]
fn a_hostile_number_renders_as_plain_text() {
    let glyphs = glyphs();
    let hostile = draw(
        &ops_of(
            &receipt("4403\u{1b}@0026\u{1d}V\u{0}1125"),
            profile(384, QrMode::Native),
        ),
        384,
        &glyphs,
    );
    let plain = draw(
        &ops_of(&receipt("4403@0026V1125"), profile(384, QrMode::Native)),
        384,
        &glyphs,
    );
    assert!(hostile == plain, "the control bytes left no trace on paper");
    assert_eq!(read_qr(&hostile), vec!["4403@0026V1125".to_owned()]);
}

#[test]
fn tesseract_reads_the_title_and_the_number() {
    let glyphs = glyphs();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("receipt.png");
    let job = receipt(SAMPLE_RECEIPT_NO).escpos(profile(576, QrMode::Native));
    std::fs::write(&path, png(&job, 576, &glyphs).expect("renders")).expect("writes");
    let out = std::process::Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .args(["-l", "chi_sim+eng", "--psm", "6"])
        .output()
        .expect("tesseract runs (tesseract-ocr, tesseract-ocr-chi-sim)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("采集回执"), "{text}");
    assert!(text.contains(SAMPLE_RECEIPT_NO), "{text}");
}

#[test]
fn text_follows_alignment_size_and_the_grid() {
    let glyphs = glyphs();
    let width_of = |ops: &[Op]| {
        let image = draw(ops, 384, &glyphs);
        let xs: Vec<u32> = image
            .enumerate_pixels()
            .filter(|(_, _, p)| p[0] == 0)
            .map(|(x, _, _)| x)
            .collect();
        (
            xs.iter().copied().min().unwrap_or(0),
            xs.iter().copied().max().unwrap_or(0),
            image.height(),
        )
    };
    let text = |s: &str| Op::Text(s.into());
    // Four Chinese characters take 96 dots: right-aligned they end near 384.
    let (min, max, _) = width_of(&[Op::Align(2), text("回执号码")]);
    assert!(min >= 384 - 96 && max >= 384 - 6, "{min}..{max}");
    // Centred eight ASCII cells (96 dots) sit in the middle.
    let (min, max, _) = width_of(&[Op::Align(1), text("ABCDEFGH")]);
    assert!(min >= 144 && max < 240, "{min}..{max}");
    // Double size: twice as wide and tall as the same text at size 1.
    let (_, narrow, short) = width_of(&[text("回执")]);
    let (_, wide, tall) = width_of(&[Op::Size(2, 2), text("回执")]);
    assert!(
        wide > narrow * 2 - 8 && tall > short + 20,
        "{narrow} {wide} {short} {tall}"
    );
    // A line longer than the paper wraps onto the next.
    let (_, _, one) = width_of(&[text(&"回".repeat(16))]);
    let (_, _, two) = width_of(&[text(&"回".repeat(17))]);
    assert_eq!(two - one, super::LINE);
    // Bold burns more dots.
    let count = |ops: &[Op]| {
        draw(ops, 384, &glyphs)
            .pixels()
            .filter(|p| p[0] == 0)
            .count()
    };
    assert!(count(&[Op::Bold(true), text("回执")]) > count(&[text("回执")]) + 20);
}

#[test]
fn the_cut_is_a_dashed_line() {
    let glyphs = glyphs();
    let image = draw(&[Op::Feed(1), Op::Cut(0)], 384, &glyphs);
    let rows: Vec<usize> = (0..image.height())
        .map(|y| (0..384).filter(|&x| image.get_pixel(x, y)[0] == 0).count())
        .collect();
    let dashed: Vec<_> = rows.iter().filter(|&&n| n > 0).collect();
    assert_eq!(dashed.len(), 2, "a line two dots thick");
    assert!(
        dashed.iter().all(|&&n| n > 200 && n < 384),
        "dashes, not solid: {dashed:?}"
    );
}
