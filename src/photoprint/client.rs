//! IPP over HTTP to one printer or CUPS queue: its status, a sheet sent as a PDF job, and
//! whether a job of a given name was taken already. Blocking (a small tokio runtime of its
//! own under reqwest): call it from a worker thread, never from the UI.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::error::PhotoPrintError;
use super::ipp::{self, Operation, Request, Response, Value};
use super::media::{Ask, MEDIA_ATTRIBUTES, MediaSupport, Paper, plan};
use super::status::PrinterStatus;
use super::target::Target;

/// What the booth asks a printer about itself.
const STATUS_ATTRIBUTES: &[&str] = &[
    "printer-state",
    "printer-state-reasons",
    "printer-is-accepting-jobs",
    "marker-names",
    "marker-levels",
    "marker-low-levels",
];

/// A job the printer took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The printer's job id.
    pub job: i32,
    /// Whether the job asked for no margins (else the printer's own margins apply).
    pub zero_margins: bool,
    /// What of the paper the printer could not be asked for ("zero margins",
    /// "media-source photo"), in a few words each.
    pub left_out: Vec<String>,
}

impl Printed {
    /// What was left out, in one line for an operator; `None` when nothing was.
    pub fn warning(&self) -> Option<String> {
        if self.left_out.is_empty() {
            return None;
        }
        let margins = if self.zero_margins {
            ""
        } else {
            ": the sheet is printed with the printer's margins, which may clip the photos"
        };
        Some(format!(
            "the printer does not take {}{margins}",
            self.left_out.join(", ")
        ))
    }
}

/// `server-error-busy`.
const SERVER_ERROR_BUSY: u16 = 0x0507;
/// `successful-ok-ignored-or-substituted-attributes`.
const SUCCESSFUL_OK_SUBSTITUTED: u16 = 0x0001;
/// `unsupported-attributes-tag`: what a printer did not take as asked.
const UNSUPPORTED_GROUP: u8 = 0x05;
/// How long a busy printer is waited for before the sheet stays queued.
pub const BUSY_WAIT: Duration = Duration::from_secs(20);

/// An IPP client for one printer.
#[derive(Debug)]
pub struct IppClient {
    target: Target,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    request_id: AtomicU32,
}

impl IppClient {
    /// A client for `target`; nothing is sent yet.
    pub fn new(target: Target) -> Result<Self, PhotoPrintError> {
        let unreachable = |why: String| PhotoPrintError::Unreachable {
            printer: target.label.clone(),
            why,
        };
        // ipps:// printers: rustls with ring, as the center's client has it.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| unreachable(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unreachable(format!("no runtime: {e}")))?;
        Ok(IppClient {
            target,
            http,
            runtime,
            request_id: AtomicU32::new(1),
        })
    }

    /// The printer this client talks to.
    pub fn target(&self) -> &Target {
        &self.target
    }

    fn request(&self, op: Operation) -> Request {
        let id = self.request_id.fetch_add(1, Ordering::Relaxed);
        Request::new(op, id, &self.target.printer_uri)
    }

    fn refused(&self, why: impl Into<String>) -> PhotoPrintError {
        PhotoPrintError::Refused {
            printer: self.target.label.clone(),
            why: why.into(),
        }
    }

    /// Posts `body` and reads the IPP answer. A connection that failed is `Unreachable`; an
    /// HTTP error or an answer that is not IPP is `Refused`.
    fn send(&self, body: Vec<u8>) -> Result<Response, PhotoPrintError> {
        let post = self
            .http
            .post(&self.target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/ipp")
            .body(body);
        let answer = self.runtime.block_on(async {
            let response = post.send().await?;
            let status = response.status();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, bytes))
        });
        let (status, bytes) = answer.map_err(|e| PhotoPrintError::Unreachable {
            printer: self.target.label.clone(),
            why: describe(&e),
        })?;
        if !status.is_success() {
            return Err(self.refused(format!("HTTP {status}")));
        }
        ipp::parse(&bytes).map_err(|e| self.refused(e.to_string()))
    }

    /// The printer's state, reasons and supplies.
    pub fn status(&self) -> Result<PrinterStatus, PhotoPrintError> {
        let asked: Vec<&str> = STATUS_ATTRIBUTES
            .iter()
            .chain(MEDIA_ATTRIBUTES)
            .copied()
            .collect();
        let request = self
            .request(Operation::GetPrinterAttributes)
            .keywords("requested-attributes", &asked)
            .finish(b"");
        let response = self.send(request)?;
        if !response.ok() {
            return Err(self.refused(status_words(&response)));
        }
        Ok(PrinterStatus::from_response(&response))
    }

    /// Sends `pdf` as one job named `job_name` on `paper`, asked for as the printer takes it
    /// (`support`, from its [`IppClient::status`]): without margins where it can. Returns the
    /// printer's job id once it took it, and what could not be asked for (logged as a warning).
    /// A printer still busy with the job before (`server-error-busy`, as a printer without a
    /// spooler of its own answers) is asked again for up to [`BUSY_WAIT`].
    pub fn print(
        &self,
        job_name: &str,
        pdf: &[u8],
        paper: &Paper,
        support: &MediaSupport,
    ) -> Result<Printed, PhotoPrintError> {
        let plan = plan(paper, support);
        let started = std::time::Instant::now();
        let response = loop {
            let request = self
                .request(Operation::PrintJob)
                .name("job-name", job_name)
                .mime("document-format", "application/pdf")
                .job_attributes();
            // One or the other, never both: `media-col` says all that `media` would.
            let request = match &plan.ask {
                Ask::Media(media) => request.keyword("media", media),
                Ask::MediaCol(col) => request.collection("media-col", col),
            };
            let request = request
                // The photos must come out at their print size: never scaled to fit a
                // printer's margins (IPP Everywhere's default `auto` may shrink them).
                .keyword("print-scaling", "none")
                .integer("copies", 1)
                .finish(pdf);
            let response = self.send(request)?;
            if response.status != SERVER_ERROR_BUSY || started.elapsed() >= BUSY_WAIT {
                break response;
            }
            std::thread::sleep(Duration::from_millis(250));
        };
        if !response.ok() {
            return Err(self.refused(status_words(&response)));
        }
        let id = response
            .get("job-id")
            .first()
            .and_then(Value::int)
            .ok_or_else(|| self.refused("the answer has no job-id"))?;
        if response.status == SUCCESSFUL_OK_SUBSTITUTED {
            // It printed, but not all as asked (a margin or tray it has not): say what.
            let unsupported: Vec<&str> = response
                .attributes
                .iter()
                .filter(|a| a.group == UNSUPPORTED_GROUP)
                .map(|a| a.name.as_str())
                .collect();
            tracing::warn!(
                printer = %self.target,
                job = id,
                ?unsupported,
                "photo printer: the job was taken with attributes ignored or substituted"
            );
        }
        let printed = Printed {
            job: id,
            zero_margins: plan.zero_margins,
            left_out: plan.left_out,
        };
        tracing::info!(
            printer = %self.target,
            job = id,
            zero_margins = printed.zero_margins,
            "photo printer: job accepted"
        );
        if let Some(warning) = printed.warning() {
            tracing::warn!(printer = %self.target, job = id, "photo printer: {warning}");
        }
        Ok(printed)
    }

    /// The id of a job named `job_name` the printer has (waiting, printing or done), if any:
    /// a sheet sent just before a crash is not sent again.
    pub fn find_job(&self, job_name: &str) -> Result<Option<i32>, PhotoPrintError> {
        let mut found = None;
        for which in ["not-completed", "completed"] {
            let request = self
                .request(Operation::GetJobs)
                .keyword("which-jobs", which)
                .boolean("my-jobs", false)
                .keywords("requested-attributes", &["job-id", "job-name"])
                .finish(b"");
            let response = self.send(request)?;
            if !response.ok() {
                return Err(self.refused(status_words(&response)));
            }
            found = response.groups(2).into_iter().find_map(|job| {
                let named = job.iter().any(|a| {
                    a.name == "job-name" && a.values.first().and_then(Value::text) == Some(job_name)
                });
                let id = job
                    .iter()
                    .find(|a| a.name == "job-id")
                    .and_then(|a| a.values.first())
                    .and_then(Value::int);
                if named { id } else { None }
            });
            if found.is_some() {
                break;
            }
        }
        Ok(found)
    }
}

/// The IPP status code in words, with the printer's message.
fn status_words(response: &Response) -> String {
    let name = match response.status {
        0x0400 => "client-error-bad-request",
        0x0401 => "client-error-forbidden",
        0x0402 => "client-error-not-authenticated",
        0x0403 => "client-error-not-authorized",
        0x0404 => "client-error-not-possible",
        0x0406 => "client-error-not-found",
        0x040A => "client-error-document-format-not-supported",
        0x040B => "client-error-attributes-or-values-not-supported",
        0x0500 => "server-error-internal-error",
        0x0501 => "server-error-operation-not-supported",
        0x0506 => "server-error-not-accepting-jobs",
        0x0507 => "server-error-busy",
        _ => "",
    };
    let message = response
        .get("status-message")
        .first()
        .and_then(Value::text)
        .unwrap_or("");
    format!("IPP status 0x{:04x} {name} {message}", response.status)
        .trim()
        .to_owned()
}

/// A transport error in a few words, its causes included ("connection refused").
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut words = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    let mut source = e.source();
    while let Some(cause) = source {
        if cause.source().is_none() {
            words.push_str(&format!(": {cause}"));
        }
        source = cause.source();
    }
    words
}
