//! The systemd units pass `systemd-analyze verify` without a warning, with the binary where the
//! install script puts it (here: the one cargo built), and a broken unit does not; the booth runs
//! under headless cage as its unit runs it, and feeds the watchdog.

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

/// The group install.sh gives the files it installs under /etc/idbooth.
fn config_group(script: &str) -> String {
    let line = script
        .lines()
        .find(|l| l.contains("install ") && l.contains("/etc/idbooth/$f"))
        .expect("install.sh installs the config files");
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "-g")
        .expect("install.sh sets the config files' group");
    let mode = words
        .iter()
        .position(|w| *w == "-m")
        .map(|i| words[i + 1])
        .expect("install.sh sets the config files' mode");
    // Not readable by others: only the group lets a service read them.
    assert!(mode.ends_with('0'), "{line}");
    words[at + 1].to_owned()
}

/// Whether install.sh adds `user` to `group` (`usermod -aG a,b,c user`).
fn script_adds_to_group(script: &str, user: &str, group: &str) -> bool {
    script.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.first() == Some(&"usermod")
            && words.last() == Some(&user)
            && words.windows(2).any(|w| {
                w[0].starts_with('-') && w[0].contains('G') && w[1].split(',').any(|g| g == group)
            })
    })
}

/// Every unit's user can read the config install.sh puts in /etc/idbooth (0640 root:GROUP): it
/// is that group's own user, runs with it as a (supplementary) group, or the script adds it to
/// the group. Otherwise the service cannot read kiosk.toml and restart-loops.
#[test]
fn every_unit_can_read_the_installed_config() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd");
    let script = std::fs::read_to_string(root.join("install.sh")).expect("install.sh");
    let group = config_group(&script);
    for name in ["idbooth.service", "idbooth-center.service"] {
        let unit = std::fs::read_to_string(root.join(name)).expect("unit");
        assert!(
            unit.contains("IDBOOTH_CONFIG=/etc/idbooth"),
            "{name} reads /etc/idbooth"
        );
        let user = unit_values(&unit, "User").pop().expect("User=");
        // useradd --system gives a user a group of its own name.
        let own_group = user == group;
        let in_unit = unit_values(&unit, "Group").contains(&group)
            || unit_values(&unit, "SupplementaryGroups").contains(&group);
        assert!(
            own_group || in_unit || script_adds_to_group(&script, &user, &group),
            "{name}: User={user} is not in group {group}, which owns /etc/idbooth/*"
        );
    }
}
