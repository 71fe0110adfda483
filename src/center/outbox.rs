//! The kiosk's outbox: every submission is committed to SQLite (WAL, full sync) before the first
//! send, and stays until the center's final answer is recorded. After a crash or a power cut the
//! courier finds it again. The applicant's data and photo are wiped once the answer is final and
//! the kiosk is done with them (receipt printed, or the retake begun).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::api::{Meta, Parcel, Status, Submission};
use crate::schema::{self, SchemaError, Step};

/// Milliseconds since the epoch, the outbox's clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The outbox failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboxError {
    /// SQLite failed.
    #[error("outbox {path}: {source}")]
    Sql {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file is from a newer idbooth (left as it is), or its schema cannot be brought up to
    /// date.
    #[error("outbox {0}")]
    Schema(#[from] SchemaError),
}

/// Where a submission stands on the kiosk's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting to be sent (again).
    Queued,
    /// The center has it but has not decided: asked again at intervals.
    Waiting,
    /// The center's final answer is recorded.
    Answered,
    /// The center refused the request itself (token, data): an operator must look, then retry.
    Refused,
}

impl State {
    fn text(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Waiting => "waiting",
            State::Answered => "answered",
            State::Refused => "refused",
        }
    }

    fn parse(text: &str) -> State {
        match text {
            "waiting" => State::Waiting,
            "answered" => State::Answered,
            "refused" => State::Refused,
            _ => State::Queued,
        }
    }
}

/// One line of `idbooth outbox list`: no applicant data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Local submission id.
    pub id: String,
    /// Where it stands.
    pub state: State,
    /// Sends and polls tried.
    pub attempts: u32,
    /// When it was stored (ms since the epoch).
    pub created_ms: i64,
    /// When the courier tries next (ms since the epoch).
    pub next_try_ms: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// The center's answer, once there is one.
    pub answer: Option<Submission>,
    /// Whether the applicant's data and photo are still held.
    pub holds_pii: bool,
}

/// What the courier must do next for a submission.
#[derive(Debug, Clone)]
pub enum Due {
    /// Send it.
    Send(Parcel, u32),
    /// Ask where it stands.
    Poll(String, u32),
}

/// How many submissions are not final yet, and the oldest one's age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Depth {
    /// Queued, waiting or refused.
    pub undelivered: u64,
    /// Refused among them (need an operator).
    pub refused: u64,
    /// Age of the oldest undelivered one.
    pub oldest: Option<Duration>,
}

/// The outbox database.
pub struct Outbox {
    path: PathBuf,
    conn: Connection,
}

/// The schema, step by step ([`crate::schema`]): a step that has shipped is never changed; a
/// change is a new step at the end.
const STEPS: [Step; 2] = [
    // 1: the submissions, held until the center's final answer.
    Step::Sql(
        "CREATE TABLE IF NOT EXISTS outbox (
             id          TEXT PRIMARY KEY,
             created_ms  INTEGER NOT NULL,
             meta        TEXT,
             photo       BLOB,
             state       TEXT NOT NULL,
             attempts    INTEGER NOT NULL DEFAULT 0,
             next_try_ms INTEGER NOT NULL,
             last_error  TEXT,
             answer      TEXT,
             released    INTEGER NOT NULL DEFAULT 0
         );
         CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_try_ms);",
    ),
    // 2: when the kiosk was done with a submission (kiosk.retention_hours counts from then), and
    // an index of the rows that still hold applicant data (the wipe's query).
    Step::Code(released_ms),
];

fn released_ms(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    schema::add_column(tx, "outbox", "released_ms", "INTEGER")?;
    tx.execute_batch(
        "CREATE INDEX IF NOT EXISTS outbox_held ON outbox(created_ms) WHERE photo IS NOT NULL;",
    )
}

/// How long the applicant's data stays once the answer is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// After the kiosk is done with it (receipt printed, retake begun): `kiosk.retention_hours`.
    pub released: Duration,
    /// A pending ticket nobody came back for, counted from when it was stored.
    pub uncollected: Duration,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
}

impl Outbox {
    /// Opens (or creates) the outbox file; its folder is made if missing (mode 0700).
    pub fn open(path: &Path) -> Result<Outbox, OutboxError> {
        let err = |source| OutboxError::Sql {
            path: path.to_path_buf(),
            source,
        };
        let unusable = |at: &Path, e: std::io::Error| {
            err(rusqlite::Error::InvalidPath(PathBuf::from(format!(
                "{}: {e}",
                at.display()
            ))))
        };
        // Names, ID numbers and photos: the folder and the file are the booth's alone.
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            crate::private::folder(dir).map_err(|e| unusable(dir, e))?;
        }
        crate::private::database(path).map_err(|e| unusable(path, e))?;
        let mut conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        // Before anything writes: a file from a newer idbooth is left as it is.
        schema::upgrade(&mut conn, path, &STEPS)?;
        // Full sync in WAL: a stored submission survives a power cut, not only a crash.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        // Wiped names, ID numbers and photos are overwritten with zeros, not left in free space.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(err)?;
        Ok(Outbox {
            path: path.to_path_buf(),
            conn,
        })
    }

    fn err(&self, source: rusqlite::Error) -> OutboxError {
        OutboxError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    /// Stores a submission durably, due at once. Storing the same id again changes nothing.
    pub fn put(&self, parcel: &Parcel) -> Result<(), OutboxError> {
        let meta = serde_json::to_string(&parcel.meta)
            .map_err(|e| self.err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        let now = now_ms();
        self.conn
            .execute(
                "INSERT OR IGNORE INTO outbox (id, created_ms, meta, photo, state, next_try_ms)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?2)",
                params![parcel.id, now, meta, parcel.photo],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// What is due at `now`, oldest first, at most `limit`.
    pub fn due(&self, now: i64, limit: usize) -> Result<Vec<Due>, OutboxError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, state, meta, photo, attempts FROM outbox
                 WHERE state IN ('queued', 'waiting') AND next_try_ms <= ?1
                 ORDER BY next_try_ms, created_ms LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![now, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut due = Vec::new();
        for row in rows {
            let (id, state, meta, photo, attempts) = row.map_err(|e| self.err(e))?;
            let parsed = meta.and_then(|m| serde_json::from_str::<Meta>(&m).ok());
            match (State::parse(&state), parsed, photo) {
                (State::Queued, Some(meta), Some(photo)) => {
                    due.push(Due::Send(Parcel { id, meta, photo }, attempts));
                }
                // A waiting one is asked about; so is a queued one whose data is gone (it can
                // only be asked about now).
                _ => due.push(Due::Poll(id, attempts)),
            }
        }
        Ok(due)
    }

    /// When the next item falls due, if any does.
    pub fn next_due(&self) -> Result<Option<i64>, OutboxError> {
        self.conn
            .query_row(
                "SELECT MIN(next_try_ms) FROM outbox WHERE state IN ('queued', 'waiting')",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Records the center's answer: final ones end delivery; a pending one is asked about again
    /// after `poll`.
    pub fn answered(&self, answer: &Submission, poll: Duration) -> Result<(), OutboxError> {
        let json = serde_json::to_string(answer)
            .map_err(|e| self.err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        let (state, next) = match answer.status {
            Status::Pending => (
                State::Waiting,
                now_ms() + i64::try_from(poll.as_millis()).unwrap_or(i64::MAX / 2),
            ),
            Status::Approved | Status::Rejected => (State::Answered, now_ms()),
        };
        self.conn
            .execute(
                "UPDATE outbox SET state = ?2, answer = ?3, next_try_ms = ?4, last_error = NULL,
                     attempts = attempts + 1,
                     released_ms = CASE WHEN released = 1 AND ?2 = 'answered' THEN ?5
                                   ELSE released_ms END
                 WHERE id = ?1",
                params![answer.id, state.text(), json, next, now_ms()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Records a failed try; the next one after `wait`.
    pub fn failed(&self, id: &str, error: &str, wait: Duration) -> Result<(), OutboxError> {
        let next = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_try_ms = ?3
                 WHERE id = ?1",
                params![id, error, next],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The center refused it: delivery stops until an operator retries.
    pub fn refused(&self, id: &str, error: &str) -> Result<(), OutboxError> {
        self.conn
            .execute(
                "UPDATE outbox SET state = 'refused', attempts = attempts + 1, last_error = ?2
                 WHERE id = ?1",
                params![id, error],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The center lost it (404 on a poll): send it again after `wait` (a try counted, so a center
    /// that keeps losing it is asked ever more slowly).
    pub fn resend(&self, id: &str, wait: Duration) -> Result<(), OutboxError> {
        let next = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, next_try_ms = ?2,
                     state = CASE WHEN photo IS NOT NULL THEN 'queued' ELSE state END,
                     last_error = 'the center did not know it; sending again'
                 WHERE id = ?1",
                params![id, next],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Everything undelivered is due now, refused ones included. Returns how many.
    pub fn retry_now(&self) -> Result<usize, OutboxError> {
        self.conn
            .execute(
                "UPDATE outbox SET next_try_ms = ?1,
                     state = CASE state WHEN 'refused' THEN 'queued' ELSE state END
                 WHERE state IN ('queued', 'waiting', 'refused')",
                params![now_ms()],
            )
            .map_err(|e| self.err(e))
    }

    /// The recorded answer, if any.
    pub fn answer(&self, id: &str) -> Result<Option<Submission>, OutboxError> {
        let json: Option<Option<String>> = self
            .conn
            .query_row("SELECT answer FROM outbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(json.flatten().and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// The stored parcel, while its data is held (a pending ticket's receipt needs it).
    pub fn parcel(&self, id: &str) -> Result<Option<Parcel>, OutboxError> {
        let row: Option<(Option<String>, Option<Vec<u8>>)> = self
            .conn
            .query_row("SELECT meta, photo FROM outbox WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(match row {
            Some((Some(meta), Some(photo))) => {
                serde_json::from_str(&meta).ok().map(|meta| Parcel {
                    id: id.to_owned(),
                    meta,
                    photo,
                })
            }
            _ => None,
        })
    }

    /// The submission whose id starts with `code` (a ticket code: hex digits), when exactly one
    /// does: its id, the answer so far, and the parcel while its data is held.
    pub fn find_code(&self, code: &str) -> Result<Option<super::Found>, OutboxError> {
        if code.len() < 4 || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let pattern = format!("{}%", code.to_ascii_lowercase());
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM outbox WHERE id LIKE ?1 LIMIT 2")
            .map_err(|e| self.err(e))?;
        let ids: Vec<String> = stmt
            .query_map([pattern], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        let [id] = ids.as_slice() else {
            return Ok(None);
        };
        Ok(Some(super::Found {
            id: id.clone(),
            answer: self.answer(id)?,
            parcel: self.parcel(id)?,
        }))
    }

    /// The kiosk is done with it: the applicant's data and photo are wiped once the answer is
    /// final and `retention.released` has passed since both (now, when it is zero and the answer
    /// is final already).
    pub fn release(&self, id: &str, retention: &Retention) -> Result<(), OutboxError> {
        self.conn
            .execute(
                "UPDATE outbox SET released = 1, released_ms = ?2 WHERE id = ?1 AND released = 0",
                params![id, now_ms()],
            )
            .map_err(|e| self.err(e))?;
        self.wipe(now_ms(), retention).map(|_| ())
    }

    /// Wipes the applicant's data and photo (and the last error, whose words a center may have
    /// taken from them) where `retention` has run out at `now` (ms since the
    /// epoch): final answers released long enough ago, and final answers stored longer ago than
    /// a pending ticket is kept. Returns how many. After a wipe the WAL is checkpointed and
    /// truncated, so the old pages are in neither file (secure_delete zeroes them in the main
    /// one).
    pub fn wipe(&self, now: i64, retention: &Retention) -> Result<usize, OutboxError> {
        let wiped = self
            .conn
            .execute(
                "UPDATE outbox SET meta = NULL, photo = NULL, last_error = NULL
                 WHERE photo IS NOT NULL AND state = 'answered'
                   AND ((released = 1 AND COALESCE(released_ms, 0) <= ?1)
                        OR created_ms < ?2)",
                params![
                    now.saturating_sub(ms(retention.released)),
                    now.saturating_sub(ms(retention.uncollected))
                ],
            )
            .map_err(|e| self.err(e))?;
        if wiped > 0 {
            // Best effort: a reader in another process (`outbox list`) may hold it back; the
            // next wipe or SQLite's own checkpoints catch up.
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(wiped)
    }

    /// Every submission, newest first.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, state, attempts, created_ms, next_try_ms, last_error, answer,
                        photo IS NOT NULL
                 FROM outbox ORDER BY created_ms DESC, id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Entry {
                    id: r.get(0)?,
                    state: State::parse(&r.get::<_, String>(1)?),
                    attempts: r.get(2)?,
                    created_ms: r.get(3)?,
                    next_try_ms: r.get(4)?,
                    last_error: r.get(5)?,
                    answer: r
                        .get::<_, Option<String>>(6)?
                        .and_then(|j| serde_json::from_str(&j).ok()),
                    holds_pii: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// How much is undelivered.
    pub fn depth(&self) -> Result<Depth, OutboxError> {
        let (undelivered, refused, oldest): (i64, i64, Option<i64>) = self
            .conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(state = 'refused'), 0), MIN(created_ms)
                 FROM outbox WHERE state != 'answered'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(Depth {
            undelivered: u64::try_from(undelivered).unwrap_or(0),
            refused: u64::try_from(refused).unwrap_or(0),
            oldest: oldest.map(|t| {
                Duration::from_millis(u64::try_from(now_ms().saturating_sub(t)).unwrap_or(0))
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outbox as idbooth made it before schema versions (`user_version` 0).
    const UNVERSIONED: &str = "
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, meta TEXT, photo BLOB,
            state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_try_ms INTEGER NOT NULL, last_error TEXT, answer TEXT,
            released INTEGER NOT NULL DEFAULT 0, released_ms INTEGER);
        CREATE INDEX outbox_due ON outbox(state, next_try_ms);
        CREATE INDEX outbox_held ON outbox(created_ms) WHERE photo IS NOT NULL;";

    fn parcel() -> Parcel {
        Parcel {
            id: "0f8e7c1a-3b2d-4e5f-8a9b-0c1d2e3f4a5b".into(),
            meta: Meta {
                kiosk_id: "booth-1".into(),
                document: "passport".into(),
                city_code: "440300".into(),
                applicant: crate::applicant::ApplicantMeta {
                    name: "张三".into(),
                    id_number: "11010519491231002X".into(),
                },
                captured_at: "2026-11-25T10:00:00+08:00".into(),
                quality: Default::default(),
            },
            photo: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        }
    }

    /// An unversioned outbox at `path` holding `parcel`, queued after two failed sends.
    fn unversioned(path: &Path, parcel: &Parcel) {
        let conn = Connection::open(path).expect("sqlite");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.execute_batch(UNVERSIONED).expect("schema");
        conn.execute(
            "INSERT INTO outbox (id, created_ms, meta, photo, state, attempts, next_try_ms,
                 last_error)
             VALUES (?1, ?2, ?3, ?4, 'queued', 2, ?2, 'center unreachable')",
            params![
                parcel.id,
                now_ms() - 60_000,
                serde_json::to_string(&parcel.meta).expect("json"),
                parcel.photo
            ],
        )
        .expect("row");
    }

    #[test]
    fn an_outbox_from_before_schema_versions_keeps_its_submissions_and_records_the_version() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("outbox.sqlite");
        let parcel = parcel();
        unversioned(&path, &parcel);
        let outbox = Outbox::open(&path).expect("opens");
        assert_eq!(
            schema::version(&outbox.conn).expect("version"),
            schema::latest(&STEPS)
        );
        assert_eq!(
            outbox.parcel(&parcel.id).expect("parcel"),
            Some(parcel.clone())
        );
        let list = outbox.list().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, State::Queued);
        assert_eq!(list[0].attempts, 2);
        assert_eq!(list[0].last_error.as_deref(), Some("center unreachable"));
        // Still due, and the courier sends it as it was stored.
        match outbox.due(now_ms(), 10).expect("due").as_slice() {
            [Due::Send(due, 2)] => assert_eq!(due, &parcel),
            other => panic!("expected one send, got {other:?}"),
        }
    }

    #[test]
    fn an_outbox_from_a_newer_idbooth_is_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("outbox.sqlite");
        unversioned(&path, &parcel());
        let marked = schema::newer::mark(&path, &STEPS);
        let error = match Outbox::open(&path) {
            Ok(_) => panic!("a newer outbox was opened"),
            Err(error) => error,
        };
        let OutboxError::Schema(schema_error) = &error else {
            panic!("not a schema error: {error}");
        };
        schema::newer::assert_refused(schema_error, &error.to_string(), &path, &STEPS, &marked);
    }

    #[test]
    fn an_outbox_from_before_released_ms_opens_and_wipes() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("outbox.sqlite");
        let old = Connection::open(&path).expect("open");
        old.execute_batch(
            "CREATE TABLE outbox (id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, meta TEXT,
                 photo BLOB, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                 next_try_ms INTEGER NOT NULL, last_error TEXT, answer TEXT,
                 released INTEGER NOT NULL DEFAULT 0);
             INSERT INTO outbox (id, created_ms, meta, photo, state, next_try_ms, released)
                 VALUES ('a', 1, '{}', x'00', 'answered', 1, 1);",
        )
        .expect("old schema");
        drop(old);
        let outbox = Outbox::open(&path).expect("migrated");
        let keep = Retention {
            released: Duration::from_secs(3600),
            uncollected: Duration::from_secs(3600),
        };
        // Released before the column existed: its clock counts from the epoch, so it goes.
        assert_eq!(outbox.wipe(now_ms(), &keep).expect("wipe"), 1);
        assert!(!outbox.list().expect("list")[0].holds_pii);
    }
}
