//! The whole booth, headless: egui_kittest drives the real app (replay camera on the demo's portrait,
//! the reference center in-process, the virtual printer) through the flow by its labels.

use crate::util;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use idbooth::i18n::Language;
use idbooth::session::Flow;
use idbooth::vision::Advice;

/// The demo booth, its replay camera playing the demo's arrival from the moment `cue` is
/// called (a new applicant steps in), not from when the booth started.
fn booth_with_arrival_on_cue(
    data: &std::path::Path,
) -> (
    egui_kittest::Harness<'static, idbooth::ui::Booth>,
    impl Fn(),
) {
    use idbooth::camera::{Camera, Faults, FrameSource, MakeSource, Motion, ReplaySource};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    let config = Arc::new(util::config());
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let mut parts = idbooth::demo_parts(config, data, util::PORTRAIT.as_ref()).expect("demo parts");
    let epoch = Arc::new(Mutex::new(Instant::now()));
    let subject = Arc::new(util::subject().clone());
    let script = Arc::clone(&epoch);
    let make: MakeSource = Arc::new(move || -> Box<dyn FrameSource> {
        let epoch = *script.lock().expect("epoch");
        Box::new(ReplaySource::new(
            Arc::clone(&subject),
            (640, 480),
            30,
            Motion::DEMO,
            Faults::default(),
            epoch,
        ))
    });
    let camera = Arc::new(Camera::start(make, timeout, Box::new(|| {})));
    parts.replace_camera(Arc::clone(&camera));
    let booth = idbooth::ui::Booth::new(parts)
        .with_data_dir(data)
        .expect("ops store");
    let cue = move || {
        *epoch.lock().expect("epoch") = Instant::now();
        camera.reopen();
    };
    (util::harness(booth), cue)
}

#[test]
fn an_applicant_walks_from_attract_to_a_printed_receipt() {
    let data = tempfile::tempdir().expect("temp");
    let (mut h, arrive) = booth_with_arrival_on_cue(data.path());
    h.step();
    util::tap(&mut h, "开始拍照");
    util::tap(&mut h, "普通护照");
    util::tap(&mut h, "深圳市");
    // 张三 by pinyin, then the ID number on the keypad.
    for key in ["Z", "H", "A", "N", "G"] {
        util::tap(&mut h, key);
    }
    util::tap(&mut h, "张");
    for key in ["S", "A", "N"] {
        util::tap(&mut h, key);
    }
    util::tap(&mut h, "三");
    util::keep_screen(&mut h, "details");
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    assert!(h.query_by_label_contains("11010519491231002X").is_some());
    util::tap(&mut h, "下一步");
    assert!(
        matches!(
            h.state().session().flow(),
            Flow::Consent {
                guardian: false,
                ..
            }
        ),
        "{:?}",
        h.state().session().flow()
    );
    util::tap(&mut h, "同意");
    // The photo rules, then the pose: the replay applicant walks in as the pose screen opens.
    assert!(matches!(h.state().session().flow(), Flow::Rules { .. }));
    arrive();
    util::tap(&mut h, "知道了，开始拍照");
    // The guidance says where to stand, then asks for light (the booth is dim and lit from
    // one side as the applicant arrives), then the countdown starts by itself.
    util::wait_for(&mut h, "请", Duration::from_secs(5));
    util::keep_screen(&mut h, "pose-arriving");
    let light_seen = advice_before_good(&mut h, &[Advice::MoreLight, Advice::UnevenLight]);
    assert!(
        !light_seen.is_empty(),
        "the arrival's light problems were named on screen"
    );
    util::keep_screen(&mut h, "pose-good");
    util::wait_for(&mut h, "确认提交", Duration::from_secs(40));
    util::keep_screen(&mut h, "review");
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
    let receipt_no = match h.state().session().flow() {
        Flow::Done { receipt_no, .. } => receipt_no.clone(),
        other => panic!("expected done, got {other:?}"),
    };
    assert!(receipt_no.starts_with("440300"), "{receipt_no}");
    assert!(
        h.query_by_label(&receipt_no).is_some(),
        "the receipt number is on screen"
    );
    let printed = std::fs::read_to_string(
        data.path()
            .join("receipts")
            .join(format!("receipt-{receipt_no}.txt")),
    )
    .expect("printed receipt");
    assert!(
        printed.contains(&format!("回执号: {receipt_no}")),
        "{printed}"
    );
    assert!(
        printed.contains("张*") && !printed.contains("张三"),
        "name masked: {printed}"
    );
    assert!(
        printed.contains("110105********002X"),
        "ID masked: {printed}"
    );
    // A passport takes a printed photo (issue #18): the demo's photo printer keeps the sheet
    // beside the receipt, the approved JPEG on it as it is.
    let sheet = printed_sheet(&data.path().join("receipts"));
    util::assert_pdf_page_mm(&sheet, [101.6, 152.4]);
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&sheet)
        .output()
        .expect("pdfimages runs");
    let images = String::from_utf8_lossy(&images.stdout);
    let rows: Vec<&str> = images.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one photo on the form's sheet: {images}");
    assert!(
        rows[0].contains("354   472") && rows[0].contains("jpeg"),
        "the passport JPEG as it is: {images}"
    );
    assert!(h.query_by_label_contains("照片打印机").is_none());
    util::tap(&mut h, "完成");
    assert_eq!(h.state().session().flow(), &Flow::Attract);
    assert!(h.query_by_label("开始拍照").is_some());
}

/// The photo sheet the demo's photo printer wrote into `receipts`, waited for (its worker runs
/// after the receipt's).
fn printed_sheet(receipts: &std::path::Path) -> std::path::PathBuf {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = std::fs::read_dir(receipts).ok().and_then(|dir| {
            dir.filter_map(Result::ok).map(|e| e.path()).find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("photo-"))
                    && p.extension().is_some_and(|e| e == "pdf")
            })
        });
        if let Some(path) = found {
            return path;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no photo sheet in {}",
            receipts.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Issue #18's demo: an approved passport session leaves the receipt and the printed photo
/// sheet side by side in `<data>/receipts` (the sheet as the PDF the printer would get and a PNG
/// to look at), and the demo's retention sweep of that folder, the one that wipes the receipt
/// with the session's other data after `kiosk.retention_hours`, wipes the sheet with it.
#[test]
fn the_demo_keeps_the_photo_sheet_and_its_preview_beside_the_receipt_and_wipes_them_with_it() {
    let data = tempfile::tempdir().expect("temp");
    let mut config = util::config();
    // An hour, so the booth's own minute sweeps keep what the test looks at.
    config.kiosk.kiosk.retention_hours = 1;
    let profile = idbooth::receipt::escpos::Profile::from_config(&config.kiosk.printer);
    let mut h = util::booth_harness_with(data.path(), config);
    h.step();
    let receipt_no = util::walk_to_done(&mut h);
    let receipts = data.path().join("receipts");
    let sheet = printed_sheet(&receipts);
    let preview = sheet.with_extension("png");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !preview.is_file() {
        assert!(
            std::time::Instant::now() < deadline,
            "no {}",
            preview.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let png = image::open(&preview)
        .expect("the preview is a PNG")
        .to_rgb8();
    // 101.6×152.4 mm (4×6 in) at 150 dpi.
    assert_eq!(png.dimensions(), (600, 900));
    // It shows the JPEG the sheet carries (taken out of the PDF as it is), laid out as printed.
    let out = tempfile::tempdir().expect("temp");
    let taken = std::process::Command::new("pdfimages")
        .arg("-j")
        .arg(&sheet)
        .arg(out.path().join("photo"))
        .status()
        .expect("pdfimages runs (poppler-utils)");
    assert!(taken.success());
    let jpeg = std::fs::read(out.path().join("photo-000.jpg")).expect("the sheet's JPEG");
    let passport = util::config();
    let spec = passport.documents.get("passport").expect("passport");
    let expected =
        idbooth::receipt::pdf::jpeg_sheet_png(&jpeg, spec.print_mm, Some(1), 150).expect("preview");
    assert!(
        std::fs::read(&preview).expect("preview") == expected,
        "the preview is the approved photo's sheet"
    );
    let receipt = receipts.join(format!("receipt-{receipt_no}.txt"));
    assert!(receipt.is_file(), "the receipt beside it");
    // Two hours on, the demo printer's sweep leaves nothing of the applicant in the folder.
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    let files: Vec<_> = std::fs::read_dir(&receipts)
        .expect("receipts")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(
        files.len() >= 5,
        "receipt files, sheet and preview: {files:?}"
    );
    for file in &files {
        std::fs::File::options()
            .write(true)
            .open(file)
            .and_then(|f| f.set_modified(two_hours_ago))
            .expect("age it");
    }
    let printer = idbooth::receipt::VirtualPrinter::new(receipts.clone(), profile)
        .keeping(Duration::from_secs(3600));
    assert_eq!(printer.wipe_older().expect("sweep"), files.len());
    assert!(!sheet.exists() && !preview.exists() && !receipt.exists());
}

#[test]
fn a_wrong_id_number_is_explained_on_screen() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::enter_details(&mut h, &["L", "I"], "李", "110105194912310021");
    assert!(h.query_by_label_contains("身份证号校验不通过").is_some());
    assert!(matches!(h.state().session().flow(), Flow::Details { .. }));
}

#[test]
fn pinyin_without_a_character_chosen_is_named_not_taken_for_the_name() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::type_pinyin(&mut h, ("开始拍照", "普通护照"), &["Z", "H", "A", "N", "G"]);
    util::tap(&mut h, "下一步");
    assert!(
        h.query_by_label_contains("拼音“zhang”还没有选字").is_some(),
        "the pending pinyin is named"
    );
    // Not the empty-name error ("请输入姓名。"): the box is not empty to the eye.
    assert!(h.query_by_label_contains("请输入姓名。").is_none());
    assert!(matches!(h.state().session().flow(), Flow::Details { .. }));
    // Choosing the character takes it into the name; the pinyin is gone.
    util::tap(&mut h, "张");
    assert!(h.query_by_label_contains("姓名: 张").is_some());
    assert!(h.query_by_label_contains("姓名: 张zhang").is_none());
}

#[test]
fn english_is_one_tap_away() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    // Every language of assets/i18n has its button, in its own words.
    for language in ["简体中文", "English", "繁體中文"] {
        let rect = h.get_by_label(language).rect();
        assert!(
            rect.height() >= 56.0 && rect.width() >= 120.0,
            "{language} is a touch target: {rect:?}"
        );
    }
    util::tap(&mut h, "繁體中文");
    assert!(h.query_by_label("開始拍照").is_some());
    util::tap(&mut h, "English");
    assert!(h.query_by_label("Start").is_some());
    util::tap(&mut h, "Start");
    assert!(h.query_by_label("Passport").is_some());
    // The booth's own city, in pinyin first for a reader of English.
    util::tap(&mut h, "Passport");
    assert!(h.query_by_label("Shenzhen 深圳市").is_some());
}

/// Steps `h` on the pose screen until the guidance says 很好 (within 30 s); returns which of
/// `advice` were shown on the way.
fn advice_before_good(
    h: &mut egui_kittest::Harness<'static, idbooth::ui::Booth>,
    advice: &[Advice],
) -> Vec<Advice> {
    let mut seen = Vec::new();
    let start = std::time::Instant::now();
    while h.query_by_label_contains("很好").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no good pose within 30 s; the flow is at {:?}",
            h.state().session().flow()
        );
        for &a in advice {
            let text = idbooth::ui::text::advice(Language::ZH_CN, a);
            if !seen.contains(&a) && h.query_by_label_contains(text).is_some() {
                seen.push(a);
            }
        }
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    seen
}

#[test]
fn every_applicant_at_the_demo_s_camera_sees_its_walk_in_from_the_start() {
    // The replay's applicant used to walk in once, at launch: whoever came later found her
    // settled, and saw 很好 at once.
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    // Longer than the walk-in takes.
    std::thread::sleep(Duration::from_secs(5));
    for visitor in 1..=2 {
        to_pose(&mut h);
        let arriving = [Advice::MoveCloser, Advice::MoreLight, Advice::UnevenLight];
        assert!(
            !advice_before_good(&mut h, &arriving).is_empty(),
            "visitor {visitor} saw no walk-in"
        );
        util::tap(&mut h, "取消");
        assert_eq!(h.state().session().flow(), &Flow::Attract);
        std::thread::sleep(Duration::from_secs(5));
    }
}

#[test]
fn the_still_there_warning_has_a_big_button_that_keeps_the_session() {
    let data = tempfile::tempdir().expect("temp");
    // The shortest timeout the config allows, warned from its first second.
    let mut config = util::config();
    config.kiosk.timeouts.inactivity_s = 15;
    config.kiosk.timeouts.warning_s = 14;
    let parts = idbooth::demo_parts(
        std::sync::Arc::new(config),
        data.path(),
        util::PORTRAIT.as_ref(),
    )
    .expect("demo parts");
    let mut h = booth_on(parts, data.path());
    util::tap(&mut h, "开始拍照");
    assert!(h.query_by_label("还在吗？").is_none());
    util::wait_for(&mut h, "还在吗？", Duration::from_secs(5));
    let button = h.get_by_label("我还在，继续").rect();
    assert!(
        button.height() >= 72.0 && button.width() >= 300.0,
        "a touch target: {button:?}"
    );
    assert!(h.query_by_label_contains("秒后将返回首页").is_some());
    util::keep_screen(&mut h, "still-there");
    util::tap(&mut h, "我还在，继续");
    h.step();
    assert!(h.query_by_label("还在吗？").is_none(), "the warning stays");
    assert_eq!(h.state().session().flow(), &Flow::Document);
}

#[test]
fn an_applicant_who_chose_english_reads_the_last_screen_in_english() {
    // The session's data is wiped as the done screen opens; the language used to go with it.
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::tap(&mut h, "English");
    util::type_pinyin(&mut h, ("Start", "Passport"), &["Z", "H", "A", "N", "G"]);
    util::tap(&mut h, "张");
    h.get_by_label_contains("ID number: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    util::tap(&mut h, "Next");
    util::tap(&mut h, "I agree");
    util::tap(&mut h, "Got it, take my photo");
    util::wait_for(&mut h, "Use this photo", Duration::from_secs(60));
    util::tap(&mut h, "Use this photo");
    util::wait_for(
        &mut h,
        "Done. Please take your receipt",
        Duration::from_secs(30),
    );
    assert!(h.query_by_label("完成，请取走回执").is_none());
    // The receipt speaks to the office in Chinese and to the applicant in English.
    let Flow::Done { receipt_no, .. } = h.state().session().flow().clone() else {
        panic!("expected done, got {:?}", h.state().session().flow());
    };
    let printed = std::fs::read_to_string(
        data.path()
            .join("receipts")
            .join(format!("receipt-{receipt_no}.txt")),
    )
    .expect("printed receipt");
    for line in [
        "数字相片采集回执\nDigital photo receipt\n",
        &format!("回执号 Receipt number: {receipt_no}\n"),
        "业务类型 Document: Passport 普通护照\n",
        "受理城市 City: Shenzhen 深圳市\n",
        "\nTake the receipt number to the service counter.\n",
    ] {
        assert!(printed.contains(line), "{line:?} in {printed}");
    }
    // Back on the attract screen the booth speaks its own language again.
    util::tap(&mut h, "Done");
    assert!(matches!(h.state().session().flow(), Flow::Attract));
    assert!(h.query_by_label("开始拍照").is_some());
}

/// Where each of `labels` is on screen.
fn rects(
    h: &egui_kittest::Harness<'static, idbooth::ui::Booth>,
    labels: &[&str],
) -> Vec<egui::Rect> {
    labels
        .iter()
        .map(|label| h.get_by_label(label).rect())
        .collect()
}

/// Whether every rect lies on the booth's screen.
fn on_screen(rects: &[egui::Rect]) -> bool {
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, util::BOOTH_SCREEN);
    rects.iter().all(|r| screen.contains_rect(*r))
}

/// Asserts that the city `code` was chosen: the details screen is next.
fn assert_city(h: &egui_kittest::Harness<'static, idbooth::ui::Booth>, code: &str) {
    assert!(
        matches!(h.state().session().flow(), Flow::Details { city, .. } if city == code),
        "{:?}",
        h.state().session().flow()
    );
}

/// The booth on its own 1280×800 screen, at the city picker for a passport.
fn city_screen(data: &std::path::Path) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    city_screen_sized(data, util::BOOTH_SCREEN)
}

/// The demo booth on a screen of `size`, at the city screen for a passport.
fn city_screen_sized(
    data: &std::path::Path,
    size: egui::Vec2,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    let mut h = util::booth_harness_sized(data, size);
    h.step();
    util::tap(&mut h, "开始拍照");
    util::tap(&mut h, "普通护照");
    h
}

/// The demo booth on a screen of `size`, at the details screen (a passport in 深圳).
fn details_screen(
    data: &std::path::Path,
    size: egui::Vec2,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    let mut h = city_screen_sized(data, size);
    util::tap(&mut h, "深圳市");
    h
}

#[test]
fn the_city_keyboard_stays_put_while_results_come_and_go() {
    // On the booth's own 1280×800 screen: a key that moves under a finger types the wrong letter.
    let data = tempfile::tempdir().expect("temp");
    let mut h = city_screen(data.path());
    assert!(
        h.query_by_label("·").is_none(),
        "a city is searched by letters only"
    );
    let fixed = ["Q", "J", "M", "←", "返回"];
    let before = rects(&h, &fixed);
    assert!(on_screen(&before), "{before:?}");

    util::tap(&mut h, "B");
    util::keep_screen(&mut h, "city-results");
    let beijing = h.get_by_label("北京市").rect();
    assert!(
        beijing.height() >= 56.0 && beijing.width() >= 56.0,
        "a result is a touch target: {beijing:?}"
    );
    assert!(
        beijing.max.y <= before[0].min.y,
        "results sit above the keyboard"
    );
    assert_eq!(
        rects(&h, &fixed),
        before,
        "results appeared and a key moved"
    );

    // More cities start with B than a page holds: the next page, the keys where they were.
    util::tap(&mut h, "下一页");
    assert!(h.query_by_label("北京市").is_none());
    assert_eq!(rects(&h, &fixed), before);
    util::tap(&mut h, "上一页");
    assert!(h.query_by_label("北京市").is_some());

    util::tap(&mut h, "←");
    assert!(h.query_by_label("北京市").is_none());
    assert_eq!(rects(&h, &fixed), before, "results went and a key moved");

    util::tap(&mut h, "B");
    util::tap(&mut h, "北京市");
    assert_city(&h, "110000");
}

#[test]
fn a_city_is_found_by_its_whole_pinyin_too() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = city_screen(data.path());
    for key in "CHONGQ".chars() {
        util::tap(&mut h, &key.to_string());
    }
    // Whole syllables and then an initial: 重庆 (chong qing), not 长春 (chang chun).
    assert!(h.query_by_label("长春市").is_none());
    util::tap(&mut h, "重庆市");
    assert_city(&h, "500000");
}

#[test]
fn the_name_keyboard_stays_put_while_candidates_come_and_go() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = details_screen(data.path(), util::BOOTH_SCREEN);
    let name_box = h.get_by_label_contains("姓名: ").rect();
    let id_box = h.get_by_label_contains("身份证号: ").rect();
    assert!(
        name_box.height() >= 56.0 && id_box.height() >= 56.0,
        "{name_box:?} {id_box:?}"
    );
    assert!(
        h.query_by_label("·").is_some(),
        "names have a separator key"
    );
    let fixed = ["Q", "J", "·", "空格", "←", "返回", "下一步"];
    let before = rects(&h, &fixed);
    assert!(on_screen(&before), "{before:?}");
    assert!(name_box.max.y < before[0].min.y && id_box.max.y < before[0].min.y);

    for key in ["Z", "H", "A", "N", "G"] {
        util::tap(&mut h, key);
    }
    util::keep_screen(&mut h, "details-candidates");
    let zhang = h.get_by_label("张").rect();
    assert!(
        zhang.height() >= 56.0 && zhang.width() >= 56.0,
        "a candidate is a touch target: {zhang:?}"
    );
    assert!(
        zhang.max.y <= before[0].min.y,
        "candidates sit above the keys"
    );
    assert!(zhang.min.y > name_box.max.y, "and below the fields");
    assert_eq!(
        rects(&h, &fixed),
        before,
        "candidates appeared and a key moved"
    );

    util::tap(&mut h, "张");
    assert!(h.query_by_label("姓名: 张").is_some());
    assert!(h.query_by_label("张").is_none(), "the candidates are gone");
    assert_eq!(rects(&h, &fixed), before, "candidates went and a key moved");

    // An error under the fields moves nothing either.
    util::tap(&mut h, "下一步");
    assert!(h.query_by_label("请输入身份证号。").is_some());
    util::keep_screen(&mut h, "details-error");
    assert_eq!(
        rects(&h, &fixed),
        before,
        "an error appeared and a key moved"
    );

    // The ID box takes the keypad; the buttons stay, and so do the digits as they are typed.
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    assert!(h.query_by_label("J").is_none() && h.query_by_label("X").is_some());
    let pad = ["1", "0", "X", "←", "返回", "下一步"];
    let pad_before = rects(&h, &pad);
    assert!(on_screen(&pad_before), "{pad_before:?}");
    assert_eq!(
        pad_before[4..],
        before[5..],
        "the buttons stay where they were"
    );
    for digit in "110105".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    assert!(h.query_by_label("身份证号: 110105").is_some());
    util::keep_screen(&mut h, "details-keypad");
    assert_eq!(rects(&h, &pad), pad_before);
    // Back to the name by tapping its box.
    h.get_by_label_contains("姓名: ").click();
    h.step();
    assert_eq!(rects(&h, &fixed), before);
}

#[test]
fn every_document_is_in_view_on_the_booth_s_screen_without_scrolling() {
    // Eight documents in one column ran past 800 px: the last needed a scroll that a touch
    // panel reporting as a mouse cannot do.
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness_sized(data.path(), util::BOOTH_SCREEN);
    h.step();
    util::tap(&mut h, "开始拍照");
    let config = util::config();
    let names: Vec<&str> = config
        .documents
        .all()
        .iter()
        .map(|spec| spec.name_zh.as_str())
        .chain(["返回"])
        .collect();
    assert_eq!(names.len(), 9);
    let all = rects(&h, &names);
    assert!(on_screen(&all), "{names:?} at {all:?}");
    assert!(all.iter().all(|r| r.height() >= 72.0), "{all:?}");
    util::keep_screen(&mut h, "documents");
    // The last one is chosen with a plain tap.
    util::tap(&mut h, "美国签证");
    assert!(
        matches!(h.state().session().flow(), Flow::City { document } if document == "us_visa"),
        "{:?}",
        h.state().session().flow()
    );
}

#[test]
fn key_screens_match_their_snapshots() {
    // Rendered with wgpu on Mesa; the pictures live in tests/snapshots. After a deliberate change
    // of a screen, run with UPDATE_SNAPSHOTS=1 and look at the new pictures before committing.
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    h.step();
    h.snapshot("attract");
    util::tap(&mut h, "开始拍照");
    h.snapshot("document");
    util::tap(&mut h, "普通护照");
    util::tap(&mut h, "深圳市");
    h.snapshot("details");
}

#[test]
fn the_photo_rules_come_after_the_consent_and_match_their_snapshot() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::enter_details(
        &mut h,
        &["Z", "H", "A", "N", "G"],
        "张",
        "11010519491231002X",
    );
    util::tap(&mut h, "同意");
    assert!(matches!(h.state().session().flow(), Flow::Rules { .. }));
    h.snapshot("rules");
    // Back to the consent, then on to the pose.
    util::tap(&mut h, "返回");
    assert!(matches!(h.state().session().flow(), Flow::Consent { .. }));
    util::tap(&mut h, "同意");
    util::tap(&mut h, "知道了，开始拍照");
    assert!(matches!(h.state().session().flow(), Flow::Pose { .. }));
}

/// The demo booth on a still replay camera (640×480, the applicant standing at `place`) and
/// `center`, its data in `data`.
fn booth_on_still(
    data: &std::path::Path,
    place: idbooth::camera::Placement,
    center: std::sync::Arc<ScriptedCenter>,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    let mut parts = demo_parts_on(
        data,
        util::replay(
            (640, 480),
            30,
            idbooth::camera::Motion::Still(place),
            Default::default(),
        ),
    );
    parts.center = center;
    booth_on(parts, data)
}

/// The demo's parts (the reference center in-process, the virtual printer) on the camera
/// `make` opens, their data in `data`.
fn demo_parts_on(
    data: &std::path::Path,
    make: idbooth::camera::MakeSource,
) -> idbooth::booth::Parts {
    use std::sync::Arc;
    let config = Arc::new(util::config());
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let mut parts = idbooth::demo_parts(config, data, util::PORTRAIT.as_ref()).expect("demo parts");
    parts.replace_camera(Arc::new(idbooth::camera::Camera::start(
        make,
        timeout,
        Box::new(|| {}),
    )));
    parts
}

/// Where the demo's applicant stands once settled: centred, the head filling the zone.
fn standing_right() -> idbooth::camera::Placement {
    idbooth::camera::Placement {
        face_share: 0.34,
        center_y: 0.43,
        ..Default::default()
    }
}

#[test]
fn a_photo_shot_before_a_blink_is_named_not_live() {
    // A print of the applicant held up to the camera, in the right place: the booth asks for a
    // blink and waits; shot with the button, the photo is not taken as the applicant's own.
    let data = tempfile::tempdir().expect("temp");
    let parts = demo_parts_on(
        data.path(),
        util::replay_of(
            std::sync::Arc::new(util::print_subject()),
            (640, 480),
            30,
            idbooth::camera::Motion::Still(standing_right()),
            Default::default(),
        ),
    );
    let mut h = booth_on(parts, data.path());
    to_pose(&mut h);
    util::wait_for(&mut h, "请眨一下眼睛", Duration::from_secs(30));
    util::keep_screen(&mut h, "pose-blink");
    util::tap(&mut h, "拍照");
    util::wait_for(&mut h, "确认提交", Duration::from_secs(60));
    h.step();
    util::keep_screen(&mut h, "review-not-live");
    assert!(
        h.query_by_label_contains("未能确认是本人现场拍摄")
            .is_some(),
        "the review names the missing blink"
    );
}

#[test]
fn the_review_shows_the_photo_undistorted_and_the_rejection_matches_its_snapshot() {
    // No snapshot of the review: it would commit the packaged portrait in a picture.
    let data = tempfile::tempdir().expect("temp");
    let center = std::sync::Arc::new(ScriptedCenter::new(Some(
        idbooth::center::api::Status::Rejected,
    )));
    let mut h = booth_on_still(data.path(), standing_right(), center);
    walk_to_review(&mut h);
    h.step();
    // Between the title and the buttons, left of the checklist, the photo is the only thing
    // drawn: its box on screen
    // has the passport's own shape (354×472 px), not stretched to the space it has.
    let top = h.get_by_label("请确认照片").rect().max.y as u32 + 2;
    let bottom = h.get_by_label("确认提交").rect().min.y as u32 - 2;
    // Left of the list of what was checked.
    let list = h.get_by_label("检查结果").rect().min.x as u32 - 2;
    let shot = h.render().expect("render");
    let panel = shot.get_pixel(20, (top + bottom) / 2).0;
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for y in top..bottom {
        // Inside the panel (the harness leaves a margin round it).
        for x in 16..list {
            let p = shot.get_pixel(x, y).0;
            if (0..3).any(|c| p[c].abs_diff(panel[c]) > 24) {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    let (w, h_px) = ((x1 + 1 - x0) as f32, (y1 + 1 - y0) as f32);
    assert!(
        w >= 300.0 && h_px >= 400.0,
        "the photo is shown large: {w}×{h_px}"
    );
    let shape = w / h_px;
    assert!(
        (shape - 354.0 / 472.0).abs() < 0.01,
        "the photo is shown {w}×{h_px}, not in the passport's 354×472 shape"
    );
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "照片未通过检测", Duration::from_secs(30));
    h.step();
    h.snapshot("rejected");
}

#[test]
fn the_preview_is_a_mirror_and_the_face_box_follows_the_face_in_it() {
    // The subject stands on the camera picture's left: in the mirrored preview she is on the right,
    // the box drawn around her there, and the advice points her to her left (the screen's).
    let data = tempfile::tempdir().expect("temp");
    let center = std::sync::Arc::new(ScriptedCenter::new(None));
    let place = idbooth::camera::Placement {
        center_x: 0.3,
        ..standing_right()
    };
    let mut h = booth_on_still(data.path(), place, center);
    to_pose(&mut h);
    let left = idbooth::ui::text::advice(Language::ZH_CN, Advice::MoveLeft);
    util::wait_for(&mut h, left, Duration::from_secs(20));
    h.step();
    let shot = h.render().expect("render");
    // The box is drawn in amber while the pose is not right: find its pixels.
    let amber = shot
        .enumerate_pixels()
        .filter(|(_, _, p)| {
            let [r, g, b, _] = p.0;
            r.abs_diff(250) < 16 && g.abs_diff(170) < 16 && b.abs_diff(40) < 16
        })
        .map(|(x, y, _)| (x, y));
    let (mut min_x, mut max_x, mut n) = (u32::MAX, 0, 0);
    for (x, _) in amber {
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        n += 1;
    }
    assert!(n > 200, "a face box is drawn ({n} amber pixels)");
    let middle = shot.width() / 2;
    let centre = (min_x + max_x) / 2;
    // The face centre at 0.3 of the picture is at 0.7 of the mirrored preview; the preview
    // is centred on the screen, so the box is right of the middle by a good margin.
    assert!(
        centre > middle + shot.width() / 20 && min_x > middle,
        "the box (x {min_x}..{max_x}) is on the mirror's right of {middle}"
    );
    util::keep_screen(&mut h, "pose-mirrored");
}

/// Types `code` on the check screen's keypad (after clearing what is there) and asks.
fn check_code(h: &mut egui_kittest::Harness<'static, idbooth::ui::Booth>, code: &str) {
    for _ in 0..8 {
        util::tap(h, "←");
    }
    for c in code.chars() {
        util::tap(h, &c.to_ascii_uppercase().to_string());
    }
    util::tap(h, "查询");
}

#[test]
fn a_pending_ticket_is_checked_later_and_prints_the_receipt_once_approved() {
    use idbooth::center::judge::Judge;
    use idbooth::center::ledger::{Ledger, Review};
    use idbooth::center::server::{CenterState, RunningCenter};
    use idbooth::center::tokens::Tokens;
    use std::sync::Arc;

    const STAFF: &str = "staff-token-0123456789abcdef";
    let data = tempfile::tempdir().expect("temp");
    let config_dir = util::config_copy();
    util::edit(
        config_dir.path(),
        "kiosk.toml",
        "wait_budget_s = 45",
        "wait_budget_s = 5",
    );
    let config = Arc::new(idbooth::ops::Config::load(config_dir.path()).expect("config"));
    let mut parts = idbooth::demo_parts(Arc::clone(&config), data.path(), util::PORTRAIT.as_ref())
        .expect("parts");
    // The center reviews by hand here: the applicant leaves with a ticket.
    let tokens = Tokens::parse(&format!(
        "[kiosks]\n{} = \"{}\"\n[staff]\nreviewer = \"{STAFF}\"\n",
        config.kiosk.kiosk.id, config.kiosk.center.token
    ))
    .expect("tokens");
    let state = CenterState::new(
        Ledger::open(&data.path().join("manual-center"), config.documents.clone()).expect("ledger"),
        Judge::new(config.documents.clone(), config.thresholds),
        tokens,
        config.cities.clone(),
        Review::Manual,
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let center = RunningCenter::start(listener, Arc::new(state), None).expect("serve");
    let url = center.url();
    let mut center_config = config.kiosk.center.clone();
    center_config.url = url.clone();
    center_config.poll_interval_ms = 100;
    parts.center = Arc::new(
        idbooth::center::Courier::start(&data.path().join("manual-outbox.sqlite"), &center_config)
            .expect("courier"),
    );
    parts.reference = Some(center);
    let mut h = booth_on(parts, data.path());

    walk_to_review(&mut h);
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "等待审核", Duration::from_secs(40));
    let id = match h.state().session().flow() {
        Flow::Pending { submission } => submission.clone(),
        other => panic!("expected pending, got {other:?}"),
    };
    let code = idbooth::receipt::ticket_code(&id);
    assert_eq!(code.len(), 8);
    assert!(
        h.query_by_label_contains(&code).is_some(),
        "the code is on screen"
    );
    util::keep_screen(&mut h, "pending");
    // The ticket the applicant takes carries the code and the id.
    let ticket_path = data
        .path()
        .join("receipts")
        .join(format!("ticket-{id}.txt"));
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while !ticket_path.is_file() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    let ticket = std::fs::read_to_string(&ticket_path).expect("ticket printed");
    assert!(ticket.contains(&code) && ticket.contains(&id), "{ticket}");
    util::tap(&mut h, "完成");

    // A code nobody has; then the right one, still under review.
    util::tap(&mut h, "查询提交");
    let pad = ["1", "F", "0", "←", "返回", "查询"];
    let pad_before = rects(&h, &pad);
    check_code(&mut h, "00000000");
    util::wait_for(&mut h, "没有找到", Duration::from_secs(10));
    assert_eq!(rects(&h, &pad), pad_before, "the note moved the keypad");
    check_code(&mut h, &code);
    util::wait_for(&mut h, "仍在审核中", Duration::from_secs(10));
    util::keep_screen(&mut h, "check");
    util::tap(&mut h, "返回");
    assert_eq!(h.state().session().flow(), &Flow::Attract);

    // The center's reviewer approves; the applicant comes back with the ticket.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let approved = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client")
                .post(format!("{url}/v1/review/{id}"))
                .bearer_auth(STAFF)
                .json(&serde_json::json!({"decision": "approve"}))
                .send()
                .await
                .expect("review")
                .status()
        });
    assert_eq!(approved.as_u16(), 200);
    util::tap(&mut h, "查询提交");
    let until = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        check_code(&mut h, &code);
        let start = std::time::Instant::now();
        while matches!(
            h.state().session().flow(),
            Flow::Check { looking: true, .. }
        ) && start.elapsed() < Duration::from_secs(10)
        {
            h.step();
            std::thread::sleep(Duration::from_millis(30));
        }
        // The courier polls the center; until it has heard, the booth says "still pending".
        if !matches!(h.state().session().flow(), Flow::Check { .. })
            || std::time::Instant::now() > until
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    util::wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
    let receipt_no = match h.state().session().flow() {
        Flow::Done { receipt_no, .. } => receipt_no.clone(),
        other => panic!("expected done, got {other:?}"),
    };
    let job = std::fs::read(
        data.path()
            .join("receipts")
            .join(format!("receipt-{receipt_no}.escpos")),
    )
    .expect("receipt printed");
    let ops = idbooth::receipt::decode::decode(&job).expect("escpos");
    assert!(ops.contains(&idbooth::receipt::decode::Op::QrStore(receipt_no.clone())));
    // Printed: a second try finds nothing left to print from.
    util::tap(&mut h, "完成");
    util::tap(&mut h, "查询提交");
    check_code(&mut h, &code);
    util::wait_for(&mut h, "已经打印过", Duration::from_secs(10));
}

/// A printer that fails while `ready` is off, keeps the failed receipt queued, and prints it
/// when asked again once ready (as the kiosk printer's queue does).
#[derive(Default)]
struct FlakyPrinter {
    ready: std::sync::atomic::AtomicBool,
    queued: std::sync::Mutex<Vec<String>>,
    printed: std::sync::Mutex<Vec<String>>,
    reprints: std::sync::atomic::AtomicUsize,
}

impl FlakyPrinter {
    fn ready(&self) -> bool {
        self.ready.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl idbooth::receipt::Printer for FlakyPrinter {
    fn print_receipt(
        &self,
        receipt: &idbooth::receipt::Receipt,
    ) -> Result<(), idbooth::receipt::PrintError> {
        if !self.ready() {
            self.queued
                .lock()
                .expect("queue")
                .push(receipt.receipt_no.clone());
            return Err(idbooth::receipt::PrintError::PaperOut);
        }
        self.printed
            .lock()
            .expect("printed")
            .push(receipt.receipt_no.clone());
        Ok(())
    }

    fn print_ticket(
        &self,
        _submission: &str,
        _lang: idbooth::i18n::Language,
    ) -> Result<(), idbooth::receipt::PrintError> {
        Ok(())
    }

    fn status(&self) -> Result<idbooth::receipt::serial::Status, idbooth::receipt::PrintError> {
        Ok(idbooth::receipt::serial::Status {
            online: true,
            paper_out: !self.ready(),
            ..Default::default()
        })
    }

    fn queued_jobs(&self) -> Vec<String> {
        let queued = self.queued.lock().expect("queue");
        queued
            .iter()
            .map(|no| idbooth::receipt::receipt_job(no))
            .collect()
    }

    fn reprint(&self, job: &str) -> Result<(), idbooth::receipt::PrintError> {
        self.reprints
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if !self.ready() {
            return Err(idbooth::receipt::PrintError::PaperOut);
        }
        let mut queued = self.queued.lock().expect("queue");
        let Some(at) = queued
            .iter()
            .position(|no| idbooth::receipt::receipt_job(no) == job)
        else {
            return Err(idbooth::receipt::PrintError::NotQueued(job.to_owned()));
        };
        let no = queued.remove(at);
        self.printed.lock().expect("printed").push(no);
        Ok(())
    }
}

/// Steps the app until `done` holds, or fails after `limit` saying `what`.
fn step_until(
    h: &mut egui_kittest::Harness<'static, idbooth::ui::Booth>,
    what: &str,
    limit: Duration,
    mut done: impl FnMut(&idbooth::ui::Booth) -> bool,
) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < limit,
            "{what}: not within {limit:?}; the flow is at {:?}",
            h.state().session().flow()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_failed_receipt_shows_its_number_and_prints_once_the_printer_is_back() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    let data = tempfile::tempdir().expect("temp");
    let config = Arc::new(util::config());
    let mut parts =
        idbooth::demo_parts(config, data.path(), util::PORTRAIT.as_ref()).expect("demo parts");
    let printer = Arc::new(FlakyPrinter::default());
    printer.ready.store(true, Ordering::SeqCst);
    parts.printer = Arc::clone(&printer) as Arc<dyn idbooth::receipt::Printer>;
    let center = Arc::clone(&parts.center);
    let mut h = booth_on(parts, data.path());

    walk_to_review(&mut h);
    // The paper runs out just before the receipt prints.
    printer.ready.store(false, Ordering::SeqCst);
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "打印机故障", Duration::from_secs(40));
    let job = match h.state().session().flow() {
        Flow::PrintFailed { job, .. } => Arc::clone(job),
        other => panic!("expected printer trouble, got {other:?}"),
    };
    let receipt_no = job.submission.receipt_no.clone().expect("receipt number");
    let code = idbooth::receipt::ticket_code(&job.submission.id);
    // The applicant can note the number, and the code to check with later.
    assert!(
        h.query_by_label(&receipt_no).is_some(),
        "the receipt number is on screen"
    );
    assert!(
        h.query_by_label_contains(&code).is_some(),
        "the code is on screen"
    );
    assert!(h.query_by_label("重新打印").is_some());
    util::keep_screen(&mut h, "print-failed");
    // Not printed, so the outbox keeps the submission: the code still finds it.
    assert!(
        center
            .find(&code)
            .is_some_and(|found| found.parcel.is_some()),
        "the outbox keeps an unprinted receipt's submission"
    );
    assert_eq!(printer.reprints.load(Ordering::SeqCst), 0);

    // The booth sees the printer down (it goes out of service), then the paper is loaded.
    step_until(
        &mut h,
        "the booth sees the printer down",
        Duration::from_secs(20),
        |b| !b.session().serviceable(),
    );
    printer.ready.store(true, Ordering::SeqCst);
    util::wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
    assert_eq!(
        printer.reprints.load(Ordering::SeqCst),
        1,
        "printed again once, by itself"
    );
    assert_eq!(
        printer.printed.lock().expect("printed").as_slice(),
        std::slice::from_ref(&receipt_no)
    );
    // Printed now: the outbox's copy goes.
    let start = std::time::Instant::now();
    while center
        .find(&code)
        .is_some_and(|found| found.parcel.is_some())
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the outbox's copy is released after the print"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A center that answers every submission at once with `answer` (or never, with `None`), and
/// keeps what it was sent.
struct ScriptedCenter {
    answer: Option<idbooth::center::api::Status>,
    parcels: std::sync::Mutex<Vec<idbooth::center::api::Parcel>>,
}

impl ScriptedCenter {
    fn new(answer: Option<idbooth::center::api::Status>) -> Self {
        ScriptedCenter {
            answer,
            parcels: Default::default(),
        }
    }
}

impl idbooth::center::Center for ScriptedCenter {
    fn submit(
        &self,
        parcel: idbooth::center::api::Parcel,
        _wait: Duration,
    ) -> Result<Option<idbooth::center::api::Submission>, String> {
        let id = parcel.id.clone();
        self.parcels.lock().expect("parcels").push(parcel);
        Ok(self.answer.map(|status| idbooth::center::api::Submission {
            id,
            status,
            receipt_no: None,
            image_no: None,
            valid_until: None,
            reasons: vec![idbooth::center::api::ReasonText {
                code: idbooth::spec::Reason::HeadTilted,
                message: "tilted".into(),
            }],
            created_at: chrono::Local::now().to_rfc3339(),
        }))
    }

    fn answer(&self, _id: &str) -> Option<idbooth::center::api::Submission> {
        None
    }

    fn release(&self, _id: &str) {}

    fn status(&self) -> idbooth::center::CenterStatus {
        Default::default()
    }

    fn retry_now(&self) -> usize {
        0
    }

    fn find(&self, _code: &str) -> Option<idbooth::center::Found> {
        None
    }
}

/// The demo booth with `center` instead of the reference center, past the consent.
fn booth_with_center(
    data: &std::path::Path,
    center: std::sync::Arc<ScriptedCenter>,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    booth_with_center_and_config(data, center, util::config())
}

/// [`booth_with_center`] with its own configuration.
fn booth_with_center_and_config(
    data: &std::path::Path,
    center: std::sync::Arc<ScriptedCenter>,
    config: idbooth::ops::Config,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    let config = std::sync::Arc::new(config);
    let mut parts = idbooth::demo_parts(config, data, util::PORTRAIT.as_ref()).expect("demo parts");
    parts.center = center;
    let mut h = booth_on(parts, data);
    to_pose(&mut h);
    h
}

#[test]
fn at_the_retake_limit_the_rejection_sends_the_applicant_to_the_staff() {
    let data = tempfile::tempdir().expect("temp");
    let center = std::sync::Arc::new(ScriptedCenter::new(Some(
        idbooth::center::api::Status::Rejected,
    )));
    // The booth's own limit from kiosk.toml's [session], not the default.
    let mut config = util::config();
    config.kiosk.session.max_attempts = 2;
    let limit = config.kiosk.session.max_attempts;
    assert_ne!(limit, idbooth::session::Limits::default().max_attempts);
    let mut h = booth_with_center_and_config(data.path(), std::sync::Arc::clone(&center), config);
    for attempt in 1..=limit {
        // The replay applicant stands right: the countdown starts by itself.
        util::wait_for(&mut h, "确认提交", Duration::from_secs(60));
        h.step();
        h.step();
        // The last photo's review says so, and offers no retake either.
        assert_eq!(
            h.query_by_label("重拍").is_some(),
            attempt < limit,
            "attempt {attempt}: {:?}",
            match h.state().session().flow() {
                Flow::Review { retake, .. } => Some(*retake),
                _ => None,
            }
        );
        assert_eq!(
            h.query_by_label_contains("最后一张照片").is_some(),
            attempt == limit,
            "attempt {attempt}"
        );
        util::tap(&mut h, "确认提交");
        util::wait_for(&mut h, "照片未通过检测", Duration::from_secs(30));
        if attempt < limit {
            assert!(h.query_by_label("重拍").is_some(), "attempt {attempt}");
            util::tap(&mut h, "重拍");
        }
    }
    // The last rejection: no retake offered, and the applicant is told to ask the staff.
    assert!(h.query_by_label("重拍").is_none(), "no retake at the limit");
    assert!(h.query_by_label_contains("请联系工作人员").is_some());
    util::keep_screen(&mut h, "retake-limit");
    assert_eq!(
        center.parcels.lock().expect("parcels").len(),
        limit as usize
    );
    util::tap(&mut h, "结束");
    assert_eq!(h.state().session().flow(), &Flow::Attract);
}

#[test]
fn the_upload_shows_the_time_waited_and_the_photo_keeps_the_time_of_its_shot() {
    let data = tempfile::tempdir().expect("temp");
    // A center that never answers in time.
    let center = std::sync::Arc::new(ScriptedCenter::new(None));
    let mut h = booth_with_center(data.path(), std::sync::Arc::clone(&center));
    util::wait_for(&mut h, "确认提交", Duration::from_secs(60));
    // The applicant looks at the photo a while before sending it.
    std::thread::sleep(Duration::from_secs(2));
    let accepted = chrono::Local::now();
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "已等待", Duration::from_secs(10));
    let budget = util::config().kiosk.center.wait_budget_s;
    assert!(
        h.query_by_label_contains(&format!("最多等待 {budget} 秒"))
            .is_some(),
        "the wait budget is on screen"
    );
    // The count goes on while the center is silent.
    step_until(
        &mut h,
        "two seconds of waiting",
        Duration::from_secs(20),
        |b| b.session().waited() >= 2,
    );
    h.step();
    let waited = h.state().session().waited();
    assert!(
        h.query_by_label_contains(&format!("已等待 {waited} 秒"))
            .is_some(),
        "{waited} s waited on screen"
    );
    assert!(matches!(h.state().session().flow(), Flow::Uploading { .. }));
    util::keep_screen(&mut h, "uploading");
    // The submission carries the time of the shot, not of the upload.
    let parcels = center.parcels.lock().expect("parcels");
    let captured =
        chrono::DateTime::parse_from_rfc3339(&parcels[0].meta.captured_at).expect("RFC 3339");
    assert!(
        captured < accepted - chrono::Duration::seconds(1),
        "captured at {captured}, accepted at {accepted}"
    );
}

#[test]
fn a_stalled_camera_rests_the_booth_calmly_and_it_recovers_when_frames_return() {
    use std::sync::Arc;

    let data = tempfile::tempdir().expect("temp");
    let config = Arc::new(util::config());
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let mut parts =
        idbooth::demo_parts(config, data.path(), util::PORTRAIT.as_ref()).expect("demo parts");
    // Reads begun between 1 s and 8 s never return (a stuck v4l read); after that they work.
    let faults = idbooth::camera::Faults {
        stall: Some((1.0, 8.0)),
        vanish: None,
    };
    let camera = Arc::new(idbooth::camera::Camera::start(
        util::still_replay(20, faults),
        timeout,
        Box::new(|| {}),
    ));
    parts.replace_camera(Arc::clone(&camera));
    let mut h = booth_on(parts, data.path());
    // The UI keeps stepping while the reader is stuck, and the attract screen says calmly that
    // the booth rests instead of offering a start.
    util::wait_for(&mut h, "暂停服务", Duration::from_secs(30));
    assert!(h.query_by_label("开始拍照").is_none());
    assert!(!h.state().session().serviceable());
    let resting_at = h.state().session().waited();
    util::keep_screen(&mut h, "camera-stalled");
    // Frames come back: the booth takes applicants again, and the clock ran all along.
    util::wait_for(&mut h, "开始拍照", Duration::from_secs(60));
    assert_eq!(
        camera.status().state,
        idbooth::camera::CameraState::Running,
        "back in service only once frames flow, not at each reopening"
    );
    assert!(h.state().session().serviceable());
    assert!(h.query_by_label_contains("暂停服务").is_none());
    assert!(h.state().session().waited() > resting_at);
    // The event log tells the operator, in their language, what happened and what was down.
    let shown: Vec<String> = h
        .state()
        .ops()
        .events(50)
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == "camera" || e.kind == "service")
        .map(|e| {
            e.message
                .expect("logged as a message")
                .text(idbooth::i18n::Language::ZH_CN)
        })
        .collect();
    for expected in [
        "摄像头无画面：正在重新打开",
        "暂停服务：摄像头 ✗，打印机 ✓，中心 ✓",
        "摄像头恢复画面",
        "恢复服务",
    ] {
        assert!(shown.iter().any(|e| e == expected), "{expected}: {shown:?}");
    }
    util::tap(&mut h, "开始拍照");
    assert_eq!(h.state().session().flow(), &Flow::Document);
}

/// The booth on `parts`, its data in `data`, in the headless harness, first frame drawn.
fn booth_on(
    parts: idbooth::booth::Parts,
    data: &std::path::Path,
) -> egui_kittest::Harness<'static, idbooth::ui::Booth> {
    let booth = idbooth::ui::Booth::new(parts)
        .with_data_dir(data)
        .expect("ops store");
    let mut h = util::harness(booth);
    h.step();
    h
}

/// 张三's details and the consent: the pose screen opens.
fn to_pose(h: &mut egui_kittest::Harness<'static, idbooth::ui::Booth>) {
    util::enter_details(h, &["Z", "H", "A", "N", "G"], "张", "11010519491231002X");
    util::tap(h, "同意");
    util::tap(h, "知道了，开始拍照");
}

/// 张三's details and consent, then the pose until the guidance has taken the photo and the
/// review screen shows it.
fn walk_to_review(h: &mut egui_kittest::Harness<'static, idbooth::ui::Booth>) {
    to_pose(h);
    // The guidance starts the countdown once the demo's applicant stands right in good light.
    util::wait_for(h, "确认提交", Duration::from_secs(60));
}

#[test]
fn in_portrait_the_name_box_stays_near_the_keyboard() {
    // On a 1080×1920 screen the box sat 1,400 px above the keys.
    let data = tempfile::tempdir().expect("temp");
    let mut h = details_screen(data.path(), egui::Vec2::new(1080.0, 1920.0));
    util::keep_screen(&mut h, "details-portrait");
    let name = h.get_by_label_contains("姓名: ").rect();
    let key = h.get_by_label("Q").rect();
    let next = h.get_by_label("下一步").rect();
    assert!(
        key.top() - name.bottom() < 700.0,
        "name box at {name:?}, Q at {key:?}"
    );
    // Still the whole block on the screen, the buttons below the keys.
    assert!(name.top() > 0.0 && next.bottom() < 1920.0 && next.top() > key.bottom());
}

#[test]
fn the_details_fit_a_1024_by_768_screen() {
    // The two boxes kept 520 px each: at 1024 px the ID number's box ran off the right edge.
    let screen = egui::Vec2::new(1024.0, 768.0);
    let data = tempfile::tempdir().expect("temp");
    let mut h = details_screen(data.path(), screen);
    util::keep_screen(&mut h, "details-1024");
    let on = egui::Rect::from_min_size(egui::Pos2::ZERO, screen);
    for label in ["姓名: ", "身份证号: "] {
        let rect = h.get_by_label_contains(label).rect();
        assert!(on.contains_rect(rect), "{label}: {rect:?}");
        assert!(rect.width() >= 400.0, "{label}: {rect:?}");
    }
    // The ID number still fits its box, grouped as typed.
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    assert!(
        h.query_by_label_contains("身份证号: 11010519491231002X")
            .is_some()
    );
    util::keep_screen(&mut h, "details-1024-typed");
}

#[test]
fn the_attract_screen_stands_in_the_middle_of_a_tall_screen() {
    let size = egui::Vec2::new(1080.0, 1920.0);
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness_sized(data.path(), size);
    h.step();
    h.step();
    util::keep_screen(&mut h, "attract-portrait");
    let start = h.get_by_label("开始拍照").rect();
    assert!(
        (start.center().y - size.y / 2.0).abs() < 300.0,
        "Start at {start:?} on a screen {size:?}"
    );
}

#[test]
fn on_a_1080p_screen_the_booth_is_drawn_larger() {
    // The layouts are drawn for 1280×800; at 1920×1080 they kept their size in a corner of empty
    // screen.
    let size = egui::Vec2::new(1920.0, 1080.0);
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness_sized(data.path(), size);
    for _ in 0..3 {
        h.step();
    }
    util::keep_screen(&mut h, "attract-1080p");
    let zoom = h.ctx.zoom_factor();
    assert!((zoom - 1.35).abs() < 0.01, "zoom {zoom}");
    // The design's 800 points fill the height.
    let points = h.ctx.viewport_rect().size();
    assert!((points.y - 800.0).abs() < 2.0, "{points:?}");
    // The booth's own screen keeps its size.
    let mut h = util::booth_harness_sized(data.path(), util::BOOTH_SCREEN);
    h.step();
    h.step();
    assert_eq!(h.ctx.zoom_factor(), 1.0);
}
