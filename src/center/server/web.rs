//! The reviewers' web pages (server-rendered, no script): log in with a staff token, review the
//! next pending photo (the photo, the booth's measures, the automatic checks) and approve it or
//! reject it with reason codes, look a submission up by its receipt number (回执号) or image
//! number (图像号) and download its photo. A booth's token opens none of it.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::html::{Nav, escape, fill, language, page, see_other, t, with_headers};
use super::session::{self, Session};
use super::{CenterState, blocking};
use crate::center::api::{Decision, Status, is_submission_id};
use crate::center::ledger::{DecideError, LedgerError, Record};
use crate::center::tokens::Caller;
use crate::i18n::Language;
use crate::spec::Reason;

/// The logged-in reviewer: session id and session (`None`: send the browser to [`to_login`]).
pub(super) fn reviewer(state: &CenterState, headers: &HeaderMap) -> Option<(String, Session)> {
    state.sessions.of(headers)
}

/// The redirect to the login page.
pub(super) fn to_login() -> Response {
    see_other("/ui/login")
}

/// A page that says what went wrong.
fn problem(status: StatusCode, lang: Language, key: &str, nav: Option<&Session>) -> Response {
    page(
        status,
        lang,
        lang.t("center_ui.error_title"),
        nav.map(|s| Nav { csrf: &s.csrf }),
        &format!("<p id=\"problem\" class=\"problem\">{}</p>", t(lang, key)),
    )
}

fn failed(lang: Language, error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "center: web page failed");
    problem(StatusCode::INTERNAL_SERVER_ERROR, lang, "failed", None)
}

/// `GET /ui`.
pub(super) async fn home() -> Response {
    see_other("/ui/review")
}

/// `GET /ui/login`.
pub(super) async fn login_page(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
) -> Response {
    if state.sessions.of(&headers).is_some() {
        return see_other("/ui/review");
    }
    login_form(StatusCode::OK, language(&headers), None)
}

fn login_form(status: StatusCode, lang: Language, note: Option<&str>) -> Response {
    let note = note.map_or_else(String::new, |key| {
        format!("<p id=\"problem\" class=\"problem\">{}</p>", t(lang, key))
    });
    page(
        status,
        lang,
        lang.t("center_ui.login_title"),
        None,
        &format!(
            "{note}<form method=\"post\" action=\"/ui/login\"><label for=\"token\">{}</label>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" autofocus>\
             <button id=\"login\" type=\"submit\">{}</button></form>",
            t(lang, "login_token"),
            t(lang, "login_button"),
        ),
    )
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    token: String,
}

/// `POST /ui/login`: a staff token opens a session; a booth's token is refused.
pub(super) async fn login(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let lang = language(&headers);
    let token = form.map(|Form(f)| f.token).unwrap_or_default();
    match state.tokens.caller(token.trim()) {
        Some(Caller::Staff(name)) => {
            let id = state.sessions.open(name);
            tracing::info!(staff = %name, "center: reviewer logged in");
            let mut response = see_other("/ui/review");
            if let Ok(cookie) =
                HeaderValue::from_str(&session::set_cookie(&id, state.secure_cookies))
            {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Some(Caller::Kiosk(_)) => {
            tracing::warn!("center: a booth's token was used to log in to the web pages");
            login_form(StatusCode::FORBIDDEN, lang, Some("login_booth"))
        }
        None => login_form(StatusCode::UNAUTHORIZED, lang, Some("login_refused")),
    }
}

/// The form fields of a post from a page: its CSRF token and whatever else.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /ui/logout`.
pub(super) async fn logout(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = language(&headers);
    let Some((id, session)) = reviewer(&state, &headers) else {
        return to_login();
    };
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    if !session::same_site_post(&headers, &session, field(&fields, "csrf")) {
        return problem(StatusCode::FORBIDDEN, lang, "csrf", Some(&session));
    }
    state.sessions.close(&id);
    let mut response = see_other("/ui/login");
    if let Ok(cookie) = HeaderValue::from_str(&session::clear_cookie(state.secure_cookies)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Deserialize)]
pub(super) struct ReviewQuery {
    /// The submission just decided, to say how.
    last: Option<String>,
}

/// `GET /ui/review`: the oldest pending photo, with the forms to decide it.
pub(super) async fn review_page(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    Query(query): Query<ReviewQuery>,
) -> Response {
    let lang = language(&headers);
    let Some((_, session)) = reviewer(&state, &headers) else {
        return to_login();
    };
    let last = query.last.filter(|id| is_submission_id(id));
    let book = Arc::clone(&state);
    let found = blocking(move || {
        let last = last
            .map(|id| book.ledger.record_of(&id))
            .transpose()?
            .flatten();
        let pending = book.ledger.pending()?;
        let next = pending
            .first()
            .map(|p| book.ledger.record_of(&p.id))
            .transpose()?
            .flatten();
        Ok::<_, LedgerError>((last, pending.len(), next))
    })
    .await;
    let (last, waiting, next) = match found {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return failed(lang, e),
        Err(_) => return failed(lang, "the page's worker failed"),
    };
    let mut body = String::new();
    if let Some(last) = last {
        let said = match (&last.answer.status, &last.answer.receipt_no) {
            (Status::Approved, Some(no)) => fill(
                lang,
                "decided_approved",
                &[("id", &last.answer.id), ("receipt", no)],
            ),
            (Status::Rejected, _) => fill(lang, "decided_rejected", &[("id", &last.answer.id)]),
            _ => String::new(),
        };
        if !said.is_empty() {
            let _ = write!(body, "<p id=\"decided\" class=\"note\">{said}</p>");
        }
    }
    let _ = write!(
        body,
        "<p id=\"waiting\">{}</p>",
        fill(lang, "review_waiting", &[("n", &waiting)])
    );
    match next {
        None => {
            let _ = write!(body, "<p id=\"none\">{}</p>", t(lang, "review_none"));
        }
        Some(record) => review_form(&mut body, lang, &record, &session),
    }
    page(
        StatusCode::OK,
        lang,
        lang.t("center_ui.review_title"),
        Some(Nav {
            csrf: &session.csrf,
        }),
        &body,
    )
}

/// The submission's facts, the photo, its measures and the decision forms.
fn review_form(body: &mut String, lang: Language, record: &Record, session: &Session) {
    let id = escape(&record.answer.id);
    facts(body, lang, record);
    let _ = write!(
        body,
        "<h2>{}</h2><p id=\"auto\">{}</p>",
        t(lang, "review_auto"),
        // Only photos the judge found no reason against wait for a reviewer.
        t(lang, "review_auto_passed"),
    );
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/ui/review/{id}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"decision\" value=\"approve\">\
         <button id=\"approve\" type=\"submit\">{}</button></form>",
        escape(&session.csrf),
        t(lang, "approve"),
    );
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/ui/review/{id}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"decision\" value=\"reject\"><fieldset><legend>{}</legend>",
        escape(&session.csrf),
        t(lang, "reject_reasons"),
    );
    for reason in Reason::ALL {
        let code = reason.code();
        let _ = write!(
            body,
            "<label><input type=\"checkbox\" name=\"reason\" value=\"{code}\" id=\"reason-{code}\"> \
             {} <small>{code}</small></label> ",
            escape(reason.message(lang)),
        );
    }
    let _ = write!(
        body,
        "</fieldset><button id=\"reject\" type=\"submit\">{}</button></form>",
        t(lang, "reject"),
    );
}

/// A submission's facts, its photo and the booth's measures (never the applicant's name or ID
/// number: a reviewer judges the photo).
fn facts(body: &mut String, lang: Language, record: &Record) {
    let a = &record.answer;
    let id = escape(&a.id);
    let status = match a.status {
        Status::Pending => "status_pending",
        Status::Approved => "status_approved",
        Status::Rejected => "status_rejected",
    };
    let opt = |v: &Option<String>| escape(v.as_deref().unwrap_or("—"));
    let reasons: Vec<String> = a
        .reasons
        .iter()
        .map(|r| {
            format!(
                "{} <small>{}</small>",
                escape(r.code.message(lang)),
                r.code.code()
            )
        })
        .collect();
    let _ = write!(
        body,
        "<table id=\"facts\" data-id=\"{id}\">\
         <tr><th>{}</th><td id=\"submission\">{id}</td></tr>\
         <tr><th>{}</th><td id=\"status\" data-status=\"{}\">{}</td></tr>\
         <tr><th>{}</th><td id=\"receipt_no\">{}</td></tr>\
         <tr><th>{}</th><td id=\"image_no\">{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td>{}</td></tr>\
         <tr><th>{}</th><td id=\"reasons\">{}</td></tr></table>",
        t(lang, "submission"),
        t(lang, "status"),
        status.trim_start_matches("status_"),
        t(lang, status),
        t(lang, "receipt_no"),
        opt(&a.receipt_no),
        t(lang, "image_no"),
        opt(&a.image_no),
        t(lang, "kiosk"),
        escape(&record.kiosk_id),
        t(lang, "document"),
        escape(&record.document),
        t(lang, "city"),
        escape(&record.city_code),
        t(lang, "received"),
        escape(&a.created_at),
        t(lang, "decided"),
        opt(&record.decided_at),
        t(lang, "reasons"),
        if reasons.is_empty() {
            "—".to_owned()
        } else {
            reasons.join("<br>")
        },
    );
    let _ = write!(
        body,
        "<p><img class=\"photo\" id=\"photo\" src=\"/ui/photo/{id}\" alt=\"{}\"></p>\
         <p><a id=\"download\" href=\"/ui/photo/{id}?download=1\">{}</a></p>",
        t(lang, "photo"),
        t(lang, "download"),
    );
    let _ = write!(body, "<h2>{}</h2>", t(lang, "measures"));
    if record.quality.is_empty() {
        let _ = write!(body, "<p id=\"measures\">{}</p>", t(lang, "no_measures"));
    } else {
        body.push_str("<table id=\"measures\">");
        for (name, value) in &record.quality {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = write!(
                body,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(name),
                escape(&value)
            );
        }
        body.push_str("</table>");
    }
}

/// `POST /ui/review/{id}`: approve, or reject with the reasons ticked.
pub(super) async fn decide(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = language(&headers);
    let Some((_, session)) = reviewer(&state, &headers) else {
        return to_login();
    };
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    if !session::same_site_post(&headers, &session, field(&fields, "csrf")) {
        return problem(StatusCode::FORBIDDEN, lang, "csrf", Some(&session));
    }
    if !is_submission_id(&id) {
        return problem(StatusCode::NOT_FOUND, lang, "not_found", Some(&session));
    }
    let decision = match field(&fields, "decision") {
        Some("approve") => Decision::Approve,
        Some("reject") => Decision::Reject,
        _ => return problem(StatusCode::BAD_REQUEST, lang, "bad_form", Some(&session)),
    };
    let mut reasons = Vec::new();
    for (_, code) in fields.iter().filter(|(k, _)| k == "reason") {
        match Reason::ALL.iter().find(|r| r.code() == code) {
            Some(&r) => reasons.push(r),
            None => return problem(StatusCode::BAD_REQUEST, lang, "bad_form", Some(&session)),
        }
    }
    reasons.sort();
    reasons.dedup();
    let now = chrono::Local::now().fixed_offset();
    let book = Arc::clone(&state);
    let decided_id = id.clone();
    let decided = blocking(move || book.ledger.decide(&decided_id, decision, &reasons, now)).await;
    match decided {
        Ok(Ok(answer)) => {
            tracing::info!(staff = %session.staff, status = ?answer.status, "center: reviewed on the web page");
            see_other(&format!("/ui/review?last={}", answer.id))
        }
        Ok(Err(DecideError::NoReasons)) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            "no_reasons",
            Some(&session),
        ),
        Ok(Err(DecideError::NotPending(_))) => {
            problem(StatusCode::CONFLICT, lang, "not_pending", Some(&session))
        }
        Ok(Err(DecideError::NotFound(_))) => {
            problem(StatusCode::NOT_FOUND, lang, "not_found", Some(&session))
        }
        Ok(Err(DecideError::Ledger(e))) => failed(lang, e),
        Err(_) => failed(lang, "the page's worker failed"),
    }
}

#[derive(Deserialize)]
pub(super) struct PhotoQuery {
    download: Option<String>,
}

/// `GET /ui/photo/{id}`: the photo as the booth sent it; with `?download=1`, as a file named
/// by its image number.
pub(super) async fn photo(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<PhotoQuery>,
) -> Response {
    let lang = language(&headers);
    let Some((_, session)) = reviewer(&state, &headers) else {
        return to_login();
    };
    if !is_submission_id(&id) {
        return problem(StatusCode::NOT_FOUND, lang, "not_found", Some(&session));
    }
    let book = Arc::clone(&state);
    let wanted = id.clone();
    let found = blocking(move || {
        let photo = book.ledger.photo(&wanted)?;
        let record = book.ledger.record_of(&wanted)?;
        Ok::<_, LedgerError>(photo.zip(record))
    })
    .await;
    let (jpeg, record) = match found {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return problem(StatusCode::NOT_FOUND, lang, "not_found", Some(&session)),
        Ok(Err(e)) => return failed(lang, e),
        Err(_) => return failed(lang, "the page's worker failed"),
    };
    let mut response = with_headers(jpeg.into_response());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    if query.download.is_some() {
        // The image number is [0-9A-Z] with a P; the id is [A-Za-z0-9_-]: both safe in a header.
        let name = record.answer.image_no.unwrap_or(record.answer.id);
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.jpg\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

#[derive(Deserialize)]
pub(super) struct LookupQuery {
    number: Option<String>,
}

/// `GET /ui/lookup?number=…`: a submission by its receipt number or image number.
pub(super) async fn lookup(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
    Query(query): Query<LookupQuery>,
) -> Response {
    let lang = language(&headers);
    let Some((_, session)) = reviewer(&state, &headers) else {
        return to_login();
    };
    let number: String = query
        .number
        .unwrap_or_default()
        .trim()
        .chars()
        .take(40)
        .collect::<String>()
        .to_ascii_uppercase();
    let mut body = format!(
        "<form method=\"get\" action=\"/ui/lookup\"><label for=\"number\">{}</label>\
         <input id=\"number\" name=\"number\" value=\"{}\">\
         <button id=\"find\" type=\"submit\">{}</button></form>",
        t(lang, "lookup_number"),
        escape(&number),
        t(lang, "lookup_button"),
    );
    let mut status = StatusCode::OK;
    if !number.is_empty() {
        let book = Arc::clone(&state);
        let found = blocking(move || {
            book.ledger
                .lookup(&number)?
                .map(|id| book.ledger.record_of(&id))
                .transpose()
                .map(Option::flatten)
        })
        .await;
        match found {
            Ok(Ok(Some(record))) => facts(&mut body, lang, &record),
            Ok(Ok(None)) => {
                status = StatusCode::NOT_FOUND;
                let _ = write!(body, "<p id=\"none\">{}</p>", t(lang, "lookup_none"));
            }
            Ok(Err(e)) => return failed(lang, e),
            Err(_) => return failed(lang, "the page's worker failed"),
        }
    }
    page(
        status,
        lang,
        lang.t("center_ui.lookup_title"),
        Some(Nav {
            csrf: &session.csrf,
        }),
        &body,
    )
}
