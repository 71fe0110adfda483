//! The `idbooth` binary: parse, run, print one line on error.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // Before any thread: the booth's memory stays flat over many applicants, and freed memory
    // is kept for the next photo (ops::allocator).
    idbooth::ops::allocator::configure();
    let cli = idbooth::cli::Cli::parse();
    // Logs go to the journal under systemd, else to stderr (see ops::journal); RUST_LOG
    // overrides the default level.
    let default = if cli.command.is_none() {
        "info"
    } else {
        "warn"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let under_journald = idbooth::ops::journal::stderr_is_journal();
    if under_journald {
        // Under systemd: each event to the journal's socket at its priority, its fields as
        // journal fields prefixed F_ (`journalctl -u idbooth -o verbose` shows F_WHAT=,
        // F_ERROR=, …; `journalctl F_WHY=…` selects), the module as TARGET=.
        if let Ok(journald) = tracing_journald::layer() {
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::util::SubscriberInitExt;
            tracing_subscriber::registry()
                .with(filter)
                .with(journald.with_syslog_identifier("idbooth".to_owned()))
                .init();
            return finish(idbooth::run(cli));
        }
    }
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if under_journald {
        // Under systemd: no colours, no time (the journal stamps lines), the priority in front.
        logs.with_ansi(false)
            .event_format(idbooth::ops::journal::Priority(
                tracing_subscriber::fmt::format().without_time(),
            ))
            .init();
    } else {
        // Colours only for a person at a terminal: a log file or a pipe gets plain text.
        use std::io::IsTerminal;
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }
    finish(idbooth::run(cli))
}

/// The exit status; an error printed as one line.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("idbooth: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// `idbooth … | head` closing the pipe early is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
