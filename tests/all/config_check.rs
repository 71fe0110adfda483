//! `idbooth config check` and `config pin` on the shipped config and on each kind of bad input.

use crate::util;

use std::io::Write;
use std::process::Stdio;

use util::{config_copy, edit, idbooth, parts, run, shipped_config};

/// Runs `config check` on `dir` and returns (exit code, stderr).
fn check(dir: &std::path::Path) -> (i32, String) {
    let dir = dir.to_str().expect("utf-8 path");
    let (code, _, err) = parts(&run(&["config", "check", "--config", dir]));
    (code, err)
}

/// Asserts one line on stderr that names `file:line:` and `key`, and contains `words`.
/// Edits a copy of the shipped config (`from` → `to` in `file`) and asserts `config check`
/// refuses it in one line naming the file, the line, `key` and `words`.
fn refused(file: &str, from: &str, to: &str, key: &str, words: &str) {
    let dir = config_copy();
    let line = edit(dir.path(), file, from, to);
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, file, line, key, words);
}

fn assert_one_line(err: &str, file: &str, line: usize, key: &str, words: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "one line, got:\n{err}");
    assert!(
        err.contains(&format!("{file}:{line}: {key}")),
        "expected {file}:{line}: {key} in:\n{err}"
    );
    assert!(err.contains(words), "expected {words:?} in:\n{err}");
}

#[test]
fn shipped_config_passes() {
    let (code, out, err) = parts(&run(&[
        "config",
        "check",
        "--config",
        shipped_config().to_str().expect("utf-8"),
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    assert!(out.starts_with("config ok:"), "{out}");
    assert!(out.contains("passport") && out.contains("深圳市"), "{out}");
    // Every language found in assets/i18n, and no text missing from one of them.
    assert!(out.contains("languages zh-CN, en, zh-Hant"), "{out}");
    assert!(!err.contains("assets/i18n"), "{err}");
}

#[test]
fn config_is_found_in_the_working_folder_and_by_env() {
    let parent = tempfile::tempdir().expect("temp");
    let copy = config_copy();
    std::fs::rename(copy.path(), parent.path().join("kiosk-config")).expect("move");
    let out = idbooth()
        .args(["config", "check"])
        .current_dir(parent.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let elsewhere = tempfile::tempdir().expect("temp");
    let out = idbooth()
        .args(["config", "check"])
        .current_dir(elsewhere.path())
        .env("IDBOOTH_CONFIG", parent.path().join("kiosk-config"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn missing_file_is_named() {
    let dir = config_copy();
    std::fs::remove_file(dir.path().join("cities.toml")).expect("remove");
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("cities.toml: missing file"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn typo_in_a_key_is_named_with_its_line() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "documents.toml",
        "dpi = 300\nprint_mm = [22.0",
        "dpix = 300\nprint_mm = [22.0",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &err,
        "documents.toml",
        line,
        "documents.driving_licence",
        "dpix",
    );
}

#[test]
fn typo_in_kiosk_toml_is_named() {
    let dir = config_copy();
    let line = edit(dir.path(), "kiosk.toml", "paper_mm = 80", "paper_mn = 80");
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "printer", "paper_mn");
}

#[test]
fn values_out_of_range_are_named() {
    for (from, to, key, range) in [
        (
            "status_poll_s = 3",
            "status_poll_s = 0",
            "printer.status_poll_s",
            "1 to 60",
        ),
        (
            "outbox_alarm_min = 10",
            "outbox_alarm_min = 0",
            "center.outbox_alarm_min",
            "1 to 1440",
        ),
        (
            "rate_wpm = 150",
            "rate_wpm = 1000",
            "voice.rate_wpm",
            "80 to 400",
        ),
        (
            "command = \"espeak-ng\"",
            "command = \" \"",
            "voice.command",
            "espeak-ng",
        ),
    ] {
        let dir = config_copy();
        let line = edit(dir.path(), "kiosk.toml", from, to);
        let (code, err) = check(dir.path());
        assert_eq!(code, 2, "{to}");
        assert_one_line(&err, "kiosk.toml", line, key, range);
    }
}

#[test]
fn session_limits_out_of_range_are_named_and_the_section_is_optional() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "kiosk.toml",
        "max_attempts = 5",
        "max_attempts = 0",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "session.max_attempts", "1 to 10");
    // A booth configured before [session] existed keeps working, with the defaults.
    let dir = config_copy();
    let kiosk = dir.path().join("kiosk.toml");
    let text = std::fs::read_to_string(&kiosk).expect("read");
    let start = text.find("[session]").expect("a [session] section");
    let end = start + text[start..].find("\n[").expect("a section after it") + 1;
    std::fs::write(&kiosk, format!("{}{}", &text[..start], &text[end..])).expect("write");
    let config = idbooth::ops::Config::load(dir.path()).expect("loads without [session]");
    assert_eq!(
        config.kiosk.session,
        idbooth::session::SessionConfig::default()
    );
}

#[test]
fn a_code_page_outside_esc_t_is_named() {
    let dir = config_copy();
    let line = edit(dir.path(), "kiosk.toml", "code_page = 0", "code_page = 256");
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "printer.code_page", "0 to 255");
}

#[test]
fn head_range_outside_the_image() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "documents.toml",
        "head_height_px = [224, 260]",
        "head_height_px = [224, 400]",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &err,
        "documents.toml",
        line,
        "documents.driving_licence.head_height_px",
        "outside the image",
    );
}

#[test]
fn kb_window_upside_down() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "documents.toml",
        "kb = [14, 40]",
        "kb = [40, 14]",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &err,
        "documents.toml",
        line,
        "documents.social_security.kb",
        "upside down",
    );
}

#[test]
fn unknown_city_code() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "kiosk.toml",
        "home_city = \"440300\"",
        "home_city = \"440399\"",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "kiosk.home_city", "440399");
}

#[test]
fn a_province_is_not_a_home_city() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "kiosk.toml",
        "home_city = \"440300\"",
        "home_city = \"440000\"",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &err,
        "kiosk.toml",
        line,
        "kiosk.home_city",
        "province 广东省",
    );
}

#[test]
fn unknown_city_in_a_validity_override() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "documents.toml",
        "validity_days = 60\n\n[documents.residence_permit]",
        "validity_days = 60\nvalidity_days_by_city = { \"440303\" = 30 }\n\n[documents.residence_permit]",
    ) + 1;
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &err,
        "documents.toml",
        line,
        "documents.resident_id.validity_days_by_city",
        "district",
    );
}

#[test]
fn maintenance_idle_time_out_of_range() {
    let dir = config_copy();
    let line = edit(dir.path(), "kiosk.toml", "idle_s = 120", "idle_s = 5");
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "operator.idle_s", "30 to 3600");
}

#[test]
fn pin_in_plain_text() {
    let dir = config_copy();
    let text = std::fs::read_to_string(dir.path().join("kiosk.toml")).expect("read");
    let start = text.find("pin_hash = \"").expect("pin_hash");
    let end = start + text[start..].find('\n').expect("line end");
    let line = edit(
        dir.path(),
        "kiosk.toml",
        &text[start..end],
        "pin_hash = \"246810\"",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "operator.pin_hash", "plain text");
    assert!(
        !err.contains("246810"),
        "the PIN itself is not echoed: {err}"
    );
}

#[test]
fn plain_http_to_a_remote_center_is_refused() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "kiosk.toml",
        "url = \"http://127.0.0.1:8410\"",
        "url = \"http://center.example.cn\"",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&err, "kiosk.toml", line, "center.url", "https");
}

#[test]
fn broken_toml_names_its_line() {
    let dir = config_copy();
    let line = edit(
        dir.path(),
        "cities.toml",
        "\"440300\" = { name = \"深圳市\"",
        "\"440300\" = { name = 深圳市\"",
    );
    let (code, err) = check(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains(&format!("cities.toml:{line}:")), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn config_pin_prints_a_hash_that_verifies() {
    let mut child = idbooth()
        .args(["config", "pin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"482915\n")
        .expect("write pin");
    let out = child.wait_with_output().expect("wait");
    let (code, hash, err) = parts(&out);
    assert_eq!(code, 0, "{err}");
    let hash = hash.trim();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(idbooth::ops::pin::verify_pin("482915", hash));
    assert!(!idbooth::ops::pin::verify_pin("482916", hash));
}

#[test]
fn config_pin_refuses_a_weak_pin() {
    let mut child = idbooth()
        .args(["config", "pin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"123456\n")
        .expect("write pin");
    let (code, out, err) = parts(&child.wait_with_output().expect("wait"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("too easy"), "{err}");
}

#[test]
fn the_shipped_demo_pin_opens_the_shipped_hash() {
    let config = idbooth::ops::Config::load(&shipped_config()).expect("shipped config");
    assert!(idbooth::ops::pin::verify_pin(
        "246810",
        &config.kiosk.operator.pin_hash
    ));
}

#[test]
fn receipt_layouts_are_checked_against_documents_and_cities() {
    refused(
        "receipts.toml",
        "title = \"驾驶证照片回执\"",
        "titel = \"驾驶证照片回执\"",
        "layouts.driving_licence",
        "titel",
    );

    refused(
        "receipts.toml",
        "document = \"driving_licence\"",
        "document = \"driving_license\"",
        "layouts.driving_licence.document",
        "unknown document \"driving_license\"",
    );

    refused(
        "receipts.toml",
        "city = \"440300\"",
        "city = \"440000\"",
        "layouts.shenzhen_passport.city",
        "province",
    );

    // Without the file, receipts take the built-in default layout.
    let dir = config_copy();
    std::fs::remove_file(dir.path().join("receipts.toml")).expect("remove");
    assert_eq!(check(dir.path()).0, 0);
}

/// A shipped folder (a copy of kiosk-config) under a site folder, as `--config SHIPPED:SITE`.
fn layered(site_files: &[(&str, &str)]) -> (tempfile::TempDir, tempfile::TempDir, String) {
    let shipped = config_copy();
    let site = tempfile::tempdir().expect("temp");
    for (name, text) in site_files {
        std::fs::write(site.path().join(name), text).expect("write");
    }
    let joined = std::env::join_paths([shipped.path(), site.path()]).expect("join");
    let arg = joined.to_str().expect("utf-8").to_owned();
    (shipped, site, arg)
}

/// The site's kiosk.toml overrides the shipped one key by key, a site's data table replaces the
/// shipped one whole, and `config check` names where each file and each overridden key came from.
#[test]
fn the_site_folder_overrides_the_shipped_one() {
    // The shipped documents.toml less one document: the site's replaces the shipped one whole.
    let documents = std::fs::read_to_string(shipped_config().join("documents.toml")).expect("read");
    let mut table: toml::Table = toml::from_str(&documents).expect("toml");
    let docs = table
        .get_mut("documents")
        .and_then(toml::Value::as_table_mut)
        .expect("[documents]");
    let shipped_count = docs.len();
    assert!(
        docs.remove("us_visa").is_some(),
        "the shipped file has us_visa"
    );
    let fewer = toml::to_string(&table).expect("toml");
    let (shipped, site, arg) = layered(&[
        (
            "kiosk.toml",
            "[kiosk]\nid = \"SITE-042\"\n\n[center]\nwait_budget_s = 30\n",
        ),
        ("documents.toml", &fewer),
    ]);
    let (code, out, err) = parts(&run(&["config", "check", "--config", &arg]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("kiosk SITE-042"), "{out}");
    assert!(
        out.contains(&format!("{} documents", shipped_count - 1)),
        "{out}"
    );
    let site_kiosk = site.path().join("kiosk.toml").display().to_string();
    let line_of = |prefix: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in:\n{out}"))
            .to_owned()
    };
    assert!(line_of("kiosk.id:").ends_with(&site_kiosk), "{out}");
    assert!(
        line_of("center.wait_budget_s:").ends_with(&site_kiosk),
        "{out}"
    );
    assert!(!out.contains("kiosk.home_city:"), "not overridden: {out}");
    assert!(
        line_of("documents.toml:")
            .ends_with(&site.path().join("documents.toml").display().to_string()),
        "{out}"
    );
    assert!(
        line_of("cities.toml:")
            .ends_with(&shipped.path().join("cities.toml").display().to_string()),
        "{out}"
    );
    assert!(
        line_of("center.token:")
            .ends_with(&shipped.path().join("kiosk.toml").display().to_string()),
        "{out}"
    );
}

/// A bad value set in the site's kiosk.toml is named at its line in that file, not in the
/// merged text nor in the shipped file.
#[test]
fn a_bad_override_is_named_in_the_site_file() {
    let (_shipped, site, arg) = layered(&[(
        "kiosk.toml",
        "# the site\n[kiosk]\nid = \"SITE-042\"\n\n[camera]\nfps = 500\n",
    )]);
    let (code, _, err) = parts(&run(&["config", "check", "--config", &arg]));
    assert_eq!(code, 2);
    let expected = format!("{}:6: camera.fps", site.path().join("kiosk.toml").display());
    assert!(err.contains(&expected), "expected {expected} in {err}");
    // An unknown key of the site's file, too.
    let (_shipped, site, arg) = layered(&[("kiosk.toml", "[kiosk]\nidd = \"x\"\n")]);
    let (code, _, err) = parts(&run(&["config", "check", "--config", &arg]));
    assert_eq!(code, 2);
    let expected = format!("{}:2: kiosk.idd", site.path().join("kiosk.toml").display());
    assert!(err.contains(&expected), "expected {expected} in {err}");
}

/// The center token from systemd's credential (`LoadCredential=center-token:…`) wins over
/// kiosk.toml's; without either, one line names both places.
#[test]
fn the_center_token_comes_from_the_credential() {
    let creds = tempfile::tempdir().expect("temp");
    std::fs::write(
        creds.path().join("center-token"),
        "site-token-from-credstore-0123\n",
    )
    .expect("write");
    let dir = config_copy();
    // `config check` (with `extra` flags) on the copy, with the credentials folder.
    let check = |extra: &[&str]| {
        idbooth()
            .args(["config", "check"])
            .args(extra)
            .arg("--config")
            .arg(dir.path())
            .env("CREDENTIALS_DIRECTORY", creds.path())
            .output()
            .expect("run")
    };
    let out = check(&["--deployed"]);
    let (_, out, err) = parts(&out);
    // The demo token is gone (the credential's replaced it); the demo PIN is still refused.
    assert!(
        err.contains("operator PIN") && !err.contains("center token"),
        "{err}"
    );
    let _ = out;
    let out = check(&[]);
    let (code, out, err) = parts(&out);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "center.token: {}",
            creds.path().join("center-token").display()
        )),
        "{out}"
    );

    // A credential too short is named as the credential's file.
    std::fs::write(creds.path().join("center-token"), "short\n").expect("write");
    let out = check(&[]);
    let (code, _, err) = parts(&out);
    assert_eq!(code, 2);
    assert!(err.contains("center-token:1: center.token"), "{err}");

    // Neither: both places named.
    std::fs::remove_file(creds.path().join("center-token")).expect("rm");
    edit(
        dir.path(),
        "kiosk.toml",
        "token = \"demo-kiosk-token-0123456789abcdef\"\n",
        "",
    );
    let out = check(&[]);
    let (code, _, err) = parts(&out);
    assert_eq!(code, 2);
    assert!(
        err.contains("center.token") && err.contains("center-token") && err.contains("kiosk.toml"),
        "{err}"
    );
}
