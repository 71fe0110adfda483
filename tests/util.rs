//! Helpers shared by the CLI tests: run the real binary, copy the shipped config to edit it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The shipped configuration folder.
pub fn shipped_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config")
}

/// A temp folder holding a copy of the shipped config's three files.
pub fn config_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "kiosk.toml",
        "documents.toml",
        "cities.toml",
        "guidance.toml",
    ] {
        std::fs::copy(shipped_config().join(name), dir.path().join(name)).expect("copy config");
    }
    dir
}

/// Replaces `from` by `to` in `dir/file` (which must contain it once) and returns the 1-based
/// line where `to` now stands.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) -> usize {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read config");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must stand once in {file}"
    );
    let text = text.replacen(from, to, 1);
    std::fs::write(&path, &text).expect("write config");
    let at = text.find(to).expect("just written");
    text[..at].matches('\n').count() + 1
}

/// The idbooth binary.
pub fn idbooth() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idbooth"));
    cmd.env_remove("IDBOOTH_CONFIG").env_remove("RUST_LOG");
    cmd
}

/// Runs idbooth with `args`, stdin empty.
pub fn run(args: &[&str]) -> Output {
    idbooth()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run idbooth")
}

/// Exit code, stdout, stderr.
pub fn parts(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The public-domain portrait of Grace Hopper from Debian's python-matplotlib-data.
pub const GRACE: &str = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

/// The 1927 Solvay conference photo inside the rustface crate: many small faces.
pub fn solvay() -> PathBuf {
    Path::new(env!("IDBOOTH_RUSTFACE_DIR")).join("test.png")
}

/// Grace Hopper cut out of her portrait, ready to be placed on a booth's backdrop. Made once per
/// test binary: it takes a face detection.
pub fn grace_subject() -> &'static idbooth::camera::Subject {
    static SUBJECT: std::sync::OnceLock<idbooth::camera::Subject> = std::sync::OnceLock::new();
    SUBJECT.get_or_init(cut_out_grace)
}

fn cut_out_grace() -> idbooth::camera::Subject {
    let portrait = image::open(GRACE)
        .expect("grace_hopper.jpg: install python-matplotlib-data (.ci/setup test)")
        .to_rgb8();
    let mut detector = idbooth::vision::FaceDetector::new().expect("model");
    let face = *idbooth::vision::assess_still(&mut detector, &portrait)
        .face()
        .expect("a face in grace_hopper.jpg");
    idbooth::camera::Subject::cut_out(portrait, face)
}

/// A 1280×720 booth capture of Grace Hopper placed as `place` says.
pub fn booth_capture(place: &idbooth::camera::Placement) -> image::RgbImage {
    grace_subject().compose(1280, 720, place)
}

/// The shipped configuration, loaded.
pub fn config() -> idbooth::ops::Config {
    idbooth::ops::Config::load(&shipped_config()).expect("shipped config")
}
