//! The operator's maintenance screen, headless (egui_kittest) on the demo booth: the hidden way
//! in, the PIN with its lockout, each fault in words, counters and events that outlast a restart,
//! the diagnostics bundle without secrets or personal data, the actions, and the screen leaving
//! by itself.

use crate::util;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idbooth::booth::Parts;
use idbooth::camera::{Camera, Device, Faults, ListDevices, MakeForDevice};
use idbooth::i18n::Language;
use idbooth::ops::OpsStore;
use idbooth::ops::config::Config;
use idbooth::receipt::serial::Status;
use idbooth::receipt::{PrintError, Printer, Receipt};
use idbooth::session::Flow;
use idbooth::ui::Booth;
use idbooth::ui::maintenance::Page;

/// The demo's PIN (kiosk-config/kiosk.toml).
const PIN: &str = "246810";

fn open_keypad(h: &mut Harness<'static, Booth>) {
    h.key_press_modifiers(Modifiers::CTRL | Modifiers::ALT, Key::M);
    h.step();
    h.step();
    assert!(
        h.query_by_label("维护 — 请输入 PIN").is_some(),
        "the keypad did not open"
    );
}

fn type_pin(h: &mut Harness<'static, Booth>, pin: &str) {
    for digit in pin.chars() {
        util::tap(h, &digit.to_string());
    }
    util::tap(h, "确定");
}

/// Steps until the PIN check on its worker thread has answered.
fn settle(h: &mut Harness<'static, Booth>) {
    let start = Instant::now();
    while h.query_by_label("正在核对…").is_some() && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.step();
}

fn enter(h: &mut Harness<'static, Booth>) {
    open_keypad(h);
    type_pin(h, PIN);
    settle(h);
    assert_eq!(h.state().maintenance().page(), Some(Page::Status));
}

fn event_texts(store: &OpsStore) -> Vec<String> {
    store
        .events(200)
        .expect("events")
        .into_iter()
        .map(|e| format!("{} {}", e.kind, e.text))
        .collect()
}

#[test]
fn wrong_pins_lock_the_keypad_and_the_lock_outlasts_a_restart() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    open_keypad(&mut h);
    util::keep_screen(&mut h, "maintenance-pin");
    for tries_left in (1..=4).rev() {
        type_pin(&mut h, "135791");
        settle(&mut h);
        assert!(
            h.query_by_label(&format!("PIN 错误，还可尝试 {tries_left} 次"))
                .is_some(),
            "after a wrong PIN, {tries_left} tries left"
        );
    }
    // The digits typed are masked.
    util::tap(&mut h, "1");
    util::tap(&mut h, "3");
    assert!(h.query_by_label("●●").is_some() && h.query_by_label_contains("13").is_none());
    util::tap(&mut h, "←");
    util::tap(&mut h, "←");
    type_pin(&mut h, "135791");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("已锁定：还需 ").is_some(),
        "the fifth wrong PIN locks"
    );
    // Locked: the keypad is visibly off and takes no digit, not even the right PIN's.
    for key in ["1", "0", "←"] {
        assert!(
            egui_kittest::kittest::NodeT::accesskit_node(&h.get_by_label(key)).is_disabled(),
            "{key} is greyed while locked"
        );
    }
    type_pin(&mut h, PIN);
    settle(&mut h);
    assert!(h.query_by_label_contains("●").is_none());
    assert_eq!(h.state().maintenance().page(), None);
    let events = event_texts(h.state().ops());
    assert!(
        events[0].contains("pin wrong (5 in a row): locked for 30 s"),
        "{events:?}"
    );
    assert_eq!(events.iter().filter(|e| e.contains("pin wrong")).count(), 5);
    for e in &events {
        assert!(
            !e.contains("135791") && !e.contains(PIN),
            "a PIN in the log: {e}"
        );
    }
    drop(h);

    // A restart does not lift the lockout.
    let mut h = util::booth_harness(data.path());
    h.step();
    open_keypad(&mut h);
    assert!(h.query_by_label_contains("已锁定：还需 ").is_some());
    // Once its time is over (set in the past here, rather than waiting 30 s), the PIN opens.
    h.state()
        .ops()
        .set_setting("pin_lockout", "5 0")
        .expect("store");
    h.step();
    assert!(h.query_by_label_contains("已锁定").is_none());
    type_pin(&mut h, PIN);
    settle(&mut h);
    assert_eq!(h.state().maintenance().page(), Some(Page::Status));
    assert!(h.query_by_label("一切正常").is_some() || h.query_by_label("状态").is_some());
    let events = event_texts(h.state().ops());
    assert_eq!(events[0], "pin pin accepted: maintenance opened");
}

#[test]
fn an_operator_with_a_keyboard_types_the_pin() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    open_keypad(&mut h);
    for digit in "2468".chars() {
        h.event(Event::Text(digit.to_string()));
    }
    h.key_press(Key::Backspace);
    h.step();
    assert!(h.query_by_label("●●●").is_some(), "one digit was deleted");
    h.key_press(Key::Enter);
    h.step();
    settle(&mut h);
    assert!(h.query_by_label("PIN 错误，还可尝试 4 次").is_some());
    for digit in PIN.chars() {
        h.event(Event::Text(digit.to_string()));
    }
    h.key_press(Key::Enter);
    h.step();
    settle(&mut h);
    assert_eq!(h.state().maintenance().page(), Some(Page::Status));
}

fn press(h: &mut Harness<'static, Booth>, at: Pos2, pressed: bool) {
    h.event(Event::PointerMoved(at));
    h.event(Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.step();
}

#[test]
fn a_long_press_on_the_corner_opens_the_keypad_and_ends_a_running_session_once_in() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    util::tap(&mut h, "开始拍照");
    assert_eq!(h.state().session().flow(), &Flow::Document);
    // A short press (one second, four steps of a quarter second) is not enough.
    let corner = Pos2::new(12.0, 12.0);
    press(&mut h, corner, true);
    h.run_steps(4);
    press(&mut h, corner, false);
    assert!(!h.state().maintenance().shown());
    // Elsewhere (the empty bottom-right corner), even long, neither.
    let elsewhere = Pos2::new(1272.0, 892.0);
    press(&mut h, elsewhere, true);
    h.run_steps(16);
    press(&mut h, elsewhere, false);
    assert_eq!(h.state().session().flow(), &Flow::Document);
    assert!(!h.state().maintenance().shown());
    // Three seconds and more on the corner.
    press(&mut h, corner, true);
    h.run_steps(13);
    press(&mut h, corner, false);
    assert!(h.state().maintenance().shown());
    // Cancelling the keypad returns to the applicant, who lost nothing.
    util::tap(&mut h, "取消");
    assert_eq!(h.state().session().flow(), &Flow::Document);
    assert!(h.query_by_label("普通护照").is_some());
    // With the PIN the session ends, wiped.
    enter(&mut h);
    assert_eq!(h.state().session().flow(), &Flow::Attract);
    let events = event_texts(h.state().ops());
    assert!(
        events.contains(&"operator applicant session ended for maintenance".to_owned()),
        "{events:?}"
    );
    util::tap(&mut h, "退出维护");
    assert!(h.query_by_label("开始拍照").is_some());
}

/// A printer whose status says the paper is out, as a real one's DLE EOT 4 would.
struct PaperOut;

impl Printer for PaperOut {
    fn print_receipt(&self, _: &Receipt) -> Result<(), PrintError> {
        Err(PrintError::PaperOut)
    }
    fn print_ticket(&self, _: &str, _: idbooth::i18n::Language) -> Result<(), PrintError> {
        Err(PrintError::PaperOut)
    }
    fn status(&self) -> Result<Status, PrintError> {
        Ok(Status::from_bytes([0x1A, 0x32, 0x12, 0x72]))
    }
}

/// The demo's parts with a camera that vanishes after `vanish_after` seconds and this printer.
fn faulty_parts(config: Arc<Config>, data: &Path, printer: Arc<dyn Printer>) -> Parts {
    let mut parts =
        idbooth::demo_parts(Arc::clone(&config), data, util::PORTRAIT.as_ref()).expect("parts");
    let make = util::still_replay(
        15,
        Faults {
            stall: None,
            vanish: Some((1.0, 3600.0)),
        },
    );
    parts.replace_camera(Arc::new(Camera::start(
        make,
        Duration::from_millis(500),
        Box::new(|| {}),
    )));
    parts.printer = printer;
    parts
}

#[test]
fn each_fault_is_shown_in_words_an_operator_can_act_on() {
    let data = tempfile::tempdir().expect("temp");
    let config = Arc::new(util::config());
    let mut parts = faulty_parts(Arc::clone(&config), data.path(), Arc::new(PaperOut));
    // The center is down (a port with nothing behind it), and three submissions have waited
    // for a quarter of an hour.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("listen")
        .local_addr()
        .expect("addr")
        .port();
    let mut center = config.kiosk.center.clone();
    center.url = format!("http://127.0.0.1:{port}");
    let outbox_path = data.path().join("down-outbox.sqlite");
    {
        let outbox = idbooth::center::outbox::Outbox::open(&outbox_path).expect("outbox");
        for i in 0..3 {
            outbox
                .put(&util::parcel(&format!("down-{i}")))
                .expect("put");
        }
        rusqlite::Connection::open(&outbox_path)
            .expect("sqlite")
            .execute("UPDATE outbox SET created_ms = created_ms - 900000", [])
            .expect("backdate");
    }
    parts.center =
        Arc::new(idbooth::center::Courier::start(&outbox_path, &center).expect("courier"));
    let booth = Booth::new(parts).with_data_dir(data.path()).expect("ops");
    let mut h = util::harness(booth);
    h.step();
    enter(&mut h);
    util::wait_for(&mut h, "打印纸用完：装入新纸卷", Duration::from_secs(10));
    assert!(h.query_by_label("缺纸").is_some() && h.query_by_label("离线").is_some());
    util::wait_for(&mut h, "秒没有画面", Duration::from_secs(15));
    assert!(
        h.query_by_label_contains("秒没有画面：检查 USB 线，或点“重新打开摄像头”")
            .is_some()
    );
    util::wait_for(
        &mut h,
        "检测中心无法连接：检查网络线和路由器",
        Duration::from_secs(10),
    );
    util::wait_for(
        &mut h,
        "3 份提交等待发送超过 10 分钟",
        Duration::from_secs(5),
    );
    assert!(h.query_by_label("无法连接").is_some());
    util::keep_screen(&mut h, "maintenance-status");
    let today = h.state().ops().today().expect("today");
    assert_eq!(today.get("camera_faults"), 1, "one fault, however long");
    // A test print meets the paper-out printer.
    util::tap(&mut h, "操作");
    util::tap(&mut h, "测试打印");
    util::wait_for(&mut h, "✘ printer: paper out", Duration::from_secs(5));
    // English on request, for the status too.
    util::tap(&mut h, "English");
    util::tap(&mut h, "Status");
    util::wait_for(&mut h, "Paper out: load a new roll", Duration::from_secs(5));
    util::wait_for(
        &mut h,
        "Center not reachable: check the network cable and the router",
        Duration::from_secs(2),
    );
}

#[test]
fn a_session_is_counted_and_the_bundle_carries_no_secret_and_no_personal_data() {
    let data = tempfile::tempdir().expect("temp");
    // A USB stick as udisks mounts it: ROOT/USER/LABEL.
    let media = tempfile::tempdir().expect("media");
    let usb = media.path().join("operator").join("STICK");
    std::fs::create_dir_all(&usb).expect("usb stick");
    let mut config = util::config();
    config.kiosk.operator.export_roots = vec![media.path().to_path_buf()];
    let mut h = util::booth_harness_with(data.path(), config);
    h.step();
    let receipt_no = util::walk_one_session(&mut h);
    let today = h.state().ops().today().expect("today");
    for (name, n) in [
        ("sessions", 1),
        ("photos", 1),
        ("approvals", 1),
        ("prints", 1),
        ("rejections", 0),
    ] {
        assert_eq!(today.get(name), n, "{name}");
    }
    enter(&mut h);
    util::tap(&mut h, "计数与事件");
    assert!(h.query_by_label("回执已打印").is_some());
    util::keep_screen(&mut h, "maintenance-records");
    util::tap(&mut h, "操作");
    // The stick is offered by its name, beside the data folder; one tap, nothing typed.
    assert!(h.query_by_label("数据目录").is_some());
    assert!(h.query_all_by_role(Role::TextInput).next().is_none());
    util::tap(&mut h, "USB STICK");
    let files: Vec<_> = std::fs::read_dir(&usb)
        .expect("usb")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().and_then(|n| n.to_str()).unwrap_or("");
    assert!(name.starts_with("idbooth-diagnostics-DEMO-SZ-001-") && name.ends_with(".json"));
    let text = std::fs::read_to_string(&files[0]).expect("bundle");
    let bundle: serde_json::Value = serde_json::from_str(&text).expect("json");
    let config = util::config();
    for secret in [
        config.kiosk.center.token.as_str(),
        config.kiosk.operator.pin_hash.as_str(),
        "$argon2id",
    ] {
        assert!(!text.contains(secret), "a secret in the bundle: {secret}");
    }
    for pii in ["张", "Zhang", "11010519491231002X", "110105", &receipt_no] {
        assert!(!text.contains(pii), "personal data in the bundle: {pii}");
    }
    assert_eq!(bundle["kiosk_toml"]["center"]["token"], "<redacted>");
    assert_eq!(bundle["kiosk_toml"]["operator"]["pin_hash"], "<redacted>");
    assert_eq!(bundle["kiosk_toml"]["camera"]["width"], 1280);
    assert_eq!(bundle["versions"]["idbooth"], env!("CARGO_PKG_VERSION"));
    let counts = &bundle["counters"][0]["counts"];
    assert!(
        counts
            .as_array()
            .is_some_and(|c| c.contains(&serde_json::json!(["prints", 1]))),
        "{counts}"
    );
    assert!(text.contains("session started") && text.contains("receipt printed"));
    assert!(h.query_by_label_contains("✔ ").is_some());
    // Nor anything personal in the store itself.
    for e in event_texts(h.state().ops()) {
        assert!(
            !e.contains('张') && !e.contains("110105") && !e.contains(&receipt_no),
            "{e}"
        );
    }
}

/// Run by the test below in a child process: counts and logs into `$IDBOOTH_OPS_DIR`.
#[test]
#[ignore = "run as a child process by counters_and_events_survive_a_restart_of_the_process"]
fn child_records_one_session() {
    let Some(dir) = std::env::var_os("IDBOOTH_OPS_DIR") else {
        return;
    };
    let store = OpsStore::open(Path::new(&dir)).expect("open");
    store.count(idbooth::ops::Counter::Session).expect("count");
    store.log("session", "session started").expect("log");
}

#[test]
fn counters_and_events_survive_a_restart_of_the_process() {
    let data = tempfile::tempdir().expect("temp");
    for _ in 0..2 {
        let out = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args([
                "--ignored",
                "--exact",
                "maintenance::child_records_one_session",
                "--quiet",
            ])
            .env("IDBOOTH_OPS_DIR", data.path())
            .output()
            .expect("child");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The booth in this process reads what the two processes before it wrote.
    let mut h = util::booth_harness(data.path());
    h.step();
    assert_eq!(h.state().ops().today().expect("today").get("sessions"), 2);
    enter(&mut h);
    util::tap(&mut h, "计数与事件");
    assert_eq!(
        h.query_all_by_label("session started").count(),
        2,
        "both events listed"
    );
}

#[test]
fn actions_language_restart_reopen_and_calibration() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    enter(&mut h);
    util::tap(&mut h, "校准");
    util::wait_for(&mut h, "清晰度", Duration::from_secs(20));
    assert!(h.query_by_label("人脸框").is_some() && h.query_by_label("偏色").is_some());
    // The names do not run into their values (the names column was once sized for fewer rows).
    for (name, value) in [("光线均匀度", "较暗"), ("头部高度", " px (")] {
        let (n, v) = (
            h.get_by_label(name).rect(),
            h.get_by_label_contains(value).rect(),
        );
        assert!(
            n.right() <= v.left(),
            "{name} {n:?} runs into {value} {v:?}"
        );
    }
    util::keep_screen(&mut h, "maintenance-calibration");
    // Nothing waits at the printer: the preview is the test receipt on this printer's paper.
    util::tap(&mut h, "回执预览");
    util::wait_for(&mut h, "测试回执: 576 ×", Duration::from_secs(10));
    util::tap(&mut h, "操作");
    util::keep_screen(&mut h, "maintenance-actions");
    // The tabs, Leave and the actions are a finger's size (they were 34 and 32 px).
    let targets = ["状态", "计数与事件", "校准", "操作", "回执预览", "退出维护"]
        .into_iter()
        .chain(["测试打印", "重新打开摄像头", "数据目录", "重启程序"]);
    for label in targets {
        let rect = h.get_by_label(label).rect();
        assert!(rect.height() >= 72.0, "{label}: {rect:?}");
    }
    let before = h.state().ops().events(1).expect("events");
    util::tap(&mut h, "重新打开摄像头");
    let after = h.state().ops().events(1).expect("events");
    assert_ne!(before, after);
    assert_eq!(after[0].text, "camera reopen requested");
    util::tap(&mut h, "English");
    assert_eq!(h.state().default_language(), Language::EN);
    assert!(
        !h.state()
            .restart_requested()
            .load(std::sync::atomic::Ordering::SeqCst)
    );
    util::tap(&mut h, "Restart the app");
    assert!(
        h.state()
            .restart_requested()
            .load(std::sync::atomic::Ordering::SeqCst)
    );
    drop(h);
    // The new default outlasts the restart: the next booth greets in English.
    let mut h = util::booth_harness(data.path());
    h.step();
    assert!(h.query_by_label("Start").is_some());
}

#[test]
fn the_screen_leaves_by_itself_after_the_configured_idle_time() {
    let dir = util::config_copy();
    util::edit(dir.path(), "kiosk.toml", "idle_s = 120", "idle_s = 30");
    let config = Arc::new(Config::load(dir.path()).expect("config"));
    let data = tempfile::tempdir().expect("temp");
    let parts = idbooth::demo_parts(config, data.path(), util::PORTRAIT.as_ref()).expect("parts");
    let mut h = util::harness(Booth::new(parts).with_data_dir(data.path()).expect("ops"));
    h.step();
    enter(&mut h);
    // egui's clock moves a quarter second a step: 29 s of quiet keep the screen open...
    h.run_steps(4 * 29);
    assert!(h.state().maintenance().page().is_some());
    // ...a touch restarts the wait...
    util::tap(&mut h, "计数与事件");
    h.run_steps(4 * 29);
    assert!(h.state().maintenance().page().is_some());
    // ...and 30 s of quiet close it.
    h.run_steps(8);
    assert!(!h.state().maintenance().shown());
    assert!(h.query_by_label("开始拍照").is_some());
    let events = event_texts(h.state().ops());
    assert_eq!(
        events[0],
        "operator maintenance closed after 30 s without a touch"
    );
}

#[test]
fn the_keypad_matches_its_snapshot() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    open_keypad(&mut h);
    h.step();
    h.snapshot("maintenance-pin");
}

/// Runs `idbooth --demo` without a display (it logs its start, then fails to open a window),
/// stderr into a file; under "systemd" when `journal` says so.
fn demo_stderr(journal: bool) -> String {
    use std::os::unix::fs::MetadataExt;
    let data = tempfile::tempdir().expect("temp");
    let log = data.path().join("stderr");
    let file = std::fs::File::create(&log).expect("log file");
    let meta = file.metadata().expect("stat");
    let mut cmd = util::idbooth();
    cmd.args(["--demo", "--config"])
        .arg(util::shipped_config())
        .arg("--data")
        .arg(data.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::null())
        .stderr(file);
    if journal {
        cmd.env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()));
    } else {
        cmd.env_remove("JOURNAL_STREAM");
    }
    let status = cmd.status().expect("run");
    assert!(!status.success(), "no display, no booth");
    std::fs::read_to_string(&log).expect("read log")
}

#[test]
fn logs_to_the_journal_carry_their_priority_and_no_colour() {
    let journal = demo_stderr(true);
    let line = journal
        .lines()
        .find(|l| l.contains("demo booth starting"))
        .unwrap_or_else(|| panic!("no start line: {journal}"));
    assert!(line.starts_with("<6>"), "{line}");
    assert!(
        !journal.contains('\u{1b}'),
        "ANSI escapes in the journal: {journal:?}"
    );
    // On a terminal or a file, the usual format: no priority.
    let plain = demo_stderr(false);
    let line = plain
        .lines()
        .find(|l| l.contains("demo booth starting"))
        .unwrap_or_else(|| panic!("no start line: {plain}"));
    assert!(!line.starts_with("<6>"), "{line}");
}

#[test]
fn reprint_and_retry_act_on_the_real_printer_queue_and_outbox() {
    use idbooth::center::outbox::Outbox;
    use idbooth::receipt::KioskPrinter;
    use idbooth::receipt::escpos::Profile;

    let data = tempfile::tempdir().expect("temp");
    let config = Arc::new(util::config());
    let mut parts = idbooth::demo_parts(Arc::clone(&config), data.path(), util::PORTRAIT.as_ref())
        .expect("parts");
    // The real printer path on an emulated printer that is out of paper: the receipt is queued.
    let emu = util::emulator(util::State::PaperOut);
    let serial =
        idbooth::receipt::serial::SerialPrinter::on_port(&config.kiosk.printer, &emu.port_name)
            .with_confirm_timeout(Duration::from_secs(1));
    let printer = KioskPrinter::start(
        serial,
        &data.path().join("print-queue"),
        Profile::from_config(&config.kiosk.printer),
        Duration::from_secs(3600),
    )
    .expect("printer");
    assert!(
        printer
            .print_receipt(&idbooth::receipt::sample::sample_receipt())
            .is_err()
    );
    assert_eq!(printer.queued(), 1);
    parts.printer = Arc::new(printer);
    // A submission in the outbox whose next try is an hour away (a long backoff).
    let id = "0a1b2c3d-retry-from-the-screen";
    {
        let outbox = Outbox::open(&idbooth::outbox_path(data.path())).expect("outbox");
        outbox.put(&util::parcel(id)).expect("put");
        outbox
            .failed(id, "the center was down", Duration::from_secs(3600))
            .expect("backoff");
    }
    let booth = Booth::new(parts)
        .with_data_dir(data.path())
        .expect("ops store");
    let mut h = util::harness(booth);
    h.step();
    enter(&mut h);
    // The receipt waiting is shown as it will print, from its own bytes, at 576 dots.
    util::tap(&mut h, "回执预览");
    util::wait_for(&mut h, "队列中最早的回执: 576 ×", Duration::from_secs(10));
    util::keep_screen(&mut h, "maintenance-receipt-preview");
    util::tap(&mut h, "操作");
    // Paper loaded: nothing prints by itself, and the test print comes out alone.
    *emu.state.lock().expect("state") = util::State::Ready;
    util::wait_for(&mut h, "等待补打的回执 (1)", Duration::from_secs(5));
    util::tap(&mut h, "测试打印");
    util::wait_for(&mut h, "测试打印完成", Duration::from_secs(15));
    assert_eq!(emu.printed.lock().expect("printed").len(), 1);
    assert!(h.query_by_label("等待补打的回执 (1)").is_some());
    // The queued receipt prints once, chosen on the screen.
    let job = idbooth::receipt::receipt_job(&idbooth::receipt::sample::sample_receipt().receipt_no);
    h.get_by_label(&format!("补打 {job}")).click();
    util::wait_for(&mut h, "等待补打的回执 (0)", Duration::from_secs(15));
    util::wait_for(&mut h, "补打完成", Duration::from_secs(15));
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed.len(), 2);
    let qr = |job: &[u8]| {
        idbooth::receipt::decode::decode(job)
            .expect("decodes")
            .into_iter()
            .find_map(|op| match op {
                idbooth::receipt::decode::Op::QrStore(data) => Some(data),
                _ => None,
            })
    };
    assert_eq!(qr(&printed[0]).as_deref(), Some("TEST0000"));
    assert_eq!(
        qr(&printed[1]),
        Some(idbooth::receipt::sample::sample_receipt().receipt_no)
    );
    // The outbox: sent now, not in an hour.
    util::wait_for(&mut h, "重发待发送 (1)", Duration::from_secs(5));
    h.get_by_label_contains("重发待发送").click();
    h.step();
    let outbox = Outbox::open(&idbooth::outbox_path(data.path())).expect("outbox");
    let until = Instant::now() + Duration::from_secs(30);
    while outbox.answer(id).expect("answer").is_none() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    let answer = outbox.answer(id).expect("answer").expect("delivered");
    assert_eq!(answer.status, idbooth::center::api::Status::Approved);
    assert!(
        event_texts(h.state().ops())
            .iter()
            .any(|t| t.contains("outbox retry: 1 sent again")),
        "{:?}",
        event_texts(h.state().ops())
    );
}

/// The demo's parts on a camera that can be switched between two devices, each a replay; the
/// devices opened are written down.
fn switchable_parts(data: &Path, opened: &Arc<std::sync::Mutex<Vec<String>>>) -> Parts {
    let config = Arc::new(util::config());
    let mut parts =
        idbooth::demo_parts(Arc::clone(&config), data, util::PORTRAIT.as_ref()).expect("parts");
    let replay = util::still_replay(15, Faults::default());
    let seen = Arc::clone(opened);
    let make_for: MakeForDevice = Arc::new(move |device: &str| {
        seen.lock().expect("opened").push(device.to_owned());
        replay()
    });
    let list: ListDevices = Arc::new(|| {
        vec![
            Device {
                path: "/dev/idbooth-camera".into(),
                name: Some("Booth Cam".into()),
            },
            Device {
                path: "/dev/video4".into(),
                name: Some("Spare Cam".into()),
            },
        ]
    });
    parts.replace_camera(Arc::new(Camera::start_on_device(
        make_for,
        list,
        &config.kiosk.camera.device,
        Duration::from_secs(2),
        Box::new(|| {}),
    )));
    parts
}

fn wait_opened(opened: &Arc<std::sync::Mutex<Vec<String>>>, device: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if opened.lock().expect("opened").iter().any(|d| d == device) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "{device} was not opened: {:?}",
        opened.lock().expect("opened")
    );
}

#[test]
fn the_operator_switches_the_camera_and_the_choice_outlasts_a_restart() {
    let data = tempfile::tempdir().expect("temp");
    let opened = Arc::default();
    let parts = switchable_parts(data.path(), &opened);
    let camera = Arc::clone(&parts.camera);
    let booth = Booth::new(parts).with_data_dir(data.path()).expect("ops");
    let mut h = util::harness(booth);
    h.step();
    wait_opened(&opened, "/dev/idbooth-camera");
    enter(&mut h);
    util::tap(&mut h, "操作");
    util::tap(&mut h, "切换摄像头");
    util::tap(&mut h, "/dev/video4  (Spare Cam)");
    assert_eq!(camera.device().as_deref(), Some("/dev/video4"));
    wait_opened(&opened, "/dev/video4");
    assert!(h.query_by_label("摄像头已切换到 /dev/video4").is_some());
    let events = event_texts(h.state().ops());
    assert!(
        events[0].ends_with("camera switched to /dev/video4"),
        "{events:?}"
    );
    drop(h);

    // The next start opens the operator's choice, not kiosk.toml's.
    let opened = Arc::default();
    let parts = switchable_parts(data.path(), &opened);
    let camera = Arc::clone(&parts.camera);
    let booth = Booth::new(parts).with_data_dir(data.path()).expect("ops");
    assert_eq!(camera.device().as_deref(), Some("/dev/video4"));
    wait_opened(&opened, "/dev/video4");
    let mut h = util::harness(booth);
    h.step();
    enter(&mut h);
    util::tap(&mut h, "操作");
    util::tap(&mut h, "切换摄像头");
    util::tap(&mut h, "恢复配置的设备 /dev/idbooth-camera");
    assert_eq!(camera.device().as_deref(), Some("/dev/idbooth-camera"));
    assert_eq!(
        idbooth::ui::maintenance::camera_switch::chosen(h.state().ops()),
        None
    );
}

#[test]
fn the_demo_camera_says_there_is_nothing_to_switch() {
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();
    enter(&mut h);
    util::tap(&mut h, "操作");
    assert!(h.query_by_label("演示摄像头：没有可切换的设备").is_some());
    assert!(h.query_by_label("切换摄像头").is_none());
}

/// Issue #18: the photo printer (CUPS's reference IPP printer, whose print command reports paper
/// out and a low ribbon after a job) on the status page in words, the sheet waiting for it
/// listed under Actions and sent only when the operator asks, and then held, not printed.
#[test]
fn the_photo_printer_s_faults_and_waiting_sheets_are_shown_and_sent_only_on_request() {
    use idbooth::photoprint::{CupsPhotoPrinter, PhotoQueue};
    let mut config = util::config();
    let spec = config.documents.get("passport").expect("passport").clone();
    // One sheet printed before the booth starts: after it the printer is out of paper.
    let (printer, photo_config) = crate::photo_print::printer_run_out(
        "echo 'STATE: +media-empty-error' >&2\n\
         echo 'ATTR: marker-names=Ribbon marker-levels=4 marker-low-levels=10' >&2",
        &spec,
    );
    let pdf = idbooth::photoprint::sheet(util::passport_jpeg(), &spec, 1).expect("sheet");
    config.kiosk.photo_printer = Some(photo_config.clone());
    let config = Arc::new(config);
    let data = tempfile::tempdir().expect("temp");
    let queue_dir = data.path().join("photo-queue");
    // An applicant's sheet the printer did not take.
    PhotoQueue::open(&queue_dir)
        .expect("queue")
        .push("photo-held", &pdf)
        .expect("push");
    let mut parts = idbooth::demo_parts(Arc::clone(&config), data.path(), util::PORTRAIT.as_ref())
        .expect("parts");
    parts.photo_printer = Some(Arc::new(
        CupsPhotoPrinter::new(&photo_config, &queue_dir).expect("photo printer"),
    ));
    let booth = Booth::new(parts).with_data_dir(data.path()).expect("ops");
    let mut h = util::harness(booth);
    h.step();
    enter(&mut h);
    util::wait_for(&mut h, "照片纸用完：装入 6 寸相纸", Duration::from_secs(15));
    util::wait_for(
        &mut h,
        "照片打印机色带（Ribbon）快用完（剩余 4 %）",
        Duration::from_secs(5),
    );
    util::wait_for(&mut h, "1 张照片等待打印", Duration::from_secs(5));
    // ippeveprinter's own printer takes no zero top and bottom margins (#18): the operator is
    // told the sheet prints with the printer's margins.
    util::wait_for(&mut h, "照片打印机不支持无边距打印", Duration::from_secs(5));
    // Its own row: the state, the reasons as the printer gives them, the ribbon's level.
    util::wait_for(&mut h, "空闲 · media-empty", Duration::from_secs(5));
    util::wait_for(&mut h, "Ribbon 4 % · 等待打印 1", Duration::from_secs(5));
    // The photo printer never takes the booth out of service.
    assert!(h.state().session().serviceable());
    util::tap(&mut h, "操作");
    util::tap(&mut h, "打印照片 photo-held");
    util::wait_for(&mut h, "not ready: media-empty", Duration::from_secs(10));
    assert_eq!(printer.printed().len(), 1, "the held sheet was not printed");
    assert_eq!(
        PhotoQueue::open(&queue_dir)
            .expect("queue")
            .waiting()
            .expect("waiting"),
        vec!["photo-held"]
    );
}
