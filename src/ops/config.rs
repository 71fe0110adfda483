//! The booth's configuration: `kiosk.toml`, `documents.toml`, `cities.toml`,
//! `guidance.toml` and (optional) `receipts.toml`, in one folder or in layers (the shipped data
//! under the site's overrides, see [`Layers`]), loaded, validated and cross-checked. Every
//! problem comes back as one line naming the file, the line, the key and what is wrong. The
//! center token may come from a systemd credential instead of `kiosk.toml`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::credentials::{self, CENTER_TOKEN, CredentialError};
use super::layers::{Layers, SITE_DIR, leaf_keys, merge};
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
    /// The center token's credential cannot be read.
    #[error("{0}")]
    Credential(#[from] CredentialError),
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

/// A kiosk token the center can take: at least 16 characters, none a space or a control.
fn check_token(token: &str) -> Result<(), &'static str> {
    if token.len() < 16
        || token
            .chars()
            .any(|ch| ch.is_whitespace() || ch.is_control())
    {
        return Err("the kiosk token must be at least 16 characters without spaces");
    }
    Ok(())
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
        check_token(&c.token).map_err(|why| Problem::invalid("center.token", why))?;
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

/// Everything in the config folders, validated together.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's folder (the last layer).
    pub dir: PathBuf,
    /// The folders it came from.
    pub layers: Layers,
    /// Which file each file and value came from.
    pub sources: Sources,
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

/// Where the config's files and values came from, for `idbooth config check`.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Each file read, by name; for `kiosk.toml`, every layer's, lowest first.
    pub files: Vec<(&'static str, Vec<PathBuf>)>,
    /// The keys of `kiosk.toml` that a later layer sets, and the file that set each.
    pub overrides: Vec<(String, PathBuf)>,
    /// Where `[center] token` came from: a credential or a `kiosk.toml`.
    pub token: Option<PathBuf>,
}

/// Picks the config folders: `--config DIRS`, else `$IDBOOTH_CONFIG`, else `./kiosk-config`,
/// else `/usr/share/idbooth:/etc/idbooth`. DIRS is one folder or several separated by `:`, the
/// later over the earlier; a lone `/etc/idbooth` means the installed layout, the shipped
/// `/usr/share/idbooth` under it.
pub fn resolve_dir(flag: Option<&Path>) -> Result<Layers, ConfigError> {
    let given = flag
        .map(|f| f.as_os_str().to_owned())
        .or_else(|| std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()));
    if let Some(value) = given {
        return match Layers::parse(&value) {
            Some(layers) if layers.dirs() == [PathBuf::from(SITE_DIR)] => {
                Ok(Layers::installed(Path::new(SITE_DIR)))
            }
            Some(layers) => Ok(layers),
            None => Err(ConfigError::NotFound {
                tried: format!("{value:?}"),
            }),
        };
    }
    if Path::new("kiosk-config/kiosk.toml").is_file() {
        return Ok(Layers::single(Path::new("kiosk-config")));
    }
    if Path::new(SITE_DIR).join("kiosk.toml").is_file() {
        return Ok(Layers::installed(Path::new(SITE_DIR)));
    }
    Err(ConfigError::NotFound {
        tried: format!("${CONFIG_ENV}, ./kiosk-config, {SITE_DIR}"),
    })
}

/// A file's text, remembered so errors can name its lines.
struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    /// The file `name` of the last layer that has it (a missing one is named in the site's).
    fn read_layered(layers: &Layers, name: &str) -> Result<Self, ConfigError> {
        Source::read_path(
            layers
                .find(name)
                .unwrap_or_else(|| layers.site().join(name)),
        )
    }

    fn read_path(path: PathBuf) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(&path).map_err(|error| ConfigError::Read {
            path: path.clone(),
            error,
        })?;
        Ok(Source { path, text })
    }

    /// The file of the last layer that has it, or `None` when none has it.
    fn read_optional(layers: &Layers, name: &str) -> Result<Option<Self>, ConfigError> {
        match Source::read_layered(layers, name) {
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

/// `kiosk.toml` of every layer, merged key by key.
struct KioskFiles {
    /// Each layer's file, lowest first; never empty.
    files: Vec<Source>,
    /// The merged text (the one file's own when there is one).
    merged: String,
    /// Its leaf keys that a later layer set, and the file.
    overrides: Vec<(String, PathBuf)>,
}

impl KioskFiles {
    fn read(layers: &Layers) -> Result<Self, ConfigError> {
        let mut files = Vec::new();
        for path in layers.all_with("kiosk.toml") {
            files.push(Source::read_path(path)?);
        }
        let Some(first) = files.first() else {
            return Err(ConfigError::Read {
                path: layers.site().join("kiosk.toml"),
                error: std::io::ErrorKind::NotFound.into(),
            });
        };
        if files.len() == 1 {
            let merged = first.text.clone();
            return Ok(KioskFiles {
                files,
                merged,
                overrides: Vec::new(),
            });
        }
        let mut table = toml::Table::new();
        let mut overrides: Vec<(String, PathBuf)> = Vec::new();
        for (i, src) in files.iter().enumerate() {
            let layer: toml::Table = toml::from_str(&src.text).map_err(|e| src.error(e.into()))?;
            if i > 0 {
                for key in leaf_keys(&layer) {
                    overrides.retain(|(k, _)| *k != key);
                    overrides.push((key, src.path.clone()));
                }
            }
            merge(&mut table, layer);
        }
        let merged = toml::to_string(&table).map_err(|e| ConfigError::Invalid {
            path: layers.site().join("kiosk.toml"),
            line: 1,
            key: None,
            message: format!("cannot merge the layers: {e}"),
        })?;
        Ok(KioskFiles {
            files,
            merged,
            overrides,
        })
    }

    /// The last file where `key`, or the nearest table holding it, stands.
    fn origin(&self, key: &str) -> &Source {
        let mut key = key;
        loop {
            if let Some(src) = self
                .files
                .iter()
                .rev()
                .find(|s| span_of(&s.text, key).is_some())
            {
                return src;
            }
            match key.rsplit_once('.') {
                Some((table, _)) => key = table,
                None => return self.site(),
            }
        }
    }

    fn site(&self) -> &Source {
        // Never empty: `read` fails first.
        &self.files[self.files.len() - 1]
    }

    /// Places a problem of the merged file on the line of the file that set the key.
    fn error(&self, problem: Problem) -> ConfigError {
        if self.files.len() == 1 {
            return self.site().error(problem);
        }
        let (key, message) = match problem {
            Problem::Syntax { message, span } => {
                (span.and_then(|s| key_at(&self.merged, s.start)), message)
            }
            Problem::Invalid { key, message } => (Some(key), message),
        };
        match key {
            Some(key) => self.origin(&key).error(Problem::invalid(key, message)),
            None => self.site().error(Problem::Syntax {
                message,
                span: None,
            }),
        }
    }
}

impl Config {
    /// Loads and validates the files of `dir`, then checks that they agree (see
    /// [`Config::load_layers`]).
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        Config::load_layers(&Layers::single(dir))
    }

    /// Loads and validates the files of the layers, the center token from
    /// `$CREDENTIALS_DIRECTORY` when systemd passed one, then checks that they agree: the home
    /// city, every per-city validity and every receipt layout name a real city, and layouts real
    /// documents.
    pub fn load_layers(layers: &Layers) -> Result<Self, ConfigError> {
        Config::load_with(layers, credentials::directory().as_deref())
    }

    /// As [`Config::load_layers`], with the credentials in `credentials`.
    pub fn load_with(layers: &Layers, credentials: Option<&Path>) -> Result<Self, ConfigError> {
        for dir in layers.dirs() {
            if !dir.is_dir() {
                return Err(ConfigError::NoFolder { dir: dir.clone() });
            }
        }
        let kiosk_files = KioskFiles::read(layers)?;
        let docs_src = Source::read_layered(layers, "documents.toml")?;
        let cities_src = Source::read_layered(layers, "cities.toml")?;
        let guidance_src = Source::read_layered(layers, "guidance.toml")?;

        let cities = Cities::from_toml(&cities_src.text).map_err(|p| cities_src.error(p))?;
        let documents = Documents::from_toml(&docs_src.text).map_err(|p| docs_src.error(p))?;
        let mut kiosk: KioskConfig =
            toml::from_str(&kiosk_files.merged).map_err(|e| kiosk_files.error(e.into()))?;
        let credential = match credentials {
            Some(dir) => credentials::read_in(dir, CENTER_TOKEN)?,
            None => None,
        };
        let token_from = match credential {
            Some(credential) => {
                kiosk.center.token = credential.text;
                if let Err(why) = check_token(&kiosk.center.token) {
                    return Err(ConfigError::Invalid {
                        path: credential.path,
                        line: 1,
                        key: Some("center.token".to_owned()),
                        message: why.to_owned(),
                    });
                }
                credential.path
            }
            None if kiosk.center.token.is_empty() => {
                let why = format!(
                    "no center token: neither the credential {} (LoadCredential=) nor [center] \
                     token in kiosk.toml has one",
                    credentials.map_or_else(
                        || credentials::display_path(CENTER_TOKEN),
                        |d| d.join(CENTER_TOKEN).display().to_string()
                    )
                );
                return Err(kiosk_files.error(Problem::invalid("center.token", why)));
            }
            None => kiosk_files.origin("center.token").path.clone(),
        };
        kiosk.validate().map_err(|p| kiosk_files.error(p))?;
        let kiosk_src = kiosk_files.origin("center.ca_file");
        if let Some(ca) = &kiosk.center.ca_file {
            // Relative to the folder of the file that names it.
            let path = kiosk_src.path.parent().unwrap_or(layers.site()).join(ca);
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
            return Err(kiosk_files.error(Problem::invalid("kiosk.home_city", why)));
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
                    return Err(kiosk_files.error(Problem::invalid(key, why)));
                };
                let fit = crate::receipt::pdf::sheet_capacity(spec.print_mm);
                if *copies > fit {
                    let why =
                        format!("{copies} photos of {id} do not fit on the sheet; 0 to {fit}");
                    return Err(kiosk_files.error(Problem::invalid(key, why)));
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
        let receipts_src = Source::read_optional(layers, "receipts.toml")?;
        let receipts_path = receipts_src.as_ref().map(|s| s.path.clone());
        let receipts = match receipts_src {
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
        let mut files: Vec<(&'static str, Vec<PathBuf>)> = vec![
            (
                "kiosk.toml",
                kiosk_files.files.iter().map(|s| s.path.clone()).collect(),
            ),
            ("documents.toml", vec![docs_src.path.clone()]),
            ("cities.toml", vec![cities_src.path.clone()]),
            ("guidance.toml", vec![guidance_src.path.clone()]),
        ];
        if let Some(path) = receipts_path {
            files.push(("receipts.toml", vec![path]));
        }
        Ok(Config {
            dir: layers.site().to_path_buf(),
            layers: layers.clone(),
            sources: Sources {
                files,
                overrides: kiosk_files.overrides,
                token: Some(token_from),
            },
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
