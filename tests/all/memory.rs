//! The soak: 200 whole sessions in one booth, its resident memory read after each. A booth runs
//! for months; memory that grows with each applicant ends in a crash at the busiest hour.
//!
//! It takes minutes, so it is not in the default run:
//! `cargo test --test all memory:: -- --ignored --nocapture` prints the curve. (The reliability
//! soak of many kiosks against one center is `benches/soak.rs`; `benches/booth.rs` walks the
//! same sessions through the same `util::rss_over_sessions`.)

use std::time::Instant;

use crate::util;

#[test]
#[ignore = "minutes long: run with --ignored"]
#[allow(clippy::print_stdout)] // The curve is its report.
fn memory_stays_flat_over_200_sessions() {
    const SESSIONS: usize = 200;
    // As the binary's main does (the harness runs in this process).
    assert!(idbooth::ops::allocator::configure());
    let data = tempfile::tempdir().expect("temp");
    let mut config = util::config();
    config.kiosk.session.countdown_s = 1;
    let mut h = util::booth_harness_with(data.path(), config);
    h.step();
    let started = Instant::now();
    // The demo's applicant walks in, is guided, blinks, the countdown takes the photo, the
    // receipt and the photo sheet are printed, and the booth is back at its attract screen.
    let curve = util::rss_over_sessions(&mut h, SESSIONS, |session, kb| {
        if session % 10 == 0 {
            // Threads too: a thread started per session can cost an arena (booth::photo_desk).
            println!(
                "session {session:>3}: RSS {:>7.1} MB, {} threads ({:.0} s)",
                kb as f64 / 1024.0,
                util::threads(),
                started.elapsed().as_secs_f64()
            );
        }
    });
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
