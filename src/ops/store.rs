//! What the booth remembers for its operator across restarts, in `ops.sqlite` (WAL) under the
//! data folder: counters per day, the last [`EVENTS_KEPT`] events, and a few settings (the
//! default language, the PIN lockout). Never a name, an ID number or a photo: events are short
//! fixed texts with codes and numbers.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::lockout::Lockout;
use crate::i18n::{Language, Message};
use crate::schema::{self, SchemaError, Step};

/// The file under the data folder.
pub const FILE: &str = "ops.sqlite";

/// Events kept; older ones are dropped as new ones come.
pub const EVENTS_KEPT: i64 = 200;

/// The operator store cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be opened or created.
    #[error("ops store: cannot open {}: {why}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's or the file system's words.
        why: String,
    },
    /// A read or write failed.
    #[error("ops store: {0}")]
    Sql(String),
    /// The file's schema is from a newer idbooth, or cannot be brought up to date; the file is
    /// left as it was.
    #[error("ops store: {0}")]
    Schema(std::sync::Arc<SchemaError>),
    /// The booth runs without a store (not even one in memory could be made).
    #[error("ops store: none (counters are not kept)")]
    Disabled,
}

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::Sql(e.to_string())
}

/// What the booth counts, per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// An applicant started a session.
    Session,
    /// A photo was taken and normalized.
    Photo,
    /// The center approved a photo.
    Approval,
    /// The center rejected a photo (once per rejection; reasons are counted apart).
    Rejection,
    /// A receipt was printed and confirmed.
    Print,
    /// A print failed.
    PrinterFault,
    /// The camera stalled or was lost.
    CameraFault,
}

impl Counter {
    /// The name stored and exported.
    pub fn name(self) -> &'static str {
        match self {
            Counter::Session => "sessions",
            Counter::Photo => "photos",
            Counter::Approval => "approvals",
            Counter::Rejection => "rejections",
            Counter::Print => "prints",
            Counter::PrinterFault => "printer_faults",
            Counter::CameraFault => "camera_faults",
        }
    }

    /// Every counter, in the order the operator reads them.
    pub const ALL: [Counter; 7] = [
        Counter::Session,
        Counter::Photo,
        Counter::Approval,
        Counter::Rejection,
        Counter::Print,
        Counter::PrinterFault,
        Counter::CameraFault,
    ];
}

/// Prefix of the per-reason rejection counters (`rejected.too_dark`).
pub const REJECTED_PREFIX: &str = "rejected.";

/// One day's counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD`, local time.
    pub day: String,
    /// Counter name and value, by name.
    pub counts: Vec<(String, i64)>,
}

impl Day {
    /// The value of `name` (0 when not counted that day).
    pub fn get(&self, name: &str) -> i64 {
        self.counts
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, v)| *v)
    }
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedEvent {
    /// Local time, RFC 3339 to the second.
    pub at: String,
    /// Kind: `session`, `photo`, `center`, `print`, `camera`, `pin`, `operator`.
    pub kind: String,
    /// Short text in English, never personal data (for the diagnostics bundle).
    pub text: String,
    /// The same as a key and values, to be shown in the operator's language (`None`: an entry
    /// logged as text only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

impl LoggedEvent {
    /// The entry in `lang`: its message's text, else the text it was logged with.
    pub fn text_in(&self, lang: Language) -> String {
        self.message
            .as_ref()
            .map_or_else(|| self.text.clone(), |m| m.text(lang))
    }
}

/// The store.
pub struct OpsStore {
    conn: Option<Connection>,
    /// The PIN lockout as this process last counted it: a store that cannot be read or written
    /// never makes the booth forget a wrong PIN while it runs.
    lockout: std::cell::Cell<Lockout>,
}

impl std::fmt::Debug for OpsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpsStore")
    }
}

/// The schema, step by step ([`crate::schema`]): a step that has shipped is never changed; a
/// change is a new step at the end.
const STEPS: [Step; 2] = [
    // 1: counters per day, the event log, settings.
    Step::Sql(
        "CREATE TABLE IF NOT EXISTS counters (
             day TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
             PRIMARY KEY (day, name));
         CREATE TABLE IF NOT EXISTS events (
             id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
             text TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    ),
    // 2: an event keeps its message (key and values) to be shown in the operator's language;
    // older entries show their English text.
    Step::Code(events_keep_their_message),
];

fn events_keep_their_message(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    schema::add_column(tx, "events", "message", "TEXT")
}

impl OpsStore {
    /// Opens (or creates) `dir/ops.sqlite`, creating `dir` if missing.
    pub fn open(dir: &Path) -> Result<OpsStore, StoreError> {
        let path = dir.join(FILE);
        let failed = |why: String| StoreError::Open {
            path: path.clone(),
            why,
        };
        // The data folder is the booth's alone (DESIGN.md, "Data and privacy").
        crate::private::folder(dir).map_err(|e| failed(e.to_string()))?;
        crate::private::database(&path).map_err(|e| failed(e.to_string()))?;
        let mut conn = Connection::open(&path).map_err(|e| failed(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(|e| failed(e.to_string()))?;
        // Before anything writes: a file from a newer idbooth is left as it is.
        schema::upgrade(&mut conn, &path, &STEPS)
            .map_err(|e| StoreError::Schema(std::sync::Arc::new(e)))?;
        // WAL: the UI thread writes a row in well under a millisecond, and a crash loses nothing
        // committed.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| failed(e.to_string()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| failed(e.to_string()))?;
        Ok(Self::with(conn))
    }

    /// A store in memory, forgotten at exit (a booth without a data folder, tests).
    pub fn in_memory() -> Result<OpsStore, StoreError> {
        let mut conn = Connection::open_in_memory().map_err(sql)?;
        schema::upgrade(&mut conn, Path::new(":memory:"), &STEPS)
            .map_err(|e| StoreError::Schema(std::sync::Arc::new(e)))?;
        Ok(Self::with(conn))
    }

    fn with(conn: Connection) -> OpsStore {
        OpsStore {
            conn: Some(conn),
            lockout: std::cell::Cell::default(),
        }
    }

    /// A store that keeps nothing: every call answers [`StoreError::Disabled`].
    pub fn disabled() -> OpsStore {
        OpsStore {
            conn: None,
            lockout: std::cell::Cell::default(),
        }
    }

    fn conn(&self) -> Result<&Connection, StoreError> {
        self.conn.as_ref().ok_or(StoreError::Disabled)
    }

    /// Adds one to `counter` today.
    pub fn count(&self, counter: Counter) -> Result<(), StoreError> {
        self.add(counter.name(), 1)
    }

    /// Adds `n` to the counter `name` today.
    pub fn add(&self, name: &str, n: i64) -> Result<(), StoreError> {
        self.conn()?
            .execute(
                "INSERT INTO counters (day, name, n) VALUES (?1, ?2, ?3)
                 ON CONFLICT (day, name) DO UPDATE SET n = n + excluded.n",
                params![today(), name, n],
            )
            .map(drop)
            .map_err(sql)
    }

    /// The counters of the last `days` days that counted anything, newest first.
    pub fn days(&self, days: usize) -> Result<Vec<Day>, StoreError> {
        let mut stmt = self
            .conn()?
            .prepare("SELECT DISTINCT day FROM counters ORDER BY day DESC LIMIT ?1")
            .map_err(sql)?;
        let names: Vec<String> = stmt
            .query_map([days as i64], |r| r.get(0))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        names.into_iter().map(|day| self.day(&day)).collect()
    }

    /// The counters of `day` (`YYYY-MM-DD`).
    pub fn day(&self, day: &str) -> Result<Day, StoreError> {
        let mut stmt = self
            .conn()?
            .prepare("SELECT name, n FROM counters WHERE day = ?1 ORDER BY name")
            .map_err(sql)?;
        let counts = stmt
            .query_map([day], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        Ok(Day {
            day: day.to_owned(),
            counts,
        })
    }

    /// Today's counters.
    pub fn today(&self) -> Result<Day, StoreError> {
        self.day(&today())
    }

    /// Logs an event as text only; keeps the last [`EVENTS_KEPT`]. `text` must hold no
    /// personal data.
    pub fn log(&self, kind: &str, text: &str) -> Result<(), StoreError> {
        self.insert_event(kind, text, None)
    }

    /// Logs `message`, kept so that the maintenance screen shows it in the operator's language
    /// (and in English in the diagnostics). Its values must hold no personal data.
    pub fn note(&self, kind: &str, message: &Message) -> Result<(), StoreError> {
        let json = serde_json::to_string(message).map_err(|e| StoreError::Sql(e.to_string()))?;
        self.insert_event(kind, &message.text(Language::EN), Some(&json))
    }

    fn insert_event(
        &self,
        kind: &str,
        text: &str,
        message: Option<&str>,
    ) -> Result<(), StoreError> {
        let at = chrono::Local::now()
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        self.conn()?
            .execute(
                "INSERT INTO events (at, kind, text, message) VALUES (?1, ?2, ?3, ?4)",
                params![at, kind, text, message],
            )
            .map_err(sql)?;
        self.conn()?
            .execute(
                "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?1",
                [EVENTS_KEPT],
            )
            .map(drop)
            .map_err(sql)
    }

    /// The last `n` events, newest first.
    pub fn events(&self, n: usize) -> Result<Vec<LoggedEvent>, StoreError> {
        let mut stmt = self
            .conn()?
            .prepare("SELECT at, kind, text, message FROM events ORDER BY id DESC LIMIT ?1")
            .map_err(sql)?;
        stmt.query_map([n as i64], |r| {
            let message: Option<String> = r.get(3)?;
            Ok(LoggedEvent {
                at: r.get(0)?,
                kind: r.get(1)?,
                text: r.get(2)?,
                message: message.and_then(|m| serde_json::from_str(&m).ok()),
            })
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)
    }

    /// A setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn()?
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn()?
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
            .map_err(sql)
    }
}

/// The setting holding the language new sessions start in.
const LANGUAGE_KEY: &str = "default_language";

impl OpsStore {
    /// The default language the operator chose, if any (else the config's applies).
    pub fn default_language(&self) -> Option<Language> {
        Language::from_tag(&self.setting(LANGUAGE_KEY).ok().flatten()?).ok()
    }

    /// Stores the default language.
    pub fn set_default_language(&self, lang: Language) -> Result<(), StoreError> {
        self.set_setting(LANGUAGE_KEY, lang.tag())
    }
}

/// The setting the PIN lockout is kept under, so it survives a restart.
const LOCKOUT_KEY: &str = "pin_lockout";

impl OpsStore {
    /// The PIN lockout: the stored one, or what this process counted since if that is more. It
    /// fails closed: a store that cannot be read gives what was counted here, never a clean
    /// slate.
    pub fn lockout(&self) -> Lockout {
        let stored = match self.setting(LOCKOUT_KEY) {
            Ok(text) => text.map(|t| Lockout::from_text(&t)).unwrap_or_default(),
            Err(error) => {
                tracing::warn!(%error, "pin lockout cannot be read; using this run's count");
                Lockout::default()
            }
        };
        let counted = self.lockout.get();
        if (counted.failures, counted.until) > (stored.failures, stored.until) {
            counted
        } else {
            stored
        }
    }

    /// Keeps the PIN lockout, in this process at once and on disk with a full sync: a power
    /// cut right after a wrong PIN does not undo it.
    pub fn keep_lockout(&self, lockout: Lockout) -> Result<(), StoreError> {
        self.lockout.set(lockout);
        let conn = self.conn()?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        let written = self.set_setting(LOCKOUT_KEY, &lockout.to_text());
        let normal = conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql);
        written.and(normal)
    }
}

/// Today, local time, as the counters' key.
pub fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_lockout_fails_closed_when_the_store_fails() {
        let now = 1_800_000_000;
        let mut lockout = Lockout::default();
        for _ in 0..6 {
            lockout.wrong(now);
        }
        // No store at all: the count of this run holds.
        let none = OpsStore::disabled();
        assert!(none.keep_lockout(lockout).is_err());
        assert_eq!(none.lockout(), lockout);
        // A store whose writes fail (a full disk): the count of this run holds too.
        let full = OpsStore::in_memory().expect("store");
        full.conn()
            .expect("conn")
            .execute_batch(
                "CREATE TRIGGER full BEFORE INSERT ON settings
                 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
            )
            .expect("trigger");
        assert!(full.keep_lockout(lockout).is_err());
        assert_eq!(full.lockout(), lockout);
        assert!(matches!(
            full.lockout().gate(now),
            super::super::lockout::Gate::Locked(_)
        ));
        // A stored lockout from before a restart counts when this run has seen less.
        let temp = tempfile::tempdir().expect("temp");
        OpsStore::open(temp.path())
            .expect("open")
            .keep_lockout(lockout)
            .expect("keep");
        let reopened = OpsStore::open(temp.path()).expect("open");
        assert_eq!(reopened.lockout(), lockout);
        // A right PIN clears both.
        reopened.keep_lockout(Lockout::default()).expect("keep");
        assert_eq!(reopened.lockout(), Lockout::default());
    }

    #[test]
    fn counters_events_and_settings_survive_reopening() {
        let temp = tempfile::tempdir().expect("temp");
        let dir = temp.path().join("data");
        {
            let store = OpsStore::open(&dir).expect("open");
            store.count(Counter::Session).expect("count");
            store.count(Counter::Session).expect("count");
            store.add("rejected.too_dark", 1).expect("add");
            store.log("session", "started").expect("log");
            store.set_setting("language", "en").expect("set");
        }
        let store = OpsStore::open(&dir).expect("reopen");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&dir).expect("stat").permissions(),
        );
        assert_eq!(
            mode & 0o777,
            0o700,
            "a new data folder is the booth's alone"
        );
        let day = store.today().expect("today");
        assert_eq!(day.get("sessions"), 2);
        assert_eq!(day.get("rejected.too_dark"), 1);
        assert_eq!(day.get("prints"), 0);
        assert_eq!(store.events(10).expect("events")[0].text, "started");
        assert_eq!(
            store.setting("language").expect("get").as_deref(),
            Some("en")
        );
        assert_eq!(store.days(7).expect("days").len(), 1);
    }

    #[test]
    fn an_event_is_shown_in_the_operator_s_language_and_an_older_store_keeps_working() {
        let temp = tempfile::tempdir().expect("temp");
        // A store from before events kept their message: no `message` column.
        {
            let conn = Connection::open(temp.path().join(FILE)).expect("sqlite");
            conn.execute_batch(
                "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
                 kind TEXT NOT NULL, text TEXT NOT NULL);
                 INSERT INTO events (at, kind, text) VALUES ('2026-01-01T00:00:00+08:00', 'print', 'receipt printed');",
            )
            .expect("old schema");
        }
        let store = OpsStore::open(temp.path()).expect("opens and adds the column");
        let message = Message::new("event.outbox_retry").with("n", 3);
        store.note("operator", &message).expect("note");
        let events = store.events(10).expect("events");
        assert_eq!(
            events[0].text, "outbox retry: 3 sent again",
            "English for the bundle"
        );
        assert_eq!(events[0].message.as_ref(), Some(&message));
        assert_eq!(
            events[0].text_in(Language::ZH_CN),
            "重发待发送：已重新发送 3 份"
        );
        // The old entry has only its text, in any language.
        assert_eq!(events[1].message, None);
        assert_eq!(events[1].text_in(Language::ZH_CN), "receipt printed");
    }

    /// `ops.sqlite` as idbooth made it before schema versions (`user_version` 0).
    const UNVERSIONED: &str = "
        CREATE TABLE counters (
            day TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, name));
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
            text TEXT NOT NULL, message TEXT);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

    fn unversioned(dir: &Path, message: &Message) {
        let conn = Connection::open(dir.join(FILE)).expect("sqlite");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.execute_batch(UNVERSIONED).expect("schema");
        conn.execute_batch(
            "INSERT INTO counters VALUES ('2026-01-02', 'prints', 4);
             INSERT INTO settings VALUES ('default_language', 'en');",
        )
        .expect("rows");
        conn.execute(
            "INSERT INTO events (at, kind, text, message)
             VALUES ('2026-01-02T09:00:00+08:00', 'operator', 'outbox retry: 3 sent again', ?1)",
            [serde_json::to_string(message).expect("json")],
        )
        .expect("event");
    }

    #[test]
    fn a_store_from_before_schema_versions_keeps_its_rows_and_records_the_version() {
        let temp = tempfile::tempdir().expect("temp");
        let message = Message::new("event.outbox_retry").with("n", 3);
        unversioned(temp.path(), &message);
        let store = OpsStore::open(temp.path()).expect("opens");
        assert_eq!(store.day("2026-01-02").expect("day").get("prints"), 4);
        assert_eq!(store.default_language(), Some(Language::EN));
        let events = store.events(10).expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].message.as_ref(), Some(&message));
        assert_eq!(
            schema::version(store.conn().expect("conn")).expect("version"),
            schema::latest(&STEPS)
        );
        // It goes on working: a new row next to the old ones.
        store.log("operator", "reopened").expect("log");
        assert_eq!(store.events(10).expect("events").len(), 2);
    }

    #[test]
    fn a_store_from_a_newer_idbooth_is_refused_and_left_byte_for_byte() {
        let temp = tempfile::tempdir().expect("temp");
        unversioned(
            temp.path(),
            &Message::new("event.outbox_retry").with("n", 1),
        );
        let path = temp.path().join(FILE);
        let marked = schema::newer::mark(&path, &STEPS);
        let error = OpsStore::open(temp.path()).expect_err("refused");
        let StoreError::Schema(schema_error) = &error else {
            panic!("not a schema error: {error}");
        };
        schema::newer::assert_refused(schema_error, &error.to_string(), &path, &STEPS, &marked);
    }

    #[test]
    fn only_the_last_200_events_are_kept() {
        let store = OpsStore::in_memory().expect("store");
        for i in 0..250 {
            store.log("test", &format!("event {i}")).expect("log");
        }
        let events = store.events(1000).expect("events");
        assert_eq!(events.len(), 200);
        assert_eq!(events[0].text, "event 249");
        assert_eq!(events[199].text, "event 50");
    }
}
