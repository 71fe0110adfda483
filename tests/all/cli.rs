//! The command line's contracts: help everywhere, honest refusals, exit status 2 on bad usage.

use crate::util;

use util::{parts, run};

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["center", "--help"],
        vec!["photo", "check", "--help"],
        vec!["photo", "normalize", "--help"],
        vec!["receipt", "render", "--help"],
        vec!["printer", "status", "--help"],
        vec!["printer", "test", "--help"],
        vec!["config", "check", "--help"],
        vec!["config", "pin", "--help"],
        vec!["outbox", "list", "--help"],
        vec!["outbox", "retry", "--help"],
        vec!["status", "--help"],
    ] {
        let (code, out, _) = parts(&run(&args));
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage: idbooth"), "{args:?}: {out}");
    }
}

#[test]
fn bad_flags_exit_2() {
    let (code, _, err) = parts(&run(&["config", "check", "--bogus"]));
    assert_eq!(code, 2);
    assert!(err.contains("--bogus"), "{err}");
}

#[test]
fn center_and_outbox_commands_refuse_bad_input_in_one_line() {
    let dir = tempfile::tempdir().expect("temp");
    let tokens = dir.path().join("tokens.toml");
    std::fs::write(&tokens, "[kiosks]\nbooth-1 = \"short\"\n").expect("write");
    let own = dir.path().join("own-tokens.toml");
    std::fs::write(
        &own,
        "[kiosks]\nbooth-1 = \"a-token-of-this-site-only-7f3a9c\"\n",
    )
    .expect("write");
    let data = dir.path().display().to_string();
    for (args, expected) in [
        (
            vec![
                "center",
                "--data",
                data.as_str(),
                "--tokens",
                tokens.to_str().expect("utf-8"),
            ],
            "kiosks.booth-1: a token must be at least 16 characters",
        ),
        (
            vec![
                "center",
                "--data",
                data.as_str(),
                "--listen",
                "8.8.8.8:1",
                "--insecure-http",
                "--tokens",
                own.to_str().expect("utf-8"),
            ],
            "--listen 8.8.8.8:1: cannot listen",
        ),
        (
            vec!["center", "--data", data.as_str(), "--listen", "0.0.0.0:0"],
            "--listen 0.0.0.0:0: plain HTTP is for loopback only",
        ),
        (
            vec!["center", "--data", data.as_str(), "--listen", "[::]:0"],
            "plain HTTP is for loopback only",
        ),
        (
            vec!["outbox", "list", "--data", data.as_str()],
            "no outbox here",
        ),
        (
            vec!["outbox", "retry", "--data", data.as_str()],
            "no outbox here",
        ),
        (
            vec![
                "--data",
                data.as_str(),
                "receipt",
                "render",
                "--submission",
                "S1",
                "--format",
                "pdf",
                "-o",
                "x.pdf",
            ],
            "no outbox here",
        ),
    ] {
        let (code, out, err) = parts(&run(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn the_model_is_inside_the_binary() {
    // `cargo build` embeds the rustface model: the binary needs no model file beside it.
    let binary = std::fs::read(env!("CARGO_BIN_EXE_idbooth")).expect("read binary");
    let model = idbooth::vision::MODEL_BYTES;
    assert!(model.len() > 1_000_000, "model is {} bytes", model.len());
    let probe = &model[model.len() / 2..model.len() / 2 + 256];
    assert!(
        binary.windows(probe.len()).any(|w| w == probe),
        "model bytes not found in the binary"
    );
}

/// A hash of a PIN of the booth's own, as `idbooth config pin` makes it.
fn own_pin_hash() -> String {
    use std::io::Write as _;
    let mut child = util::idbooth()
        .args(["config", "pin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run idbooth");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"482915\n")
        .expect("write PIN");
    let out = child.wait_with_output().expect("config pin");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// The real booth (no --demo) on `config`, with no display: (exit code, stderr).
fn real_booth(config: &std::path::Path) -> (i32, String) {
    let data = tempfile::tempdir().expect("temp");
    let out = util::idbooth()
        .arg("--config")
        .arg(config)
        .arg("--data")
        .arg(data.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("NOTIFY_SOCKET")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run idbooth");
    let (code, _, err) = parts(&out);
    (code, err)
}

#[test]
fn a_real_booth_refuses_the_demo_pin_and_token() {
    let demo_token = "demo-kiosk-token-0123456789abcdef";
    let own_token = "booth-sz-001-a-long-random-token";
    let own_pin = own_pin_hash();

    // The shipped config: both.
    let dir = util::config_copy();
    let (code, err) = real_booth(dir.path());
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("demo's operator PIN (246810) and center token"),
        "{err}"
    );

    // A new PIN, the demo token still.
    let shipped_hash = std::fs::read_to_string(dir.path().join("kiosk.toml"))
        .expect("kiosk.toml")
        .lines()
        .find_map(|l| {
            l.strip_prefix("pin_hash = \"")?
                .strip_suffix('"')
                .map(str::to_owned)
        })
        .expect("pin_hash");
    util::edit(dir.path(), "kiosk.toml", &shipped_hash, &own_pin);
    let (code, err) = real_booth(dir.path());
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("demo's center token"), "{err}");
    assert!(!err.contains("PIN (246810)"), "{err}");

    // Its own token, the demo PIN still.
    let other = util::config_copy();
    util::edit(other.path(), "kiosk.toml", demo_token, own_token);
    let (code, err) = real_booth(other.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("demo's operator PIN (246810)"), "{err}");
    assert!(!err.contains("token"), "{err}");

    // Both its own: the booth goes on starting (and, with no display here, stops at the window).
    util::edit(dir.path(), "kiosk.toml", demo_token, own_token);
    let (_, err) = real_booth(dir.path());
    assert!(!err.contains("demo's"), "{err}");
    assert!(err.contains("booth starting"), "{err}");

    // --demo runs on the demo's secrets: the refusal is for the real booth only.
    let (_, err) = {
        let data = tempfile::tempdir().expect("temp");
        let out = util::idbooth()
            .arg("--demo")
            .arg("--config")
            .arg(util::shipped_config())
            .arg("--data")
            .arg(data.path())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("NOTIFY_SOCKET")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run idbooth");
        let (code, _, err) = parts(&out);
        (code, err)
    };
    assert!(!err.contains("demo's operator PIN"), "{err}");
}

#[test]
fn config_check_warns_of_the_demo_secrets_and_fails_with_deployed() {
    let shipped = util::shipped_config();
    let shipped = shipped.to_str().expect("utf-8");
    let (code, out, err) = parts(&run(&["config", "check", "--config", shipped]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("config ok:"), "{out}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("warning") && err.contains("demo's operator PIN (246810) and center token"),
        "{err}"
    );

    let (code, out, err) = parts(&run(&[
        "config",
        "check",
        "--deployed",
        "--config",
        shipped,
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("demo's operator PIN (246810)"), "{err}");

    let dir = util::config_copy();
    util::edit(
        dir.path(),
        "kiosk.toml",
        "demo-kiosk-token-0123456789abcdef",
        "booth-sz-001-a-long-random-token",
    );
    let shipped_hash = std::fs::read_to_string(dir.path().join("kiosk.toml"))
        .expect("kiosk.toml")
        .lines()
        .find_map(|l| {
            l.strip_prefix("pin_hash = \"")?
                .strip_suffix('"')
                .map(str::to_owned)
        })
        .expect("pin_hash");
    util::edit(dir.path(), "kiosk.toml", &shipped_hash, &own_pin_hash());
    let own = dir.path().to_str().expect("utf-8");
    let (code, out, err) = parts(&run(&["config", "check", "--deployed", "--config", own]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("config ok:"), "{out}");
    assert!(err.is_empty(), "{err}");
}

/// With --insecure-http (a center behind a TLS proxy) the center serves plain HTTP on any
/// address; the refusal above is only for the flag's absence.
#[test]
fn insecure_http_lets_the_center_listen_beyond_loopback() {
    use std::io::BufRead as _;
    let data = tempfile::tempdir().expect("temp");
    let tokens = data.path().join("tokens.toml");
    std::fs::write(
        &tokens,
        "[kiosks]\nK1 = \"a-token-of-this-site-only-7f3a9c\"\n",
    )
    .expect("tokens");
    let mut child = util::idbooth()
        .args([
            "center",
            "--listen",
            "0.0.0.0:0",
            "--insecure-http",
            "--data",
        ])
        .arg(data.path())
        .arg("--tokens")
        .arg(&tokens)
        .arg("--config")
        .arg(util::shipped_config())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn center");
    let mut line = String::new();
    let read = std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
    let _ = child.kill();
    let _ = child.wait();
    read.expect("read");
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line:?}");
}

/// Beyond loopback the center refuses to start with the demo's kiosk token (published in the
/// README), whether it comes from the shipped kiosk.toml or from a tokens file.
#[test]
fn the_center_beyond_loopback_refuses_the_demo_token() {
    let data = tempfile::tempdir().expect("temp");
    let tokens = data.path().join("tokens.toml");
    std::fs::write(
        &tokens,
        format!(
            "[kiosks]\nK1 = \"{}\"\n",
            idbooth::ops::demo_secrets::DEMO_TOKEN
        ),
    )
    .expect("tokens");
    let shipped = ["center", "--listen", "0.0.0.0:0", "--insecure-http"];
    for extra in [vec![], vec!["--tokens", tokens.to_str().expect("utf-8")]] {
        let mut args: Vec<&str> = shipped.to_vec();
        args.extend(["--data", data.path().to_str().expect("utf-8")]);
        args.extend(extra);
        let out = util::idbooth()
            .args(&args)
            .arg("--config")
            .arg(util::shipped_config())
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("the center would accept the demo's published kiosk token"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn logs_into_a_file_or_a_pipe_carry_no_colour_codes() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp");
    let mut child = util::idbooth()
        .args(["center", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .env_remove("JOURNAL_STREAM")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn center");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    let mut lines = std::io::BufReader::new(stderr);
    while !line.contains("center: serving") {
        line.clear();
        if lines.read_line(&mut line).expect("read") == 0 {
            break;
        }
        assert!(!line.contains('\u{1b}'), "a colour code in {line:?}");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("center: serving"), "{line:?}");
}

#[test]
fn status_json_prints_the_booths_heartbeat_document() {
    use idbooth::center::api::Heartbeat;
    let config = util::shipped_config();
    let data = tempfile::tempdir().expect("temp");
    let store = idbooth::ops::OpsStore::open(data.path()).expect("store");
    store.add("sessions", 3).expect("count");
    drop(store);
    let status = || {
        let out = run(&[
            "--config",
            config.to_str().expect("utf-8"),
            "status",
            "--json",
            "--data",
            data.path().to_str().expect("utf-8"),
        ]);
        let (code, out, err) = parts(&out);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Heartbeat>(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    // No booth running: what its files tell, the devices unknown.
    let offline = status();
    assert!(!offline.running);
    assert_eq!(offline.kiosk_id, util::config().kiosk.kiosk.id);
    assert_eq!(offline.counters.get("sessions"), Some(&3));
    assert_eq!(offline.health.camera, None);
    assert_eq!(offline.versions.idbooth, env!("CARGO_PKG_VERSION"));
    // A running booth's own latest document is the one printed, as it was sent.
    let mut running = offline.clone();
    running.running = true;
    running.health.camera = Some("running".into());
    running.health.outbox = 2;
    idbooth::ops::heartbeat::write(data.path(), &running).expect("write");
    assert_eq!(status(), running);
}
