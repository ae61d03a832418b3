//! A study's summary: `summary.json` and the comparison table for the
//! terminal.

use std::collections::BTreeMap;

use serde::Serialize;

use super::table::Table;
use crate::metric::MetricKey;
use crate::montecarlo::{Difference, Interval};
use crate::study::{Manifest, SCHEMA_VERSION, Saturation, Study, Sweep};

#[derive(Serialize)]
struct MetricSummary {
    mean: f64,
    half_width: Option<f64>,
    n: u64,
}

#[derive(Serialize)]
struct DifferenceJson {
    metric: String,
    base: Interval,
    other: Interval,
    difference: Interval,
    independent_half_width: Option<f64>,
    variance_reduction: Option<f64>,
}

impl From<Difference> for DifferenceJson {
    fn from(d: Difference) -> Self {
        DifferenceJson {
            metric: d.metric.to_string(),
            base: d.base,
            other: d.other,
            difference: d.difference,
            independent_half_width: d.independent_half_width,
            variance_reduction: d.variance_reduction,
        }
    }
}

#[derive(Serialize)]
struct SweepPointJson {
    x: f64,
    value: Interval,
}

#[derive(Serialize)]
struct SaturationJson {
    metric: String,
    threshold: f64,
    mean_curve: Option<f64>,
    per_replication: Option<Interval>,
    crossed: u64,
    replications: u64,
    falling: bool,
}

impl From<Saturation> for SaturationJson {
    fn from(s: Saturation) -> Self {
        SaturationJson {
            metric: s.metric.to_string(),
            threshold: s.threshold,
            mean_curve: s.mean_curve,
            per_replication: s.per_replication,
            crossed: s.crossed,
            replications: s.replications,
            falling: s.falling,
        }
    }
}

#[derive(Serialize)]
struct SweepSeriesJson {
    series: String,
    points: Vec<SweepPointJson>,
    saturation: SaturationJson,
    /// Every capacity, the first to saturate first.
    capacities: Vec<SaturationJson>,
}

#[derive(Serialize)]
struct SweepJson {
    parameters: Vec<String>,
    values: Vec<Vec<f64>>,
    metric: String,
    threshold: f64,
    resource_threshold: f64,
    replications: u64,
    /// Kernel events of the sweep's runs, each shared run once (null if
    /// unknown).
    events: Option<u64>,
    series: Vec<SweepSeriesJson>,
}

impl SweepJson {
    fn of(s: &Sweep, level: f64) -> Self {
        let saturations = s.saturations(level);
        SweepJson {
            parameters: s.parameters.clone(),
            values: s.values.clone(),
            metric: s.metric.to_string(),
            threshold: s.threshold,
            resource_threshold: s.resource_threshold,
            replications: s.replications,
            events: s.simulated_events,
            series: s
                .series(level)
                .into_iter()
                .zip(saturations)
                .enumerate()
                .map(|(i, (series, sat))| SweepSeriesJson {
                    series: series.label.clone(),
                    points: series
                        .points
                        .iter()
                        .map(|p| SweepPointJson {
                            x: p.x,
                            value: p.value,
                        })
                        .collect(),
                    saturation: sat.into(),
                    capacities: s
                        .capacity_saturations(i, level)
                        .into_iter()
                        .map(SaturationJson::from)
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct SensitivityJson {
    answer: String,
    metric: String,
    variants: Vec<String>,
    replications: u64,
    /// Kernel events of the study's runs, each shared run once (null if
    /// unknown).
    events: Option<u64>,
    nominal: Option<Interval>,
    /// The largest swing first.
    effects: Vec<crate::study::EffectSummary>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    schema_version: u32,
    manifest: &'a Manifest,
    variants: BTreeMap<&'a str, BTreeMap<String, MetricSummary>>,
    differences: BTreeMap<&'a str, Vec<DifferenceJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweep: Option<SweepJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<SensitivityJson>,
    /// The comparison's kernel events, by variant.
    events: BTreeMap<&'a str, u64>,
    /// [`Study::events_total`] (null if unknown).
    events_total: Option<u64>,
    inconsistent_replications: BTreeMap<&'a str, u64>,
}

/// Paired differences of every metric of every variant against the
/// baseline, by variant name.
pub fn differences(study: &Study) -> BTreeMap<&str, Vec<Difference>> {
    let level = study.manifest.confidence_level;
    let r = &study.result;
    let mut out = BTreeMap::new();
    for p in &r.pairs {
        let diffs = r.arms[p.base]
            .keys()
            .filter_map(|k| r.compare_pair(p.base, p.other, k, level))
            .collect();
        out.insert(r.arms[p.other].label.as_str(), diffs);
    }
    out
}

/// The summary as pretty JSON (`summary.json`): the manifest, every
/// metric's mean with its interval per variant, the paired differences,
/// the sweep, and event counts. Keys are the metrics' text forms.
pub fn summary_json(study: &Study) -> String {
    let level = study.manifest.confidence_level;
    let arms = &study.result.arms;
    let variants = arms
        .iter()
        .map(|a| {
            let metrics = a
                .keys()
                .filter_map(|k| {
                    let i = a.interval(k, level)?;
                    Some((
                        k.to_string(),
                        MetricSummary {
                            mean: i.mean,
                            half_width: i.half_width,
                            n: i.n,
                        },
                    ))
                })
                .collect();
            (a.label.as_str(), metrics)
        })
        .collect();
    let json = SummaryJson {
        schema_version: SCHEMA_VERSION,
        manifest: &study.manifest,
        variants,
        differences: differences(study)
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(DifferenceJson::from).collect()))
            .collect(),
        sweep: study.sweep.as_ref().map(|s| SweepJson::of(s, level)),
        sensitivity: study.sensitivity.as_ref().map(|s| SensitivityJson {
            answer: s.answer(),
            metric: s.metric.to_string(),
            variants: s.variants.clone(),
            replications: s.replications,
            events: s.simulated_events,
            nominal: Interval::of(&s.nominal, level),
            effects: s.ranked(level),
        }),
        events: arms.iter().map(|a| (a.label.as_str(), a.events)).collect(),
        events_total: study.events_total(),
        inconsistent_replications: arms
            .iter()
            .map(|a| (a.label.as_str(), a.inconsistent))
            .collect(),
    };
    serde_json::to_string_pretty(&json).expect("plain data serializes")
}

/// The metrics a table shows by default: every port group, then per port
/// side the throughput, wait before service, total waiting, dwell and track
/// utilisation, then the network measures.
pub fn default_rows(study: &Study) -> Vec<MetricKey> {
    let keys = &study.metric_keys;
    let port_measures = [
        "throughput",
        "track_wait_mean",
        "delay_mean",
        "dwell_mean",
        "track_utilisation",
    ];
    let mut rows: Vec<MetricKey> = keys
        .iter()
        .filter(|k| k.scope() == "group")
        .cloned()
        .collect();
    rows.extend(
        keys.iter()
            .filter(|k| {
                k.scope() == "port"
                    && k.label("direction").is_some()
                    && port_measures.contains(&k.measure())
            })
            .cloned(),
    );
    rows.extend(keys.iter().filter(|k| k.scope() == "network").cloned());
    rows
}

/// The terminal table: chosen metrics for every variant, and with two
/// variants the paired difference, the half-width two independent runs
/// would give, and the variance-reduction ratio. Rows no variant reports
/// are left out.
pub fn comparison_table(study: &Study, metrics: &[MetricKey]) -> String {
    comparison(study, metrics).render()
}

/// The comparison as a [`Table`] (see [`comparison_table`]), to render as
/// text, Markdown or HTML.
pub fn comparison(study: &Study, metrics: &[MetricKey]) -> Table {
    let level = study.manifest.confidence_level;
    let arms = &study.result.arms;
    let mut header: Vec<String> = vec!["metric".into()];
    header.extend(arms.iter().map(|a| a.label.clone()));
    let paired = arms.len() == 2;
    if paired {
        header.extend([
            "paired difference".to_string(),
            "independent ±".to_string(),
            "variance ratio".to_string(),
        ]);
    }
    let mut t = Table::new(header);
    for m in metrics {
        let mut row = vec![m.to_string()];
        let mut any = false;
        for a in arms {
            row.push(match a.interval(m, level) {
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
        if paired {
            match study.result.compare(1, m, level) {
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
    t
}

/// What a run of the study spans: its measured days after its warm-up and,
/// for a run that has a start year, the day it starts from (a variant such
/// as `y2025` runs another year than its scenario's name says).
pub(crate) fn span(m: &Manifest) -> String {
    let from = m
        .start_year
        .map_or(String::new(), |y| format!(" from 1 January {y}"));
    format!(
        "{:.0} days after a {:.0}-day warm-up{from}",
        m.horizon_days, m.warmup_days
    )
}

/// The study as text for the terminal: a heading with the manifest, the
/// comparison table of the default rows, and the sweep with its saturation
/// points.
pub fn study_text(study: &Study) -> String {
    use std::fmt::Write;
    let m = &study.manifest;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} — {}, seed {}, demand × {}, {}; {:.0} % intervals",
        m.scenario,
        match (m.replications, &study.sweep, &study.sensitivity) {
            (0, Some(_), _) => "a sweep".to_string(),
            (0, None, Some(_)) => "a sensitivity study".to_string(),
            (1, _, _) => "1 replication".to_string(),
            (n, _, _) => format!("{n} replications"),
        },
        m.seed,
        m.demand_multiplier,
        span(m),
        100.0 * m.confidence_level
    );
    if study.result.replications() > 0 {
        text.push_str(&comparison_table(study, &default_rows(study)));
    }
    if let Some(sweep) = &study.sweep {
        text.push_str(&sweep_text(study, sweep));
    }
    if let Some(s) = &study.sensitivity {
        text.push_str(&sensitivity_text(study, s));
    }
    text.push_str(&super::series::batch_means_text(study));
    if let Some(check) = super::series::warmup_check(study) {
        let _ = writeln!(text, "\n{}", check.sentence());
    }
    text
}

/// A sensitivity study as text: the answer as assumed, then each
/// assumption's low and high answers and its swing, the largest first.
pub fn sensitivity_text(study: &Study, s: &crate::study::Sensitivity) -> String {
    use std::fmt::Write;
    let level = study.manifest.confidence_level;
    let mut text = String::new();
    let nominal = Interval::of(&s.nominal, level).map_or("—".to_string(), |i| i.display(3));
    let _ = writeln!(
        text,
        "\nwhat drives {} (as assumed: {nominal}; {} replications per setting):",
        s.answer(),
        s.replications
    );
    let t = sensitivity_table(s, level, 3);
    text.push_str(&t.render());
    if s.missing > 0 {
        let _ = writeln!(
            text,
            "({} replications left out: the measure was missing in some setting)",
            s.missing
        );
    }
    text
}

/// A sweep as text: each series' curve, where it saturates (on the mean
/// curve and per replication), and the first capacities to saturate.
pub fn sweep_text(study: &Study, sweep: &Sweep) -> String {
    use std::fmt::Write;
    let level = study.manifest.confidence_level;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\nsweep of {} over {} ({} replications per point; saturated at {}; a capacity at {:.0} % use):",
        sweep.metric,
        sweep.parameters.join(" × "),
        sweep.replications,
        sweep.threshold,
        100.0 * sweep.resource_threshold
    );
    let unit = if sweep.parameters[0] == crate::study::DEMAND {
        "×"
    } else {
        ""
    };
    for ((i, s), sat) in sweep
        .series(level)
        .iter()
        .enumerate()
        .zip(sweep.saturations(level))
    {
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{}{unit}: {:.2}", p.x, p.value.mean))
            .collect();
        let _ = writeln!(text, "  {}: {}", s.label, pts.join(", "));
        let _ = writeln!(text, "    {}", sat.sentence(unit));
        let caps = sweep.capacity_saturations(i, level);
        for c in caps.iter().filter(|c| c.mean_curve.is_some()).take(3) {
            let _ = writeln!(
                text,
                "    {} reaches {:.0} % use: {}",
                super::bottleneck::capacity_name(study, &c.metric),
                100.0 * c.threshold,
                c.display(unit)
            );
        }
        if caps.first().is_some_and(|c| c.mean_curve.is_none()) {
            let _ = writeln!(
                text,
                "    no capacity reaches {:.0} % in the range swept",
                100.0 * sweep.resource_threshold
            );
        }
    }
    text
}

/// A sensitivity study's ranking as a [`Table`]: each assumption with what
/// it assumes, its range, its answers low and high and the paired swing,
/// the largest first.
pub fn sensitivity_table(s: &crate::study::Sensitivity, level: f64, decimals: usize) -> Table {
    let mut t = Table::new([
        "assumption",
        "row",
        "what",
        "low → high",
        "answer low",
        "answer high",
        "swing (high − low)",
    ]);
    for e in s.ranked(level) {
        t.row([
            e.id.clone(),
            e.row.clone(),
            e.description.clone(),
            format!(
                "{} → {}",
                crate::study::override_value(e.range.0),
                crate::study::override_value(e.range.1)
            ),
            e.low.display(decimals),
            e.high.display(decimals),
            e.swing.display(decimals),
        ]);
    }
    t
}

/// A sweep's saturation points as a [`Table`]: per series where the
/// watched measure crosses its threshold, and the first capacity to bind
/// with where it does.
pub fn sweep_table(study: &Study, sweep: &Sweep) -> Table {
    let level = study.manifest.confidence_level;
    let unit = if sweep.parameters.first().map(String::as_str) == Some(crate::study::DEMAND) {
        "×"
    } else {
        ""
    };
    let mut t = Table::new([
        "series".to_string(),
        format!(
            "{} at {}",
            sweep.metric,
            crate::study::override_value(sweep.threshold)
        ),
        "first capacity to bind".to_string(),
        format!("at {:.0} % use", 100.0 * sweep.resource_threshold),
    ]);
    for (i, sat) in sweep.saturations(level).into_iter().enumerate() {
        let first = sweep
            .capacity_saturations(i, level)
            .into_iter()
            .find(|c| c.mean_curve.is_some());
        t.row([
            sat.series.clone(),
            sat.sentence(unit),
            first.as_ref().map_or("none in range".into(), |c| {
                super::bottleneck::capacity_name(study, &c.metric)
            }),
            first.map_or("—".into(), |c| c.display(unit)),
        ]);
    }
    t
}
