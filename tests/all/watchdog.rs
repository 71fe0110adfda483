//! The real booth feeds systemd's watchdog from its UI loop and from nowhere else: while the loop
//! runs, `WATCHDOG=1` arrives; when the loop stops (a frozen UI) while the camera, courier and
//! printer threads go on, the pings stop; when it runs again, they resume.
//!
//! The booth reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC`, which are process-wide: the test runs
//! this binary again as a child with them set, and the child runs the booth.

use crate::util;

use std::os::unix::net::UnixDatagram;
use std::sync::Arc;
use std::time::{Duration, Instant};

use idbooth::ui::Booth;

/// Every datagram waiting on `socket`.
fn drain(socket: &UnixDatagram) -> Vec<String> {
    let mut heard = Vec::new();
    let mut buf = [0u8; 256];
    while let Ok(n) = socket.recv(&mut buf) {
        heard.push(String::from_utf8_lossy(&buf[..n]).trim().to_owned());
    }
    heard
}

fn pings(heard: &[String]) -> usize {
    heard.iter().filter(|m| *m == "WATCHDOG=1").count()
}

/// Steps the booth until `enough` holds for what arrived, or fails after `limit`.
fn step_until(
    h: &mut egui_kittest::Harness<'static, Booth>,
    systemd: &UnixDatagram,
    limit: Duration,
    enough: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let mut heard = Vec::new();
    let until = Instant::now() + limit;
    while Instant::now() < until && !enough(&heard) {
        h.step();
        heard.extend(drain(systemd));
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(enough(&heard), "heard only {heard:?} within {limit:?}");
    heard
}

/// Set in the child that runs the booth.
const CHILD: &str = "IDBOOTH_WATCHDOG_TEST_CHILD";
/// A 1 s watchdog: the booth pings every half second while its loop runs.
const TIMEOUT: Duration = Duration::from_secs(1);

#[test]
fn the_ui_loop_feeds_the_watchdog_and_a_stalled_loop_does_not() {
    let dir = tempfile::tempdir().expect("temp");
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "watchdog::booth_under_systemd",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, dir.path())
        .env("NOTIFY_SOCKET", dir.path().join("notify"))
        .env("WATCHDOG_USEC", TIMEOUT.as_micros().to_string())
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the booth under systemd failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The child: the booth with `$NOTIFY_SOCKET` and `$WATCHDOG_USEC` set by the parent.
#[test]
#[ignore = "run by the_ui_loop_feeds_the_watchdog_and_a_stalled_loop_does_not"]
fn booth_under_systemd() {
    let Some(dir) = std::env::var_os(CHILD).map(std::path::PathBuf::from) else {
        // Run on its own (--ignored): nothing to do without the parent's environment.
        return;
    };
    let notify = std::path::PathBuf::from(std::env::var_os("NOTIFY_SOCKET").expect("socket"));
    let systemd = UnixDatagram::bind(&notify).expect("bind");
    systemd.set_nonblocking(true).expect("nonblocking");
    let timeout = TIMEOUT;
    let data = dir.join("data");
    let config = Arc::new(util::config());
    let parts = idbooth::demo_parts(config, &data, util::PORTRAIT.as_ref()).expect("demo parts");
    let camera = Arc::clone(&parts.camera);
    let booth = Booth::new(parts).with_data_dir(&data).expect("ops store");
    let mut h = util::harness(booth);

    // Running: ready once, then pings.
    let heard = step_until(&mut h, &systemd, Duration::from_secs(60), |heard| {
        heard.iter().any(|m| m == "READY=1") && pings(heard) >= 3
    });
    assert_eq!(heard.iter().filter(|m| *m == "READY=1").count(), 1);

    // Stalled: no step for twice the watchdog timeout. Whatever the last step sent is drained
    // first (it was sent before step() returned).
    drain(&systemd);
    let frame_before = camera.latest().map(|f| f.seq);
    std::thread::sleep(timeout * 2);
    let during = drain(&systemd);
    assert_eq!(
        pings(&during),
        0,
        "pings while the UI loop was stalled: {during:?}"
    );
    // The booth's threads did go on meanwhile: the camera kept delivering frames.
    let frame_after = camera.latest().map(|f| f.seq);
    assert!(
        frame_after.is_some() && frame_after > frame_before,
        "the camera stood still too ({frame_before:?} → {frame_after:?}): the stall proves nothing"
    );

    // Running again: the pings resume (and READY=1 is not sent twice).
    let again = step_until(&mut h, &systemd, Duration::from_secs(30), |heard| {
        pings(heard) >= 2
    });
    assert!(!again.iter().any(|m| m == "READY=1"), "{again:?}");
}
