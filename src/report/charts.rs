//! The charts of a study, drawn on the plotting core ([`super::plot`]): one
//! short function per kind of chart.
//!
//! - `delay_<port>.svg`: per direction, the share of trains that waited
//!   longer than each number of hours at the port, one curve per variant;
//! - `differences.svg`: the paired differences of the main waiting
//!   measures against the baseline, with their intervals;
//! - `sweep.svg`: the congestion measure against demand, with its band
//!   across replications, the threshold and the saturation points.

use super::plot::{
    Axis, Band, IntervalChart, IntervalRow, Line, Marker, Panel, RefLine, TornadoChart, TornadoRow,
    XyChart, grid,
};
use crate::corridor::ms_to_hours;
use crate::metric::{MetricKey, Unit};
use crate::stats::Histogram;
use crate::study::{Sensitivity, Study, Sweep};

/// Where a metric is, in plain words: `Alashankou–Dostyk westbound`,
/// `China–Kazakhstan crossings`, `xian → duisburg`, `network`.
pub fn place(study: &Study, key: &MetricKey) -> String {
    let mut place = match key.scope() {
        "port" => key
            .label("port")
            .map_or_else(String::new, |p| study.port_name(p).to_string()),
        "group" => match key.label("group") {
            Some("cn_kz") => "China–Kazakhstan crossings".to_string(),
            Some(g) => format!("group {g}"),
            None => String::new(),
        },
        "od" => match (key.label("origin"), key.label("destination")) {
            (Some(o), Some(d)) => format!("{o} → {d}"),
            _ => String::new(),
        },
        other => other.to_string(),
    };
    if let Some(dir) = key.label("direction") {
        place.push(' ');
        place.push_str(dir);
    }
    if let Some(year) = key.label("year") {
        place.push_str(" in ");
        place.push_str(year);
    }
    place
}

/// A metric in plain words with its place and unit, for axis titles:
/// `mean waiting per train, Alashankou–Dostyk westbound [h]`.
pub fn describe(study: &Study, key: &MetricKey) -> String {
    let what = match key.measure() {
        "delay_mean" => "mean waiting per train",
        "delay_p95" => "95th percentile of waiting per train",
        "dwell_mean" => "mean dwell per train",
        "dwell_p95" => "95th percentile of dwell per train",
        "track_wait_mean" => "mean wait for a track",
        "track_wait_p95" => "95th percentile of the wait for a track",
        "held_upstream_mean" => "mean held upstream",
        "handover_wait_mean" => "mean wait for the handover",
        "throughput" => "trains handed over",
        "queue_mean" => "trains queued for a track",
        "queue_peak" => "most trains queued for a track",
        "track_utilisation" => "track utilisation",
        "crane_utilisation" => "crane utilisation",
        "closed" => "time closed",
        "transit_mean" => "mean transit",
        "transit_p95" => "95th percentile of transit",
        "delayed" => "share of consignments delayed",
        "backlog" => "trains in the system at the horizon",
        "delivered" => "trains delivered",
        "handover_utilisation" => "use of the handover cap",
        "handed_over" => "trains handed over",
        "path_load" => "load on the line's paths",
        "waiting_for_handover" => "trains waiting for the handover",
        "held_upstream" => "trains held upstream",
        "queued_for_track" => "trains queued for a track",
        other => other,
    };
    format!("{what}, {} [{}]", place(study, key), key.unit().symbol())
}

/// The share of recorded values above each bucket's upper end, in hours:
/// the exceedance curve (1 at zero hours, falling to 0 at the maximum).
fn exceedance_hours(h: &Histogram) -> Vec<(f64, f64)> {
    let n = h.count();
    if n == 0 {
        return Vec::new();
    }
    let mut above = n;
    let mut pts = vec![(0.0, 1.0)];
    for (_, upper, count) in h.iter_buckets() {
        above -= count;
        pts.push((ms_to_hours(upper), above as f64 / n as f64));
    }
    pts
}

/// `delay_<port>.svg`: one panel per direction, one exceedance curve per
/// variant that has trains there.
fn delay_chart(study: &Study, port: &str) -> Option<String> {
    let mut panels = Vec::new();
    for dir in ["westbound", "eastbound"] {
        let key = MetricKey::new("port", "delay", Unit::Milliseconds)
            .with("port", port)
            .with("direction", dir);
        let hists: Vec<(usize, &Histogram)> = study
            .result
            .arms
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((i, a.distribution(&key)?)))
            .filter(|(_, h)| h.count() > 0)
            .collect();
        if hists.is_empty() {
            continue;
        }
        let same = hists.windows(2).all(|w| w[0].1 == w[1].1) && hists.len() > 1;
        panels.push(XyChart {
            title: format!("{} {dir}", study.port_name(port)),
            note: same.then(|| "the variants coincide: every train waited the same".into()),
            width: 560.0,
            height: 380.0,
            x: Axis {
                title: "waiting at the port (held upstream, queues, cranes, handover) [h]".into(),
                ..Axis::default()
            },
            y: Axis {
                title: "share of trains that waited longer [ratio]".into(),
                min: Some(0.0),
                max: Some(1.0),
            },
            series: study.result.arms.iter().map(|a| a.label.clone()).collect(),
            lines: hists
                .iter()
                .map(|&(i, h)| Line {
                    series: i,
                    points: exceedance_hours(h),
                    step: true,
                    dashed: i > 0 && same,
                })
                .collect(),
            ..XyChart::default()
        });
    }
    let refs: Vec<&dyn Panel> = panels.iter().map(|p| p as &dyn Panel).collect();
    (!refs.is_empty()).then(|| grid(&refs, 2))
}

/// `congestion_<port>.svg`: per direction, the trains waiting for the
/// handover day by day, one line per variant with its band across
/// replications.
fn congestion_chart(study: &Study, port: &str) -> Option<String> {
    let level = study.manifest.confidence_level;
    let mut panels = Vec::new();
    for dir in ["westbound", "eastbound"] {
        let key = super::series::side_series_key(port, dir, "day", "waiting_for_handover");
        let series: Vec<(usize, &crate::stats::SeriesMoments)> = study
            .result
            .arms
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((i, a.series(&key)?)))
            .collect();
        if series.is_empty() {
            continue;
        }
        let same = series.len() > 1 && series.windows(2).all(|w| w[0].1 == w[1].1);
        let start = match study.manifest.start_year {
            Some(y) => format!("day 0 = 1 January {y}"),
            None => "from the start of the run".to_string(),
        };
        panels.push(XyChart {
            title: format!("{} {dir}", study.port_name(port)),
            note: Some(match same {
                true => "the variants coincide".to_string(),
                false => format!(
                    "daily means, {:.0} % bands ({} replications); warm-up to day {:.0}",
                    100.0 * level,
                    study.manifest.replications,
                    study.manifest.warmup_days
                ),
            }),
            width: 560.0,
            height: 360.0,
            x: Axis {
                title: format!("day of the run ({start}) [days]"),
                ..Axis::default()
            },
            y: Axis {
                title: "waiting for the handover [trains]".into(),
                min: Some(0.0),
                max: None,
            },
            series: study.result.arms.iter().map(|a| a.label.clone()).collect(),
            lines: series
                .iter()
                .map(|&(i, s)| Line {
                    series: i,
                    points: (0..s.len())
                        .filter_map(|d| Some((d as f64, s.mean(d)?)))
                        .collect(),
                    dashed: i > 0 && same,
                    ..Line::default()
                })
                .collect(),
            bands: series
                .iter()
                .map(|&(i, s)| Band {
                    series: i,
                    points: (0..s.len())
                        .filter_map(|d| {
                            let ci = s.interval(d, level)?;
                            let low = (ci.mean - ci.half_width).max(0.0);
                            Some((d as f64, low, ci.mean + ci.half_width))
                        })
                        .collect(),
                    step: false,
                })
                .collect(),
            ..XyChart::default()
        });
    }
    let refs: Vec<&dyn Panel> = panels.iter().map(|p| p as &dyn Panel).collect();
    (!refs.is_empty()).then(|| grid(&refs, 2))
}

/// `differences.svg`: every variant against the baseline, paired, on the
/// waiting measures of the port groups and of every port side.
fn differences_chart(study: &Study) -> Option<String> {
    let level = study.manifest.confidence_level;
    let r = &study.result;
    let keys: Vec<&MetricKey> = study
        .metric_keys
        .iter()
        .filter(|k| k.measure() == "delay_mean" && matches!(k.scope(), "group" | "port"))
        .filter(|k| k.label("year").is_none() && k.label("class").is_none())
        .collect();
    let mut rows = Vec::new();
    for p in &r.pairs {
        for k in &keys {
            let Some(d) = r.compare_pair(p.base, p.other, k, level) else {
                continue;
            };
            let i = d.difference;
            rows.push(IntervalRow {
                label: if r.pairs.len() > 1 {
                    format!("{} ({})", place(study, k), r.arms[p.other].label)
                } else {
                    place(study, k)
                },
                estimate: Some(i.mean),
                low: i.half_width.map(|h| i.mean - h),
                high: i.half_width.map(|h| i.mean + h),
                series: p.other,
                text: None,
            });
        }
    }
    if rows.is_empty() {
        return None;
    }
    let others: Vec<&str> = r
        .pairs
        .iter()
        .map(|p| r.arms[p.other].label.as_str())
        .collect();
    Some(
        IntervalChart {
            title: format!("{} against {}", others.join(", "), r.arms[0].label),
            note: Some(format!(
                "change in mean waiting per train, paired on the same trains; {:.0} % intervals",
                100.0 * level
            )),
            width: 860.0,
            x: Axis {
                title: "difference in mean waiting per train [h]".into(),
                ..Axis::default()
            },
            rows,
            decimals: 3,
            series: r.arms.iter().map(|a| a.label.clone()).collect(),
            ..IntervalChart::default()
        }
        .to_svg(),
    )
}

/// `tornado.svg`: the answer with each assumption at its low and its high
/// value, the largest swing on top.
fn tornado_chart(study: &Study, s: &Sensitivity) -> Option<String> {
    let level = study.manifest.confidence_level;
    let nominal = crate::montecarlo::Interval::of(&s.nominal, level)?;
    let ranked = s.ranked(level);
    if ranked.is_empty() {
        return None;
    }
    let what = describe(study, &s.metric);
    let x_title = match s.variants.as_slice() {
        [base, other] => format!("{other} − {base}: {what}"),
        _ => what,
    };
    let value = |x: f64| crate::study::override_value(x);
    Some(
        TornadoChart {
            title: "What drives the answer: each assumption at its low and high value".into(),
            note: Some(format!(
                "one at a time, same seeds, {} replications; line: as assumed ({})",
                nominal.n,
                nominal.display(2)
            )),
            width: 900.0,
            x: Axis {
                title: x_title,
                ..Axis::default()
            },
            baseline: nominal.mean,
            rows: ranked
                .iter()
                .map(|e| TornadoRow {
                    label: if e.row.is_empty() {
                        e.id.clone()
                    } else {
                        format!("{} ({})", e.id, e.row)
                    },
                    low: e.low.mean,
                    high: e.high.mean,
                    low_text: value(e.range.0),
                    high_text: value(e.range.1),
                })
                .collect(),
            low_label: "assumption at its low value".into(),
            high_label: "assumption at its high value".into(),
            ..TornadoChart::default()
        }
        .to_svg(),
    )
}

/// `sweep.svg`: the measure against demand with its band, the threshold and
/// the saturation points.
fn sweep_chart(study: &Study, sweep: &Sweep) -> String {
    let all = sweep.series(study.manifest.confidence_level);
    let band = |s: &crate::montecarlo::SweepSeries| Band {
        series: 0,
        points: s
            .points
            .iter()
            .filter_map(|p| {
                Some((
                    p.x,
                    p.value.mean - p.value.half_width?,
                    p.value.mean + p.value.half_width?,
                ))
            })
            .collect(),
        step: false,
    };
    XyChart {
        title: format!(
            "Congestion against {} ({} replications per point, {:.0} % bands)",
            match sweep.parameters.first().map(String::as_str) {
                Some(crate::study::DEMAND) | None => "demand".to_string(),
                Some(p) => p.rsplit('.').next().unwrap_or(p).replace('_', " "),
            },
            sweep.replications,
            100.0 * study.manifest.confidence_level
        ),
        x: Axis {
            title: sweep.axis_title(),
            ..Axis::default()
        },
        y: Axis {
            title: describe(study, &sweep.metric),
            // Waits and shares are never negative: intervals that reach
            // below zero are cut at the axis.
            min: Some(0.0),
            max: None,
        },
        height: 520.0,
        series: all.iter().map(|s| s.label.clone()).collect(),
        lines: all
            .iter()
            .enumerate()
            .map(|(i, s)| Line {
                series: i,
                points: s.points.iter().map(|p| (p.x, p.value.mean)).collect(),
                ..Line::default()
            })
            .collect(),
        bands: all
            .iter()
            .enumerate()
            .map(|(i, s)| Band {
                series: i,
                ..band(s)
            })
            .collect(),
        markers: all
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let x = s.saturation?;
                let unit =
                    if sweep.parameters.first().map(String::as_str) == Some(crate::study::DEMAND) {
                        "×"
                    } else {
                        ""
                    };
                let verb = if s.falling {
                    "falls below the threshold"
                } else {
                    "saturates"
                };
                Some(Marker {
                    x,
                    label: format!("{} {verb} at {x:.2}{unit}", s.label),
                    series: i,
                })
            })
            .collect(),
        reference: Some(RefLine {
            value: sweep.threshold,
            label: format!(
                "saturated: {} {}",
                sweep.threshold,
                sweep.metric.unit().symbol()
            ),
        }),
        ..XyChart::default()
    }
    .to_svg()
}

/// File names and SVG documents of every chart the study has data for.
pub fn study_charts(study: &Study) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for port in study.port_names.keys() {
        if let Some(svg) = delay_chart(study, port) {
            out.push((format!("delay_{port}.svg"), svg));
        }
    }
    if let Some(svg) = differences_chart(study) {
        out.push(("differences.svg".to_string(), svg));
    }
    let sides = super::series::chart_sides(study);
    let mut ports: Vec<&str> = sides.iter().map(|(p, _)| p.as_str()).collect();
    ports.dedup();
    for port in ports {
        if let Some(svg) = congestion_chart(study, port) {
            out.push((format!("congestion_{port}.svg"), svg));
        }
    }
    if let Some(sweep) = &study.sweep {
        out.push(("sweep.svg".to_string(), sweep_chart(study, sweep)));
    }
    if let Some(svg) = study
        .sensitivity
        .as_ref()
        .and_then(|s| tornado_chart(study, s))
    {
        out.push(("tornado.svg".to_string(), svg));
    }
    out
}
