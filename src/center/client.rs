//! The kiosk's HTTP client for the detection center (reqwest on tokio, rustls with ring): one
//! call per request, each classified as an answer, a failure worth retrying (with the center's
//! `Retry-After` when it gave one), or a refusal that retrying cannot fix.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, RETRY_AFTER};

use super::CenterConfig;
use super::api::{
    ErrorBody, Heartbeat, Parcel, Status, Submission, is_receipt_no, is_submission_id,
};
use crate::i18n::Language;

/// The longest `Retry-After` honoured; a center asking for more is asked again sooner.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Why a request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again: no connection, a timeout, a 5xx, a 429, an answer that does not parse.
    #[error("{why}")]
    Retry {
        /// What happened.
        why: String,
        /// The center's `Retry-After`, when it sent one.
        after: Option<Duration>,
    },
    /// The center refused the request itself (400, 401, 403, 413, 415, 422): sending it again
    /// unchanged will not help; an operator must look.
    #[error("center refused it ({status}): {message}")]
    Refused {
        /// HTTP status (0: refused here, before sending).
        status: u16,
        /// What was refused, safe to log: the center's error code, or our own words.
        message: String,
        /// The center's own words. They may quote the applicant (another center than ours
        /// might), so they are never logged: the outbox keeps them with the submission, for the
        /// operator, and wipes them with it.
        words: String,
    },
    /// The center does not know this submission (404 on a poll): send it again.
    #[error("the center does not know this submission")]
    Unknown,
}

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The extra CA file.
    #[error("center.ca_file {path}: {message}")]
    CaFile {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// reqwest refused the settings.
    #[error("center client: {0}")]
    Build(String),
    /// The URL.
    #[error("center.url: {0}")]
    Url(String),
}

/// The center's client.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: reqwest::Url,
    token: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `[center]`: its URL, token and timeouts; with `ca_file`, only that CA is
    /// trusted (a booth talks to one center); without it, the system's roots.
    pub fn new(config: &CenterConfig) -> Result<Client, ClientError> {
        // reqwest is built without a default crypto provider: ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = reqwest::Url::parse(&config.url).map_err(|e| ClientError::Url(e.to_string()))?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
            .timeout(Duration::from_millis(config.request_timeout_ms))
            .user_agent(concat!("idbooth/", env!("CARGO_PKG_VERSION")))
            .https_only(base.scheme() == "https")
            // The reference center closes a connection idle for 10 s; dropping it first keeps a
            // request from racing that close.
            .pool_idle_timeout(Duration::from_secs(5))
            .no_proxy();
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|e| ClientError::CaFile {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ClientError::CaFile {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            if certs.is_empty() {
                return Err(ClientError::CaFile {
                    path: path.clone(),
                    message: "no PEM certificate in it".to_owned(),
                });
            }
            builder = builder.tls_certs_only(certs);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Build(e.to_string()))?;
        Ok(Client {
            http,
            base,
            token: config.token.clone(),
        })
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, SendError> {
        self.base.join(path).map_err(|e| SendError::Refused {
            status: 0,
            message: format!("bad URL: {e}"),
            words: String::new(),
        })
    }

    /// Sends a submission with its `Idempotency-Key`.
    pub async fn submit(&self, parcel: &Parcel) -> Result<Submission, SendError> {
        let meta = serde_json::to_string(&parcel.meta).map_err(|e| SendError::Refused {
            status: 0,
            message: format!("meta: {e}"),
            words: String::new(),
        })?;
        let photo = reqwest::multipart::Part::bytes(parcel.photo.clone())
            .file_name("photo.jpg")
            .mime_str("image/jpeg")
            .map_err(|e| SendError::Refused {
                status: 0,
                message: e.to_string(),
                words: String::new(),
            })?;
        let meta = reqwest::multipart::Part::text(meta)
            .mime_str("application/json")
            .map_err(|e| SendError::Refused {
                status: 0,
                message: e.to_string(),
                words: String::new(),
            })?;
        let form = reqwest::multipart::Form::new()
            .part("meta", meta)
            .part("photo", photo);
        let response = self
            .http
            .post(self.url("v1/submissions")?)
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .header("Idempotency-Key", &parcel.id)
            .multipart(form)
            .send()
            .await
            .map_err(transport)?;
        match answer(response, &parcel.id).await {
            // An upload is never "unknown": a 404 to it is a wrong URL or path prefix, or a proxy
            // in the way. Sending again at once would only loop.
            Err(SendError::Unknown) => Err(SendError::Retry {
                why:
                    "404: the center has no such endpoint (a wrong URL or path prefix, or a proxy)"
                        .to_owned(),
                after: None,
            }),
            other => other,
        }
    }

    /// Asks where a submission stands.
    pub async fn fetch(&self, id: &str) -> Result<Submission, SendError> {
        if !is_submission_id(id) {
            return Err(SendError::Refused {
                status: 0,
                message: format!("{id:?} is not a submission id"),
                words: String::new(),
            });
        }
        let response = self
            .http
            .get(self.url(&format!("v1/submissions/{id}"))?)
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .send()
            .await
            .map_err(transport)?;
        answer(response, id).await
    }

    /// Sends the booth's heartbeat; the center keeps the latest one.
    pub async fn heartbeat(&self, beat: &Heartbeat) -> Result<(), SendError> {
        let response = self
            .http
            .post(self.url("v1/heartbeat")?)
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .json(beat)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let code = read_limited(response, 64 * 1024)
            .await
            .ok()
            .and_then(|b| serde_json::from_slice::<ErrorBody>(&b).ok())
            .map(|e| plain_code(&e.error.code))
            .unwrap_or_default();
        let message = format!("heartbeat: {status} {code}");
        // A center that does not collect heartbeats is still a center that answers.
        if status == StatusCode::NOT_FOUND {
            return Err(SendError::Unknown);
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Err(SendError::Retry {
                why: message,
                after: None,
            })
        } else {
            Err(SendError::Refused {
                status: status.as_u16(),
                message,
                words: String::new(),
            })
        }
    }

    /// Whether the center is reachable and takes this kiosk's token, and how long it took: asks
    /// for a submission that cannot exist (404 = token fine, 401 = not).
    pub async fn probe(&self) -> Result<Duration, SendError> {
        let started = std::time::Instant::now();
        match self.fetch("idbooth-probe").await {
            Ok(_) | Err(SendError::Unknown) => Ok(started.elapsed()),
            Err(e) => Err(e),
        }
    }
}

fn transport(error: reqwest::Error) -> SendError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    // The source chain says why (refused, certificate unknown, …).
    let mut why = format!("{kind}: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        why.push_str(&format!(": {s}"));
        source = s.source();
    }
    SendError::Retry { why, after: None }
}

/// `Retry-After` as seconds or an HTTP date, capped.
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

async fn answer(response: reqwest::Response, id: &str) -> Result<Submission, SendError> {
    let status = response.status();
    let after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, chrono::Utc::now()));
    // Answers are small; a huge or endless body is not one.
    let body = read_limited(response, 64 * 1024).await;
    if status.is_success() {
        let body = body?;
        let mut submission: Submission =
            serde_json::from_slice(&body).map_err(|e| SendError::Retry {
                why: format!("the center's answer ({status}) is not a submission: {e}"),
                after,
            })?;
        let approved_without_number = submission.status == Status::Approved
            && !submission.receipt_no.as_deref().is_some_and(is_receipt_no);
        if submission.id != id || approved_without_number {
            return Err(SendError::Retry {
                why: format!("the center's answer ({status}) does not fit this submission"),
                after,
            });
        }
        // The booth names a reason in its own words; a center's words for it may quote the
        // applicant (another center than ours might), so the answer keeps, logs and stores
        // only the booth's words for each reason code.
        for reason in &mut submission.reasons {
            reason.message = reason.code.message(Language::ZH_CN).to_owned();
        }
        return Ok(submission);
    }
    // What is logged is the status and the center's error code; its words only go with a
    // refusal into the outbox (see `SendError::Refused`).
    let error = body
        .ok()
        .and_then(|b| serde_json::from_slice::<ErrorBody>(&b).ok())
        .map(|e| e.error);
    let code = error.as_ref().map(|e| plain_code(&e.code));
    let message = match code.as_deref() {
        Some(code) if !code.is_empty() => format!("{status}: {code}"),
        _ => status.to_string(),
    };
    match status {
        StatusCode::NOT_FOUND => Err(SendError::Unknown),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => Err(SendError::Retry {
            why: message,
            after,
        }),
        s if s.is_server_error() => Err(SendError::Retry {
            why: message,
            after,
        }),
        s => Err(SendError::Refused {
            status: s.as_u16(),
            message: code
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| s.canonical_reason().unwrap_or("refused").to_owned()),
            words: error.map(|e| e.message).unwrap_or_default(),
        }),
    }
}

/// An error code as the API defines them (snake_case), whatever the center sent: letters,
/// digits and `_`, at most 48 of them.
fn plain_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(48)
        .collect()
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, SendError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            return Err(SendError::Retry {
                why: format!("the center's answer is over {limit} bytes"),
                after: None,
            });
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date_and_is_capped() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Wed, 25 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after("Wed, 25 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("86400", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after("soon", now), None);
    }
}
