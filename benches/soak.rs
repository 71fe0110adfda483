//! The soak: many kiosks' outboxes against one reference center (its own process) for a bounded
//! time, with faults thrown in at random: the center killed (`kill -9`) and restarted, 500s and
//! answers slower than the kiosks wait for (from a proxy in front of it), a kiosk's disk full for
//! a while (its outbox cannot be written), and the receipt printer out of paper. Then the faults
//! stop, everything drains, and it counts: submissions sent, answered, lost (must be 0),
//! duplicated (must be 0), receipts printed once each, and the memory of the center and of the
//! kiosks' process at start and end.
//!
//! `cargo bench --bench soak` runs 10 minutes with 12 kiosks (`IDBOOTH_SOAK_S` and
//! `IDBOOTH_SOAK_KIOSKS` change that); under `cargo test` it runs 20 seconds with 4. The first
//! three faults are one of each kind, so even the short run meets them all.

#![allow(clippy::print_stdout)] // A report: printing is its job.

#[path = "../tests/all/util.rs"]
mod util;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idbooth::center::Courier;
use idbooth::center::api::{Parcel, Status};
use idbooth::center::ledger::Ledger;
use idbooth::receipt::decode::{Op, decode};
use idbooth::receipt::serial::SerialPrinter;
use idbooth::receipt::{KioskPrinter, Printer, receipt_job};

/// Resident memory of a process, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The reference center as its own process, restartable on the same port and book.
struct CenterProcess {
    addr: SocketAddr,
    data: PathBuf,
    tokens: PathBuf,
    child: Option<Child>,
    restarts: u32,
}

impl CenterProcess {
    fn start(addr: SocketAddr, data: &Path, tokens: &Path) -> CenterProcess {
        let mut center = CenterProcess {
            addr,
            data: data.to_path_buf(),
            tokens: tokens.to_path_buf(),
            child: None,
            restarts: 0,
        };
        center.spawn();
        center
    }

    fn spawn(&mut self) {
        let mut child = util::idbooth()
            .args(["center", "--listen", &self.addr.to_string(), "--data"])
            .arg(&self.data)
            .arg("--tokens")
            .arg(&self.tokens)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn center");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        assert!(line.starts_with("listening on "), "{line:?}");
        self.child = Some(child);
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// `kill -9`, a pause, and up again on the same port and book.
    fn crash_and_restart(&mut self, down: Duration) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        std::thread::sleep(down);
        self.spawn();
        self.restarts += 1;
    }
}

impl Drop for CenterProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What the proxy in front of the center does to requests while faults are on.
struct Faults {
    on: AtomicBool,
    errors: AtomicU64,
    slow: AtomicU64,
}

/// A proxy that passes requests to the center, answers some 500 and holds some past the
/// kiosks' timeout while faults are on, and 502 while the center is down.
fn start_proxy(upstream: SocketAddr, faults: Arc<Faults>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            listener.set_nonblocking(true).expect("nonblocking");
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let _ = rustls::crypto::ring::default_provider().install_default();
            let client = reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client");
            let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
                let (client, faults) = (client.clone(), Arc::clone(&faults));
                async move { pass(request, &client, upstream, &faults).await }
            });
            axum::serve(listener, app).await.expect("proxy");
        });
    });
    addr
}

async fn pass(
    request: axum::extract::Request,
    client: &reqwest::Client,
    upstream: SocketAddr,
    faults: &Faults,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let roll = fastrand::u32(0..100);
    let on = faults.on.load(Ordering::SeqCst);
    if on && roll < 8 {
        faults.errors.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::INTERNAL_SERVER_ERROR, "a bad day").into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut out = client.request(
        parts.method.clone(),
        format!("http://{upstream}{}", parts.uri),
    );
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            out = out.header(name, value);
        }
    }
    let answer = match out.body(bytes).send().await {
        Ok(answer) => answer,
        Err(_) => return (StatusCode::BAD_GATEWAY, "the center is down").into_response(),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let Ok(body) = answer.bytes().await else {
        return (StatusCode::BAD_GATEWAY, "the center went away").into_response();
    };
    if on && roll >= 95 {
        // Passed on and stored by the center, but answered after the kiosk gave up.
        faults.slow.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(4)).await;
    }
    let mut response = (status, body).into_response();
    for (name, value) in &headers {
        if name != "content-length" && name != "transfer-encoding" {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// One kiosk: its outbox in its own folder, its id and token.
struct Kiosk {
    id: String,
    dir: tempfile::TempDir,
    courier: Courier,
}

impl Kiosk {
    fn start(n: usize, url: &str) -> Kiosk {
        let dir = tempfile::tempdir().expect("temp");
        let mut config = util::config().kiosk.center;
        config.url = url.to_owned();
        config.token = token(n);
        config.connect_timeout_ms = 2_000;
        config.request_timeout_ms = 3_000;
        config.retry_min_ms = 100;
        config.retry_max_ms = 2_000;
        config.poll_interval_ms = 300;
        let courier = Courier::start(&dir.path().join("outbox.sqlite"), &config).expect("courier");
        Kiosk {
            id: format!("soak-kiosk-{n:02}"),
            dir,
            courier,
        }
    }

    fn outbox_file(&self) -> PathBuf {
        self.dir.path().join("outbox.sqlite")
    }

    /// A full disk, as SQLite sees it: every change to a stored submission fails.
    fn fill_disk(&self, full: bool) {
        let conn = rusqlite::Connection::open(self.outbox_file()).expect("open");
        let sql = if full {
            "CREATE TRIGGER IF NOT EXISTS full BEFORE UPDATE ON outbox
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
        } else {
            "DROP TRIGGER IF EXISTS full;"
        };
        conn.execute_batch(sql).expect("trigger");
    }
}

fn token(n: usize) -> String {
    format!("soak-token-{n:02}-0123456789abcdef")
}

fn main() {
    // As the binary's main does: the allocator set up before any thread (ops::allocator).
    idbooth::ops::allocator::configure();
    let full = std::env::args().any(|a| a == "--bench");
    let seconds = setting("IDBOOTH_SOAK_S", if full { 600 } else { 20 });
    let kiosk_count = setting("IDBOOTH_SOAK_KIOSKS", if full { 12 } else { 4 }) as usize;
    let own_pid = std::process::id();
    let kiosk_rss_start = rss_mib(own_pid);

    // The center, with a token per kiosk, behind the fault proxy.
    let center_dir = tempfile::tempdir().expect("temp");
    let tokens = center_dir.path().join("tokens.toml");
    let mut list = String::from("[kiosks]\n");
    for n in 0..kiosk_count {
        list.push_str(&format!("soak-kiosk-{n:02} = \"{}\"\n", token(n)));
    }
    std::fs::write(&tokens, list).expect("tokens");
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let data = center_dir.path().join("book");
    let mut center = CenterProcess::start(addr, &data, &tokens);
    let center_rss_start = rss_mib(center.pid());
    let faults = Arc::new(Faults {
        on: AtomicBool::new(true),
        errors: AtomicU64::new(0),
        slow: AtomicU64::new(0),
    });
    let proxy = start_proxy(addr, Arc::clone(&faults));
    let url = format!("http://{proxy}");
    let kiosks: Vec<Kiosk> = (0..kiosk_count).map(|n| Kiosk::start(n, &url)).collect();

    // Kiosk 0's receipt printer, a real pty with a printer on its other side.
    let emulator = util::emulator(util::State::Ready);
    let config = util::config();
    let printer_dir = tempfile::tempdir().expect("temp");
    let printer = KioskPrinter::start(
        SerialPrinter::on_port(&config.kiosk.printer, &emulator.port_name)
            .with_confirm_timeout(Duration::from_secs(3)),
        printer_dir.path(),
        idbooth::receipt::escpos::Profile::from_config(&config.kiosk.printer),
        Duration::from_secs(3600),
    )
    .expect("printer");

    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let sent: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    let mut log: Vec<String> = Vec::new();
    std::thread::scope(|scope| {
        // Each kiosk takes a photo every one to three seconds.
        for (n, kiosk) in kiosks.iter().enumerate() {
            let sent = &sent;
            scope.spawn(move || {
                let mut count = 0;
                while Instant::now() < deadline {
                    let id = format!("soak-{n:02}-{count:05}");
                    let mut parcel: Parcel = util::parcel(&id);
                    parcel.meta.kiosk_id.clone_from(&kiosk.id);
                    // A photo the outbox cannot store is refused at once (the booth says so);
                    // only what was stored counts as sent.
                    if kiosk.courier.put(&parcel).is_ok() {
                        sent.lock().expect("sent").push((n, id));
                    }
                    count += 1;
                    std::thread::sleep(Duration::from_millis(fastrand::u64(1_000..3_000)));
                }
            });
        }
        // The faults: one every few seconds, at random.
        let mut paper_out_until: Option<Instant> = None;
        let mut disk_full: Option<(usize, Instant)> = None;
        let mut next_fault = started + Duration::from_secs(3);
        // The first three faults are one of each kind, so the short run meets them all.
        let mut faults_thrown = 0u8;
        let mut answered_seen: HashSet<String> = HashSet::new();
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            let now = Instant::now();
            if paper_out_until.is_some_and(|t| now >= t) {
                *emulator.state.lock().expect("state") = util::State::Ready;
                paper_out_until = None;
                log.push(format!(
                    "{:>5.1} s paper back",
                    started.elapsed().as_secs_f32()
                ));
            }
            if let Some((n, _)) = disk_full.filter(|&(_, until)| now >= until) {
                kiosks[n].fill_disk(false);
                disk_full = None;
                log.push(format!(
                    "{:>5.1} s kiosk {n}'s disk has room again",
                    started.elapsed().as_secs_f32()
                ));
            }
            if now >= next_fault {
                let kind = if faults_thrown < 3 {
                    faults_thrown
                } else {
                    fastrand::u8(0..3)
                };
                faults_thrown = faults_thrown.saturating_add(1);
                match kind {
                    0 => {
                        log.push(format!(
                            "{:>5.1} s center killed",
                            started.elapsed().as_secs_f32()
                        ));
                        center.crash_and_restart(Duration::from_millis(fastrand::u64(200..2_000)));
                    }
                    1 if disk_full.is_none() => {
                        let n = fastrand::usize(0..kiosk_count);
                        kiosks[n].fill_disk(true);
                        disk_full = Some((n, now + Duration::from_secs(3)));
                        log.push(format!(
                            "{:>5.1} s kiosk {n}'s disk full",
                            started.elapsed().as_secs_f32()
                        ));
                    }
                    _ if paper_out_until.is_none() => {
                        *emulator.state.lock().expect("state") = util::State::PaperOut;
                        paper_out_until = Some(now + Duration::from_secs(3));
                        log.push(format!(
                            "{:>5.1} s paper out",
                            started.elapsed().as_secs_f32()
                        ));
                    }
                    _ => {}
                }
                next_fault = now + Duration::from_secs(fastrand::u64(3..8));
            }
            // Kiosk 0 prints a receipt for each approval; one that waits in the queue (paper
            // out) is printed again by name once the paper is back, as the booth's reprint does.
            print_new_receipts(&kiosks[0], &printer, &mut answered_seen);
            if paper_out_until.is_none() {
                for job in printer.queued_jobs() {
                    let _ = printer.reprint(&job);
                }
            }
        }
        // Faults stop; a disk left full gets room again.
        faults.on.store(false, Ordering::SeqCst);
        if let Some((n, _)) = disk_full {
            kiosks[n].fill_disk(false);
        }
        *emulator.state.lock().expect("state") = util::State::Ready;
        // Drain: every submission answered for good.
        let drain = Instant::now();
        let sent = sent.lock().expect("sent").clone();
        loop {
            let open = sent
                .iter()
                .filter(|(n, id)| {
                    kiosks[*n]
                        .courier
                        .answer(id)
                        .ok()
                        .flatten()
                        .is_none_or(|a| a.status == Status::Pending)
                })
                .count();
            print_new_receipts(&kiosks[0], &printer, &mut answered_seen);
            for job in printer.queued_jobs() {
                let _ = printer.reprint(&job);
            }
            if (open == 0 && printer.queued_jobs().is_empty())
                || drain.elapsed() > Duration::from_secs(seconds.max(120))
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        log.push(format!("drained in {:.1} s", drain.elapsed().as_secs_f32()));
    });

    // The count.
    let sent = sent.into_inner().expect("sent");
    let ledger = Ledger::open(&data, config.documents.clone()).expect("the center's book");
    let mut lost = Vec::new();
    let mut numbers = HashSet::new();
    let mut duplicated = 0;
    let mut approved_0 = HashSet::new();
    for (n, id) in &sent {
        match ledger.find(id).expect("find") {
            None => lost.push(id.clone()),
            Some((_, answer)) => {
                let kiosk = kiosks[*n].courier.answer(id).ok().flatten();
                if kiosk.as_ref() != Some(&answer) {
                    lost.push(format!("{id} (the kiosk holds another answer)"));
                }
                if let Some(no) = answer.receipt_no {
                    if !numbers.insert(no.clone()) {
                        duplicated += 1;
                    }
                    if *n == 0 {
                        approved_0.insert(no);
                    }
                }
            }
        }
    }
    let stored = ledger.count().expect("count");
    duplicated += stored.saturating_sub(sent.len() as u64) as usize;
    // Every approved receipt of kiosk 0 printed, and once.
    let mut printed: HashMap<String, u32> = HashMap::new();
    for job in emulator.printed.lock().expect("printed").iter() {
        if let Ok(ops) = decode(job) {
            for op in ops {
                if let Op::Barcode(no) = op {
                    *printed.entry(no).or_default() += 1;
                }
            }
        }
    }
    let printed_twice = printed.values().filter(|&&c| c > 1).count();
    let unprinted = approved_0
        .iter()
        .filter(|no| !printed.contains_key(*no))
        .count();

    let kiosk_rss_end = rss_mib(own_pid);
    let center_rss_end = rss_mib(center.pid());
    println!(
        "soak: {kiosk_count} kiosks for {seconds} s against one center ({} kill -9 restarts, {} 500s and {} slow answers from the proxy)",
        center.restarts,
        faults.errors.load(Ordering::Relaxed),
        faults.slow.load(Ordering::Relaxed)
    );
    for line in &log {
        println!("  {line}");
    }
    println!(
        "  submissions sent {}, stored by the center {stored}, lost {}, duplicated {duplicated}",
        sent.len(),
        lost.len()
    );
    println!(
        "  kiosk 0: {} approved, receipts printed {}, printed twice {printed_twice}, not printed {unprinted}",
        approved_0.len(),
        printed.len()
    );
    println!(
        "  memory: center {center_rss_start:.0} MiB just started, {center_rss_end:.0} MiB at the end (its last run); kiosks' process {kiosk_rss_start:.0} MiB at start, {kiosk_rss_end:.0} MiB at the end"
    );
    assert!(!sent.is_empty(), "nothing was sent");
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert_eq!(duplicated, 0, "duplicated submissions or receipt numbers");
    assert_eq!(printed_twice, 0, "a receipt printed twice");
    assert_eq!(unprinted, 0, "an approved receipt never printed");
    drop(kiosks);
}

/// Prints a receipt for each approval of `kiosk` not yet seen.
fn print_new_receipts(kiosk: &Kiosk, printer: &KioskPrinter, seen: &mut HashSet<String>) {
    let answered: Vec<_> = kiosk
        .courier
        .with_outbox(|o| o.list())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.answer)
        .filter(|a| a.status == Status::Approved)
        .collect();
    for answer in answered {
        let Some(no) = answer.receipt_no.clone() else {
            continue;
        };
        if !seen.insert(no.clone()) {
            continue;
        }
        let receipt = idbooth::receipt::Receipt {
            receipt_no: no.clone(),
            ..idbooth::receipt::sample::sample_receipt()
        };
        // Paper out: the job waits in the queue under its name.
        if printer.print_receipt(&receipt).is_err() {
            debug_assert!(printer.queued_jobs().contains(&receipt_job(&no)));
        }
    }
}
