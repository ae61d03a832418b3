//! A structure-aware fuzzer of the command line: the bundled scenarios with
//! numbers pushed to extremes, keys deleted or duplicated, types swapped and
//! ids replaced by hostile strings, written as TOML or JSON and given to
//! `silkrail validate` and `silkrail run`.
//!
//! Every case must end with exit status 0 or 2 (never a panic, an abort or
//! a hang); a failure must name the file and a field and leave no output
//! folder behind; a file with a hostile id or name must be refused; a run
//! that succeeds must write safe file names, a CSV whose rows match its
//! header, and JSON that parses; and memory and time stay bounded (each
//! process runs under a 2 GiB address-space limit and a 60 s deadline).
//!
//! `.ci/run` runs the default 150 cases. Run it for longer with
//! `SILKRAIL_FUZZ_CASES=20000 cargo test --release --test fuzz_cli`
//! (`SILKRAIL_FUZZ_SEED` picks another sequence of cases,
//! `SILKRAIL_FUZZ_BIN` another build of `silkrail` to try them on).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::RngExt;
use silkrail::rng::{SimRng, stream_rng};

const REFERENCE: &str = include_str!("../examples/scenarios/reference.toml");
const MMC: &str = include_str!("../examples/scenarios/mmc_port.toml");

/// Values that break naive code, as TOML values.
const HOSTILE_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "1e300",
    "1e-300",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "0.5",
    "1000000000",
    "3",
];

/// Ids that must be refused with a clear message.
const HOSTILE_IDS: &[&str] = &[
    "",
    "a/b",
    "..",
    "a,b",
    "a\"b",
    "a.b",
    "a\nb",
    "east\u{202e}x",
    "UPPER",
    "with space",
    "ünï",
    "a\u{0}b",
    "ok_id",
];

fn pick<'a, T>(rng: &mut SimRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Every path to a value in the table, with the value.
fn paths(v: &toml::Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    if let toml::Value::Table(t) = v {
        for (k, child) in t {
            let mut p = at.clone();
            p.push(k.clone());
            paths(child, p, out);
        }
    }
}

fn get_mut<'a>(v: &'a mut toml::Value, path: &[String]) -> Option<&'a mut toml::Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_table_mut()?.get_mut(k)?;
    }
    Some(cur)
}

/// Renames the id `old` to `new` in a table of ids and wherever a string
/// equal to it appears (so that lookups pass and the id itself is judged).
fn rename_everywhere(v: &mut toml::Value, old: &str, new: &str) {
    match v {
        toml::Value::String(s) if s == old => *s = new.to_string(),
        toml::Value::Array(a) => a.iter_mut().for_each(|x| rename_everywhere(x, old, new)),
        toml::Value::Table(t) => {
            let keys: Vec<String> = t.keys().cloned().collect();
            for k in keys {
                let mut child = t.remove(&k).expect("listed");
                rename_everywhere(&mut child, old, new);
                t.insert(if k == old { new.to_string() } else { k }, child);
            }
        }
        _ => {}
    }
}

/// One mutated scenario: its file text, whether it is TOML, and whether
/// it must be refused (a hostile id or a control character in a name was
/// put in).
fn mutate(rng: &mut SimRng) -> (String, bool, bool) {
    let mut must_refuse = false;
    let base = if rng.random::<bool>() { REFERENCE } else { MMC };
    let mut doc: toml::Value =
        toml::Value::Table(toml::from_str(base).expect("bundled files parse"));
    // Short runs: the fuzzer is about input, not about long simulations.
    if let Some(e) = get_mut(&mut doc, &["experiment".into()]).and_then(|e| e.as_table_mut()) {
        e.insert("horizon_days".into(), toml::Value::Float(5.0));
        e.insert("warmup_days".into(), toml::Value::Float(1.0));
    }
    let mut all = Vec::new();
    paths(&doc, Vec::new(), &mut all);
    all.retain(|p| !p.is_empty());
    for _ in 0..rng.random_range(1..4) {
        let path = pick(rng, &all).clone();
        match rng.random_range(0..5) {
            // A number pushed to an extreme (or any value replaced by one).
            0 => {
                let text = *pick(rng, HOSTILE_NUMBERS);
                if let (Some(v), Ok(t)) = (
                    get_mut(&mut doc, &path),
                    toml::from_str::<toml::Table>(&format!("x = {text}")),
                ) {
                    *v = t["x"].clone();
                }
            }
            // A key deleted.
            1 => {
                let (last, parent) = path.split_last().expect("non-empty");
                if let Some(t) = get_mut(&mut doc, parent).and_then(|p| p.as_table_mut()) {
                    t.remove(last);
                }
            }
            // A type swapped.
            2 => {
                if let Some(v) = get_mut(&mut doc, &path) {
                    let swapped = match &*v {
                        toml::Value::Integer(i) => toml::Value::String(i.to_string()),
                        toml::Value::Float(f) => toml::Value::Array(vec![toml::Value::Float(*f)]),
                        toml::Value::String(s) => toml::Value::Integer(s.len() as i64),
                        toml::Value::Boolean(b) => toml::Value::Integer(i64::from(*b)),
                        toml::Value::Array(_) => toml::Value::String("list".into()),
                        toml::Value::Table(_) => toml::Value::Array(Vec::new()),
                        other => other.clone(),
                    };
                    *v = swapped;
                }
            }
            // An id replaced by a hostile string, everywhere it is used.
            3 => {
                if path.len() == 2
                    && ["nodes", "ports", "sections", "flows", "groups", "variants"]
                        .contains(&path[0].as_str())
                {
                    let new = *pick(rng, HOSTILE_IDS);
                    rename_everywhere(&mut doc, &path[1], new);
                    must_refuse |= new != "ok_id";
                }
            }
            // A name with a control character.
            _ => {
                if path.last().is_some_and(|k| k == "name")
                    && let Some(toml::Value::String(s)) = get_mut(&mut doc, &path)
                {
                    const CONTROL: &[&str] = &["\u{1b}[2J", "\u{202e}", "\u{7}", "\r"];
                    let bad: &&str = pick(rng, CONTROL);
                    s.push_str(bad);
                    must_refuse = true;
                }
            }
        }
    }
    if rng.random_range(0..4) == 0 {
        let json = serde_json::to_string_pretty(&doc).unwrap_or_default();
        return (json, false, must_refuse);
    }
    let mut text = toml::to_string(&doc).unwrap_or_default();
    // A key duplicated: a line `k = v` written twice.
    if rng.random_range(0..6) == 0 {
        let lines: Vec<&str> = text.lines().collect();
        let candidates: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains(" = "))
            .collect();
        if !candidates.is_empty() {
            let i = *pick(rng, &candidates);
            let mut out: Vec<&str> = lines[..=i].to_vec();
            out.push(lines[i]);
            out.extend(&lines[i + 1..]);
            text = out.join("\n") + "\n";
        }
    }
    (text, true, must_refuse)
}

/// The fields of one CSV record per RFC 4180 (quotes doubled inside quoted
/// fields), or `None` if it is malformed.
fn csv_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if fields.last()?.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut()?.push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut()?.push(c),
        }
    }
    (!quoted).then_some(fields)
}

/// What a successful run must have written: safe file names, a CSV whose
/// rows all have the header's width, and JSON that parses.
fn check_outputs(out: &Path) -> Result<(), String> {
    for e in std::fs::read_dir(out).map_err(|e| e.to_string())? {
        let name = e
            .map_err(|e| e.to_string())?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(format!("file name {name:?}"));
        }
    }
    let csv = std::fs::read_to_string(out.join("replications.csv")).map_err(|e| e.to_string())?;
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let width = csv_fields(lines.next().ok_or("no header")?)
        .ok_or("bad header")?
        .len();
    for l in lines {
        if csv_fields(l).map(|f| f.len()) != Some(width) {
            return Err(format!("a row of another width than the header's {width}"));
        }
    }
    let summary = std::fs::read_to_string(out.join("summary.json")).map_err(|e| e.to_string())?;
    serde_json::from_str::<serde_json::Value>(&summary)
        .map_err(|e| format!("summary.json: {e}"))?;
    Ok(())
}

/// Runs the binary under a 2 GiB address-space limit and a deadline;
/// returns the exit code (None if killed by a signal) and standard error.
fn run(args: &[&str], deadline: Duration) -> (Option<i32>, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 2097152; exec \"$0\" \"$@\"")
        .arg(binary())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return (status.code(), err);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (None, format!("killed after {deadline:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The binary under test: this build's, or `SILKRAIL_FUZZ_BIN` (to try the
/// cases on another build, e.g. an older release).
fn binary() -> String {
    std::env::var("SILKRAIL_FUZZ_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_silkrail").to_string())
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz_cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn mutated_scenarios_get_a_clear_answer() {
    let cases: u64 = std::env::var("SILKRAIL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("SILKRAIL_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let dir = scratch();
    let deadline = Duration::from_secs(60);
    let (mut valid, mut refused) = (0, 0);
    let mut problems = Vec::new();
    for case in 0..cases {
        let mut rng = stream_rng(seed, case, 0);
        let (text, is_toml, must_refuse) = mutate(&mut rng);
        let file = dir.join(format!(
            "case{case}.{}",
            if is_toml { "toml" } else { "json" }
        ));
        std::fs::write(&file, &text).unwrap();
        let f = file.to_str().unwrap();
        let (code, err) = run(&["validate", f], deadline);
        let verdict = |what: &str, code: Option<i32>, err: &str, out: Option<&Path>| {
            let ok = match code {
                Some(0) => true,
                Some(2) => {
                    let named = err.starts_with("error: ") && err.contains(f) && err.contains(": ");
                    let clean = out.is_none_or(|o| !o.exists());
                    named && clean
                }
                _ => false,
            };
            (!ok || err.contains("panicked")).then(|| {
                format!(
                    "case {case} ({what}, {}): exit {code:?}: {}",
                    file.display(),
                    err.lines().next().unwrap_or("")
                )
            })
        };
        problems.extend(verdict("validate", code, &err, None));
        if code == Some(0) && must_refuse {
            problems.push(format!(
                "case {case} ({}): a hostile id or name was accepted",
                file.display()
            ));
        }
        if code == Some(0) {
            valid += 1;
            let out = dir.join(format!("out{case}"));
            let (code, err) = run(
                &[
                    "run",
                    f,
                    "--replications",
                    "2",
                    "--out",
                    out.to_str().unwrap(),
                ],
                deadline,
            );
            problems.extend(verdict("run", code, &err, Some(&out)));
            if code == Some(0)
                && let Err(e) = check_outputs(&out)
            {
                problems.push(format!("case {case} ({}): output: {e}", file.display()));
            }
            let _ = std::fs::remove_dir_all(&out);
        } else {
            refused += 1;
        }
        if problems.is_empty() {
            let _ = std::fs::remove_file(&file);
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {cases} cases went wrong ({valid} valid, {refused} refused):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The mutations reach both sides: some files stay valid, most do not.
    eprintln!("{cases} cases: {valid} valid, {refused} refused");
    assert!(
        valid > 0 && refused > cases / 2,
        "{valid} valid, {refused} refused"
    );
}
