//! The detection center and the kiosk's delivery, over real HTTP on 127.0.0.1 with real SQLite
//! files: answers, review, faults on the way (a scripted proxy in front of the real center),
//! killed processes, HTTPS, bad requests, and load. In every case each submission reaches the
//! center's book exactly once and every receipt number is unique.

use crate::util;

use util::parcel;

use std::collections::{HashSet, VecDeque};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idbooth::center::CenterConfig;
use idbooth::center::api::{Parcel, Status, Submission, is_receipt_no};
use idbooth::center::gate::Doors;
use idbooth::center::judge::Judge;
use idbooth::center::ledger::{Ledger, Review};
use idbooth::center::outbox::{Outbox, State};
use idbooth::center::server::{CenterState, RunningCenter, TlsPem};
use idbooth::center::tokens::Tokens;
use idbooth::center::{Center, Courier};

const TOKEN: &str = "demo-kiosk-token-0123456789abcdef";
const OTHER_TOKEN: &str = "other-kiosk-token-0123456789abcdef";
const STAFF_TOKEN: &str = "staff-token-0123456789abcdef";
const ID_NUMBER: &str = "11010519491231002X";

/// The load test has the machine to itself: it takes this for writing, every other test for
/// reading (timeouts elsewhere would measure the load, not the code).
static MACHINE: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn shared_machine() -> std::sync::RwLockReadGuard<'static, ()> {
    MACHINE
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn kiosk_id() -> String {
    util::config().kiosk.kiosk.id
}

fn tokens() -> Tokens {
    Tokens::parse(&format!(
        "[kiosks]\n{} = \"{TOKEN}\"\nother-kiosk = \"{OTHER_TOKEN}\"\n[staff]\nreviewer = \"{STAFF_TOKEN}\"\n",
        kiosk_id()
    ))
    .expect("tokens")
}

/// The reference center in this process, its book in a temp folder.
struct TestCenter {
    running: RunningCenter,
    _dir: tempfile::TempDir,
}

impl TestCenter {
    fn start(review: Review) -> TestCenter {
        TestCenter::start_on("127.0.0.1:0", review, None)
    }

    fn start_on(addr: &str, review: Review, tls: Option<TlsPem>) -> TestCenter {
        let dir = tempfile::tempdir().expect("temp");
        let running = serve(addr, dir.path(), review, tls);
        TestCenter { running, _dir: dir }
    }

    fn url(&self) -> String {
        self.running.url()
    }

    fn ledger(&self) -> &Ledger {
        self.running.state().ledger()
    }
}

fn serve(addr: &str, dir: &Path, review: Review, tls: Option<TlsPem>) -> RunningCenter {
    serve_with(addr, dir, review, tls, Doors::default())
}

fn serve_with(
    addr: &str,
    dir: &Path,
    review: Review,
    tls: Option<TlsPem>,
    doors: Doors,
) -> RunningCenter {
    let config = util::config();
    let ledger = Ledger::open(dir, config.documents.clone()).expect("ledger");
    let state = CenterState::new(
        ledger,
        Judge::new(config.documents.clone(), config.thresholds),
        tokens(),
        config.cities.clone(),
        review,
    )
    .with_doors(doors);
    let listener = TcpListener::bind(addr).expect("listen");
    RunningCenter::start(listener, Arc::new(state), tls).expect("serve")
}

/// The kiosk's `[center]` pointing at `url`, with short delays for the tests.
fn center_config(url: &str) -> CenterConfig {
    let mut c = util::config().kiosk.center;
    c.url = url.to_owned();
    // Loopback connects at once; 2 s only keeps a busy 2-core machine from failing a try
    // that never reached the proxy (the fault test counts tries exactly).
    c.connect_timeout_ms = 2_000;
    c.request_timeout_ms = 3_000;
    c.retry_min_ms = 20;
    c.retry_max_ms = 200;
    c.poll_interval_ms = 50;
    c
}

fn courier(dir: &Path, url: &str) -> Courier {
    Courier::start(&dir.join("outbox.sqlite"), &center_config(url)).expect("courier")
}

fn wait_final(courier: &Courier, id: &str, limit: Duration) -> Submission {
    courier
        .wait(id, limit)
        .expect("outbox")
        .filter(|a| a.status != Status::Pending)
        .unwrap_or_else(|| {
            let list = courier.with_outbox(|o| o.list()).expect("list");
            panic!("no final answer for {id} within {limit:?}: {list:#?}")
        })
}

/// The center's book holds each of `ids` once, with distinct receipt numbers, and nothing else.
fn assert_once_each(ledger: &Ledger, ids: &[String]) {
    assert_eq!(ledger.count().expect("count"), ids.len() as u64);
    let mut numbers = HashSet::new();
    for id in ids {
        let (_, answer) = ledger.find(id).expect("find").expect("stored");
        if let Some(no) = answer.receipt_no {
            assert!(is_receipt_no(&no), "{no}");
            assert!(
                numbers.insert(no.clone()),
                "receipt number {no} issued twice"
            );
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A raw request, for the tests of what the server refuses.
fn call(request: reqwest::RequestBuilder) -> (u16, serde_json::Value, reqwest::header::HeaderMap) {
    runtime().block_on(async {
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body");
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{status}: not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        (status, json, headers)
    })
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn form(meta: &str, photo: Vec<u8>, content_type: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .part(
            "meta",
            reqwest::multipart::Part::text(meta.to_owned())
                .mime_str("application/json")
                .expect("mime"),
        )
        .part(
            "photo",
            reqwest::multipart::Part::bytes(photo)
                .file_name("p.jpg")
                .mime_str(content_type)
                .expect("mime"),
        )
}

fn meta_json(p: &Parcel) -> String {
    serde_json::to_string(&p.meta).expect("json")
}

fn post(url: &str, token: &str, id: &str) -> reqwest::RequestBuilder {
    http()
        .post(format!("{url}/v1/submissions"))
        .bearer_auth(token)
        .header("Idempotency-Key", id)
}

#[test]
fn approved_with_a_receipt_number_and_a_repeat_gets_the_first_answer() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &center.url());
    let answer = courier
        .submit(parcel("approve-1"), Duration::from_secs(30))
        .expect("stored")
        .expect("answered");
    assert_eq!(answer.status, Status::Approved, "{answer:?}");
    let no = answer.receipt_no.clone().expect("receipt number");
    assert!(no.starts_with("440300"), "{no}");
    assert_eq!(no.len(), 18);
    assert_eq!(answer.image_no.as_deref(), Some(format!("P{no}").as_str()));
    assert!(answer.valid_until.is_some());

    // The same id again, straight over HTTP: the first answer, nothing new stored.
    let p = parcel("approve-1");
    let (status, json, _) = call(post(&center.url(), TOKEN, "approve-1").multipart(form(
        &meta_json(&p),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!(status, 200);
    assert_eq!(json["receipt_no"], no.as_str());
    // A second submission gets the next number.
    let second = courier
        .submit(parcel("approve-2"), Duration::from_secs(30))
        .expect("stored")
        .expect("answered");
    assert_ne!(second.receipt_no, answer.receipt_no);
    assert_once_each(center.ledger(), &["approve-1".into(), "approve-2".into()]);
    // GET answers the same.
    let (status, json, _) = call(
        http()
            .get(format!("{}/v1/submissions/approve-1", center.url()))
            .bearer_auth(TOKEN),
    );
    assert_eq!(
        (status, json["receipt_no"].as_str()),
        (200, Some(no.as_str()))
    );
}

#[test]
fn the_center_stores_what_it_checked_and_a_key_reused_with_another_body_is_refused() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    // Typed in groups, with a lowercase check character, and sent with a lowercase scheme.
    let mut p = parcel("typed-1");
    p.meta.applicant.id_number = "110105 19491231 002x".to_owned();
    let send = |p: &Parcel, photo: Vec<u8>| {
        call(
            http()
                .post(format!("{}/v1/submissions", center.url()))
                .header("Authorization", format!("bearer {TOKEN}"))
                .header("Idempotency-Key", &p.id)
                .multipart(form(&meta_json(p), photo, "image/jpeg")),
        )
    };
    let (status, first, _) = send(&p, p.photo.clone());
    assert_eq!(status, 201, "{first}");
    let (meta, _) = center
        .ledger()
        .sent("typed-1")
        .expect("read")
        .expect("stored");
    assert_eq!(meta.applicant.id_number, ID_NUMBER);
    // The same body again: the first answer.
    let (status, again, _) = send(&p, p.photo.clone());
    assert_eq!((status, &again), (200, &first));
    // The same key with another photo, or another applicant: refused, nothing changed.
    let mut other_photo = p.photo.clone();
    let last = other_photo.len() - 3;
    other_photo[last] ^= 1;
    let (status, json, _) = send(&p, other_photo);
    assert_eq!(status, 422, "{json}");
    assert_eq!(json["error"]["code"], "idempotency_key_reused");
    let mut other = p.clone();
    other.meta.applicant.name = "李四".to_owned();
    let (status, json, _) = send(&other, p.photo.clone());
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    assert_once_each(center.ledger(), &["typed-1".into()]);
}

#[test]
fn a_center_that_cannot_read_its_book_says_so_and_asks_kiosks_to_come_back() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let (status, json, _) = call(http().get(format!("{}/v1/health", center.url())));
    assert_eq!((status, json["status"].as_str()), (200, Some("ok")));
    // The book is damaged under the running center.
    let book = rusqlite::Connection::open(center._dir.path().join("center.sqlite")).expect("open");
    book.execute_batch("DROP TABLE submissions;").expect("drop");
    let (status, json, headers) = call(http().get(format!("{}/v1/health", center.url())));
    assert_eq!(status, 503, "{json}");
    assert_eq!(headers["retry-after"], "5");
    let p = parcel("broken-1");
    let (status, json, headers) = call(post(&center.url(), TOKEN, "broken-1").multipart(form(
        &meta_json(&p),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!(status, 500, "{json}");
    assert_eq!(headers["retry-after"], "5");
}

#[test]
fn a_photo_out_of_spec_is_rejected_with_reasons_and_its_data_wiped_once_released() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &center.url());
    // A passport photo sent as a driving licence: the wrong size and file size for it.
    let mut p = parcel("reject-1");
    p.meta.document = "driving_licence".into();
    let answer = courier
        .submit(p, Duration::from_secs(30))
        .expect("stored")
        .expect("answered");
    assert_eq!(answer.status, Status::Rejected);
    let codes: Vec<&str> = answer.reasons.iter().map(|r| r.code.code()).collect();
    assert!(codes.contains(&"wrong_size"), "{codes:?}");
    assert!(answer.reasons.iter().all(|r| !r.message.is_empty()));
    assert_eq!(answer.receipt_no, None);

    let holds = |c: &Courier| {
        c.with_outbox(|o| o.list())
            .expect("list")
            .into_iter()
            .find(|e| e.id == "reject-1")
            .expect("entry")
            .holds_pii
    };
    assert!(holds(&courier), "kept until the kiosk is done with it");
    Center::release(&courier, "reject-1");
    assert!(!holds(&courier), "the applicant's data and photo are wiped");
    // The answer itself stays.
    assert_eq!(
        Center::answer(&courier, "reject-1").map(|a| a.status),
        Some(Status::Rejected)
    );
}

#[test]
fn manual_review_keeps_it_pending_until_a_reviewer_decides_and_the_kiosk_polls() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Manual);
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &center.url());
    // The center judges, then keeps them pending: that is all the kiosk hears.
    for id in ["review-1", "review-2"] {
        courier.put(&parcel(id)).expect("put");
    }
    let until = Instant::now() + Duration::from_secs(30);
    let pending = |id: &str| courier.answer(id).expect("outbox");
    while (pending("review-1").is_none() || pending("review-2").is_none()) && Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let first = pending("review-1").expect("answered");
    assert_eq!(first.status, Status::Pending);
    assert_eq!(first.receipt_no, None);
    // Within a budget the kiosk waits, and at its end it has the pending answer.
    let late = courier
        .wait("review-1", Duration::from_millis(200))
        .expect("outbox");
    assert_eq!(late.map(|a| a.status), Some(Status::Pending));

    // Kiosks may not review; staff may.
    let (status, _, _) = call(
        http()
            .get(format!("{}/v1/review/pending", center.url()))
            .bearer_auth(TOKEN),
    );
    assert_eq!(status, 403);
    let (status, list, _) = call(
        http()
            .get(format!("{}/v1/review/pending", center.url()))
            .bearer_auth(STAFF_TOKEN),
    );
    assert_eq!(status, 200);
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2, "{list}");
    assert!(ids.contains(&"review-1") && ids.contains(&"review-2"));

    let decide = |id: &str, body: serde_json::Value| {
        call(
            http()
                .post(format!("{}/v1/review/{id}", center.url()))
                .bearer_auth(STAFF_TOKEN)
                .json(&body),
        )
    };
    let (status, json, _) = decide("review-1", serde_json::json!({"decision": "approve"}));
    assert_eq!((status, json["status"].as_str()), (200, Some("approved")));
    let (status, json, _) = decide("review-2", serde_json::json!({"decision": "reject"}));
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (422, Some("no_reasons"))
    );
    let (status, _, _) = decide(
        "review-2",
        serde_json::json!({"decision": "reject", "reasons": ["head_tilted"]}),
    );
    assert_eq!(status, 200);
    // Decided once only.
    let (status, json, _) = decide(
        "review-1",
        serde_json::json!({"decision": "reject", "reasons": ["other"]}),
    );
    assert_eq!(
        (status, json["error"]["code"].as_str()),
        (409, Some("not_pending"))
    );

    // The courier polls and learns both decisions.
    let approved = wait_final(&courier, "review-1", Duration::from_secs(10));
    assert_eq!(approved.status, Status::Approved);
    assert!(approved.receipt_no.as_deref().is_some_and(is_receipt_no));
    let rejected = wait_final(&courier, "review-2", Duration::from_secs(10));
    assert_eq!(rejected.reasons[0].code.code(), "head_tilted");
    assert_once_each(center.ledger(), &["review-1".into(), "review-2".into()]);
}

#[test]
fn the_server_refuses_bad_requests_with_a_json_error() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let url = center.url();
    let p = parcel("bad-1");
    let good = || form(&meta_json(&p), p.photo.clone(), "image/jpeg");
    let code = |j: &serde_json::Value| j["error"]["code"].as_str().unwrap_or("").to_owned();

    // Health needs no token.
    let (status, json, _) = call(http().get(format!("{url}/v1/health")));
    assert_eq!((status, json["status"].as_str()), (200, Some("ok")));
    // No token, a wrong token: 401 with the JSON body, before the body is read.
    let (status, json, _) = call(
        http()
            .post(format!("{url}/v1/submissions"))
            .header("Idempotency-Key", "bad-1")
            .multipart(good()),
    );
    assert_eq!((status, code(&json)), (401, "unauthorized".into()));
    let (status, json, _) = call(post(&url, "not-a-token-at-all-0000", "bad-1").multipart(good()));
    assert_eq!((status, code(&json)), (401, "unauthorized".into()));
    // Not multipart.
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").json(&serde_json::json!({"a": 1})));
    assert_eq!(
        (status, code(&json)),
        (415, "unsupported_media_type".into())
    );
    // A photo that is not a JPEG, by type or by bytes.
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&p),
        p.photo.clone(),
        "image/png",
    )));
    assert_eq!(
        (status, code(&json)),
        (415, "unsupported_media_type".into())
    );
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(354, 472)
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    let png = png.into_inner();
    let (status, json, _) =
        call(post(&url, TOKEN, "bad-1").multipart(form(&meta_json(&p), png, "image/jpeg")));
    assert_eq!(
        (status, code(&json)),
        (415, "unsupported_media_type".into()),
        "{json}"
    );
    // Too big: a 3 MB photo, a huge meta.
    // Over the body limit: refused on the headers, before a byte of the body is sent.
    let (status, json) = oversized_request(&url);
    assert_eq!(
        (status, code(&json)),
        (413, "payload_too_large".into()),
        "{json}"
    );
    let mut huge = p.photo.clone();
    huge.resize(1536 * 1024, 0);
    let (status, json, _) =
        call(post(&url, TOKEN, "bad-1").multipart(form(&meta_json(&p), huge, "image/jpeg")));
    assert_eq!((status, code(&json)), (413, "payload_too_large".into()));
    let mut fat = p.clone();
    fat.meta
        .quality
        .insert("x".into(), "y".repeat(40_000).into());
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&fat),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!((status, code(&json)), (413, "payload_too_large".into()));
    // Meta that is not JSON; huge or wrong fields.
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        "{not json",
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!((status, code(&json)), (400, "bad_meta".into()));
    let mut long = p.clone();
    long.meta.applicant.name = "张".repeat(500);
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&long),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!(
        (status, code(&json)),
        (422, "invalid_meta".into()),
        "{json}"
    );
    let mut wrong_id = p.clone();
    wrong_id.meta.applicant.id_number = "110105194912310021".into();
    let (status, json, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&wrong_id),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!((status, code(&json)), (422, "invalid_meta".into()));
    let mut province = p.clone();
    province.meta.city_code = "440000".into();
    let (status, _, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&province),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!(status, 422);
    let mut document = p.clone();
    document.meta.document = "../../etc/passwd".into();
    let (status, _, _) = call(post(&url, TOKEN, "bad-1").multipart(form(
        &meta_json(&document),
        p.photo.clone(),
        "image/jpeg",
    )));
    assert_eq!(status, 422);
    // Another kiosk's id in the meta.
    let (status, json, _) = call(post(&url, OTHER_TOKEN, "bad-1").multipart(good()));
    assert_eq!((status, code(&json)), (403, "forbidden".into()));
    // Ids: missing, path tricks.
    let (status, json, _) = call(
        http()
            .post(format!("{url}/v1/submissions"))
            .bearer_auth(TOKEN)
            .multipart(good()),
    );
    assert_eq!(
        (status, code(&json)),
        (400, "missing_idempotency_key".into())
    );
    let (status, _, _) = call(post(&url, TOKEN, "../../etc/passwd").multipart(good()));
    assert_eq!(status, 400);
    for path in ["..%2F..%2Fcenter.sqlite", "a%00b", "center.sqlite"] {
        let (status, json, _) = call(
            http()
                .get(format!("{url}/v1/submissions/{path}"))
                .bearer_auth(TOKEN),
        );
        assert_eq!((status, code(&json)), (400, "bad_id".into()), "{path}");
    }
    // Nothing of the above was stored.
    assert_eq!(center.ledger().count().expect("count"), 0);

    // A good one from this kiosk; another kiosk may not read it.
    let (status, _, _) = call(post(&url, TOKEN, "bad-1").multipart(good()));
    assert_eq!(status, 201);
    let (status, json, _) = call(
        http()
            .get(format!("{url}/v1/submissions/bad-1"))
            .bearer_auth(OTHER_TOKEN),
    );
    assert_eq!((status, code(&json)), (403, "forbidden".into()));
    let (status, _, _) = call(
        http()
            .get(format!("{url}/v1/submissions/nobody"))
            .bearer_auth(TOKEN),
    );
    assert_eq!(status, 404);
    assert_eq!(center.ledger().count().expect("count"), 1);
}

/// A request that announces a 3 MB body and sends none: the answer must come anyway.
fn oversized_request(url: &str) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST /v1/submissions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Idempotency-Key: big-1\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n--XyZ\r\n",
        3 * 1024 * 1024
    )
    .expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or_default())
}

/// What the proxy does with one request.
#[derive(Debug, Clone)]
enum Fault {
    /// Pass it on.
    Forward,
    /// Pass it on, then hold the answer this long (the kiosk times out; the center has it).
    ForwardThenHold(Duration),
    /// Answer this status with an HTML body, without passing it on.
    Status(u16),
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 with a 1 MB body.
    Oversized,
    /// 429 with `Retry-After: n`.
    TooMany(u64),
    /// This status with an API error whose words quote the applicant (a careless center).
    Quoting(u16),
    /// A rejection whose reason's words quote the applicant, without passing the request on.
    RejectQuoting,
}

/// The words of a careless center's error: the applicant's name and ID number.
const QUOTED: &str = "applicant 张三 (11010519491231002X) is not on our list";

/// A proxy in front of the center that applies a script of faults, one per request, and logs
/// what it saw.
struct Proxy {
    url: String,
    script: Arc<Mutex<VecDeque<Fault>>>,
    log: Arc<Mutex<Vec<(Instant, String)>>>,
    _thread: std::thread::JoinHandle<()>,
}

impl Proxy {
    fn start(upstream: String, script: Vec<Fault>) -> Proxy {
        Proxy::start_on(
            TcpListener::bind("127.0.0.1:0").expect("listen"),
            upstream,
            script,
        )
    }

    fn start_on(listener: TcpListener, upstream: String, script: Vec<Fault>) -> Proxy {
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (s, l) = (Arc::clone(&script), Arc::clone(&log));
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                listener.set_nonblocking(true).expect("nonblocking");
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let client = http();
                let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
                    let (s, l, client, upstream) = (
                        Arc::clone(&s),
                        Arc::clone(&l),
                        client.clone(),
                        upstream.clone(),
                    );
                    async move { proxy(request, &s, &l, &client, &upstream).await }
                });
                axum::serve(listener, app).await.expect("proxy");
            });
        });
        Proxy {
            url: format!("http://{addr}"),
            script,
            log,
            _thread: thread,
        }
    }

    fn seen(&self) -> Vec<(Instant, String)> {
        self.log.lock().expect("log").clone()
    }

    fn set(&self, script: Vec<Fault>) {
        *self.script.lock().expect("script") = VecDeque::from(script);
    }
}

async fn proxy(
    request: axum::extract::Request,
    script: &Mutex<VecDeque<Fault>>,
    log: &Mutex<Vec<(Instant, String)>>,
    client: &reqwest::Client,
    upstream: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| parts.uri.path().to_owned(), str::to_owned);
    log.lock().expect("log").push((Instant::now(), key.clone()));
    // Faults hit submissions; the courier's health probes pass.
    let fault = if parts.headers.contains_key("idempotency-key") {
        script
            .lock()
            .expect("script")
            .pop_front()
            .unwrap_or(Fault::Forward)
    } else {
        Fault::Forward
    };
    // The whole request is read before any answer: answered early, the kiosk could meet a
    // broken pipe while still sending instead of the answer the fault stands for.
    let bytes = axum::body::to_bytes(body, 4 << 20).await.expect("body");
    let forward = || async {
        let mut out = client.request(parts.method.clone(), format!("{upstream}{}", parts.uri));
        for (name, value) in &parts.headers {
            if name != "host" && name != "content-length" {
                out = out.header(name, value);
            }
        }
        let answer = out.body(bytes.clone()).send().await.expect("upstream");
        let status = answer.status();
        let body = answer.bytes().await.expect("upstream body");
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    };
    match fault {
        Fault::Forward => forward().await,
        Fault::ForwardThenHold(hold) => {
            let answer = forward().await;
            tokio::time::sleep(hold).await;
            answer
        }
        Fault::Status(code) => (
            axum::http::StatusCode::from_u16(code).expect("status"),
            "<html>the center is having a bad day</html>",
        )
            .into_response(),
        Fault::Garbage => (
            axum::http::StatusCode::OK,
            "<html>welcome to the captive portal",
        )
            .into_response(),
        Fault::Oversized => (axum::http::StatusCode::OK, vec![b'{'; 1 << 20]).into_response(),
        Fault::Quoting(code) => (
            axum::http::StatusCode::from_u16(code).expect("status"),
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            serde_json::json!({"error": {"code": "not\nlisted", "message": QUOTED}}).to_string(),
        )
            .into_response(),
        Fault::RejectQuoting => (
            axum::http::StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            serde_json::json!({
                "id": key,
                "status": "rejected",
                "reasons": [{"code": "head_tilted", "message": QUOTED}],
                "created_at": chrono::Local::now().to_rfc3339(),
            })
            .to_string(),
        )
            .into_response(),
        Fault::TooMany(seconds) => (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, seconds.to_string())],
            r#"{"error":{"code":"busy","message":"slow down"}}"#,
        )
            .into_response(),
    }
}

fn tries_of(proxy: &Proxy, id: &str) -> Vec<Instant> {
    proxy
        .seen()
        .into_iter()
        .filter(|(_, k)| k == id)
        .map(|(t, _)| t)
        .collect()
}

#[test]
fn faults_on_the_way_end_in_exactly_one_stored_submission_each() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let proxy = Proxy::start(
        center.url(),
        vec![
            Fault::Status(500),
            Fault::Status(502),
            Fault::Garbage,
            Fault::Oversized,
            // Slow beyond the kiosk's 3 s timeout: the center stores it, the kiosk hears nothing.
            Fault::ForwardThenHold(Duration::from_secs(5)),
        ],
    );
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &proxy.url);
    courier.put(&parcel("fault-1")).expect("put");
    let answer = wait_final(&courier, "fault-1", Duration::from_secs(30));
    assert_eq!(answer.status, Status::Approved);
    // Every scripted fault was met by another try, and one try got through. On a busy machine
    // a forward can outlast the kiosk's timeout too, so there may be more; never fewer.
    let tries = tries_of(&proxy, "fault-1").len();
    assert!(proxy.script.lock().expect("script").is_empty());
    assert!(tries >= 6, "{:?}", proxy.seen());
    // However many tries, one submission is stored.
    assert_once_each(center.ledger(), &["fault-1".into()]);
    // The answer the kiosk got is the one the center stored first.
    let (_, stored) = center
        .ledger()
        .find("fault-1")
        .expect("find")
        .expect("stored");
    assert_eq!(stored, answer);
    // The kiosk counted every try the proxy saw; a try that never got a connection counts too.
    let entry = courier.with_outbox(|o| o.list()).expect("list").remove(0);
    assert_eq!(entry.state, State::Answered);
    assert!(entry.attempts as usize >= tries, "{entry:?}");
}

/// A courier whose retries start at 100 ms and double up to 1 s.
fn slow_courier(dir: &Path, url: &str) -> Courier {
    let mut config = center_config(url);
    config.retry_min_ms = 100;
    config.retry_max_ms = 1_000;
    Courier::start(&dir.join("outbox.sqlite"), &config).expect("courier")
}

#[test]
fn a_404_to_an_upload_is_retried_with_backoff_and_counted() {
    // A proxy that answers 404 (a wrong path prefix): the kiosk used to send again at once, in a
    // tight loop, without counting.
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let proxy = Proxy::start(center.url(), vec![Fault::Status(404); 1_000]);
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = slow_courier(kiosk.path(), &proxy.url);
    courier.put(&parcel("lost-1")).expect("put");
    std::thread::sleep(Duration::from_secs(2));
    let tries = tries_of(&proxy, "lost-1").len();
    // 0, 50–100, 100–200, 200–400, 400–800 ms … : at most 6 in 2 s.
    assert!((2..=8).contains(&tries), "{tries} tries in 2 s");
    let entry = courier.with_outbox(|o| o.list()).expect("list").remove(0);
    assert!(entry.attempts as usize >= tries, "{entry:?}");
    let error = entry.last_error.unwrap_or_default();
    assert!(error.contains("404"), "{error}");
    // The way is right again: it arrives.
    proxy.set(Vec::new());
    let answer = wait_final(&courier, "lost-1", Duration::from_secs(10));
    assert_eq!(answer.status, Status::Approved);
}

#[test]
fn an_outbox_that_cannot_be_written_is_not_a_reason_to_upload_again_and_again() {
    // The disk is full: the center's answer cannot be recorded. The courier used to send the
    // whole photo again about 20 times a second; it now waits as for a center that is down.
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let proxy = Proxy::start(center.url(), Vec::new());
    let kiosk = tempfile::tempdir().expect("temp");
    let file = kiosk.path().join("outbox.sqlite");
    let courier = slow_courier(kiosk.path(), &proxy.url);
    // Every change to a stored submission fails, as SQLite's writes do on a full disk.
    let other = rusqlite::Connection::open(&file).expect("open");
    other
        .execute_batch(
            "CREATE TRIGGER full BEFORE UPDATE ON outbox
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .expect("trigger");
    courier.put(&parcel("full-1")).expect("put");
    std::thread::sleep(Duration::from_secs(2));
    let tries = tries_of(&proxy, "full-1").len();
    assert!((1..=8).contains(&tries), "{tries} uploads in 2 s");
    // Room again: the answer is recorded, once.
    other.execute_batch("DROP TRIGGER full;").expect("drop");
    let answer = wait_final(&courier, "full-1", Duration::from_secs(10));
    assert_eq!(answer.status, Status::Approved);
    assert_once_each(center.ledger(), &["full-1".into()]);
}

#[test]
fn a_429_is_retried_no_sooner_than_its_retry_after() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let proxy = Proxy::start(center.url(), vec![Fault::TooMany(2)]);
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &proxy.url);
    courier.put(&parcel("busy-1")).expect("put");
    wait_final(&courier, "busy-1", Duration::from_secs(20));
    let tries = tries_of(&proxy, "busy-1");
    assert_eq!(tries.len(), 2);
    // Backoff alone would have retried within 20 ms.
    let gap = tries[1] - tries[0];
    assert!(gap >= Duration::from_millis(1_950), "{gap:?}");
    assert_once_each(center.ledger(), &["busy-1".into()]);
}

#[test]
fn center_down_then_up_delivers_what_waited() {
    let _machine = shared_machine();
    // A port with nothing behind it yet.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("listen")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &url);
    let ids: Vec<String> = (0..3).map(|i| format!("down-{i}")).collect();
    for id in &ids {
        courier.put(&parcel(id)).expect("put");
    }
    std::thread::sleep(Duration::from_millis(800));
    let list = courier.with_outbox(|o| o.list()).expect("list");
    assert!(
        list.iter()
            .all(|e| e.state == State::Queued && e.attempts >= 1),
        "{list:#?}"
    );
    assert!(
        list.iter().all(|e| e
            .last_error
            .as_deref()
            .is_some_and(|m| m.contains("connect"))),
        "{list:#?}"
    );
    assert_eq!(courier.depth().expect("depth").undelivered, 3);
    let center = TestCenter::start_on(&format!("127.0.0.1:{port}"), Review::Auto, None);
    for id in &ids {
        assert_eq!(
            wait_final(&courier, id, Duration::from_secs(20)).status,
            Status::Approved
        );
    }
    assert_eq!(courier.depth().expect("depth").undelivered, 0);
    assert_once_each(center.ledger(), &ids);
}

/// The raw bytes of an outbox file and its WAL.
fn outbox_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).expect("outbox file");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A booth that is never restarted still wipes: a released submission once its retention has
/// passed, an uncollected one once a pending ticket's keep has; and the wiped name, ID number
/// and photo are nowhere in the outbox's files afterwards.
#[test]
fn retention_runs_out_while_the_booth_runs_and_leaves_nothing_in_the_file() {
    use idbooth::center::outbox::Retention;
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let kiosk = tempfile::tempdir().expect("temp");
    let path = kiosk.path().join("outbox.sqlite");
    let keep = Duration::from_secs(4);
    let courier = Courier::start_keeping(
        &path,
        &center_config(&center.url()),
        Retention {
            released: keep,
            uncollected: Duration::from_secs(6),
        },
    )
    .expect("courier");
    let name = "欧阳修远";
    let mut printed = parcel("keep-printed");
    printed.meta.applicant.name = name.into();
    let mut uncollected = parcel("keep-uncollected");
    uncollected.meta.applicant.name = name.into();
    let photo_probe = printed.photo[printed.photo.len() / 2..][..64].to_vec();
    for p in [&printed, &uncollected] {
        let answer = courier
            .submit(p.clone(), Duration::from_secs(30))
            .expect("stored")
            .expect("answered");
        assert_eq!(answer.status, Status::Approved);
    }
    let holds = |id: &str| {
        courier
            .with_outbox(|o| o.list())
            .expect("list")
            .into_iter()
            .find(|e| e.id == id)
            .expect("entry")
            .holds_pii
    };
    let released = Instant::now();
    Center::release(&courier, "keep-printed");
    let held = holds("keep-printed");
    if released.elapsed() < keep {
        assert!(
            held,
            "kept for its retention after the receipt, not wiped at once"
        );
    }
    // Nobody restarts the courier: it wipes both by itself.
    let until = Instant::now() + Duration::from_secs(90);
    while Instant::now() < until && (holds("keep-printed") || holds("keep-uncollected")) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!holds("keep-printed"), "released and past its retention");
    assert!(
        !holds("keep-uncollected"),
        "uncollected past a pending ticket's keep"
    );
    // The answers stay.
    assert_eq!(
        Center::answer(&courier, "keep-uncollected").map(|a| a.status),
        Some(Status::Approved)
    );
    let bytes = outbox_bytes(&path);
    assert!(
        !contains(&bytes, name.as_bytes()),
        "the name is still in the file"
    );
    assert!(
        !contains(&bytes, ID_NUMBER.as_bytes()),
        "the ID number is still in the file"
    );
    assert!(
        !contains(&bytes, &photo_probe),
        "the photo is still in the file"
    );
}

/// An ID number of `first17` with its right check character, so only the intended fault shows.
fn with_check(first17: &str) -> String {
    idbooth::applicant::with_check(first17).expect("17 digits")
}

/// The center's refusals of bad applicant data name the field and the kind of problem and quote
/// nothing the applicant typed: the kiosk logs them, keeps them and shows them to the operator.
#[test]
fn a_refusal_of_bad_applicant_data_quotes_none_of_it() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let url = center.url();
    let p = parcel("pii-1");
    // Numbers a message may hold without quoting the applicant: 18 characters, the other 17,
    // digits 7 to 14.
    let generic = ["7", "14", "17", "18"];
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "check character",
            "110105194912310021".into(),
            "check character",
        ),
        ("region", with_check("00010519491231002"), "region"),
        (
            "birth date",
            with_check("11010519491331002"),
            "not a real date",
        ),
        ("future", with_check("11010520991231002"), "future"),
        ("character", "11010519491231O02X".into(), "character"),
        ("length", "1101051949123100".into(), "18 characters"),
    ];
    for (what, id_number, words) in cases {
        let mut bad = p.clone();
        bad.meta.applicant.id_number = id_number.clone();
        let (status, json, _) = call(post(&url, TOKEN, "pii-1").multipart(form(
            &meta_json(&bad),
            p.photo.clone(),
            "image/jpeg",
        )));
        let body = json.to_string();
        assert_eq!(status, 422, "{what}: {body}");
        let message = json["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("applicant.id_number"), "{what}: {message}");
        assert!(message.contains(words), "{what}: {message}");
        for run in body
            .split(|c: char| !c.is_ascii_digit())
            .filter(|r| !r.is_empty())
        {
            assert!(
                generic.contains(&run),
                "{what}: the refusal quotes {run:?} of {id_number}: {body}"
            );
        }
        assert!(
            !body.contains("'O'") && !body.contains("\"O\""),
            "{what}: {body}"
        );
    }
    let mut bad = p.clone();
    bad.meta.applicant.name = "张☃丰".into();
    let (status, json, _) = call(post(&url, TOKEN, "pii-1").multipart(form(
        &meta_json(&bad),
        p.photo.clone(),
        "image/jpeg",
    )));
    let body = json.to_string();
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("applicant.name"), "{body}");
    for c in ['张', '☃', '丰'] {
        assert!(!body.contains(c), "the refusal quotes {c}: {body}");
    }
    // Meta of a wrong type quotes nothing either (serde's own words would).
    let wrong_type = meta_json(&p).replacen(
        &format!("\"{ID_NUMBER}\""),
        "[\"11010519491231002X-secret\"]",
        1,
    );
    assert!(wrong_type.contains("secret"));
    let (status, json, _) = call(post(&url, TOKEN, "pii-1").multipart(form(
        &wrong_type,
        p.photo.clone(),
        "image/jpeg",
    )));
    let body = json.to_string();
    assert_eq!(status, 400, "{body}");
    assert!(!body.contains("secret") && !body.contains("1949"), "{body}");
    assert_eq!(center.ledger().count().expect("count"), 0);
}

/// `idbooth center` as a process; its URL from its first line.
fn spawn_center(listen: &str, data: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = util::idbooth()
        .args(["center", "--listen", listen, "--data"])
        .arg(data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn center");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

#[test]
fn the_center_killed_mid_stream_and_restarted_loses_nothing_and_repeats_nothing() {
    let _machine = shared_machine();
    let data = tempfile::tempdir().expect("temp");
    let (mut center, url) = spawn_center("127.0.0.1:0", data.path());
    let listen = url.trim_start_matches("http://").to_owned();
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = courier(kiosk.path(), &url);
    let ids: Vec<String> = (0..8).map(|i| format!("kill-center-{i}")).collect();
    for id in &ids {
        courier.put(&parcel(id)).expect("put");
    }
    // Kill it once a few are stored, while the rest are on their way.
    let until = Instant::now() + Duration::from_secs(30);
    while courier.depth().expect("depth").undelivered > 5 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    center.kill().expect("kill -9");
    center.wait().expect("reaped");
    let answered_before = ids
        .iter()
        .filter_map(|id| courier.answer(id).ok().flatten())
        .collect::<Vec<_>>();
    assert!(answered_before.len() >= 3, "{}", answered_before.len());
    std::thread::sleep(Duration::from_millis(300));
    let (mut center, _) = spawn_center(&listen, data.path());
    for id in &ids {
        wait_final(&courier, id, Duration::from_secs(40));
    }
    center.kill().expect("kill");
    center.wait().expect("reaped");
    // What was answered before the kill is on disk, unchanged.
    let ledger = Ledger::open(data.path(), util::config().documents).expect("ledger");
    for before in &answered_before {
        let (_, stored) = ledger.find(&before.id).expect("find").expect("kept");
        assert_eq!(&stored, before);
    }
    assert_once_each(&ledger, &ids);
}

/// The shipped kiosk config, sending to `url` and retrying after 20 ms.
fn kiosk_config_for(url: &str) -> tempfile::TempDir {
    let config = util::config_copy();
    util::edit(
        config.path(),
        "kiosk.toml",
        "url = \"http://127.0.0.1:8410\"",
        &format!("url = \"{url}\""),
    );
    util::edit(
        config.path(),
        "kiosk.toml",
        "retry_min_ms = 1000",
        "retry_min_ms = 20",
    );
    config
}

#[test]
fn the_kiosk_killed_mid_upload_resumes_and_the_center_stores_it_once() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    // The first upload reaches the center, but its answer is held back.
    let proxy = Proxy::start(
        center.url(),
        vec![Fault::ForwardThenHold(Duration::from_secs(60))],
    );
    let config = kiosk_config_for(&proxy.url);
    let data = tempfile::tempdir().expect("temp");
    let ids: Vec<String> = (0..4).map(|i| format!("kill-kiosk-{i}")).collect();
    {
        let outbox = Outbox::open(&idbooth::outbox_path(data.path())).expect("outbox");
        for id in &ids {
            outbox.put(&parcel(id)).expect("put");
        }
    }
    let retry = || {
        let mut command = util::idbooth();
        command
            .arg("--config")
            .arg(config.path())
            .args(["outbox", "retry", "--wait", "60", "--data"])
            .arg(data.path());
        command
    };
    let mut kiosk = retry()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let until = Instant::now() + Duration::from_secs(30);
    while center.ledger().count().expect("count") == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        center.ledger().count().expect("count"),
        1,
        "the first one reached the center"
    );
    kiosk.kill().expect("kill -9");
    kiosk.wait().expect("reaped");
    let first = proxy.seen()[0].1.clone();
    let outbox = Outbox::open(&idbooth::outbox_path(data.path())).expect("outbox");
    let waiting = outbox.list().expect("list");
    assert!(
        waiting.iter().all(|e| e.state == State::Queued),
        "nothing was answered before the kill: {waiting:#?}"
    );
    // Restarted, it delivers everything; the held one is sent again and gets its first answer.
    proxy.set(vec![]);
    let out = retry().output().expect("run");
    let (code, stdout, stderr) = util::parts(&out);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("all delivered"), "{stdout}");
    assert!(tries_of(&proxy, &first).len() >= 2);
    assert_once_each(center.ledger(), &ids);
    for e in outbox.list().expect("list") {
        let (_, stored) = center.ledger().find(&e.id).expect("find").expect("stored");
        assert_eq!(e.answer.as_ref(), Some(&stored));
    }

    // The operator's view: every one answered, no applicant data in the listing.
    let mut list = util::idbooth();
    list.arg("--config")
        .arg(config.path())
        .args(["outbox", "list", "--data"])
        .arg(data.path());
    let (code, stdout, stderr) = util::parts(&list.output().expect("run"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("4 submissions, 0 undelivered"), "{stdout}");
    assert!(stdout.contains(&first), "{stdout}");
    assert!(
        !stdout.contains("张") && !stdout.contains(ID_NUMBER),
        "{stdout}"
    );
    // A receipt from the outbox, as the printer would get it and as a PDF.
    let (_, stored) = center.ledger().find(&first).expect("find").expect("stored");
    let receipt_no = stored.receipt_no.expect("approved");
    // `receipt render` of that submission in `format`, written to `out`: its code and output.
    let render = |format: &str, out: &std::path::Path| {
        let mut render = util::idbooth();
        render
            .arg("--config")
            .arg(config.path())
            .arg("--data")
            .arg(data.path())
            .args([
                "receipt",
                "render",
                "--submission",
                &first,
                "--format",
                format,
                "-o",
            ])
            .arg(out);
        util::parts(&render.output().expect("run"))
    };
    let escpos = data.path().join("r.escpos");
    let (code, _, stderr) = render("escpos", &escpos);
    assert_eq!(code, 0, "{stderr}");
    let ops =
        idbooth::receipt::decode::decode(&std::fs::read(&escpos).expect("read")).expect("escpos");
    assert!(
        ops.contains(&idbooth::receipt::decode::Op::QrStore(receipt_no.clone())),
        "{ops:?}"
    );
    // Its PDF carries the JPEG the center approved, byte for byte (issue #17).
    let pdf = data.path().join("r.pdf");
    let (code, _, stderr) = render("pdf", &pdf);
    assert_eq!(code, 0, "{stderr}");
    let taken = std::process::Command::new("pdfimages")
        .arg("-j")
        .arg(&pdf)
        .arg(data.path().join("img"))
        .status()
        .expect("pdfimages runs (poppler-utils)");
    assert!(taken.success());
    let approved = outbox.parcel(&first).expect("read").expect("kept").photo;
    assert!(
        std::fs::read(data.path().join("img-000.jpg")).expect("a JPEG inside") == approved,
        "the receipt PDF carries the approved photo as it is"
    );
    // Once released (printed), the data is gone and the command says why.
    outbox
        .release(&first, &idbooth::center::outbox::Retention::default())
        .expect("release");
    let (code, _, stderr) = render("escpos", &escpos);
    assert_eq!(code, 2);
    assert!(stderr.contains("wiped"), "{stderr}");
}

/// A center that quotes the applicant in its errors is not quoted in the booth's log: the log
/// has the status and the error code; the words stay with the refused submission in the outbox
/// for the operator, and go when its data is wiped. Words in a rejection's reasons are not kept
/// at all: the booth has its own for each reason code.
#[test]
fn a_center_quoting_the_applicant_is_not_quoted_in_the_booths_log() {
    let _machine = shared_machine();
    let center = TestCenter::start(Review::Auto);
    let proxy = Proxy::start(center.url(), vec![Fault::Quoting(503), Fault::Quoting(422)]);
    let config = kiosk_config_for(&proxy.url);
    let data = tempfile::tempdir().expect("temp");
    let path = idbooth::outbox_path(data.path());
    Outbox::open(&path)
        .expect("outbox")
        .put(&parcel("quoted-1"))
        .expect("put");
    let retry = || {
        let mut command = util::idbooth();
        command
            .env("RUST_LOG", "info")
            .arg("--config")
            .arg(config.path())
            .args(["outbox", "retry", "--wait", "30", "--data"])
            .arg(data.path());
        command
    };
    let (code, stdout, stderr) = util::parts(&retry().output().expect("run"));
    assert_eq!(
        code, 1,
        "refused, waiting for the operator: {stdout}{stderr}"
    );
    // The log says what happened: the retried 503 and the refusal, by status and code.
    assert!(
        stderr.contains("503 Service Unavailable: notlisted"),
        "{stderr}"
    );
    assert!(stderr.contains("refused it (422): notlisted"), "{stderr}");
    for pii in ["张三", ID_NUMBER, "1949"] {
        assert!(!stderr.contains(pii), "the log quotes {pii}: {stderr}");
    }
    // The operator's listing has the center's words, to act on.
    let entry = Outbox::open(&path)
        .expect("outbox")
        .list()
        .expect("list")
        .remove(0);
    assert_eq!(entry.state, State::Refused);
    let kept = entry.last_error.expect("why it was refused");
    assert!(
        kept.contains("(422): notlisted") && kept.contains(QUOTED),
        "{kept}"
    );

    // Fixed at the center's end, the operator retries: the center rejects it, quoting the
    // applicant in its reason; the booth keeps the reason, in its own words.
    proxy.set(vec![Fault::RejectQuoting]);
    let (code, stdout, stderr) = util::parts(&retry().output().expect("run"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        !stderr.contains("张三") && !stderr.contains(ID_NUMBER),
        "{stderr}"
    );
    let outbox = Outbox::open(&path).expect("outbox");
    let answer = outbox
        .list()
        .expect("list")
        .remove(0)
        .answer
        .expect("answered");
    assert_eq!(answer.status, Status::Rejected);
    assert_eq!(answer.reasons.len(), 1);
    assert_eq!(
        answer.reasons[0].message,
        idbooth::spec::Reason::HeadTilted.message(idbooth::i18n::Language::ZH_CN)
    );
    // Released (the rejection was shown) and wiped: the words go with the data.
    outbox
        .release("quoted-1", &idbooth::center::outbox::Retention::default())
        .expect("release");
    let entry = outbox.list().expect("list").remove(0);
    assert_eq!(entry.state, State::Answered);
    assert!(!entry.holds_pii && entry.last_error.is_none(), "{entry:?}");
    drop(outbox);
    let bytes = outbox_bytes(&path);
    for pii in ["张三", ID_NUMBER] {
        assert!(
            !contains(&bytes, pii.as_bytes()),
            "{pii} is left in the outbox"
        );
    }
}

/// A CA and a certificate it signed for 127.0.0.1, in PEM.
fn test_pki() -> (String, TlsPem) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("key")).expect("ca");
    let key = KeyPair::generate().expect("key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("params")
        .signed_by(&key, &ca)
        .expect("leaf");
    (
        ca.pem(),
        TlsPem {
            cert: leaf.pem().into_bytes(),
            key: key.serialize_pem().into_bytes(),
        },
    )
}

#[test]
fn https_with_the_centers_ca_works_and_an_untrusted_certificate_is_refused() {
    let _machine = shared_machine();
    let (ca_pem, tls) = test_pki();
    let center = TestCenter::start_on("127.0.0.1:0", Review::Auto, Some(tls));
    assert!(center.url().starts_with("https://"));
    let kiosk = tempfile::tempdir().expect("temp");
    let ca_file = kiosk.path().join("center-ca.pem");
    std::fs::write(&ca_file, &ca_pem).expect("write");

    let mut trusted = center_config(&center.url());
    trusted.ca_file = Some(ca_file.display().to_string());
    let courier = Courier::start(&kiosk.path().join("a.sqlite"), &trusted).expect("courier");
    let answer = courier
        .submit(parcel("tls-1"), Duration::from_secs(30))
        .expect("stored")
        .expect("answered");
    assert_eq!(answer.status, Status::Approved);

    // Another CA: the handshake fails, nothing is sent, the submission waits.
    let (other_ca, _) = test_pki();
    let other_file = kiosk.path().join("other-ca.pem");
    std::fs::write(&other_file, other_ca).expect("write");
    let mut untrusted = center_config(&center.url());
    untrusted.ca_file = Some(other_file.display().to_string());
    let refused = Courier::start(&kiosk.path().join("b.sqlite"), &untrusted).expect("courier");
    refused.put(&parcel("tls-2")).expect("put");
    std::thread::sleep(Duration::from_millis(800));
    let entry = refused.with_outbox(|o| o.list()).expect("list").remove(0);
    assert_eq!(entry.state, State::Queued);
    let error = entry.last_error.unwrap_or_default().to_lowercase();
    assert!(
        error.contains("certificate") || error.contains("issuer"),
        "{error}"
    );
    assert_once_each(center.ledger(), &["tls-1".into()]);
}

#[test]
fn fifty_kiosks_sending_twenty_each_at_once_are_all_accounted_for() {
    let _machine = MACHINE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    const KIOSKS: usize = 50;
    const EACH: usize = 20;
    let center = TestCenter::start(Review::Auto);
    let url = center.url();
    let root = tempfile::tempdir().expect("temp");
    let mut all = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..KIOSKS)
            .map(|k| {
                let dir = root.path().join(format!("kiosk-{k}"));
                let url = url.clone();
                scope.spawn(move || {
                    let courier = courier(&dir, &url);
                    let ids: Vec<String> = (0..EACH).map(|i| format!("load-{k}-{i}")).collect();
                    for id in &ids {
                        courier.put(&parcel(id)).expect("put");
                    }
                    // All 1,000 are judged in some 5 minutes on 2 cores. The center judges the
                    // oldest capture first, so no kiosk starves; the last still waits for most.
                    for id in &ids {
                        assert_eq!(
                            wait_final(&courier, id, Duration::from_secs(900)).status,
                            Status::Approved
                        );
                    }
                    ids
                })
            })
            .collect();
        for h in handles {
            all.extend(h.join().expect("kiosk"));
        }
    });
    assert_eq!(all.len(), KIOSKS * EACH);
    assert_once_each(center.ledger(), &all);
}

#[test]
fn the_centers_and_the_outboxs_data_are_their_owners_alone() {
    // Started by hand (the shell's umask, not the unit's 0077): names, ID numbers and photos are
    // still readable by their owner only.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let root = tempfile::tempdir().expect("temp");
    let center = root.path().join("center-data");
    let ledger = Ledger::open(&center, util::config().documents).expect("ledger");
    drop(ledger);
    assert_eq!(mode(&center), 0o700);
    assert_eq!(mode(&center.join("center.sqlite")), 0o600);
    let kiosk = root.path().join("kiosk");
    let outbox = Outbox::open(&kiosk.join("outbox.sqlite")).expect("outbox");
    outbox.put(&parcel("perm-1")).expect("put");
    assert_eq!(mode(&kiosk), 0o700);
    for file in ["outbox.sqlite", "outbox.sqlite-wal"] {
        assert_eq!(mode(&kiosk.join(file)), 0o600, "{file}");
    }
}

/// A TCP connection to `center` from `source` (any 127.x.y.z is this machine).
fn connect_from(source: &str, center: SocketAddr) -> std::net::TcpStream {
    let stream = runtime().block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind(format!("{source}:0").parse().expect("address"))
            .expect("bind");
        socket.connect(center).await.expect("connect")
    });
    let stream = stream.into_std().expect("std");
    stream.set_nonblocking(false).expect("blocking");
    stream
}

/// Whether the center has closed `stream` (read gives end of file or a reset within `wait`).
fn closed(mut stream: &std::net::TcpStream, wait: Duration) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(wait)).expect("timeout");
    match stream.read(&mut [0u8; 64]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

/// `GET /v1/health` on a fresh connection: the status line, or None when the door is shut.
fn health_line(center: SocketAddr) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = connect_from("127.0.0.1", center);
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: center\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.lines().next().map(str::to_owned)
}

/// How many of `streams` the center has closed, once that count reaches `expected` or three
/// seconds have passed (a loaded machine takes a moment to accept and close them all).
fn closed_count(streams: &[std::net::TcpStream], expected: usize) -> usize {
    let started = Instant::now();
    loop {
        let shut = streams
            .iter()
            .filter(|s| closed(s, Duration::from_millis(20)))
            .count();
        if shut >= expected || started.elapsed() > Duration::from_secs(3) {
            return shut;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn idle_sockets_cannot_shut_the_center_and_health_answers_at_once() {
    let _machine = shared_machine();
    let dir = tempfile::tempdir().expect("temp");
    let doors = Doors {
        max_connections: 40,
        per_address: 8,
        first_request: Duration::from_secs(8),
        header_read: Duration::from_secs(8),
        body: Duration::from_secs(8),
    };
    let center = serve_with("127.0.0.1:0", dir.path(), Review::Auto, None, doors);
    let addr = center.addr();

    // 60 idle sockets from one address: 8 are held, the others closed as they come.
    let idle: Vec<_> = (0..60).map(|_| connect_from("127.0.0.2", addr)).collect();
    assert_eq!(
        closed_count(&idle, 52),
        52,
        "held beyond the limit of one address"
    );
    let started = Instant::now();
    let line = health_line(addr).expect("health answered");
    assert!(line.contains("200"), "{line}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "health took {:?}",
        started.elapsed()
    );

    // From many addresses the total is held at 40; past it the door is shut to everyone until
    // the idle ones time out (8 s without a request), then it opens again.
    let more: Vec<_> = (3..=10)
        .flat_map(|i| (0..8).map(move |_| i))
        .map(|i| connect_from(&format!("127.0.0.{i}"), addr))
        .collect();
    assert_eq!(
        closed_count(&more, 64 - (40 - 8)),
        64 - (40 - 8),
        "held beyond the total"
    );
    assert_eq!(
        health_line(addr),
        None,
        "the door is shut while 40 are held"
    );
    for s in idle.iter().chain(more.iter()) {
        assert!(
            closed(s, Duration::from_secs(12)),
            "an idle socket was held past the first-request timeout"
        );
    }
    let line = health_line(addr).expect("health answered again");
    assert!(line.contains("200"), "{line}");
}

#[test]
fn an_upload_whose_body_stops_coming_is_answered_408() {
    use std::io::{Read, Write};
    let _machine = shared_machine();
    let dir = tempfile::tempdir().expect("temp");
    let doors = Doors {
        body: Duration::from_secs(2),
        ..Doors::default()
    };
    let center = serve_with("127.0.0.1:0", dir.path(), Review::Auto, None, doors);
    let mut stream = connect_from("127.0.0.1", center.addr());
    let head = format!(
        "POST /v1/submissions HTTP/1.1\r\nHost: center\r\nAuthorization: Bearer {TOKEN}\r\n\
         Idempotency-Key: stalled-1\r\nContent-Type: multipart/form-data; boundary=XX\r\n\
         Content-Length: 5000\r\n\r\n--XX\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "answered after {:?}",
        started.elapsed()
    );
    assert_eq!(center.state().ledger().count().expect("count"), 0);
}
