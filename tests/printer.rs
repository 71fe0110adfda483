//! The serial printer against a printer emulator on a real pty: status bits, confirmed prints,
//! paper out, a cover open, a silent printer, a vanished port, and the disk queue: nothing lost,
//! nothing printed twice.

mod util;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use idbooth::receipt::decode::{Op, decode};
use idbooth::receipt::serial::SerialPrinter;
use idbooth::receipt::{PrintError, PrintQueue};
use serialport::{SerialPort, TTYPort};

/// What the emulated printer is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Ready,
    PaperOut,
    CoverOpen,
    /// Answers status, but never confirms a job (a jam mid-print).
    Silent,
}

struct Emulator {
    state: Arc<Mutex<State>>,
    printed: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    port_name: String,
    _slave: TTYPort,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn status_byte(state: State, n: u8) -> u8 {
    let base = 0x12;
    match (state, n) {
        (State::PaperOut, 1) | (State::CoverOpen, 1) => base | 0x08,
        (State::PaperOut, 2) => base | 0x20,
        (State::CoverOpen, 2) => base | 0x04,
        (State::PaperOut, 4) => base | 0x60,
        _ => base,
    }
}

/// A printer on the master side of a pty; the booth opens the slave by its path.
fn emulator(initial: State) -> Emulator {
    let (mut master, slave) = TTYPort::pair().expect("a pty pair");
    let port_name = slave.name().expect("pty name");
    master
        .set_timeout(Duration::from_millis(50))
        .expect("timeout");
    let state = Arc::new(Mutex::new(initial));
    let printed = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (st, pr, sp) = (Arc::clone(&state), Arc::clone(&printed), Arc::clone(&stop));
    std::thread::spawn(move || {
        let mut pending: Vec<u8> = Vec::new();
        let mut job: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        while !sp.load(Ordering::SeqCst) {
            let n = match master.read(&mut buf) {
                Ok(n) => n,
                Err(_) => continue,
            };
            pending.extend_from_slice(&buf[..n]);
            loop {
                let state = *st.lock().expect("state");
                if let Some(at) = pending.windows(2).position(|w| w == [0x10, 0x04]) {
                    if pending.len() < at + 3 {
                        break;
                    }
                    job.extend_from_slice(&pending[..at]);
                    let n = pending[at + 2];
                    pending.drain(..at + 3);
                    let _ = master.write_all(&[status_byte(state, n)]);
                    continue;
                }
                if let Some(at) = pending.windows(3).position(|w| w == [0x1D, b'(', b'H']) {
                    if pending.len() < at + 11 {
                        break;
                    }
                    job.extend_from_slice(&pending[..at]);
                    let id = [
                        pending[at + 7],
                        pending[at + 8],
                        pending[at + 9],
                        pending[at + 10],
                    ];
                    pending.drain(..at + 11);
                    if state == State::Ready {
                        pr.lock().expect("printed").push(std::mem::take(&mut job));
                        let _ = master.write_all(&[0x37, 0x22, id[0], id[1], id[2], id[3], 0]);
                    } else {
                        job.clear();
                    }
                    continue;
                }
                break;
            }
        }
    });
    Emulator {
        state,
        printed,
        stop,
        port_name,
        _slave: slave,
    }
}

fn printer(port: &str) -> SerialPrinter {
    let config = util::config();
    SerialPrinter::on_port(&config.kiosk.printer, port).with_confirm_timeout(Duration::from_secs(1))
}

fn job(receipt_no: &str) -> Vec<u8> {
    let mut j = idbooth::receipt::escpos::EscPos::new(idbooth::receipt::escpos::Profile {
        dots: 576,
        chinese_mode: true,
        cut: idbooth::ops::config::Cut::Partial,
        qr: idbooth::ops::config::QrMode::Native,
    });
    j.line("回执号").line(receipt_no).qr(receipt_no);
    j.finish()
}

#[test]
fn status_bits_of_each_state() {
    let emu = emulator(State::Ready);
    let p = printer(&emu.port_name);
    assert!(p.status().expect("status").ready());
    *emu.state.lock().expect("state") = State::PaperOut;
    let s = p.status().expect("status");
    assert!(s.paper_out && !s.online && !s.ready());
    *emu.state.lock().expect("state") = State::CoverOpen;
    assert!(p.status().expect("status").cover_open);
}

#[test]
fn a_confirmed_print_arrives_whole() {
    let emu = emulator(State::Ready);
    let sent = job("44030026112500001X");
    printer(&emu.port_name).print(&sent).expect("printed");
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed, vec![sent.clone()]);
    let ops = decode(&printed[0]).expect("decodes");
    assert!(ops.contains(&Op::QrStore("44030026112500001X".into())));
    assert!(ops.contains(&Op::Text("回执号".into())));
}

#[test]
fn paper_out_cover_open_and_silence_are_not_prints() {
    let emu = emulator(State::PaperOut);
    let p = printer(&emu.port_name);
    assert_eq!(p.print(&job("A1234567")), Err(PrintError::PaperOut));
    *emu.state.lock().expect("state") = State::CoverOpen;
    let cover = p.print(&job("A1234567"));
    assert!(
        matches!(&cover, Err(PrintError::Offline(why)) if why.contains("cover")),
        "{cover:?}"
    );
    *emu.state.lock().expect("state") = State::Silent;
    let silent = p.print(&job("A1234567"));
    assert!(
        matches!(&silent, Err(PrintError::Offline(why)) if why.contains("no confirmation")),
        "{silent:?}"
    );
    assert!(emu.printed.lock().expect("printed").is_empty());
}

#[test]
fn a_vanished_port_is_offline() {
    let p = printer("/dev/idbooth-no-such-printer");
    assert!(matches!(p.status(), Err(PrintError::Offline(_))));
}

#[test]
fn the_queue_loses_nothing_and_prints_nothing_twice() {
    let emu = emulator(State::PaperOut);
    let p = printer(&emu.port_name);
    let dir = tempfile::tempdir().expect("temp");
    let queue = PrintQueue::open(dir.path()).expect("queue");
    queue.push("A0000001", &job("A0000001")).expect("push");
    std::thread::sleep(Duration::from_millis(20));
    queue.push("A0000002", &job("A0000002")).expect("push");
    let flushed = queue.flush(&p).expect("flush");
    assert_eq!(flushed.printed, Vec::<String>::new());
    assert_eq!(flushed.stopped, Some(PrintError::PaperOut));
    assert_eq!(
        queue.waiting().expect("waiting"),
        vec!["A0000001", "A0000002"]
    );
    // A new roll: both print, in order, once.
    *emu.state.lock().expect("state") = State::Ready;
    let flushed = queue.flush(&p).expect("flush");
    assert_eq!(flushed.printed, vec!["A0000001", "A0000002"]);
    assert!(queue.waiting().expect("waiting").is_empty());
    assert!(queue.flush(&p).expect("flush").printed.is_empty());
    assert_eq!(emu.printed.lock().expect("printed").len(), 2);
}

#[test]
fn cli_status_and_test_print() {
    let emu = emulator(State::Ready);
    let config = util::shipped_config();
    let config = config.to_str().expect("utf-8");
    let (code, out, err) = util::parts(&util::run(&[
        "printer",
        "status",
        "--port",
        &emu.port_name,
        "--config",
        config,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ready"), "{out}");
    let (code, out, err) = util::parts(&util::run(&[
        "printer",
        "test",
        "--port",
        &emu.port_name,
        "--config",
        config,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("confirmed"), "{out}");
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed.len(), 1);
    assert!(
        decode(&printed[0])
            .expect("decodes")
            .contains(&Op::QrStore("44030026112500001X".into()))
    );
    *emu.state.lock().expect("state") = State::PaperOut;
    let (code, out, _) = util::parts(&util::run(&[
        "printer",
        "status",
        "--port",
        &emu.port_name,
        "--config",
        config,
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("not ready: paper out"), "{out}");
    let (code, _, err) = util::parts(&util::run(&[
        "printer",
        "test",
        "--port",
        &emu.port_name,
        "--config",
        config,
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("paper out"), "{err}");
    let (code, _, err) = util::parts(&util::run(&[
        "printer",
        "status",
        "--port",
        "/dev/idbooth-no-such-printer",
        "--config",
        config,
    ]));
    assert_eq!(code, 2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn cli_renders_a_sample_receipt_as_escpos() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("sample.escpos");
    let (code, _, err) = util::parts(&util::run(&[
        "receipt",
        "render",
        "--sample",
        "--format",
        "escpos",
        "-o",
        out.to_str().expect("utf-8"),
        "--config",
        util::shipped_config().to_str().expect("utf-8"),
    ]));
    assert_eq!(code, 0, "{err}");
    let ops = decode(&std::fs::read(&out).expect("written")).expect("decodes");
    assert!(ops.contains(&Op::Barcode("44030026112500001X".into())));
}
