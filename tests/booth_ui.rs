//! The whole booth, headless: egui_kittest drives the real app (replay camera on Grace Hopper,
//! the reference center in-process, the virtual printer) through the flow by its labels.

mod util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idbooth::session::Flow;
use idbooth::ui::{Booth, fonts};

fn harness(data: &std::path::Path) -> Harness<'static, Booth> {
    let config = Arc::new(util::config());
    let parts = idbooth::demo_parts(config, data, util::GRACE.as_ref()).expect("demo parts");
    let booth = Booth::new(parts);
    let (_, font) = fonts::find_cjk_font(&fonts::CJK_FONTS).expect("a CJK font (.ci/setup test)");
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 900.0))
        .with_context_setup(move |ctx| ctx.set_fonts(fonts::definitions(font)))
        .build_ui_state(
            |ui, booth: &mut Booth| {
                booth.logic(ui.ctx());
                booth.ui(ui);
            },
            booth,
        )
}

/// Steps the app in real time until `label` is on screen, or fails after `limit`.
fn wait_for(h: &mut Harness<'static, Booth>, label: &str, limit: Duration) {
    let start = Instant::now();
    while start.elapsed() < limit {
        h.step();
        if h.query_by_label_contains(label).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!(
        "{label:?} did not appear within {limit:?}; the flow is at {:?}",
        h.state().session().flow()
    );
}

/// With `IDBOOTH_SCREENS=DIR`, saves what the applicant sees (rendered with wgpu) as DIR/NAME.png:
/// for people to look at, not an assertion.
fn keep_screen(h: &mut Harness<'static, Booth>, name: &str) {
    let Some(dir) = std::env::var_os("IDBOOTH_SCREENS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("screens dir");
    match h.render() {
        Ok(image) => image
            .save(dir.join(format!("{name}.png")))
            .expect("save screen"),
        Err(error) => eprintln!("cannot render {name}: {error}"),
    }
}

fn tap(h: &mut Harness<'static, Booth>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

#[test]
fn an_applicant_walks_from_attract_to_a_printed_receipt() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = harness(data.path());
    h.step();
    tap(&mut h, "开始拍照");
    tap(&mut h, "普通护照");
    tap(&mut h, "深圳市");
    // 张三 by pinyin, then the ID number on the keypad.
    for key in ["Z", "H", "A", "N", "G"] {
        tap(&mut h, key);
    }
    tap(&mut h, "张");
    for key in ["S", "A", "N"] {
        tap(&mut h, key);
    }
    tap(&mut h, "三");
    keep_screen(&mut h, "details");
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        tap(&mut h, &digit.to_string());
    }
    assert!(h.query_by_label_contains("11010519491231002X").is_some());
    tap(&mut h, "下一步");
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
    tap(&mut h, "同意");
    // The replay applicant walks in; the guidance says so, then the countdown starts by itself.
    wait_for(&mut h, "请", Duration::from_secs(5));
    keep_screen(&mut h, "pose-arriving");
    wait_for(&mut h, "很好", Duration::from_secs(20));
    keep_screen(&mut h, "pose-good");
    wait_for(&mut h, "确认提交", Duration::from_secs(40));
    keep_screen(&mut h, "review");
    tap(&mut h, "确认提交");
    wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
    let receipt_no = match h.state().session().flow() {
        Flow::Done { receipt_no } => receipt_no.clone(),
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
    tap(&mut h, "完成");
    assert_eq!(h.state().session().flow(), &Flow::Attract);
    assert!(h.query_by_label("开始拍照").is_some());
}

#[test]
fn a_wrong_id_number_is_explained_on_screen() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = harness(data.path());
    h.step();
    tap(&mut h, "开始拍照");
    tap(&mut h, "普通护照");
    tap(&mut h, "深圳市");
    for key in ["L", "I"] {
        tap(&mut h, key);
    }
    tap(&mut h, "李");
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "110105194912310021".chars() {
        tap(&mut h, &digit.to_string());
    }
    tap(&mut h, "下一步");
    assert!(
        h.query_by_label_contains("does not add up").is_some()
            || h.query_by_label_contains("check every digit").is_some()
    );
    assert!(matches!(h.state().session().flow(), Flow::Details { .. }));
}

#[test]
fn english_is_one_tap_away() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = harness(data.path());
    h.step();
    tap(&mut h, "English");
    assert!(h.query_by_label("Start").is_some());
    tap(&mut h, "Start");
    assert!(h.query_by_label("Passport").is_some());
}
