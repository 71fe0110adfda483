//! Every applicant screen on each screen a booth may have (1024×768 to 1920×1080, and a portrait
//! 1080×1920 kiosk): each widget lies on the screen, none is cut off at an edge, and on the tall
//! ones a short screen stands in the middle, not at the top. With
//! `IDBOOTH_SCREENS=DIR` the walk keeps each screen as `DIR/<screen>-<w>x<h>.png`.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use idbooth::session::Flow;
use idbooth::ui::{Booth, KEYBOARD_SCREEN_HEIGHT};

use crate::util;

/// The name a widget shows (its label, else its value), if any.
fn text(node: &egui_kittest::kittest::AccessKitNode<'_>) -> Option<String> {
    node.label()
        .or_else(|| node.value())
        .filter(|t| !t.trim().is_empty())
}

/// Asserts that every widget with a name (buttons, boxes, texts) lies inside the screen.
fn assert_fits(h: &mut Harness<'static, Booth>, screen: &str) {
    let size = h.ctx.content_rect().size() * h.ctx.zoom_factor();
    util::keep_screen(h, &format!("{screen}-{:.0}x{:.0}", size.x, size.y));
    let view = h.ctx.content_rect().expand(0.5);
    let mut named = 0;
    for node in h.query_all(by().predicate(|node| text(node).is_some())) {
        let rect = node.rect();
        let label = text(&node.accesskit_node()).unwrap_or_default();
        assert!(
            view.contains_rect(rect),
            "{screen} at {size:?}: {label:?} at {rect:?} is not inside {view:?}"
        );
        named += 1;
    }
    assert!(named > 3, "{screen}: only {named} named widgets");
    if size.y >= 1080.0 && screen != "pose" {
        assert_centred(h, screen);
    }
}

/// How far the middle of a screen's content may lie from the middle of its space, points.
const OFF_CENTRE: f32 = 48.0;

/// Asserts that the screen's named widgets, the step indicator aside, stand in the middle of
/// the band they are drawn in (the middle of a tall screen, `KEYBOARD_SCREEN_HEIGHT` high), under
/// the indicator when there is one: as much room above them as below, within [`OFF_CENTRE`].
fn assert_centred(h: &Harness<'static, Booth>, screen: &str) {
    let whole = h.ctx.content_rect();
    let band = egui::Rect::from_center_size(
        whole.center(),
        egui::vec2(whole.width(), whole.height().min(KEYBOARD_SCREEN_HEIGHT)),
    );
    let is_step = |label: &str| label.contains("步，共 5 步：");
    let mut top = band.min.y;
    let mut content = egui::Rect::NOTHING;
    for node in h.query_all(by().predicate(|node| text(node).is_some())) {
        let rect = node.rect();
        match text(&node.accesskit_node()) {
            Some(label) if is_step(&label) => top = rect.max.y,
            _ => content = content.union(rect),
        }
    }
    let (above, below) = (content.min.y - top, band.max.y - content.max.y);
    let off = (above - below) / 2.0;
    assert!(
        off.abs() <= OFF_CENTRE,
        "{screen} at {:?}: {content:?} is {off:.0} points off the middle of {top:.0}..{:.0} \
         ({above:.0} above, {below:.0} below)",
        whole.size(),
        band.max.y
    );
}

/// Asserts which step the indicator shows (`None`: no indicator).
fn assert_step(h: &Harness<'static, Booth>, step: Option<(usize, &str)>) {
    let shown = h.query_all_by_label_contains("步，共 5 步：").count();
    match step {
        Some((n, name)) => {
            let label = format!("第 {n} 步，共 5 步：{name}");
            assert!(h.query_by_label(&label).is_some(), "{label} not shown");
            assert_eq!(shown, 1);
        }
        None => assert_eq!(shown, 0, "a step indicator off the way"),
    }
}

/// Walks an applicant through the demo on a screen of `size`, checking each screen on the way.
fn every_screen_fits(size: egui::Vec2) {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness_sized(data.path(), size);
    for _ in 0..3 {
        h.step();
    }
    assert_fits(&mut h, "attract");
    assert_step(&h, None);
    util::tap(&mut h, "查询提交");
    assert_fits(&mut h, "check");
    assert_step(&h, None);
    util::tap(&mut h, "返回");
    util::tap(&mut h, "开始拍照");
    assert_fits(&mut h, "document");
    assert_step(&h, Some((1, "证件")));
    util::tap(&mut h, "普通护照");
    assert_fits(&mut h, "city");
    assert_step(&h, Some((2, "城市")));
    util::tap(&mut h, "深圳市");
    for key in ["Z", "H", "A", "N", "G"] {
        util::tap(&mut h, key);
    }
    assert_fits(&mut h, "details-pinyin");
    util::tap(&mut h, "张");
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    assert_fits(&mut h, "details");
    assert_step(&h, Some((3, "信息")));
    util::tap(&mut h, "下一步");
    assert_fits(&mut h, "consent");
    assert_step(&h, Some((3, "信息")));
    util::tap(&mut h, "同意");
    assert_fits(&mut h, "rules");
    assert_step(&h, Some((4, "拍照")));
    util::tap(&mut h, "知道了，开始拍照");
    util::wait_for(&mut h, "请", Duration::from_secs(5));
    assert_fits(&mut h, "pose");
    assert_step(&h, Some((4, "拍照")));
    util::wait_for(&mut h, "确认提交", Duration::from_secs(60));
    assert_fits(&mut h, "review");
    assert_step(&h, Some((5, "确认")));
    util::tap(&mut h, "确认提交");
    util::wait_for(&mut h, "完成，请取走回执", Duration::from_secs(30));
    assert!(matches!(h.state().session().flow(), Flow::Done { .. }));
    assert_fits(&mut h, "done");
    assert_step(&h, None);
}

#[test]
fn every_screen_fits_1024_by_768() {
    every_screen_fits(egui::Vec2::new(1024.0, 768.0));
}

#[test]
fn every_screen_fits_1280_by_800() {
    every_screen_fits(util::BOOTH_SCREEN);
}

#[test]
fn every_screen_fits_1920_by_1080() {
    every_screen_fits(egui::Vec2::new(1920.0, 1080.0));
}

#[test]
fn every_screen_fits_a_portrait_1080_by_1920() {
    every_screen_fits(egui::Vec2::new(1080.0, 1920.0));
}
