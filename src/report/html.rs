//! `report.html`: one self-contained file to forward (no scripts, no
//! fonts or images fetched; the charts are inline SVG). It gives the answer
//! in a sentence with its interval, the paired table, where the chain
//! binds, the sweep, what drives the answer, congestion over time, the
//! calibration and the manifests.

use std::fmt::Write;

use super::bottleneck::bottlenecks;
use super::charts::{describe, study_charts};
use super::summary::{comparison, default_rows};
use super::table::{Table, escape};
use crate::metric::MetricKey;
use crate::study::{Study, override_value};

/// What a report shows: the studies behind it (a comparison, a sweep, a
/// sensitivity study, in any combination) and, optionally, a calibration
/// table and the answer in words.
#[derive(Clone, Debug, Default)]
pub struct Report<'a> {
    /// The title.
    pub title: String,
    /// The answer, a sentence or a few, first of all; empty: the
    /// sentences [`answer`] finds in the studies.
    pub answer: Vec<String>,
    /// The studies, each shown with what it holds.
    pub studies: Vec<&'a Study>,
    /// Rows of the paired table (empty: the default rows).
    pub rows: Vec<MetricKey>,
    /// A calibration table in Markdown (as
    /// [`calibration::markdown`](crate::study::calibration::markdown)
    /// writes it), with a line on how it was computed.
    pub calibration: Option<(String, String)>,
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}\
.answer{background:#eef4fb;border-left:5px solid #2b6cb0;padding:.8em 1.2em;font-size:1.1em}\
.answer p{margin:.4em 0}.note{color:#555;font-size:.92em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{padding:.25em .6em;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th{background:#f4f4f4}\
figure{margin:1em 0;overflow-x:auto}svg{max-width:100%;height:auto}code{font-size:.9em}\
.warn{background:#fff4e5;border-left:5px solid #dd6b20;padding:.5em 1em}";

/// The sentences a study's results give: each variant's paired change in
/// the headline waiting measure, each sweep series' saturation point and
/// first capacity to bind, and the assumption that moves the answer most.
pub fn answer(study: &Study) -> Vec<String> {
    let level = study.manifest.confidence_level;
    let pct = 100.0 * level;
    let mut out = Vec::new();
    let r = &study.result;
    let headline = default_rows(study)
        .into_iter()
        .find(|k| k.measure() == "delay_mean");
    if let Some(k) = headline {
        for p in &r.pairs {
            let Some(d) = r.compare_pair(p.base, p.other, &k, level) else {
                continue;
            };
            out.push(format!(
                "With {}, the {} changes by {} {} (from {} to {}; {pct:.0} % interval, paired on {} replications).",
                r.arms[p.other].label,
                in_words(study, &k),
                d.difference.display(2),
                k.unit().symbol(),
                d.base.display(2),
                d.other.display(2),
                d.difference.n
            ));
        }
        if r.pairs.is_empty()
            && let Some(i) = r.arms.first().and_then(|a| a.interval(&k, level))
        {
            out.push(format!(
                "The {} is {} {} ({pct:.0} % interval, {} replications).",
                in_words(study, &k),
                i.display(2),
                k.unit().symbol(),
                i.n
            ));
        }
    }
    if let Some(sweep) = &study.sweep {
        let unit = if sweep.parameters[0] == crate::study::DEMAND {
            "×"
        } else {
            ""
        };
        for (i, sat) in sweep.saturations(level).into_iter().enumerate() {
            let what = in_words(study, &sweep.metric);
            let symbol = sweep.metric.unit().symbol();
            let at = match sweep.parameters[0].as_str() {
                crate::study::DEMAND => format!("{} the scenario's demand", sat.display(unit)),
                p => format!("{p} = {}", sat.display(unit)),
            };
            let t = override_value(sweep.threshold);
            let mut s = match sat.mean_curve {
                _ if sat.at_first() => format!(
                    "{}: the {what} is at or above {t} {symbol} from the first value swept",
                    sat.series
                ),
                Some(_) => format!(
                    "{}: the {what} {} {t} {symbol} at {at}",
                    sat.series,
                    sat.verb()
                ),
                None => format!(
                    "{}: the {what} stays below {t} {symbol} over the range swept",
                    sat.series
                ),
            };
            if let Some(c) = sweep
                .capacity_saturations(i, level)
                .into_iter()
                .find(|c| c.mean_curve.is_some())
            {
                let at = match c.at_first() {
                    true => "already at the first value".to_string(),
                    false => format!("at {}", c.display(unit)),
                };
                let _ = write!(
                    s,
                    "; the first capacity to reach {:.0} % use is {}, {at}",
                    100.0 * c.threshold,
                    super::bottleneck::capacity_name(study, &c.metric),
                );
            }
            s.push('.');
            out.push(s);
        }
    }
    if let Some(s) = &study.sensitivity
        && let Some(top) = s.ranked(level).first()
    {
        let answer = match s.variants.as_slice() {
            [base, other] => format!("{other} − {base} in the {}", in_words(study, &s.metric)),
            _ => format!("the {}", in_words(study, &s.metric)),
        };
        let about = match top.description.is_empty() {
            true => String::new(),
            false => format!(" ({})", top.description),
        };
        let caveat = match top.swing.half_width {
            Some(h) if top.swing.mean.abs() <= h => format!(
                " Its swing, {}, is within its own interval of zero: with {} replications, no assumption moves the answer distinguishably.",
                top.swing.display(2),
                top.swing.n
            ),
            _ => String::new(),
        };
        out.push(format!(
            "Of the assumptions varied, {}{about} moves the answer ({answer}) most: from {} to {} as it goes from {} to {}.{caveat}",
            top.id,
            top.low.display(2),
            top.high.display(2),
            override_value(top.range.0),
            override_value(top.range.1)
        ));
    }
    out
}

/// A metric in words without its unit: `mean waiting per train at the
/// China–Kazakhstan crossings`.
fn in_words(study: &Study, key: &MetricKey) -> String {
    let text = describe(study, key);
    let text = text.rsplit_once(" [").map_or(text.as_str(), |(t, _)| t);
    match key.scope() {
        "group" => text.replacen(", ", " at the ", 1),
        _ => text.replacen(", ", " at ", 1),
    }
}

/// The rows a report's table shows by default: each group's and port
/// side's throughput and waiting (not per class or year), the use of the
/// handover caps, and the network's transit, delays and backlog.
pub fn report_rows(study: &Study) -> Vec<MetricKey> {
    let plain = |k: &MetricKey| k.label("class").is_none() && k.label("year").is_none();
    let mut rows: Vec<MetricKey> = study
        .metric_keys
        .iter()
        .filter(|k| k.scope() == "group" && plain(k))
        .filter(|k| matches!(k.measure(), "delay_mean" | "delay_p95" | "throughput"))
        .cloned()
        .collect();
    rows.extend(
        study
            .metric_keys
            .iter()
            .filter(|k| k.scope() == "port" && k.label("direction").is_some() && plain(k))
            .filter(|k| {
                matches!(
                    k.measure(),
                    "throughput" | "delay_mean" | "handover_utilisation"
                )
            })
            .cloned(),
    );
    rows.extend(
        study
            .metric_keys
            .iter()
            .filter(|k| {
                k.scope() == "network"
                    && matches!(k.measure(), "transit_mean" | "delayed" | "backlog")
            })
            .cloned(),
    );
    rows
}

/// The paired table with the metrics in words (the key in small type).
fn words_table(study: &Study, rows: &[MetricKey]) -> String {
    let level = study.manifest.confidence_level;
    let arms = &study.result.arms;
    let mut out = String::from("<table>\n<thead><tr><th>measure</th>");
    for a in arms {
        let _ = write!(out, "<th>{}</th>", escape(&a.label));
    }
    let paired = arms.len() == 2;
    if paired {
        out.push_str("<th>paired difference</th><th>independent ±</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for k in rows {
        let cells: Vec<Option<String>> = arms
            .iter()
            .map(|a| a.interval(k, level).map(|i| i.display(3)))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let _ = write!(
            out,
            "<tr><td>{}<br><code class=\"note\">{}</code></td>",
            escape(&describe(study, k)),
            escape(&k.to_string())
        );
        for c in cells {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                c.unwrap_or_else(|| "—".into())
            );
        }
        if paired {
            match study.result.compare(1, k, level) {
                Some(d) => {
                    let _ = write!(
                        out,
                        "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
                        d.difference.display(3),
                        d.independent_half_width
                            .map_or("—".into(), |h| format!("± {h:.3}"))
                    );
                }
                None => out.push_str("<td class=\"n\">—</td><td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The chart `name` of `study`, inline (without its XML declaration).
fn chart(charts: &[(String, String)], name: &str) -> Option<String> {
    let (_, svg) = charts.iter().find(|(n, _)| n == name)?;
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg.as_str(),
    };
    Some(format!("<figure>\n{body}\n</figure>\n"))
}

impl Report<'_> {
    /// The report of one study, answered from its results.
    pub fn of(study: &Study) -> Report<'_> {
        Report {
            title: format!(
                "{}: {}",
                study.manifest.scenario,
                study.manifest.variants.join(" and ")
            ),
            studies: vec![study],
            ..Report::default()
        }
    }

    /// The report as one HTML document.
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            escape(&self.title),
            escape(&self.title)
        );
        let _ = writeln!(
            h,
            "<p class=\"note\">silkrail {}: a discrete-event simulation of the corridor; every figure is a mean over independent replications with its confidence interval, and variants are compared on common random numbers.</p>",
            env!("CARGO_PKG_VERSION")
        );
        let answer: Vec<String> = if self.answer.is_empty() {
            self.studies.iter().flat_map(|s| answer(s)).collect()
        } else {
            self.answer.clone()
        };
        if !answer.is_empty() {
            h.push_str("<h2>The answer</h2>\n<div class=\"answer\">\n");
            for a in &answer {
                let _ = writeln!(h, "<p>{}</p>", escape(a));
            }
            h.push_str("</div>\n");
        }
        for study in &self.studies {
            self.study_sections(&mut h, study);
        }
        if let Some((how, md)) = &self.calibration {
            h.push_str("<h2>Calibration: simulated against observed</h2>\n");
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(how));
            h.push_str(&markdown_table(md));
        }
        h.push_str("<h2>How it was computed</h2>\n");
        for study in &self.studies {
            h.push_str(&manifest_table(study));
        }
        h.push_str("</body>\n</html>\n");
        h
    }

    fn study_sections(&self, h: &mut String, study: &Study) {
        let level = study.manifest.confidence_level;
        let charts = study_charts(study);
        let r = &study.result;
        if r.replications() > 0 {
            let labels: Vec<&str> = r.arms.iter().map(|a| a.label.as_str()).collect();
            let _ = writeln!(
                h,
                "<h2>{} on the same seeds</h2>",
                escape(&labels.join(" and "))
            );
            let rows = if self.rows.is_empty() {
                report_rows(study)
            } else {
                self.rows.clone()
            };
            let _ = writeln!(
                h,
                "<p class=\"note\">{} replications of {}; means with {:.0} % intervals. The paired difference is taken replication by replication; “independent ±” is the half width two independent runs would give.</p>",
                study.manifest.replications,
                super::summary::span(&study.manifest),
                100.0 * level
            );
            h.push_str(&words_table(study, &rows));
            h.push_str("<details>\n<summary>Every measure</summary>\n");
            h.push_str(&comparison(study, &study.metric_keys).render_html());
            h.push_str("</details>\n");
            if let Some(c) = chart(&charts, "differences.svg") {
                h.push_str(&c);
            }
            h.push_str("<h2>Where the chain binds</h2>\n<p class=\"note\">Every capacity the run measures, most used first, with the waiting in front of it.</p>\n");
            for (i, a) in r.arms.iter().enumerate() {
                let _ = writeln!(h, "<h3>{}</h3>", escape(&a.label));
                let mut t = Table::new(["capacity", "use", "wait in front [h]"]);
                for b in bottlenecks(study, i, None).into_iter().take(8) {
                    let pm = |x: f64, hw: Option<f64>| match hw {
                        Some(hw) => format!("{x:.1} ± {hw:.1} %"),
                        None => format!("{x:.1} %"),
                    };
                    t.row([
                        b.resource.clone(),
                        pm(
                            100.0 * b.utilisation.mean,
                            b.utilisation.half_width.map(|x| 100.0 * x),
                        ),
                        b.wait_hours.map_or("—".into(), |w| w.display(2)),
                    ]);
                }
                h.push_str(&t.render_html());
            }
            let congestion: Vec<&(String, String)> = charts
                .iter()
                .filter(|(n, _)| n.starts_with("congestion_"))
                .collect();
            if !congestion.is_empty() {
                h.push_str("<h2>Congestion over time</h2>\n<p class=\"note\">Trains waiting for the handover at each port side, day by day (daily.csv and monthly.csv hold every side's series: waiting, held upstream, queued for a track, handed over).</p>\n");
                for (name, _) in congestion {
                    if let Some(c) = chart(&charts, name) {
                        h.push_str(&c);
                    }
                }
            }
            if let Some(check) = super::series::warmup_check(study) {
                let class = if check.too_short() { "warn" } else { "note" };
                let _ = writeln!(h, "<p class=\"{class}\">{}</p>", escape(&check.sentence()));
            }
            let bm = super::series::batch_means_text(study);
            if !bm.is_empty() {
                let _ = writeln!(h, "<pre>{}</pre>", escape(bm.trim()));
            }
            let delays: Vec<&(String, String)> = charts
                .iter()
                .filter(|(n, _)| n.starts_with("delay_"))
                .collect();
            if !delays.is_empty() {
                h.push_str("<details>\n<summary>Waiting at each port, train by train</summary>\n");
                for (name, _) in delays {
                    if let Some(c) = chart(&charts, name) {
                        h.push_str(&c);
                    }
                }
                h.push_str("</details>\n");
            }
        }
        if let Some(sweep) = &study.sweep {
            let _ = writeln!(
                h,
                "<h2>Sweep of {}</h2>",
                escape(&sweep.parameters.join(" × "))
            );
            if let Some(c) = chart(&charts, "sweep.svg") {
                h.push_str(&c);
            }
            let t = super::summary::sweep_table(study, sweep);
            h.push_str(&t.render_html());
            let _ = writeln!(
                h,
                "<p class=\"note\">{} replications per point, the same seeds at every point and for every variant. A saturation point is where the mean curve crosses; “per replication” is the mean of each replication's own crossing with its {:.0} % interval.</p>",
                sweep.replications,
                100.0 * level
            );
        }
        if let Some(s) = &study.sensitivity {
            h.push_str("<h2>What drives the answer</h2>\n");
            if let Some(c) = chart(&charts, "tornado.svg") {
                h.push_str(&c);
            }
            h.push_str(&super::summary::sensitivity_table(s, level, 2).render_html());
            let _ = writeln!(
                h,
                "<p class=\"note\">The answer: {}. Each assumption at its low and then its high value, the others as the scenario has them, {} replications each on the same seeds; the swing is paired.</p>",
                escape(&s.answer()),
                s.replications
            );
        }
    }
}

/// A Markdown pipe table as HTML (cells' `**bold**` and `` `code` `` kept).
fn markdown_table(md: &str) -> String {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| inline(c.trim()))
            .collect()
    };
    let mut lines = md.lines().filter(|l| l.trim_start().starts_with('|'));
    let Some(head) = lines.next() else {
        return format!("<pre>{}</pre>\n", escape(md));
    };
    let mut out = String::from("<table>\n<thead><tr>");
    for c in cells(head) {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for line in lines.filter(|l| !l.contains("|---")) {
        out.push_str("<tr>");
        for c in cells(line) {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Escapes `text` and turns `**x**` into bold and `` `x` `` into code.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let (mut bold, mut code) = (false, false);
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('`') {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
            rest = r;
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push_str(&escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    if bold {
        out.push_str("</strong>");
    }
    if code {
        out.push_str("</code>");
    }
    out
}

/// A study's manifest as a two-column table.
fn manifest_table(study: &Study) -> String {
    let m = &study.manifest;
    let kind = match (m.replications, &study.sweep, &study.sensitivity) {
        (0, Some(_), _) => "sweep",
        (0, None, Some(_)) => "sensitivity study",
        _ => "comparison",
    };
    let mut t = Table::new([format!("{kind}: {}", m.variants.join(", ")), String::new()]);
    let rows: Vec<(&str, String)> = vec![
        ("scenario", format!("{} ({})", m.scenario, m.source)),
        (
            "scenario hash (FNV-1a of the variants as parsed)",
            m.scenario_hash.clone(),
        ),
        ("silkrail", m.crate_version.clone()),
        ("seed", m.seed.to_string()),
        (
            "replications",
            match (&study.sweep, &study.sensitivity) {
                (Some(s), _) => format!("{} per point", s.replications),
                (None, Some(s)) => format!("{} per setting", s.replications),
                _ => m.replications.to_string(),
            },
        ),
        ("demand multiplier", m.demand_multiplier.to_string()),
        (
            "horizon, warm-up",
            format!("{} days after {} days", m.horizon_days, m.warmup_days),
        ),
        ("confidence level", m.confidence_level.to_string()),
    ];
    for (k, v) in rows {
        t.row([k.to_string(), v]);
    }
    t.render_html()
}

/// The study as Markdown, for pasting into a document or an issue: the
/// answer in sentences, the paired table of the default rows, the sweep's
/// saturation points and the sensitivity ranking.
pub fn study_markdown(study: &Study) -> String {
    use std::fmt::Write;
    let m = &study.manifest;
    let level = m.confidence_level;
    let mut text = format!(
        "**{}** — seed {}, {}, {:.0} % intervals.\n\n",
        m.scenario,
        m.seed,
        super::summary::span(m),
        100.0 * level
    );
    for a in answer(study) {
        let _ = writeln!(text, "- {a}");
    }
    if study.result.replications() > 0 {
        let _ = writeln!(text, "\n{} replications.\n", m.replications);
        text.push_str(&comparison(study, &report_rows(study)).render_markdown());
    }
    if let Some(sweep) = &study.sweep {
        let t = super::summary::sweep_table(study, sweep);
        let _ = writeln!(
            text,
            "\nSweep of {} ({} replications per point):\n",
            sweep.parameters.join(" × "),
            sweep.replications
        );
        text.push_str(&t.render_markdown());
    }
    if let Some(s) = &study.sensitivity {
        let t = super::summary::sensitivity_table(s, level, 3);
        let _ = writeln!(
            text,
            "\nWhat drives {} ({} replications per setting):\n",
            s.answer(),
            s.replications
        );
        text.push_str(&t.render_markdown());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_keep_bold_and_code_and_escape_the_rest() {
        let html = markdown_table("| a | b |\n|---|---|\n| **pass** | `y2025` <x> |\n");
        assert!(html.contains("<td><strong>pass</strong></td>"), "{html}");
        assert!(
            html.contains("<td><code>y2025</code> &lt;x&gt;</td>"),
            "{html}"
        );
    }
}
