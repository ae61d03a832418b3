//! A study's results as files: `summary.json`, `replications.csv`, and the
//! comparison table for the terminal.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::table::Table;
use crate::montecarlo::{Difference, Interval, SweepPoint, VariantResult, compare};

/// What produced a set of results: enough to reproduce them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// silkrail's version.
    pub crate_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub source: String,
    /// FNV-1a hash of the scenario as parsed (canonical JSON), hex.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant.
    pub replications: u64,
    /// Worker threads (a record of how the run was made: results are the
    /// same for any number).
    pub threads: usize,
    /// Demand multiplier applied on top of the scenario's.
    pub demand_multiplier: f64,
    /// Measured days per replication.
    pub horizon_days: f64,
    /// Warm-up days per replication.
    pub warmup_days: f64,
    /// Confidence level of every interval.
    pub confidence_level: f64,
    /// Which shard of how many, when the results are partial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// FNV-1a (64 bit) of `bytes`, as 16 hex digits: a stable fingerprint.
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    format!("{h:016x}")
}

/// A demand sweep of one variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepSeries {
    /// Variant name.
    pub variant: String,
    /// The congestion measure at each multiplier.
    pub points: Vec<SweepPoint>,
    /// The multiplier at which the measure reaches the threshold.
    pub saturation: Option<f64>,
}

/// A demand sweep: congestion against demand for every variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// The congestion measure (a metric name).
    pub metric: String,
    /// The level that counts as saturated.
    pub threshold: f64,
    /// Replications per point.
    pub replications: u64,
    /// One series per variant.
    pub series: Vec<SweepSeries>,
}

/// All results of a study of one or more variants on the same seeds.
#[derive(Clone, Debug)]
pub struct Study {
    /// How they were produced.
    pub manifest: Manifest,
    /// Variant name and results; the first is the baseline.
    pub variants: Vec<(String, VariantResult)>,
    /// The demand sweep, if one was run.
    pub sweep: Option<Sweep>,
}

#[derive(Serialize)]
struct MetricSummary {
    mean: f64,
    half_width: Option<f64>,
    n: u64,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    manifest: &'a Manifest,
    variants: BTreeMap<&'a str, BTreeMap<String, MetricSummary>>,
    differences: BTreeMap<String, Vec<Difference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<&'a Sweep>,
    events: BTreeMap<&'a str, u64>,
}

impl Study {
    /// Every metric name of any variant, sorted.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .variants
            .iter()
            .flat_map(|(_, v)| v.metric_names())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Paired differences of every metric of every variant against the
    /// baseline.
    pub fn differences(&self) -> BTreeMap<String, Vec<Difference>> {
        let mut out = BTreeMap::new();
        let Some((_, base)) = self.variants.first() else {
            return out;
        };
        for (name, v) in &self.variants[1..] {
            let diffs = base
                .metric_names()
                .iter()
                .filter_map(|m| compare(base, v, m, self.manifest.confidence_level))
                .collect();
            out.insert(name.clone(), diffs);
        }
        out
    }

    /// The summary as pretty JSON.
    pub fn summary_json(&self) -> String {
        let level = self.manifest.confidence_level;
        let variants = self
            .variants
            .iter()
            .map(|(name, v)| {
                let metrics = v
                    .metric_names()
                    .into_iter()
                    .filter_map(|m| {
                        let s = v.stats(&m);
                        let i = Interval::of(&s, level)?;
                        Some((
                            m,
                            MetricSummary {
                                mean: i.mean,
                                half_width: i.half_width,
                                n: s.count(),
                            },
                        ))
                    })
                    .collect();
                (name.as_str(), metrics)
            })
            .collect();
        let json = SummaryJson {
            manifest: &self.manifest,
            variants,
            differences: self.differences(),
            sweep: self.sweep.as_ref(),
            events: self
                .variants
                .iter()
                .map(|(n, v)| (n.as_str(), v.events()))
                .collect(),
        };
        serde_json::to_string_pretty(&json).expect("plain data serializes")
    }

    /// One row per replication and variant, one column per metric.
    pub fn replications_csv(&self) -> String {
        let names = self.metric_names();
        let mut out = String::from("variant,replication,events,conserved");
        for n in &names {
            out.push(',');
            out.push_str(n);
        }
        out.push('\n');
        for (variant, v) in &self.variants {
            let column: BTreeMap<&str, usize> = v
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i))
                .collect();
            for r in &v.records {
                let _ = write!(out, "{variant},{},{},{}", r.index, r.events, r.conserved);
                for n in &names {
                    out.push(',');
                    let x = column
                        .get(n.as_str())
                        .and_then(|&i| r.values.get(i).copied().flatten());
                    if let Some(x) = x {
                        let _ = write!(out, "{x}");
                    }
                }
                out.push('\n');
            }
        }
        out
    }

    /// The terminal table: chosen metrics for every variant, and for each
    /// variant after the first the paired difference, the half-width two
    /// independent runs would give, and the variance-reduction ratio.
    pub fn comparison_table(&self, metrics: &[String]) -> String {
        let level = self.manifest.confidence_level;
        let mut header: Vec<String> = vec!["metric".into()];
        for (name, _) in &self.variants {
            header.push(name.clone());
        }
        if self.variants.len() == 2 {
            header.extend([
                "paired difference".to_string(),
                "independent ±".to_string(),
                "variance ratio".to_string(),
            ]);
        }
        let mut t = Table::new(header);
        for m in metrics {
            let mut row = vec![m.clone()];
            let mut any = false;
            for (_, v) in &self.variants {
                row.push(match Interval::of(&v.stats(m), level) {
                    Some(i) => {
                        any = true;
                        i.display(3)
                    }
                    None => "—".into(),
                });
            }
            if !any {
                continue;
            }
            if let [(_, a), (_, b)] = self.variants.as_slice() {
                match compare(a, b, m, level) {
                    Some(d) => {
                        row.push(d.difference.display(3));
                        row.push(
                            d.independent_half_width
                                .map_or("—".into(), |h| format!("± {h:.3}")),
                        );
                        row.push(
                            d.variance_reduction
                                .map_or("—".into(), |r| format!("{r:.1}×")),
                        );
                    }
                    None => row.extend(["—".to_string(), String::new(), String::new()]),
                }
            }
            t.row(row);
        }
        t.render()
    }
}

/// Writes files into a directory so that no file is ever half-written:
/// each is written beside its final name and renamed into place; on error,
/// the files of this call are removed again.
pub struct OutputDir {
    dir: PathBuf,
    written: Vec<PathBuf>,
}

impl OutputDir {
    /// Creates `dir` (and its parents) if needed.
    ///
    /// # Errors
    ///
    /// The I/O error, with the path in its message.
    pub fn create(dir: &Path) -> io::Result<OutputDir> {
        fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(e.kind(), format!("{}: cannot create: {e}", dir.display()))
        })?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            written: Vec::new(),
        })
    }

    /// Writes one file atomically.
    ///
    /// # Errors
    ///
    /// The I/O error, with the path in its message; the files written so
    /// far by this `OutputDir` are removed.
    pub fn write(&mut self, name: &str, contents: &str) -> io::Result<()> {
        let path = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.partial"));
        let result = fs::write(&tmp, contents).and_then(|()| fs::rename(&tmp, &path));
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            self.abandon();
            return Err(io::Error::new(
                e.kind(),
                format!("{}: cannot write: {e}", path.display()),
            ));
        }
        self.written.push(path);
        Ok(())
    }

    /// Removes every file written so far (used when a later step fails).
    pub fn abandon(&mut self) {
        for p in self.written.drain(..) {
            let _ = fs::remove_file(p);
        }
    }

    /// The files written.
    pub fn files(&self) -> &[PathBuf] {
        &self.written
    }
}

/// The metrics a table shows by default: every port group, then per port
/// side the throughput, wait before service, total waiting, dwell and track
/// utilisation, then the network measures.
pub fn default_rows(study: &Study) -> Vec<String> {
    let names = study.metric_names();
    let port_measures = [
        "trains_per_day",
        "wait_mean_h",
        "delay_mean_h",
        "dwell_mean_h",
        "track_utilisation",
    ];
    let mut rows: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("group."))
        .cloned()
        .collect();
    rows.extend(
        names
            .iter()
            .filter(|n| {
                n.starts_with("port.")
                    && port_measures.iter().any(|m| n.ends_with(&format!(".{m}")))
            })
            .cloned(),
    );
    rows.extend(names.iter().filter(|n| n.starts_with("network.")).cloned());
    rows
}
