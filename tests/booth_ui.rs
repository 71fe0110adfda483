//! The whole booth, headless: egui_kittest drives the real app (replay camera on Grace Hopper,
//! the reference center in-process, the virtual printer) through the flow by its labels.

mod util;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use idbooth::session::Flow;

#[test]
fn an_applicant_walks_from_attract_to_a_printed_receipt() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
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
    // The replay applicant walks in; the guidance says so, then the countdown starts by itself.
    util::wait_for(&mut h, "请", Duration::from_secs(5));
    util::keep_screen(&mut h, "pose-arriving");
    util::wait_for(&mut h, "很好", Duration::from_secs(20));
    util::keep_screen(&mut h, "pose-good");
    util::wait_for(&mut h, "确认提交", Duration::from_secs(40));
    util::keep_screen(&mut h, "review");
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
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
    util::tap(&mut h, "完成");
    assert_eq!(h.state().session().flow(), &Flow::Attract);
    assert!(h.query_by_label("开始拍照").is_some());
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
fn english_is_one_tap_away() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::tap(&mut h, "English");
    assert!(h.query_by_label("Start").is_some());
    util::tap(&mut h, "Start");
    assert!(h.query_by_label("Passport").is_some());
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
