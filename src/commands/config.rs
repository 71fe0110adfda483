//! `idbooth config check|pin`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::ops::config::{Config, resolve_dir};
use crate::ops::demo_secrets::DemoSecrets;
use crate::ops::pin;

/// Loads and validates the config folder, and checks that the embedded face models load;
/// prints a one-line summary. The demo's PIN or token is a warning on stderr, or with `deployed`
/// the error.
pub(super) fn check(flag: Option<&Path>, deployed: bool) -> anyhow::Result<ExitCode> {
    let dir = resolve_dir(flag)?;
    let config = Config::load(&dir)?;
    crate::vision::load_detector()?;
    crate::vision::mesh::nets()?;
    let secrets = DemoSecrets::of(&config.kiosk);
    if !secrets.none() {
        if deployed {
            bail!("{}: {secrets}", dir.display());
        }
        writeln!(
            std::io::stderr().lock(),
            "idbooth: warning: {}: {secrets}; the booth refuses to start with them (only --demo runs)",
            dir.display()
        )?;
    }
    let home = config
        .cities
        .get(&config.kiosk.kiosk.home_city)
        .map(|c| c.name.as_str())
        .unwrap_or("?");
    writeln!(
        std::io::stdout().lock(),
        "config ok: {} — kiosk {} in {home}, {} documents ({}), {} cities; face model ok",
        dir.display(),
        config.kiosk.kiosk.id,
        config.documents.all().len(),
        config.documents.ids(),
        config.cities.all().len(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a PIN and prints its argon2id hash for `[operator] pin_hash`.
pub(super) fn pin() -> anyhow::Result<ExitCode> {
    let pin = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New operator PIN: ").context("reading the PIN")?;
        let again = rpassword::prompt_password("Same PIN again: ").context("reading the PIN")?;
        if first != again {
            bail!("the two PINs differ; nothing was hashed");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the PIN from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let hash = pin::hash_pin(&pin)?;
    writeln!(std::io::stdout().lock(), "{hash}")?;
    Ok(ExitCode::SUCCESS)
}
