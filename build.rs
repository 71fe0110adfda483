//! Finds the face-detection model that ships inside the `rustface` crate and hands its path to
//! the compiler, so `vision` embeds it with `include_bytes!` (DESIGN.md, "Pitfalls").
//!
//! The model is never committed and never downloaded: it comes from the crate that cargo already
//! fetched. `cargo metadata --filter-platform` resolves only this target's crates, so it works
//! offline once the build's own crates are present.
//!
//! MediaPipe's four face models come the same way from a registry package: `.ci/setup` (its
//! `.ci/models`) extracts them from the `mediapipe` wheel on PyPI into `assets/models/` and checks
//! their SHA-256; this script checks them again and hands their paths to `vision::mesh`.

use std::env;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

const MODEL: &str = "model/seeta_fd_frontal_v1.0.bin";

/// MediaPipe's models, by the environment variable that carries each path to the compiler.
const MEDIAPIPE: [(&str, &str); 4] = [
    (
        "IDBOOTH_FACE_DETECTION_MODEL",
        "face_detection_short_range.tflite",
    ),
    ("IDBOOTH_FACE_LANDMARK_MODEL", "face_landmark.tflite"),
    ("IDBOOTH_IRIS_LANDMARK_MODEL", "iris_landmark.tflite"),
    (
        "IDBOOTH_SELFIE_SEGMENTATION_MODEL",
        "selfie_segmentation.tflite",
    ),
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");

    let dir = rustface_dir()?;
    let model = dir.join(MODEL);
    if !model.is_file() {
        return Err(format!("the rustface crate at {} has no {MODEL}", dir.display()).into());
    }
    println!("cargo:rerun-if-changed={}", model.display());
    println!("cargo:rustc-env=IDBOOTH_RUSTFACE_MODEL={}", model.display());
    // Tests and benches find the Solvay group photo (`test.png`) beside the model.
    println!("cargo:rustc-env=IDBOOTH_RUSTFACE_DIR={}", dir.display());
    mediapipe_models()?;
    languages()
}

/// Embeds every language of `assets/i18n/` (`<tag>.toml`), the base `zh-CN` first, and names a
/// `Language` constant for each (`zh-CN` → `Language::ZH_CN`).
fn languages() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("assets/i18n");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags = Vec::new();
    for entry in
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml")
            && let Some(tag) = path.file_stem().and_then(|s| s.to_str())
        {
            tags.push(tag.to_owned());
        }
    }
    tags.sort_by_key(|t| (t != "zh-CN", t.clone()));
    if tags.first().map(String::as_str) != Some("zh-CN") {
        return Err(format!("{} has no zh-CN.toml, the base language", dir.display()).into());
    }
    if tags.len() > usize::from(u8::MAX) {
        return Err("too many languages in assets/i18n".into());
    }
    let mut code = String::from("/// The languages' files: tag and text.\n");
    code += &format!("const FILES: [(&str, &str); {}] = [\n", tags.len());
    for tag in &tags {
        let path = dir.join(format!("{tag}.toml"));
        code += &format!(
            "    ({tag:?}, include_str!({:?})),\n",
            path.display().to_string()
        );
    }
    code += "];\n\nimpl Language {\n";
    for (i, tag) in tags.iter().enumerate() {
        let name: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        code += &format!(
            "    /// `assets/i18n/{tag}.toml`.\n    pub const {name}: Language = Language({i});\n"
        );
    }
    code += "}\n";
    let out = PathBuf::from(env::var("OUT_DIR")?).join("languages.rs");
    std::fs::write(&out, code)?;
    Ok(())
}

/// Checks MediaPipe's models in `assets/models/` against the SHA-256 sums pinned in
/// `assets/models/SHA256SUMS` and exports their paths.
fn mediapipe_models() -> Result<(), Box<dyn Error>> {
    use sha2::Digest;
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("assets/models");
    let sums_path = dir.join("SHA256SUMS");
    println!("cargo:rerun-if-changed={}", sums_path.display());
    let sums = std::fs::read_to_string(&sums_path)?;
    for (var, name) in MEDIAPIPE {
        let pinned = sums
            .lines()
            .filter_map(|line| line.split_once("  "))
            .find(|(_, file)| file.trim() == name)
            .map(|(sum, _)| sum.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("assets/models/SHA256SUMS pins no {name}"))?;
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(bytes) = std::fs::read(&path) else {
            return Err(format!(
                "{} is missing: run `bash .ci/setup` (it fetches MediaPipe's models from PyPI)",
                path.display()
            )
            .into());
        };
        let sum: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if sum != pinned {
            return Err(format!(
                "{} does not match its SHA-256 in assets/models/SHA256SUMS: run `bash .ci/setup` again",
                path.display()
            )
            .into());
        }
        println!("cargo:rustc-env={var}={}", path.display());
    }
    Ok(())
}
fn rustface_dir() -> Result<PathBuf, Box<dyn Error>> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("Cargo.toml");
    let target = env::var("TARGET")?;
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            &target,
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .env_remove("CARGO_TARGET_DIR")
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata gave no package list")?;
    let manifest_path = packages
        .iter()
        .find(|p| p["name"] == "rustface")
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("cargo metadata does not list the rustface package")?;
    Path::new(manifest_path)
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("odd rustface manifest path {manifest_path}").into())
}
