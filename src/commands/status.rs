//! `idbooth status`: the booth's heartbeat document, the same the booth sends the center. While
//! the booth runs it is the booth's own latest (`status.json` in the data folder); otherwise what
//! its files tell (counters, outbox), with the devices unknown.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::center::outbox::Outbox;
use crate::ops::OpsStore;
use crate::ops::config::{Config, resolve_dir};
use crate::ops::heartbeat;

/// Prints the document (JSON with `json`, else a few lines).
#[allow(
    clippy::print_stdout,
    reason = "printing the status is the command's point"
)]
pub(super) fn run(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let dir = data.map_or_else(|| config.data_dir(), Path::to_path_buf);
    // Two beats missed: the booth has stopped, and what it said of its devices is stale.
    let fresh = Duration::from_secs(config.kiosk.center.heartbeat_s * 2 + 5);
    let beat = match heartbeat::read_fresh(&dir, fresh) {
        Some(beat) => beat,
        None => {
            // A folder with no store yet is not made by looking at it.
            let store = if dir.join(crate::ops::store::FILE).exists() {
                OpsStore::open(&dir)?
            } else {
                OpsStore::in_memory()?
            };
            let outbox_path = super::outbox_path(&dir);
            let depth = outbox_path
                .exists()
                .then(|| Outbox::open(&outbox_path).and_then(|o| o.depth()))
                .transpose()?;
            heartbeat::of_files(&config.kiosk.kiosk.id, &store, depth)
        }
    };
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&beat)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let h = &beat.health;
    let word = |w: &Option<String>| w.clone().unwrap_or_else(|| "—".to_owned());
    writeln!(
        out,
        "{} {} ({})",
        beat.kiosk_id,
        if beat.running {
            "running"
        } else {
            "not running"
        },
        beat.versions.idbooth
    )?;
    writeln!(
        out,
        "camera {} · printer {} · photo printer {} · center {} · outbox {}",
        word(&h.camera),
        word(&h.printer),
        word(&h.photo_printer),
        word(&h.center),
        h.outbox
    )?;
    let counters: Vec<String> = beat
        .counters
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    writeln!(out, "today: {}", counters.join(", "))?;
    for problem in &h.problems {
        writeln!(out, "! {problem}")?;
    }
    Ok(ExitCode::SUCCESS)
}
