//! `idbooth config check|pin`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::ops::config::{Config, resolve_dir};
use crate::ops::demo_secrets::DemoSecrets;
use crate::ops::pin;

/// Loads and validates the config folder, and checks that the embedded face models load and
/// that every language has every text of the base; prints a one-line summary. The demo's PIN or token is a warning on stderr, or with `deployed`
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
    // A text missing in a language shows the base language's there: a warning while a
    // translation is under way, an error for a booth about to be deployed.
    let texts = crate::i18n::problems();
    if !texts.is_empty() {
        let list: Vec<String> = texts.iter().map(ToString::to_string).collect();
        if deployed {
            bail!("the booth's texts are incomplete: {}", list.join("; "));
        }
        let mut err = std::io::stderr().lock();
        for line in &list {
            writeln!(err, "idbooth: warning: {line}")?;
        }
    }
    let languages: Vec<&str> = crate::i18n::Language::all().map(|l| l.tag()).collect();
    let home = config
        .cities
        .get(&config.kiosk.kiosk.home_city)
        .map(|c| c.name.as_str())
        .unwrap_or("?");
    writeln!(
        std::io::stdout().lock(),
        "config ok: {} — kiosk {} in {home}, {} documents ({}), {} cities, languages {}; face model ok",
        dir.display(),
        config.kiosk.kiosk.id,
        config.documents.all().len(),
        config.documents.ids(),
        config.cities.all().len(),
        languages.join(", "),
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
