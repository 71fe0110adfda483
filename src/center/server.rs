//! The reference detection center over HTTP (axum): DESIGN.md's API v1. Every endpoint but
//! `/v1/health` checks the bearer token before it reads a body; photos are judged off the async
//! threads, a few at a time and the oldest capture first (`admission`); when too many wait, the
//! youngest is answered 503 with `Retry-After`. Booths send heartbeats (`fleet`); staff read
//! `/metrics` (`metrics`) and use the web pages under `/ui` (`web`, `fleet`) with a session.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};

mod fleet;
mod html;
mod metrics;
mod session;
mod web;

use super::admission::{Admission, Busy};
use super::api::{ErrorBody, ErrorDetail, Health, Meta, ReviewDecision, is_submission_id};
use super::gate::{Doors, Gate};
use super::judge::Judge;
use super::ledger::{DecideError, Ledger, Review};
use super::tokens::{Caller, Tokens};
use crate::applicant::{Applicant, ApplicantError, IdNumberError, NameError};
use crate::spec::Cities;

/// Largest request body: a photo of at most [`MAX_PHOTO_BYTES`] and its meta.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Largest photo accepted (no spec allows more than a few hundred KB).
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// Largest `meta` part.
pub const MAX_META_BYTES: usize = 16 * 1024;
/// Longest kiosk id.
pub const MAX_KIOSK_ID: usize = 64;

/// Everything the server works with.
pub struct CenterState {
    ledger: Ledger,
    judge: Judge,
    tokens: Tokens,
    cities: Cities,
    review: Review,
    admission: Arc<Admission>,
    /// Mean time to judge one photo, in µs (a moving average), for `Retry-After`.
    judge_us: AtomicU64,
    doors: Doors,
    /// How long each photo took to judge, for `/metrics`.
    judge_times: metrics::JudgeTimes,
    /// Reviewers logged in to the web pages.
    sessions: session::Sessions,
    /// A booth without a heartbeat for longer than this is silent.
    silent_after: Duration,
    /// Session cookies are marked `Secure` (the center is reached over TLS).
    secure_cookies: bool,
}

impl CenterState {
    /// A center over this book, judge and tokens. One photo per core is judged at once, the
    /// oldest capture first. When four per core already wait, the youngest is answered 503 with
    /// a `Retry-After` from the center's own pace, rather than kept waiting into its kiosk's
    /// timeout (after which the kiosk sends it all again).
    pub fn new(
        ledger: Ledger,
        judge: Judge,
        tokens: Tokens,
        cities: Cities,
        review: Review,
    ) -> CenterState {
        let judges = std::thread::available_parallelism().map_or(2, |n| n.get());
        CenterState {
            ledger,
            judge,
            tokens,
            cities,
            review,
            admission: Admission::new(judges, judges * 4),
            judge_us: AtomicU64::new(200_000),
            doors: Doors::default(),
            judge_times: metrics::JudgeTimes::default(),
            sessions: session::Sessions::default(),
            silent_after: Duration::from_secs(10 * 60),
            secure_cookies: false,
        }
    }

    /// Changes after how long without a heartbeat a booth is silent (default 10 minutes).
    pub fn with_silent_after(mut self, silent_after: Duration) -> Self {
        self.silent_after = silent_after;
        self
    }

    /// Marks the web pages' session cookie `Secure`: for a center reached over HTTPS (its own
    /// TLS, or a TLS proxy in front).
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// Changes how many connections the center holds and how long they may idle.
    pub fn with_doors(mut self, doors: Doors) -> Self {
        self.doors = doors;
        self
    }

    /// Changes how many photos may wait for judging before the center answers 503.
    pub fn with_max_waiting(mut self, max_waiting: usize) -> Self {
        self.admission = Admission::new(self.admission.judges(), max_waiting);
        self
    }

    /// The book (for tests and tools on the same process).
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}

/// An error answer: status, stable code, words.
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

fn fail(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
        retry_after: None,
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl Failure {
    /// The same answer with `Retry-After: seconds`.
    fn retry_in(mut self, seconds: u64) -> Failure {
        self.retry_after = Some(seconds);
        self
    }
}

/// How long a kiosk waits after a 500 or a 503 of the center's own making: a pause, rather than
/// every kiosk at once, all together.
const COME_BACK_S: u64 = 5;

fn internal(error: impl std::fmt::Display) -> Failure {
    tracing::error!(%error, "center: internal error");
    fail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the center failed; try again",
    )
    .retry_in(COME_BACK_S)
}

/// The API's routes over `state`.
pub fn router(state: Arc<CenterState>) -> Router {
    let guarded = Router::new()
        .route("/v1/submissions", post(submit))
        .route("/v1/submissions/{id}", get(fetch))
        .route("/v1/review/pending", get(pending))
        .route("/v1/review/{id}", post(review))
        .route("/v1/heartbeat", post(fleet::heartbeat))
        .route("/metrics", get(metrics::metrics))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authorize,
        ));
    // The web pages check their own session (a cookie, not a bearer token).
    let pages = Router::new()
        .route("/ui", get(web::home))
        .route("/ui/", get(web::home))
        .route("/ui/login", get(web::login_page).post(web::login))
        .route("/ui/logout", post(web::logout))
        .route("/ui/review", get(web::review_page))
        .route("/ui/review/{id}", post(web::decide))
        .route("/ui/photo/{id}", get(web::photo))
        .route("/ui/lookup", get(web::lookup))
        .route("/ui/fleet", get(fleet::page_of_fleet));
    Router::new()
        .route("/v1/health", get(health))
        .merge(guarded)
        .merge(pages)
        .fallback(|| async { fail(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            fail(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The center is up and its book can be read (a center whose database is gone answers 503).
async fn health(State(state): State<Arc<CenterState>>) -> Result<Json<Health>, Failure> {
    let book = Arc::clone(&state);
    blocking(move || book.ledger.ping())
        .await?
        .map_err(|error| {
            tracing::error!(%error, "center: health: the book cannot be read");
            fail(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the center cannot read its book",
            )
            .retry_in(COME_BACK_S)
        })?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        review: match state.review {
            Review::Auto => "auto",
            Review::Manual => "manual",
        }
        .to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}

/// Checks the bearer token before anything reads the body.
async fn authorize(
    State(state): State<Arc<CenterState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim_start().split_once(' '))
        // The scheme's name is case-insensitive (RFC 9110, 11.1).
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token);
    let Some(token) = token else {
        return fail(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <token>",
        )
        .into_response();
    };
    let Some(caller) = state.tokens.caller(token.trim()).cloned() else {
        return fail(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this token is not accepted",
        )
        .into_response();
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work).await.map_err(internal)
}

async fn submit(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let Caller::Kiosk(kiosk) = caller else {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only kiosks submit photos",
        ));
    };
    let id = headers
        .get("idempotency-key")
        .ok_or_else(|| {
            fail(
                StatusCode::BAD_REQUEST,
                "missing_idempotency_key",
                "send Idempotency-Key: <the local submission id>",
            )
        })?
        // A key that is there but not ASCII is a bad id, not a missing one.
        .to_str()
        .unwrap_or_default()
        .to_owned();
    if !is_submission_id(&id) {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "bad_id",
            "Idempotency-Key must be 1 to 64 of A-Z a-z 0-9 - _",
        ));
    }
    // An announced body over the limit is refused before any of it is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request is over {MAX_BODY_BYTES} bytes"),
        ));
    }
    let mut multipart = multipart.map_err(|e| {
        fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("expected multipart/form-data: {}", e.body_text()),
        )
    })?;
    // A body that stops coming (a cut cable, a slow sender on purpose) does not hold its
    // connection for ever.
    let (meta, photo) = tokio::time::timeout(state.doors.body, read_parts(&mut multipart))
        .await
        .map_err(|_| {
            fail(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!(
                    "the request body did not arrive within {} s",
                    state.doors.body.as_secs()
                ),
            )
        })??;

    // A repeat gets the first answer, before any judging.
    let ledger_state = Arc::clone(&state);
    let first_id = id.clone();
    if let Some((owner, first)) = blocking(move || ledger_state.ledger.find(&first_id))
        .await?
        .map_err(internal)?
    {
        if owner != kiosk {
            return Err(fail(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this submission id belongs to another kiosk",
            ));
        }
        // The same key with another body is a kiosk's bug (or a reused id), not a repeat.
        let sent_state = Arc::clone(&state);
        let sent_id = id.clone();
        let sent = blocking(move || sent_state.ledger.sent(&sent_id))
            .await?
            .map_err(internal)?;
        // What is judged and recorded must match: the photo, the document, the city and the
        // applicant as checked (the capture time and the kiosk's measures may be stamped anew).
        let same = sent.is_some_and(|(first_meta, first_photo)| {
            let key = |m: &Meta| {
                let m = applicant_of(&state, m).map_or_else(|_| m.clone(), |a| as_checked(m, &a));
                (
                    m.document,
                    m.city_code,
                    m.applicant.name,
                    m.applicant.id_number,
                )
            };
            first_photo == photo && key(&first_meta) == key(&meta)
        });
        if !same {
            return Err(fail(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was sent before with another photo or meta",
            ));
        }
        return Ok((StatusCode::OK, Json(first)).into_response());
    }
    // Stored as checked: the ID number and name as the office reads them, not as typed.
    let meta = check_meta(&state, &kiosk, &meta)?;

    // check_meta has made sure it parses.
    let captured_ms = chrono::DateTime::parse_from_rfc3339(&meta.captured_at)
        .map_or(i64::MAX, |t| t.timestamp_millis());
    // The kiosk's clock is believed only so far (see `admission`).
    let age = state
        .admission
        .age(&id, captured_ms, chrono::Utc::now().timestamp_millis());
    let permit = match state.admission.enter(age).await {
        Ok(permit) => permit,
        Err(Busy { waiting }) => {
            // Come back when the photos ahead should have been judged.
            let mean = Duration::from_micros(state.judge_us.load(Ordering::Relaxed));
            let ahead = waiting / state.admission.judges();
            let clear = mean * u32::try_from(ahead).unwrap_or(u32::MAX);
            return Err(fail(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "too many photos waiting to be checked; try again shortly",
            )
            .retry_in(clear.as_secs().clamp(1, 60)));
        }
    };
    let judge_state = Arc::clone(&state);
    let (document, jpeg) = (meta.document.clone(), photo);
    let started = std::time::Instant::now();
    let (reasons, jpeg) = blocking(move || {
        let reasons = judge_state.judge.reasons(&document, &jpeg);
        (reasons, jpeg)
    })
    .await?;
    drop(permit);
    state.judge_times.observe(started.elapsed());
    let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let mean = state.judge_us.load(Ordering::Relaxed);
    state
        .judge_us
        .store((mean * 7 + took) / 8, Ordering::Relaxed);

    let record_state = Arc::clone(&state);
    let now = chrono::Local::now().fixed_offset();
    let (owner, answer, new) = blocking(move || {
        record_state
            .ledger
            .record(&id, &meta, &jpeg, &reasons, record_state.review, now)
    })
    .await?
    .map_err(internal)?;
    if owner != kiosk {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this submission id belongs to another kiosk",
        ));
    }
    if new {
        tracing::info!(status = ?answer.status, reasons = answer.reasons.len(), "center: submission recorded");
    }
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)).into_response())
}

async fn read_parts(multipart: &mut Multipart) -> Result<(Meta, Vec<u8>), Failure> {
    let mut meta = None;
    let mut photo = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(body_error(e.status(), &e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "meta" => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| body_error(e.status(), &e.body_text()))?;
                if bytes.len() > MAX_META_BYTES {
                    return Err(fail(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("meta is over {MAX_META_BYTES} bytes"),
                    ));
                }
                let parsed: Meta = serde_json::from_slice(&bytes).map_err(|e| {
                    // serde's own words may quote a value (a name, an ID number): not these.
                    let kind = match e.classify() {
                        serde_json::error::Category::Data => {
                            "a field is missing or of a wrong type"
                        }
                        serde_json::error::Category::Eof => "it ends early",
                        _ => "it is not JSON",
                    };
                    fail(
                        StatusCode::BAD_REQUEST,
                        "bad_meta",
                        format!(
                            "meta is not the expected JSON: {kind} (line {}, column {})",
                            e.line(),
                            e.column()
                        ),
                    )
                })?;
                meta = Some(parsed);
            }
            "photo" => {
                let content_type = field.content_type().unwrap_or_default().to_owned();
                if content_type != "image/jpeg" {
                    return Err(fail(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        format!("photo must be image/jpeg, not {content_type:?}"),
                    ));
                }
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| body_error(e.status(), &e.body_text()))?;
                if bytes.len() > MAX_PHOTO_BYTES {
                    return Err(fail(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("photo is over {MAX_PHOTO_BYTES} bytes"),
                    ));
                }
                if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
                    return Err(fail(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "photo is not a JPEG (no SOI marker)",
                    ));
                }
                photo = Some(bytes.to_vec());
            }
            other => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    "unknown_part",
                    format!(
                        "unknown part {:?}: send meta and photo",
                        other.chars().take(32).collect::<String>()
                    ),
                ));
            }
        }
    }
    match (meta, photo) {
        (Some(meta), Some(photo)) => Ok((meta, photo)),
        (None, _) => Err(fail(
            StatusCode::BAD_REQUEST,
            "missing_part",
            "no meta part",
        )),
        (_, None) => Err(fail(
            StatusCode::BAD_REQUEST,
            "missing_part",
            "no photo part",
        )),
    }
}

fn body_error(status: StatusCode, text: &str) -> Failure {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        fail(
            status,
            "payload_too_large",
            format!("the request is over {MAX_BODY_BYTES} bytes"),
        )
    } else {
        fail(StatusCode::BAD_REQUEST, "bad_body", text.to_owned())
    }
}

/// `meta` with the applicant's name and ID number as `applicant` has them checked (spaces gone,
/// `x` as `X`).
fn as_checked(meta: &Meta, applicant: &Applicant) -> Meta {
    let mut meta = meta.clone();
    meta.applicant.name = applicant.name.as_str().to_owned();
    meta.applicant.id_number = applicant.id_number.as_str().to_owned();
    meta
}

/// The applicant of `meta`, checked as of today.
fn applicant_of(state: &CenterState, meta: &Meta) -> Result<Applicant, ApplicantError> {
    Applicant::from_meta(
        &meta.applicant,
        &meta.city_code,
        &state.cities,
        chrono::Local::now().date_naive(),
    )
}

/// Checks `meta` from `kiosk` and returns it with the applicant's data as checked.
fn check_meta(state: &CenterState, kiosk: &str, meta: &Meta) -> Result<Meta, Failure> {
    let invalid = |message: String| fail(StatusCode::UNPROCESSABLE_ENTITY, "invalid_meta", message);
    if meta.kiosk_id.len() > MAX_KIOSK_ID {
        return Err(invalid(format!("kiosk_id is over {MAX_KIOSK_ID} bytes")));
    }
    if meta.kiosk_id != kiosk {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "meta.kiosk_id is not the kiosk of this token",
        ));
    }
    if state.judge.documents().get(&meta.document).is_none() {
        return Err(invalid(format!(
            "unknown document {:?}",
            meta.document.chars().take(32).collect::<String>()
        )));
    }
    if chrono::DateTime::parse_from_rfc3339(&meta.captured_at).is_err() {
        return Err(invalid("captured_at is not an RFC 3339 time".to_owned()));
    }
    let applicant =
        applicant_of(state, meta).map_err(|e| invalid(applicant_problem(&e).to_owned()))?;
    Ok(as_checked(meta, &applicant))
}

/// What is wrong with the applicant's data, in fixed words: the field and the kind of problem,
/// never the data itself (the kiosk logs this, keeps it as the submission's last error and shows
/// it to the operator). The applicant's own messages quote what they typed; these must not.
fn applicant_problem(error: &ApplicantError) -> &'static str {
    match error {
        ApplicantError::Name(e) => match e {
            NameError::Empty => "applicant.name is empty",
            NameError::TooLong(..) => "applicant.name is longer than the document allows",
            NameError::Character(_) => {
                "applicant.name has a character other than Chinese characters or Latin letters"
            }
            NameError::Mixed => "applicant.name mixes Chinese characters and Latin letters",
            NameError::Separator => "applicant.name has a misplaced \"·\"",
        },
        ApplicantError::IdNumber(e) => match e {
            IdNumberError::Empty => "applicant.id_number is empty",
            IdNumberError::Length(_) => "applicant.id_number is not 18 characters long",
            IdNumberError::Character { .. } => {
                "applicant.id_number has a character other than a digit (or X at the end)"
            }
            IdNumberError::Region(_) => "applicant.id_number does not start with a region code",
            IdNumberError::BirthDate(_) => {
                "applicant.id_number's birth date (digits 7 to 14) is not a real date"
            }
            IdNumberError::FutureBirthDate(_) => {
                "applicant.id_number's birth date (digits 7 to 14) is in the future"
            }
            IdNumberError::CheckCharacter => {
                "applicant.id_number's check character does not match the other 17"
            }
        },
        ApplicantError::City(_) => "city_code is not a city this center knows",
    }
}

fn check_id(id: &str) -> Result<(), Failure> {
    if is_submission_id(id) {
        Ok(())
    } else {
        Err(fail(
            StatusCode::BAD_REQUEST,
            "bad_id",
            "a submission id is 1 to 64 of A-Z a-z 0-9 - _",
        ))
    }
}

async fn fetch(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    check_id(&id)?;
    let found = blocking(move || state.ledger.find(&id))
        .await?
        .map_err(internal)?;
    let Some((owner, answer)) = found else {
        return Err(fail(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such submission",
        ));
    };
    match caller {
        Caller::Kiosk(kiosk) if kiosk != owner => Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this submission belongs to another kiosk",
        )),
        _ => Ok(Json(answer).into_response()),
    }
}

fn staff_only(caller: &Caller) -> Result<(), Failure> {
    match caller {
        Caller::Staff(_) => Ok(()),
        Caller::Kiosk(_) => Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "review is for the center's staff",
        )),
    }
}

async fn pending(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Failure> {
    staff_only(&caller)?;
    let list = blocking(move || state.ledger.pending())
        .await?
        .map_err(internal)?;
    Ok(Json(list).into_response())
}

async fn review(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<ReviewDecision>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Failure> {
    staff_only(&caller)?;
    check_id(&id)?;
    let Json(decision) = body.map_err(|e| {
        // Over the body limit is a 413, as for uploads, not a malformed decision.
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return body_error(e.status(), "");
        }
        fail(
            StatusCode::BAD_REQUEST,
            "bad_decision",
            format!(
                "expected {{\"decision\":\"approve\"|\"reject\",\"reasons\":[…]}}: {}",
                e.body_text()
            ),
        )
    })?;
    let now = chrono::Local::now().fixed_offset();
    let decided = blocking(move || {
        state
            .ledger
            .decide(&id, decision.decision, &decision.reasons, now)
    })
    .await?;
    match decided {
        Ok(answer) => Ok(Json(answer).into_response()),
        Err(DecideError::NotFound(_)) => Err(fail(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such submission",
        )),
        Err(e @ DecideError::NotPending(_)) => {
            Err(fail(StatusCode::CONFLICT, "not_pending", e.to_string()))
        }
        Err(e @ DecideError::NoReasons) => Err(fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_reasons",
            e.to_string(),
        )),
        Err(DecideError::Ledger(e)) => Err(internal(e)),
    }
}

/// `server` with the door's timeouts, its refusals logged, and `handle` to stop it.
fn behind_doors<A: axum_server::Address, Acc>(
    server: axum_server::Server<A, Acc>,
    doors: &Doors,
    handle: axum_server::Handle<A>,
) -> axum_server::Server<A, Acc> {
    let mut server = server
        .first_request_timeout(doors.first_request)
        .accept_error_handler(|_, e: &std::io::Error| {
            tracing::debug!(error = %e, "center: connection refused at the door");
        })
        .handle(handle);
    server
        .http_builder()
        .http1()
        .header_read_timeout(Some(doors.header_read));
    server
}

/// A center serving on its own thread (the demo, the tests, `idbooth center`).
pub struct RunningCenter {
    addr: SocketAddr,
    tls: bool,
    handle: axum_server::Handle<SocketAddr>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    state: Arc<CenterState>,
}

/// TLS material in PEM.
#[derive(Clone)]
pub struct TlsPem {
    /// Certificate chain.
    pub cert: Vec<u8>,
    /// Private key.
    pub key: Vec<u8>,
}

impl RunningCenter {
    /// Serves `state` on `listener` (HTTPS with `tls`) from a thread of its own.
    pub fn start(
        listener: std::net::TcpListener,
        state: Arc<CenterState>,
        tls: Option<TlsPem>,
    ) -> std::io::Result<RunningCenter> {
        let addr = listener.local_addr()?;
        let handle = axum_server::Handle::new();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("center")
            .enable_all()
            .build()?;
        let app = router(Arc::clone(&state));
        let doors = state.doors.within_descriptor_limit();
        let gate = Gate::new(doors);
        let serving = handle.clone();
        let is_tls = tls.is_some();
        let thread = std::thread::Builder::new()
            .name("center".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let service = app.into_make_service();
                    match tls {
                        Some(pem) => {
                            let config =
                                axum_server::tls_rustls::RustlsConfig::from_pem(pem.cert, pem.key)
                                    .await?;
                            let tls = axum_server::tls_rustls::RustlsAcceptor::new(config)
                                .handshake_timeout(doors.first_request)
                                .acceptor(gate);
                            let server = axum_server::from_tcp(listener)?.acceptor(tls);
                            behind_doors(server, &doors, serving).serve(service).await
                        }
                        None => {
                            let server = axum_server::from_tcp(listener)?.acceptor(gate);
                            behind_doors(server, &doors, serving).serve(service).await
                        }
                    }
                })
            })?;
        Ok(RunningCenter {
            addr,
            tls: is_tls,
            handle,
            thread: Some(thread),
            state,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL (`http://127.0.0.1:PORT`, or https).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The center's state.
    pub fn state(&self) -> &Arc<CenterState> {
        &self.state
    }

    /// Waits until the server ends (a TLS setup error ends it at once).
    pub fn wait(mut self) -> std::io::Result<()> {
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("center thread panicked"))),
            None => Ok(()),
        }
    }

    /// Stops serving; requests in flight get a second to finish.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(1)));
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("center thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for RunningCenter {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

#[cfg(test)]
mod tests;
