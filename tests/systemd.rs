//! The systemd units pass `systemd-analyze verify` without a warning, with the binary where the
//! install script puts it (here: the one cargo built), and a broken unit does not.

use std::path::Path;
use std::process::Command;

/// Copies `unit` into `dir` with the install path of the binary pointing at the built one.
fn staged(dir: &Path, unit: &str, edit: impl Fn(String) -> String) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("systemd")
            .join(unit),
    )
    .expect("unit");
    let text = edit(text.replace("/usr/local/bin/idbooth", env!("CARGO_BIN_EXE_idbooth")));
    let path = dir.join(unit);
    std::fs::write(&path, text).expect("stage unit");
    path.to_str().expect("utf-8").to_owned()
}

/// (exit status, stderr) of `systemd-analyze verify`.
fn verify(units: &[String]) -> (bool, String) {
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(units)
        .output()
        .expect("systemd-analyze (.ci/setup test installs systemd)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn units_verify_cleanly() {
    let dir = tempfile::tempdir().expect("temp");
    let units: Vec<String> = ["idbooth.service", "idbooth-center.service"]
        .iter()
        .map(|u| staged(dir.path(), u, |t| t))
        .collect();
    let (ok, stderr) = verify(&units);
    assert!(ok && stderr.trim().is_empty(), "{stderr}");
}

#[test]
fn a_broken_unit_is_caught() {
    let dir = tempfile::tempdir().expect("temp");
    let typo = staged(dir.path(), "idbooth.service", |t| {
        t.replace("WatchdogSec=", "WatchdogSecs=")
    });
    let (_, stderr) = verify(&[typo]);
    assert!(stderr.contains("WatchdogSecs"), "{stderr}");
    let missing = staged(dir.path(), "idbooth.service", |t| {
        t.replace("/usr/bin/cage", "/usr/bin/no-such-cage")
    });
    assert!(!verify(&[missing]).0);
}

#[test]
fn the_booth_unit_has_what_a_kiosk_needs() {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd/idbooth.service"),
    )
    .expect("unit");
    for line in [
        "Restart=always",
        "NotifyAccess=all",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "RuntimeDirectory=idbooth",
        "StateDirectory=idbooth",
    ] {
        assert!(unit.lines().any(|l| l.trim() == line), "missing {line}");
    }
    assert!(unit.lines().any(|l| l.starts_with("WatchdogSec=")));
    assert!(
        unit.contains("SupplementaryGroups=") && unit.contains("video") && unit.contains("dialout")
    );
}
