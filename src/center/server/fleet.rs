//! The fleet: `POST /v1/heartbeat` from each booth (its token, its own id), the latest kept per
//! booth, and the fleet page listing them with the silent ones (no heartbeat for longer than
//! `--silent-after-min`) marked.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::html::{Nav, escape, fill, language, page, t};
use super::{CenterState, Failure, MAX_KIOSK_ID, blocking, fail, internal};
use crate::center::api::{Heartbeat, MAX_HEARTBEAT_BYTES};
use crate::center::tokens::Caller;

/// Whether a booth last heard at `seen_ms` is silent at `now_ms`.
pub(super) fn silent(seen_ms: i64, now_ms: i64, after: Duration) -> bool {
    now_ms - seen_ms > i64::try_from(after.as_millis()).unwrap_or(i64::MAX)
}

/// `POST /v1/heartbeat`: a booth's latest document, kept as it is (it holds no applicant data:
/// the type has no field for any).
pub(super) async fn heartbeat(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, Failure> {
    let Caller::Kiosk(kiosk) = caller else {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only kiosks send heartbeats",
        ));
    };
    if body.len() > MAX_HEARTBEAT_BYTES {
        return Err(fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("a heartbeat is at most {MAX_HEARTBEAT_BYTES} bytes"),
        ));
    }
    let beat: Heartbeat = serde_json::from_slice(&body).map_err(|e| {
        fail(
            StatusCode::BAD_REQUEST,
            "bad_heartbeat",
            format!("not a heartbeat (line {}, column {})", e.line(), e.column()),
        )
    })?;
    if beat.kiosk_id.len() > MAX_KIOSK_ID || beat.kiosk_id != kiosk {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "forbidden",
            "kiosk_id is not the kiosk of this token",
        ));
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    blocking(move || state.ledger.beat(&beat, now_ms))
        .await?
        .map_err(internal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /ui/fleet`: every booth, its last heartbeat and health; silent ones first and marked.
pub(super) async fn page_of_fleet(
    State(state): State<Arc<CenterState>>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    let Some(session) = super::web::reviewer(&state, &headers) else {
        return super::web::to_login();
    };
    let book = Arc::clone(&state);
    let booths = match blocking(move || book.ledger.booths()).await {
        Ok(Ok(booths)) => booths,
        Ok(Err(e)) => return internal(e).into_response(),
        Err(failure) => return failure.into_response(),
    };
    let now_ms = chrono::Utc::now().timestamp_millis();
    let after = state.silent_after;
    let mut rows: Vec<_> = booths
        .iter()
        .map(|b| (silent(b.seen_ms, now_ms, after), b))
        .collect();
    rows.sort_by_key(|(is_silent, b)| (!*is_silent, b.beat.kiosk_id.clone()));
    let silent_n = rows.iter().filter(|(s, _)| *s).count();
    let mut body = format!(
        "<p id=\"summary\">{}</p>",
        fill(
            lang,
            "fleet_summary",
            &[
                ("n", &rows.len()),
                ("silent", &silent_n),
                ("min", &(after.as_secs() / 60)),
            ]
        )
    );
    if rows.is_empty() {
        let _ = write!(body, "<p>{}</p>", t(lang, "fleet_none"));
    } else {
        let _ = write!(
            body,
            "<table id=\"fleet\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(lang, "booth"),
            t(lang, "last_seen"),
            t(lang, "devices"),
            t(lang, "outbox"),
            t(lang, "today"),
            t(lang, "problems"),
        );
        for (is_silent, b) in rows {
            let h = &b.beat.health;
            let ago_s = (now_ms - b.seen_ms).max(0) / 1000;
            let seen = if is_silent {
                fill(lang, "silent_for", &[("min", &(ago_s / 60))])
            } else {
                fill(lang, "seen_ago", &[("s", &ago_s)])
            };
            let word = |w: &Option<String>| escape(w.as_deref().unwrap_or("—"));
            let devices = format!(
                "{} {}<br>{} {}<br>{} {}<br>{} {}",
                t(lang, "camera"),
                word(&h.camera),
                t(lang, "printer"),
                word(&h.printer),
                t(lang, "photo_printer"),
                word(&h.photo_printer),
                t(lang, "center"),
                word(&h.center),
            );
            let today: Vec<String> = b
                .beat
                .counters
                .iter()
                .map(|(name, n)| format!("{} {n}", escape(name)))
                .collect();
            let problems: Vec<String> = h
                .problems
                .iter()
                .map(|p| format!("<li class=\"problem\">{}</li>", escape(p)))
                .collect();
            let _ = write!(
                body,
                "<tr class=\"{}\" data-kiosk=\"{}\" data-silent=\"{is_silent}\"><td>{}<br><small>{} {}</small></td>\
                 <td>{seen}</td><td>{devices}</td><td>{}</td><td>{}</td><td><ul>{}</ul></td></tr>",
                if is_silent { "silent" } else { "live" },
                escape(&b.beat.kiosk_id),
                escape(&b.beat.kiosk_id),
                t(lang, "version"),
                escape(&b.beat.versions.idbooth),
                h.outbox,
                today.join("<br>"),
                problems.join(""),
            );
        }
        body.push_str("</table>");
    }
    page(
        StatusCode::OK,
        lang,
        lang.t("center_ui.fleet_title"),
        Some(Nav {
            csrf: &session.1.csrf,
        }),
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booth_is_silent_only_past_the_limit() {
        let after = Duration::from_secs(600);
        assert!(!silent(0, 600_000, after));
        assert!(silent(0, 600_001, after));
    }
}
