//! Merging at scale: 1,000 shards of one experiment merge into exactly the
//! files of the unsplit run, in memory that does not grow with the number
//! of parts (the parts are read one at a time and only the running total
//! is kept), and a merge that lacks shards or has one twice names them.
//!
//! The merges run as `silkrail merge` child processes, whose peak resident
//! memory (`VmHWM` in `/proc/PID/status`, Linux) is sampled while they
//! run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use silkrail::montecarlo::Shard;
use silkrail::report::run_into_folder;
use silkrail::scenario::Scenario;
use silkrail::study::{StudyOptions, StudyPlan};

/// Runs `silkrail merge PARTS --out OUT`; its exit status, standard error
/// and peak resident memory \[kB\] as last seen.
fn merge(parts: &[PathBuf], out: &Path) -> (bool, String, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkrail"))
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .arg("--no-charts")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.success(), err, peak)
}

/// The M/M/3 port over a short horizon: a small, quick replication.
fn small() -> Scenario {
    let mut spec = Scenario::load(Path::new("examples/scenarios/mmc_port.toml"))
        .unwrap()
        .spec;
    spec.experiment.horizon_days = 2.0;
    spec.experiment.warmup_days = 0.5;
    Scenario::from_spec(spec).unwrap()
}

fn plan(s: &Scenario, replications: u64, shard: Option<Shard>) -> StudyPlan {
    let options = StudyOptions {
        replications: Some(replications),
        threads: Some(1),
        shard,
        ..StudyOptions::default()
    };
    StudyPlan::comparison(s, &[], &options).unwrap()
}

/// Writes the `n` shards of a `replications`-replication run under `dir`.
fn parts(s: &Scenario, replications: u64, n: u64, dir: &Path) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let out = dir.join(format!("part-{i}"));
            let p = plan(s, replications, Some(Shard::new(i, n).unwrap()));
            run_into_folder(&p, &out, false, None).unwrap();
            out
        })
        .collect()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_thousand_parts_merge_exactly_in_bounded_memory() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("merge_scale");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let s = small();
    const R: u64 = 1_000;

    let whole = root.join("whole");
    run_into_folder(&plan(&s, R, None), &whole, false, None).unwrap();

    // 100 parts of 10 replications, and 1,000 of one.
    let hundred = parts(&s, R, 100, &root.join("p100"));
    let thousand = parts(&s, R, 1_000, &root.join("p1000"));
    let part_size = read(&thousand[0].join("partial.json")).len();

    let (ok, err, peak_100) = merge(&hundred, &root.join("m100"));
    assert!(ok, "{err}");
    let (ok, err, peak_1000) = merge(&thousand, &root.join("m1000"));
    assert!(ok, "{err}");

    // Exactly the unsplit run's files (run.json says how each was run).
    let mut compared = 0;
    for entry in std::fs::read_dir(&whole).unwrap() {
        let name = entry.unwrap().file_name();
        if name == "run.json" {
            continue;
        }
        assert_eq!(
            read(&root.join("m1000").join(&name)),
            read(&whole.join(&name)),
            "{}",
            name.to_string_lossy()
        );
        compared += 1;
    }
    assert!(compared >= 4, "{compared} files compared");
    // Holding the parts would take 900 parts' worth more for 1,000 than for
    // 100; streaming, what grows is a path, a name and a run record a part
    // (about 1 kB). The bound is a third of holding them.
    let growth_kb = peak_1000.saturating_sub(peak_100);
    let part_kb = part_size as u64 / 1024;
    assert!(peak_100 > 0 && peak_1000 > 0, "no memory sampled");
    assert!(
        growth_kb < 300 * part_kb,
        "peak {peak_100} kB for 100 parts, {peak_1000} kB for 1,000: {growth_kb} kB more, \
         against {part_kb} kB a part"
    );
    eprintln!(
        "merge peaks: {peak_100} kB (100 parts), {peak_1000} kB (1,000 parts of {part_kb} kB)"
    );

    // Three shards missing: the error lists exactly them.
    let gaps: Vec<PathBuf> = thousand
        .iter()
        .enumerate()
        .filter(|(i, _)| ![7, 500, 999].contains(i))
        .map(|(_, p)| p.clone())
        .collect();
    let (ok, e, _) = merge(&gaps, &root.join("gaps"));
    assert!(!ok);
    assert!(e.contains("7, 500, 999"), "{e}");
    assert!(!root.join("gaps").exists(), "nothing written on error");
    // One twice: both names.
    let mut twice = hundred.clone();
    twice.push(hundred[42].clone());
    let (ok, e, _) = merge(&twice, &root.join("twice"));
    assert!(!ok);
    assert!(e.contains("42/100") && e.contains("part-42"), "{e}");
}
