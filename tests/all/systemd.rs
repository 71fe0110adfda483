//! The systemd units pass `systemd-analyze verify` without a warning, with the binary where the
//! package puts it (here: the one cargo built), and a broken unit does not; both stay within
//! their `systemd-analyze security` exposure; the booth runs under headless cage as its unit runs
//! it, and feeds the watchdog; the center says it is ready and feeds its own.

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
    let text = edit(text.replace("/usr/bin/idbooth", env!("CARGO_BIN_EXE_idbooth")));
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

/// The booth as its unit runs it: fullscreen under cage, here with wlroots' headless backend.
/// cage refuses to run as root, so as root the test runs it as `nobody`. The booth's UI loop must
/// tell "systemd" (a socket of the test's) it is ready, then keep feeding the watchdog.
#[test]
fn the_booth_runs_under_headless_cage_and_feeds_the_watchdog() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixDatagram;
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("temp");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let run = dir.path().join("run");
    let data = dir.path().join("data");
    for d in [&run, &data] {
        std::fs::create_dir(d).expect("mkdir");
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let notify = dir.path().join("notify");
    let systemd = UnixDatagram::bind(&notify).expect("bind");
    std::fs::set_permissions(&notify, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    systemd
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut command = if root {
        let status = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&run)
            .arg(&data)
            .status()
            .expect("chown");
        assert!(status.success());
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "cage"]);
        c
    } else {
        Command::new("cage")
    };
    command
        .args([
            "-d",
            "--",
            env!("CARGO_BIN_EXE_idbooth"),
            "--demo",
            "--data",
        ])
        .arg(&data)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("WLR_BACKENDS", "headless")
        .env("WLR_LIBINPUT_NO_DEVICES", "1")
        .env("WLR_RENDERER", "pixman")
        .env("XDG_RUNTIME_DIR", &run)
        .env("HOME", &data)
        .env(
            "IDBOOTH_CONFIG",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config"),
        )
        .env("NOTIFY_SOCKET", &notify)
        .env("WATCHDOG_USEC", "2000000")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("stderr")).expect("stderr"))
        .process_group(0);
    let mut cage = command.spawn().expect("cage (.ci/setup test installs it)");
    let mut heard = Vec::new();
    let until = Instant::now() + Duration::from_secs(90);
    let mut buf = [0u8; 256];
    // Ready once, then pings from the running loop (every second with a 2 s watchdog).
    let fed = |heard: &[String]| {
        heard.iter().any(|m| m == "READY=1")
            && heard.iter().filter(|m| *m == "WATCHDOG=1").count() >= 3
    };
    while Instant::now() < until && !fed(&heard) {
        if let Ok(n) = systemd.recv(&mut buf) {
            heard.push(String::from_utf8_lossy(&buf[..n]).trim().to_owned());
        }
        if let Ok(Some(status)) = cage.try_wait() {
            panic!(
                "cage ended ({status}): {}",
                std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
            );
        }
    }
    // The whole group: cage and the booth under it.
    let group = format!("-{}", cage.id());
    for signal in ["TERM", "KILL"] {
        let _ = Command::new("kill")
            .args(["-s", signal, "--", &group])
            .status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until && cage.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert!(
        fed(&heard),
        "heard {heard:?}; stderr: {}",
        std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
    );
}

/// The value of `key=` in a unit (the last one wins, as in systemd), space-separated values of
/// every `key=` line for list settings.
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
        .flat_map(|v| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// The group the package's postinst gives the site's kiosk.toml, checking that its mode leaves
/// others out (only the group lets a service read it).
fn config_group(postinst: &str) -> String {
    let file = "/etc/idbooth/kiosk.toml";
    let owner = postinst
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("chown root:") && l.ends_with(file))
        .expect("postinst sets the site file's owner");
    let mode = postinst
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("chmod ") && l.ends_with(file))
        .expect("postinst sets the site file's mode");
    let mode = mode.split_whitespace().nth(1).expect("a mode");
    assert!(mode.ends_with('0'), "{mode}");
    let owner = owner.split_whitespace().nth(1).expect("root:GROUP");
    owner.trim_start_matches("root:").to_owned()
}

/// Whether postinst creates `user` with `group` as its primary group (`useradd … --gid GROUP …
/// USER`).
fn created_in_group(postinst: &str, user: &str, group: &str) -> bool {
    // useradd's arguments may run over continued lines.
    let joined = postinst.replace("\\\n", " ");
    joined.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "useradd");
        at.is_some_and(|at| {
            words.last() == Some(&user)
                && words[at..]
                    .windows(2)
                    .any(|w| w[0] == "--gid" && w[1] == group)
        })
    })
}

/// Every unit's user can read the site's kiosk.toml the package leaves in /etc/idbooth (0640
/// root:GROUP): the unit runs with that group (`Group=`; `SupplementaryGroups=` only where there
/// is no `PrivateUsers=`, which maps no supplementary group), or postinst makes it the user's
/// own. Otherwise the service cannot read kiosk.toml and restart-loops.
#[test]
fn every_unit_can_read_the_installed_config() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let postinst = std::fs::read_to_string(root.join("debian/postinst")).expect("postinst");
    let group = config_group(&postinst);
    for name in ["idbooth.service", "idbooth-center.service"] {
        let unit = std::fs::read_to_string(root.join("systemd").join(name)).expect("unit");
        assert!(
            unit.contains("IDBOOTH_CONFIG=/usr/share/idbooth:/etc/idbooth"),
            "{name} reads the shipped data under the site's"
        );
        let user = unit_values(&unit, "User").pop().expect("User=");
        let private_users = unit_values(&unit, "PrivateUsers").contains(&"yes".to_owned());
        let in_unit = unit_values(&unit, "Group").contains(&group)
            || (!private_users && unit_values(&unit, "SupplementaryGroups").contains(&group));
        let primary =
            unit_values(&unit, "Group").is_empty() && created_in_group(&postinst, &user, &group);
        assert!(
            in_unit || primary,
            "{name}: User={user} does not run with group {group}, which owns the site's kiosk.toml"
        );
    }
}

/// `systemd-analyze security --offline` exposure of a unit file, e.g. 1.9.
fn exposure(unit: &Path) -> f64 {
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(unit.file_name().expect("name"))
        .current_dir(unit.parent().expect("folder"))
        .output()
        .expect("systemd-analyze");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level"))
        .unwrap_or_else(|| {
            panic!(
                "no exposure level in:\n{text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    line.rsplit(':')
        .next()
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{line}"))
}

/// The network-facing center stays at 4.0 or below (issue #17), the booth where its hardening
/// left it (README, "Deployment"); a unit stripped of its hardening scores worse, so the figure
/// is read, not assumed.
#[test]
fn both_units_stay_hardened() {
    let dir = tempfile::tempdir().expect("temp");
    let center = staged(dir.path(), "idbooth-center.service", |t| t);
    let booth = staged(dir.path(), "idbooth.service", |t| t);
    let center = exposure(Path::new(&center));
    let booth = exposure(Path::new(&booth));
    assert!(center <= 4.0, "center: {center}");
    assert!(booth <= 2.5, "booth: {booth}");
    let bare = staged(dir.path(), "idbooth-center.service", |t| {
        t.lines()
            .take_while(|l| !l.starts_with("# Hardening"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n[Install]\nWantedBy=multi-user.target\n"
    });
    assert!(exposure(Path::new(&bare)) > center + 3.0);
}

/// The center as its unit runs it: `READY=1` once it listens, `STATUS=` with its address, then
/// `WATCHDOG=1` every half `WatchdogSec` while its health route answers.
#[test]
fn the_center_says_it_is_ready_and_feeds_its_watchdog() {
    use std::os::unix::net::UnixDatagram;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("temp");
    let notify = dir.path().join("notify");
    let systemd = UnixDatagram::bind(&notify).expect("bind");
    systemd
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let mut center = Command::new(env!("CARGO_BIN_EXE_idbooth"))
        .args(["center", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("center"))
        .env(
            "IDBOOTH_CONFIG",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config"),
        )
        .env("NOTIFY_SOCKET", &notify)
        .env("WATCHDOG_USEC", "600000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("center");
    let mut heard = Vec::new();
    let mut buf = [0u8; 256];
    let until = Instant::now() + Duration::from_secs(30);
    let fed = |heard: &[String]| heard.iter().filter(|m| *m == "WATCHDOG=1").count() >= 3;
    while Instant::now() < until && !fed(&heard) {
        if let Ok(n) = systemd.recv(&mut buf) {
            heard.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }
    let _ = center.kill();
    let _ = center.wait();
    assert_eq!(
        heard.first().map(String::as_str),
        Some("READY=1"),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|m| m.starts_with("STATUS=serving on http://127.0.0.1:")),
        "{heard:?}"
    );
    assert!(fed(&heard), "{heard:?}");
}
