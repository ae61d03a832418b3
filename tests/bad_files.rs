//! The corpus of bad scenario files: each `tests/bad_scenarios/NAME.toml`
//! (or `.json`) must fail, when loaded, with exactly the message in
//! `NAME.expected` (snapshot test). Every message names the file, the line
//! and column, and the field.
//! Set `SILKRAIL_BLESS=1` to rewrite the snapshots after a deliberate change
//! of wording, and review the diff.

use std::path::Path;

use silkrail::scenario::Scenario;

/// The error a file produces on loading (which checks every variant).
fn error_of(path: &Path) -> Option<String> {
    Scenario::load(path).err().map(|e| e.to_string())
}

#[test]
fn every_bad_file_fails_with_its_message() {
    let dir = Path::new("tests/bad_scenarios");
    let bless = std::env::var_os("SILKRAIL_BLESS").is_some();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus is in place");
    let mut failures = Vec::new();
    for file in files {
        let Some(message) = error_of(&file) else {
            failures.push(format!("{}: loaded without error", file.display()));
            continue;
        };
        // An error names a field: a path with a dot, or a top-level key.
        if !message.contains(": ") {
            failures.push(format!("{}: no field named in {message}", file.display()));
        }
        let expected_path = file.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, format!("{message}\n")).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.trim_end() != message {
            failures.push(format!(
                "{}:\n  expected: {}\n  got:      {message}",
                file.display(),
                expected.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_missing_file_names_itself() {
    let e = Scenario::load(Path::new("tests/bad_scenarios/no_such_file.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("tests/bad_scenarios/no_such_file.toml: cannot read:"),
        "{e}"
    );
}
