//! The center as people use it, over real HTTP on 127.0.0.1 against the real center: booths'
//! heartbeats on the fleet page and in `/metrics` (parsed as Prometheus text), a silent booth
//! marked, the reviewers' pages (log in, review, approve, reject, look up, download) with their
//! refusals (a booth's token, a missing CSRF token), and the same pages driven in headless
//! Chromium.

use crate::chromium::Browser;
use crate::util;

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use idbooth::center::api::{Heartbeat, Status};
use idbooth::center::judge::Judge;
use idbooth::center::ledger::{Ledger, Review};
use idbooth::center::server::{CenterState, RunningCenter};
use idbooth::center::tokens::Tokens;
use idbooth::center::{Center, CenterConfig, Courier};
use idbooth::ops::OpsStore;

const TOKEN: &str = "web-kiosk-token-0123456789abcdef";
const OTHER_TOKEN: &str = "web-other-token-0123456789abcdef";
const STAFF_TOKEN: &str = "web-staff-token-0123456789abcdef";

fn kiosk_id() -> String {
    util::config().kiosk.kiosk.id
}

struct TestCenter {
    running: RunningCenter,
    _dir: tempfile::TempDir,
}

impl TestCenter {
    fn start(silent_after: Duration) -> TestCenter {
        let dir = tempfile::tempdir().expect("temp");
        let config = util::config();
        let tokens = Tokens::parse(&format!(
            "[kiosks]\n{} = \"{TOKEN}\"\nother-kiosk = \"{OTHER_TOKEN}\"\n[staff]\nann = \"{STAFF_TOKEN}\"\n",
            kiosk_id()
        ))
        .expect("tokens");
        let ledger = Ledger::open(dir.path(), config.documents.clone()).expect("ledger");
        let state = CenterState::new(
            ledger,
            Judge::new(config.documents.clone(), config.thresholds),
            tokens,
            config.cities.clone(),
            Review::Manual,
        )
        .with_silent_after(silent_after);
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let running = RunningCenter::start(listener, Arc::new(state), None).expect("serve");
        TestCenter { running, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    fn ledger(&self) -> &Ledger {
        self.running.state().ledger()
    }
}

fn center_config(url: &str) -> CenterConfig {
    let mut c = util::config().kiosk.center;
    c.url = url.to_owned();
    c.token = TOKEN.to_owned();
    c.retry_min_ms = 20;
    c.retry_max_ms = 200;
    c.poll_interval_ms = 50;
    c
}

/// A booth's courier submitting `ids` to `center`; returns it once each is pending there.
fn pending(center: &TestCenter, dir: &std::path::Path, ids: &[&str]) -> Courier {
    let courier = Courier::start(&dir.join("outbox.sqlite"), &center_config(&center.url("")))
        .expect("courier");
    for id in ids {
        courier.put(&util::parcel(id)).expect("stored");
    }
    let until = Instant::now() + Duration::from_secs(60);
    for id in ids {
        loop {
            let answer = courier.answer(id).expect("outbox");
            if let Some(answer) = answer {
                assert_eq!(answer.status, Status::Pending, "manual review keeps {id}");
                break;
            }
            assert!(Instant::now() < until, "no answer for {id}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    courier
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn send(request: reqwest::RequestBuilder) -> Reply {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let response = request.send().await.expect("send");
            Reply {
                status: response.status().as_u16(),
                headers: response.headers().clone(),
                body: response.bytes().await.expect("body").to_vec(),
            }
        })
}

/// A client that does not follow redirects (the tests look at them) and keeps no cookies.
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Logs in with `token` on the login form; the session cookie (`name=value`) when it worked.
fn log_in(center: &TestCenter, token: &str) -> (Reply, Option<String>) {
    let reply = send(
        http()
            .post(center.url("/ui/login"))
            .form_post(&[("token", token)]),
    );
    let cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    (reply, cookie)
}

/// A form post's body, `application/x-www-form-urlencoded`.
trait FormPost {
    fn form_post(self, fields: &[(&str, &str)]) -> Self;
}

impl FormPost for reqwest::RequestBuilder {
    fn form_post(self, fields: &[(&str, &str)]) -> Self {
        let encode = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
    }
}

fn get(center: &TestCenter, path: &str, cookie: &str) -> Reply {
    send(http().get(center.url(path)).header("cookie", cookie))
}

/// Prometheus' text format, parsed: every sample by its name and labels (`name{a="b"}`), and
/// every family's declared type. Fails on a line that is not a comment or a sample, or on a
/// sample whose family has no TYPE line before it.
fn parse_metrics(text: &str) -> HashMap<String, f64> {
    let mut types: HashMap<String, String> = HashMap::new();
    let mut samples = HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(
                ["counter", "gauge", "histogram", "summary"].contains(&kind),
                "{line}"
            );
            types.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("sample: series value");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value: {line}"));
        let name = series.split('{').next().unwrap_or_default();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| types.contains_key(*f)))
            .unwrap_or(name);
        assert!(types.contains_key(family), "no TYPE before {line}");
        samples.insert(series.to_owned(), value);
    }
    samples
}

fn metrics(center: &TestCenter) -> HashMap<String, f64> {
    let reply = send(http().get(center.url("/metrics")).bearer_auth(STAFF_TOKEN));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        reply.headers
    );
    parse_metrics(&reply.text())
}

fn beat_of(kiosk: &str) -> Heartbeat {
    let store = OpsStore::in_memory().expect("store");
    store.add("sessions", 4).expect("count");
    idbooth::ops::heartbeat::of_files(kiosk, &store, None)
}

#[test]
fn heartbeats_are_kept_per_booth_shown_on_the_fleet_page_and_a_silent_booth_is_marked() {
    let center = TestCenter::start(Duration::from_secs(1));
    // Another booth is heard once, then falls silent.
    let other = send(
        http()
            .post(center.url("/v1/heartbeat"))
            .bearer_auth(OTHER_TOKEN)
            .json(&beat_of("other-kiosk")),
    );
    assert_eq!(other.status, 204, "{}", other.text());
    // A booth speaks only for itself, staff send none, and no field beyond the document's (an
    // applicant's name, say) is taken.
    let forged = send(
        http()
            .post(center.url("/v1/heartbeat"))
            .bearer_auth(OTHER_TOKEN)
            .json(&beat_of(&kiosk_id())),
    );
    assert_eq!(forged.status, 403, "{}", forged.text());
    let staff = send(
        http()
            .post(center.url("/v1/heartbeat"))
            .bearer_auth(STAFF_TOKEN)
            .json(&beat_of("other-kiosk")),
    );
    assert_eq!(staff.status, 403);
    let mut extra = serde_json::to_value(beat_of("other-kiosk")).expect("json");
    extra["applicant"] = serde_json::json!({"name": "张三"});
    let extra = send(
        http()
            .post(center.url("/v1/heartbeat"))
            .bearer_auth(OTHER_TOKEN)
            .json(&extra),
    );
    assert_eq!(extra.status, 400, "{}", extra.text());
    std::thread::sleep(Duration::from_millis(1_500));

    // This booth's heartbeat goes through its courier, as on a real booth.
    let kiosk = tempfile::tempdir().expect("temp");
    let courier = Courier::start(
        &kiosk.path().join("outbox.sqlite"),
        &center_config(&center.url("")),
    )
    .expect("courier");
    let mut beat = beat_of(&kiosk_id());
    beat.health.problems = vec!["Paper out: <load> a new roll".to_owned()];
    Center::heartbeat(&courier, beat.clone());
    let until = Instant::now() + Duration::from_secs(20);
    while center.ledger().booths().expect("booths").len() < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let booths = center.ledger().booths().expect("booths");
    let mine = booths
        .iter()
        .find(|b| b.beat.kiosk_id == kiosk_id())
        .expect("this booth's heartbeat is kept");
    assert_eq!(mine.beat, beat, "kept as sent");

    let (_, cookie) = log_in(&center, STAFF_TOKEN);
    let cookie = cookie.expect("session");
    let page = get(&center, "/ui/fleet", &cookie);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("data-kiosk=\"other-kiosk\" data-silent=\"true\""),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "data-kiosk=\"{}\" data-silent=\"false\"",
            kiosk_id()
        )),
        "{html}"
    );
    assert!(html.contains("class=\"silent\""), "{html}");
    assert!(html.contains("sessions 4"), "{html}");
    // What a booth says is shown, never run.
    assert!(
        html.contains("Paper out: &lt;load&gt; a new roll"),
        "{html}"
    );
    assert!(!html.contains("<load>"), "{html}");

    let m = metrics(&center);
    assert_eq!(m["idbooth_center_booths"], 2.0);
    assert_eq!(m["idbooth_center_booths_silent"], 1.0);
    assert!(m["idbooth_center_booth_last_seen_seconds{kiosk=\"other-kiosk\"}"] >= 1.0);
    assert_eq!(m["idbooth_center_silent_after_seconds"], 1.0);
}

#[test]
fn metrics_parse_and_follow_a_submission_and_its_verdict() {
    let center = TestCenter::start(Duration::from_secs(600));
    // Only staff read them.
    assert_eq!(
        send(http().get(center.url("/metrics")).bearer_auth(TOKEN)).status,
        403
    );
    assert_eq!(send(http().get(center.url("/metrics"))).status, 401);
    let before = metrics(&center);
    assert_eq!(before["idbooth_center_submissions_total"], 0.0);
    assert_eq!(before["idbooth_center_judge_seconds_count"], 0.0);

    let kiosk = tempfile::tempdir().expect("temp");
    let _courier = pending(&center, kiosk.path(), &["metrics-1"]);
    let after = metrics(&center);
    assert_eq!(after["idbooth_center_submissions_total"], 1.0);
    assert_eq!(after["idbooth_center_review_pending"], 1.0);
    assert_eq!(after["idbooth_center_judge_seconds_count"], 1.0);
    assert!(after["idbooth_center_judge_seconds_sum"] > 0.0);
    assert_eq!(
        after["idbooth_center_judge_seconds_bucket{le=\"+Inf\"}"],
        1.0
    );
    assert_eq!(
        after["idbooth_center_verdicts_total{outcome=\"approved\"}"],
        0.0
    );

    let decided = send(
        http()
            .post(center.url("/v1/review/metrics-1"))
            .bearer_auth(STAFF_TOKEN)
            .json(&serde_json::json!({"decision": "approve"})),
    );
    assert_eq!(decided.status, 200, "{}", decided.text());
    let last = metrics(&center);
    assert_eq!(
        last["idbooth_center_verdicts_total{outcome=\"approved\"}"],
        1.0
    );
    assert_eq!(last["idbooth_center_review_pending"], 0.0);
}

#[test]
fn a_reviewer_approves_and_rejects_on_the_pages_looks_up_and_downloads_and_a_booth_token_cannot() {
    let center = TestCenter::start(Duration::from_secs(600));
    let kiosk = tempfile::tempdir().expect("temp");
    let _courier = pending(&center, kiosk.path(), &["web-1", "web-2"]);

    // A booth's token opens nothing: not the login, not a page.
    let (refused, cookie) = log_in(&center, TOKEN);
    assert_eq!(refused.status, 403);
    assert_eq!(cookie, None, "no session for a booth");
    assert!(refused.text().contains("id=\"problem\""));
    let bearer = send(http().get(center.url("/ui/review")).bearer_auth(TOKEN));
    assert_eq!((bearer.status, bearer.location()), (303, "/ui/login"));
    let (unknown, _) = log_in(&center, "not-a-token-at-all-0000");
    assert_eq!(unknown.status, 401);

    let (ok, cookie) = log_in(&center, STAFF_TOKEN);
    assert_eq!((ok.status, ok.location()), (303, "/ui/review"));
    let set = ok
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = cookie.expect("session");

    // The oldest pending photo, the photo itself, the booth's measures, the forms.
    let page = get(&center, "/ui/review", &cookie);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8")
    );
    assert!(html.contains("id=\"submission\">web-1<"), "{html}");
    assert!(html.contains("src=\"/ui/photo/web-1\""), "{html}");
    assert!(html.contains("value=\"head_tilted\""), "{html}");
    assert!(
        page.headers
            .get("content-security-policy")
            .is_some_and(|v| v.to_str().unwrap_or("").contains("default-src 'none'"))
    );
    let photo = get(&center, "/ui/photo/web-1", &cookie);
    assert_eq!(photo.status, 200);
    assert_eq!(
        photo.body,
        util::passport_jpeg(),
        "the photo as the booth sent it"
    );
    let csrf = {
        let at = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
        html[at..].split('"').next().unwrap_or_default().to_owned()
    };

    // A post without the page's CSRF token is refused and decides nothing.
    let forged = send(
        http()
            .post(center.url("/ui/review/web-1"))
            .header("cookie", &cookie)
            .form_post(&[("decision", "approve")]),
    );
    assert_eq!(forged.status, 403);
    let still = center.ledger().find("web-1").expect("find").expect("there");
    assert_eq!(still.1.status, Status::Pending);

    let approved = send(
        http()
            .post(center.url("/ui/review/web-1"))
            .header("cookie", &cookie)
            .form_post(&[("csrf", csrf.as_str()), ("decision", "approve")]),
    );
    assert_eq!(
        (approved.status, approved.location()),
        (303, "/ui/review?last=web-1")
    );
    let (_, answer) = center.ledger().find("web-1").expect("find").expect("there");
    assert_eq!(answer.status, Status::Approved);
    let receipt = answer.receipt_no.clone().expect("receipt number");
    let image = answer.image_no.clone().expect("image number");
    let next = get(&center, "/ui/review?last=web-1", &cookie).text();
    assert!(next.contains(&receipt), "the decision is told: {next}");
    assert!(next.contains("id=\"submission\">web-2<"), "{next}");

    // Rejecting needs a reason; the reasons ticked are the answer's.
    let bare = send(
        http()
            .post(center.url("/ui/review/web-2"))
            .header("cookie", &cookie)
            .form_post(&[("csrf", csrf.as_str()), ("decision", "reject")]),
    );
    assert_eq!(bare.status, 422);
    let rejected = send(
        http()
            .post(center.url("/ui/review/web-2"))
            .header("cookie", &cookie)
            .form_post(&[
                ("csrf", csrf.as_str()),
                ("decision", "reject"),
                ("reason", "head_tilted"),
                ("reason", "glare"),
            ]),
    );
    assert_eq!(rejected.status, 303, "{}", rejected.text());
    let (_, answer) = center.ledger().find("web-2").expect("find").expect("there");
    assert_eq!(answer.status, Status::Rejected);
    let codes: Vec<&str> = answer.reasons.iter().map(|r| r.code.code()).collect();
    assert_eq!(codes, ["head_tilted", "glare"]);
    let again = send(
        http()
            .post(center.url("/ui/review/web-2"))
            .header("cookie", &cookie)
            .form_post(&[("csrf", csrf.as_str()), ("decision", "approve")]),
    );
    assert_eq!(again.status, 409, "decided once");
    assert!(
        get(&center, "/ui/review", &cookie)
            .text()
            .contains("id=\"none\"")
    );

    // Staff find it by either number (any case) and download the photo under its image number.
    for number in [receipt.as_str(), image.as_str(), &image.to_lowercase()] {
        let found = get(&center, &format!("/ui/lookup?number={number}"), &cookie);
        assert_eq!(found.status, 200, "{number}");
        let html = found.text();
        assert!(html.contains("id=\"submission\">web-1<"), "{html}");
        assert!(html.contains(&receipt), "{html}");
    }
    let missing = get(&center, "/ui/lookup?number=XYZ%3Cb%3E", &cookie);
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("value=\"XYZ&lt;B&gt;\""),
        "{}",
        missing.text()
    );
    let download = get(&center, "/ui/photo/web-1?download=1", &cookie);
    assert_eq!(download.status, 200);
    assert_eq!(
        download
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok()),
        Some(format!("attachment; filename=\"{image}.jpg\"").as_str())
    );
    assert_eq!(download.body, util::passport_jpeg());

    // Logged out, the session opens nothing more.
    let out = send(
        http()
            .post(center.url("/ui/logout"))
            .header("cookie", &cookie)
            .form_post(&[("csrf", csrf.as_str())]),
    );
    assert_eq!((out.status, out.location()), (303, "/ui/login"));
    let after = get(&center, "/ui/photo/web-1", &cookie);
    assert_eq!((after.status, after.location()), (303, "/ui/login"));
}

#[test]
fn a_reviewer_logs_in_and_approves_in_a_real_browser() {
    let center = TestCenter::start(Duration::from_secs(600));
    let kiosk = tempfile::tempdir().expect("temp");
    let _courier = pending(&center, kiosk.path(), &["browser-1"]);
    let mut browser = Browser::start();
    let limit = Duration::from_secs(30);

    // Not logged in: the review page sends the browser to the login form.
    browser.go(&center.url("/ui/review"));
    browser.wait_until(
        "location.pathname === '/ui/login' && document.getElementById('token')",
        limit,
    );
    // A booth's token is turned away on the page.
    browser.eval(&format!(
        "document.getElementById('token').value = '{TOKEN}'; document.getElementById('login').click(); true"
    ));
    browser.wait_until("document.getElementById('problem')", limit);
    browser.eval(&format!(
        "document.getElementById('token').value = '{STAFF_TOKEN}'; document.getElementById('login').click(); true"
    ));
    browser.wait_until(
        "location.pathname === '/ui/review' && document.getElementById('submission')",
        limit,
    );
    assert_eq!(
        browser.eval("document.getElementById('submission').textContent"),
        Some(serde_json::json!("browser-1"))
    );
    // The session cookie is out of the page's reach, and the photo itself is shown.
    assert_eq!(browser.eval("document.cookie"), Some(serde_json::json!("")));
    browser.wait_until("document.getElementById('photo').complete", limit);
    let spec = util::config()
        .documents
        .get("passport")
        .map(|s| s.width_px)
        .expect("passport");
    assert_eq!(
        browser.eval("document.getElementById('photo').naturalWidth"),
        Some(serde_json::json!(spec))
    );

    browser.eval("document.getElementById('approve').click(); true");
    browser.wait_until("document.getElementById('decided')", limit);
    let (_, answer) = center
        .ledger()
        .find("browser-1")
        .expect("find")
        .expect("there");
    assert_eq!(answer.status, Status::Approved);
    let told = browser
        .eval("document.getElementById('decided').textContent")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        told.contains(answer.receipt_no.as_deref().unwrap_or("?")),
        "{told}"
    );
    assert!(browser.eval("!!document.getElementById('none')") == Some(serde_json::json!(true)));
}

#[test]
fn the_demo_booth_sends_its_heartbeat_to_its_center_and_keeps_it_for_idbooth_status() {
    let data = tempfile::tempdir().expect("temp");
    let config = Arc::new(util::config());
    let parts = idbooth::demo_parts(Arc::clone(&config), data.path(), util::PORTRAIT.as_ref())
        .expect("demo parts");
    let center = Arc::clone(parts.reference.as_ref().expect("the demo's center").state());
    let booth = idbooth::ui::Booth::new(parts)
        .with_data_dir(data.path())
        .expect("ops store");
    let mut h = util::harness(booth);
    let until = Instant::now() + Duration::from_secs(30);
    while center.ledger().booths().expect("booths").is_empty() && Instant::now() < until {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    let booths = center.ledger().booths().expect("booths");
    assert_eq!(booths.len(), 1, "the booth's heartbeat reached its center");
    let beat = &booths[0].beat;
    assert!(beat.running);
    assert_eq!(beat.kiosk_id, config.kiosk.kiosk.id);
    assert!(beat.health.camera.is_some(), "{beat:?}");
    // The same document is in the data folder, for `idbooth status`.
    let kept = idbooth::ops::heartbeat::read_fresh(data.path(), Duration::from_secs(120))
        .expect("status.json");
    assert_eq!(&kept, beat);
    // Nothing of an applicant in it: its fields are the document's, no more.
    let json = serde_json::to_string(beat).expect("json");
    assert!(
        !json.contains("applicant") && !json.contains("id_number"),
        "{json}"
    );
}
