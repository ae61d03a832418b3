//! Shared SVG machinery of the plotting core: escaped text, number and
//! coordinate formatting, nice ticks, scales, the fragment writer, axes,
//! legend, in-place labels and the document wrapper. It knows nothing of the
//! public chart types.

use std::fmt::{self, Write as _};

const CHAR_W: f64 = 0.6; // average glyph advance as a fraction of the font size
pub(super) const TICK: f64 = 11.0; // font size of ticks and in-place labels [px]
pub(super) const LABEL: f64 = 12.0; // font size of axis titles, legends and row texts [px]
const GRID: &str = r##"stroke="#e4e4e4" stroke-width="1""##;
const INK: &str = r##"stroke="#000000" stroke-width="1""##;
pub(super) const HALO: &str =
    r##" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##;

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}
pub(super) use w;

// ---------------------------------------------------------------- core: text and numbers

/// Coordinate printer: at most 2 decimals, clamped to ±1e6, never NaN or inf.
pub(super) struct F(pub(super) f64);

impl fmt::Display for F {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let s = format!("{:.2}", v.clamp(-1e6, 1e6));
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(if s == "-0" { "0" } else { s })
    }
}

/// XML-escapes text; drops characters XML 1.0 forbids, turns tabs and newlines into spaces.
pub(super) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' | '\n' | '\r' => o.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => o.push(c),
        }
    }
    o
}

/// Estimated width of `s` at font `size` \[px\].
pub(super) fn text_px(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * CHAR_W
}

pub(super) fn widest<'a>(texts: impl IntoIterator<Item = &'a str>, size: f64) -> f64 {
    let w = texts.into_iter().map(|s| text_px(s, size));
    w.fold(0.0, f64::max)
}

/// Shortens `s` by chars (ending in "…") so it fits `max_px` at font `size`.
pub(super) fn fit(s: &str, max_px: f64, size: f64) -> String {
    let max = (max_px / (size * CHAR_W)).floor().max(1.0) as usize;
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).chain(['…']).collect()
}

pub(super) fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    let zero = s.chars().all(|c| matches!(c, '-' | '0' | '.'));
    let s = if zero { s.trim_start_matches('-') } else { &s };
    s.replace('-', "\u{2212}")
}

pub(super) fn sci(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let trimmed = m.trim_end_matches('0').trim_end_matches('.');
    let m = if m.contains('.') { trimmed } else { m };
    format!("{m}e{e}").replace('-', "\u{2212}")
}

pub(super) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

pub(super) fn data_range(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let fin = vals.into_iter().filter(|v| v.is_finite());
    fin.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((a, b)) => Some((v.min(a), v.max(b))),
    })
}

// ---------------------------------------------------------------- core: scales and ticks

/// A resolved axis range with its tick values and labels.
pub(super) struct Ticks {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) values: Vec<f64>,
    pub(super) labels: Vec<String>,
}

/// Resolves an axis range (the explicit ends `min` and `max` win; `zero` floors
/// non-negative data at 0) and picks nice ticks of 1, 2, 2.5 or 5 × 10^k for an axis `len` px long.
pub(super) fn nice_ticks(
    min: Option<f64>,
    max: Option<f64>,
    data: Option<(f64, f64)>,
    zero: bool,
    len: f64,
) -> Ticks {
    let (fmin, fmax) = (finite(min), finite(max));
    let (mut lo, mut hi) = data.unwrap_or((0.0, 1.0));
    if zero && lo >= 0.0 {
        lo = 0.0;
    }
    (lo, hi) = (fmin.unwrap_or(lo), fmax.unwrap_or(hi));
    if lo > hi {
        match (fmin, fmax) {
            (Some(_), None) => hi = lo,
            (None, Some(_)) => lo = hi,
            _ => (lo, hi) = (hi, lo),
        }
    }
    // widen empty or numerically zero-width ranges; half spans never overflow
    let (mag, half) = (lo.abs().max(hi.abs()), hi * 0.5 - lo * 0.5);
    if !(half > mag * 5e-10) || half < 1e-280 {
        let d = if mag > 1e-280 { mag * 0.05 } else { 0.5 };
        let wide = ((lo - d).max(-f64::MAX), (hi + d).min(f64::MAX));
        (lo, hi) = if zero && lo == 0.0 { (0.0, 1.0) } else { wide };
    }
    let target = (len / 60.0).clamp(2.0, 10.0);
    let raw = ((hi * 0.5 - lo * 0.5) / (target * 0.5)).min(5e307);
    let mut k = raw.log10().floor() as i32;
    let m10 = match raw / 10f64.powi(k) {
        f if f <= 1.0 => 10,
        f if f <= 2.0 => 20,
        f if f <= 2.5 => 25,
        f if f <= 5.0 => 50,
        _ => {
            k += 1;
            10
        }
    };
    let step = f64::from(m10) / 10.0 * 10f64.powi(k);
    let snap = |v: f64, round: fn(f64) -> f64| {
        let s = round(v / step) * step;
        if s.is_finite() { s } else { v }
    };
    let lo = fmin.unwrap_or_else(|| snap(lo + step * 1e-9, f64::floor));
    let hi = fmax.unwrap_or_else(|| snap(hi - step * 1e-9, f64::ceil));
    let (i0, i1) = ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor());
    let n = (i1 - i0 + 1.0).clamp(0.0, 61.0) as usize;
    let tick = |i: usize| (i0 + i as f64) * step;
    let clean = |v: f64| if v.abs() < step * 1e-9 { 0.0 } else { v };
    let values: Vec<f64> = (0..n).map(|i| clean(tick(i))).collect();
    let max_abs = values.iter().fold(step, |a, v| a.max(v.abs()));
    let extra = i32::from(m10 == 25);
    let sci_digits = (max_abs.log10().floor() as i32 - k + extra).clamp(0, 15);
    let label = |&v: &f64| match max_abs >= 1e6 || k < -4 {
        true => sci(v, sci_digits as usize),
        false => fixed(v, (extra - k).clamp(0, 15) as usize),
    };
    let labels = values.iter().map(label).collect();
    Ticks {
        lo,
        hi,
        values,
        labels,
    }
}

/// Linear map from data (d0, d1) to pixels (r0, r1), clamped to ±1e6 px.
#[derive(Clone, Copy)]
pub(super) struct Scale((f64, f64), (f64, f64));

impl Scale {
    pub(super) fn new(t: &Ticks, r0: f64, r1: f64) -> Self {
        Scale((t.lo, t.hi), (r0, r1))
    }
    pub(super) fn px(&self, v: f64) -> f64 {
        let ((d0, d1), (r0, r1)) = (self.0, self.1);
        let t = (v * 0.5 - d0 * 0.5) / (d1 * 0.5 - d0 * 0.5);
        (r0 + t * (r1 - r0)).clamp(-1e6, 1e6)
    }
    pub(super) fn contains(&self, v: f64) -> bool {
        let (d0, d1) = self.0;
        v.is_finite() && v >= d0.min(d1) && v <= d0.max(d1)
    }
}

// ---------------------------------------------------------------- core: drawing

/// Plot area \[px\].
#[derive(Clone, Copy)]
pub(super) struct Rect {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Rect {
    pub(super) fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        let (w, h) = (w.max(20.0), h.max(20.0));
        Rect { x, y, w, h }
    }
    pub(super) fn right(&self) -> f64 {
        self.x + self.w
    }
    pub(super) fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// SVG fragment writer; `style` arguments are trusted attribute strings.
#[derive(Default)]
pub(super) struct Svg(pub(super) String);

pub(super) type Pt = (f64, f64);

impl Svg {
    pub(super) fn line(&mut self, (x1, y1): Pt, (x2, y2): Pt, style: &str) {
        let (x1, y1, x2, y2) = (F(x1), F(y1), F(x2), F(y2));
        let s = &mut self.0;
        w!(
            s,
            "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" {style}/>\n"
        );
    }
    pub(super) fn rect(&mut self, (x1, y1): Pt, (x2, y2): Pt, style: &str) {
        let (x, y) = (F(x1.min(x2)), F(y1.min(y2)));
        let (w, h) = (F((x2 - x1).abs()), F((y2 - y1).abs()));
        let s = &mut self.0;
        w!(
            s,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" {style}/>\n"
        );
    }
    pub(super) fn circle(&mut self, (x, y): Pt, r: f64, extra: &str) {
        let (x, y, r) = (F(x), F(y), F(r));
        w!(
            self.0,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" {extra}/>\n"
        );
    }
    pub(super) fn path(&mut self, pts: &[Pt], close: bool, style: &str) {
        self.0.push_str("<path d=\"");
        for (i, &(x, y)) in pts.iter().enumerate() {
            let cmd = if i == 0 { "M" } else { " L" };
            w!(self.0, "{cmd}{} {}", F(x), F(y));
        }
        let z = if close { " Z" } else { "" };
        w!(self.0, "{z}\" {style}/>\n");
    }
    pub(super) fn text(&mut self, at: Pt, size: f64, anchor: &str, s: &str) {
        self.text_with(at, size, anchor, "", s);
    }
    pub(super) fn text_with(&mut self, (x, y): Pt, size: f64, anchor: &str, extra: &str, s: &str) {
        let (x, y, size, s) = (F(x), F(y), F(size), esc(s));
        let a = format!("x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{anchor}\"");
        w!(self.0, "<text {a}{extra}>{s}</text>\n");
    }
    /// Opens a group clipped to `r` (2 px slack); close it with `end`.
    pub(super) fn clip(&mut self, id: &str, r: Rect) {
        let (x, y, w, h) = (F(r.x - 2.0), F(r.y - 2.0), F(r.w + 4.0), F(r.h + 4.0));
        let (id, rect) = (
            safe_id(id),
            format!("x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\""),
        );
        w!(
            self.0,
            "<clipPath id=\"{id}clip\"><rect {rect}/></clipPath>\n"
        );
        w!(self.0, "<g clip-path=\"url(#{id}clip)\">\n");
    }
    pub(super) fn end(&mut self) {
        self.0.push_str("</g>\n");
    }
}

pub(super) fn stroke(colour: &str, width: f64, dashed: bool) -> String {
    let dash = if dashed {
        r#" stroke-dasharray="6 4""#
    } else {
        ""
    };
    let w = F(width);
    format!("fill=\"none\" stroke=\"{colour}\" stroke-width=\"{w}\"{dash}")
}

/// Dashed 1.2 px line style with a class for markers and reference lines.
pub(super) fn dashed(class: &str, colour: &str) -> String {
    format!("class=\"{class}\" {}", stroke(colour, 1.2, true))
}

pub(super) fn fill(colour: &str, opacity: f64) -> String {
    format!("fill=\"{colour}\" fill-opacity=\"{}\"", F(opacity))
}

pub(super) fn document(w: f64, h: f64, body: &str) -> String {
    let (w, h) = (F(w.max(1.0)), F(h.max(1.0)));
    let font = "DejaVu Sans, Helvetica, Arial, sans-serif";
    let size = format!("width=\"{w}\" height=\"{h}\"");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" {size} \
         viewBox=\"0 0 {w} {h}\" font-family=\"{font}\">\n\
         <rect {size} fill=\"#ffffff\"/>\n{body}</svg>\n"
    )
}

fn safe_id(id: &str) -> String {
    let ok = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
    let s: String = id.chars().filter(ok).collect();
    match s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        true => s,
        false => format!("p{s}"),
    }
}

/// A document dimension \[px\]: `v` clamped to 160..=20000, or `default` when invalid.
pub(super) fn dim(v: f64, default: f64) -> f64 {
    let ok = v.is_finite() && v > 0.0;
    if ok { v.clamp(160.0, 20000.0) } else { default }
}

/// Draws title and note; returns the y where the content below may start \[px\].
pub(super) fn header(svg: &mut Svg, w: f64, title: &str, note: Option<&str>) -> f64 {
    let mut y = 10.0;
    if !title.is_empty() {
        let bold = r#" font-weight="bold""#;
        svg.text_with(
            (w / 2.0, 24.0),
            16.0,
            "middle",
            bold,
            &fit(title, w - 60.0, 16.0),
        );
        y = 32.0;
    }
    if let Some(n) = note.filter(|n| !n.is_empty()) {
        let style = r##" font-style="italic" fill="#444444""##;
        let at = (w / 2.0, y + 12.0);
        svg.text_with(at, LABEL, "middle", style, &fit(n, w - 40.0, LABEL));
        y += 18.0;
    }
    y + 8.0
}

pub(super) fn labels_px(t: &Ticks) -> f64 {
    widest(t.labels.iter().map(String::as_str), TICK)
}

/// Bottom axis: gridlines, ticks, labels (thinned so they never touch) and a
/// title centred on the plot that may use `room` px.
pub(super) fn x_axis(svg: &mut Svg, r: Rect, t: &Ticks, s: &Scale, title: &str, room: f64) {
    let gap = match t.values.as_slice() {
        [a, b, ..] => (s.px(*b) - s.px(*a)).abs().max(1.0),
        _ => r.w,
    };
    let every = ((labels_px(t) + 10.0) / gap).ceil().max(1.0) as usize;
    let y = r.bottom();
    for (i, (&v, label)) in t.values.iter().zip(&t.labels).enumerate() {
        let x = s.px(v);
        svg.line((x, r.y), (x, y), GRID);
        svg.line((x, y), (x, y + 4.0), INK);
        if i % every == 0 {
            svg.text((x, y + 16.0), TICK, "middle", label);
        }
    }
    svg.line((r.x, y), (r.right(), y), INK);
    let at = (r.x + r.w / 2.0, y + 36.0);
    svg.text(at, LABEL, "middle", &fit(title, room, LABEL));
}

/// Left axis: gridlines, ticks, labels and the rotated title.
pub(super) fn y_axis(svg: &mut Svg, r: Rect, t: &Ticks, s: &Scale, title: &str) {
    for (&v, label) in t.values.iter().zip(&t.labels) {
        let y = s.px(v);
        svg.line((r.x, y), (r.right(), y), GRID);
        svg.line((r.x - 4.0, y), (r.x, y), INK);
        svg.text((r.x - 6.0, y + 4.0), TICK, "end", label);
    }
    svg.line((r.x, r.y), (r.x, r.bottom()), INK);
    let (x, y) = (r.x - labels_px(t) - 14.0, r.y + r.h / 2.0);
    let rot = format!(" transform=\"rotate(-90 {} {})\"", F(x), F(y));
    svg.text_with((x, y), LABEL, "middle", &rot, &fit(title, r.h, LABEL));
}

/// Double-slash mark near the bottom of the y axis: the axis does not start at zero.
pub(super) fn axis_break(svg: &mut Svg, r: Rect) {
    let (x, y) = (r.x, r.bottom() - 10.0);
    svg.0.push_str("<g class=\"axis-break\">\n");
    svg.rect(
        (x - 7.0, y - 4.0),
        (x + 7.0, y + 4.0),
        r##"fill="#ffffff""##,
    );
    let ink = stroke("#000000", 1.5, false);
    svg.path(&[(x - 7.0, y - 1.0), (x + 7.0, y - 6.0)], false, &ink);
    svg.path(&[(x - 7.0, y + 6.0), (x + 7.0, y + 1.0)], false, &ink);
    svg.end();
}

/// One legend entry: label, colour, swatch fill opacity (0 = none) and
/// swatch line (`Some(dashed)`).
pub(super) struct Entry<'a>(
    pub(super) &'a str,
    pub(super) &'static str,
    pub(super) f64,
    pub(super) Option<bool>,
);

/// Lays out and, with `svg`, draws a legend at `at`: one column, or rows
/// wrapped at `max_w` when `across`. Past `max_h` it ends in "+N more".
/// Returns the height used \[px\].
pub(super) fn legend(
    svg: Option<&mut Svg>,
    at: Pt,
    entries: &[Entry],
    max_w: f64,
    max_h: f64,
    across: bool,
) -> f64 {
    let (mut out, mut dx, mut dy) = (Svg::default(), 0.0, 0.0);
    for (i, Entry(label, c, opacity, line)) in entries.iter().enumerate() {
        let label = fit(label, max_w - 28.0, LABEL);
        let w = 46.0 + text_px(&label, LABEL);
        if across && dx > 0.0 && dx + w > max_w {
            (dx, dy) = (0.0, dy + 18.0);
        }
        let (x, y) = (at.0 + dx, at.1 + dy);
        if dy + 36.0 > max_h && i + 1 < entries.len() {
            let more = format!("+{} more", entries.len() - i);
            out.text((x, y + 4.0), LABEL, "start", &more);
            break;
        }
        if *opacity > 0.0 {
            out.rect((x, y - 6.0), (x + 22.0, y + 6.0), &fill(c, *opacity));
        }
        if let Some(dashed) = line {
            out.line((x, y), (x + 22.0, y), &stroke(c, 2.0, *dashed));
        }
        out.text((x + 28.0, y + 4.0), LABEL, "start", &label);
        (dx, dy) = if across {
            (dx + w, dy)
        } else {
            (dx, dy + 18.0)
        };
    }
    if let Some(svg) = svg {
        svg.0.push_str(&out.0);
    }
    if entries.is_empty() { 0.0 } else { dy + 18.0 }
}

/// Post-step expansion: each y holds until the next x.
pub(super) fn post_step(pts: &[Pt]) -> Vec<Pt> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    for (i, &(x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push((x, pts[i - 1].1));
        }
        out.push((x, y));
    }
    out
}

/// In-place labels (x, text, colour) from baseline `y0`, stacked in up to 4
/// lanes of 13 px so that they do not overlap; each sits right of its x, or
/// left when it would leave the plot.
pub(super) fn lane_labels(svg: &mut Svg, r: Rect, y0: f64, mut items: Vec<(f64, &str, &str)>) {
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lanes: Vec<f64> = Vec::new();
    for (x, text, c) in items {
        let label = fit(text, r.w, TICK);
        let w = text_px(&label, TICK);
        let right = x + 4.0 + w <= r.right();
        let (start, anchor, tx) = match right {
            true => (x, "start", x + 4.0),
            false => (x - w - 8.0, "end", x - 4.0),
        };
        let free = lanes.iter().position(|&end| end < start);
        let lane = free.unwrap_or(lanes.len().min(3));
        if lane == lanes.len() {
            lanes.push(0.0);
        }
        lanes[lane] = start + w + 8.0;
        let style = format!(" fill=\"{c}\"{HALO}");
        svg.text_with((tx, y0 + 13.0 * lane as f64), TICK, anchor, &style, &label);
    }
}
