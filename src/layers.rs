//! The module arrows of README's "Architecture", held against the code: each top-level module's
//! `crate::` paths (outside its tests) name exactly the modules README says it uses, and those
//! arrows have no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file of a top-level module: `src/<name>.rs` and all under `src/<name>/`, without
/// the files that hold only tests.
fn files_of(src: &Path, name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let single = src.join(format!("{name}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let mut dirs = vec![src.join(name)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                files.push(path);
            }
        }
    }
    files
}

/// The top-level modules `text` names by `crate::<module>`, its `#[cfg(test)] mod` (the tests
/// at a file's end) and its comments left out.
fn uses_in(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut uses = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() {
                uses.insert(name);
            }
        }
    }
    uses
}

/// README's arrows: the rows `| `module` | `a`, `b` |` of its module table.
fn readme_arrows(readme: &str) -> BTreeMap<String, BTreeSet<String>> {
    let section = readme
        .split("\n## Architecture")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has an Architecture section");
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let [module, uses, ..] = cells.as_slice() else {
                return None;
            };
            let module = names(module).into_iter().next()?;
            Some((module, names(uses)))
        })
        .collect()
}

/// A cycle among `arrows`, if there is one (its modules in order).
fn cycle(arrows: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        arrows: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            return Some(path[at..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in arrows.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, arrows, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    arrows
        .keys()
        .find_map(|start| visit(start, arrows, &mut Vec::new(), &mut done))
}

#[test]
fn each_module_uses_what_readme_says_and_the_arrows_have_no_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let arrows = readme_arrows(&readme);
    assert!(arrows.len() >= 10, "README's module table: {arrows:?}");
    let src = root.join("src");
    let mut wrong = Vec::new();
    // Every module of src/ has its row (lib.rs and main.rs are the roots, this file a test).
    for entry in std::fs::read_dir(&src).expect("src/").flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if module
            && !["lib", "main", "layers"].contains(&name.as_str())
            && !arrows.contains_key(&name)
        {
            wrong.push(format!("README's table has no row for `{name}`"));
        }
    }
    for (module, said) in &arrows {
        let files = files_of(&src, module);
        if files.is_empty() {
            wrong.push(format!("README names `{module}`, which src/ does not have"));
            continue;
        }
        let mut used = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file");
            used.extend(uses_in(&text));
        }
        used.remove(module);
        if &used != said {
            wrong.push(format!("`{module}` uses {used:?}; README says {said:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(cycle(&arrows), None, "the module arrows have a cycle");
}

#[test]
fn a_cycle_is_found_and_a_layered_graph_has_none() {
    let graph = |edges: &[(&str, &str)]| {
        let mut arrows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            arrows
                .entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
            arrows.entry((*to).to_owned()).or_default();
        }
        arrows
    };
    let layered = graph(&[("ui", "ops"), ("ops", "camera"), ("ui", "camera")]);
    assert_eq!(cycle(&layered), None);
    let looped = graph(&[("ui", "ops"), ("ops", "camera"), ("camera", "ops")]);
    let found: BTreeSet<String> = cycle(&looped).expect("a cycle").into_iter().collect();
    assert_eq!(
        found,
        BTreeSet::from(["ops".to_owned(), "camera".to_owned()])
    );
}

#[test]
fn uses_are_read_from_code_not_from_comments_or_the_tests_at_the_end() {
    let text = "use crate::spec::Spec;\n// crate::ui is only named here\nfn f() { crate::vision::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::ops::Config;\n}\n";
    let uses: Vec<String> = uses_in(text).into_iter().collect();
    assert_eq!(uses, ["spec", "vision"]);
}
