//! The booth's health: once a second, whether it can take new sessions (camera delivering,
//! printer ready, center answering) and the center slot of the maintenance screen; the printer
//! asked for its status on its own thread; the printer trouble screen told when the printer is
//! back; camera faults counted; what an operator must act on told to systemd (`STATUS=`, the
//! line `systemctl status idbooth` shows).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::photo_desk::{Job, PhotoDesk};
use super::{Shell, lock};
use crate::camera::CameraState;
use crate::i18n::{Language, Message};
use crate::ops::health::{CenterHealth, PhotoHealth};
use crate::ops::watchdog::Notifier;
use crate::ops::{self, Counter};
use crate::receipt::{PrintError, Printer, serial};
use crate::session::{Event, Flow};

/// The printer's latest answer to a status request.
type PrinterStatus = Result<serial::Status, PrintError>;

/// What the health check keeps between frames.
#[derive(Default)]
pub(super) struct Health {
    /// The center slot of the maintenance screen; `None` (no report yet) shows "—".
    pub(super) center: Arc<Mutex<Option<CenterHealth>>>,
    /// The printer's latest status, asked by the printer watch.
    printer: Arc<Mutex<Option<PrinterStatus>>>,
    /// Whether the camera was last seen faulty (`None`: not seen yet).
    camera_fault: Option<bool>,
    /// When the center slot and the booth's serviceability were last worked out.
    checked: Option<Instant>,
    /// The printer was seen not ready while the applicant is on the printer trouble screen.
    printer_down: bool,
    /// The photo printer as last asked (`None`: none, or not asked yet).
    pub(super) photo: Arc<Mutex<Option<PhotoHealth>>>,
    /// The photo printer's thread, which asks it and sends the sheets (`None`: not started).
    photo_desk: Option<PhotoDesk>,
    /// The data folder, where the heartbeat document is kept (`None`: the booth keeps none).
    pub(super) data_dir: Option<std::path::PathBuf>,
    /// When the last heartbeat was made.
    beat: Option<Instant>,
    /// systemd's status line.
    status: StatusLine,
}

/// The `STATUS=` line last sent to systemd, sent again only when it changes.
#[derive(Debug)]
struct StatusLine {
    systemd: Notifier,
    last: Option<String>,
}

impl Default for StatusLine {
    fn default() -> StatusLine {
        StatusLine {
            systemd: Notifier::from_env(),
            last: None,
        }
    }
}

impl StatusLine {
    fn set(&mut self, line: String) {
        if self.last.as_ref() != Some(&line) {
            self.systemd.status(&line);
            self.last = Some(line);
        }
    }
}

/// The booth's state in an operator's words, for `systemctl status`: "in service", or "out of
/// service: " and what to fix (English: the journal and the status line are the operator's, not
/// the applicant's). No applicant data.
pub(super) fn operator_status(
    camera: &CameraState,
    camera_ok: bool,
    printer: Option<&PrinterStatus>,
    center_error: Option<&str>,
) -> String {
    let mut problems = Vec::new();
    if !camera_ok {
        problems.push(match camera {
            CameraState::Lost(why) => format!("camera lost ({why})"),
            CameraState::Stalled => "camera stalled: no frames".to_owned(),
            CameraState::Opening | CameraState::Running => "camera reopening".to_owned(),
        });
    }
    match printer {
        Some(Err(error)) => problems.push(error.to_string()),
        Some(Ok(status)) if !status.ready() => problems.push(format!(
            "printer: {}",
            status.problem().unwrap_or("not ready")
        )),
        _ => {}
    }
    if let Some(error) = center_error {
        problems.push(format!("center unreachable ({error})"));
    }
    if problems.is_empty() {
        "in service".to_owned()
    } else {
        format!("out of service: {}", problems.join("; "))
    }
}

impl Shell {
    /// Once a second: the center slot of the maintenance screen, and whether the booth can take
    /// new sessions (camera delivering, printer ready, center answering). Attract says so calmly
    /// when it cannot; a running session finishes. Returns the [`Event::Serviceable`] to feed
    /// when that changed.
    pub fn check_health(&mut self) -> Option<Event> {
        if self
            .health
            .checked
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            return None;
        }
        if self.health.checked.is_none() {
            spawn_printer_watch(
                Arc::clone(&self.parts.printer),
                Duration::from_secs(self.parts.config.kiosk.printer.status_poll_s),
                Arc::clone(&self.health.printer),
                Arc::clone(&self.stop),
            );
            self.photo_desk();
        }
        self.health.checked = Some(Instant::now());
        let center = self.parts.center.status();
        let reachable = center.contact.as_ref().is_none_or(|c| c.error.is_none());
        *lock(&self.health.center) = Some(CenterHealth {
            reachable: center.contact.is_some() && reachable,
            latency_ms: center
                .contact
                .as_ref()
                .map(|c| u64::try_from(c.latency.as_millis()).unwrap_or(u64::MAX)),
            token_accepted: center.contact.as_ref().and_then(|c| c.token_accepted),
            outbox_depth: center.depth.undelivered,
            oldest_s: center.depth.oldest.map(|d| d.as_secs()),
        });
        self.heartbeat();
        // Opening again after a fault is not back yet: only frames are (else the attract
        // screen would offer a start at every reopening of a stuck camera).
        let camera_ok = match self.parts.camera.status().state {
            CameraState::Running => true,
            CameraState::Opening => self.health.camera_fault != Some(true),
            CameraState::Stalled | CameraState::Lost(_) => false,
        };
        let printer = lock(&self.health.printer).clone();
        let printer_ok = printer
            .as_ref()
            .is_none_or(|s| s.as_ref().is_ok_and(|s| s.ready()));
        let ok = camera_ok && printer_ok && reachable;
        let center_error = center.contact.as_ref().and_then(|c| c.error.as_deref());
        self.health.status.set(operator_status(
            &self.parts.camera.status().state,
            camera_ok,
            printer.as_ref(),
            center_error,
        ));
        if ok == self.session.serviceable() {
            return None;
        }
        let mark = |fine: bool| if fine { "✓" } else { "✗" };
        let what = if ok {
            Message::new("event.back_in_service")
        } else {
            Message::new("event.out_of_service")
                .with("camera", mark(camera_ok))
                .with("printer", mark(printer_ok))
                .with("center", mark(reachable))
        };
        tracing::warn!(what = %what.text(Language::EN), "booth service");
        if let Err(error) = self.store.note("service", &what) {
            tracing::warn!(%error, "ops store: service change not recorded");
        }
        Some(Event::Serviceable(ok))
    }

    /// Every `[center] heartbeat_s`: the booth's heartbeat to the center (through the courier)
    /// and into `status.json` in the data folder.
    /// It reads the counters and writes a file on the UI thread, so it waits while someone
    /// poses (see [`beat_due`]).
    fn heartbeat(&mut self) {
        let every = Duration::from_secs(self.parts.config.kiosk.center.heartbeat_s);
        let posing = matches!(
            self.session.flow(),
            Flow::Pose { .. } | Flow::Countdown { .. } | Flow::Processing { .. }
        );
        if !beat_due(self.health.beat.map(|t| t.elapsed()), every, posing) {
            return;
        }
        self.health.beat = Some(Instant::now());
        let dir = self.health.data_dir.clone();
        let health = ops::health::Health {
            camera: self.parts.camera.status(),
            printer: lock(&self.health.printer).clone(),
            disk: dir
                .as_deref()
                .map(|d| ops::health::disk(d).map_err(|e| format!("{}: {e}", d.display()))),
            center: lock(&self.health.center).clone(),
            outbox_alarm_min: self.parts.config.kiosk.center.outbox_alarm_min,
            photo_printer: lock(&self.health.photo).clone(),
        };
        let beat = ops::heartbeat::of_booth(
            &self.parts.config.kiosk.kiosk.id,
            &health,
            &self.store,
            self.uptime(),
        );
        if let Some(dir) = dir
            && let Err(error) = ops::heartbeat::write(&dir, &beat)
        {
            tracing::warn!(%error, "heartbeat: status.json not written");
        }
        self.parts.center.heartbeat(beat);
    }

    /// While the applicant is on the printer trouble screen: tells the session when the printer,
    /// seen not ready, is ready again (it then prints the receipt once by itself). Returns the
    /// [`Event::PrinterReady`] to feed.
    pub fn watch_printer(&mut self) -> Option<Event> {
        if !matches!(self.session.flow(), Flow::PrintFailed { .. }) {
            self.health.printer_down = false;
            return None;
        }
        let ready = match lock(&self.health.printer).as_ref() {
            Some(status) => status.as_ref().is_ok_and(|s| s.ready()),
            None => return None,
        };
        if !ready {
            self.health.printer_down = true;
        } else if self.health.printer_down {
            self.health.printer_down = false;
            return Some(Event::PrinterReady);
        }
        None
    }

    /// The photo printer's thread, started the first time it is needed (`None`: the booth has
    /// no photo printer, or the system gives no thread).
    fn photo_desk(&mut self) -> Option<&PhotoDesk> {
        if self.health.photo_desk.is_none() {
            let printer = Arc::clone(self.parts.photo_printer.as_ref()?);
            self.health.photo_desk = PhotoDesk::start(
                printer,
                Duration::from_secs(self.parts.config.kiosk.printer.status_poll_s.max(5)),
                Arc::clone(&self.health.photo),
                Arc::clone(&self.stop),
            );
        }
        self.health.photo_desk.as_ref()
    }

    /// Hands `job` to the photo printer's thread, starting it again once if it is gone (a job
    /// panicked); gives the job back when there is no such thread.
    pub(super) fn send_to_photo_desk(&mut self, job: Job) -> Result<(), Job> {
        let job = match self.photo_desk() {
            Some(desk) => match desk.send(job) {
                Ok(()) => return Ok(()),
                Err(job) => job,
            },
            None => return Err(job),
        };
        self.health.photo_desk = None;
        match self.photo_desk() {
            Some(desk) => desk.send(job),
            None => Err(job),
        }
    }

    /// Counts a camera fault once when frames stop, and logs when they come back.
    pub fn watch_camera(&mut self) {
        let state = self.parts.camera.status().state;
        let fault = match &state {
            CameraState::Stalled | CameraState::Lost(_) => true,
            CameraState::Running => false,
            CameraState::Opening => return,
        };
        let store = &self.store;
        let result = match (self.health.camera_fault, fault) {
            (Some(false) | None, true) => store.count(Counter::CameraFault).and_then(|()| {
                let what = match &state {
                    CameraState::Lost(why) => Message::new("event.camera_lost").with("why", why),
                    _ => Message::new("event.camera_stalled"),
                };
                store.note("camera", &what)
            }),
            (Some(true), false) => store.note("camera", &Message::new("event.camera_back")),
            _ => Ok(()),
        };
        if let Err(error) = result {
            tracing::warn!(%error, "ops store: camera not recorded");
        }
        self.health.camera_fault = Some(fault);
    }
}

/// Asks the printer for its status every `every` (`[printer] status_poll_s`), off the UI thread (a real printer may take
/// a second to answer), until `stop`.
fn spawn_printer_watch(
    printer: Arc<dyn Printer>,
    every: Duration,
    slot: Arc<Mutex<Option<PrinterStatus>>>,
    stop: Arc<AtomicBool>,
) {
    let spawned = std::thread::Builder::new()
        .name("printer-watch".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let status = printer.status();
                *lock(&slot) = Some(status);
                std::thread::sleep(every);
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "printer watch: cannot start");
    }
}

/// Whether a heartbeat is due, `since` the last (`None`: none yet), one every `every`. While the
/// applicant poses it waits, so no frame of the guidance waits on the disk, but for one interval
/// at most: a booth stuck on its pose screen is still heard before the center counts it silent.
fn beat_due(since: Option<Duration>, every: Duration, posing: bool) -> bool {
    let Some(since) = since else {
        return true;
    };
    let wait = if posing { every * 2 } else { every };
    since >= wait
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_heartbeat_waits_while_someone_poses_but_not_past_one_more_interval() {
        use super::beat_due;
        use std::time::Duration;
        let minute = Duration::from_secs(60);
        assert!(beat_due(None, minute, false), "the first beat at once");
        assert!(beat_due(None, minute, true), "even while posing");
        assert!(!beat_due(Some(minute / 2), minute, false));
        assert!(beat_due(Some(minute), minute, false), "one per interval");
        assert!(
            !beat_due(Some(minute), minute, true),
            "deferred while posing"
        );
        assert!(!beat_due(Some(minute * 3 / 2), minute, true));
        assert!(
            beat_due(Some(minute * 2), minute, true),
            "but not past a second interval"
        );
    }

    use super::*;

    #[test]
    fn the_status_line_names_what_to_fix() {
        let paper_out = Ok(serial::Status {
            online: false,
            paper_out: true,
            ..serial::Status::default()
        });
        assert_eq!(
            operator_status(&CameraState::Running, true, Some(&paper_out), None),
            "out of service: printer: paper out: load a new roll"
        );
        let lost = CameraState::Lost("no such device".to_owned());
        assert_eq!(
            operator_status(&lost, false, None, Some("connection refused")),
            "out of service: camera lost (no such device); center unreachable (connection refused)"
        );
        let offline: PrinterStatus = Err(PrintError::Offline("/dev/idbooth-printer".to_owned()));
        assert!(
            operator_status(&CameraState::Running, true, Some(&offline), None)
                .contains("printer: offline")
        );
        let ready = Ok(serial::Status {
            online: true,
            ..serial::Status::default()
        });
        assert_eq!(
            operator_status(&CameraState::Running, true, Some(&ready), None),
            "in service"
        );
    }
}
