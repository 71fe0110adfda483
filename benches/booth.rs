//! The booth as the applicant meets it, measured in one run (`cargo bench --bench booth`):
//! preview frames shown per second, time from a frame's arrival to its upload for drawing,
//! guidance updates per second, preview textures created; then the resident memory before and
//! after 200 whole sessions (the walk of `tests/all/memory.rs`, through the same helper,
//! `util::rss_over_sessions`). Under `cargo test` it runs a short version, to keep it working.

#![allow(clippy::print_stdout)] // A report: printing is its job.

#[path = "../tests/all/util.rs"]
mod util;

use std::time::{Duration, Instant};

use idbooth::session::Flow;

/// Resident set size in MiB (the memory soak's reader, `util::rss_kb`).
fn rss_mib() -> f64 {
    util::rss_kb() as f64 / 1024.0
}

fn percentile(values: &[f32], p: f32) -> f32 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted
        .get(((sorted.len() as f32 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(f32::NAN)
}

fn main() {
    // As the binary's main does: the allocator set up before any thread (ops::allocator).
    idbooth::ops::allocator::configure();
    let full = std::env::args().any(|a| a == "--bench");
    let sessions = if full { 200 } else { 2 };
    let data = tempfile::tempdir().expect("temp");
    let mut h = util::booth_harness(data.path());
    h.step();

    // Posing: the demo applicant walks in and settles; measure until the photo is taken.
    util::enter_details(&mut h, &["L", "I"], "李", "11010519491231002X");
    util::tap(&mut h, "同意");
    util::tap(&mut h, "知道了，开始拍照");
    let start = Instant::now();
    while matches!(
        h.state().session().flow(),
        Flow::Pose { .. } | Flow::Countdown { .. }
    ) && start.elapsed() < Duration::from_secs(30)
    {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let secs = start.elapsed().as_secs_f32();
    let stats = h.state().stats().clone();
    println!("posing for {secs:.1} s (UI stepped every 5 ms):");
    println!(
        "  preview: {:.1} frames/s (camera 30 fps), {} texture(s) created",
        stats.preview_frames as f32 / secs,
        stats.textures_created
    );
    println!(
        "  frame arrival to upload: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&stats.preview_latency_ms, 0.5),
        percentile(&stats.preview_latency_ms, 0.95),
        percentile(&stats.preview_latency_ms, 1.0)
    );
    println!(
        "  guidance: {:.1} updates/s",
        stats.guidance_updates as f32 / secs
    );
    // Every camera frame followed: the frames judged against those that came and went unjudged.
    let followed = stats.followed;
    assert!(
        followed.judged > 0,
        "the guidance judged no camera frame while the applicant posed"
    );
    println!(
        "  frames followed: {} judged, {} missed ({:.1} % of the camera's)",
        followed.judged,
        followed.missed,
        100.0 * followed.missed as f32 / (followed.judged + followed.missed).max(1) as f32
    );
    util::wait_for(&mut h, "重拍", Duration::from_secs(30));
    util::tap(&mut h, "重拍");
    util::tap(&mut h, "取消");

    let before = rss_mib();
    let start = Instant::now();
    // The memory soak's walk (tests/all/memory.rs asserts on it; here it is reported).
    util::rss_over_sessions(&mut h, sessions, |session, kb| {
        if full && session % 50 == 0 {
            println!(
                "  after {session} sessions: RSS {:.1} MiB",
                kb as f64 / 1024.0
            );
        }
    });
    println!(
        "{sessions} sessions in {:.0} s: RSS {before:.1} MiB before, {:.1} MiB after",
        start.elapsed().as_secs_f32(),
        rss_mib()
    );
}
