//! The center's web pages as HTML: every value from outside escaped, one layout, the language
//! from `Accept-Language`, and headers that keep the pages out of caches and frames.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::i18n::Language;

/// `text` safe inside HTML text and inside a quoted attribute.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The reader's language: English or traditional Chinese when the browser asks first for them,
/// else the booth's own (simplified Chinese).
pub(super) fn language(headers: &HeaderMap) -> Language {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| {
            tag.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let tag = if first.starts_with("en") {
        "en"
    } else if ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
        .iter()
        .any(|t| first.starts_with(t))
    {
        "zh-Hant"
    } else {
        return Language::BASE;
    };
    Language::from_tag(tag).unwrap_or(Language::BASE)
}

/// The text of `center_ui.<key>`, escaped.
pub(super) fn t(lang: Language, key: &str) -> String {
    escape(lang.t(&format!("center_ui.{key}")))
}

/// The text of `center_ui.<key>` with its placeholders filled by `args` (escaped), escaped.
pub(super) fn fill(lang: Language, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    escape(&lang.fill(&format!("center_ui.{key}"), args))
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;max-width:60em}\
nav a,nav form{margin-right:1em;display:inline}\
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\
tr.silent{background:#fdd}.problem{color:#a00}.note{background:#eef;padding:.5em}\
img.photo{border:1px solid #888;max-height:480px}fieldset{margin:.5em 0}label{display:inline-block;min-width:14em}";

/// What the navigation needs: the session's CSRF token for the log-out form.
pub(super) struct Nav<'a> {
    /// The session's CSRF token.
    pub csrf: &'a str,
}

/// A whole page: `body` is HTML already escaped; `nav` for a logged-in reviewer.
pub(super) fn page(
    status: StatusCode,
    lang: Language,
    title: &str,
    nav: Option<Nav<'_>>,
    body: &str,
) -> Response {
    let nav = nav.map_or_else(String::new, |n| {
        format!(
            "<nav><a href=\"/ui/review\">{}</a><a href=\"/ui/lookup\">{}</a><a href=\"/ui/fleet\">{}</a>\
             <form method=\"post\" action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button id=\"logout\" type=\"submit\">{}</button></form></nav>",
            t(lang, "nav_review"),
            t(lang, "nav_lookup"),
            t(lang, "nav_fleet"),
            escape(n.csrf),
            t(lang, "logout"),
        )
    });
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} · {}</title>\
         <style>{STYLE}</style></head><body>{nav}<h1>{}</h1>{body}</body></html>",
        escape(lang.tag()),
        escape(title),
        t(lang, "title"),
        escape(title),
    );
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    with_headers(response)
}

/// The headers every page carries: no caching (photos and names of applicants), no framing, no
/// script at all, forms only to the center itself.
pub(super) fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CACHE_CONTROL, "no-store");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Same-origin: a form post keeps its real `Origin` (with no-referrer it says `null`).
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    response
}

/// A redirect after a form (303: the browser follows with GET).
pub(super) fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    with_headers(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_shown_not_run() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn the_browser_language_picks_the_page_language() {
        let mut h = HeaderMap::new();
        assert_eq!(language(&h), Language::BASE);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        assert_eq!(language(&h), Language::EN);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("zh-TW,zh;q=0.9"),
        );
        assert_eq!(language(&h), Language::ZH_HANT);
    }
}
