//! Reviewers' sessions on the center's web pages: a reviewer logs in with their staff token and
//! gets a random session id in a cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a
//! CSRF token every form carries back. Kept in memory: a restarted center asks to log in again.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};

/// The cookie's name.
pub(super) const COOKIE: &str = "idbooth_session";

/// How long a session lasts without use.
pub(super) const IDLE: Duration = Duration::from_secs(8 * 3600);

/// Most sessions at once; the oldest go first.
const MAX_SESSIONS: usize = 1024;

/// A logged-in reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Session {
    /// The staff member's name from the tokens file.
    pub staff: String,
    /// What every form must carry back.
    pub csrf: String,
    used: Instant,
}

/// The sessions.
#[derive(Debug, Default)]
pub(super) struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
}

/// 244 random bits (two v4 UUIDs from the system's random source), as hex.
fn secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new session for `staff`: its id (for the cookie).
    pub(super) fn open(&self, staff: &str) -> String {
        let id = secret();
        let mut all = self.lock();
        all.retain(|_, s| s.used.elapsed() < IDLE);
        if all.len() >= MAX_SESSIONS
            && let Some(oldest) = all
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
        {
            all.remove(&oldest);
        }
        all.insert(
            id.clone(),
            Session {
                staff: staff.to_owned(),
                csrf: secret(),
                used: Instant::now(),
            },
        );
        id
    }

    /// The session of the request's cookie, if it is live (its use is noted).
    pub(super) fn of(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        let id = cookie(headers)?;
        let mut all = self.lock();
        let session = all.get_mut(&id)?;
        if session.used.elapsed() >= IDLE {
            all.remove(&id);
            return None;
        }
        session.used = Instant::now();
        let session = session.clone();
        Some((id, session))
    }

    /// Ends a session.
    pub(super) fn close(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// The session id in the request's `Cookie` header.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value of a new session (`secure`: the center is reached over TLS).
pub(super) fn set_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age={}{}",
        IDLE.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends it in the browser.
pub(super) fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether a form post comes from the center's own pages: its CSRF token matches the session's,
/// and an `Origin` header, when the browser sends one, names the host asked.
pub(super) fn same_site_post(headers: &HeaderMap, session: &Session, csrf: Option<&str>) -> bool {
    let token_ok = csrf.is_some_and(|c| {
        // Compared in full whatever the first difference (no timing to learn from).
        c.len() == session.csrf.len()
            && c.bytes()
                .zip(session.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| !host.is_empty() && rest == host)
        }
    };
    token_ok && origin_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_session_is_found_by_its_cookie_and_ends_on_close() {
        let sessions = Sessions::default();
        let id = sessions.open("ann");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {COOKIE}={id}")).expect("header"),
        );
        let (found, session) = sessions.of(&headers).expect("live");
        assert_eq!(
            (found.as_str(), session.staff.as_str()),
            (id.as_str(), "ann")
        );
        assert!(same_site_post(&headers, &session, Some(&session.csrf)));
        assert!(!same_site_post(&headers, &session, Some("forged")));
        assert!(!same_site_post(&headers, &session, None));
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8410"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_site_post(&headers, &session, Some(&session.csrf)));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8410"),
        );
        assert!(same_site_post(&headers, &session, Some(&session.csrf)));
        sessions.close(&id);
        assert!(sessions.of(&headers).is_none());
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let c = set_cookie("abc", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie("abc", false).contains("Secure"));
    }
}
