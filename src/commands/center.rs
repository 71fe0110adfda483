//! `idbooth center`: the reference detection center, until SIGINT or SIGTERM. Under systemd it
//! says `READY=1` once it listens, and feeds the unit's watchdog only while its own health route
//! answers.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::center::judge::Judge;
use crate::center::ledger::{Ledger, Review};
use crate::center::server::{CenterState, RunningCenter, TlsPem};
use crate::center::tokens::Tokens;
use crate::cli::{CenterArgs, ReviewMode};
use crate::ops::config::{Config, resolve_dir};
use crate::ops::credentials::{self, CENTER_TOKENS};
use crate::ops::demo_secrets::DEMO_TOKEN;
use crate::ops::watchdog::{Notifier, Watchdog, feed_while_answering};

/// Serves until asked to stop.
pub(super) fn run(config_dir: Option<&Path>, args: &CenterArgs) -> anyhow::Result<ExitCode> {
    // Names, ID numbers and photos cross the network: plain HTTP only on loopback (DESIGN.md).
    if args.tls_cert.is_none() && !args.insecure_http && !args.listen.ip().is_loopback() {
        bail!(
            "--listen {}: plain HTTP is for loopback only; give --tls-cert and --tls-key, or \
             --insecure-http behind a TLS proxy",
            args.listen
        );
    }
    let config = Config::load_layers(&resolve_dir(config_dir)?)?;
    // --tokens, else the unit's credential `tokens`, else this folder's own kiosk and token.
    let tokens = match (&args.tokens, credentials::read(CENTER_TOKENS)?) {
        (Some(path), _) => Tokens::load(path)?,
        (None, Some(credential)) => Tokens::load(&credential.path)?,
        (None, None) => Tokens::single_kiosk(&config.kiosk.kiosk.id, &config.kiosk.center.token),
    };
    // The demo's kiosk token is in the README: beyond loopback anyone could upload with it.
    if !args.listen.ip().is_loopback() && tokens.caller(DEMO_TOKEN).is_some() {
        bail!(
            "--listen {}: the center would accept the demo's published kiosk token; give each \
             kiosk its own token (--tokens FILE, or [center] token in kiosk.toml)",
            args.listen
        );
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsPem {
            cert: std::fs::read(cert)
                .with_context(|| format!("--tls-cert {}: cannot read", cert.display()))?,
            key: std::fs::read(key)
                .with_context(|| format!("--tls-key {}: cannot read", key.display()))?,
        }),
        _ => None,
    };
    let review = match args.review {
        ReviewMode::Auto => Review::Auto,
        ReviewMode::Manual => Review::Manual,
    };
    if review == Review::Manual && !tokens.has_staff() {
        tracing::warn!("manual review without [staff] tokens: nobody can review");
    }
    let ledger = Ledger::open(&args.data, config.documents.clone())?;
    let state = CenterState::new(
        ledger,
        Judge::new(config.documents.clone(), config.thresholds),
        tokens,
        config.cities.clone(),
        review,
    )
    .with_silent_after(std::time::Duration::from_secs(args.silent_after_min * 60))
    .with_secure_cookies(tls.is_some() || args.insecure_http);
    let listener = std::net::TcpListener::bind(args.listen)
        .with_context(|| format!("--listen {}: cannot listen", args.listen))?;
    let center = RunningCenter::start(listener, Arc::new(state), tls)?;
    // One line on stdout, for people and for scripts that listen on port 0.
    writeln!(std::io::stdout().lock(), "listening on {}", center.url())?;
    tracing::info!(url = %center.url(), "center: serving");
    let watchdog = Watchdog::from_env();
    watchdog.ready();
    Notifier::from_env().status(&format!("serving on {}", center.url()));
    let health = reqwest::Url::parse(&center.url())?.join("/v1/health")?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let feeding = tokio::spawn(feed_while_answering(watchdog, health));
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        feeding.abort();
        anyhow::Ok(())
    })?;
    tracing::info!("center: stopping");
    center.stop()?;
    Ok(ExitCode::SUCCESS)
}
