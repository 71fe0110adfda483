//! Schema versions of idbooth's SQLite files (the outbox, `ops.sqlite`, the center's book). A
//! schema is a list of steps; the file's `user_version` counts the steps it has had, and opening
//! it applies the missing ones in one transaction, the new count with them. A file from a newer
//! idbooth, with more steps than this one knows, is refused before anything is written to it.
//!
//! Files from before versions were kept are at version 0 with some or all of the schema of
//! their day, so the steps that existed then create only what is missing.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One step of a schema.
#[derive(Clone, Copy)]
pub enum Step {
    /// SQL statements, run as one batch.
    Sql(&'static str),
    /// A step SQL alone cannot say (adding a column a file may already have).
    Code(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Sql(sql) => f.debug_tuple("Sql").field(sql).finish(),
            Step::Code(_) => f.write_str("Code"),
        }
    }
}

/// A file's schema cannot be brought up to date.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The file was made or upgraded by a newer idbooth; it is left as it is.
    #[error(
        "{}: schema version {found} is newer than this idbooth knows (version {known}): it was \
         written by a newer idbooth; the file is left untouched (run that version, or move the \
         file away to start a new one)",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The file's `user_version`.
        found: i64,
        /// The last version this build knows.
        known: i64,
    },
    /// The version cannot be read, or a step failed (nothing of the upgrade was kept).
    #[error("{}: schema version {from} to {to}: {source}", path.display())]
    Sql {
        /// The database file.
        path: PathBuf,
        /// The version the file had.
        from: i64,
        /// The version it was to be brought to.
        to: i64,
        /// SQLite's words.
        source: rusqlite::Error,
    },
}

/// The version a file has after `steps`.
pub fn latest(steps: &[Step]) -> i64 {
    i64::try_from(steps.len()).unwrap_or(i64::MAX)
}

/// The file's schema version (`user_version`).
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the file behind `conn` (named `path` in errors) up to the last of `steps`: refuses a
/// newer one untouched, does nothing to a current one, and applies the missing steps to an
/// older one in one transaction with its new version.
pub fn upgrade(conn: &mut Connection, path: &Path, steps: &[Step]) -> Result<(), SchemaError> {
    let known = latest(steps);
    let failed = |from: i64, source| SchemaError::Sql {
        path: path.to_path_buf(),
        from,
        to: known,
        source,
    };
    // Read before any transaction: a newer file gets no lock and no write.
    let found = version(conn).map_err(|e| failed(0, e))?;
    if found > known {
        return Err(SchemaError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    if found == known {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| failed(found, e))?;
    // Another process may have upgraded it in between.
    let found = version(&tx).map_err(|e| failed(found, e))?;
    if found > known {
        return Err(SchemaError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    let done = usize::try_from(found).unwrap_or(0);
    for step in steps.iter().skip(done) {
        match step {
            Step::Sql(sql) => tx.execute_batch(sql),
            Step::Code(run) => run(&tx),
        }
        .map_err(|e| failed(found, e))?;
    }
    tx.pragma_update(None, "user_version", known)
        .map_err(|e| failed(found, e))?;
    tx.commit().map_err(|e| failed(found, e))
}

/// Adds `column` (with its SQL type and constraints, `definition`) to `table` unless it is there
/// already: a file from before versions may have been made by code that added it.
pub fn add_column(
    tx: &Transaction<'_>,
    table: &str,
    column: &str,
    definition: &str,
) -> rusqlite::Result<()> {
    let there = tx
        .prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2")?
        .exists([table, column])?;
    if !there {
        tx.execute_batch(&format!(
            "ALTER TABLE {table} ADD COLUMN {column} {definition}"
        ))?;
    }
    Ok(())
}

/// For the tests of each database: a file from a newer idbooth.
#[cfg(test)]
pub(crate) mod newer {
    use super::*;

    /// Marks the SQLite file at `path` as written by a newer idbooth (one step past `steps`).
    /// Returns that version and the file's bytes as they are now.
    pub(crate) fn mark(path: &Path, steps: &[Step]) -> (i64, Vec<u8>) {
        let newer = latest(steps) + 1;
        Connection::open(path)
            .expect("sqlite")
            .pragma_update(None, "user_version", newer)
            .expect("newer");
        (newer, std::fs::read(path).expect("read"))
    }

    /// Asserts the refusal of a file [`mark`]ed `newer`: `schema` is `TooNew` with both
    /// versions, the error's `text` names the file and both versions, and the file is as it was.
    pub(crate) fn assert_refused(
        schema: &SchemaError,
        text: &str,
        path: &Path,
        steps: &[Step],
        (newer, before): &(i64, Vec<u8>),
    ) {
        let known = latest(steps);
        assert!(
            matches!(schema, SchemaError::TooNew { found, known: k, .. }
                if found == newer && *k == known),
            "{text}"
        );
        for part in [
            path.display().to_string(),
            format!("version {newer}"),
            format!("version {known}"),
        ] {
            assert!(text.contains(&part), "{part:?} not in {text:?}");
        }
        assert_eq!(&std::fs::read(path).expect("read"), before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_note(tx: &Transaction<'_>) -> rusqlite::Result<()> {
        add_column(tx, "t", "note", "TEXT")
    }

    const STEPS: [Step; 2] = [
        Step::Sql("CREATE TABLE IF NOT EXISTS t (a INTEGER NOT NULL);"),
        Step::Code(with_note),
    ];

    fn columns(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM pragma_table_info('t') ORDER BY cid")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("columns")
    }

    #[test]
    fn a_new_file_gets_every_step_and_the_last_version() {
        let mut conn = Connection::open_in_memory().expect("sqlite");
        upgrade(&mut conn, Path::new("new.sqlite"), &STEPS).expect("upgrade");
        assert_eq!(version(&conn).expect("version"), 2);
        assert_eq!(columns(&conn), ["a", "note"]);
        // Again: nothing to do, nothing changes.
        upgrade(&mut conn, Path::new("new.sqlite"), &STEPS).expect("again");
        assert_eq!(columns(&conn), ["a", "note"]);
    }

    #[test]
    fn an_unversioned_file_that_has_a_later_column_already_is_taken_as_it_is() {
        let mut conn = Connection::open_in_memory().expect("sqlite");
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER NOT NULL, note TEXT); INSERT INTO t VALUES (7, 'kept');",
        )
        .expect("old file");
        upgrade(&mut conn, Path::new("old.sqlite"), &STEPS).expect("upgrade");
        assert_eq!(version(&conn).expect("version"), 2);
        let row: (i64, String) = conn
            .query_row("SELECT a, note FROM t", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("row");
        assert_eq!(row, (7, "kept".to_owned()));
    }

    #[test]
    fn a_failing_step_keeps_nothing_of_the_upgrade() {
        let mut conn = Connection::open_in_memory().expect("sqlite");
        let broken = [
            STEPS[0],
            STEPS[1],
            Step::Sql("CREATE TABLE u (x); NOT SQL;"),
        ];
        let error = upgrade(&mut conn, Path::new("b.sqlite"), &broken).expect_err("fails");
        assert!(
            matches!(error, SchemaError::Sql { from: 0, to: 3, .. }),
            "{error}"
        );
        assert_eq!(version(&conn).expect("version"), 0);
        assert!(columns(&conn).is_empty(), "step 1 was rolled back too");
    }

    #[test]
    fn a_newer_file_is_refused_with_its_name_and_both_versions() {
        let mut conn = Connection::open_in_memory().expect("sqlite");
        conn.execute_batch("PRAGMA user_version = 5")
            .expect("newer");
        let error = upgrade(&mut conn, Path::new("/data/x.sqlite"), &STEPS).expect_err("newer");
        assert!(matches!(
            error,
            SchemaError::TooNew {
                found: 5,
                known: 2,
                ..
            }
        ));
        let text = error.to_string();
        for part in ["/data/x.sqlite", "version 5", "version 2"] {
            assert!(text.contains(part), "{text}");
        }
        assert!(columns(&conn).is_empty());
    }
}
