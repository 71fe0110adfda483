//! The reference center's throughput (`cargo bench --bench center`): kiosks deliver real
//! resident-ID photos (358×441, ~30 KB, normalized from a booth capture) through their outboxes
//! over HTTP on loopback. Reported, against the baseline measured in the same run (judging one
//! photo at a time: its time, and the processor time it takes, which bounds the center at
//! cores ÷ that):
//! - the latency of one submission at a time, from "stored in the outbox" to "answer recorded"
//!   (p50, p99);
//! - submissions per second when 50 kiosks send at once, and the latency then (mostly waiting
//!   in line). Under `cargo test` it runs a short version.

#![allow(clippy::print_stdout)] // A report: printing is its job.

#[path = "../tests/all/util.rs"]
mod util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use idbooth::center::Courier;
use idbooth::center::api::Status;
use idbooth::center::judge::Judge;
use idbooth::center::ledger::{Ledger, Review};
use idbooth::center::server::{CenterState, RunningCenter};
use idbooth::center::tokens::Tokens;

/// The document the photos are for: its KB window (14–30) gives photos of about 30 KB.
const DOCUMENT: &str = "resident_id";

fn parcel(id: &str, photo: &[u8]) -> idbooth::center::api::Parcel {
    let mut parcel = util::parcel(id);
    parcel.meta.document = DOCUMENT.into();
    parcel.photo = photo.to_vec();
    parcel
}

/// Processor time this process has used so far (all its threads), in ms.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in clock ticks of 10 ms.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values
        .get(((values.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

fn main() {
    // As the binary's main does: the allocator set up before any thread (ops::allocator).
    idbooth::ops::allocator::configure();
    let full = std::env::args().any(|a| a == "--bench");
    let (kiosks, each) = if full { (50, 10) } else { (2, 2) };
    let config = util::config();
    let spec = config.documents.get(DOCUMENT).expect("document");
    let photo = idbooth::photo::process(
        &mut idbooth::vision::FaceDetector::new().expect("model"),
        &util::booth_capture(&Default::default()),
        spec,
        &config.thresholds,
    )
    .expect("normalize")
    .jpeg
    .bytes;
    println!("photo: {DOCUMENT}, {:.1} KB", photo.len() as f64 / 1024.0);

    // Baseline: one judgement on one thread.
    let judge = Judge::new(config.documents.clone(), config.thresholds);
    let runs = if full { 20 } else { 2 };
    let cpu_before = cpu_ms();
    let mut judged: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            assert!(judge.reasons(DOCUMENT, &photo).is_empty());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    // The judge measures the photo's mirror on a second thread: what bounds the center is the
    // processor time a photo takes, not the time it waits.
    let judge_cpu = (cpu_ms() - cpu_before) / runs as f64;
    let judge_ms = percentile(&mut judged, 0.5);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bound = cores as f64 * 1000.0 / judge_cpu;
    println!(
        "baseline: judging one photo {judge_ms:.1} ms (median of {runs}), {judge_cpu:.1} ms of processor time; {cores} cores bound the center at {bound:.1} submissions/s"
    );

    let dir = tempfile::tempdir().expect("temp");
    let token = config.kiosk.center.token.clone();
    let kiosk = config.kiosk.kiosk.id.clone();
    let state = CenterState::new(
        Ledger::open(&dir.path().join("center"), config.documents.clone()).expect("ledger"),
        judge,
        Tokens::single_kiosk(&kiosk, &token),
        config.cities.clone(),
        Review::Auto,
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let center = RunningCenter::start(listener, Arc::new(state), None).expect("serve");
    let mut center_config = config.kiosk.center.clone();
    center_config.url = center.url();
    center_config.retry_min_ms = 50;
    center_config.retry_max_ms = 2_000;

    // One at a time: the service's own latency.
    let single = dir.path().join("single.sqlite");
    let courier = Courier::start(&single, &center_config).expect("courier");
    let mut alone: Vec<f64> = (0..runs)
        .map(|i| {
            let id = format!("alone-{i}");
            let t = Instant::now();
            courier.put(&parcel(&id, &photo)).expect("put");
            let answer = courier
                .wait(&id, Duration::from_secs(60))
                .expect("outbox")
                .expect("answered");
            assert_eq!(answer.status, Status::Approved);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    drop(courier);
    println!(
        "one at a time: p50 {:.0} ms, p99 {:.0} ms ({:.2} × the judge alone)",
        percentile(&mut alone, 0.5),
        percentile(&mut alone, 0.99),
        percentile(&mut alone, 0.5) / judge_ms
    );

    let started = Instant::now();
    let mut latencies: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..kiosks)
            .map(|k| {
                let (photo, center_config) = (&photo, &center_config);
                let outbox = dir.path().join(format!("kiosk-{k}.sqlite"));
                scope.spawn(move || {
                    let courier = Courier::start(&outbox, center_config).expect("courier");
                    let put: Vec<(String, Instant)> = (0..each)
                        .map(|i| {
                            let id = format!("bench-{k}-{i}");
                            courier.put(&parcel(&id, photo)).expect("put");
                            (id, Instant::now())
                        })
                        .collect();
                    put.into_iter()
                        .map(|(id, at)| {
                            let answer = courier
                                .wait(&id, Duration::from_secs(600))
                                .expect("outbox")
                                .expect("answered");
                            assert_eq!(answer.status, Status::Approved);
                            at.elapsed().as_secs_f64() * 1000.0
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("kiosk"))
            .collect()
    });
    let wall = started.elapsed().as_secs_f64();
    let n = latencies.len();
    let stored = center.state().ledger().count().expect("count");
    assert_eq!(stored as usize, n + runs, "each submission stored once");
    let rate = n as f64 / wall;
    println!(
        "{kiosks} kiosks × {each}: {n} submissions in {wall:.1} s = {rate:.1} submissions/s ({:.2} of the bound)",
        rate / bound
    );
    println!(
        "at once, from outbox to answer: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        percentile(&mut latencies, 1.0)
    );
}
