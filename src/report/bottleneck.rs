//! Where the chain binds: every capacity a run measures, ranked by how
//! much of it the traffic uses, with the waiting in front of it.

use crate::corridor::USE_MEASURES;
use crate::metric::MetricKey;
use crate::montecarlo::Interval;
use crate::study::Study;

/// One capacity of the corridor and how hard it is pressed.
#[derive(Clone, Debug, PartialEq)]
pub struct Bottleneck {
    /// What it is, in words: "Khorgos–Altynkol eastbound: handover cap".
    pub resource: String,
    /// The metric of its use (a ratio: 1 is full; a line's path load may
    /// exceed 1, when trains queue for paths ahead).
    pub metric: MetricKey,
    /// Its use, with its interval.
    pub utilisation: Interval,
    /// The waiting in front of it per train \[h\], where the run measures
    /// it.
    pub wait_hours: Option<Interval>,
}

/// Every capacity arm `arm` of `study` measures, most used first: each
/// port side's handover cap, tracks, cranes, wagon and locomotive pools,
/// and each line's paths. With `year`, the figures of that calendar year
/// (handover caps and line paths, the ones a run reports per year, with
/// the side's waiting at the port).
pub fn bottlenecks(study: &Study, arm: usize, year: Option<u32>) -> Vec<Bottleneck> {
    let level = study.manifest.confidence_level;
    let Some(a) = study.result.arms.get(arm) else {
        return Vec::new();
    };
    let year_label = year.map(|y| y.to_string());
    let find = |name: &str| study.metric_keys.iter().find(|k| k.to_string() == name);
    let mut out = Vec::new();
    for k in &study.metric_keys {
        let Some(&(_, _, wait)) = USE_MEASURES.iter().find(|(m, _, _)| *m == k.measure()) else {
            continue;
        };
        if k.label("year") != year_label.as_deref() {
            continue;
        }
        let Some(utilisation) = a.interval(k, level) else {
            continue;
        };
        let text = k.to_string();
        let suffix = format!("{}_{}", k.measure(), k.unit().suffix());
        let wait_name = match (year, k.scope()) {
            // Per year, a side's waiting is its delay.
            (Some(_), "port") => text.replace(&suffix, "delay_mean_hours"),
            (Some(_), _) => String::new(),
            // A line's holds are the section's, both directions.
            (None, "section") => format!("section.{}.{wait}", k.label("section").unwrap_or("")),
            (None, _) => text.replace(&suffix, wait),
        };
        let wait_hours = find(&wait_name).and_then(|w| a.interval(w, level));
        let resource = capacity_name(study, k);
        out.push(Bottleneck {
            resource,
            metric: k.clone(),
            utilisation,
            wait_hours,
        });
    }
    out.sort_by(|a, b| b.utilisation.mean.total_cmp(&a.utilisation.mean));
    out
}

/// The first `n` of [`bottlenecks`] as lines of text: "96.4 ± 0.8 % used:
/// Khorgos–Altynkol eastbound: handover cap (wait 9.99 ± 1.10 h)".
pub fn bottleneck_lines(study: &Study, arm: usize, year: Option<u32>, n: usize) -> Vec<String> {
    bottlenecks(study, arm, year)
        .into_iter()
        .take(n)
        .map(|b| {
            let pm = |i: &Interval| match i.half_width {
                Some(h) => format!("{:.2} ± {:.2}", i.mean, h),
                None => format!("{:.2}", i.mean),
            };
            let use_ = match b.utilisation.half_width {
                Some(h) => format!("{:.1} ± {:.1} %", 100.0 * b.utilisation.mean, 100.0 * h),
                None => format!("{:.1} %", 100.0 * b.utilisation.mean),
            };
            match &b.wait_hours {
                Some(w) => format!("{use_} used: {} (wait {} h)", b.resource, pm(w)),
                None => format!("{use_} used: {}", b.resource),
            }
        })
        .collect()
}

/// A capacity's metric in words: `Brest–Małaszewicze westbound: handover
/// cap`, `line kuytun_tacheng towards tacheng: line paths`.
pub fn capacity_name(study: &Study, key: &MetricKey) -> String {
    let what = USE_MEASURES
        .iter()
        .find(|(m, _, _)| *m == key.measure())
        .map_or(key.measure(), |(_, w, _)| w);
    match key.scope() {
        "port" => format!(
            "{} {}: {what}",
            study.port_name(key.label("port").unwrap_or("")),
            key.label("direction").unwrap_or("")
        ),
        _ => match key.label("towards") {
            Some(t) => format!(
                "line {} towards {t}: {what}",
                key.label("section").unwrap_or("")
            ),
            None => format!("line {}: {what}", key.label("section").unwrap_or("")),
        },
    }
}
