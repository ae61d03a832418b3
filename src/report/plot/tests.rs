use std::collections::HashSet;

use super::charts::axis_ticks;
use super::core::{F, Ticks, esc, fit};
use super::*;

mod support;
use support::{HOSTILE, bars, check_xml, interval, path_points, samples, tornado, valid, xy};

#[test]
fn checker_rejects_broken_xml() {
    let ok = "<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &#x41;</a>";
    assert!(check_xml(ok).is_ok());
    for bad in [
        "<a></a>",
        "<?xml ?><a><b></a></b>",
        "<?xml ?><a x=1></a>",
        "<?xml ?><a x=\"1\" x=\"2\"></a>",
        "<?xml ?><a>&foo;</a>",
        "<?xml ?><a>x & y</a>",
        "<?xml ?><a></a><b></b>",
        "<?xml ?><a>",
        "<?xml ?><a x=\"<\"></a>",
        "<?xml ?><a>\u{1}</a>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

#[test]
fn all_samples_are_valid() {
    for doc in samples() {
        valid(&doc);
    }
}

#[test]
fn python_parses_samples() {
    let Ok(out) = std::process::Command::new("python3")
        .arg("--version")
        .output()
    else {
        eprintln!("python3 not available: skipped");
        return;
    };
    if !out.status.success() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("plotcore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<_> = samples()
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let p = dir.join(format!("s{i}.svg"));
            std::fs::write(&p, doc).unwrap();
            p
        })
        .collect();
    let script = "import sys, xml.etree.ElementTree as E\nfor p in sys.argv[1:]: E.parse(p)";
    let st = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&files)
        .status()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(st.success(), "python's XML parser rejected a sample");
}

fn ticks(lo: f64, hi: f64) -> Ticks {
    axis_ticks(&Axis::default(), Some((lo, hi)), false, 400.0)
}

#[test]
fn nice_ticks() {
    for (lo, hi) in [
        (0.0, 1.0),
        (0.0, 0.3),
        (-7.3, 12.9),
        (1e-7, 9e-7),
        (0.0, 1e300),
        (3.0, 3.0),
        (950.0, 1020.0),
        (-f64::MAX, f64::MAX),
    ] {
        let t = ticks(lo, hi);
        assert!(
            t.values.len() >= 2 && t.values.len() <= 12,
            "{lo}..{hi}: {:?}",
            t.values
        );
        assert!(t.lo <= lo.max(t.lo) && t.hi >= hi.min(t.hi));
        let step = t.values[1] - t.values[0];
        let m = step / 10f64.powf(step.log10().floor());
        assert!(
            [1.0, 2.0, 2.5, 5.0, 10.0]
                .iter()
                .any(|n| (m - n).abs() < 1e-6),
            "step {step}"
        );
    }
    assert_eq!(
        ticks(0.0, 1.0).labels,
        ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"].map(|s| s.to_string())
    );
    let t = axis_ticks(
        &Axis {
            min: Some(0.0),
            max: Some(0.1 + 0.2),
            ..Default::default()
        },
        None,
        false,
        250.0,
    );
    assert_eq!(
        t.labels,
        ["0.0", "0.1", "0.2", "0.3"].map(|s| s.to_string())
    );
    assert_eq!(ticks(0.0, 10.0).labels.last().unwrap(), "10");
    assert_eq!(ticks(0.0, 1e300).labels.last().unwrap(), "1e300");
    assert_eq!(ticks(-7.3, 12.9).labels[0], "\u{2212}10");
    assert_eq!(
        ticks(0.0, 2.5).labels,
        ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"].map(|s| s.to_string())
    );
    assert!(ticks(0.0, 25.0).labels.contains(&"5".to_string()));
    assert_eq!(format_number(0.1 + 0.2, 1), "0.3");
    assert_eq!(format_number(-0.0001, 2), "0.00");
    assert_eq!(format_number(-0.08, 3), "\u{2212}0.080");
    assert_eq!(format_number(f64::NAN, 2), "—");
}

#[test]
fn y_axis_starts_at_zero_for_non_negative_data() {
    assert_eq!(
        axis_ticks(&Axis::default(), Some((3.0, 7.0)), true, 300.0).lo,
        0.0
    );
    assert!(axis_ticks(&Axis::default(), Some((-3.0, 7.0)), true, 300.0).lo < 0.0);
}

#[test]
fn legend_skips_series_with_nothing_drawn() {
    let doc = xy().to_svg();
    assert!(doc.contains(">FIFO</text>") && doc.contains(">priority</text>"));
    assert!(!doc.contains("never drawn"));
    // a band and a line of the same series share one entry
    assert_eq!(doc.matches(">FIFO</text>").count(), 1);
    let empty = XyChart {
        series: vec!["lonely".into()],
        ..Default::default()
    }
    .to_svg();
    assert!(!empty.contains("lonely"));
    let band_only = XyChart {
        series: vec!["band only".into()],
        bands: xy().bands,
        ..Default::default()
    }
    .to_svg();
    assert!(band_only.contains(">band only</text>"));
}

#[test]
fn axis_break_only_when_y_is_cut() {
    let mut c = xy();
    assert!(!c.to_svg().contains("axis-break"));
    c.y.min = Some(0.0);
    assert!(!c.to_svg().contains("axis-break"));
    c.y.min = Some(1.0);
    assert!(c.to_svg().contains("axis-break"));
    c.y.max = Some(7.0);
    assert!(c.to_svg().contains("axis-break"));
    c.lines[0].points[0].1 = -1.0;
    assert!(
        !c.to_svg().contains("axis-break"),
        "negative data: not a cut zero axis"
    );
}

#[test]
fn band_is_a_filled_polygon() {
    let doc = xy().to_svg();
    let attrs = check_xml(&doc).unwrap();
    let i = attrs
        .iter()
        .position(|(n, v)| n == "class" && v == "band")
        .unwrap();
    assert!(attrs[..i].last().unwrap().1.ends_with('Z'));
    assert_eq!(attrs[i + 1], ("fill".to_string(), "#0072B2".to_string()));
    let pts = path_points(&doc, "band");
    assert_eq!(pts.len(), 6);
    assert_eq!(pts[0].0, pts[5].0, "lower edge comes back to the start");
    assert!(pts[0].1 < pts[5].1, "upper edge (smaller px y) first");
}

#[test]
fn step_lines_are_post_step() {
    let c = XyChart {
        lines: vec![Line {
            points: vec![(0.0, 0.0), (1.0, 1.0), (2.0, 0.5)],
            step: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    let p = path_points(&c.to_svg(), "line");
    assert_eq!(p.len(), 5);
    assert!(
        p[1].1 == p[0].1 && p[1].0 == p[2].0 && p[2].1 < p[1].1,
        "{p:?}"
    );
    assert!(
        p[3].1 == p[2].1 && p[3].0 == p[4].0 && p[4].1 > p[3].1,
        "{p:?}"
    );
    let plain = XyChart {
        lines: vec![Line {
            step: false,
            ..c.lines[0].clone()
        }],
        ..c
    };
    assert_eq!(path_points(&plain.to_svg(), "line").len(), 3);
}

#[test]
fn non_finite_points_split_lines() {
    let c = XyChart {
        lines: vec![Line {
            points: vec![
                (0.0, 0.0),
                (1.0, 1.0),
                (f64::NAN, 1.0),
                (2.0, 0.5),
                (3.0, 1.0),
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(c.to_svg().matches("class=\"line\"").count(), 2);
    let single = XyChart {
        lines: vec![Line {
            points: vec![(1.0, 1.0)],
            ..Default::default()
        }],
        ..Default::default()
    };
    assert!(
        single
            .to_svg()
            .contains("class=\"line\" fill=\"#0072B2\"/>")
    );
}

#[test]
fn markers_and_reference_are_labelled_in_place() {
    let doc = xy().to_svg();
    assert_eq!(doc.matches("class=\"marker\"").count(), 2);
    assert!(
        doc.contains("saturation FIFO")
            && doc.contains("saturation priority")
            && doc.contains("threshold 4 h")
    );
    assert!(doc.contains("class=\"reference\""));
}

#[test]
fn row_charts_show_labels_and_value_texts() {
    let doc = interval().to_svg();
    for s in [
        "gauge change",
        "\u{2212}0.080 [\u{2212}0.093, \u{2212}0.067]",
        "— [0.010, 0.050]",
        ">—</text>",
        "custom text",
        "difference in mean wait [h]",
    ] {
        assert!(doc.contains(s), "{s}");
    }
    let doc = tornado().to_svg();
    for s in [
        "transshipment tracks",
        "2 tracks",
        "6 tracks",
        "20 TEU/h",
        "40 TEU/h",
        ">low setting<",
        ">high setting<",
    ] {
        assert!(doc.contains(s), "{s}");
    }
    let doc = bars().to_svg();
    for s in [
        "Małaszewicze cranes",
        "0.97 [0.95, 0.99]",
        "0.71 (busy)",
        "fully used",
        "utilisation [1]",
        ">—</text>",
    ] {
        assert!(doc.contains(s), "{s}");
    }
}

#[test]
fn grid_panels_get_distinct_clip_ids() {
    let doc = grid(&[&xy(), &xy(), &interval(), &tornado(), &bars()], 2);
    let attrs = valid(&doc);
    let ids: Vec<&str> = attrs
        .iter()
        .filter(|(n, _)| n == "id")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 5, "{ids:?}");
    for (_, v) in attrs.iter().filter(|(n, _)| n == "clip-path") {
        let id = v.trim_start_matches("url(#").trim_end_matches(')');
        assert!(ids.contains(&id), "{v} refers to no clip path");
    }
}

#[test]
fn unicode_survives_unchanged() {
    let doc = xy().to_svg();
    assert!(doc.contains("Brest–Małaszewicze westbound"));
    assert!(
        interval()
            .to_svg()
            .contains("Erenhot–Zamyn-Uud paired differences")
    );
    let doc = XyChart {
        title: HOSTILE.into(),
        ..Default::default()
    }
    .to_svg();
    assert!(doc.contains("&lt;p99&gt; &amp; &quot;friends&quot; &apos;x&apos; \u{202E}gnirts\u{202C} Brest–Małaszewicze"));
    let long = "Małaszewicze–Brest–Erenhot–Zamyn-Uud ".repeat(20);
    let short = fit(&long, 100.0, 12.0);
    assert!(short.ends_with('…') && long.starts_with(short.trim_end_matches('…')));
    assert_eq!(esc("a\u{0}b\nc"), "ab c");
}

#[test]
fn coordinates_are_short_and_finite() {
    let f = |v: f64| F(v).to_string();
    assert_eq!([f(f64::NAN), f(f64::INFINITY), f(-0.001)], ["0", "0", "0"]);
    assert_eq!(
        [f(1.0), f(2.5), f(-4.56789), f(1e300)],
        ["1", "2.5", "-4.57", "1000000"]
    );
}

#[test]
fn random_inputs_never_break_documents() {
    let seed = std::cell::Cell::new(0x2545_f491_4f6c_dd1d_u64);
    let next = || {
        let mut s = seed.get();
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        seed.set(s);
        s
    };
    let special = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        1e-300,
        1e300,
        f64::MAX,
        f64::MIN,
        f64::NAN,
        f64::INFINITY,
    ];
    let num = || match next() % 4 {
        0 => special[(next() % 10) as usize],
        _ => (next() % 2001) as f64 / 100.0 - 10.0,
    };
    for _ in 0..150 {
        let pts: Vec<(f64, f64)> = (0..(next() % 6)).map(|_| (num(), num())).collect();
        let range = |a: f64, b: f64| Axis {
            title: "t".into(),
            min: Some(a),
            max: Some(b),
        };
        let c = XyChart {
            series: vec!["a".into(), "b".into()],
            y: if next() % 2 == 0 {
                range(num(), num())
            } else {
                Axis::default()
            },
            x: if next() % 2 == 0 {
                range(num(), num())
            } else {
                Axis::default()
            },
            lines: vec![Line {
                series: 1,
                points: pts.clone(),
                step: next() % 2 == 0,
                dashed: false,
            }],
            bands: vec![Band {
                series: 0,
                points: pts.iter().map(|&(x, y)| (x, y, num())).collect(),
                step: false,
            }],
            markers: vec![Marker {
                x: num(),
                label: "m".into(),
                series: 2,
            }],
            reference: Some(RefLine {
                value: num(),
                label: "r".into(),
            }),
            width: num() * 100.0,
            height: num() * 100.0,
            ..Default::default()
        };
        valid(&c.to_svg());
        let t = TornadoChart {
            baseline: num(),
            rows: pts
                .iter()
                .map(|&(a, b)| TornadoRow {
                    low: a,
                    high: b,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let finite_or_none = |v: f64| Some(v).filter(|_| v.abs() < 15.0);
        let b = BarChart {
            rows: pts
                .iter()
                .map(|&(a, b)| BarRow {
                    value: a,
                    low: finite_or_none(b),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let i = IntervalChart {
            rows: pts
                .iter()
                .map(|&(a, b)| IntervalRow {
                    estimate: Some(a),
                    high: finite_or_none(b),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        valid(&grid(&[&c, &t, &b, &i], (next() % 4) as usize));
    }
}

#[test]
fn palette_wraps() {
    assert_eq!(colour(0), "#0072B2");
    assert_eq!(colour(9), "#D55E00");
}
