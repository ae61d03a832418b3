//! Congestion over time: the day-by-day and monthly series of every port
//! side as CSV, the warm-up check on them, and batch-means intervals for a
//! study of one long run.

use std::fmt::Write;

use crate::corridor::{DAILY_MEASURES, month_label, series_key};
use crate::metric::MetricKey;
use crate::stats::{ConfidenceInterval, batch_means, mser5};
use crate::study::Study;

/// The batches of a batch-means interval: within the 10 to 30 usually
/// advised, and days enough per batch in a run of a year or more.
pub const BATCHES: usize = 20;

/// The batches of the warm-up check's steady state: fewer and longer than
/// [`BATCHES`], so that days of congestion that last a week stay inside
/// one batch.
const EVIDENCE_BATCHES: usize = 10;

/// The date of day `d` (from 0) of 365-day years from 1 January of
/// `start_year`: `2026-02-01` for day 31.
pub fn day_date(d: usize, start_year: u32) -> String {
    const LENGTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (year, mut day) = (start_year as usize + d / 365, d % 365);
    let mut month = 0;
    while day >= LENGTHS[month] {
        day -= LENGTHS[month];
        month += 1;
    }
    format!("{year}-{:02}-{:02}", month + 1, day + 1)
}

/// The port sides with series in the study: (port id, direction), in port
/// order.
fn sides(study: &Study) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for port in study.port_names.keys() {
        for dir in ["westbound", "eastbound"] {
            let key = series_key(port, dir_of(dir), "day", DAILY_MEASURES[0].0);
            if study.result.arms.iter().any(|a| a.series(&key).is_some()) {
                out.push((port.clone(), dir));
            }
        }
    }
    out
}

fn dir_of(name: &str) -> crate::corridor::Direction {
    match name {
        "westbound" => crate::corridor::Direction::Westbound,
        _ => crate::corridor::Direction::Eastbound,
    }
}

/// The key of a side's series of `measure`, `every` day or month.
pub fn side_series_key(port: &str, dir: &str, every: &str, measure: &str) -> MetricKey {
    series_key(port, dir_of(dir), every, measure)
}

/// Every port side's series, `every` `"day"` or `"month"`, as CSV in long
/// form: variant, port, direction, measure, unit, period (day from 0 or
/// month from 0), date, mean, the interval's ends at the study's level,
/// and the replications behind it. `None` if the study has no series.
pub fn series_csv(study: &Study, every: &str) -> Option<String> {
    let sides = sides(study);
    if sides.is_empty() {
        return None;
    }
    let level = study.manifest.confidence_level;
    let mut out = String::from(
        "variant,port,direction,measure,unit,period,date,mean,low,high,replications\n",
    );
    for arm in &study.result.arms {
        for (port, dir) in &sides {
            for (measure, _) in DAILY_MEASURES {
                let key = side_series_key(port, dir, every, measure);
                let Some(s) = arm.series(&key) else { continue };
                for i in 0..s.len() {
                    let Some(ci) = s.interval(i, level) else {
                        continue;
                    };
                    let date = match (every, study.manifest.start_year) {
                        ("day", Some(y)) => day_date(i, y),
                        ("day", None) => String::new(),
                        _ => month_label(i, study.manifest.start_year.map(|y| y as i32)),
                    };
                    let _ = writeln!(
                        out,
                        "{},{port},{dir},{measure},{},{i},{date},{:.4},{:.4},{:.4},{}",
                        super::csv::csv_field(&arm.label),
                        key.unit().symbol(),
                        ci.mean,
                        // Counts are never negative: an interval reaching
                        // below zero is cut there.
                        (ci.mean - ci.half_width).max(0.0),
                        ci.mean + ci.half_width,
                        ci.n
                    );
                }
            }
        }
    }
    Some(out)
}

/// The outcome of the warm-up check on the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct WarmupCheck {
    /// Days MSER-5 would discard, from the baseline's mean daily trains
    /// waiting or queued at all ports together.
    pub truncation_days: usize,
    /// The warm-up the study used.
    pub warmup_days: f64,
    /// When the truncation point is past the warm-up: the mean of the days
    /// between them, and the batch-means interval of the steady state
    /// after the truncation point (at the study's level).
    pub evidence: Option<(f64, ConfidenceInterval)>,
    /// Days after the truncation point (the steady state's).
    pub steady_days: usize,
    /// The truncation points MSER-5 chose among.
    pub candidates: usize,
}

impl WarmupCheck {
    /// Whether the warm-up looks too short: MSER-5 cuts past it, and the
    /// mean of the days between the warm-up and its cut differs from the
    /// steady state's by more than chance allows. A truncation point past
    /// the warm-up alone is no evidence: on a steady but noisy series it
    /// falls anywhere in the first half. The difference is judged against
    /// the standard error of both means (from the steady state's batch
    /// means, the days between counted as batches of the same length), at
    /// the study's level Bonferroni-corrected for the candidate points
    /// MSER-5 chose among, since it picks the one that differs most.
    pub fn too_short(&self) -> bool {
        let Some((m, ci)) = self.evidence else {
            return false;
        };
        let b = ci.n as f64;
        let Some(t) = crate::stats::student_t_quantile(0.5 + ci.level / 2.0, b - 1.0) else {
            return false;
        };
        // The batches' standard deviation, back from the half width.
        let sd = ci.half_width * b.sqrt() / t;
        let batch_days = self.steady_days as f64 / b;
        let between_days = self.truncation_days as f64 - self.warmup_days.ceil();
        let se = (sd * sd / b + sd * sd * batch_days / between_days).sqrt();
        let alpha = (1.0 - ci.level) / self.candidates.max(1) as f64;
        let Some(crit) = crate::stats::student_t_quantile(1.0 - alpha / 2.0, b - 1.0) else {
            return false;
        };
        (m - ci.mean).abs() > crit * se
    }

    /// The check in words.
    pub fn sentence(&self) -> String {
        let what = "MSER-5 on the daily trains waiting or queued at all ports";
        match (&self.evidence, self.too_short()) {
            (None, _) => format!(
                "Warm-up check ({what}): the transient ends by day {}, within the {:.0}-day warm-up.",
                self.truncation_days, self.warmup_days
            ),
            (Some((m, ci)), false) => format!(
                "Warm-up check ({what}): the truncation point is day {}, after the {:.0}-day warm-up, but the days between average {m:.3} trains, no further from the steady state's {} ± {} (batch means) than chance allows: no sign that the warm-up is too short.",
                self.truncation_days,
                self.warmup_days,
                F3(ci.mean),
                F3(ci.half_width)
            ),
            (Some((m, ci)), true) => format!(
                "Warning: the warm-up looks too short. {what} puts the end of the transient at day {}, after the {:.0}-day warm-up, and the days between average {m:.3} trains, further from the steady state's {} ± {} (batch means) than chance allows; set `warmup_days` to at least {}.",
                self.truncation_days,
                self.warmup_days,
                F3(ci.mean),
                F3(ci.half_width),
                self.truncation_days
            ),
        }
    }
}

/// Three decimals.
struct F3(f64);

impl std::fmt::Display for F3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3}", self.0)
    }
}

/// The baseline's daily trains waiting for the handover or queued for a
/// track, summed over the ports (mean over replications), from day 0.
fn network_congestion(study: &Study) -> Option<Vec<f64>> {
    let arm = study.result.arms.first()?;
    let mut total: Vec<f64> = Vec::new();
    for (port, dir) in sides(study) {
        for measure in ["waiting_for_handover", "queued_for_track"] {
            let Some(s) = arm.series(&side_series_key(&port, dir, "day", measure)) else {
                continue;
            };
            let means = s.means();
            if total.len() < means.len() {
                total.resize(means.len(), 0.0);
            }
            for (t, m) in total.iter_mut().zip(means) {
                *t += m;
            }
        }
    }
    (!total.is_empty()).then_some(total)
}

/// The warm-up check, for a study whose baseline settles into a steady
/// state (see [`Network::is_stationary`](crate::corridor::Network::is_stationary)):
/// `None` otherwise, or without daily series, or with too few days.
pub fn warmup_check(study: &Study) -> Option<WarmupCheck> {
    if !study.manifest.stationary {
        return None;
    }
    let series = network_congestion(study)?;
    let d = mser5(&series)?;
    let warmup = study.manifest.warmup_days;
    let from = warmup.ceil() as usize;
    let evidence = (d > from).then(|| {
        let between = &series[from..d];
        let m = between.iter().sum::<f64>() / between.len() as f64;
        batch_means(
            &series[d..],
            EVIDENCE_BATCHES,
            study.manifest.confidence_level,
        )
        .map(|ci| (m, ci))
    });
    Some(WarmupCheck {
        truncation_days: d,
        warmup_days: warmup,
        evidence: evidence.flatten(),
        steady_days: series.len() - d,
        candidates: series.len() / 5 / 2 + 1,
    })
}

/// For a study of one replication (one long run), the batch-means
/// interval of each port side's mean trains waiting for the handover and
/// queued for a track over the measured days, in [`BATCHES`] batches:
/// `(side in words, measure, interval)`. Empty otherwise.
pub fn batch_means_intervals(study: &Study) -> Vec<(String, &'static str, ConfidenceInterval)> {
    let mut out = Vec::new();
    if study.manifest.replications != 1 {
        return out;
    }
    let Some(arm) = study.result.arms.first() else {
        return out;
    };
    let skip = study.manifest.warmup_days.ceil() as usize;
    for (port, dir) in sides(study) {
        for measure in ["waiting_for_handover", "queued_for_track"] {
            let Some(s) = arm.series(&side_series_key(&port, dir, "day", measure)) else {
                continue;
            };
            let means = s.means();
            if means.len() <= skip {
                continue;
            }
            if let Some(ci) = batch_means(&means[skip..], BATCHES, study.manifest.confidence_level)
            {
                out.push((format!("{} {dir}", study.port_name(&port)), measure, ci));
            }
        }
    }
    out
}

/// The batch-means intervals as text lines, if any.
pub fn batch_means_text(study: &Study) -> String {
    let rows = batch_means_intervals(study);
    if rows.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "\none long run: batch-means intervals ({BATCHES} batches of the measured days, {:.0} %):\n",
        100.0 * study.manifest.confidence_level
    );
    for (side, measure, ci) in rows {
        let _ = writeln!(
            text,
            "  {side}: {} {:.3} ± {:.3} trains",
            measure.replace('_', " "),
            ci.mean,
            ci.half_width
        );
    }
    text
}

/// The sides with series, for the charts.
pub(super) fn chart_sides(study: &Study) -> Vec<(String, &'static str)> {
    sides(study)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_clear_transient_past_the_warm_up_warns() {
        // A steady state of 2.5 ± 0.2 trains (10 batches of 17 days).
        let ci = ConfidenceInterval {
            mean: 2.5,
            half_width: 0.2,
            level: 0.95,
            n: 10,
        };
        let check = |between: f64| WarmupCheck {
            truncation_days: 30,
            warmup_days: 0.0,
            evidence: Some((between, ci)),
            steady_days: 170,
            candidates: 21,
        };
        // The batches' sd is 0.2·√10/t(0.975, 9) = 0.28; the 30 days
        // between weigh as 1.76 batches: a standard error of 0.22, and a
        // Bonferroni bound of t(1 − 0.05/42, 9) ≈ 4.3 standard errors.
        assert!(!check(3.2).too_short());
        assert!(check(5.0).too_short());
        assert!(check(0.0).too_short());
        let within = WarmupCheck {
            truncation_days: 5,
            warmup_days: 10.0,
            evidence: None,
            steady_days: 200,
            candidates: 21,
        };
        assert!(!within.too_short());
        assert!(within.sentence().contains("within the 10-day warm-up"));
    }

    #[test]
    fn dates_follow_365_day_years() {
        assert_eq!(day_date(0, 2026), "2026-01-01");
        assert_eq!(day_date(31, 2026), "2026-02-01");
        assert_eq!(day_date(364, 2026), "2026-12-31");
        assert_eq!(day_date(365, 2026), "2027-01-01");
    }
}
