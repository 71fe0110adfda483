//! The diagnostics bundle an operator takes away on a USB stick: one JSON file with the
//! configuration without its secrets (the center token and the PIN hash redacted), the counters,
//! the event log, the booth's health and versions. No photo and no personal data: the store holds
//! none, and the config holds none but the secrets.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Config;
use super::store::{Day, LoggedEvent, OpsStore, StoreError};

/// Keys whose values never leave the booth.
pub const SECRET_KEYS: [&str; 2] = ["token", "pin_hash"];

/// What stands in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// The bundle cannot be written.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DiagnosticsError {
    /// The target folder is missing or not writable.
    #[error("diagnostics: cannot write to {}: {why}", dir.display())]
    Write {
        /// The folder chosen.
        dir: PathBuf,
        /// Why.
        why: String,
    },
    /// The store could not be read.
    #[error("diagnostics: {0}")]
    Store(#[from] StoreError),
}

/// Versions of what runs.
#[derive(Debug, Clone, Serialize)]
pub struct Versions {
    /// idbooth's version.
    pub idbooth: &'static str,
    /// The kernel release.
    pub kernel: Option<String>,
    /// The OS, from /etc/os-release.
    pub os: Option<String>,
}

impl Versions {
    /// Read now.
    pub fn now() -> Versions {
        let os = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_owned())
            });
        Versions {
            idbooth: env!("CARGO_PKG_VERSION"),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .map(|s| s.trim().to_owned()),
            os,
        }
    }
}

/// The whole bundle.
#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    /// The kiosk.
    pub kiosk_id: String,
    /// When it was made, local time.
    pub created_at: String,
    /// Versions.
    pub versions: Versions,
    /// Seconds the app has run.
    pub uptime_s: u64,
    /// `kiosk.toml` with its secrets redacted.
    pub kiosk_toml: serde_json::Value,
    /// The other config files and their sizes in bytes.
    pub config_files: Vec<(String, u64)>,
    /// Problems seen now, in English.
    pub problems: Vec<String>,
    /// Counters of the last 31 days that counted anything.
    pub counters: Vec<Day>,
    /// The event log, newest first.
    pub events: Vec<LoggedEvent>,
}

/// Replaces every value under a secret key, at any depth.
pub fn redact(value: &mut toml::Value) {
    match value {
        toml::Value::Table(table) => {
            for (key, v) in table.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) {
                    *v = toml::Value::String(REDACTED.to_owned());
                } else {
                    redact(v);
                }
            }
        }
        toml::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Gathers the bundle.
pub fn gather(
    config: &Config,
    store: &OpsStore,
    uptime_s: u64,
    problems: Vec<String>,
) -> Result<Bundle, DiagnosticsError> {
    // kiosk.toml as the booth runs it: every layer's, merged.
    let kiosk_toml = config
        .layers
        .all_with("kiosk.toml")
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter_map(|t| t.parse::<toml::Table>().ok())
        .reduce(|mut base, over| {
            super::layers::merge(&mut base, over);
            base
        })
        .map(|table| {
            let mut value = toml::Value::Table(table);
            redact(&mut value);
            serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
        })
        .unwrap_or(serde_json::Value::Null);
    let config_files = ["documents.toml", "cities.toml", "guidance.toml"]
        .iter()
        .map(|name| {
            let size = config
                .layers
                .find(name)
                .and_then(|path| std::fs::metadata(path).ok())
                .map_or(0, |m| m.len());
            ((*name).to_owned(), size)
        })
        .collect();
    Ok(Bundle {
        kiosk_id: config.kiosk.kiosk.id.clone(),
        created_at: chrono::Local::now().to_rfc3339(),
        versions: Versions::now(),
        uptime_s,
        kiosk_toml,
        config_files,
        problems,
        counters: store.days(31)?,
        events: store.events(super::store::EVENTS_KEPT as usize)?,
    })
}

/// Writes `bundle` into `dir` as `idbooth-diagnostics-<kiosk>-<time>.json` (whole, then renamed
/// into place, so a pulled stick never holds half a file) and returns its path.
pub fn write(bundle: &Bundle, dir: &Path) -> Result<PathBuf, DiagnosticsError> {
    let failed = |why: String| DiagnosticsError::Write {
        dir: dir.to_path_buf(),
        why,
    };
    if !dir.is_dir() {
        return Err(failed("not a folder".into()));
    }
    let name = format!(
        "idbooth-diagnostics-{}-{}.json",
        bundle.kiosk_id,
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    );
    let json = serde_json::to_vec_pretty(bundle).map_err(|e| failed(e.to_string()))?;
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, json).map_err(|e| failed(e.to_string()))?;
    let path = dir.join(name);
    std::fs::rename(&tmp, &path).map_err(|e| failed(e.to_string()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut v: toml::Value = toml::from_str(
            "[center]\ntoken = \"abc\"\nurl = \"x\"\n[operator]\npin_hash = \"$argon2id$\"\n",
        )
        .expect("toml");
        redact(&mut v);
        let text = v.to_string();
        assert!(
            !text.contains("abc") && !text.contains("argon2id"),
            "{text}"
        );
        assert!(text.contains("url = \"x\""), "{text}");
    }
}
