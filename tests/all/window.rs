//! The real window: the demo under Xvfb with openbox, screenshots read back by OCR. It must be
//! the attract screen, fill the screen, show Chinese text, and answer a tap.

use crate::util;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(cmd: &mut Command) -> Killed {
    Killed(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{cmd:?}: {e} (.ci/setup test installs it)")),
    )
}

fn x(display: &str, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Screenshot of the whole screen, read by tesseract (Chinese and English) as sparse text: a
/// screen of buttons is no page of paragraphs, and page layout analysis skips text below a
/// coloured block.
fn read_screen(display: &str, dir: &Path, name: &str) -> String {
    let png = dir.join(format!("{name}.png"));
    let png = png.to_str().expect("utf-8");
    x(display, "import", &["-window", "root", png]);
    let text = x(
        display,
        "tesseract",
        &[png, "-", "-l", "chi_sim+eng", "--psm", "11"],
    );
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn wait_for_text(display: &str, dir: &Path, want: &str, limit: Duration) -> String {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < limit {
        last = read_screen(display, dir, "screen");
        if last.contains(want) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{want:?} not on screen after {limit:?}; OCR read {last:?}");
}

/// A 1280×800 X display of our own with openbox, numbered from this process and `offset`, so
/// parallel runs and a developer's :99 do not collide. Both are stopped when the pair drops.
fn screen(offset: u32) -> (String, (Killed, Killed)) {
    let display = format!(":{}", 100 + (std::process::id() + offset) % 400);
    let xvfb = spawn(Command::new("Xvfb").args([
        display.as_str(),
        "-screen",
        "0",
        "1280x800x24",
        "-nolisten",
        "tcp",
    ]));
    std::thread::sleep(Duration::from_millis(800));
    let wm = spawn(Command::new("openbox").env("DISPLAY", &display));
    // Dropped in order: the window manager before its display.
    (display, (wm, xvfb))
}

#[test]
fn the_demo_fills_the_screen_in_chinese_and_answers_a_tap() {
    let dir = tempfile::tempdir().expect("temp");
    let (display, _screen) = screen(0);
    let data = dir.path().join("data");
    let _booth = spawn(
        Command::new(env!("CARGO_BIN_EXE_idbooth"))
            .args([
                "--demo",
                "--config",
                util::shipped_config().to_str().expect("utf-8"),
            ])
            .arg("--data")
            .arg(&data)
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY"),
    );
    let attract = wait_for_text(
        &display,
        dir.path(),
        "数字相片采集",
        Duration::from_secs(40),
    );
    // The start button is white on the primary blue, which tesseract reads poorly; the plain
    // button under it says the buttons are drawn in Chinese, and the tap below finds Start.
    assert!(attract.contains("查询提交"), "{attract}");

    // Fullscreen: the window covers the whole 1280×800 screen.
    let window = x(&display, "xdotool", &["search", "--name", "idbooth"]);
    let id = window.lines().last().expect("the idbooth window");
    let geometry = x(&display, "xdotool", &["getwindowgeometry", id]);
    assert!(geometry.contains("1280x800"), "{geometry}");

    // Tap the start button: centred across, and 379 px down on a 1280×800 screen (the attract
    // screen's content stands in the middle: 217 px into it, below (784 − 460) / 2 px of space).
    x(
        &display,
        "xdotool",
        &["mousemove", "640", "379", "click", "1"],
    );
    let next = wait_for_text(&display, dir.path(), "普通护照", Duration::from_secs(10));
    assert!(next.contains("请选择证件"), "{next}");
}

/// The real window's memory over whole sessions: the software GL driver, its threads and the
/// painter are in it, which the headless soak (`memory::`) cannot see. Each session is tapped
/// through as an applicant would at 1280×800 (a foreign name on the letter keys, an ID on the
/// keypad), each screen waited for by what it says. Minutes long: `--ignored`.
#[test]
#[ignore = "minutes long: run with --ignored"]
#[allow(clippy::print_stdout)] // The curve is its report.
fn the_real_window_keeps_its_memory_flat_over_sessions() {
    const SESSIONS: usize = 16;
    const FROM: usize = 4;
    let dir = tempfile::tempdir().expect("temp");
    let (display, _screen) = screen(7);
    // The done screen stays until tapped, however slowly the screen is read.
    let config = util::config_copy();
    let kiosk = config.path().join("kiosk.toml");
    let text = std::fs::read_to_string(&kiosk).expect("kiosk.toml");
    assert!(text.contains("farewell_s = 15"), "the shipped farewell");
    std::fs::write(&kiosk, text.replace("farewell_s = 15", "farewell_s = 120")).expect("write");
    let booth = spawn(
        Command::new(env!("CARGO_BIN_EXE_idbooth"))
            .arg("--demo")
            .arg("--config")
            .arg(config.path())
            .arg("--data")
            .arg(dir.path().join("data"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY"),
    );
    let pid = booth.0.id();
    let tap = |x_: u32, y: u32| {
        x(
            &display,
            "xdotool",
            &["mousemove", &x_.to_string(), &y.to_string(), "click", "1"],
        );
        std::thread::sleep(Duration::from_millis(150));
    };
    let wait = |want: &str, secs: u64| {
        wait_for_text(&display, dir.path(), want, Duration::from_secs(secs));
    };
    // The ID keypad at 1280×800: digits in rows of three, X and 0 under them.
    let key = |c: char| {
        let (col, row) = match c {
            '1'..='9' => {
                let n = c as u32 - '1' as u32;
                (n % 3, n / 3)
            }
            'X' => (0, 3),
            _ => (1, 3),
        };
        tap(512 + 128 * col, 384 + 80 * row);
    };
    wait("数字相片采集", 40);
    let mut curve = Vec::new();
    for session in 1..=SESSIONS {
        tap(640, 379); // 开始拍照
        wait("普通护照", 15);
        tap(356, 307); // 普通护照
        wait("受理城市", 15);
        tap(640, 194); // the booth's own city
        wait("身份证号", 15);
        tap(130, 420); // ABC
        tap(991, 588); // L
        tap(859, 508); // I
        tap(915, 232); // the ID box
        "11010519491231002X".chars().for_each(key);
        tap(744, 756); // 下一步
        wait("个人信息", 15);
        tap(744, 525); // 同意
        wait("拍照要求", 15);
        tap(744, 712); // 知道了，开始拍照: the demo's applicant walks in and is taken
        wait("请确认照片", 90);
        tap(754, 671); // 确认提交
        wait("取走回执", 90);
        let kb = util::rss_kb_of(pid);
        println!("session {session:>2}: RSS {:>6.1} MB", kb as f64 / 1024.0);
        curve.push(kb);
        tap(640, 520); // 完成 (below 查询提交 of the attract screen, should a tap come late)
        wait("数字相片采集", 30);
    }
    let growth = curve[SESSIONS - 1] as f64 / curve[FROM - 1] as f64;
    println!("RSS from session {FROM} to {SESSIONS}: {growth:.3}×");
    assert!(
        growth <= 1.10,
        "RSS grew {growth:.3}× from session {FROM} to {SESSIONS}: {curve:?}"
    );
}
