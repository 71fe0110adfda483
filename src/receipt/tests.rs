//! The receipt encoded to ESC/POS and read back with our own decoder.

use super::decode::{Op, decode};
use super::escpos::Profile;
use super::model::Receipt;
use super::{Cut, QrMode};

fn receipt(receipt_no: &str) -> Receipt {
    Receipt {
        receipt_no: receipt_no.to_owned(),
        image_no: Some("P44030026112500001X".into()),
        document: "普通护照".into(),
        city: "深圳市".into(),
        name: "张*三".into(),
        id_number: "110105********002X".into(),
        taken_at: "2026-11-25 10:00".into(),
        valid_until: Some("2027-05-24".into()),
        kiosk_id: "DEMO-SZ-001".into(),
        thumbnail: Some(image::GrayImage::from_fn(354, 472, |x, y| {
            image::Luma([((x + y) % 256) as u8])
        })),
        document_id: "passport".into(),
        city_code: "440300".into(),
        layout: Default::default(),
        lang: crate::i18n::Language::BASE,
    }
}

/// A printer profile of `dots` width with Chinese mode and a partial cut (shared by the
/// receipt module's tests).
pub(super) fn profile(dots: u32, qr: QrMode) -> Profile {
    Profile {
        dots,
        chinese_mode: true,
        code_page: 0,
        cut: Cut::Partial,
        qr,
    }
}

fn texts(ops: &[Op]) -> Vec<&str> {
    ops.iter()
        .filter_map(|op| {
            if let Op::Text(t) = op {
                Some(t.as_str())
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn a_receipt_reads_back() {
    let no = "44030026112500001X";
    let ops = decode(&receipt(no).escpos(profile(576, QrMode::Native))).expect("decodes");
    assert_eq!(&ops[..2], &[Op::Init, Op::ChineseMode]);
    let texts = texts(&ops);
    assert!(texts.contains(&"数字相片采集回执"), "{texts:?}");
    assert!(texts.contains(&no), "the number stands unbroken: {texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("张*三"))
            && texts.iter().any(|t| t.contains("110105********002X"))
    );
    assert!(ops.contains(&Op::Barcode(no.into())));
    assert!(ops.contains(&Op::QrStore(no.into())) && ops.contains(&Op::QrPrint));
    let raster = ops.iter().find_map(|op| {
        if let Op::Raster { width, rows, .. } = op {
            Some((*width, *rows))
        } else {
            None
        }
    });
    let (width, rows) = raster.expect("a thumbnail");
    assert!((190..=576).contains(&width) && rows > 200, "{width}×{rows}");
    assert_eq!(ops.last(), Some(&Op::Cut(1)));
}

#[test]
fn a_hostile_number_prints_as_plain_text() {
    let ops =
        decode(&receipt("4403\u{1b}@0026\u{1d}V\u{0}1125").escpos(profile(384, QrMode::Native)))
            .expect("decodes");
    assert_eq!(
        ops.iter().filter(|op| **op == Op::Init).count(),
        1,
        "no injected reset"
    );
    assert_eq!(
        ops.iter().filter(|op| matches!(op, Op::Cut(_))).count(),
        1,
        "no injected cut"
    );
    assert!(texts(&ops).contains(&"4403@0026V1125"));
    assert!(ops.contains(&Op::QrStore("4403@0026V1125".into())));
}

#[test]
fn paper_width_and_qr_as_image() {
    let ops = decode(&receipt("44030026112500001X").escpos(profile(384, QrMode::Image)))
        .expect("decodes");
    assert!(!ops.iter().any(|op| matches!(op, Op::QrStore(_))));
    let rasters: Vec<u32> = ops
        .iter()
        .filter_map(|op| {
            if let Op::Raster { width, .. } = op {
                Some(*width)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(rasters.len(), 2, "the QR and the thumbnail");
    assert!(rasters.iter().all(|w| *w <= 384), "{rasters:?}");
}

#[test]
fn cut_off_bytes_are_an_error() {
    let bytes = receipt("44030026112500001X").escpos(profile(576, QrMode::Native));
    let cut = bytes.iter().position(|&b| b == 0x1D).expect("a GS command");
    assert!(decode(&bytes[..cut + 1]).is_err());
}

#[test]
fn a_raster_never_carries_a_real_time_command() {
    // Dots at x = 3 and x = 13 of one row are the bytes 0x10 0x04: DLE EOT.
    let image = image::GrayImage::from_fn(16, 1, |x, _| {
        image::Luma([if x == 3 || x == 13 { 0 } else { 255 }])
    });
    let mut job = super::escpos::EscPos::new(profile(384, QrMode::Native));
    job.raster(&image);
    let ops = decode(&job.finish()).expect("decodes");
    let bits = ops.iter().find_map(|op| match op {
        Op::Raster { bits, .. } => Some(bits.clone()),
        _ => None,
    });
    assert_eq!(bits, Some(vec![0x10, 0x00]), "one dot lost, no command");
}

#[test]
fn the_layout_of_the_document_and_city_is_printed() {
    let layouts = super::layout::Layouts::from_toml(
        r#"
        [layouts.default]
        title = "数字相片采集回执"
        fields = ["document", "name", "id_number"]
        notes = ["请凭回执号到受理窗口办理。"]
        thumbnail = true

        [layouts.licence]
        document = "driving_licence"
        title = "驾驶证照片回执"
        fields = ["name", "city"]
        notes = ["请到车管所办理。"]
        thumbnail = false
        "#,
    )
    .expect("valid");
    let mut licence = receipt("44030026112500001X");
    licence.document_id = "driving_licence".into();
    let licence = licence.with_layout(&layouts);
    let ops = decode(&licence.escpos(profile(384, QrMode::Native))).expect("decodes");
    let t = texts(&ops);
    assert_eq!(t[0], "驾驶证照片回执");
    assert!(
        t.contains(&"姓名: 张*三") && t.contains(&"受理城市: 深圳市"),
        "{t:?}"
    );
    assert!(
        !t.iter().any(|l| l.starts_with("身份证号")),
        "not in this layout: {t:?}"
    );
    assert_eq!(t.last(), Some(&"请到车管所办理。"));
    assert!(
        !ops.iter().any(|op| matches!(op, Op::Raster { .. })),
        "no thumbnail"
    );
    assert!(
        ops.contains(&Op::QrStore("44030026112500001X".into())),
        "the codes stay"
    );

    let passport = receipt("44030026112500001X").with_layout(&layouts);
    let ops = decode(&passport.escpos(profile(384, QrMode::Native))).expect("decodes");
    let t = texts(&ops);
    assert_eq!(t[0], "数字相片采集回执");
    assert!(t.contains(&"身份证号: 110105********002X"), "{t:?}");
    assert!(ops.iter().any(|op| matches!(op, Op::Raster { .. })));
}

#[test]
fn without_chinese_mode_text_is_single_bytes_in_the_configured_code_page() {
    let mut config = crate::ops::Config::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config"),
    )
    .expect("shipped config")
    .kiosk
    .printer;
    config.chinese_mode = false;
    config.code_page = 16;
    let profile = Profile::from_config(&config);
    let mut job = super::escpos::EscPos::new(profile);
    job.line("No. 44030026112500001X").line("回执号: A1 é");
    let bytes = job.finish();
    assert_eq!(&bytes[..5], &[0x1B, b'@', 0x1B, b't', 16]);
    assert!(!bytes.windows(2).any(|w| w == [0x1C, b'&']));
    assert!(bytes.iter().all(|b| b.is_ascii()));
    let ops = decode(&bytes).expect("decodes");
    assert_eq!(&ops[..2], &[Op::Init, Op::CodePage(16)]);
    assert_eq!(texts(&ops), vec!["No. 44030026112500001X", "???: A1 ?"]);
    // PC437 by default; Chinese mode keeps FS & and GB18030.
    config.code_page = 0;
    let ops = decode(&receipt("A1").escpos(Profile::from_config(&config))).expect("decodes");
    assert_eq!(&ops[..2], &[Op::Init, Op::CodePage(0)]);
    config.chinese_mode = true;
    let ops = decode(&receipt("A1").escpos(Profile::from_config(&config))).expect("decodes");
    assert_eq!(&ops[..2], &[Op::Init, Op::ChineseMode]);
    assert!(!ops.iter().any(|op| matches!(op, Op::CodePage(_))));
    assert!(texts(&ops).contains(&"数字相片采集回执"));
}
