//! `idbooth outbox list|retry`: what waits for the center, and a push to send it now.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::center::Courier;
use crate::center::outbox::Retention;
use crate::center::outbox::{Entry, Outbox, State, now_ms};
use crate::ops::config::{Config, resolve_dir};

fn data_dir(
    config_dir: Option<&Path>,
    data: Option<&Path>,
) -> anyhow::Result<(Config, std::path::PathBuf)> {
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    let dir = data.map_or_else(|| config.data_dir(), Path::to_path_buf);
    Ok((config, dir))
}

fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=119 => format!("{s}s"),
        120..=7199 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}

fn line(e: &Entry, now: i64) -> String {
    let state = match e.state {
        State::Queued => "queued",
        State::Waiting => "waiting",
        State::Answered => "answered",
        State::Refused => "REFUSED",
    };
    let answer = e.answer.as_ref().map_or_else(String::new, |a| {
        let status = format!("{:?}", a.status).to_lowercase();
        match (&a.receipt_no, a.reasons.is_empty()) {
            (Some(no), _) => format!("{status} {no}"),
            (None, false) => format!(
                "{status} {}",
                a.reasons
                    .iter()
                    .map(|r| r.code.code())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            (None, true) => status,
        }
    });
    let next = if matches!(e.state, State::Queued | State::Waiting) {
        format!("next in {}", age(e.next_try_ms - now))
    } else {
        String::new()
    };
    let error = e.last_error.as_deref().unwrap_or("");
    format!(
        "{:<36}  {:<8}  tries {:<3} age {:<5} {:<30} {:<12} {error}",
        e.id,
        state,
        e.attempts,
        age(now - e.created_ms),
        answer,
        next
    )
    .trim_end()
    .to_owned()
}

/// Lists the outbox.
pub(super) fn list(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (_, dir) = data_dir(config_dir, data)?;
    let path = super::kiosk::existing_outbox(&dir)?;
    let entries = Outbox::open(&path)?.list()?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = now_ms();
    for e in &entries {
        writeln!(out, "{}", line(e, now))?;
    }
    let undelivered = entries
        .iter()
        .filter(|e| e.state != State::Answered)
        .count();
    writeln!(
        out,
        "{} submissions, {undelivered} undelivered",
        entries.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Sends everything undelivered now and waits up to `wait` for the answers.
pub(super) fn retry(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    wait: u64,
) -> anyhow::Result<ExitCode> {
    let (config, dir) = data_dir(config_dir, data)?;
    let path = super::kiosk::existing_outbox(&dir)?;
    let retention = Retention::hours(config.kiosk.kiosk.retention_hours);
    let courier =
        Courier::start_keeping(&path, &config.kiosk.center, retention).context("outbox")?;
    let n = courier.retry_now()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "sending {n} undelivered submissions to {}",
        config.kiosk.center.url
    )?;
    let until = Instant::now() + Duration::from_secs(wait);
    let depth = loop {
        let depth = courier.depth()?;
        if depth.undelivered == depth.refused || Instant::now() >= until {
            break depth;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(courier);
    let entries = Outbox::open(&path)?.list()?;
    let now = now_ms();
    for e in entries.iter().filter(|e| e.state != State::Answered) {
        writeln!(out, "{}", line(e, now))?;
    }
    if depth.undelivered == 0 {
        writeln!(out, "all delivered")?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "{} still undelivered ({} refused by the center: see the errors above)",
            depth.undelivered, depth.refused
        )?;
        Ok(ExitCode::from(1))
    }
}
