//! The charts of a study: the distribution of waiting at each port for
//! every variant, and congestion against demand with saturation points.

use super::Study;
use super::svg::{LineChart, Series, VerticalMarker, grid};
use crate::corridor::ms_to_hours;
use crate::stats::Histogram;

/// The empirical CDF of a histogram of milliseconds, in hours, as step
/// points (value, share of trains at or below it).
fn cdf_hours(h: &Histogram) -> Vec<(f64, f64)> {
    let n = h.count();
    if n == 0 {
        return Vec::new();
    }
    let mut acc = 0;
    let mut pts = vec![(0.0, 0.0)];
    for (_, upper, count) in h.iter_buckets() {
        acc += count;
        pts.push((ms_to_hours(upper), acc as f64 / n as f64));
    }
    pts
}

/// Title of a port from its id (`alashankou_dostyk` → `Alashankou–Dostyk`).
fn port_title(id: &str) -> String {
    id.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("–")
}

/// File names and SVG documents: `delay_<port>.svg` for every port (one
/// panel per direction, one CDF per variant, up to the largest 99th
/// percentile) and `sweep.svg` when the study has a demand sweep.
pub fn study_charts(study: &Study) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut ports: Vec<&str> = study
        .variants
        .iter()
        .flat_map(|(_, v)| v.pooled.keys())
        .filter_map(|k| k.strip_prefix("port.")?.split('.').next())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    for port in ports {
        let mut panels = Vec::new();
        for dir in ["westbound", "eastbound"] {
            let key = format!("port.{port}.{dir}.delay");
            let hists: Vec<(&str, &Histogram)> = study
                .variants
                .iter()
                .filter_map(|(name, v)| Some((name.as_str(), v.pooled.get(&key)?)))
                .collect();
            if hists.is_empty() {
                continue;
            }
            let x_max = hists
                .iter()
                .filter_map(|(_, h)| h.quantile(0.99))
                .map(ms_to_hours)
                .fold(1.0_f64, f64::max);
            // Most trains do not wait: start the y axis just below the
            // smallest share that waited nothing, so the tail is visible.
            let zero_share = hists
                .iter()
                .filter_map(|(_, h)| cdf_hours(h).get(1).map(|p| p.1))
                .fold(1.0_f64, f64::min);
            let y_min = ((zero_share * 10.0).floor() / 10.0).clamp(0.0, 0.9);
            let series = study
                .variants
                .iter()
                .map(|(name, v)| Series {
                    label: name.clone(),
                    points: v.pooled.get(&key).map(cdf_hours).unwrap_or_default(),
                    step: true,
                    dashed: false,
                })
                .collect();
            panels.push(LineChart {
                title: format!("{} {dir}: waiting per train", port_title(port)),
                x_label: "hours waited at the port".into(),
                y_label: "share of trains".into(),
                series,
                x_range: Some((0.0, x_max)),
                y_range: Some((y_min, 1.0)),
                width: 560,
                height: 380,
                ..LineChart::default()
            });
        }
        if !panels.is_empty() {
            out.push((format!("delay_{port}.svg"), grid(&panels, 2)));
        }
    }
    if let Some(sweep) = &study.sweep {
        let series = sweep
            .series
            .iter()
            .map(|s| {
                Series::new(
                    s.variant.clone(),
                    s.points
                        .iter()
                        .map(|p| (p.multiplier, p.value.mean))
                        .collect(),
                )
            })
            .collect();
        let markers = sweep
            .series
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                Some(VerticalMarker {
                    x: s.saturation?,
                    label: format!("{}: {:.2}×", s.variant, s.saturation?),
                    series: i,
                })
            })
            .collect();
        let chart = LineChart {
            title: format!(
                "Congestion against demand ({} replications per point)",
                sweep.replications
            ),
            x_label: "demand multiplier (1 = 2024–25)".into(),
            y_label: sweep.metric.clone(),
            series,
            markers,
            horizontal_line: Some((sweep.threshold, format!("saturated: {} h", sweep.threshold))),
            ..LineChart::default()
        };
        out.push(("sweep.svg".to_string(), chart.to_svg()));
    }
    out
}
