//! The thermal printer on a serial port: real-time status with DLE EOT 1–4, and printing that
//! counts only once the printer confirms it. DLE EOT is answered before buffered data prints, so
//! it cannot confirm a print: each job ends with `GS ( H` (transmit a process id), which the
//! printer answers only after everything before it was processed. No answer, no print.

use std::io::{Read, Write};
use std::time::Duration;

use serialport::{FlowControl as PortFlow, SerialPort};

use super::status::PrintError;
pub use super::status::Status;
use super::{FlowControl, PrinterConfig};

/// How long the printer may take to print a receipt before it counts as not printed.
const PRINT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a status answer may take.
const STATUS_TIMEOUT: Duration = Duration::from_millis(1000);

/// A printer on a serial port, opened for each job (a USB-serial port that vanished and came
/// back is found again by its udev name).
#[derive(Debug, Clone)]
pub struct SerialPrinter {
    port: String,
    baud: u32,
    flow: FlowControl,
    confirm_timeout: Duration,
}

impl SerialPrinter {
    /// The configured printer.
    pub fn new(config: &PrinterConfig) -> Self {
        SerialPrinter {
            port: config.port.clone(),
            baud: config.baud,
            flow: config.flow_control,
            confirm_timeout: PRINT_TIMEOUT,
        }
    }

    /// A printer on `port` with the other settings of `config`.
    pub fn on_port(config: &PrinterConfig, port: &str) -> Self {
        SerialPrinter {
            port: port.to_owned(),
            ..SerialPrinter::new(config)
        }
    }

    /// The same printer, waiting at most `timeout` for a job's confirmation.
    pub fn with_confirm_timeout(self, timeout: Duration) -> Self {
        SerialPrinter {
            confirm_timeout: timeout,
            ..self
        }
    }

    fn open(&self) -> Result<Box<dyn SerialPort>, PrintError> {
        let flow = match self.flow {
            FlowControl::None => PortFlow::None,
            FlowControl::Software => PortFlow::Software,
            FlowControl::Hardware => PortFlow::Hardware,
        };
        // The port is opened exclusively; another job or status poll of this booth may hold it
        // for a moment, so a busy port is tried again before it counts as offline.
        let mut attempt = 0;
        let port = loop {
            match serialport::new(&self.port, self.baud)
                .flow_control(flow)
                .timeout(STATUS_TIMEOUT)
                .open()
            {
                Ok(port) => break port,
                Err(e) if attempt < 10 && !std::path::Path::new(&self.port).exists() => {
                    return Err(PrintError::Offline(format!("{}: {e}", self.port)));
                }
                Err(_) if attempt < 10 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(PrintError::Offline(format!("{}: {e}", self.port))),
            }
        };
        // A late answer to an earlier question must not pass for the answer to the next one.
        port.clear(serialport::ClearBuffer::Input)
            .map_err(|e| PrintError::Offline(format!("{}: {e}", self.port)))?;
        Ok(port)
    }

    /// Real-time status (DLE EOT 1–4).
    pub fn status(&self) -> Result<Status, PrintError> {
        let mut port = self.open()?;
        query_status(port.as_mut())
    }

    /// Prints `job` and waits for the printer to confirm it. `Ok` only when confirmed.
    pub fn print(&self, job: &[u8]) -> Result<(), PrintError> {
        let mut port = self.open()?;
        let status = query_status(port.as_mut())?;
        if status.paper_out {
            return Err(PrintError::PaperOut);
        }
        if let Some(problem) = status.problem() {
            return Err(PrintError::Offline(problem.to_owned()));
        }
        send(port.as_mut(), job, process_id(), self.confirm_timeout).map_err(|e| match e {
            PrintError::Offline(why) => PrintError::Offline(format!("{}: {why}", self.port)),
            other => other,
        })
    }
}

/// What sending a job needs of a port: bytes both ways and a timeout.
trait Line: Read + Write {
    fn set_timeout(&mut self, timeout: Duration) -> std::io::Result<()>;
}

impl Line for dyn SerialPort {
    fn set_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        SerialPort::set_timeout(self, timeout).map_err(std::io::Error::from)
    }
}

/// Sends `job` and the process-id request `id` after it, then waits for the printer's answer.
/// Every wait may last `confirm`: with hardware flow control the printer holds CTS while it
/// prints a raster, so a write can wait as long as the job takes, and a shorter timeout would
/// count half a receipt as unprinted and send it again.
fn send<L: Line + ?Sized>(
    port: &mut L,
    job: &[u8],
    id: [u8; 4],
    confirm: Duration,
) -> Result<(), PrintError> {
    let offline = |e: std::io::Error| PrintError::Offline(e.to_string());
    port.set_timeout(confirm).map_err(offline)?;
    port.write_all(job).map_err(offline)?;
    port.write_all(&[0x1D, b'(', b'H', 6, 0, 48, 48, id[0], id[1], id[2], id[3]])
        .map_err(offline)?;
    port.flush().map_err(offline)?;
    // The answer: 37h 22h d1 d2 d3 d4 00h.
    let mut answer = [0u8; 7];
    port.read_exact(&mut answer)
        .map_err(|_| PrintError::Offline("no confirmation from the printer".into()))?;
    if answer[..2] != [0x37, 0x22] || answer[2..6] != id || answer[6] != 0 {
        return Err(PrintError::Offline(
            "the printer confirmed another job".into(),
        ));
    }
    Ok(())
}

/// A fresh id for `GS ( H`: four bytes of 33–126. Epson takes only 32–126 for d1..d4 and ignores
/// the request otherwise (no answer, so a printed job would count as unprinted); printable bytes
/// also never form DLE EOT or XON/XOFF on the line.
pub fn process_id() -> [u8; 4] {
    std::array::from_fn(|_| fastrand::u8(b'!'..=b'~'))
}

fn query_status(port: &mut dyn SerialPort) -> Result<Status, PrintError> {
    let mut bytes = [0u8; 4];
    for (n, slot) in (1..=4u8).zip(bytes.iter_mut()) {
        port.write_all(&[0x10, 0x04, n])
            .map_err(|e| PrintError::Offline(e.to_string()))?;
        let mut one = [0u8; 1];
        port.read_exact(&mut one)
            .map_err(|_| PrintError::Offline("the printer does not answer".into()))?;
        *slot = one[0];
    }
    Ok(Status::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bits() {
        let ready = Status::from_bytes([0x12, 0x12, 0x12, 0x12]);
        assert!(ready.ready() && ready.problem().is_none());
        let out = Status::from_bytes([0x1A, 0x32, 0x12, 0x72]);
        assert!(out.paper_out && !out.online && !out.ready());
        assert_eq!(out.problem(), Some("paper out: load a new roll"));
        let cover = Status::from_bytes([0x1A, 0x16, 0x12, 0x12]);
        assert!(cover.cover_open && cover.problem().is_some_and(|p| p.contains("cover")));
        let near = Status::from_bytes([0x12, 0x12, 0x12, 0x1E]);
        assert!(near.paper_near_end && near.ready());
        let cutter = Status::from_bytes([0x12, 0x12, 0x1A, 0x12]);
        assert!(cutter.cutter_error && !cutter.ready());
    }

    /// A printer on hardware flow control that holds CTS for `hold` once `held_after` bytes of
    /// the job are in, then prints and confirms. No time passes: a write fails when the port's
    /// timeout is shorter than the hold, as a real port's would.
    struct HoldsCts {
        hold: Duration,
        held_after: usize,
        timeout: Duration,
        written: Vec<u8>,
        answer: std::collections::VecDeque<u8>,
    }

    impl Read for HoldsCts {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.answer.len());
            if n == 0 {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            for b in &mut buf[..n] {
                *b = self.answer.pop_front().unwrap_or(0);
            }
            Ok(n)
        }
    }

    impl Write for HoldsCts {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = self.held_after.saturating_sub(self.written.len());
            if room == 0 && self.hold > Duration::ZERO {
                if self.timeout < self.hold {
                    return Err(std::io::ErrorKind::TimedOut.into());
                }
                self.hold = Duration::ZERO;
            }
            let n = if self.hold > Duration::ZERO {
                buf.len().min(room)
            } else {
                buf.len()
            };
            self.written.extend_from_slice(&buf[..n]);
            if let [.., 0x1D, b'(', b'H', 6, 0, 48, 48, a, b, c, d] = self.written[..] {
                self.answer.extend([0x37, 0x22, a, b, c, d, 0]);
            }
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Line for HoldsCts {
        fn set_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
            self.timeout = timeout;
            Ok(())
        }
    }

    #[test]
    fn a_printer_holding_cts_mid_job_still_confirms_it() {
        let job = vec![0x55; 20_000];
        let mut port = HoldsCts {
            hold: Duration::from_secs(3),
            held_after: 8_000,
            timeout: STATUS_TIMEOUT,
            written: Vec::new(),
            answer: Default::default(),
        };
        assert_eq!(
            send(&mut port, &job, *b"1234", Duration::from_secs(20)),
            Ok(())
        );
        assert_eq!(&port.written[..job.len()], &job[..]);
        assert_eq!(port.written.len(), job.len() + 11);
        // A hold longer than the whole job may take is no print.
        let mut port = HoldsCts {
            hold: Duration::from_secs(30),
            written: Vec::new(),
            answer: Default::default(),
            ..port
        };
        assert!(send(&mut port, &job, *b"1234", Duration::from_secs(20)).is_err());
    }

    #[test]
    fn process_ids_are_printable_ascii() {
        for _ in 0..10_000 {
            let id = process_id();
            assert!(id.iter().all(|b| (33..=126).contains(b)), "{id:?}");
        }
    }
}
