use super::*;

#[test]
fn every_language_has_every_key_of_the_base_with_its_placeholders() {
    let problems = problems();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(Language::all().count() >= 2);
    assert_eq!(Language::BASE, Language::ZH_CN);
}

#[test]
fn a_language_is_known_by_its_tag_and_an_unknown_one_is_named() {
    assert_eq!(Language::from_tag("en"), Ok(Language::EN));
    assert_eq!(Language::ZH_CN.tag(), "zh-CN");
    let err = Language::from_tag("fr").expect_err("no French file");
    let text = err.to_string();
    assert!(
        text.contains("\"fr\"") && text.contains("zh-CN") && text.contains("en"),
        "{text}"
    );
    let toml: Result<std::collections::BTreeMap<String, Language>, _> =
        toml::from_str("language = \"de\"");
    assert!(toml.is_err_and(|e| e.to_string().contains("unknown language")));
}

#[test]
fn texts_come_from_their_language_and_fall_back_to_the_base() {
    assert_eq!(Language::ZH_CN.t("common.back"), "返回");
    assert_eq!(Language::EN.t("common.back"), "Back");
    assert!(Language::ZH_CN.han() && !Language::EN.han());
    // 繁體中文 is one more file, found by the build.
    assert_eq!(Language::ZH_HANT.t("common.back"), "返回");
    assert_eq!(Language::ZH_HANT.t("advice.move_closer"), "請靠近一點");
    assert!(Language::ZH_HANT.han());
    // A key nobody has shows itself rather than a blank.
    assert_eq!(Language::EN.t("no.such.key"), "no.such.key");
    assert_eq!(
        Language::EN.fill("still_there.going_back", &[("left", &7)]),
        "Going back to the start in 7 s"
    );
    // Round all the languages and back to the first.
    let mut seen = vec![Language::BASE];
    let mut l = Language::BASE.next();
    while l != Language::BASE {
        assert!(!seen.contains(&l), "{l} twice");
        seen.push(l);
        l = l.next();
    }
    assert_eq!(seen.len(), Language::all().count());
}

#[test]
fn a_language_file_is_held_against_the_base() {
    let base = Catalog::parse("zh-CN", "[a]\nx = \"{n} 个\"\ny = \"是\"\n");
    let other = Catalog::parse("xx", "[a]\nx = \"{m} of them\"\nz = \"extra\"\n");
    let found = compare(&base, &other);
    let keys: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 3, "{keys:#?}");
    assert!(matches!(&found[0], TextProblem::Placeholders { key, .. } if key == "a.x"));
    assert!(matches!(&found[1], TextProblem::Missing { key, .. } if key == "a.y"));
    assert!(matches!(&found[2], TextProblem::Extra { key, .. } if key == "a.z"));
    let broken = Catalog::parse("xx", "[a]\nx = 3\n");
    assert!(broken.error.as_deref().is_some_and(|e| e.contains("a.x")));
    assert!(Catalog::parse("xx", "[a\n").error.is_some());
}

/// Every key the code names (`.t("…")`, `.fill("…"`, and the `"area.key"` literals handed to
/// them) is a key of the base language.
#[test]
fn every_key_the_code_names_has_a_text() {
    let keys = keys();
    let areas: BTreeSet<&str> = keys.keys().filter_map(|k| k.split('.').next()).collect();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    let mut missing = Vec::new();
    let mut seen = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n/tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file is readable");
            for key in named_keys(&text, &areas) {
                seen += 1;
                if !keys.contains_key(key.as_str()) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
    }
    assert!(
        seen > 200,
        "only {seen} keys found: is the scan still right?"
    );
    assert!(
        missing.is_empty(),
        "keys with no text in zh-CN.toml: {missing:#?}"
    );
}

/// The keys the code makes rather than names: a reason's by its wire code.
#[test]
fn every_reason_has_a_text() {
    let keys = keys();
    for reason in crate::spec::Reason::ALL {
        let key = format!("reason.{}", reason.code());
        assert!(keys.contains_key(key.as_str()), "{key}");
    }
}

/// The dotted literals of `text` that look like text keys: `"area.key"` with a known area.
fn named_keys(text: &str, areas: &BTreeSet<&str>) -> Vec<String> {
    let pieces: Vec<&str> = text.split('"').collect();
    let mut out = Vec::new();
    // Odd pieces are inside quotes; the piece before says what the literal is handed to.
    for pair in pieces.chunks(2).filter(|p| p.len() == 2) {
        let (before, literal) = (pair[0].trim_end(), pair[1]);
        let plain = literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
        if !plain || literal.is_empty() {
            continue;
        }
        if before.ends_with("problem(") || before.ends_with("problem_with(") {
            out.push(format!("health.{literal}"));
        } else if (before.ends_with("t(") || before.ends_with("fill(") || before.ends_with("=>"))
            && literal.split('.').next().is_some_and(|a| areas.contains(a))
            && literal.contains('.')
        {
            out.push(literal.to_owned());
        }
    }
    out
}
