//! The center's refusals, in-process: every request goes through `router(state)` with
//! `tower::ServiceExt::oneshot` (no socket, no thread of its own), and every answer is checked
//! for its status, its stable error code, a word of its message naming what was wrong, and that
//! the book holds nothing a refusal must not store. `tests/all/center.rs` sends the same kinds of
//! request over real HTTP on loopback; this is the complete table, fast.

use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use axum::body::{Body, Bytes};
use axum::http::Method;
use tower::ServiceExt;

use super::*;
use crate::center::api::{ApplicantMeta, Status, Submission};
use crate::ops::Config;

const KIOSK_TOKEN: &str = "kiosk-token-0123456789abcdef";
const OTHER_TOKEN: &str = "other-kiosk-token-0123456789abcdef";
const STAFF_TOKEN: &str = "staff-token-0123456789abcdef";
const OTHER_KIOSK: &str = "other-kiosk";
const ID_NUMBER: &str = "11010519491231002X";
const BOUNDARY: &str = "idbooth-test-boundary";

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
        Config::load(&dir).expect("the shipped kiosk-config")
    })
}

/// The shipped kiosk's id: its token is [`KIOSK_TOKEN`].
fn kiosk_id() -> String {
    config().kiosk.kiosk.id.clone()
}

/// A center over a book in a temp folder, with the shipped documents and cities, two kiosks and
/// a reviewer.
struct Center {
    state: Arc<CenterState>,
    dir: tempfile::TempDir,
}

impl Center {
    fn new(review: Review) -> Center {
        Center::with(review, |state| state)
    }

    fn with(review: Review, adjust: impl FnOnce(CenterState) -> CenterState) -> Center {
        let config = config();
        let dir = tempfile::tempdir().expect("a temp folder for the book");
        let tokens = Tokens::parse(&format!(
            "[kiosks]\n\"{}\" = \"{KIOSK_TOKEN}\"\n{OTHER_KIOSK} = \"{OTHER_TOKEN}\"\n\
             [staff]\nreviewer = \"{STAFF_TOKEN}\"\n",
            kiosk_id()
        ))
        .expect("tokens");
        let state = CenterState::new(
            Ledger::open(dir.path(), config.documents.clone()).expect("the book"),
            Judge::new(config.documents.clone(), config.thresholds),
            tokens,
            config.cities.clone(),
            review,
        );
        Center {
            state: Arc::new(adjust(state)),
            dir,
        }
    }

    async fn send(&self, request: Request) -> Answer {
        let response = router(Arc::clone(&self.state))
            .oneshot(request)
            .await
            .expect("the router's errors are answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("the answer's body");
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{status}: not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        Answer {
            status,
            headers,
            json,
        }
    }

    /// How many submissions the book holds.
    fn stored(&self) -> u64 {
        self.state.ledger().count().expect("count the book")
    }

    /// The answer the book holds for `id`.
    fn answer(&self, id: &str) -> Option<Submission> {
        self.state
            .ledger()
            .find(id)
            .expect("read the book")
            .map(|(_, answer)| answer)
    }

    /// Stores a submission waiting for review, as a judged photo without reasons would be.
    fn pending(&self, id: &str) {
        let (_, answer, new) = self
            .state
            .ledger()
            .record(
                id,
                &meta(),
                &header_only_jpeg(),
                &[],
                Review::Manual,
                chrono::Local::now().fixed_offset(),
            )
            .expect("record");
        assert!(new && answer.status == Status::Pending, "{answer:?}");
    }
}

/// An answer as the client reads it.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: serde_json::Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }

    fn message(&self) -> &str {
        self.json["error"]["message"].as_str().unwrap_or_default()
    }

    /// The answer is the refusal `status` with `code`, its message has `word` in it, and it is
    /// JSON by its headers too.
    #[track_caller]
    fn refused(&self, what: &str, status: u16, code: &str, word: &str) {
        assert_eq!(
            (self.status.as_u16(), self.code()),
            (status, code),
            "{what}: {}",
            self.json
        );
        assert!(
            self.message().contains(word),
            "{what}: the message {:?} does not say {word:?}",
            self.message()
        );
        assert_eq!(
            self.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{what}"
        );
    }
}

/// A valid meta from the shipped kiosk: 张三's passport in 深圳, taken now.
fn meta() -> Meta {
    Meta {
        kiosk_id: kiosk_id(),
        document: "passport".into(),
        city_code: "440300".into(),
        applicant: ApplicantMeta {
            name: "张三".into(),
            id_number: ID_NUMBER.into(),
        },
        captured_at: chrono::Local::now().to_rfc3339(),
        quality: Default::default(),
    }
}

fn json(meta: &Meta) -> Vec<u8> {
    serde_json::to_vec(meta).expect("meta as JSON")
}

/// A 16×16 JPEG: it passes every check of the request, and the judge refuses it from its header
/// alone (`wrong_size`), without looking for a face.
fn header_only_jpeg() -> Vec<u8> {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| {
        let image = image::RgbImage::from_pixel(16, 16, image::Rgb([240, 240, 240]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&image)
            .expect("encode");
        out
    })
    .clone()
}

/// An ID number of `first17` with its right check character, so only the intended fault shows.
fn with_check(first17: &str) -> String {
    crate::applicant::with_check(first17).expect("17 digits")
}

/// One part of a multipart form.
struct Part {
    name: &'static str,
    content_type: Option<&'static str>,
    bytes: Vec<u8>,
}

fn meta_part(bytes: Vec<u8>) -> Part {
    Part {
        name: "meta",
        content_type: Some("application/json"),
        bytes,
    }
}

fn photo_part(bytes: Vec<u8>) -> Part {
    Part {
        name: "photo",
        content_type: Some("image/jpeg"),
        bytes,
    }
}

/// The parts of a good submission.
fn good_parts() -> Vec<Part> {
    vec![meta_part(json(&meta())), photo_part(header_only_jpeg())]
}

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// `parts` as a `multipart/form-data` body.
fn form(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"",
                part.name
            )
            .as_bytes(),
        );
        if part.name == "photo" {
            body.extend_from_slice(b"; filename=\"p.jpg\"");
        }
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("\r\nContent-Type: {content_type}").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn builder(method: Method, path: &str, token: Option<&str>) -> axum::http::request::Builder {
    let builder = axum::http::Request::builder().method(method).uri(path);
    match token {
        Some(token) => builder.header(header::AUTHORIZATION, format!("Bearer {token}")),
        None => builder,
    }
}

fn get(path: &str, token: Option<&str>) -> Request {
    builder(Method::GET, path, token)
        .body(Body::empty())
        .expect("request")
}

/// `POST /v1/submissions` with the kiosk's token and `key`, the body still to come.
fn submission(token: &str, key: &str) -> axum::http::request::Builder {
    builder(Method::POST, "/v1/submissions", Some(token)).header("idempotency-key", key)
}

/// A multipart upload of `parts` as a client sends it (with its length).
fn upload(token: &str, key: &str, parts: &[Part]) -> Request {
    let body = form(parts);
    submission(token, key)
        .header(header::CONTENT_TYPE, form_type())
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request")
}

/// `POST /v1/review/{id}` by `token` with a JSON `decision`.
fn decide(id: &str, token: &str, decision: serde_json::Value) -> Request {
    builder(Method::POST, &format!("/v1/review/{id}"), Some(token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(decision.to_string()))
        .expect("request")
}

/// A body of `bytes` that notes whether anything asked it for data.
fn watched(bytes: Vec<u8>) -> (Body, Arc<AtomicBool>) {
    let read = Arc::new(AtomicBool::new(false));
    let note = Arc::clone(&read);
    let chunks = tower::service_fn(move |chunk: Result<Bytes, axum::Error>| {
        note.store(true, Ordering::SeqCst);
        std::future::ready(chunk)
    })
    .call_all(Body::from(bytes).into_data_stream());
    (Body::from_stream(chunks), read)
}

/// A body of which nothing ever arrives.
fn stalled() -> Body {
    let never = tower::service_fn(|_: Result<Bytes, axum::Error>| {
        std::future::pending::<Result<Bytes, axum::Error>>()
    })
    .call_all(Body::from(form(&good_parts())).into_data_stream());
    Body::from_stream(never)
}

#[tokio::test]
async fn health_answers_without_a_token() {
    let center = Center::new(Review::Auto);
    for (what, authorization) in [
        ("no token", None),
        ("an unknown token", Some("Bearer not-a-token-at-all-0000")),
        ("another scheme", Some("Basic a2lvc2s6cGFzcw==")),
    ] {
        let mut request = builder(Method::GET, "/v1/health", None);
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let answer = center
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.json);
        assert_eq!(answer.json["status"], "ok", "{what}");
        assert_eq!(answer.json["review"], "auto", "{what}");
    }
}

#[tokio::test]
async fn every_other_endpoint_refuses_a_missing_or_unknown_token_before_reading_the_body() {
    let center = Center::new(Review::Manual);
    center.pending("waiting-1");
    let endpoints = [
        (Method::POST, "/v1/submissions", form(&good_parts())),
        (Method::GET, "/v1/submissions/waiting-1", Vec::new()),
        (Method::GET, "/v1/review/pending", Vec::new()),
        (
            Method::POST,
            "/v1/review/waiting-1",
            br#"{"decision":"approve"}"#.to_vec(),
        ),
    ];
    let no_token = "send Authorization: Bearer";
    let not_accepted = "not accepted";
    let authorizations = [
        ("no Authorization", None, no_token),
        (
            "another scheme",
            Some("Basic a2lvc2s6cGFzcw==".to_owned()),
            no_token,
        ),
        ("a scheme and no token", Some("Bearer".to_owned()), no_token),
        ("no scheme", Some(KIOSK_TOKEN.to_owned()), no_token),
        (
            "the scheme glued to the token",
            Some(format!("Bearer{STAFF_TOKEN}")),
            no_token,
        ),
        ("an empty token", Some("Bearer ".to_owned()), not_accepted),
        (
            "an unknown token",
            Some("Bearer not-a-token-at-all-0000".to_owned()),
            not_accepted,
        ),
        (
            "a token's prefix",
            Some(format!("Bearer {}", &STAFF_TOKEN[..20])),
            not_accepted,
        ),
        (
            "a token in another case",
            Some(format!("Bearer {}", STAFF_TOKEN.to_uppercase())),
            not_accepted,
        ),
    ];
    for (method, path, body) in &endpoints {
        for (what, authorization, word) in &authorizations {
            let what = format!("{method} {path} with {what}");
            let (body, read) = watched(body.clone());
            let mut request = builder(method.clone(), path, None)
                .header("idempotency-key", "refused-1")
                .header(header::CONTENT_TYPE, form_type());
            if let Some(value) = authorization {
                request = request.header(header::AUTHORIZATION, value);
            }
            let answer = center.send(request.body(body).expect("request")).await;
            answer.refused(&what, 401, "unauthorized", word);
            assert!(
                !read.load(Ordering::SeqCst),
                "{what}: the body was read before the token was checked"
            );
        }
    }
    assert_eq!(center.stored(), 1, "only the pending one");
    // The probe itself: with a kiosk's token the same upload is read, and taken.
    let (body, read) = watched(form(&good_parts()));
    let request = submission(KIOSK_TOKEN, "taken-1")
        .header(header::CONTENT_TYPE, form_type())
        .body(body)
        .expect("request");
    let answer = center.send(request).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert!(read.load(Ordering::SeqCst), "the probe saw no read");
    assert_eq!(center.stored(), 2);
    assert_eq!(
        center.answer("waiting-1").map(|a| a.status),
        Some(Status::Pending),
        "no refused decision was taken"
    );

    // The control: the scheme's name in any case, spaces around the token, reach the handler.
    for authorization in [
        format!("bearer {KIOSK_TOKEN}"),
        format!("BEARER {KIOSK_TOKEN}"),
        format!("Bearer   {KIOSK_TOKEN}  "),
    ] {
        let request = builder(Method::GET, "/v1/submissions/nobody", None)
            .header(header::AUTHORIZATION, &authorization)
            .body(Body::empty())
            .expect("request");
        center
            .send(request)
            .await
            .refused(&authorization, 404, "not_found", "no such submission");
    }
}

#[tokio::test]
async fn unknown_endpoints_are_404_and_wrong_methods_405_with_or_without_a_token() {
    let center = Center::new(Review::Auto);
    let unknown = [
        (Method::GET, "/"),
        (Method::GET, "/v1"),
        (Method::GET, "/v1/"),
        (Method::GET, "/v2/health"),
        (Method::GET, "/v1/health/"),
        (Method::GET, "/v1/submissions/"),
        (Method::GET, "/v1/submissions/a/b"),
        (Method::POST, "/v1/review"),
        (Method::GET, "/V1/HEALTH"),
    ];
    let wrong = [
        (Method::POST, "/v1/health", "GET"),
        (Method::GET, "/v1/submissions", "POST"),
        (Method::PUT, "/v1/submissions", "POST"),
        (Method::DELETE, "/v1/submissions/any-1", "GET"),
        (Method::POST, "/v1/submissions/any-1", "GET"),
        (Method::GET, "/v1/review/any-1", "POST"),
        (Method::DELETE, "/v1/review/pending", "GET"),
    ];
    for token in [None, Some(KIOSK_TOKEN), Some(STAFF_TOKEN)] {
        for (method, path) in &unknown {
            let what = format!("{method} {path} with {token:?}");
            let request = builder(method.clone(), path, token)
                .body(Body::empty())
                .expect("request");
            center
                .send(request)
                .await
                .refused(&what, 404, "not_found", "no such endpoint");
        }
        for (method, path, allowed) in &wrong {
            let what = format!("{method} {path} with {token:?}");
            let request = builder(method.clone(), path, token)
                .body(Body::empty())
                .expect("request");
            let answer = center.send(request).await;
            answer.refused(&what, 405, "method_not_allowed", "method");
            let allow = answer
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(allow.contains(allowed), "{what}: Allow: {allow:?}");
        }
    }
    assert_eq!(center.stored(), 0);
}

#[tokio::test]
async fn an_upload_that_is_not_a_good_form_is_refused_and_nothing_is_stored() {
    let center = Center::new(Review::Auto);
    let png = {
        let mut png = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(16, 16)
            .write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        png.into_inner()
    };
    let meta_only = || vec![meta_part(json(&meta()))];
    let photo_only = || vec![photo_part(header_only_jpeg())];
    let with_extra = |name: &'static str| {
        let mut parts = good_parts();
        parts.push(Part {
            name,
            content_type: Some("text/plain"),
            bytes: b"x".to_vec(),
        });
        parts
    };
    let photo_as = |content_type: Option<&'static str>, bytes: Vec<u8>| {
        vec![
            meta_part(json(&meta())),
            Part {
                name: "photo",
                content_type,
                bytes,
            },
        ]
    };
    let whole = form(&good_parts());
    // (what, Content-Type, body, status, code, a word of the message)
    let cases = vec![
        (
            "no Content-Type",
            None,
            whole.clone(),
            415,
            "unsupported_media_type",
            "multipart/form-data",
        ),
        (
            "JSON instead of a form",
            Some("application/json".into()),
            json(&meta()),
            415,
            "unsupported_media_type",
            "multipart/form-data",
        ),
        (
            "a form without a boundary",
            Some("multipart/form-data".into()),
            whole.clone(),
            415,
            "unsupported_media_type",
            "multipart/form-data",
        ),
        (
            "an url-encoded form",
            Some("application/x-www-form-urlencoded".into()),
            b"meta=x&photo=y".to_vec(),
            415,
            "unsupported_media_type",
            "multipart/form-data",
        ),
        (
            "no part at all",
            Some(form_type()),
            form(&[]),
            400,
            "missing_part",
            "no meta part",
        ),
        (
            "no photo part",
            Some(form_type()),
            form(&meta_only()),
            400,
            "missing_part",
            "no photo part",
        ),
        (
            "no meta part",
            Some(form_type()),
            form(&photo_only()),
            400,
            "missing_part",
            "no meta part",
        ),
        (
            "an unknown part",
            Some(form_type()),
            form(&with_extra("signature")),
            400,
            "unknown_part",
            "\"signature\"",
        ),
        (
            "a part without a name",
            Some(form_type()),
            form(&with_extra("")),
            400,
            "unknown_part",
            "unknown part",
        ),
        (
            "a body that is not a form",
            Some(form_type()),
            b"this is not multipart at all".to_vec(),
            400,
            "bad_body",
            "incomplete",
        ),
        (
            "a form cut short",
            Some(form_type()),
            whole[..whole.len() / 2].to_vec(),
            400,
            "bad_body",
            "incomplete",
        ),
        (
            "a photo sent as PNG",
            Some(form_type()),
            form(&photo_as(Some("image/png"), png.clone())),
            415,
            "unsupported_media_type",
            "image/jpeg",
        ),
        (
            "a photo without a Content-Type",
            Some(form_type()),
            form(&photo_as(None, header_only_jpeg())),
            415,
            "unsupported_media_type",
            "image/jpeg",
        ),
        (
            "PNG bytes called image/jpeg",
            Some(form_type()),
            form(&photo_as(Some("image/jpeg"), png)),
            415,
            "unsupported_media_type",
            "SOI",
        ),
        (
            "an empty photo",
            Some(form_type()),
            form(&photo_as(Some("image/jpeg"), Vec::new())),
            415,
            "unsupported_media_type",
            "SOI",
        ),
    ];
    for (what, content_type, body, status, code, word) in cases {
        let mut request = submission(KIOSK_TOKEN, "refused-1");
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let answer = center
            .send(request.body(Body::from(body)).expect("request"))
            .await;
        answer.refused(what, status, code, word);
        assert_eq!(center.stored(), 0, "{what}: stored");
    }
    // Refusals keep nothing, not even the key: the same id, sent right, is taken.
    let answer = center
        .send(upload(KIOSK_TOKEN, "refused-1", &good_parts()))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert_eq!(center.stored(), 1);
}

#[tokio::test]
async fn uploads_over_a_limit_are_refused_413() {
    let center = Center::new(Review::Auto);
    // Announced over the limit: refused on the headers, before a byte of the body is read.
    let (body, read) = watched(form(&good_parts()));
    let request = submission(KIOSK_TOKEN, "big-1")
        .header(header::CONTENT_TYPE, form_type())
        .header(header::CONTENT_LENGTH, MAX_BODY_BYTES + 1)
        .body(body)
        .expect("request");
    let answer = center.send(request).await;
    answer.refused(
        "Content-Length over the limit",
        413,
        "payload_too_large",
        &MAX_BODY_BYTES.to_string(),
    );
    assert!(
        !read.load(Ordering::SeqCst),
        "the body was read although its announced length is over the limit"
    );

    let mut big_photo = header_only_jpeg();
    big_photo.resize(MAX_PHOTO_BYTES + 1, 0);
    let mut huge_photo = header_only_jpeg();
    huge_photo.resize(MAX_BODY_BYTES + 1, 0);
    let mut fat = meta();
    fat.quality
        .insert("x".into(), "y".repeat(MAX_META_BYTES).into());
    let cases = [
        (
            "a photo over MAX_PHOTO_BYTES",
            vec![meta_part(json(&meta())), photo_part(big_photo.clone())],
            "photo is over",
        ),
        (
            "a meta over MAX_META_BYTES",
            vec![meta_part(json(&fat)), photo_part(header_only_jpeg())],
            "meta is over",
        ),
        (
            "a body over MAX_BODY_BYTES",
            vec![meta_part(json(&meta())), photo_part(huge_photo)],
            "the request is over",
        ),
    ];
    for (what, parts, word) in cases {
        let answer = center.send(upload(KIOSK_TOKEN, "big-1", &parts)).await;
        answer.refused(what, 413, "payload_too_large", word);
        // Streamed without a length (chunked): the same answer once the limit is reached.
        let request = submission(KIOSK_TOKEN, "big-1")
            .header(header::CONTENT_TYPE, form_type())
            .body(Body::from_stream(
                Body::from(form(&parts)).into_data_stream(),
            ))
            .expect("request");
        let answer = center.send(request).await;
        answer.refused(&format!("{what}, streamed"), 413, "payload_too_large", word);
    }
    // Just within the photo's limit is not refused for its size.
    let answer = center
        .send(upload(
            KIOSK_TOKEN,
            "big-1",
            &[
                meta_part(json(&meta())),
                photo_part(big_photo[..MAX_PHOTO_BYTES].to_vec()),
            ],
        ))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert_eq!(center.stored(), 1);
}

#[tokio::test]
async fn meta_that_is_not_the_expected_json_is_refused_400() {
    let center = Center::new(Review::Auto);
    let good = String::from_utf8(json(&meta())).expect("UTF-8");
    let cases = [
        ("not JSON", "{not json".to_owned(), "it is not JSON"),
        ("empty", String::new(), "it ends early"),
        (
            "cut short",
            good[..good.find("applicant").expect("applicant")].to_owned(),
            "it ends early",
        ),
        (
            "a field missing",
            r#"{"kiosk_id":"x"}"#.to_owned(),
            "a field is missing or of a wrong type",
        ),
        (
            "a field of a wrong type",
            good.replacen(&format!("\"{ID_NUMBER}\""), "[\"secret-1949\"]", 1),
            "a field is missing or of a wrong type",
        ),
        (
            "an unknown field",
            good.replacen('{', r#"{"extra":1,"#, 1),
            "a field is missing or of a wrong type",
        ),
        (
            "an unknown applicant field",
            good.replacen(r#""name":"#, r#""nickname":"x","name":"#, 1),
            "a field is missing or of a wrong type",
        ),
        ("an array", "[]".to_owned(), "a field is missing"),
    ];
    for (what, text, word) in cases {
        assert!(what == "empty" || text != good, "{what}: unchanged");
        let answer = center
            .send(upload(
                KIOSK_TOKEN,
                "refused-1",
                &[meta_part(text.into_bytes()), photo_part(header_only_jpeg())],
            ))
            .await;
        answer.refused(what, 400, "bad_meta", word);
        assert!(
            !answer.message().contains("secret") && !answer.message().contains("1949"),
            "{what}: quotes the meta: {}",
            answer.message()
        );
    }
    assert_eq!(center.stored(), 0);
}

#[tokio::test]
async fn meta_that_fails_the_checks_is_refused_422_and_names_the_field() {
    let center = Center::new(Review::Auto);
    type Edit = Box<dyn Fn(&mut Meta)>;
    let name = |text: &'static str| -> Edit { Box::new(move |m| m.applicant.name = text.into()) };
    let id_number =
        |text: String| -> Edit { Box::new(move |m| m.applicant.id_number = text.clone()) };
    let city = |code: &'static str| -> Edit { Box::new(move |m| m.city_code = code.into()) };
    let document = |id: &'static str| -> Edit { Box::new(move |m| m.document = id.into()) };
    let captured = |at: &'static str| -> Edit { Box::new(move |m| m.captured_at = at.into()) };
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "a kiosk id over MAX_KIOSK_ID",
            Box::new(|m| m.kiosk_id = "k".repeat(MAX_KIOSK_ID + 1)),
            "kiosk_id is over",
        ),
        (
            "an unknown document",
            document("../../etc/passwd"),
            "unknown document",
        ),
        ("no document", document(""), "unknown document"),
        (
            "a document id in another case",
            document("PASSPORT"),
            "unknown document",
        ),
        (
            "a capture time that is not RFC 3339",
            captured("yesterday"),
            "captured_at",
        ),
        (
            "a capture time without its offset",
            captured("2026-11-25T10:00:00"),
            "captured_at",
        ),
        ("no capture time", captured(""), "captured_at"),
        ("an empty name", name(""), "applicant.name is empty"),
        ("a name of spaces", name("   "), "applicant.name is empty"),
        (
            "a name too long",
            name("张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张"),
            "applicant.name is longer",
        ),
        (
            "a name with a snowman",
            name("张☃丰"),
            "applicant.name has a character",
        ),
        (
            "a name of digits",
            name("123"),
            "applicant.name has a character",
        ),
        (
            "a name in Chinese and Latin",
            name("张San"),
            "applicant.name mixes",
        ),
        (
            "a name starting with the dot",
            name("·张三"),
            "applicant.name has a misplaced",
        ),
        (
            "no ID number",
            id_number(String::new()),
            "applicant.id_number is empty",
        ),
        (
            "an ID number too short",
            id_number("1101051949123100".into()),
            "applicant.id_number is not 18 characters",
        ),
        (
            "an ID number with a letter O",
            id_number("11010519491231O02X".into()),
            "applicant.id_number has a character",
        ),
        (
            "an ID number with no region",
            id_number(with_check("00010519491231002")),
            "region code",
        ),
        (
            "an ID number born on the 31st of the 13th month",
            id_number(with_check("11010519491331002")),
            "not a real date",
        ),
        (
            "an ID number born in the future",
            id_number(with_check("11010520991231002")),
            "in the future",
        ),
        (
            "an ID number with a wrong check character",
            id_number("110105194912310021".into()),
            "check character does not match",
        ),
        ("an unknown city", city("999999"), "city_code"),
        ("a province as the city", city("440000"), "city_code"),
        ("a district as the city", city("440304"), "city_code"),
        ("a city code of five digits", city("44030"), "city_code"),
        ("no city", city(""), "city_code"),
    ];
    for (what, edit, word) in cases {
        let mut bad = meta();
        edit(&mut bad);
        assert_ne!(bad, meta(), "{what}: unchanged");
        let answer = center
            .send(upload(
                KIOSK_TOKEN,
                "refused-1",
                &[meta_part(json(&bad)), photo_part(header_only_jpeg())],
            ))
            .await;
        answer.refused(what, 422, "invalid_meta", word);
        // The words name the field, never what was typed into it.
        for (typed, given) in [
            (&bad.applicant.name, &meta().applicant.name),
            (&bad.applicant.id_number, &meta().applicant.id_number),
        ] {
            if typed != given && typed.trim().chars().count() > 1 {
                assert!(
                    !answer.message().contains(typed.trim()),
                    "{what}: quotes {typed:?}"
                );
            }
        }
        assert_eq!(center.stored(), 0, "{what}: stored");
    }

    // A meta for another kiosk than the token's is not this kiosk's to send.
    for (what, kiosk) in [("another kiosk's id", OTHER_KIOSK), ("no kiosk id", "")] {
        let mut bad = meta();
        bad.kiosk_id = kiosk.into();
        let answer = center
            .send(upload(
                KIOSK_TOKEN,
                "refused-1",
                &[meta_part(json(&bad)), photo_part(header_only_jpeg())],
            ))
            .await;
        answer.refused(what, 403, "forbidden", "meta.kiosk_id");
    }
    assert_eq!(center.stored(), 0);
    // The control: typed in groups with a lowercase check character, and accepted as checked.
    let mut typed = meta();
    typed.applicant.id_number = "110105 19491231 002x".into();
    let answer = center
        .send(upload(
            KIOSK_TOKEN,
            "refused-1",
            &[meta_part(json(&typed)), photo_part(header_only_jpeg())],
        ))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    let (stored, _) = center
        .state
        .ledger()
        .sent("refused-1")
        .expect("read")
        .expect("stored");
    assert_eq!(stored.applicant.id_number, ID_NUMBER);
}

#[tokio::test]
async fn an_upload_needs_a_kiosk_and_a_good_idempotency_key() {
    let center = Center::new(Review::Auto);
    let parts = good_parts();
    let with_key = |key: Option<&[u8]>| {
        let body = form(&parts);
        let mut request = builder(Method::POST, "/v1/submissions", Some(KIOSK_TOKEN))
            .header(header::CONTENT_TYPE, form_type())
            .header(header::CONTENT_LENGTH, body.len());
        if let Some(key) = key {
            request = request.header(
                "idempotency-key",
                HeaderValue::from_bytes(key).expect("a header value"),
            );
        }
        request.body(Body::from(body)).expect("request")
    };
    let long = "a".repeat(65);
    let cases: [(&str, Option<&[u8]>, &str, &str); 7] = [
        ("no key", None, "missing_idempotency_key", "Idempotency-Key"),
        ("an empty key", Some(b""), "bad_id", "Idempotency-Key"),
        (
            "a path",
            Some(b"../../etc/passwd"),
            "bad_id",
            "Idempotency-Key",
        ),
        (
            "a key with a dot",
            Some(b"center.sqlite"),
            "bad_id",
            "Idempotency-Key",
        ),
        (
            "a key with a space",
            Some(b"a b"),
            "bad_id",
            "Idempotency-Key",
        ),
        (
            "a key of 65",
            Some(long.as_bytes()),
            "bad_id",
            "Idempotency-Key",
        ),
        (
            "a key that is not ASCII",
            Some("身份-1".as_bytes()),
            "bad_id",
            "Idempotency-Key",
        ),
    ];
    for (what, key, code, word) in cases {
        center
            .send(with_key(key))
            .await
            .refused(what, 400, code, word);
    }
    // Staff review photos; they do not send them.
    center
        .send(upload(STAFF_TOKEN, "staff-1", &good_parts()))
        .await
        .refused("a reviewer's token", 403, "forbidden", "only kiosks");
    assert_eq!(center.stored(), 0);
    // A key of 64 of every allowed kind is fine.
    let key = format!("{}-_{}", "A".repeat(31), "9".repeat(31));
    let answer = center.send(with_key(Some(key.as_bytes()))).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
}

#[tokio::test]
async fn a_repeat_from_another_kiosk_or_with_another_body_is_refused() {
    let center = Center::new(Review::Auto);
    let first = center
        .send(upload(KIOSK_TOKEN, "repeat-1", &good_parts()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert_eq!(first.json["status"], "rejected", "judged from the header");

    // Another kiosk sending the same id (with its own kiosk id in the meta).
    let mut theirs = meta();
    theirs.kiosk_id = OTHER_KIOSK.into();
    center
        .send(upload(
            OTHER_TOKEN,
            "repeat-1",
            &[meta_part(json(&theirs)), photo_part(header_only_jpeg())],
        ))
        .await
        .refused("another kiosk's id", 403, "forbidden", "another kiosk");

    // The same id with another photo, document, city or applicant.
    let mut other_photo = header_only_jpeg();
    let last = other_photo.len() - 3;
    other_photo[last] ^= 1;
    let other = |edit: fn(&mut Meta)| {
        let mut m = meta();
        edit(&mut m);
        vec![meta_part(json(&m)), photo_part(header_only_jpeg())]
    };
    let cases = [
        (
            "another photo",
            vec![meta_part(json(&meta())), photo_part(other_photo)],
        ),
        (
            "another document",
            other(|m| m.document = "driving_licence".into()),
        ),
        ("another city", other(|m| m.city_code = "440100".into())),
        ("another name", other(|m| m.applicant.name = "李四".into())),
        (
            "another ID number",
            other(|m| m.applicant.id_number = with_check("44030419900101001")),
        ),
    ];
    for (what, parts) in cases {
        center
            .send(upload(KIOSK_TOKEN, "repeat-1", &parts))
            .await
            .refused(what, 422, "idempotency_key_reused", "Idempotency-Key");
    }
    assert_eq!(center.stored(), 1);
    assert_eq!(
        center.answer("repeat-1").map(|a| a.created_at),
        first.json["created_at"].as_str().map(str::to_owned),
        "the first answer stands"
    );
    // The control: the same body again (taken anew, typed otherwise) gets the first answer.
    let mut again = meta();
    again.applicant.id_number = ID_NUMBER.to_lowercase();
    let answer = center
        .send(upload(
            KIOSK_TOKEN,
            "repeat-1",
            &[meta_part(json(&again)), photo_part(header_only_jpeg())],
        ))
        .await;
    assert_eq!((answer.status, &answer.json), (StatusCode::OK, &first.json));
}

#[tokio::test]
async fn fetching_a_submission_refuses_bad_unknown_and_other_kiosks_ids() {
    let center = Center::new(Review::Auto);
    let stored = center
        .send(upload(KIOSK_TOKEN, "mine-1", &good_parts()))
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.json);
    let long = "a".repeat(65);
    for id in [
        "..%2F..%2Fcenter.sqlite",
        "a%00b",
        "center.sqlite",
        "a%20b",
        "%E8%BA%AB",
        long.as_str(),
    ] {
        center
            .send(get(&format!("/v1/submissions/{id}"), Some(KIOSK_TOKEN)))
            .await
            .refused(id, 400, "bad_id", "submission id");
    }
    center
        .send(get("/v1/submissions/nobody-1", Some(KIOSK_TOKEN)))
        .await
        .refused("an unknown id", 404, "not_found", "no such submission");
    center
        .send(get("/v1/submissions/mine-1", Some(OTHER_TOKEN)))
        .await
        .refused("another kiosk's", 403, "forbidden", "another kiosk");
    // The controls: its kiosk and the staff read it.
    for token in [KIOSK_TOKEN, STAFF_TOKEN] {
        let answer = center
            .send(get("/v1/submissions/mine-1", Some(token)))
            .await;
        assert_eq!(
            (answer.status, &answer.json),
            (StatusCode::OK, &stored.json)
        );
    }
    assert_eq!(center.stored(), 1);
}

#[tokio::test]
async fn review_is_for_staff_and_decides_only_pending_submissions() {
    let center = Center::new(Review::Manual);
    center.pending("waiting-1");
    let approve = || serde_json::json!({"decision": "approve"});

    // Kiosks may neither list nor decide.
    center
        .send(get("/v1/review/pending", Some(KIOSK_TOKEN)))
        .await
        .refused("a kiosk listing", 403, "forbidden", "staff");
    center
        .send(decide("waiting-1", KIOSK_TOKEN, approve()))
        .await
        .refused("a kiosk deciding", 403, "forbidden", "staff");
    center
        .send(decide("a.b", KIOSK_TOKEN, approve()))
        .await
        .refused("a kiosk deciding a bad id", 403, "forbidden", "staff");

    let long = "a".repeat(65);
    for id in ["a%00b", "center.sqlite", long.as_str()] {
        center
            .send(decide(id, STAFF_TOKEN, approve()))
            .await
            .refused(id, 400, "bad_id", "submission id");
    }
    let raw = |body: &'static str, content_type: Option<&str>| {
        let mut request = builder(Method::POST, "/v1/review/waiting-1", Some(STAFF_TOKEN));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.body(Body::from(body)).expect("request")
    };
    let json_type = Some("application/json");
    let bad_decisions = [
        ("not JSON", raw("approve", json_type)),
        ("no Content-Type", raw(r#"{"decision":"approve"}"#, None)),
        (
            "a form",
            raw(
                "decision=approve",
                Some("application/x-www-form-urlencoded"),
            ),
        ),
        ("no body", raw("", json_type)),
        ("no decision", raw("{}", json_type)),
        (
            "an unknown decision",
            raw(r#"{"decision":"maybe"}"#, json_type),
        ),
        (
            "an unknown reason",
            raw(r#"{"decision":"reject","reasons":["ugly"]}"#, json_type),
        ),
        (
            "an unknown field",
            raw(r#"{"decision":"approve","by":"me"}"#, json_type),
        ),
        (
            "reasons that are not a list",
            raw(r#"{"decision":"reject","reasons":"other"}"#, json_type),
        ),
    ];
    for (what, request) in bad_decisions {
        center
            .send(request)
            .await
            .refused(what, 400, "bad_decision", "\"decision\"");
    }
    for body in [
        serde_json::json!({"decision": "reject"}),
        serde_json::json!({"decision": "reject", "reasons": []}),
    ] {
        center
            .send(decide("waiting-1", STAFF_TOKEN, body.clone()))
            .await
            .refused(&body.to_string(), 422, "no_reasons", "reason");
    }
    center
        .send(decide("nobody-1", STAFF_TOKEN, approve()))
        .await
        .refused("an unknown id", 404, "not_found", "no such submission");
    // A decision over the body limit is refused for its size (were it read whole, the spaces
    // before it would not stop it from approving).
    let padded = format!("{}{{\"decision\":\"approve\"}}", " ".repeat(MAX_BODY_BYTES));
    let request = builder(Method::POST, "/v1/review/waiting-1", Some(STAFF_TOKEN))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(padded))
        .expect("request");
    center.send(request).await.refused(
        "a decision over MAX_BODY_BYTES",
        413,
        "payload_too_large",
        &MAX_BODY_BYTES.to_string(),
    );
    assert_eq!(
        center.answer("waiting-1").map(|a| a.status),
        Some(Status::Pending),
        "no refusal decided it"
    );
    assert_eq!(center.stored(), 1);

    // The controls: staff list it and approve it, once.
    let list = center
        .send(get("/v1/review/pending", Some(STAFF_TOKEN)))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json[0]["id"], "waiting-1", "{}", list.json);
    let approved = center
        .send(decide("waiting-1", STAFF_TOKEN, approve()))
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
    assert_eq!(approved.json["status"], "approved");
    for body in [
        approve(),
        serde_json::json!({"decision": "reject", "reasons": ["other"]}),
    ] {
        center
            .send(decide("waiting-1", STAFF_TOKEN, body.clone()))
            .await
            .refused(
                &body.to_string(),
                409,
                "not_pending",
                "not waiting for review",
            );
    }
    let (_, after) = center
        .state
        .ledger()
        .find("waiting-1")
        .expect("read")
        .expect("stored");
    assert_eq!(
        after.receipt_no.as_deref(),
        approved.json["receipt_no"].as_str()
    );

    // A photo the judge rejected was never pending.
    let rejected = center
        .send(upload(KIOSK_TOKEN, "judged-1", &good_parts()))
        .await;
    assert_eq!(rejected.json["status"], "rejected", "{}", rejected.json);
    center
        .send(decide("judged-1", STAFF_TOKEN, approve()))
        .await
        .refused("a rejected photo", 409, "not_pending", "judged-1");
    assert_eq!(
        center.answer("judged-1").map(|a| a.status),
        Some(Status::Rejected)
    );
}

#[tokio::test]
async fn a_busy_center_answers_503_with_retry_after_and_stores_nothing() {
    let center = Center::with(Review::Auto, |state| state.with_max_waiting(0));
    let admission = Arc::clone(&center.state.admission);
    let mut judging = Vec::new();
    for _ in 0..admission.judges() {
        judging.push(admission.enter(0).await.expect("a free judge"));
    }
    let answer = center
        .send(upload(KIOSK_TOKEN, "busy-1", &good_parts()))
        .await;
    answer.refused("every judge busy", 503, "busy", "try again");
    let retry: u64 = answer
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry), "Retry-After: {retry}");
    assert_eq!(center.stored(), 0);
    // A judge is free again: the same id is taken.
    drop(judging);
    let answer = center
        .send(upload(KIOSK_TOKEN, "busy-1", &good_parts()))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
}

#[tokio::test]
async fn an_upload_whose_body_never_comes_is_answered_408() {
    let body = Duration::from_millis(150);
    let center = Center::with(Review::Auto, |state| {
        state.with_doors(Doors {
            body,
            ..Doors::default()
        })
    });
    let request = submission(KIOSK_TOKEN, "slow-1")
        .header(header::CONTENT_TYPE, form_type())
        .body(stalled())
        .expect("request");
    let started = std::time::Instant::now();
    let answer = center.send(request).await;
    answer.refused("a stalled body", 408, "body_timeout", "did not arrive");
    assert!(started.elapsed() >= body, "{:?}", started.elapsed());
    assert_eq!(center.stored(), 0);
}

#[tokio::test]
async fn a_center_that_cannot_read_its_book_answers_503_to_health_and_500_to_the_rest() {
    let center = Center::new(Review::Auto);
    rusqlite::Connection::open(center.dir.path().join("center.sqlite"))
        .expect("open the book")
        .execute_batch("DROP TABLE submissions;")
        .expect("damage it");
    let retry_after = |answer: &Answer| {
        answer
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let health = center.send(get("/v1/health", None)).await;
    health.refused("health", 503, "unavailable", "book");
    assert_eq!(retry_after(&health).as_deref(), Some("5"));
    for (what, request) in [
        ("an upload", upload(KIOSK_TOKEN, "broken-1", &good_parts())),
        (
            "a fetch",
            get("/v1/submissions/broken-1", Some(KIOSK_TOKEN)),
        ),
        (
            "the review list",
            get("/v1/review/pending", Some(STAFF_TOKEN)),
        ),
    ] {
        let answer = center.send(request).await;
        answer.refused(what, 500, "internal", "try again");
        assert_eq!(retry_after(&answer).as_deref(), Some("5"), "{what}");
        // Nothing of the failure (a path, SQLite's words) reaches the client.
        assert!(
            !answer.message().contains("sqlite"),
            "{what}: {}",
            answer.json
        );
    }
}

/// The control: a compliant passport photo, made the booth's way from a capture of the demo's
/// subject, is approved with a receipt number and stored once; a repeat gets the first answer.
#[tokio::test]
async fn a_compliant_photo_is_approved_and_stored_once() {
    use crate::camera::{Placement, Subject};
    use crate::vision::{FaceDetector, assess_still};
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let photo = tokio::task::spawn_blocking(move || {
        let portrait = image::open(crate::DEMO_PORTRAIT)
            .expect("the demo's portrait: run `bash .ci/setup test`")
            .to_rgb8();
        let mut detector = FaceDetector::new().expect("the face models");
        let assessment = assess_still(&mut detector, &portrait);
        let face = *assessment.face().expect("a face in the demo's portrait");
        let landmarks = assessment
            .landmarks
            .clone()
            .expect("the demo portrait's face mesh");
        let capture = Subject::of_person(portrait, face, &landmarks).compose(
            1280,
            720,
            &Placement::default(),
        );
        let out = crate::photo::process(&mut detector, &capture, spec, &config.thresholds)
            .expect("normalize");
        assert!(out.reasons().is_empty(), "{:?}", out.reasons());
        out.jpeg.bytes
    })
    .await
    .expect("the photo");
    let center = Center::new(Review::Auto);
    let parts = || vec![meta_part(json(&meta())), photo_part(photo.clone())];
    let answer = center.send(upload(KIOSK_TOKEN, "good-1", &parts())).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert_eq!(answer.json["status"], "approved", "{}", answer.json);
    let receipt_no = answer.json["receipt_no"].as_str().unwrap_or_default();
    assert!(
        crate::center::api::is_receipt_no(receipt_no) && receipt_no.starts_with("440300"),
        "{receipt_no:?}"
    );
    let again = center.send(upload(KIOSK_TOKEN, "good-1", &parts())).await;
    assert_eq!((again.status, &again.json), (StatusCode::OK, &answer.json));
    assert_eq!(center.stored(), 1);
}
