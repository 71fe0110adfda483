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

#[test]
fn the_demo_fills_the_screen_in_chinese_and_answers_a_tap() {
    let dir = tempfile::tempdir().expect("temp");
    // A display of our own, so parallel runs and a developer's :99 do not collide.
    let display = format!(":{}", 100 + std::process::id() % 400);
    let _xvfb = spawn(Command::new("Xvfb").args([
        display.as_str(),
        "-screen",
        "0",
        "1280x800x24",
        "-nolisten",
        "tcp",
    ]));
    std::thread::sleep(Duration::from_millis(800));
    let _wm = spawn(Command::new("openbox").env("DISPLAY", &display));
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
