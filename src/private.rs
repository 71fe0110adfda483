//! Files that hold applicants' data (names, ID numbers, photos) are their owner's alone: folders
//! 0700 and SQLite databases 0600, whoever starts the process and whatever its umask (a systemd
//! unit sets `UMask=0077`; a center or a booth started by hand has the shell's 0022).

use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Makes `dir` and its missing parents owner-only (0700). A folder that exists is left as it is:
/// it may be one the operator chose (`--data .`); the files in it are guarded one by one.
pub fn folder(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Creates the database file `path` owner-only before SQLite opens it (SQLite gives its `-wal`
/// and `-shm` files the database file's mode); an existing one is tightened to 0600.
pub fn database(path: &Path) -> io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    tighten(path, 0o600)
}

/// Writes `bytes` to `path`, owner-only (0600), and syncs it to the disk: a print job holds a
/// masked name or a photo, and must be whole on the disk before it counts as queued.
pub fn file_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Sets `path`'s mode to `mode` unless it already has no more than that.
fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    let now = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if now & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn new_and_existing_folders_and_databases_are_the_owners_alone() {
        let root = tempfile::tempdir().expect("temp");
        let new = root.path().join("a/b");
        folder(&new).expect("folder");
        assert_eq!(mode(&new), 0o700);
        let open = root.path().join("open");
        std::fs::create_dir(&open).expect("dir");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        folder(&open).expect("folder");
        assert_eq!(
            mode(&open),
            0o755,
            "a folder that was there is the operator's choice"
        );
        let db = open.join("x.sqlite");
        database(&db).expect("database");
        assert_eq!(mode(&db), 0o600);
        std::fs::write(&db, b"data").expect("write");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        database(&db).expect("database");
        assert_eq!(mode(&db), 0o600);
        assert_eq!(
            std::fs::read(&db).expect("read"),
            b"data",
            "never truncated"
        );
    }
}
