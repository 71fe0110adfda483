//! Finds the face-detection model that ships inside the `rustface` crate and hands its path to
//! the compiler, so `vision` embeds it with `include_bytes!` (DESIGN.md, "Pitfalls").
//!
//! The model is never committed and never downloaded: it comes from the crate that cargo already
//! fetched. `cargo metadata --filter-platform` resolves only this target's crates, so it works
//! offline once the build's own crates are present.

use std::env;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

const MODEL: &str = "model/seeta_fd_frontal_v1.0.bin";

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
