//! The crate's layers only look down: no module imports from a layer above
//! it, and no two files of one module refer to each other (no import
//! cycle). The layers are those the crate documentation lists; this test
//! reads the sources and fails on the first reference that breaks them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. A module may refer to modules
/// of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["time", "error", "rng"],
    &["stats"],
    &["metric", "engine"],
    &["montecarlo"],
    &["corridor", "queueing"],
    &["scenario"],
    &["study"],
    &["report"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments and string literals (so that docs and
/// messages that mention `crate::x` do not count).
fn code_only(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// Every `crate::a::b` and `super::b` reference of a file, as paths of
/// module names.
fn references(code: &str) -> Vec<Vec<String>> {
    let mut refs = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(start) {
            let pos = at + i;
            at = pos + start.len();
            // (Not the second `super` of `super::super::`, nor part of a name.)
            if pos > 0
                && (bytes[pos - 1].is_ascii_alphanumeric()
                    || bytes[pos - 1] == b'_'
                    || bytes[pos - 1] == b':')
            {
                continue;
            }
            let mut path = vec![start.trim_end_matches("::").to_string()];
            let mut rest = &code[at..];
            loop {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name.is_empty() {
                    // `use super::{a, b}`: every name in the braces.
                    if let Some(inner) = rest.strip_prefix('{') {
                        let end = inner.find('}').unwrap_or(inner.len());
                        for item in inner[..end].split(',') {
                            let item = item.trim().split("::").next().unwrap_or("").trim();
                            if !item.is_empty() {
                                let mut p = path.clone();
                                p.push(item.to_string());
                                refs.push(p);
                            }
                        }
                    }
                    break;
                }
                path.push(name.clone());
                rest = &rest[name.len()..];
                match rest.strip_prefix("::") {
                    Some(r) => rest = r,
                    None => break,
                }
            }
            if path.len() > 1 {
                refs.push(path);
            }
        }
    }
    refs
}

#[test]
fn modules_import_only_from_layers_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = layer_of(&top) else {
            continue; // lib.rs, main.rs and the binary's own files
        };
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        for r in references(&code) {
            if r[0] != "crate" {
                continue;
            }
            let target = &r[1];
            if *target == top {
                continue;
            }
            match layer_of(target) {
                Some(l) if l < own => {}
                _ => broken.push(format!("{}: crate::{}", rel.display(), r[1..].join("::"))),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports from the same or a higher layer:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_two_files_of_a_module_refer_to_each_other() {
    // The file-level graph inside each module: an edge a → b when file a
    // names file b (through `super::`, `crate::module::file` or a child
    // module's name). Re-exports of a `mod.rs` (its `pub use` and
    // `pub(crate) use` lines) are the module's facade, not a dependency,
    // and are left out.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // Module path of each file, e.g. ["corridor", "model", "port"].
    let module_of = |f: &Path| -> Vec<String> {
        let rel = f.strip_prefix(&src).unwrap();
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts
    };
    let known: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        let me = module_of(f);
        if me.is_empty() || me == ["main"] || me == ["lib"] || me[0] == "cli" {
            continue;
        }
        // A module's root file: `x/mod.rs`, or `x.rs` beside a folder `x/`.
        let is_mod_rs =
            f.file_name().is_some_and(|n| n == "mod.rs") || f.with_extension("").is_dir();
        let raw = std::fs::read_to_string(f).unwrap();
        let kept: String = raw
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                !(is_mod_rs && (l.starts_with("pub use ") || l.starts_with("pub(crate) use ")))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let code = code_only(&kept);
        let parent: Vec<String> = me[..me.len() - 1].to_vec();
        let mut targets = BTreeSet::new();
        for r in references(&code) {
            // `super::` is the module that holds the file (for a mod.rs,
            // its own parent module).
            let mut path = match r[0].as_str() {
                "crate" => Vec::new(),
                _ => parent.clone(),
            };
            // The longest known module prefix of the reference.
            let mut best = None;
            for seg in &r[1..] {
                if seg == "super" {
                    // `super::super::`: one module further up.
                    path.pop();
                    continue;
                }
                path.push(seg.clone());
                if known.contains(&path) {
                    best = Some(path.clone());
                }
            }
            if let Some(t) = best
                && t != me
                && t.len() == me.len()
                && t[..t.len() - 1] == me[..me.len() - 1]
            {
                targets.insert(t); // a sibling file
            } else if let Some(t) = best_parent_or_child(&me, &r, &known, is_mod_rs) {
                targets.insert(t);
            }
        }
        // A mod.rs that calls a child module by name (`validate::network`).
        if is_mod_rs {
            for child in known
                .iter()
                .filter(|k| k.len() == me.len() + 1 && k[..me.len()] == me[..])
            {
                let needle = format!("{}::", child.last().unwrap());
                let named = code.match_indices(&needle).any(|(i, _)| {
                    let before = code[..i].chars().next_back();
                    !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                });
                if named {
                    targets.insert(child.clone());
                }
            }
        }
        edges.insert(me, targets);
    }
    let mut cycles = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if edges.get(b).is_some_and(|t| t.contains(a)) && a < b {
                cycles.push(format!("{} ↔ {}", a.join("::"), b.join("::")));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that refer to each other:\n{}",
        cycles.join("\n")
    );
}

/// A reference from a file to its module's `mod.rs` (through `super::`)
/// counts as an edge to that `mod.rs`, and a reference from a `mod.rs` to
/// a child file counts as an edge to the child.
fn best_parent_or_child(
    me: &[String],
    r: &[String],
    known: &BTreeSet<Vec<String>>,
    is_mod_rs: bool,
) -> Option<Vec<String>> {
    if r[0] == "super" && !is_mod_rs {
        let mut parent = me[..me.len() - 1].to_vec();
        let mut rest = &r[1..];
        while rest.first().is_some_and(|s| s == "super") {
            parent.pop();
            rest = &rest[1..];
        }
        let first = rest.first()?;
        // `super::Item` names something defined in the parent's mod.rs.
        let child = [parent.clone(), vec![first.clone()]].concat();
        if !known.contains(&child) && !parent.is_empty() {
            return Some(parent);
        }
    }
    None
}
