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
    let config = Config::load_layers(&dir)?;
    crate::vision::load_detector()?;
    crate::vision::mesh::nets()?;
    let secrets = DemoSecrets::of(&config.kiosk);
    if !secrets.none() {
        if deployed {
            bail!("{}: {secrets}", dir);
        }
        writeln!(
            std::io::stderr().lock(),
            "idbooth: warning: {}: {secrets}; the booth refuses to start with them (only --demo runs)",
            dir
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
        dir,
        config.kiosk.kiosk.id,
        config.documents.all().len(),
        config.documents.ids(),
        config.cities.all().len(),
        languages.join(", "),
    )?;
    sources(&config)?;
    Ok(ExitCode::SUCCESS)
}

/// Which file each file and each overridden value came from.
fn sources(config: &Config) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for (name, paths) in &config.sources.files {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let how = if paths.len() > 1 {
            " (merged key by key, later over earlier)"
        } else {
            ""
        };
        writeln!(out, "  {name}: {}{how}", list.join(", "))?;
    }
    for (key, path) in &config.sources.overrides {
        writeln!(out, "    {key}: {}", path.display())?;
    }
    if let Some(path) = &config.sources.token {
        writeln!(out, "  center.token: {}", path.display())?;
    }
    Ok(())
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
