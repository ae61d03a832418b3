//! Drawing code of the four chart kinds: the [`Panel`] impls and their helpers.

use super::core::{
    Entry, HALO, LABEL, Pt, Rect, Scale, Svg, TICK, Ticks, axis_break, dashed, data_range, dim,
    fill, finite, fit, header, labels_px, lane_labels, legend, nice_ticks, post_step, stroke,
    text_px, widest, x_axis, y_axis,
};
use super::{
    Axis, Band, BarChart, BarRow, IntervalChart, IntervalRow, Line, Marker, PALETTE, Panel,
    TornadoChart, XyChart, colour, format_number,
};

const DEFAULT_W: f64 = 720.0;
const DEFAULT_H: f64 = 450.0;
const BAND_OPACITY: f64 = 0.2;

/// [`nice_ticks`] for an [`Axis`]: its explicit ends, if any, win over the data.
pub(super) fn axis_ticks(axis: &Axis, data: Option<(f64, f64)>, zero: bool, len: f64) -> Ticks {
    nice_ticks(axis.min, axis.max, data, zero, len)
}

/// Legend entries for the labelled series indices that occur in `used`.
fn series_entries<'a>(
    labels: &'a [String],
    used: &[usize],
    opacity: f64,
    line: Option<bool>,
) -> Vec<Entry<'a>> {
    let labelled = labels.iter().enumerate().filter(|(_, l)| !l.is_empty());
    let used = labelled.filter(|(s, _)| used.contains(s));
    used.map(|(s, l)| Entry(l, colour(s), opacity, line))
        .collect()
}

// ---------------------------------------------------------------- XyChart

fn ok2(p: &&Pt) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

fn ok3(p: &&(f64, f64, f64)) -> bool {
    p.0.is_finite() && p.1.is_finite() && p.2.is_finite()
}

impl XyChart {
    /// One entry per labelled series with a finite line or band point.
    fn legend_entries(&self) -> Vec<Entry<'_>> {
        let mut out = Vec::new();
        for (s, label) in self.series.iter().enumerate() {
            let drawn = |l: &&Line| l.series == s && l.points.iter().any(|p| ok2(&p));
            let line = self.lines.iter().find(drawn).map(|l| l.dashed);
            let band = |b: &Band| b.series == s && b.points.iter().any(|p| ok3(&p));
            let opacity = if self.bands.iter().any(band) {
                BAND_OPACITY
            } else {
                0.0
            };
            if !label.is_empty() && (line.is_some() || opacity > 0.0) {
                out.push(Entry(label, colour(s), opacity, line));
            }
        }
        out
    }

    /// The finite points of lines and band edges [data units].
    fn points(&self) -> Vec<Pt> {
        let lines = self.lines.iter().flat_map(|l| l.points.iter().filter(ok2));
        let bands = self.bands.iter().flat_map(|b| b.points.iter().filter(ok3));
        let edges = bands.flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]);
        lines.copied().chain(edges).collect()
    }
}

/// Draws the bands and lines of an [`XyChart`] through the map `at` [data → px].
fn xy_layers(svg: &mut Svg, c: &XyChart, at: impl Fn(&Pt) -> Pt) {
    let map = |pts: &[Pt]| pts.iter().map(&at).collect::<Vec<_>>();
    for b in &c.bands {
        let fill = fill(colour(b.series), BAND_OPACITY);
        let style = format!(
            "class=\"band\" {fill} stroke=\"{}\" stroke-opacity=\"0.2\"",
            colour(b.series)
        );
        for run in b.points.split(|p| !ok3(&p)).filter(|run| !run.is_empty()) {
            let edges = run.iter().map(|&(x, l, u)| ((x, u), (x, l)));
            let (mut up, mut lo): (Vec<Pt>, Vec<Pt>) = edges.unzip();
            if b.step {
                (up, lo) = (post_step(&up), post_step(&lo));
            }
            up.extend(lo.iter().rev());
            svg.path(&map(&up), true, &style);
        }
    }
    for l in &c.lines {
        let (c, dashed) = (colour(l.series), stroke(colour(l.series), 2.0, l.dashed));
        let style = format!("class=\"line\" {dashed} stroke-linejoin=\"round\"");
        for run in l.points.split(|p| !ok2(&p)).filter(|run| !run.is_empty()) {
            let pts = if l.step { post_step(run) } else { run.to_vec() };
            match pts.as_slice() {
                [p] => svg.circle(at(p), 3.0, &format!("class=\"line\" fill=\"{c}\"")),
                _ => svg.path(&map(&pts), false, &style),
            }
        }
    }
}

/// Writes a reference line's label above it at `y`, at the end (left or
/// right) with fewer of the `drawn` points \[px\] nearby.
fn reference_label(svg: &mut Svg, r: Rect, y: f64, text: &str, drawn: &[Pt]) {
    let label = fit(text, r.w * 0.6, TICK);
    let lw = text_px(&label, TICK) + 8.0;
    let near = |x0: f64, p: &&Pt| p.0 >= x0 && p.0 <= x0 + lw && (p.1 - y + 6.0).abs() < 12.0;
    let busy = |x0: f64| drawn.iter().filter(|p| near(x0, p)).count();
    let (x, anchor) = match busy(r.x) < busy(r.right() - lw) {
        true => (r.x + 4.0, "start"),
        false => (r.right() - 4.0, "end"),
    };
    svg.text_with((x, y - 5.0), TICK, anchor, HALO, &label);
}

impl Panel for XyChart {
    fn size(&self) -> (f64, f64) {
        (dim(self.width, DEFAULT_W), dim(self.height, DEFAULT_H))
    }

    fn fragment(&self, id: &str) -> String {
        let ((w, h), mut svg) = (self.size(), Svg::default());
        let top = header(&mut svg, w, &self.title, self.note.as_deref());
        // legend on the right when its labels fit in 30 % of the width, else below
        let entries = self.legend_entries();
        let leg_w = widest(entries.iter().map(|e| e.0), LABEL) + 28.0;
        let right = leg_w <= w * 0.3;
        let below = match right {
            true => 0.0,
            false => legend(None, (0.0, 0.0), &entries, w - 32.0, h, true),
        };
        let pts = self.points();
        let refs = self.reference.iter().map(|r| r.value);
        let yd = data_range(pts.iter().map(|p| p.1).chain(refs));
        let yt = axis_ticks(&self.y, yd, true, h - 52.0 - below - top);
        let left = 40.0 + labels_px(&yt);
        let side = !entries.is_empty() && right;
        let margin = if side { leg_w + 28.0 } else { 28.0 };
        let r = Rect::new(left, top, w - left - margin, h - 52.0 - below - top);
        let marks = self.markers.iter().map(|m| m.x);
        let xd = data_range(pts.iter().map(|p| p.0).chain(marks));
        let xt = axis_ticks(&self.x, xd, false, r.w);
        let sx = Scale::new(&xt, r.x, r.right());
        let sy = Scale::new(&yt, r.bottom(), r.y);
        y_axis(&mut svg, r, &yt, &sy, &self.y.title);
        x_axis(&mut svg, r, &xt, &sx, &self.x.title, w - 20.0);
        let non_negative = yd.is_none_or(|(lo, _)| lo >= 0.0);
        if finite(self.y.min).is_some() && yt.lo > 0.0 && non_negative {
            axis_break(&mut svg, r);
        }
        svg.clip(id, r);
        let reference = self.reference.as_ref().filter(|rf| sy.contains(rf.value));
        if let Some(rf) = reference {
            let (y, style) = (sy.px(rf.value), dashed("reference", "#000000"));
            svg.line((r.x, y), (r.right(), y), &style);
        }
        let markers: Vec<&Marker> = self.markers.iter().filter(|m| sx.contains(m.x)).collect();
        for m in &markers {
            let (x, style) = (sx.px(m.x), dashed("marker", colour(m.series)));
            svg.line((x, r.y), (x, r.bottom()), &style);
        }
        let at = |&(x, y): &Pt| (sx.px(x), sy.px(y));
        xy_layers(&mut svg, self, at);
        svg.end();
        if let Some(rf) = reference {
            let drawn: Vec<Pt> = pts.iter().map(at).collect();
            reference_label(&mut svg, r, sy.px(rf.value), &rf.label, &drawn);
        }
        let labels = markers
            .iter()
            .map(|m| (sx.px(m.x), m.label.as_str(), colour(m.series)));
        lane_labels(&mut svg, r, r.y + 12.0, labels.collect());
        let (at, max_w, max_h) = match right {
            true => ((r.right() + 16.0, r.y + 8.0), leg_w, r.h),
            false => ((16.0, h - below + 2.0), w - 32.0, h),
        };
        legend(Some(&mut svg), at, &entries, max_w, max_h, !right);
        svg.0
    }
}

// ---------------------------------------------------------------- row charts

/// What the shared row layout needs: header, axis, rows and legend.
struct RowSpec<'a> {
    head: (&'a str, Option<&'a str>, (f64, f64)),
    axis: &'a Axis,
    labels: Vec<&'a str>,
    texts: Vec<String>,
    data: Option<(f64, f64)>,
    pad_px: f64,
    legend: Vec<Entry<'a>>,
}

/// The laid-out row area: plot rectangle, x scale, row centres and row height \[px\].
struct Rows {
    r: Rect,
    sx: Scale,
    ys: Vec<f64>,
    row_h: f64,
}

/// Document size of a row chart: the height fits 32 px per row unless given.
fn row_size(width: f64, height: f64, rows: usize) -> (f64, f64) {
    let fitted = (130.0 + 32.0 * rows as f64).clamp(200.0, 20000.0);
    (dim(width, DEFAULT_W), dim(height, fitted))
}

/// Draws header, legend, x axis, row labels and value texts, then opens the
/// clip group the caller draws its marks into (and closes with `end`).
fn rows_frame(svg: &mut Svg, id: &str, s: RowSpec) -> Rows {
    let (title, note, (w, h)) = s.head;
    let mut top = header(svg, w, title, note);
    top += legend(Some(svg), (16.0, top + 6.0), &s.legend, w - 32.0, h, true) + 14.0;
    let row_h = ((h - 52.0 - top) / s.labels.len().max(1) as f64).max(1.0);
    let fs = (row_h * 0.6).clamp(6.0, LABEL);
    let lab_w = widest(s.labels.iter().copied(), fs).min(w * 0.3);
    let txt_w = widest(s.texts.iter().map(String::as_str), fs).min(w * 0.4);
    let margin = if txt_w > 0.0 { txt_w + 26.0 } else { 24.0 };
    let r = Rect::new(24.0 + lab_w, top, w - 24.0 - lab_w - margin, h - 52.0 - top);
    // widen an automatic range so that `pad_px` fits at both ends
    let f = (s.pad_px / r.w).min(0.3);
    let widen = |(lo, hi): (f64, f64)| {
        let d = (hi * 0.5 - lo * 0.5) * (2.0 * f / (1.0 - 2.0 * f));
        let ok = (lo - d).is_finite() && (hi + d).is_finite();
        if ok { (lo - d, hi + d) } else { (lo, hi) }
    };
    let t = axis_ticks(s.axis, s.data.map(widen), false, r.w);
    let sx = Scale::new(&t, r.x, r.right());
    let room = (r.w / 2.0 + r.x.min(w - r.right())) * 2.0 - 16.0;
    x_axis(svg, r, &t, &sx, &s.axis.title, room);
    let ys: Vec<f64> = (0..s.labels.len())
        .map(|i| r.y + (i as f64 + 0.5) * row_h)
        .collect();
    for (i, &y) in ys.iter().enumerate() {
        let y = y + fs * 0.35;
        svg.text((r.x - 8.0, y), fs, "end", &fit(s.labels[i], lab_w, fs));
        if let Some(t) = s.texts.get(i) {
            svg.text((r.right() + 10.0, y), fs, "start", &fit(t, txt_w, fs));
        }
    }
    svg.clip(id, r);
    Rows { r, sx, ys, row_h }
}

/// "est [low, high]" with "—" for what is missing; just the estimate (or "—") without ends.
fn interval_text(est: Option<f64>, lo: Option<f64>, hi: Option<f64>, d: usize) -> String {
    let f = |v: Option<f64>| format_number(v.unwrap_or(f64::NAN), d);
    match (finite(lo), finite(hi)) {
        (None, None) => f(est),
        (l, u) => format!("{} [{}, {}]", f(est), f(l), f(u)),
    }
}

type Span = (Option<f64>, Option<f64>, Option<f64>);

/// Horizontal whisker (low, mid, high) at row centre `y`; a missing end
/// falls back to `mid`; present ends get caps.
fn whisker(svg: &mut Svg, rows: &Rows, y: f64, (lo, mid, hi): Span, c: &str) {
    let (style, px) = (stroke(c, 1.5, false), |v: f64| rows.sx.px(v));
    if let (Some(a), Some(b)) = (lo.or(mid), hi.or(mid)) {
        svg.line((px(a), y), (px(b), y), &style);
    }
    let cap = (rows.row_h * 0.2).min(6.0);
    for x in [lo, hi].into_iter().flatten().map(px) {
        svg.line((x, y - cap), (x, y + cap), &style);
    }
}

fn labels<T>(rows: &[T], label: fn(&T) -> &str) -> Vec<&str> {
    rows.iter().map(label).collect()
}

impl Panel for IntervalChart {
    fn size(&self) -> (f64, f64) {
        row_size(self.width, self.height, self.rows.len())
    }

    fn fragment(&self, id: &str) -> String {
        let mut svg = Svg::default();
        let nums = |r: &IntervalRow| [finite(r.low), finite(r.estimate), finite(r.high)];
        let drawn = self
            .rows
            .iter()
            .filter(|r| nums(r).iter().any(Option::is_some));
        let used: Vec<usize> = drawn.map(|r| r.series).collect();
        let make = |r: &IntervalRow| interval_text(r.estimate, r.low, r.high, self.decimals);
        let text = |r: &IntervalRow| r.text.clone().unwrap_or_else(|| make(r));
        let spec = RowSpec {
            head: (&self.title, self.note.as_deref(), self.size()),
            axis: &self.x,
            labels: labels(&self.rows, |r| &r.label),
            texts: self.rows.iter().map(text).collect(),
            data: data_range(self.rows.iter().flat_map(nums).flatten()),
            pad_px: 8.0,
            legend: series_entries(&self.series, &used, 0.0, Some(false)),
        };
        let rows = rows_frame(&mut svg, id, spec);
        if rows.sx.contains(0.0) {
            let (x, r, grey) = (rows.sx.px(0.0), rows.r, r##"stroke="#555555""##);
            svg.line((x, r.y), (x, r.bottom()), grey);
        }
        let rad = (rows.row_h * 0.18).clamp(1.5, 4.5);
        for (row, &y) in self.rows.iter().zip(&rows.ys) {
            let ([lo, est, hi], c) = (nums(row), colour(row.series));
            whisker(&mut svg, &rows, y, (lo, est, hi), c);
            if let Some(e) = est {
                svg.circle((rows.sx.px(e), y), rad, &format!("fill=\"{c}\""));
            }
        }
        svg.end();
        svg.0
    }
}

impl Panel for TornadoChart {
    fn size(&self) -> (f64, f64) {
        row_size(self.width, self.height, self.rows.len())
    }

    fn fragment(&self, id: &str) -> String {
        let mut svg = Svg::default();
        let names = [
            (&self.low_label, "low setting"),
            (&self.high_label, "high setting"),
        ];
        let names = names.map(|(s, d)| if s.is_empty() { d } else { s.as_str() });
        let ends = self.rows.iter().flat_map(|r| [&r.low_text, &r.high_text]);
        let outcomes = self.rows.iter().flat_map(|r| [r.low, r.high]);
        let spec = RowSpec {
            head: (&self.title, self.note.as_deref(), self.size()),
            axis: &self.x,
            labels: labels(&self.rows, |r| &r.label),
            texts: Vec::new(),
            data: data_range(outcomes.chain([self.baseline])),
            pad_px: widest(ends.map(String::as_str), TICK) + 8.0,
            legend: (0..2)
                .map(|i| Entry(names[i], PALETTE[i], 0.85, None))
                .collect(),
        };
        let rows = rows_frame(&mut svg, id, spec);
        let (x0, bar, mut texts) = (rows.sx.px(self.baseline), rows.row_h * 0.36, Vec::new());
        let fs = (bar * 0.95).clamp(6.0, TICK);
        let base = self.baseline.is_finite();
        for (row, &y) in self.rows.iter().zip(&rows.ys).filter(|_| base) {
            let bars = [(row.low, &row.low_text), (row.high, &row.high_text)];
            for (i, (v, text)) in bars.into_iter().enumerate().filter(|b| b.1.0.is_finite()) {
                // low bar in the upper half of the row, high bar in the lower half
                let (x, y0) = (rows.sx.px(v), if i == 0 { y - bar - 1.0 } else { y + 1.0 });
                svg.rect((x0, y0), (x, y0 + bar), &fill(PALETTE[i], 0.85));
                let (tx, anchor) = if x >= x0 {
                    (x + 4.0, "start")
                } else {
                    (x - 4.0, "end")
                };
                texts.push(((tx, y0 + bar / 2.0 + fs * 0.35), anchor, text));
            }
        }
        if base {
            let (r, ink) = (rows.r, r##"stroke="#000000" stroke-width="1.5""##);
            svg.line((x0, r.y), (x0, r.bottom()), ink);
        }
        svg.end();
        for (at, anchor, text) in texts {
            svg.text(at, fs, anchor, text);
        }
        svg.0
    }
}

impl Panel for BarChart {
    fn size(&self) -> (f64, f64) {
        row_size(self.width, self.height, self.rows.len())
    }

    fn fragment(&self, id: &str) -> String {
        let mut svg = Svg::default();
        let reference = self.reference.as_ref().filter(|r| r.value.is_finite());
        let drawn = self.rows.iter().filter(|r| r.value.is_finite());
        let used: Vec<usize> = drawn.map(|r| r.series).collect();
        let make = |r: &BarRow| interval_text(Some(r.value), r.low, r.high, self.decimals);
        let text = |r: &BarRow| r.text.clone().unwrap_or_else(|| make(r));
        let nums = self
            .rows
            .iter()
            .flat_map(|r| [Some(r.value), r.low, r.high]);
        let nums = nums.flatten().chain(reference.map(|r| r.value));
        let spec = RowSpec {
            head: (&self.title, self.note.as_deref(), self.size()),
            axis: &self.x,
            labels: labels(&self.rows, |r| &r.label),
            texts: self.rows.iter().map(text).collect(),
            data: data_range(nums.chain([0.0])),
            pad_px: 0.0,
            legend: series_entries(&self.series, &used, 0.85, None),
        };
        let rows = rows_frame(&mut svg, id, spec);
        let (x0, half) = (rows.sx.px(0.0), rows.row_h * 0.3);
        for (row, &y) in self.rows.iter().zip(&rows.ys) {
            let v = Some(row.value).filter(|v| v.is_finite());
            if let Some(v) = v {
                let style = fill(colour(row.series), 0.85);
                svg.rect((x0, y - half), (rows.sx.px(v), y + half), &style);
            }
            let span = (finite(row.low), v, finite(row.high));
            whisker(&mut svg, &rows, y, span, "#000000");
        }
        let reference = reference.filter(|r| rows.sx.contains(r.value));
        if let Some(rf) = reference {
            let (x, r, style) = (rows.sx.px(rf.value), rows.r, dashed("reference", "#000000"));
            svg.line((x, r.y), (x, r.bottom()), &style);
        }
        svg.end();
        if let Some(rf) = reference {
            let label = vec![(rows.sx.px(rf.value), rf.label.as_str(), "#000000")];
            lane_labels(&mut svg, rows.r, rows.r.y - 4.0, label);
        }
        svg.0
    }
}
