//! The serial printer against a printer emulator on a real pty: status bits, confirmed prints,
//! paper out, a cover open, a silent printer, a vanished port, and the disk queue: nothing lost,
//! nothing printed twice.

use crate::util;

use util::{State, emulator};

use std::time::Duration;

use idbooth::receipt::decode::{Op, decode};
use idbooth::receipt::serial::SerialPrinter;
use idbooth::receipt::{KioskPrinter, PrintError, PrintQueue, Printer, receipt_job};

fn printer(port: &str) -> SerialPrinter {
    let config = util::config();
    SerialPrinter::on_port(&config.kiosk.printer, port).with_confirm_timeout(Duration::from_secs(1))
}

fn job(receipt_no: &str) -> Vec<u8> {
    let mut j = idbooth::receipt::escpos::EscPos::new(idbooth::receipt::escpos::Profile {
        dots: 576,
        chinese_mode: true,
        code_page: 0,
        cut: idbooth::receipt::Cut::Partial,
        qr: idbooth::receipt::QrMode::Native,
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
    assert_eq!(queue.print("A0000001", &p), Err(PrintError::PaperOut));
    assert_eq!(
        queue.waiting().expect("waiting"),
        vec!["A0000001", "A0000002"]
    );
    // A new roll: each prints when asked for, alone, once.
    *emu.state.lock().expect("state") = State::Ready;
    queue.print("A0000002", &p).expect("printed");
    assert_eq!(queue.waiting().expect("waiting"), vec!["A0000001"]);
    queue.print("A0000001", &p).expect("printed");
    assert!(queue.waiting().expect("waiting").is_empty());
    assert_eq!(
        queue.print("A0000001", &p),
        Err(PrintError::NotQueued("A0000001".into()))
    );
    let printed = emu.printed.lock().expect("printed").clone();
    assert_eq!(printed, vec![job("A0000002"), job("A0000001")]);
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

fn receipt(receipt_no: &str) -> idbooth::receipt::Receipt {
    idbooth::receipt::Receipt {
        receipt_no: receipt_no.into(),
        ..idbooth::receipt::sample::sample_receipt()
    }
}

fn kiosk_printer(port: &str, dir: &std::path::Path) -> KioskPrinter {
    let config = util::config();
    KioskPrinter::start(
        printer(port),
        dir,
        idbooth::receipt::escpos::Profile::from_config(&config.kiosk.printer),
        std::time::Duration::from_secs(3600),
    )
    .expect("printer")
}

/// The receipt numbers in what the printer printed, in order.
fn printed_numbers(emu: &util::Emulator) -> Vec<String> {
    emu.printed
        .lock()
        .expect("printed")
        .iter()
        .map(|job| {
            decode(job)
                .expect("decodes")
                .into_iter()
                .find_map(|op| match op {
                    Op::QrStore(data) => Some(data),
                    _ => None,
                })
                .expect("a QR")
        })
        .collect()
}

#[test]
fn receipts_left_waiting_print_only_when_asked_for_each_once() {
    let emu = emulator(State::PaperOut);
    let dir = tempfile::tempdir().expect("temp");
    let printer = kiosk_printer(&emu.port_name, dir.path());
    for no in ["44030026112500001A", "44030026112500002B"] {
        let refused = printer.print_receipt(&receipt(no));
        assert_eq!(refused, Err(PrintError::PaperOut));
    }
    assert_eq!(
        printer.queued_jobs(),
        vec![
            receipt_job("44030026112500001A"),
            receipt_job("44030026112500002B")
        ]
    );
    // A new roll: the printer coming back prints nothing by itself (the old flusher looked
    // every 5 s), and the next applicant's receipt comes out alone.
    *emu.state.lock().expect("state") = State::Ready;
    assert!(printer.status().expect("status").ready());
    std::thread::sleep(Duration::from_secs(6));
    assert!(printed_numbers(&emu).is_empty());
    printer
        .print_receipt(&receipt("44030026112500003C"))
        .expect("printed");
    assert_eq!(printed_numbers(&emu), vec!["44030026112500003C"]);
    assert_eq!(printer.queued(), 2);
    // Asked for by name: exactly that one, once.
    printer
        .reprint(&receipt_job("44030026112500002B"))
        .expect("reprinted");
    assert_eq!(
        printed_numbers(&emu),
        vec!["44030026112500003C", "44030026112500002B"]
    );
    assert_eq!(
        printer.reprint(&receipt_job("44030026112500002B")),
        Err(PrintError::NotQueued(receipt_job("44030026112500002B")))
    );
    assert_eq!(
        printer.queued_jobs(),
        vec![receipt_job("44030026112500001A")]
    );
    assert_eq!(printed_numbers(&emu).len(), 2);
    // A ticket prints at once, alone, with its code.
    printer
        .print_ticket("1a2b3c4d-0000", idbooth::i18n::Language::BASE)
        .expect("ticket");
    assert_eq!(printed_numbers(&emu)[2], "1a2b3c4d-0000");
    assert_eq!(printer.queued(), 1);
}

#[test]
fn the_test_print_goes_past_the_queue() {
    let emu = emulator(State::PaperOut);
    let dir = tempfile::tempdir().expect("temp");
    let printer = kiosk_printer(&emu.port_name, dir.path());
    assert!(
        printer
            .print_receipt(&receipt("44030026112500001A"))
            .is_err()
    );
    let test = receipt("TEST0000");
    // Paper out: the test print fails and leaves nothing queued.
    assert_eq!(printer.test_print(&test), Err(PrintError::PaperOut));
    assert_eq!(
        printer.queued_jobs(),
        vec![receipt_job("44030026112500001A")]
    );
    // Paper in: the test receipt prints alone; the waiting receipt stays waiting.
    *emu.state.lock().expect("state") = State::Ready;
    printer.test_print(&test).expect("printed");
    assert_eq!(printed_numbers(&emu), vec!["TEST0000"]);
    assert_eq!(
        printer.queued_jobs(),
        vec![receipt_job("44030026112500001A")]
    );
}

#[test]
fn a_printer_that_vanishes_and_returns_under_its_udev_name_reprints_once() {
    // The booth knows the printer by a udev-style symlink; the USB-serial port behind it goes
    // away with a job waiting, and comes back as another device.
    let links = tempfile::tempdir().expect("temp");
    let link = links.path().join("idbooth-printer");
    let first = emulator(State::PaperOut);
    std::os::unix::fs::symlink(&first.port_name, &link).expect("symlink");
    let dir = tempfile::tempdir().expect("temp");
    let printer = kiosk_printer(link.to_str().expect("utf-8"), dir.path());
    let job_name = receipt_job("44030026112500001A");
    assert_eq!(
        printer.print_receipt(&receipt("44030026112500001A")),
        Err(PrintError::PaperOut)
    );
    // Unplugged: the port and its name are gone.
    drop(first);
    std::fs::remove_file(&link).expect("unlink");
    assert!(matches!(printer.status(), Err(PrintError::Offline(_))));
    assert!(matches!(
        printer.reprint(&job_name),
        Err(PrintError::Offline(_))
    ));
    assert_eq!(printer.queued_jobs(), vec![job_name.clone()]);
    // Plugged in again, with paper: a new pty, the name points at it.
    let second = emulator(State::Ready);
    std::os::unix::fs::symlink(&second.port_name, &link).expect("symlink");
    assert!(printer.status().expect("status").ready());
    assert!(printed_numbers(&second).is_empty());
    printer.reprint(&job_name).expect("reprinted");
    assert_eq!(printed_numbers(&second), vec!["44030026112500001A"]);
    assert_eq!(printer.queued(), 0);
    assert_eq!(
        printer.reprint(&job_name),
        Err(PrintError::NotQueued(job_name.clone()))
    );
    assert_eq!(printed_numbers(&second).len(), 1);
    assert!(printer.status().expect("status").ready());
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
