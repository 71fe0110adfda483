//! The booth's health at a glance, and each problem in words an operator can act on. The
//! reading of the hardware happens elsewhere (camera worker, printer thread, `statvfs`); this
//! file only judges what was read, so it is tested without any hardware.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

pub use super::photo_health::PhotoHealth;
use crate::camera::{CameraState, CameraStatus};
use crate::i18n::Message;
use crate::receipt::PrintError;
use crate::receipt::serial::Status as PrinterStatus;

/// The center and the outbox, from the courier's status (`None` until the booth's first health
/// check, and the screen shows "—").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CenterHealth {
    /// The last health check got an answer.
    pub reachable: bool,
    /// Round trip of the last check.
    pub latency_ms: Option<u64>,
    /// The center accepted this kiosk's token (`None`: not known yet).
    pub token_accepted: Option<bool>,
    /// Submissions waiting in the outbox.
    pub outbox_depth: u64,
    /// Age of the oldest waiting submission, in seconds.
    pub oldest_s: Option<u64>,
}

/// Space on the data folder's file system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Disk {
    /// Bytes free for the booth (not root's reserve).
    pub free: u64,
    /// Bytes in all.
    pub total: u64,
}

/// Below this the operator is told to make room.
pub const LOW_DISK: u64 = 500 * 1024 * 1024;

/// A camera without frames for longer than this is reported.
pub const CAMERA_SILENT: Duration = Duration::from_secs(3);

/// Free space under `path`.
pub fn disk(path: &Path) -> std::io::Result<Disk> {
    let st = rustix::fs::statvfs(path)?;
    let unit = st.f_frsize.max(1);
    Ok(Disk {
        free: st.f_bavail.saturating_mul(unit),
        total: st.f_blocks.saturating_mul(unit),
    })
}

/// Everything read for the status page.
#[derive(Debug, Clone)]
pub struct Health {
    /// The camera.
    pub camera: CameraStatus,
    /// The printer's last answer (`None`: not asked yet).
    pub printer: Option<Result<PrinterStatus, PrintError>>,
    /// The data folder's disk (`None`: not read yet; `Some(Err)`: cannot be read).
    pub disk: Option<Result<Disk, String>>,
    /// The center and outbox slot.
    pub center: Option<CenterHealth>,
    /// Minutes after which a submission waiting to be sent is a problem
    /// (`[center] outbox_alarm_min`).
    pub outbox_alarm_min: u64,
    /// The photo printer (`None`: the booth has none, or it was not asked yet).
    pub photo_printer: Option<PhotoHealth>,
}

/// One problem, as a text of `[health]` in `assets/i18n` with the values it shows.
pub type Problem = Message;

pub(super) fn problem(key: &str) -> Problem {
    Message::new(&format!("health.{key}"))
}

pub(super) fn problem_with(key: &str, args: &[(&str, String)]) -> Problem {
    args.iter()
        .fold(problem(key), |m, (name, value)| m.with(name, value))
}

/// The problems in `health`, the most urgent first; empty when all is well.
pub fn problems(health: &Health) -> Vec<Problem> {
    let mut out = Vec::new();
    camera_problems(&health.camera, &mut out);
    match &health.printer {
        Some(Ok(status)) => printer_problems(status, &mut out),
        Some(Err(PrintError::PaperOut)) => out.push(problem("paper_out")),
        Some(Err(PrintError::Offline(why))) => {
            out.push(problem_with("printer_silent", &[("why", why.clone())]));
        }
        Some(Err(PrintError::Queue(why))) => {
            out.push(problem_with("print_queue", &[("why", why.clone())]));
        }
        Some(Err(other)) => out.push(problem_with(
            "printer_other",
            &[("what", other.to_string())],
        )),
        None => {}
    }
    if let Some(photo) = &health.photo_printer {
        super::photo_health::photo_problems(photo, &mut out);
    }
    match &health.disk {
        Some(Ok(d)) if d.free < LOW_DISK => {
            out.push(problem_with("disk_low", &[("free", megabytes(d.free))]));
        }
        Some(Err(why)) => out.push(problem_with("disk_unreadable", &[("why", why.clone())])),
        _ => {}
    }
    if let Some(c) = &health.center {
        if !c.reachable {
            out.push(problem("center_unreachable"));
        } else if c.token_accepted == Some(false) {
            out.push(problem("center_token"));
        }
        if c.oldest_s.is_some_and(|s| s > health.outbox_alarm_min * 60) {
            out.push(problem_with(
                "outbox_waiting",
                &[
                    ("n", c.outbox_depth.to_string()),
                    ("minutes", health.outbox_alarm_min.to_string()),
                ],
            ));
        }
    }
    out
}

fn camera_problems(camera: &CameraStatus, out: &mut Vec<Problem>) {
    let silent = camera
        .last_frame_age
        .filter(|age| *age >= CAMERA_SILENT)
        .map(|age| age.as_secs());
    match (&camera.state, silent) {
        (CameraState::Lost(_), Some(s)) | (CameraState::Stalled, Some(s)) => {
            out.push(problem_with(
                "camera_silent_reopen",
                &[("s", s.to_string())],
            ));
        }
        (CameraState::Lost(_), None) if camera.last_frame_age.is_none() => {
            out.push(problem("camera_unplugged"));
        }
        (CameraState::Stalled | CameraState::Lost(_), None) => {
            out.push(problem("camera_reconnecting"));
        }
        (CameraState::Running | CameraState::Opening, Some(s)) => {
            out.push(problem_with("camera_silent", &[("s", s.to_string())]));
        }
        _ => {}
    }
    // A resting camera (nobody at it) reads slowly on purpose.
    if matches!(camera.state, CameraState::Running)
        && !camera.resting
        && camera.fps > 0.0
        && camera.fps < 10.0
    {
        out.push(problem_with(
            "camera_slow",
            &[("fps", format!("{:.0}", camera.fps))],
        ));
    }
}

fn printer_problems(s: &PrinterStatus, out: &mut Vec<Problem>) {
    if s.paper_out {
        out.push(problem("paper_out"));
    }
    if s.cover_open {
        out.push(problem("printer_cover"));
    }
    if s.cutter_error {
        out.push(problem("printer_cutter"));
    }
    if s.unrecoverable {
        out.push(problem("printer_fault"));
    }
    if !s.online && !s.paper_out && !s.cover_open {
        out.push(problem("printer_offline"));
    }
    if s.paper_near_end && !s.paper_out {
        out.push(problem("paper_low"));
    }
}

/// Bytes as megabytes or gigabytes, for people.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes / (1024 * 1024);
    if mb >= 10 * 1024 {
        format!("{:.1} GB", mb as f64 / 1024.0)
    } else {
        format!("{mb} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    fn camera(state: CameraState, last: Option<u64>) -> CameraStatus {
        CameraStatus {
            state,
            description: "replay".into(),
            fps: 30.0,
            frame_age: None,
            last_frame_age: last.map(Duration::from_secs),
            reopens: 0,
            resting: false,
        }
    }

    fn health(camera: CameraStatus) -> Health {
        Health {
            camera,
            printer: None,
            disk: None,
            center: None,
            outbox_alarm_min: 10,
            photo_printer: None,
        }
    }

    #[test]
    fn a_print_queue_the_disk_cannot_keep_asks_for_disk_space_not_for_the_cable() {
        let mut h = health(camera(CameraState::Running, Some(0)));
        h.printer = Some(Err(PrintError::Queue("No space left on device".into())));
        let p = problems(&h);
        assert_eq!(p.len(), 1);
        let (en, zh) = (p[0].text(Language::EN), p[0].text(Language::ZH_CN));
        assert!(en.contains("free space"), "{en}");
        assert!(zh.contains("磁盘空间"), "{zh}");
        assert!(!en.contains("cable"), "{en}");
    }

    #[test]
    fn a_running_booth_has_no_problem() {
        assert!(problems(&health(camera(CameraState::Running, Some(0)))).is_empty());
    }

    #[test]
    fn submissions_waiting_longer_than_the_configured_alarm_are_a_problem() {
        let mut h = health(camera(CameraState::Running, Some(0)));
        h.outbox_alarm_min = 30;
        let center = |oldest_s| CenterHealth {
            reachable: true,
            latency_ms: Some(5),
            token_accepted: Some(true),
            outbox_depth: 3,
            oldest_s: Some(oldest_s),
        };
        h.center = Some(center(29 * 60));
        assert!(
            problems(&h).is_empty(),
            "29 minutes is within a 30-minute alarm"
        );
        h.center = Some(center(31 * 60));
        let p = problems(&h);
        assert_eq!(p.len(), 1);
        let en = p[0].text(Language::EN);
        assert!(
            en.contains("3 submissions") && en.contains("30 minutes"),
            "{en}"
        );
    }

    #[test]
    fn a_slow_camera_is_a_problem_a_resting_one_is_not() {
        let slow = CameraStatus {
            fps: 2.0,
            ..camera(CameraState::Running, Some(0))
        };
        let p = problems(&health(slow.clone()));
        assert_eq!(p.len(), 1);
        let en = p[0].text(Language::EN);
        assert!(en.contains("only 2 frames a second"), "{en}");
        // Nobody at the camera: it reads a frame every half second on purpose.
        let resting = CameraStatus {
            resting: true,
            ..slow
        };
        assert!(problems(&health(resting)).is_empty());
    }

    #[test]
    fn a_silent_camera_says_for_how_long() {
        let p = problems(&health(camera(CameraState::Stalled, Some(12))));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].text(Language::EN)
                .starts_with("Camera not delivering frames for 12 s: check the USB cable"),
            "{}",
            p[0].text(Language::EN)
        );
        let p = problems(&health(camera(CameraState::Lost("gone".into()), None)));
        assert!(
            p[0].text(Language::EN).contains("not connected"),
            "{}",
            p[0].text(Language::EN)
        );
    }

    #[test]
    fn printer_bits_and_disk_become_actions() {
        let mut h = health(camera(CameraState::Running, Some(0)));
        h.printer = Some(Ok(PrinterStatus {
            online: false,
            paper_out: true,
            ..PrinterStatus::default()
        }));
        h.disk = Some(Ok(Disk {
            free: 100 * 1024 * 1024,
            total: 1 << 40,
        }));
        let en: Vec<String> = problems(&h)
            .into_iter()
            .map(|p| p.text(Language::EN))
            .collect();
        assert_eq!(en[0], "Paper out: load a new roll");
        assert!(
            en[1].starts_with("Disk almost full (100 MB free)"),
            "{en:?}"
        );
        assert_eq!(en.len(), 2, "offline is implied by paper out: {en:?}");
    }

    #[test]
    fn disk_free_of_a_real_folder() {
        let dir = tempfile::tempdir().expect("temp");
        let d = disk(dir.path()).expect("statvfs");
        assert!(d.total > 0 && d.free <= d.total);
    }
}
