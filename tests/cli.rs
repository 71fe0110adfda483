//! The command line's contracts: help everywhere, honest refusals, exit status 2 on bad usage.

mod util;

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
            vec!["center", "--data", data.as_str(), "--listen", "8.8.8.8:1"],
            "--listen 8.8.8.8:1: cannot listen",
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
