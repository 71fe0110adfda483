//! systemd credentials: a secret a unit passes with `LoadCredential=` is a file in
//! `$CREDENTIALS_DIRECTORY`, readable by the service alone and never written in its config. The
//! booth takes its center token from there (`center-token`), the center its token file
//! (`tokens`); outside systemd, kiosk.toml and `--tokens` stand in.

use std::path::{Path, PathBuf};

/// Environment variable systemd sets when the unit has credentials.
pub const CREDENTIALS_ENV: &str = "CREDENTIALS_DIRECTORY";

/// The credential holding this kiosk's bearer token for the center.
pub const CENTER_TOKEN: &str = "center-token";

/// The credential holding the center's token file (the format of `--tokens`).
pub const CENTER_TOKENS: &str = "tokens";

/// A credential that exists but cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The file is there but cannot be read.
    #[error("{}: cannot read the credential: {error}", path.display())]
    Read {
        /// The credential's file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is not text.
    #[error("{}: the credential is not UTF-8 text", path.display())]
    NotText {
        /// The credential's file.
        path: PathBuf,
    },
}

/// A credential's text, trimmed of surrounding white space (a file written by `echo` ends
/// with a newline), and the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Where it was read.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// The directory systemd passed, if any.
pub fn directory() -> Option<PathBuf> {
    std::env::var_os(CREDENTIALS_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The path the credential `name` would have in `$CREDENTIALS_DIRECTORY`, for messages.
pub fn display_path(name: &str) -> String {
    match directory() {
        Some(dir) => dir.join(name).display().to_string(),
        None => format!("${CREDENTIALS_ENV}/{name}"),
    }
}

/// The credential `name` from `$CREDENTIALS_DIRECTORY`; `None` when the variable is unset or the
/// file absent or empty.
pub fn read(name: &str) -> Result<Option<Credential>, CredentialError> {
    match directory() {
        Some(dir) => read_in(&dir, name),
        None => Ok(None),
    }
}

/// The credential `name` in `dir`; `None` when the file is absent or holds only white space.
pub fn read_in(dir: &Path, name: &str) -> Result<Option<Credential>, CredentialError> {
    let path = dir.join(name);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(CredentialError::Read { path, error }),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(CredentialError::NotText { path });
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credential {
        path,
        text: text.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_credential_trimmed() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(dir.path().join(CENTER_TOKEN), "kiosk-token-0123456789\n").expect("write");
        let got = read_in(dir.path(), CENTER_TOKEN)
            .expect("readable")
            .expect("present");
        assert_eq!(got.text, "kiosk-token-0123456789");
        assert_eq!(got.path, dir.path().join(CENTER_TOKEN));
    }

    #[test]
    fn absent_or_blank_is_none() {
        let dir = tempfile::tempdir().expect("temp");
        assert_eq!(read_in(dir.path(), CENTER_TOKEN).expect("no error"), None);
        std::fs::write(dir.path().join(CENTER_TOKEN), " \n").expect("write");
        assert_eq!(read_in(dir.path(), CENTER_TOKEN).expect("no error"), None);
    }

    #[test]
    fn unreadable_or_binary_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("temp");
        // A directory where the file should be: reading fails whoever runs the test.
        std::fs::create_dir(dir.path().join(CENTER_TOKEN)).expect("mkdir");
        let error = read_in(dir.path(), CENTER_TOKEN).expect_err("a directory");
        assert!(error.to_string().contains(CENTER_TOKEN), "{error}");
        std::fs::write(dir.path().join(CENTER_TOKENS), [0xff, 0xfe, 0x00]).expect("write");
        let error = read_in(dir.path(), CENTER_TOKENS).expect_err("not text");
        assert!(matches!(error, CredentialError::NotText { .. }), "{error}");
    }
}
