//! The booth's heartbeat document ([`Heartbeat`]): made from its health, today's counters and
//! its versions; sent to the center by the courier and kept as `status.json` in the data folder,
//! where `idbooth status --json` reads it. No applicant data: counters, device states and the
//! outbox's length only.

use std::path::Path;
use std::time::Duration;

use super::diagnostics::Versions;
use super::health::{Health, problems};
use super::store::OpsStore;
use crate::camera::CameraState;
use crate::center::api::{BoothHealth, BoothVersions, Heartbeat};
use crate::center::outbox::Depth;
use crate::i18n::Language;
use crate::receipt::PrintError;

/// The file under the data folder.
pub const FILE: &str = "status.json";

/// The heartbeat of a running booth.
pub fn of_booth(kiosk_id: &str, health: &Health, store: &OpsStore, uptime: Duration) -> Heartbeat {
    let camera = match &health.camera.state {
        CameraState::Opening => "opening",
        CameraState::Running => "running",
        CameraState::Stalled => "stalled",
        CameraState::Lost(_) => "lost",
    };
    let printer = health.printer.as_ref().map(|answer| match answer {
        Ok(s) if s.ready() => "ready",
        Ok(s) if s.paper_out => "paper_out",
        Ok(_) => "not_ready",
        Err(PrintError::PaperOut) => "paper_out",
        Err(_) => "unreachable",
    });
    let photo_printer = health.photo_printer.as_ref().map(|p| match &p.status {
        Ok(s) if s.problems().is_empty() => "ready",
        Ok(_) => "problem",
        Err(_) => "unreachable",
    });
    let center = health.center.as_ref().map(|c| {
        if !c.reachable {
            "unreachable"
        } else if c.token_accepted == Some(false) {
            "token_refused"
        } else {
            "reachable"
        }
    });
    Heartbeat {
        kiosk_id: kiosk_id.to_owned(),
        at: chrono::Local::now().to_rfc3339(),
        running: true,
        uptime_s: Some(uptime.as_secs()),
        versions: versions(),
        health: BoothHealth {
            camera: Some(camera.to_owned()),
            printer: printer.map(str::to_owned),
            photo_printer: photo_printer.map(str::to_owned),
            center: center.map(str::to_owned),
            outbox: health.center.as_ref().map_or(0, |c| c.outbox_depth),
            outbox_oldest_s: health.center.as_ref().and_then(|c| c.oldest_s),
            disk_free: health
                .disk
                .as_ref()
                .and_then(|d| d.as_ref().ok())
                .map(|d| d.free),
            problems: problems(health)
                .iter()
                .map(|p| p.text(Language::EN))
                .collect(),
        },
        counters: counters(store),
    }
}

/// What can be told of a booth that is not running: its counters and its outbox, read from its
/// files; the devices are unknown.
pub fn of_files(kiosk_id: &str, store: &OpsStore, outbox: Option<Depth>) -> Heartbeat {
    Heartbeat {
        kiosk_id: kiosk_id.to_owned(),
        at: chrono::Local::now().to_rfc3339(),
        running: false,
        uptime_s: None,
        versions: versions(),
        health: BoothHealth {
            outbox: outbox.map_or(0, |d| d.undelivered),
            outbox_oldest_s: outbox.and_then(|d| d.oldest).map(|d| d.as_secs()),
            ..BoothHealth::default()
        },
        counters: counters(store),
    }
}

fn versions() -> BoothVersions {
    let v = Versions::now();
    BoothVersions {
        idbooth: v.idbooth.to_owned(),
        kernel: v.kernel,
        os: v.os,
    }
}

fn counters(store: &OpsStore) -> std::collections::BTreeMap<String, i64> {
    store
        .today()
        .map(|day| day.counts.into_iter().collect())
        .unwrap_or_default()
}

/// Writes `beat` as `dir/status.json` (whole, then renamed into place).
pub fn write(dir: &Path, beat: &Heartbeat) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(beat).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(".{FILE}.tmp"));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, dir.join(FILE))
}

/// The booth's own latest document in `dir`, if it was written less than `fresh` ago (else the
/// booth has stopped, and what it says of its devices is stale).
pub fn read_fresh(dir: &Path, fresh: Duration) -> Option<Heartbeat> {
    let path = dir.join(FILE);
    let age = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()?
        .elapsed()
        .unwrap_or_default();
    if age > fresh {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::CameraStatus;
    use crate::ops::Counter;
    use crate::ops::health::CenterHealth;

    fn health() -> Health {
        Health {
            camera: CameraStatus {
                state: CameraState::Lost("gone".into()),
                description: "replay".into(),
                fps: 0.0,
                frame_age: None,
                last_frame_age: None,
                reopens: 1,
                resting: false,
            },
            printer: Some(Err(PrintError::PaperOut)),
            disk: None,
            center: Some(CenterHealth {
                reachable: true,
                latency_ms: Some(3),
                token_accepted: Some(false),
                outbox_depth: 2,
                oldest_s: Some(90),
            }),
            outbox_alarm_min: 10,
            photo_printer: None,
        }
    }

    #[test]
    fn a_booth_reports_its_devices_counters_and_problems_in_one_word_each() {
        let store = OpsStore::in_memory().expect("store");
        store.count(Counter::Session).expect("count");
        store.count(Counter::Session).expect("count");
        let beat = of_booth("booth-1", &health(), &store, Duration::from_secs(7));
        assert_eq!(beat.health.camera.as_deref(), Some("lost"));
        assert_eq!(beat.health.printer.as_deref(), Some("paper_out"));
        assert_eq!(beat.health.center.as_deref(), Some("token_refused"));
        assert_eq!(beat.health.photo_printer, None);
        assert_eq!(
            (beat.health.outbox, beat.health.outbox_oldest_s),
            (2, Some(90))
        );
        assert_eq!(beat.counters.get("sessions"), Some(&2));
        assert!(
            beat.health.problems.iter().any(|p| p.contains("Paper out")),
            "{:?}",
            beat.health.problems
        );
        assert_eq!(beat.uptime_s, Some(7));
        // It goes over the wire as it is.
        let json = serde_json::to_string(&beat).expect("json");
        let back: Heartbeat = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, beat);
    }

    #[test]
    fn the_local_file_is_read_back_only_while_fresh() {
        let dir = tempfile::tempdir().expect("temp");
        let store = OpsStore::in_memory().expect("store");
        let beat = of_booth("booth-1", &health(), &store, Duration::from_secs(1));
        write(dir.path(), &beat).expect("write");
        assert_eq!(
            read_fresh(dir.path(), Duration::from_secs(60)),
            Some(beat.clone())
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(read_fresh(dir.path(), Duration::from_millis(10)), None);
    }
}
