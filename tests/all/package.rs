//! The Debian package (`.ci/package`, cargo-deb): what Cargo.toml's `[package.metadata.deb]` puts
//! where (the binary, the units, the udev rules, every shipped data table in /usr/share/idbooth,
//! and in /etc/idbooth only the site's kiosk.toml, a conffile), the site template that changes
//! nothing until edited, and the maintainer scripts (they parse, create every user and group the
//! units run with, and never write the site's file). The built package itself is checked by an
//! ignored test that `.ci/test` runs when cargo-deb is installed (`IDBOOTH_DEB=… --ignored`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{idbooth, parts, shipped_config};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `[package.metadata.deb]` of Cargo.toml.
fn metadata() -> toml::Table {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let cargo: toml::Table = toml::from_str(&text).expect("toml");
    cargo["package"]["metadata"]["deb"]
        .as_table()
        .expect("[package.metadata.deb]")
        .clone()
}

/// (source, installed path) of every asset; a destination ending in `/` takes the source's
/// file name, as cargo-deb does.
fn assets() -> Vec<(String, String)> {
    metadata()["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("[source, dest, mode]");
            let source = a[0].as_str().expect("source").to_owned();
            let mut dest = format!("/{}", a[1].as_str().expect("dest"));
            if dest.ends_with('/') {
                let name = Path::new(&source).file_name().expect("name");
                dest.push_str(&name.to_string_lossy());
            }
            (source, dest)
        })
        .collect()
}

/// The data tables and the defaults the package ships: every TOML file of kiosk-config.
fn shipped_tables() -> BTreeSet<String> {
    std::fs::read_dir(shipped_config())
        .expect("kiosk-config")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_package_ships_data_units_and_rules_and_leaves_etc_to_the_site() {
    let assets = assets();
    let dests: BTreeSet<&str> = assets.iter().map(|(_, d)| d.as_str()).collect();
    for (source, _) in &assets {
        assert!(
            source.starts_with("target/release/") || root().join(source).is_file(),
            "{source} is not in the repository"
        );
    }
    assert!(dests.contains("/usr/bin/idbooth"));
    for table in shipped_tables() {
        let dest = format!("/usr/share/idbooth/{table}");
        assert!(dests.contains(dest.as_str()), "{table} is not shipped");
    }
    for unit in ["idbooth.service", "idbooth-center.service"] {
        assert!(dests.contains(format!("/lib/systemd/system/{unit}").as_str()));
    }
    assert!(dests.contains("/lib/udev/rules.d/99-idbooth.rules"));
    // `--demo` on an installed booth finds its portrait beside the shipped config.
    assert!(dests.contains("/usr/share/idbooth/demo/portrait.jpg"));
    // /etc holds the site's kiosk.toml and nothing else: what lies there is the site's.
    let etc: Vec<&&str> = dests.iter().filter(|d| d.starts_with("/etc/")).collect();
    assert_eq!(etc, [&"/etc/idbooth/kiosk.toml"]);
    let conffiles = metadata()["conf-files"].clone();
    assert_eq!(conffiles.as_array().map(Vec::len), Some(1), "{conffiles:?}");
    assert_eq!(conffiles[0].as_str(), Some("/etc/idbooth/kiosk.toml"));
}

/// The site template as installed changes nothing (every key is commented out); with a key set,
/// that key and only that one is the site's.
#[test]
fn the_site_template_overrides_only_what_is_set() {
    let template =
        std::fs::read_to_string(root().join("debian/kiosk.toml")).expect("debian/kiosk.toml");
    let run = |site_text: &str| {
        let site = tempfile::tempdir().expect("temp");
        std::fs::write(site.path().join("kiosk.toml"), site_text).expect("write");
        let layers =
            std::env::join_paths([shipped_config(), site.path().to_path_buf()]).expect("join");
        let out = idbooth()
            .args(["config", "check", "--config"])
            .arg(&layers)
            .output()
            .expect("run");
        parts(&out)
    };
    let (code, out, err) = run(&template);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("kiosk DEMO-SZ-001"), "the shipped id: {out}");
    assert!(!out.contains("    kiosk."), "nothing overridden: {out}");
    let set = template.replacen("# id = \"SZ-FUTIAN-001\"", "id = \"SZ-FUTIAN-001\"", 1);
    assert_ne!(set, template, "the template offers kiosk.id");
    let (code, out, err) = run(&set);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("kiosk SZ-FUTIAN-001"), "{out}");
    assert_eq!(
        out.matches("\n    ").count(),
        1,
        "one key overridden: {out}"
    );
}

fn script(name: &str) -> (PathBuf, String) {
    let path = root().join("debian").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    (path, text)
}

/// Values of `key=` in a unit, space-separated values split.
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
        .flat_map(|v| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn maintainer_scripts_parse_and_create_what_the_units_run_as() {
    let names = ["postinst", "prerm", "postrm"];
    for name in names {
        let (path, text) = script(name);
        assert!(
            text.starts_with("#!/bin/sh\n"),
            "{name}: a POSIX shell script"
        );
        let status = Command::new("sh")
            .arg("-n")
            .arg(&path)
            .status()
            .expect("sh");
        assert!(status.success(), "{name} does not parse");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).expect("stat").permissions(),
        );
        assert!(mode & 0o111 != 0, "{name} is not executable");
        // The site's file is the site's: no script writes it (postinst only sets its group).
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && l.contains("/etc/idbooth/kiosk.toml"))
        {
            assert!(
                ["chown root:", "chmod 0", "if [ -e", "dpkg-statoverride"]
                    .iter()
                    .any(|ok| line.starts_with(ok) || line.contains(ok)),
                "{name} touches the site's file: {line}"
            );
        }
    }
    let (_, postinst) = script("postinst");
    let joined = postinst.replace("\\\n", " ");
    // Every user and group the units name is created (or is one of the device groups made sure of).
    for unit in ["idbooth.service", "idbooth-center.service"] {
        let text = std::fs::read_to_string(root().join("systemd").join(unit)).expect("unit");
        for user in unit_values(&text, "User") {
            assert!(
                joined
                    .lines()
                    .any(|l| l.contains("useradd") && l.trim_end().ends_with(&user)),
                "{unit}: postinst does not create User={user}"
            );
        }
        for group in unit_values(&text, "Group")
            .into_iter()
            .chain(unit_values(&text, "SupplementaryGroups"))
        {
            let made = joined.lines().any(|l| {
                (l.contains("groupadd") && l.trim_end().ends_with(&group))
                    || (l.trim_start().starts_with("for group in")
                        && l.split_whitespace()
                            .any(|w| w.trim_end_matches(';') == group))
            });
            assert!(made, "{unit}: postinst does not make sure of group {group}");
        }
    }
    assert!(postinst.contains("systemctl daemon-reload"));
    assert!(postinst.contains("udevadm control --reload"));
}

/// The built package (`IDBOOTH_DEB`): its files, its conffile, its scripts as in debian/, and the
/// packaged binary checks the packaged config as the units lay it out.
#[test]
#[ignore = "needs a built .deb in IDBOOTH_DEB (.ci/test builds one when cargo-deb is installed)"]
fn the_built_package_holds_the_booth() {
    let deb = PathBuf::from(std::env::var_os("IDBOOTH_DEB").expect("IDBOOTH_DEB"));
    let out = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(&deb)
        .output()
        .expect("dpkg-deb");
    assert!(out.status.success());
    let listing = String::from_utf8_lossy(&out.stdout);
    let files: BTreeSet<String> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches('.').to_owned())
        .collect();
    for (_, dest) in assets() {
        assert!(
            files.contains(&dest),
            "{dest} is not in the package:\n{listing}"
        );
    }
    let etc: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("/etc/") && !f.ends_with('/'))
        .collect();
    assert_eq!(etc, [&"/etc/idbooth/kiosk.toml".to_owned()]);
    let mode = listing
        .lines()
        .find(|l| l.ends_with("./etc/idbooth/kiosk.toml"))
        .and_then(|l| l.split_whitespace().next())
        .expect("kiosk.toml listed");
    assert_eq!(mode, "-rw-r-----", "the site's file is not for everyone");

    let control = tempfile::tempdir().expect("temp");
    let status = Command::new("dpkg-deb")
        .arg("--control")
        .arg(&deb)
        .arg(control.path())
        .status()
        .expect("dpkg-deb");
    assert!(status.success());
    let conffiles = std::fs::read_to_string(control.path().join("conffiles")).expect("conffiles");
    assert_eq!(conffiles.trim(), "/etc/idbooth/kiosk.toml");
    for name in ["postinst", "prerm", "postrm"] {
        let packaged = std::fs::read_to_string(control.path().join(name)).expect("script");
        assert_eq!(packaged, script(name).1, "{name} as in debian/");
    }
    let fields = std::fs::read_to_string(control.path().join("control")).expect("control");
    let depends = fields
        .lines()
        .find(|l| l.starts_with("Depends:"))
        .expect("Depends");
    assert!(
        depends.contains("cage") && depends.contains("libc6"),
        "{depends}"
    );

    // Unpacked, the packaged binary loads the packaged config as the units give it.
    let tree = tempfile::tempdir().expect("temp");
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(tree.path())
        .status()
        .expect("dpkg-deb");
    assert!(status.success());
    let layers = std::env::join_paths([
        tree.path().join("usr/share/idbooth"),
        tree.path().join("etc/idbooth"),
    ])
    .expect("join");
    let out = Command::new(tree.path().join("usr/bin/idbooth"))
        .args(["config", "check", "--config"])
        .arg(&layers)
        .output()
        .expect("the packaged binary");
    let (code, out, err) = parts(&out);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            &tree
                .path()
                .join("etc/idbooth/kiosk.toml")
                .display()
                .to_string()
        ),
        "{out}"
    );
}
