//! The reference center's book of submissions, in SQLite: photos and answers are committed to
//! disk before the center answers, so a `kill -9` loses nothing it accepted. Receipt numbers come
//! from a per-city, per-day sequence kept in the same transaction as the submission, so they are
//! unique under concurrent requests and across restarts.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Days, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::api::{Decision, Heartbeat, Meta, PendingReview, ReasonText, Status, Submission};
use super::number::{MAX_SEQUENCE, receipt_number};
use crate::i18n::Language;
use crate::schema::{self, SchemaError, Step};
use crate::spec::{Documents, Reason};

/// What can go wrong with the book.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// SQLite failed.
    #[error("center database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The data folder cannot be made.
    #[error("center data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The city ran out of numbers for the day.
    #[error("no receipt numbers left today for city {0}")]
    NumbersExhausted(String),
    /// A stored row does not read back.
    #[error("center database: a stored answer does not read back: {0}")]
    Corrupt(String),
    /// The book is from a newer idbooth (left as it is), or its schema cannot be brought up to
    /// date.
    #[error("center database {0}")]
    Schema(#[from] SchemaError),
}

/// Whether photos that pass wait for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// Passing photos are approved at once.
    Auto,
    /// Passing photos wait for `POST /v1/review/{id}`.
    Manual,
}

/// A reviewer's decision could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// No such submission.
    #[error("no submission {0}")]
    NotFound(String),
    /// It was decided already.
    #[error("submission {0} is not waiting for review")]
    NotPending(String),
    /// A rejection needs reasons.
    #[error("a rejection needs at least one reason")]
    NoReasons,
    /// The book failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// The center's book.
pub struct Ledger {
    path: PathBuf,
    conn: Mutex<Connection>,
    documents: Documents,
}

/// The schema, step by step ([`crate::schema`]): a step that has shipped is never changed; a
/// change is a new step at the end.
const STEPS: [Step; 2] = [
    // 1: the submissions and the receipt numbers' sequences.
    Step::Sql(
        "CREATE TABLE IF NOT EXISTS submissions (
             id          TEXT PRIMARY KEY,
             kiosk_id    TEXT NOT NULL,
             document    TEXT NOT NULL,
             city_code   TEXT NOT NULL,
             meta        TEXT NOT NULL,
             photo       BLOB NOT NULL,
             status      TEXT NOT NULL,
             receipt_no  TEXT UNIQUE,
             image_no    TEXT,
             valid_until TEXT,
             reasons     TEXT NOT NULL,
             created_at  TEXT NOT NULL,
             decided_at  TEXT
         );
         CREATE INDEX IF NOT EXISTS submissions_status ON submissions(status);
         CREATE TABLE IF NOT EXISTS sequences (
             city_code TEXT NOT NULL,
             day       TEXT NOT NULL,
             last      INTEGER NOT NULL,
             PRIMARY KEY (city_code, day)
         );",
    ),
    // 2: staff look submissions up by receipt number and 图像号; the booths' latest heartbeats.
    Step::Sql(
        "CREATE INDEX IF NOT EXISTS submissions_receipt ON submissions(receipt_no);
         CREATE INDEX IF NOT EXISTS submissions_image ON submissions(image_no);
         CREATE TABLE IF NOT EXISTS booths (
             kiosk_id TEXT PRIMARY KEY,
             seen_ms  INTEGER NOT NULL,
             beat     TEXT NOT NULL
         );",
    ),
];

impl Ledger {
    /// Opens (or creates) `dir/center.sqlite`, creating `dir` if missing; both are the owner's
    /// alone (0700 and 0600), however the center was started.
    pub fn open(dir: &Path, documents: Documents) -> Result<Ledger, LedgerError> {
        crate::private::folder(dir).map_err(|source| LedgerError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("center.sqlite");
        crate::private::database(&path).map_err(|source| LedgerError::Folder {
            path: path.clone(),
            source,
        })?;
        let sql = |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql)?;
        // Before anything writes: a book from a newer idbooth is left as it is.
        schema::upgrade(&mut conn, &path, &STEPS)?;
        // WAL with a full sync on commit: an answer is on disk before it is sent.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        Ok(Ledger {
            path,
            conn: Mutex::new(conn),
            documents,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sql(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The submission with this id, with the kiosk that sent it.
    pub fn find(&self, id: &str) -> Result<Option<(String, Submission)>, LedgerError> {
        let conn = self.conn();
        find(&conn, id)
            .map_err(|e| self.sql(e))?
            .map(read)
            .transpose()
    }

    /// Reads the book once (for `/v1/health`): whether the center can answer at all.
    pub fn ping(&self) -> Result<(), LedgerError> {
        let conn = self.conn();
        conn.query_row(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM submissions LIMIT 1))
                  + (SELECT count(*) FROM (SELECT 1 FROM sequences LIMIT 1))",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// What a submission was sent with: its meta (as stored) and photo.
    pub fn sent(&self, id: &str) -> Result<Option<(Meta, Vec<u8>)>, LedgerError> {
        let conn = self.conn();
        let row: Option<(String, Vec<u8>)> = conn
            .query_row(
                "SELECT meta, photo FROM submissions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        row.map(|(meta, photo)| {
            let meta =
                serde_json::from_str(&meta).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
            Ok((meta, photo))
        })
        .transpose()
    }

    /// Records a judged submission and returns the answer, with `true` when it is new. A
    /// repeated id returns the first answer and records nothing.
    pub fn record(
        &self,
        id: &str,
        meta: &Meta,
        photo: &[u8],
        reasons: &[Reason],
        review: Review,
        now: DateTime<FixedOffset>,
    ) -> Result<(String, Submission, bool), LedgerError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        if let Some(row) = find(&tx, id).map_err(|e| self.sql(e))? {
            let (kiosk, first) = read(row)?;
            return Ok((kiosk, first, false));
        }
        let created_at = now.to_rfc3339();
        let mut answer = Submission {
            id: id.to_owned(),
            status: Status::Pending,
            receipt_no: None,
            image_no: None,
            valid_until: None,
            reasons: Vec::new(),
            created_at: created_at.clone(),
        };
        if !reasons.is_empty() {
            answer.status = Status::Rejected;
            answer.reasons = texts(reasons);
        } else if review == Review::Auto {
            self.approve(&tx, &mut answer, &meta.document, &meta.city_code, now)?;
        }
        let meta_json =
            serde_json::to_string(meta).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO submissions (id, kiosk_id, document, city_code, meta, photo, status,
                 receipt_no, image_no, valid_until, reasons, created_at, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                id,
                meta.kiosk_id,
                meta.document,
                meta.city_code,
                meta_json,
                photo,
                status_text(answer.status),
                answer.receipt_no,
                answer.image_no,
                answer.valid_until,
                reasons_json(&answer.reasons)?,
                created_at,
                (answer.status != Status::Pending).then(|| now.to_rfc3339()),
            ],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok((meta.kiosk_id.clone(), answer, true))
    }

    /// Issues the next receipt number of the city and day inside `tx`.
    fn approve(
        &self,
        tx: &rusqlite::Transaction<'_>,
        answer: &mut Submission,
        document: &str,
        city_code: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        let day = now.date_naive();
        let sequence: u32 = tx
            .query_row(
                "INSERT INTO sequences (city_code, day, last) VALUES (?1, ?2, 1)
                 ON CONFLICT (city_code, day) DO UPDATE SET last = last + 1
                 RETURNING last",
                params![city_code, day.to_string()],
                |row| row.get(0),
            )
            .map_err(|e| self.sql(e))?;
        if sequence > MAX_SEQUENCE {
            return Err(LedgerError::NumbersExhausted(city_code.to_owned()));
        }
        let receipt_no = receipt_number(city_code, day, sequence)
            .ok_or_else(|| LedgerError::Corrupt(format!("city code {city_code:?}")))?;
        let validity = self
            .documents
            .get(document)
            .map_or(180, |s| s.validity_days_for(city_code));
        answer.status = Status::Approved;
        answer.image_no = Some(format!("P{receipt_no}"));
        answer.receipt_no = Some(receipt_no);
        answer.valid_until = day
            .checked_add_days(Days::new(u64::from(validity)))
            .map(|d| d.to_string());
        Ok(())
    }

    /// Submissions waiting for a reviewer, oldest first.
    pub fn pending(&self) -> Result<Vec<PendingReview>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT id, kiosk_id, document, city_code, created_at FROM submissions
                 WHERE status = 'pending' ORDER BY created_at, id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingReview {
                    id: r.get(0)?,
                    kiosk_id: r.get(1)?,
                    document: r.get(2)?,
                    city_code: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// A reviewer's decision on a pending submission.
    pub fn decide(
        &self,
        id: &str,
        decision: Decision,
        reasons: &[Reason],
        now: DateTime<FixedOffset>,
    ) -> Result<Submission, DecideError> {
        if decision == Decision::Reject && reasons.is_empty() {
            return Err(DecideError::NoReasons);
        }
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let Some(row) = find(&tx, id).map_err(|e| self.sql(e))? else {
            return Err(DecideError::NotFound(id.to_owned()));
        };
        let document = row.document.clone();
        let city_code = row.city_code.clone();
        let (_, mut answer) = read(row)?;
        if answer.status != Status::Pending {
            return Err(DecideError::NotPending(id.to_owned()));
        }
        match decision {
            Decision::Approve => self.approve(&tx, &mut answer, &document, &city_code, now)?,
            Decision::Reject => {
                answer.status = Status::Rejected;
                answer.reasons = texts(reasons);
            }
        }
        tx.execute(
            "UPDATE submissions SET status = ?2, receipt_no = ?3, image_no = ?4,
                 valid_until = ?5, reasons = ?6, decided_at = ?7 WHERE id = ?1",
            params![
                id,
                status_text(answer.status),
                answer.receipt_no,
                answer.image_no,
                answer.valid_until,
                reasons_json(&answer.reasons)?,
                now.to_rfc3339(),
            ],
        )
        .map_err(|e| self.sql(e))?;
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(answer)
    }

    /// How many submissions the book holds.
    pub fn count(&self) -> Result<u64, LedgerError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// A booth as its latest heartbeat tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booth {
    /// When the center got the heartbeat (ms since the epoch, the center's clock).
    pub seen_ms: i64,
    /// What it said.
    pub beat: Heartbeat,
}

/// A submission as staff see it: the answer, where it came from, and the booth's measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The answer.
    pub answer: Submission,
    /// The kiosk that sent it.
    pub kiosk_id: String,
    /// Document id.
    pub document: String,
    /// City code.
    pub city_code: String,
    /// When it was decided (RFC 3339).
    pub decided_at: Option<String>,
    /// The kiosk's own measures.
    pub quality: serde_json::Map<String, serde_json::Value>,
}

/// Submissions by where they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Waiting for a reviewer.
    pub pending: u64,
    /// Approved.
    pub approved: u64,
    /// Rejected.
    pub rejected: u64,
}

impl Ledger {
    /// Keeps `beat` as the latest of its booth, seen at `seen_ms`.
    pub fn beat(&self, beat: &Heartbeat, seen_ms: i64) -> Result<(), LedgerError> {
        let json = serde_json::to_string(beat).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        self.conn()
            .execute(
                "INSERT INTO booths (kiosk_id, seen_ms, beat) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kiosk_id) DO UPDATE SET seen_ms = excluded.seen_ms,
                     beat = excluded.beat",
                params![beat.kiosk_id, seen_ms, json],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Every booth that sent a heartbeat, by kiosk id.
    pub fn booths(&self) -> Result<Vec<Booth>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT seen_ms, beat FROM booths ORDER BY kiosk_id")
            .map_err(|e| self.sql(e))?;
        let rows: Vec<(i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        rows.into_iter()
            .map(|(seen_ms, beat)| {
                let beat =
                    serde_json::from_str(&beat).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
                Ok(Booth { seen_ms, beat })
            })
            .collect()
    }

    /// How many submissions stand where.
    pub fn tally(&self) -> Result<Tally, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT status, COUNT(*) FROM submissions GROUP BY status")
            .map_err(|e| self.sql(e))?;
        let rows: Vec<(String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        let mut tally = Tally::default();
        for (status, n) in rows {
            let n = u64::try_from(n).unwrap_or(0);
            match status.as_str() {
                "pending" => tally.pending = n,
                "approved" => tally.approved = n,
                "rejected" => tally.rejected = n,
                other => return Err(LedgerError::Corrupt(format!("status {other:?}"))),
            }
        }
        Ok(tally)
    }

    /// The submission with this id as staff see it.
    pub fn record_of(&self, id: &str) -> Result<Option<Record>, LedgerError> {
        let conn = self.conn();
        let Some(row) = find(&conn, id).map_err(|e| self.sql(e))? else {
            return Ok(None);
        };
        let (decided_at, meta): (Option<String>, String) = conn
            .query_row(
                "SELECT decided_at, meta FROM submissions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        drop(conn);
        let meta: Meta =
            serde_json::from_str(&meta).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
        let (document, city_code) = (row.document.clone(), row.city_code.clone());
        let (kiosk_id, answer) = read(row)?;
        Ok(Some(Record {
            answer,
            kiosk_id,
            document,
            city_code,
            decided_at,
            quality: meta.quality,
        }))
    }

    /// The id of the submission with this receipt number (回执号) or image number (图像号).
    pub fn lookup(&self, number: &str) -> Result<Option<String>, LedgerError> {
        self.conn()
            .query_row(
                "SELECT id FROM submissions WHERE receipt_no = ?1 OR image_no = ?1 LIMIT 1",
                [number],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// The photo of a submission.
    pub fn photo(&self, id: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        self.conn()
            .query_row("SELECT photo FROM submissions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }
}

/// One stored row, before it is read into an answer.
struct Row {
    id: String,
    kiosk_id: String,
    document: String,
    city_code: String,
    status: String,
    receipt_no: Option<String>,
    image_no: Option<String>,
    valid_until: Option<String>,
    reasons: String,
    created_at: String,
}

fn find(conn: &Connection, id: &str) -> rusqlite::Result<Option<Row>> {
    conn.query_row(
        "SELECT id, kiosk_id, document, city_code, status, receipt_no, image_no, valid_until,
                reasons, created_at
         FROM submissions WHERE id = ?1",
        [id],
        |r| {
            Ok(Row {
                id: r.get(0)?,
                kiosk_id: r.get(1)?,
                document: r.get(2)?,
                city_code: r.get(3)?,
                status: r.get(4)?,
                receipt_no: r.get(5)?,
                image_no: r.get(6)?,
                valid_until: r.get(7)?,
                reasons: r.get(8)?,
                created_at: r.get(9)?,
            })
        },
    )
    .optional()
}

fn read(row: Row) -> Result<(String, Submission), LedgerError> {
    let status = match row.status.as_str() {
        "pending" => Status::Pending,
        "approved" => Status::Approved,
        "rejected" => Status::Rejected,
        other => return Err(LedgerError::Corrupt(format!("status {other:?}"))),
    };
    let reasons: Vec<ReasonText> =
        serde_json::from_str(&row.reasons).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    Ok((
        row.kiosk_id,
        Submission {
            id: row.id,
            status,
            receipt_no: row.receipt_no,
            image_no: row.image_no,
            valid_until: row.valid_until,
            reasons,
            created_at: row.created_at,
        },
    ))
}

fn status_text(status: Status) -> &'static str {
    match status {
        Status::Pending => "pending",
        Status::Approved => "approved",
        Status::Rejected => "rejected",
    }
}

fn texts(reasons: &[Reason]) -> Vec<ReasonText> {
    reasons
        .iter()
        .map(|&code| ReasonText {
            code,
            message: code.message(Language::ZH_CN).to_owned(),
        })
        .collect()
}

fn reasons_json(reasons: &[ReasonText]) -> Result<String, LedgerError> {
    serde_json::to_string(reasons).map_err(|e| LedgerError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::applicant::ApplicantMeta;

    /// The book as idbooth made it before schema versions (`user_version` 0).
    const UNVERSIONED: &str = "
        CREATE TABLE submissions (
            id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, document TEXT NOT NULL,
            city_code TEXT NOT NULL, meta TEXT NOT NULL, photo BLOB NOT NULL,
            status TEXT NOT NULL, receipt_no TEXT UNIQUE, image_no TEXT, valid_until TEXT,
            reasons TEXT NOT NULL, created_at TEXT NOT NULL, decided_at TEXT);
        CREATE INDEX submissions_status ON submissions(status);
        CREATE TABLE sequences (
            city_code TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
            PRIMARY KEY (city_code, day));
        CREATE INDEX submissions_receipt ON submissions(receipt_no);
        CREATE INDEX submissions_image ON submissions(image_no);
        CREATE TABLE booths (kiosk_id TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL, beat TEXT NOT NULL);";

    const CITY: &str = "440300";

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date")
    }

    fn documents() -> Documents {
        Documents::from_toml(include_str!("../../kiosk-config/documents.toml")).expect("documents")
    }

    fn meta() -> Meta {
        Meta {
            kiosk_id: "booth-1".into(),
            document: "passport".into(),
            city_code: CITY.into(),
            applicant: ApplicantMeta {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
            },
            captured_at: "2026-11-25T10:00:00+08:00".into(),
            quality: Default::default(),
        }
    }

    /// An unversioned book in `dir` with submission `s1`, approved as the day's first; returns
    /// its receipt number.
    fn unversioned(dir: &Path) -> String {
        let conn = Connection::open(dir.join("center.sqlite")).expect("sqlite");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.execute_batch(UNVERSIONED).expect("schema");
        let receipt = receipt_number(CITY, day(), 1).expect("a receipt number");
        conn.execute(
            "INSERT INTO submissions (id, kiosk_id, document, city_code, meta, photo, status,
                 receipt_no, image_no, valid_until, reasons, created_at, decided_at)
             VALUES ('s1', 'booth-1', 'passport', ?1, ?2, x'FFD8FFE0', 'approved', ?3, ?4,
                 '2027-05-24', '[]', '2026-11-25T10:00:00+08:00', '2026-11-25T10:00:00+08:00')",
            params![
                CITY,
                serde_json::to_string(&meta()).expect("json"),
                receipt,
                format!("P{receipt}")
            ],
        )
        .expect("submission");
        conn.execute(
            "INSERT INTO sequences VALUES (?1, ?2, 1)",
            params![CITY, day().to_string()],
        )
        .expect("sequence");
        receipt
    }

    #[test]
    fn a_book_from_before_schema_versions_keeps_its_submissions_and_records_the_version() {
        let dir = tempfile::tempdir().expect("temp");
        let receipt = unversioned(dir.path());
        let ledger = Ledger::open(dir.path(), documents()).expect("opens");
        assert_eq!(
            schema::version(&ledger.conn()).expect("version"),
            schema::latest(&STEPS)
        );
        let (kiosk, s1) = ledger.find("s1").expect("find").expect("s1 is there");
        assert_eq!(kiosk, "booth-1");
        assert_eq!(s1.status, Status::Approved);
        assert_eq!(s1.receipt_no.as_deref(), Some(receipt.as_str()));
        assert_eq!(
            ledger.lookup(&format!("P{receipt}")).expect("lookup"),
            Some("s1".to_owned())
        );
        assert_eq!(
            ledger.photo("s1").expect("photo"),
            Some(vec![0xFF, 0xD8, 0xFF, 0xE0])
        );
        // The day's sequence goes on where it was: the next approval is the day's second.
        let now = DateTime::parse_from_rfc3339("2026-11-25T11:00:00+08:00").expect("time");
        let (_, s2, new) = ledger
            .record("s2", &meta(), &[0xFF, 0xD8], &[], Review::Auto, now)
            .expect("record");
        assert!(new);
        assert_eq!(s2.receipt_no, receipt_number(CITY, day(), 2));
    }

    #[test]
    fn a_book_from_a_newer_idbooth_is_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().expect("temp");
        unversioned(dir.path());
        let path = dir.path().join("center.sqlite");
        let marked = schema::newer::mark(&path, &STEPS);
        let error = match Ledger::open(dir.path(), documents()) {
            Ok(_) => panic!("a newer book was opened"),
            Err(error) => error,
        };
        let LedgerError::Schema(schema_error) = &error else {
            panic!("not a schema error: {error}");
        };
        schema::newer::assert_refused(schema_error, &error.to_string(), &path, &STEPS, &marked);
    }
}
