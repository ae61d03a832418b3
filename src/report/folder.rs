//! Running a study into an output folder, and merging the folders of its
//! shards: the whole path from a plan to files on disk, shared by the
//! command line, the examples and library users.
//!
//! An unsplit run writes `summary.json`, `replications.csv`,
//! `replications_long.csv`, the charts and `run.json`; a shard writes
//! `partial.json`, its rows and `run.json`. Merging the shards' folders
//! gives exactly the files of the unsplit run, byte for byte, whatever the
//! thread counts of the parts and the order they are given in (only
//! `run.json`, the record of how the result was computed, differs).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::csv::CsvRows;
use super::files::{OutputDir, OutputError};
use super::summary::summary_json;
use crate::montecarlo::{ProgressFn, Shard};
use crate::study::calibration::num;
use crate::study::{Partial, RunRecord, Study, StudyError, StudyPlan};

/// Why a study could not be run into, or merged into, a folder.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderError {
    /// The study failed.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// The files could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// What a run or merge wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// The results.
    pub study: Study,
    /// The folder.
    pub dir: PathBuf,
    /// The files in it, in the order written.
    pub files: Vec<String>,
    /// How it was computed (`run.json`).
    pub record: RunRecord,
}

impl Written {
    /// One line on the work done: the kernel events of the study's runs
    /// ([`Study::events_total`]) and, for a run (not a merge), its wall
    /// time, writing the files included, and the events per second.
    pub fn events_line(&self) -> String {
        let Some(events) = self.study.events_total() else {
            return "kernel events unknown: a part merged was written by an older silkrail"
                .to_string();
        };
        let wall = self.record.wall_seconds;
        match self.record.threads {
            Some(threads) if wall > 0.0 => format!(
                "{} kernel events in {} s on {threads} thread{}: {} events/s",
                count(events as f64),
                num(wall),
                if threads == 1 { "" } else { "s" },
                count(events as f64 / wall)
            ),
            Some(_) => format!("{} kernel events", count(events as f64)),
            None => format!("{} kernel events in the parts merged", count(events as f64)),
        }
    }
}

/// A count in thousands (k), millions (M) or billions (G), to about three
/// significant digits.
fn count(n: f64) -> String {
    // Rounded first, so that 999,999 reads 1.00 M rather than 1000 k.
    let n = if n >= 1e3 {
        let step = 10f64.powi(n.log10().floor() as i32 - 2);
        (n / step).round() * step
    } else {
        n
    };
    let (value, unit) = if n >= 1e9 {
        (n / 1e9, " G")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        return format!("{n:.0}");
    };
    format!("{}{unit}", num(value))
}

const ROWS: &str = "replications.csv";
const ROWS_LONG: &str = "replications_long.csv";
/// Every train's events in replication 0 of each variant, with
/// `[experiment] trace` (or `--trace`).
const TRACE: &str = "trace.csv";
const PARTIAL: &str = "partial.json";
/// The report to forward, one self-contained file.
pub const REPORT: &str = "report.html";

fn io(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the files that follow from a finished study.
fn write_results(out: &mut OutputDir, study: &Study, charts: bool) -> Result<(), OutputError> {
    out.write("summary.json", &(summary_json(study) + "\n"))?;
    for (name, every) in [("daily.csv", "day"), ("monthly.csv", "month")] {
        if let Some(csv) = super::series::series_csv(study, every) {
            out.write(name, &csv)?;
        }
    }
    if charts {
        for (name, svg) in super::charts::study_charts(study) {
            out.write(&name, &svg)?;
        }
    }
    out.write(REPORT, &super::html::Report::of(study).to_html())?;
    Ok(())
}

fn write_record(out: &mut OutputDir, record: &RunRecord) -> Result<(), OutputError> {
    let json = serde_json::to_string_pretty(record).expect("plain data serializes") + "\n";
    out.write("run.json", &json)
}

/// Runs `plan` into the folder `dir`: every replication's rows stream to
/// disk as they are produced; the folder replaces any previous results
/// only when complete. A plan with a shard writes the shard's partial
/// result for [`merge_into_folder`].
///
/// # Errors
///
/// [`FolderError::Study`] if the study fails, [`FolderError::Output`] if
/// `dir` is refused or a file cannot be written; nothing is left behind
/// then, and previous results stay as they were.
pub fn run_into_folder(
    plan: &StudyPlan,
    dir: &Path,
    charts: bool,
    progress: Option<ProgressFn>,
) -> Result<Written, FolderError> {
    let start = Instant::now();
    let mut out = OutputDir::create(dir)?;
    let keys = plan.metric_keys()?;
    let (wide, long) = (out.file(ROWS)?, out.file(ROWS_LONG)?);
    let rows_path = dir.join(ROWS);
    let mut rows = CsvRows::new(wide, long, &keys).map_err(io(&rows_path))?;
    let study = plan.run(&mut rows, progress)?;
    rows.finish().map_err(io(&rows_path))?;
    if let Some(traces) = plan.first_traces()? {
        let path = dir.join(TRACE);
        let mut f = out.file(TRACE)?;
        write_trace(&mut f, &traces).map_err(io(&path))?;
    }
    match plan.shard {
        Some(shard) => {
            let partial = Partial::new(study.clone(), shard);
            let json = serde_json::to_string(&partial).expect("plain data serializes");
            out.write(PARTIAL, &json)?;
        }
        None => write_results(&mut out, &study, charts)?,
    }
    let threads = plan.threads.unwrap_or_else(rayon::current_num_threads);
    let record = RunRecord::here(Some(threads), plan.shard, start.elapsed().as_secs_f64());
    write_record(&mut out, &record)?;
    let files = out.files().to_vec();
    let dir = out.commit()?;
    Ok(Written {
        study,
        dir,
        files,
        record,
    })
}

/// The `partial.json` of a part: the file itself, or the one in a folder.
fn partial_file(part: &Path) -> PathBuf {
    if part.is_dir() {
        part.join(PARTIAL)
    } else {
        part.to_path_buf()
    }
}

fn read_partial(file: &Path) -> Result<Partial, StudyError> {
    let name = file.display().to_string();
    let text = fs::read_to_string(file).map_err(|e| StudyError::Part {
        file: name.clone(),
        message: format!("cannot read: {e}"),
    })?;
    serde_json::from_str(&text).map_err(|e| StudyError::Part {
        file: name,
        message: format!("not a silkrail partial result: {e}"),
    })
}

/// Merges the folders (or `partial.json` files) of a study's shards into
/// `dir`: the same files an unsplit run writes, byte for byte. Parts may
/// be given in any order; they are read one at a time.
///
/// # Errors
///
/// [`FolderError::Study`] naming the part that is unreadable, of another
/// study, duplicated or of another split, or listing the missing shards;
/// [`FolderError::Output`] if `dir` is refused or cannot be written.
pub fn merge_into_folder(
    parts: &[PathBuf],
    dir: &Path,
    charts: bool,
) -> Result<Written, FolderError> {
    let start = Instant::now();
    let mut shards: Vec<(Shard, PathBuf)> = Vec::new();
    let mut records = Vec::new();
    let study = Partial::merge(parts.iter().map(|p| {
        let file = partial_file(p);
        let partial = read_partial(&file)?;
        shards.push((partial.shard, p.clone()));
        let record_file = file.with_file_name("run.json");
        if let Some(r) = fs::read_to_string(record_file)
            .ok()
            .and_then(|t| serde_json::from_str::<RunRecord>(&t).ok())
        {
            records.push((partial.shard, r));
        }
        Ok((partial, file.display().to_string()))
    }))?;
    shards.sort_by_key(|(s, _)| s.index());
    records.sort_by_key(|(s, _)| s.index());
    let mut out = OutputDir::create(dir)?;
    for name in [ROWS, ROWS_LONG] {
        let mut into = out.file(name)?;
        let target = dir.join(name);
        let mut header: Option<String> = None;
        for (_, part) in &shards {
            let folder = if part.is_dir() {
                part.clone()
            } else {
                part.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            let path = folder.join(name);
            let file = fs::File::open(&path).map_err(|e| StudyError::Part {
                file: path.display().to_string(),
                message: format!("cannot read the shard's rows: {e}"),
            })?;
            let mut lines = BufReader::new(file);
            let mut first = String::new();
            lines.read_line(&mut first).map_err(io(&path))?;
            match &header {
                None => {
                    into.write_all(first.as_bytes()).map_err(io(&target))?;
                    header = Some(first);
                }
                Some(h) if *h != first => {
                    return Err(StudyError::Part {
                        file: path.display().to_string(),
                        message: "its columns differ from the other parts'".into(),
                    }
                    .into());
                }
                Some(_) => {}
            }
            std::io::copy(&mut lines, &mut into).map_err(io(&target))?;
        }
        into.flush().map_err(io(&target))?;
    }
    // The trace is replication 0's: the first shard's.
    if let Some((_, first)) = shards.first()
        && let Some(folder) = if first.is_dir() {
            Some(first.clone())
        } else {
            first.parent().map(Path::to_path_buf)
        }
        && folder.join(TRACE).is_file()
    {
        let from = folder.join(TRACE);
        let mut into = out.file(TRACE)?;
        let mut file = fs::File::open(&from).map_err(io(&from))?;
        std::io::copy(&mut file, &mut into).map_err(io(&dir.join(TRACE)))?;
        into.flush().map_err(io(&dir.join(TRACE)))?;
    }
    write_results(&mut out, &study, charts)?;
    let mut record = RunRecord::here(None, None, start.elapsed().as_secs_f64());
    record.parts = records.into_iter().map(|(_, r)| r).collect();
    write_record(&mut out, &record)?;
    let files = out.files().to_vec();
    let dir = out.commit()?;
    Ok(Written {
        study,
        dir,
        files,
        record,
    })
}

/// Writes the traces as CSV: one row per event, the variant, the
/// replication, the time in hours since the start of the run (warm-up
/// included), the train (a slab index, reused after a train leaves), the
/// event and the place.
fn write_trace(out: &mut impl Write, traces: &[crate::study::VariantTrace]) -> std::io::Result<()> {
    super::csv::write_record(
        out,
        &[
            "variant",
            "replication",
            "time_hours",
            "train",
            "event",
            "place",
        ],
    )?;
    for (variant, records) in traces {
        for r in records {
            super::csv::write_record(
                out,
                &[
                    variant.as_str(),
                    "0",
                    &format!(
                        "{:.6}",
                        r.time_ms as f64 / crate::time::TICKS_PER_HOUR as f64
                    ),
                    &r.train.to_string(),
                    r.event.name(),
                    r.place.as_str(),
                ],
            )?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_read_in_three_figures() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(289_801.0), "290 k");
        assert_eq!(count(999_999.0), "1.00 M");
        assert_eq!(count(4_171_003.0), "4.17 M");
        assert_eq!(count(16_249_000.0), "16.2 M");
        assert_eq!(count(719.0e6), "719 M");
        assert_eq!(count(4.16e9), "4.16 G");
    }
}
