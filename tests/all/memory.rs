//! The soak: 200 whole sessions in one booth, its resident memory read after each. A booth runs
//! for months; memory that grows with each applicant ends in a crash at the busiest hour.
//!
//! It takes minutes, so it is not in the default run:
//! `cargo test --test all memory:: -- --ignored --nocapture` prints the curve. (The reliability
//! soak of many kiosks against one center is `benches/soak.rs`.)

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;

use crate::util;

/// This process's resident set, in kB (`VmRSS` of /proc/self/status).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[test]
#[ignore = "minutes long: run with --ignored"]
#[allow(clippy::print_stdout)] // The curve is its report.
fn memory_stays_flat_over_200_sessions() {
    const SESSIONS: usize = 200;
    let data = tempfile::tempdir().expect("temp");
    let mut config = util::config();
    config.kiosk.session.countdown_s = 1;
    let mut h = util::booth_harness_with(data.path(), config);
    h.step();
    let started = Instant::now();
    let mut curve = Vec::with_capacity(SESSIONS);
    for session in 1..=SESSIONS {
        // The demo's applicant walks in, is guided, blinks, and the countdown takes the photo.
        util::walk_one_session(&mut h);
        util::wait_for(&mut h, "开始拍照", Duration::from_secs(10));
        assert!(h.query_by_label("开始拍照").is_some());
        let kb = rss_kb();
        curve.push(kb);
        if session % 10 == 0 {
            println!(
                "session {session:>3}: RSS {:>7.1} MB ({:.0} s)",
                kb as f64 / 1024.0,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let at = |n: usize| curve[n - 1] as f64;
    let growth = at(SESSIONS) / at(50);
    println!(
        "RSS at session 50: {:.1} MB, at {SESSIONS}: {:.1} MB ({growth:.3}×)",
        at(50) / 1024.0,
        at(SESSIONS) / 1024.0
    );
    assert!(
        growth <= 1.10,
        "RSS grew {growth:.3}× from session 50 to {SESSIONS}: {curve:?}"
    );
}
