//! The booth's configuration: `kiosk.toml`, `documents.toml`, `cities.toml`,
//! `guidance.toml` and (optional) `receipts.toml` in one folder,
//! loaded, validated and cross-checked. Every problem comes back as one line naming the file,
//! the line, the key and what is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::locate::{key_at, line_of, span_of};
use super::pin;
use crate::camera::CameraConfig;
use crate::center::CenterConfig;
use crate::i18n::Language;
use crate::photoprint::PhotoPrinterConfig;
use crate::receipt::PrinterConfig;
use crate::receipt::layout::Layouts;
use crate::session::SessionConfig;
use crate::spec::{Cities, Documents, Problem};
use crate::vision::Thresholds;
use crate::voice::VoiceConfig;

/// Environment variable naming the config folder when `--config` is not given.
pub const CONFIG_ENV: &str = "IDBOOTH_CONFIG";

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No config folder was given and none of the usual places has one.
    #[error("config: no configuration folder found (tried {tried}); pass --config DIR")]
    NotFound {
        /// The places looked at, comma separated.
        tried: String,
    },
    /// The config folder does not exist.
    #[error("config: {} is not a folder", dir.display())]
    NoFolder {
        /// The folder given.
        dir: PathBuf,
    },
    /// A file is missing or unreadable.
    #[error("{}: {}", path.display(), read_reason(error))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read (not a `source`: the line above already says it).
        error: std::io::Error,
    },
    /// A value is wrong; the line is where it stands (or its table, when it is missing).
    #[error("{}:{line}: {}{message}", path.display(), key.as_deref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Dotted key path, when known.
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
}

fn read_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "missing file".to_owned(),
        _ => format!("cannot read: {error}"),
    }
}

/// `[kiosk]`: who this booth is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// Id the center knows this booth by.
    pub id: String,
    /// Language of the attract screen.
    pub language: Language,
    /// City preselected on the city screen (the booth's own).
    pub home_city: String,
    /// Where the outbox, receipts and event log live; see [`Config::data_dir`].
    pub data_dir: Option<PathBuf>,
    /// Hours that photos and PII are kept after the center confirmed and the receipt printed.
    pub retention_hours: u32,
}

/// `[timeouts]`: inactivity on applicant screens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Seconds without a touch (or at the camera a face in view) before the session is abandoned.
    pub inactivity_s: u64,
    /// Seconds before that when the warning shows.
    pub warning_s: u64,
}

/// `[operator]`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct OperatorConfig {
    /// Argon2id PHC string of the maintenance PIN (`idbooth config pin` makes one).
    pub pin_hash: String,
    /// Seconds without a touch before the maintenance screen closes by itself.
    pub idle_s: u64,
    /// Where removable drives are mounted (`ROOT/USER/LABEL`, as udisks does): the maintenance
    /// screen offers each drive found as a place to export the diagnostics to, with one tap.
    #[serde(default = "default_export_roots")]
    pub export_roots: Vec<PathBuf>,
}

fn default_export_roots() -> Vec<PathBuf> {
    vec![PathBuf::from("/media"), PathBuf::from("/run/media")]
}

impl fmt::Debug for OperatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OperatorConfig {{ pin_hash: <redacted>, idle_s: {} }}",
            self.idle_s
        )
    }
}

/// The whole of `kiosk.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    /// `[kiosk]`.
    pub kiosk: KioskSection,
    /// `[camera]`.
    pub camera: CameraConfig,
    /// `[printer]`.
    pub printer: PrinterConfig,
    /// `[center]`.
    pub center: CenterConfig,
    /// `[timeouts]`.
    pub timeouts: Timeouts,
    /// `[session]` (optional).
    #[serde(default)]
    pub session: SessionConfig,
    /// `[operator]`.
    pub operator: OperatorConfig,
    /// `[photo_printer]` (optional): the colour printer for the application form's photo.
    #[serde(default)]
    pub photo_printer: Option<PhotoPrinterConfig>,
    /// `[voice]` (optional: silent without it).
    #[serde(default)]
    pub voice: VoiceConfig,
}

const BAUDS: [u32; 8] = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

impl KioskConfig {
    /// Parses and validates `kiosk.toml` on its own (the home city is checked by [`Config`]).
    pub fn from_toml(text: &str) -> Result<Self, Problem> {
        let config: KioskConfig = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), Problem> {
        if let Some(photo) = &self.photo_printer {
            photo
                .check()
                .map_err(|(key, why)| Problem::invalid(format!("photo_printer.{key}"), why))?;
        }
        let k = &self.kiosk;
        let id_ok = (1..=32).contains(&k.id.len())
            && k.id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok {
            return Err(Problem::invalid(
                "kiosk.id",
                "1 to 32 ASCII letters, digits, '-' or '_'",
            ));
        }
        if k.retention_hours > 24 * 90 {
            return Err(Problem::invalid(
                "kiosk.retention_hours",
                "keep photos and personal data at most 90 days (2160 hours)",
            ));
        }

        let c = &self.camera;
        if c.device.trim().is_empty() {
            return Err(Problem::invalid(
                "camera.device",
                "must name a device path or index",
            ));
        }
        for (key, value) in [("camera.width", c.width), ("camera.height", c.height)] {
            if !(160..=4096).contains(&value) {
                return Err(Problem::invalid(
                    key,
                    format!("{value} is out of range; expected 160 to 4096"),
                ));
            }
        }
        if !(1..=120).contains(&c.fps) {
            return Err(Problem::invalid(
                "camera.fps",
                format!("{} is out of range; expected 1 to 120", c.fps),
            ));
        }
        if !(200..=60_000).contains(&c.frame_timeout_ms) {
            return Err(Problem::invalid(
                "camera.frame_timeout_ms",
                "expected 200 to 60000 ms",
            ));
        }

        let p = &self.printer;
        if p.port.trim().is_empty() {
            return Err(Problem::invalid("printer.port", "must name a serial port"));
        }
        if !BAUDS.contains(&p.baud) {
            return Err(Problem::invalid(
                "printer.baud",
                format!(
                    "{} is not a standard rate; expected one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600",
                    p.baud
                ),
            ));
        }
        if p.paper_mm != 58 && p.paper_mm != 80 {
            return Err(Problem::invalid(
                "printer.paper_mm",
                format!(
                    "{} mm paper is not supported; expected 58 or 80",
                    p.paper_mm
                ),
            ));
        }

        let v = &self.voice;
        if !crate::voice::RATES.contains(&v.rate_wpm) {
            return Err(Problem::invalid(
                "voice.rate_wpm",
                format!(
                    "{} is out of range; expected {} to {} words per minute",
                    v.rate_wpm,
                    crate::voice::RATES.start(),
                    crate::voice::RATES.end()
                ),
            ));
        }
        if v.command.trim().is_empty() {
            return Err(Problem::invalid(
                "voice.command",
                "must name a text-to-speech program (espeak-ng)",
            ));
        }

        if !(1..=60).contains(&p.status_poll_s) {
            return Err(Problem::invalid(
                "printer.status_poll_s",
                "expected 1 to 60 seconds",
            ));
        }
        if p.code_page > 255 {
            return Err(Problem::invalid(
                "printer.code_page",
                format!(
                    "{} is no code table; ESC t takes 0 to 255 (0 is PC437)",
                    p.code_page
                ),
            ));
        }

        self.validate_center()?;

        let t = &self.timeouts;
        if !(15..=900).contains(&t.inactivity_s) {
            return Err(Problem::invalid(
                "timeouts.inactivity_s",
                "expected 15 to 900 seconds",
            ));
        }
        if t.warning_s == 0 || t.warning_s >= t.inactivity_s {
            return Err(Problem::invalid(
                "timeouts.warning_s",
                format!(
                    "the warning must come before the reset: 1 to {} seconds",
                    t.inactivity_s - 1
                ),
            ));
        }

        let s = &self.session;
        for (key, value, range) in [
            ("session.max_attempts", u64::from(s.max_attempts), 1..=10),
            ("session.countdown_s", u64::from(s.countdown_s), 1..=10),
            ("session.farewell_s", s.farewell_s, 5..=120),
        ] {
            if !range.contains(&value) {
                return Err(Problem::invalid(
                    key,
                    format!("expected {} to {}", range.start(), range.end()),
                ));
            }
        }

        if !(30..=3600).contains(&self.operator.idle_s) {
            return Err(Problem::invalid(
                "operator.idle_s",
                "expected 30 to 3600 seconds",
            ));
        }
        pin::check_stored_hash(&self.operator.pin_hash)
            .map_err(|why| Problem::invalid("operator.pin_hash", why))
    }

    fn validate_center(&self) -> Result<(), Problem> {
        let c = &self.center;
        let url = reqwest::Url::parse(&c.url).map_err(|e| {
            Problem::invalid("center.url", format!("{:?} is not a URL: {e}", c.url))
        })?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(Problem::invalid(
                    "center.url",
                    "plain http is allowed only on loopback; use https for the detection center",
                ));
            }
            other => {
                return Err(Problem::invalid(
                    "center.url",
                    format!("scheme {other} is not http or https"),
                ));
            }
        }
        if c.token.len() < 16
            || c.token
                .chars()
                .any(|ch| ch.is_whitespace() || ch.is_control())
        {
            return Err(Problem::invalid(
                "center.token",
                "the kiosk token must be at least 16 characters without spaces",
            ));
        }
        if !(100..=60_000).contains(&c.connect_timeout_ms) {
            return Err(Problem::invalid(
                "center.connect_timeout_ms",
                "expected 100 to 60000 ms",
            ));
        }
        if !(500..=300_000).contains(&c.request_timeout_ms) {
            return Err(Problem::invalid(
                "center.request_timeout_ms",
                "expected 500 to 300000 ms",
            ));
        }
        if !(5..=600).contains(&c.wait_budget_s) {
            return Err(Problem::invalid(
                "center.wait_budget_s",
                "expected 5 to 600 seconds",
            ));
        }
        if !(10..=600_000).contains(&c.retry_min_ms) {
            return Err(Problem::invalid(
                "center.retry_min_ms",
                "expected 10 to 600000 ms",
            ));
        }
        if !(c.retry_min_ms..=3_600_000).contains(&c.retry_max_ms) {
            return Err(Problem::invalid(
                "center.retry_max_ms",
                "expected retry_min_ms to 3600000 ms",
            ));
        }
        if !(10..=3_600_000).contains(&c.poll_interval_ms) {
            return Err(Problem::invalid(
                "center.poll_interval_ms",
                "expected 10 to 3600000 ms",
            ));
        }
        if !(1..=1440).contains(&c.outbox_alarm_min) {
            return Err(Problem::invalid(
                "center.outbox_alarm_min",
                "expected 1 to 1440 minutes",
            ));
        }
        if !(10..=3600).contains(&c.heartbeat_s) {
            return Err(Problem::invalid(
                "center.heartbeat_s",
                "expected 10 to 3600 seconds",
            ));
        }
        Ok(())
    }
}

/// Everything in the config folder, validated together.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder it came from.
    pub dir: PathBuf,
    /// `kiosk.toml`.
    pub kiosk: KioskConfig,
    /// `documents.toml`.
    pub documents: Documents,
    /// `cities.toml`.
    pub cities: Cities,
    /// `guidance.toml`.
    pub thresholds: Thresholds,
    /// `receipts.toml`: receipt layouts by document and city (the built-in default when the
    /// file is absent).
    pub receipts: Layouts,
}

/// Picks the config folder: `--config DIR`, else `$IDBOOTH_CONFIG`, else `./kiosk-config`, else
/// `/etc/idbooth`.
pub fn resolve_dir(flag: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let candidates = [PathBuf::from("kiosk-config"), PathBuf::from("/etc/idbooth")];
    candidates
        .iter()
        .find(|dir| dir.join("kiosk.toml").is_file())
        .cloned()
        .ok_or_else(|| ConfigError::NotFound {
            tried: format!("${CONFIG_ENV}, ./kiosk-config, /etc/idbooth"),
        })
}

/// A file's text, remembered so errors can name its lines.
struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    fn read(dir: &Path, name: &str) -> Result<Self, ConfigError> {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|error| ConfigError::Read {
            path: path.clone(),
            error,
        })?;
        Ok(Source { path, text })
    }

    /// The file, or `None` when it does not exist.
    fn read_optional(dir: &Path, name: &str) -> Result<Option<Self>, ConfigError> {
        match Source::read(dir, name) {
            Err(ConfigError::Read { error, .. })
                if error.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(None)
            }
            other => other.map(Some),
        }
    }

    /// Places a problem on its line.
    fn error(&self, problem: Problem) -> ConfigError {
        let (line, key, message) = match problem {
            Problem::Syntax { message, span } => {
                let offset = span.as_ref().map(|s| s.start);
                let key = offset.and_then(|at| key_at(&self.text, at));
                let offset = offset.unwrap_or(0);
                (line_of(&self.text, offset), key, message)
            }
            Problem::Invalid { key, message } => {
                let line = span_of(&self.text, &key)
                    .map(|s| line_of(&self.text, s.start))
                    .unwrap_or(1);
                (line, Some(key), message)
            }
        };
        ConfigError::Invalid {
            path: self.path.clone(),
            line,
            key,
            message,
        }
    }
}

impl Config {
    /// Loads and validates the files of `dir`, then checks that they agree: the home city, every
    /// per-city validity and every receipt layout name a real city, and layouts real documents.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        if !dir.is_dir() {
            return Err(ConfigError::NoFolder {
                dir: dir.to_path_buf(),
            });
        }
        let kiosk_src = Source::read(dir, "kiosk.toml")?;
        let docs_src = Source::read(dir, "documents.toml")?;
        let cities_src = Source::read(dir, "cities.toml")?;
        let guidance_src = Source::read(dir, "guidance.toml")?;

        let cities = Cities::from_toml(&cities_src.text).map_err(|p| cities_src.error(p))?;
        let documents = Documents::from_toml(&docs_src.text).map_err(|p| docs_src.error(p))?;
        let mut kiosk = KioskConfig::from_toml(&kiosk_src.text).map_err(|p| kiosk_src.error(p))?;
        if let Some(ca) = &kiosk.center.ca_file {
            let path = dir.join(ca);
            if !path.is_file() {
                let why = format!("{} is not a file", path.display());
                return Err(kiosk_src.error(Problem::invalid("center.ca_file", why)));
            }
            kiosk.center.ca_file = Some(path.display().to_string());
        }
        let thresholds =
            Thresholds::from_toml(&guidance_src.text).map_err(|p| guidance_src.error(p))?;

        if cities.get(&kiosk.kiosk.home_city).is_none() {
            let why = cities.explain_not_a_city(&kiosk.kiosk.home_city);
            return Err(kiosk_src.error(Problem::invalid("kiosk.home_city", why)));
        }
        for spec in documents.all() {
            for code in spec.validity_days_by_city.keys() {
                if cities.get(code).is_none() {
                    let key = format!("documents.{}.validity_days_by_city", spec.id);
                    return Err(
                        docs_src.error(Problem::invalid(key, cities.explain_not_a_city(code)))
                    );
                }
            }
        }
        if let Some(photo) = &kiosk.photo_printer {
            for (id, copies) in &photo.copies {
                let key = format!("photo_printer.copies.{id}");
                let Some(spec) = documents.get(id) else {
                    let why = format!(
                        "unknown document {id:?}; expected one of: {}",
                        documents.ids()
                    );
                    return Err(kiosk_src.error(Problem::invalid(key, why)));
                };
                let fit = crate::receipt::pdf::sheet_capacity(spec.print_mm);
                if *copies > fit {
                    let why =
                        format!("{copies} photos of {id} do not fit on the sheet; 0 to {fit}");
                    return Err(kiosk_src.error(Problem::invalid(key, why)));
                }
            }
        }
        for spec in documents.all() {
            let fit = crate::receipt::pdf::sheet_capacity(spec.print_mm);
            if spec.printed_photos > fit {
                let key = format!("documents.{}.printed_photos", spec.id);
                let why = format!(
                    "{} photos do not fit on the sheet; 0 to {fit}",
                    spec.printed_photos
                );
                return Err(docs_src.error(Problem::invalid(key, why)));
            }
        }
        let receipts = match Source::read_optional(dir, "receipts.toml")? {
            None => Layouts::default(),
            Some(src) => {
                let layouts = Layouts::from_toml(&src.text).map_err(|p| src.error(p))?;
                for (key, document, city) in layouts.references() {
                    if let Some(id) = document.filter(|id| documents.get(id).is_none()) {
                        let why = format!(
                            "unknown document {id:?}; expected one of: {}",
                            documents.ids()
                        );
                        return Err(src.error(Problem::invalid(format!("{key}.document"), why)));
                    }
                    if let Some(code) = city.filter(|code| cities.get(code).is_none()) {
                        let why = cities.explain_not_a_city(code);
                        return Err(src.error(Problem::invalid(format!("{key}.city"), why)));
                    }
                }
                layouts
            }
        };
        Ok(Config {
            dir: dir.to_path_buf(),
            kiosk,
            documents,
            cities,
            thresholds,
            receipts,
        })
    }

    /// The data folder: `data_dir` from `kiosk.toml`, else systemd's `$STATE_DIRECTORY`, else
    /// `$XDG_DATA_HOME/idbooth`, else `~/.local/share/idbooth`.
    pub fn data_dir(&self) -> PathBuf {
        if let Some(dir) = &self.kiosk.kiosk.data_dir {
            return dir.clone();
        }
        default_data_dir()
    }
}

/// The data folder when the config does not name one.
pub fn default_data_dir() -> PathBuf {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(state) = env("STATE_DIRECTORY") {
        return state;
    }
    if let Some(xdg) = env("XDG_DATA_HOME") {
        return xdg.join("idbooth");
    }
    if let Some(home) = env("HOME") {
        return home.join(".local/share/idbooth");
    }
    PathBuf::from("/var/lib/idbooth")
}
