//! The command line: parsing and validation only (stage one of the config, STYLE.md §11).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// idbooth: a self-service ID-photo booth for digital photo collection receipts (数字相片采集回执).
///
/// Without a subcommand it runs the kiosk.
#[derive(Debug, Parser)]
#[command(name = "idbooth", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Configuration folder [default: $IDBOOTH_CONFIG, else ./kiosk-config, else /etc/idbooth].
    #[arg(long, global = true, value_name = "DIR")]
    pub config: Option<PathBuf>,

    /// Run with the replay camera, the reference center in-process and a virtual printer.
    #[arg(long)]
    pub demo: bool,

    /// Data folder (outbox, receipts, event log) [default: from kiosk.toml, else systemd's
    /// $STATE_DIRECTORY, else $XDG_DATA_HOME/idbooth].
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// The subcommand; without one, the kiosk runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the reference detection center.
    Center(CenterArgs),
    /// Check or normalize a photo against a document's spec.
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// Render a receipt as ESC/POS bytes, PNG or PDF, or a photo sheet as PDF.
    #[command(subcommand)]
    Receipt(ReceiptCommand),
    /// Talk to the thermal printer.
    #[command(subcommand)]
    Printer(PrinterCommand),
    /// Check the configuration, or make an operator PIN hash.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Inspect or retry the submissions waiting for the center.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// The booth's heartbeat document: counters, device health, outbox, versions (no applicant
    /// data), as the booth sends it to the center.
    Status {
        /// Data folder [default: as for the kiosk].
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Print the JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// Review mode of the reference center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewMode {
    /// Photos that pass the checks are approved at once.
    Auto,
    /// Photos that pass wait for a reviewer: the web page `/ui/review`, or
    /// `POST /v1/review/{id}`.
    Manual,
}

/// `idbooth center`.
#[derive(Debug, Args)]
pub struct CenterArgs {
    /// Address to listen on; a non-loopback one needs --tls-cert/--tls-key (or --insecure-http).
    #[arg(long, default_value = "127.0.0.1:8410")]
    pub listen: SocketAddr,
    /// Folder for the center's database and photos (created if missing).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// File of accepted kiosk tokens [default: the token in kiosk-config].
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// Review mode.
    #[arg(long, value_enum, default_value_t = ReviewMode::Auto)]
    pub review: ReviewMode,
    /// TLS certificate (PEM); with --tls-key, serve HTTPS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy): without
    /// TLS the center listens on loopback only.
    #[arg(long, conflicts_with = "tls_cert")]
    pub insecure_http: bool,
    /// A booth whose last heartbeat is older than this many minutes is silent: highlighted on
    /// the fleet page and counted in /metrics.
    #[arg(long, value_name = "MIN", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10080))]
    pub silent_after_min: u64,
}

/// `idbooth photo …`.
#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// Measure a photo and check every rule of a document's spec. Exit 0 compliant, 1 not, 2 bad input.
    Check {
        /// The photo (JPEG, PNG or WebP; EXIF orientation honoured).
        image: PathBuf,
        /// Document id from documents.toml (passport, resident_id, …).
        #[arg(long)]
        document: String,
        /// Print the measures and rules as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Crop, resample and encode a capture to a document's spec. Exit 0 compliant, 1 best effort, 2 bad input.
    Normalize {
        /// The capture (JPEG, PNG or WebP; EXIF orientation honoured).
        image: PathBuf,
        /// Document id from documents.toml.
        #[arg(long)]
        document: String,
        /// Output JPEG.
        #[arg(short, long, value_name = "OUT.jpg")]
        output: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a 4×6 in sheet of a photo at the document's print size on the photo printer (a
    /// CUPS queue or an IPP printer). Exit 0 when the printer took the job, 2 when it cannot be
    /// reached, is not ready (stopped, out of paper) or the input is bad.
    Print {
        /// The photo as approved: a JPEG, embedded as it is.
        photo: PathBuf,
        /// Document id from documents.toml: its print_mm is the size on paper.
        #[arg(long)]
        document: String,
        /// A CUPS queue on this machine or an ipp:// (ipps://) printer URI [default:
        /// photo_printer.printer from kiosk.toml].
        #[arg(long, value_name = "QUEUE|ipp://…")]
        printer: Option<String>,
        /// Photos on the sheet [default: the document's copies for the photo printer, else as
        /// many as fit].
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        copies: Option<u32>,
    },
}

/// Output format of `receipt render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReceiptFormat {
    /// Raw ESC/POS bytes, as sent to the printer.
    Escpos,
    /// A preview of the printed paper at its dot width (384 or 576 px).
    Png,
    /// An A6 PDF receipt with the photo, the CJK font embedded.
    Pdf,
}

/// `idbooth receipt …`.
#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    /// Render a receipt.
    Render {
        /// A sample receipt with made-up data.
        #[arg(
            long,
            conflicts_with = "submission",
            required_unless_present = "submission"
        )]
        sample: bool,
        /// The receipt of this local submission id.
        #[arg(long, value_name = "ID")]
        submission: Option<String>,
        /// Output format.
        #[arg(long, value_enum)]
        format: ReceiptFormat,
        /// Output file.
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// Lay out copies of a photo at the document's print size on a 4×6 in (101.6×152.4 mm)
    /// sheet with cut marks, as a PDF.
    Sheet {
        /// The photo: a JPEG, as `photo normalize` wrote it, embedded as it is.
        photo: PathBuf,
        /// Document id from documents.toml: its print_mm is the size on paper.
        #[arg(long)]
        document: String,
        /// Copies [default: as many as fit].
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        copies: Option<u32>,
        /// Output PDF.
        #[arg(short, long, value_name = "OUT.pdf")]
        output: PathBuf,
    },
}

/// `idbooth printer …`.
#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Ask the printer for its real-time status (DLE EOT 1–4).
    Status {
        /// Serial port [default: printer.port from kiosk.toml].
        #[arg(long)]
        port: Option<String>,
    },
    /// Print a test receipt.
    Test {
        /// Serial port [default: printer.port from kiosk.toml].
        #[arg(long)]
        port: Option<String>,
    },
}

/// `idbooth config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and validate kiosk.toml, documents.toml, cities.toml, guidance.toml and receipts.toml. Exit 0 valid, 2 not.
    ///
    /// The demo's operator PIN or center token is a warning (the booth itself refuses to start
    /// with them); with --deployed it is an error.
    Check {
        /// Check a deployed booth's config: the demo's PIN or token fails the check (exit 2).
        #[arg(long)]
        deployed: bool,
    },
    /// Read an operator PIN (from the terminal, or one line of stdin) and print its argon2id hash.
    Pin,
}

/// `idbooth outbox …`.
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List submissions with their state (no applicant data).
    List {
        /// Data folder [default: as for the kiosk].
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send every undelivered submission now (refused ones too), and wait for the center's
    /// answers. Exit 0 when nothing is left undelivered, 1 when something is.
    Retry {
        /// Data folder [default: as for the kiosk].
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Longest wait for the answers, in seconds.
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn tls_flags_go_together() {
        let parsed =
            Cli::try_parse_from(["idbooth", "center", "--data", "d", "--tls-cert", "c.pem"]);
        assert!(parsed.is_err());
    }

    #[test]
    fn config_is_global() {
        let cli =
            Cli::try_parse_from(["idbooth", "config", "check", "--config", "x"]).expect("parse");
        assert_eq!(cli.config, Some(PathBuf::from("x")));
    }
}
