//! The subcommands: the edge where the CLI meets the library. anyhow lives here.

mod center;
mod config;
mod kiosk;
mod outbox;

pub use kiosk::{DEMO_PORTRAIT, demo_parts, outbox_path, start_reference_center};
mod photo;
mod photo_print;
mod printer;
mod status;

use std::process::ExitCode;

use crate::cli::{
    Cli, Command, ConfigCommand, OutboxCommand, PhotoCommand, PrinterCommand, ReceiptCommand,
};

/// Runs the parsed command line. `Ok` carries the exit status of a command that ran (for
/// `photo`: 0 compliant, 1 not); `Err` is printed as one line by `main`, which exits 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let Some(command) = cli.command else {
        return kiosk::run(cli.config.as_deref(), cli.data.as_deref(), cli.demo);
    };
    match command {
        Command::Config(ConfigCommand::Check { deployed }) => {
            config::check(cli.config.as_deref(), deployed)
        }
        Command::Config(ConfigCommand::Pin) => config::pin(),
        Command::Center(args) => center::run(cli.config.as_deref(), &args),
        Command::Outbox(OutboxCommand::List { data, json }) => outbox::list(
            cli.config.as_deref(),
            data.as_deref().or(cli.data.as_deref()),
            json,
        ),
        Command::Status { data, json } => status::run(
            cli.config.as_deref(),
            data.as_deref().or(cli.data.as_deref()),
            json,
        ),
        Command::Outbox(OutboxCommand::Retry { data, wait }) => outbox::retry(
            cli.config.as_deref(),
            data.as_deref().or(cli.data.as_deref()),
            wait,
        ),
        Command::Photo(PhotoCommand::Check {
            image,
            document,
            json,
        }) => photo::check(cli.config.as_deref(), &image, &document, json),
        Command::Photo(PhotoCommand::Normalize {
            image,
            document,
            output,
            json,
        }) => photo::normalize(cli.config.as_deref(), &image, &document, &output, json),
        Command::Photo(PhotoCommand::Print {
            photo,
            document,
            printer,
            copies,
        }) => photo_print::run(
            cli.config.as_deref(),
            &photo,
            &document,
            printer.as_deref(),
            copies,
        ),
        Command::Receipt(ReceiptCommand::Render {
            sample,
            submission,
            format,
            output,
        }) => printer::render(
            cli.config.as_deref(),
            cli.data.as_deref(),
            submission.as_deref().filter(|_| !sample),
            format,
            &output,
        ),
        Command::Receipt(ReceiptCommand::Sheet {
            photo,
            document,
            copies,
            output,
        }) => printer::sheet(cli.config.as_deref(), &photo, &document, copies, &output),
        Command::Printer(PrinterCommand::Status { port }) => {
            printer::status(cli.config.as_deref(), port.as_deref())
        }
        Command::Printer(PrinterCommand::Test { port }) => {
            printer::test(cli.config.as_deref(), port.as_deref())
        }
    }
}
