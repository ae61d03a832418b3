//! Shared helpers of the plotting tests: an XML well-formedness checker and
//! the sample charts.

use std::collections::HashSet;

use super::super::{
    Axis, Band, BarChart, BarRow, IntervalChart, IntervalRow, Line, Marker, RefLine, TornadoChart,
    TornadoRow, XyChart, grid,
};

pub(super) const HOSTILE: &str =
    "<p99> & \"friends\" 'x' \u{202E}gnirts\u{202C} Brest–Małaszewicze";

/// Minimal XML well-formedness check: prolog, single root, balanced tags,
/// quoted unique attributes, known entities, legal characters. Returns all attributes.
pub(super) fn check_xml(doc: &str) -> Result<Vec<(String, String)>, String> {
    fn entities(t: &str) -> Result<(), String> {
        if let Some(c) = t
            .chars()
            .find(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(format!("illegal char {:?}", c));
        }
        for (i, _) in t.match_indices('&') {
            let rest = &t[i + 1..];
            let end = rest.find(';').ok_or("unterminated entity")?;
            let name = &rest[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("unknown entity &{name};"));
            }
        }
        Ok(())
    }
    fn name_ok(n: &str) -> bool {
        n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
    }
    let rest = doc.strip_prefix("<?xml ").ok_or("no prolog")?;
    let mut s = &rest[rest.find("?>").ok_or("prolog not closed")? + 2..];
    let (mut stack, mut roots, mut attrs) = (Vec::new(), 0, Vec::new());
    loop {
        let i = s.find('<').unwrap_or(s.len());
        let text = &s[..i];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside root: {text:?}"));
        }
        if text.contains('>') {
            return Err("unescaped > in text".into());
        }
        entities(text)?;
        s = &s[i..];
        if s.is_empty() {
            break;
        }
        if let Some(r) = s.strip_prefix("</") {
            let j = r.find('>').ok_or("unclosed end tag")?;
            let name = r[..j].trim();
            if stack.pop() != Some(name) {
                return Err(format!("mismatched </{name}>"));
            }
            s = &r[j + 1..];
            continue;
        }
        let r = &s[1..];
        let j = r
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .ok_or("bad tag")?;
        let name = &r[..j];
        if !name_ok(name) {
            return Err(format!("bad element name {name:?}"));
        }
        if stack.is_empty() {
            roots += 1;
            if roots > 1 {
                return Err("more than one root".into());
            }
        }
        let mut r = &r[j..];
        let mut seen = HashSet::new();
        loop {
            let t = r.trim_start();
            let spaced = t.len() < r.len();
            r = t;
            if let Some(x) = r.strip_prefix("/>") {
                r = x;
                break;
            }
            if let Some(x) = r.strip_prefix('>') {
                stack.push(name);
                r = x;
                break;
            }
            if !spaced {
                return Err("attributes not separated".into());
            }
            let eq = r.find('=').ok_or("attribute without =")?;
            let an = &r[..eq];
            if !name_ok(an) || !seen.insert(an) {
                return Err(format!("bad or duplicate attribute {an:?}"));
            }
            let v = &r[eq + 1..];
            let q = v.chars().next().ok_or("eof")?;
            if q != '"' && q != '\'' {
                return Err(format!("unquoted attribute {an}"));
            }
            let close = v[1..].find(q).ok_or("unterminated attribute")?;
            let val = &v[1..1 + close];
            if val.contains('<') {
                return Err("< in attribute".into());
            }
            entities(val)?;
            attrs.push((an.to_string(), val.to_string()));
            r = &v[close + 2..];
        }
        s = r;
    }
    if !stack.is_empty() || roots != 1 {
        return Err(format!("unclosed {stack:?} or {roots} roots"));
    }
    Ok(attrs)
}

/// Checks everything every document must satisfy; returns its attributes.
pub(super) fn valid(doc: &str) -> Vec<(String, String)> {
    let attrs = check_xml(doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
    assert!(doc.starts_with("<?xml"));
    assert!(
        !doc.contains("NaN") && !doc.to_lowercase().contains("inf"),
        "{doc}"
    );
    for (name, val) in &attrs {
        for num in val.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let dec = num.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(dec <= 2, "{name}={val:?} has more than 2 decimals");
        }
        if name.contains("fill") || name == "stroke" {
            let c = val.as_str();
            assert!(
                c == "none" || c == "#ffffff" || c.starts_with("#") || c.parse::<f64>().is_ok()
            );
        }
    }
    attrs
}

fn axis(t: &str) -> Axis {
    Axis {
        title: t.into(),
        ..Default::default()
    }
}

pub(super) fn xy() -> XyChart {
    XyChart {
        title: "Brest–Małaszewicze westbound".into(),
        note: Some("the two variants coincide".into()),
        x: axis("arrivals [trains/day]"),
        y: axis("mean wait per train [h]"),
        series: vec!["FIFO".into(), "priority".into(), "never drawn".into()],
        lines: vec![
            Line {
                series: 0,
                points: vec![(10.0, 1.2), (14.0, 2.0), (18.0, 5.5)],
                ..Default::default()
            },
            Line {
                series: 1,
                points: vec![(10.0, 1.0), (14.0, 1.5), (18.0, 3.0)],
                dashed: true,
                ..Default::default()
            },
            Line {
                series: 2,
                points: vec![(f64::NAN, 1.0), (2.0, f64::INFINITY)],
                ..Default::default()
            },
        ],
        bands: vec![Band {
            series: 0,
            points: vec![(10.0, 1.0, 1.4), (14.0, 1.7, 2.3), (18.0, 4.6, 6.4)],
            step: false,
        }],
        markers: vec![
            Marker {
                x: 16.0,
                label: "saturation FIFO".into(),
                series: 0,
            },
            Marker {
                x: 16.5,
                label: "saturation priority".into(),
                series: 1,
            },
        ],
        reference: Some(RefLine {
            value: 4.0,
            label: "threshold 4 h".into(),
        }),
        ..Default::default()
    }
}

pub(super) fn interval() -> IntervalChart {
    IntervalChart {
        title: "Erenhot–Zamyn-Uud paired differences".into(),
        x: axis("difference in mean wait [h]"),
        decimals: 3,
        rows: vec![
            IntervalRow {
                label: "gauge change".into(),
                estimate: Some(-0.08),
                low: Some(-0.093),
                high: Some(-0.067),
                ..Default::default()
            },
            IntervalRow {
                label: "no estimate".into(),
                low: Some(0.01),
                high: Some(0.05),
                series: 1,
                ..Default::default()
            },
            IntervalRow {
                label: "nothing".into(),
                ..Default::default()
            },
            IntervalRow {
                label: "custom".into(),
                estimate: Some(0.02),
                text: Some("custom text".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

pub(super) fn tornado() -> TornadoChart {
    TornadoChart {
        title: "sensitivity of mean wait".into(),
        x: axis("mean wait per train [h]"),
        baseline: 3.0,
        rows: vec![
            TornadoRow {
                label: "transshipment tracks".into(),
                low: 5.5,
                high: 2.1,
                low_text: "2 tracks".into(),
                high_text: "6 tracks".into(),
            },
            TornadoRow {
                label: "crane rate".into(),
                low: 3.9,
                high: 2.6,
                low_text: "20 TEU/h".into(),
                high_text: "40 TEU/h".into(),
            },
            TornadoRow {
                label: "same side".into(),
                low: 3.5,
                high: 4.2,
                low_text: "a".into(),
                high_text: "b".into(),
            },
        ],
        ..Default::default()
    }
}

pub(super) fn bars() -> BarChart {
    BarChart {
        title: "bottleneck ranking".into(),
        x: axis("utilisation [1]"),
        decimals: 2,
        rows: vec![
            BarRow {
                label: "Małaszewicze cranes".into(),
                value: 0.97,
                low: Some(0.95),
                high: Some(0.99),
                ..Default::default()
            },
            BarRow {
                label: "Brest tracks".into(),
                value: 0.71,
                series: 1,
                text: Some("0.71 (busy)".into()),
                ..Default::default()
            },
            BarRow {
                label: "missing".into(),
                value: f64::NAN,
                ..Default::default()
            },
        ],
        reference: Some(RefLine {
            value: 1.0,
            label: "fully used".into(),
        }),
        ..Default::default()
    }
}

/// Charts with hostile or degenerate inputs.
fn awkward() -> Vec<String> {
    let nan = f64::NAN;
    let mut out = vec![
        XyChart::default().to_svg(),
        IntervalChart::default().to_svg(),
        TornadoChart::default().to_svg(),
        BarChart::default().to_svg(),
    ];
    let datasets: Vec<Vec<(f64, f64)>> = vec![
        vec![(nan, nan), (f64::INFINITY, 1.0)],
        vec![(1.0, 1.0)],
        vec![(1.0, 5.0), (1.0, 5.0)],
        vec![(0.0, 1e300), (1e300, 0.0)],
        vec![(-f64::MAX, -f64::MAX), (f64::MAX, f64::MAX)],
        vec![(-3.0, -2.0), (-1.0, -7.5)],
        vec![(1e-310, 1e-310), (2e-310, 3e-310)],
        vec![(0.0, 1e-7), (1.0, 3e-7)],
        vec![(0.0, 0.0), (0.0, 0.0)],
    ];
    for pts in datasets {
        let bandpts = pts.iter().map(|&(x, y)| (x, y * 0.5, y * 2.0)).collect();
        let c = XyChart {
            title: HOSTILE.into(),
            note: Some(HOSTILE.into()),
            x: Axis {
                title: HOSTILE.into(),
                min: Some(nan),
                max: None,
            },
            y: axis(HOSTILE),
            series: vec![HOSTILE.into()],
            lines: vec![Line {
                series: 0,
                points: pts.clone(),
                step: true,
                dashed: false,
            }],
            bands: vec![Band {
                series: 9,
                points: bandpts,
                step: true,
            }],
            markers: vec![Marker {
                x: pts[0].0,
                label: HOSTILE.into(),
                series: 3,
            }],
            reference: Some(RefLine {
                value: pts[0].1,
                label: HOSTILE.into(),
            }),
            width: f64::INFINITY,
            height: -5.0,
        };
        out.push(c.to_svg());
        let rows = pts.iter().map(|&(a, b)| TornadoRow {
            label: HOSTILE.into(),
            low: a,
            high: b,
            low_text: HOSTILE.into(),
            high_text: HOSTILE.into(),
        });
        out.push(
            TornadoChart {
                baseline: pts[0].1,
                rows: rows.collect(),
                title: HOSTILE.into(),
                ..Default::default()
            }
            .to_svg(),
        );
        let rows = pts.iter().map(|&(a, b)| IntervalRow {
            label: HOSTILE.into(),
            estimate: Some(a),
            low: Some(b),
            high: Some(a),
            series: 99,
            text: None,
        });
        out.push(
            IntervalChart {
                rows: rows.collect(),
                decimals: 400,
                series: vec![HOSTILE.into()],
                ..Default::default()
            }
            .to_svg(),
        );
        let rows = pts.iter().map(|&(a, b)| BarRow {
            label: HOSTILE.into(),
            value: a,
            low: Some(b),
            high: None,
            series: 0,
            text: None,
        });
        out.push(
            BarChart {
                rows: rows.collect(),
                reference: Some(RefLine {
                    value: pts[0].1,
                    label: HOSTILE.into(),
                }),
                ..Default::default()
            }
            .to_svg(),
        );
    }
    let mut cut = xy();
    cut.y = Axis {
        title: "y".into(),
        min: Some(5.0),
        max: Some(1.0),
    };
    out.push(cut.to_svg());
    out.push(
        XyChart {
            width: 1.0,
            height: 1.0,
            ..xy()
        }
        .to_svg(),
    );
    out.push(
        IntervalChart {
            rows: (0..300).map(|_| interval().rows[0].clone()).collect(),
            height: 200.0,
            ..interval()
        }
        .to_svg(),
    );
    out
}

pub(super) fn samples() -> Vec<String> {
    let mut out = vec![
        xy().to_svg(),
        interval().to_svg(),
        tornado().to_svg(),
        bars().to_svg(),
    ];
    out.push(grid(&[&xy(), &interval(), &tornado(), &bars()], 2));
    out.push(grid(&[], 0));
    out.extend(awkward());
    out
}

/// Path vertices of the first `<path class="…">` element.
pub(super) fn path_points(doc: &str, class: &str) -> Vec<(f64, f64)> {
    let attrs = check_xml(doc).unwrap();
    let i = attrs
        .iter()
        .position(|(n, v)| n == "class" && v == class)
        .expect("no such path");
    let d = &attrs[..i].iter().rev().find(|(n, _)| n == "d").unwrap().1;
    let nums: Vec<f64> = d
        .split(|c: char| c.is_whitespace() || c.is_ascii_alphabetic())
        .filter_map(|s| s.parse().ok())
        .collect();
    nums.chunks(2).map(|c| (c[0], c[1])).collect()
}
