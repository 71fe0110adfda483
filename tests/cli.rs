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
fn commands_of_open_issues_say_so_and_exit_2() {
    for (args, issue) in [
        (vec!["center", "--data", "/nonexistent-idbooth"], 4),
        (vec!["outbox", "list"], 4),
        (
            vec![
                "receipt",
                "render",
                "--submission",
                "S1",
                "--format",
                "pdf",
                "-o",
                "x.pdf",
            ],
            4,
        ),
    ] {
        let (code, out, err) = parts(&run(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(
            err.contains(&format!("not built yet (issue #{issue})")),
            "{args:?}: {err}"
        );
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
