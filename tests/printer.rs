//! The serial printer against a printer emulator on a real pty: status bits, confirmed prints,
//! paper out, a cover open, a silent printer, a vanished port, and the disk queue: nothing lost,
//! nothing printed twice.

mod util;

use util::{State, emulator};

use std::time::Duration;

use idbooth::receipt::decode::{Op, decode};
use idbooth::receipt::serial::SerialPrinter;
use idbooth::receipt::{PrintError, PrintQueue};

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
fn every_job_is_confirmed_by_a_printer_that_takes_only_printable_process_ids() {
    // A printer ignores a `GS ( H` whose id has a byte outside 32–126: with random ids nearly
    // every job went unconfirmed and was sent again.
    let emu = emulator(State::Ready);
    let p = printer(&emu.port_name);
    for n in 0..40 {
        let result = p.print(&job(&format!("A{n:07}")));
        assert_eq!(result, Ok(()), "job {n}");
    }
    assert_eq!(emu.printed.lock().expect("printed").len(), 40);
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
    // Printed jobs hold the applicant's masked name and photo: nothing of them stays on disk.
    let left: Vec<_> = walk(dir.path());
    assert!(left.is_empty(), "{left:?}");
}

/// `idbooth printer COMMAND --port PORT --config CONFIG`: exit code, stdout, stderr.
fn printer_cli(command: &str, port: &str, config: &str) -> (i32, String, String) {
    util::parts(&util::run(&[
        "printer", command, "--port", port, "--config", config,
    ]))
}

#[test]
fn cli_status_and_test_print() {
    let emu = emulator(State::Ready);
    let config = util::shipped_config();
    let config = config.to_str().expect("utf-8");
    let (code, out, err) = printer_cli("status", &emu.port_name, config);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ready"), "{out}");
    let (code, out, err) = printer_cli("test", &emu.port_name, config);
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
    let (code, out, _) = printer_cli("status", &emu.port_name, config);
    assert_eq!(code, 1);
    assert!(out.contains("not ready: paper out"), "{out}");
    let (code, _, err) = printer_cli("test", &emu.port_name, config);
    assert_eq!(code, 2);
    assert!(err.contains("paper out"), "{err}");
    let (code, _, err) = printer_cli("status", "/dev/idbooth-no-such-printer", config);
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

#[test]
fn the_booths_printer_prints_what_waited_by_itself_once_paper_is_back() {
    use idbooth::receipt::{KioskPrinter, Printer};
    let emu = emulator(State::PaperOut);
    let dir = tempfile::tempdir().expect("temp");
    let config = util::config();
    let printer = KioskPrinter::start(
        printer(&emu.port_name),
        dir.path(),
        idbooth::receipt::escpos::Profile::from_config(&config.kiosk.printer),
    )
    .expect("printer");
    let receipt = idbooth::receipt::sample::sample_receipt();
    let refused = printer.print_receipt(&receipt);
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("paper")),
        "{refused:?}"
    );
    assert_eq!(printer.queued(), 1);
    // Nothing is sent while the paper is out; once it is back, the flusher prints it, once.
    std::thread::sleep(Duration::from_millis(200));
    assert!(emu.printed.lock().expect("printed").is_empty());
    *emu.state.lock().expect("state") = State::Ready;
    let until = std::time::Instant::now() + idbooth::receipt::FLUSH_EVERY * 3;
    while printer.queued() > 0 && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(printer.queued(), 0);
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed.len(), 1);
    assert!(
        decode(&printed[0])
            .expect("decodes")
            .contains(&Op::QrStore(receipt.receipt_no.clone()))
    );
    // A ticket prints at once now, with its code.
    printer.print_ticket("1a2b3c4d-0000").expect("ticket");
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed.len(), 2);
    assert!(
        decode(&printed[1])
            .expect("decodes")
            .contains(&Op::QrStore("1a2b3c4d-0000".into()))
    );
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
