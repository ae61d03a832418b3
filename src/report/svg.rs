//! Dependency-free SVG line charts.
//!
//! [`LineChart`] renders one or more [`Series`] as a standalone SVG 1.1
//! document with axes, "nice" ticks (steps of 1, 2, 2.5 or 5 × 10^k), axis
//! titles, a title, a legend, optional vertical markers (for example
//! saturation points) and an optional dashed horizontal reference line (for
//! example a latency threshold). [`grid`] lays several charts out as small
//! multiples in a single document.
//!
//! Series colours come from the colour-blind-safe Okabe–Ito palette and cycle
//! by series index (see [`colour`]). Non-finite points are skipped, every piece
//! of text is XML-escaped, and the output never contains `NaN` or `inf`.
//!
//! # Example
//!
//! ```
//! use silkrail::report::svg::{LineChart, Series, VerticalMarker};
//!
//! let chart = LineChart {
//!     title: "Throughput vs offered load".into(),
//!     x_label: "offered load (req/s)".into(),
//!     y_label: "throughput (req/s)".into(),
//!     series: vec![Series::new("baseline", vec![(0.0, 0.0), (100.0, 95.0), (200.0, 120.0)])],
//!     markers: vec![VerticalMarker { x: 150.0, label: "saturation".into(), series: 0 }],
//!     horizontal_line: Some((110.0, "target".into())),
//!     ..LineChart::default()
//! };
//! let svg = chart.to_svg();
//! assert!(svg.starts_with("<?xml"));
//! assert!(svg.contains("saturation"));
//! ```

use std::fmt::Write as _;

/// Appends one formatted line to a `String`; writing to a `String` cannot fail.
macro_rules! emit {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Okabe–Ito palette, ordered so that the first colours contrast well on white.
const PALETTE: [&str; 8] = [
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#009E73", // bluish green
    "#CC79A7", // reddish purple
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#000000", // black
    "#F0E442", // yellow (last: low contrast on white)
];

const FONT_FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";
const TICK_FONT: f64 = 11.0;
const TITLE_FONT: f64 = 15.0;
const AXIS_TITLE_FONT: f64 = 12.0;
/// Average glyph width as a fraction of the font size (deliberately generous).
const CHAR_WIDTH: f64 = 0.6;
/// Data values are clamped to this magnitude so that spans stay finite.
const VALUE_LIMIT: f64 = 1e300;
/// Pixel coordinates are clamped to this magnitude (points far outside the
/// plot are clipped anyway).
const PIXEL_LIMIT: f64 = 1e6;
const MIN_WIDTH: u32 = 240;
const MIN_HEIGHT: u32 = 160;
const SERIES_DASH: &str = "7 4";
const MARKER_DASH: &str = "4 3";
const HLINE_DASH: &str = "6 4";

/// Returns the palette colour (a `#RRGGBB` string) used for series `index`.
///
/// The palette is the eight-colour Okabe–Ito set; indices wrap around.
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One line of a [`LineChart`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Legend text; an empty label is shown as "series N".
    pub label: String,
    /// Data points `(x, y)`, drawn in the given order. Points with a
    /// non-finite coordinate are skipped.
    pub points: Vec<(f64, f64)>,
    /// Draw as a post-step function (horizontal, then vertical), as for an
    /// empirical CDF. Points should then be sorted by `x`.
    pub step: bool,
    /// Draw with a dashed stroke instead of a solid one.
    pub dashed: bool,
}

impl Series {
    /// A solid, non-step series with the given label and points.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            step: false,
            dashed: false,
        }
    }
}

/// A dashed vertical line at `x`, labelled near the top of the plot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerticalMarker {
    /// Position on the x axis; markers outside the x range are not drawn.
    pub x: f64,
    /// Label drawn (rotated) next to the line near the top of the plot.
    pub label: String,
    /// Index of the series whose colour the marker uses (wraps around the
    /// palette like series colours; it need not refer to an existing series).
    pub series: usize,
}

/// A line chart rendered to SVG by [`LineChart::to_svg`].
///
/// Construct it with struct-update syntax from [`LineChart::default`]
/// (720 × 420 pixels, no series, automatic ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Chart title, centred at the top (omitted when empty).
    pub title: String,
    /// Title of the x axis (omitted when empty).
    pub x_label: String,
    /// Title of the y axis, drawn rotated (omitted when empty).
    pub y_label: String,
    /// The series to draw; colours follow the series index.
    pub series: Vec<Series>,
    /// Vertical markers, e.g. saturation points.
    pub markers: Vec<VerticalMarker>,
    /// A horizontal reference line `(y, label)`, e.g. a threshold, drawn
    /// dashed grey with its label at the right end. With an automatic y
    /// range, the range is extended to include it.
    pub horizontal_line: Option<(f64, String)>,
    /// Fixed x range `(min, max)`. `None` (or a non-finite pair) means: from
    /// the data, widened outwards to the nearest tick values.
    pub x_range: Option<(f64, f64)>,
    /// Fixed y range `(min, max)`. `None` (or a non-finite pair) means: from
    /// the data, widened outwards to the nearest tick values, starting at 0
    /// when all y values are non-negative.
    pub y_range: Option<(f64, f64)>,
    /// Width of the document in pixels (at least 240 is used).
    pub width: u32,
    /// Height of the document in pixels (at least 160 is used).
    pub height: u32,
}

impl Default for LineChart {
    fn default() -> Self {
        LineChart {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            series: Vec::new(),
            markers: Vec::new(),
            horizontal_line: None,
            x_range: None,
            y_range: None,
            width: 720,
            height: 420,
        }
    }
}

impl LineChart {
    /// Renders the chart as a standalone SVG 1.1 document.
    ///
    /// Never panics. A chart without any finite point still gets axes and a
    /// "no data" note.
    pub fn to_svg(&self) -> String {
        let (w, h) = self.size();
        let mut out = String::new();
        document_start(&mut out, w, h);
        self.render_into(&mut out, "silkrail-plot-0");
        out.push_str("</svg>\n");
        out
    }

    /// Effective pixel size after applying the minimums.
    fn size(&self) -> (f64, f64) {
        (
            f64::from(self.width.max(MIN_WIDTH)),
            f64::from(self.height.max(MIN_HEIGHT)),
        )
    }

    /// Writes the chart as a `<g>` element with its origin at (0, 0).
    /// `clip_id` must be unique within the document.
    fn render_into(&self, out: &mut String, clip_id: &str) {
        let (w, h) = self.size();

        // Finite data, clamped so that all arithmetic below stays finite.
        let data: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .map(|&(x, y)| (clamp_value(x), clamp_value(y)))
                    .collect()
            })
            .collect();
        let has_data = data.iter().any(|p| !p.is_empty());
        let hline = self
            .horizontal_line
            .as_ref()
            .filter(|(v, _)| v.is_finite())
            .map(|(v, label)| (clamp_value(*v), label.as_str()));

        let x_extent = extent(data.iter().flatten().map(|p| p.0));
        let y_extent = extent(
            data.iter()
                .flatten()
                .map(|p| p.1)
                .chain(hline.map(|(v, _)| v)),
        );
        let x_axis = axis_for(self.x_range, x_extent, false);
        let y_axis = axis_for(self.y_range, y_extent, true);

        // Layout.
        let cw = TICK_FONT * CHAR_WIDTH;
        let legend = LegendLayout::new(&self.series, w, cw);
        let y_tick_w = y_axis
            .ticks
            .iter()
            .map(|t| t.1.chars().count())
            .max()
            .unwrap_or(1) as f64
            * cw;
        let left = 10.0 + if self.y_label.is_empty() { 0.0 } else { 20.0 } + y_tick_w + 9.0;
        let top = if self.title.is_empty() { 16.0 } else { 40.0 };
        let x_title_h = if self.x_label.is_empty() { 0.0 } else { 22.0 };
        let bottom = 9.0
            + 14.0
            + x_title_h
            + 8.0
            + if legend.beside {
                0.0
            } else {
                legend.height + 6.0
            };
        let last_x_half = x_axis
            .ticks
            .last()
            .map_or(0.0, |t| t.1.chars().count() as f64 * cw / 2.0);
        let right = if legend.beside && !legend.entries.is_empty() {
            (legend.width + 22.0).max(last_x_half + 6.0)
        } else {
            (last_x_half + 6.0).max(16.0)
        };
        let x0 = left;
        let x1 = (w - right).max(x0 + 40.0);
        let y0 = top;
        let y1 = (h - bottom).max(y0 + 40.0);
        let px = |x: f64| clamp_pixel(x0 + (x - x_axis.lo) / (x_axis.hi - x_axis.lo) * (x1 - x0));
        let py = |y: f64| clamp_pixel(y1 - (y - y_axis.lo) / (y_axis.hi - y_axis.lo) * (y1 - y0));

        emit!(
            out,
            r##"<g font-family="{FONT_FAMILY}" font-size="{}" fill="#222222">"##,
            num(TICK_FONT)
        );
        emit!(
            out,
            r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
            num(w),
            num(h)
        );

        // Title.
        if !self.title.is_empty() {
            let max_chars = ((w - 20.0) / (TITLE_FONT * CHAR_WIDTH)).max(4.0) as usize;
            emit!(
                out,
                r#"<text x="{}" y="24" font-size="{}" font-weight="bold" text-anchor="middle">{}</text>"#,
                num(w / 2.0),
                num(TITLE_FONT),
                esc(&truncate(&self.title, max_chars))
            );
        }

        // Grid lines.
        out.push_str("<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n");
        for (v, _) in &x_axis.ticks {
            let x = num(px(*v));
            emit!(
                out,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                num(y0),
                num(y1)
            );
        }
        for (v, _) in &y_axis.ticks {
            let y = num(py(*v));
            emit!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                num(x0),
                num(x1)
            );
        }
        out.push_str("</g>\n");

        // Series, clipped to the plot area.
        emit!(
            out,
            r#"<defs><clipPath id="{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
            esc(clip_id),
            num(x0 - 1.0),
            num(y0 - 1.0),
            num(x1 - x0 + 2.0),
            num(y1 - y0 + 2.0)
        );
        emit!(
            out,
            r#"<g clip-path="url(#{})" fill="none" stroke-width="2" stroke-linejoin="round">"#,
            esc(clip_id)
        );
        for (i, (series, points)) in self.series.iter().zip(&data).enumerate() {
            let dash = if series.dashed {
                format!(r#" stroke-dasharray="{SERIES_DASH}""#)
            } else {
                String::new()
            };
            if points.len() == 1 {
                let (x, y) = points[0];
                emit!(
                    out,
                    r#"<circle cx="{}" cy="{}" r="3" fill="{}" stroke="none"/>"#,
                    num(px(x)),
                    num(py(y)),
                    colour(i)
                );
                continue;
            }
            if points.is_empty() {
                continue;
            }
            let mut coords = Polyline::default();
            let mut prev: Option<(f64, f64)> = None;
            for &(x, y) in points {
                if let (true, Some((_, prev_y))) = (series.step, prev) {
                    coords.push(px(x), py(prev_y));
                }
                coords.push(px(x), py(y));
                prev = Some((x, y));
            }
            emit!(
                out,
                r#"<polyline points="{}" stroke="{}"{dash}/>"#,
                coords.text,
                colour(i)
            );
        }
        out.push_str("</g>\n");

        // Horizontal reference line.
        if let Some((v, label)) = hline
            && v >= y_axis.lo
            && v <= y_axis.hi
        {
            let y = py(v);
            emit!(
                out,
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666666" stroke-width="1.5" stroke-dasharray="{HLINE_DASH}"/>"##,
                num(x0),
                num(y),
                num(x1),
                num(y)
            );
            if !label.is_empty() {
                let max_chars = ((x1 - x0 - 8.0) / cw).max(4.0) as usize;
                let label = truncate(label, max_chars);
                let tw = label.chars().count() as f64 * cw;
                // Above the line, unless that would leave the plot area.
                let base = if y - 17.0 < y0 { y + 14.0 } else { y - 5.0 };
                label_with_background(out, x1 - 4.0, base, tw, "#444444", &label, None);
            }
        }

        // Vertical markers.
        for marker in &self.markers {
            if !marker.x.is_finite() || marker.x < x_axis.lo || marker.x > x_axis.hi {
                continue;
            }
            let x = px(marker.x);
            let c = colour(marker.series);
            emit!(
                out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{c}" stroke-width="1.5" stroke-dasharray="{MARKER_DASH}"/>"#,
                num(x),
                num(y0),
                num(x),
                num(y1)
            );
            if !marker.label.is_empty() {
                let max_chars = ((y1 - y0 - 12.0) / cw).max(4.0) as usize;
                let label = truncate(&marker.label, max_chars);
                let tw = label.chars().count() as f64 * cw;
                // Text rotated by -90°: glyphs sit left of the baseline. Put
                // the label right of the line unless it would leave the plot.
                let ax = if x + 16.0 <= x1 { x + 13.0 } else { x - 5.0 };
                let ay = y0 + 6.0;
                label_with_background(out, ax, ay, tw, c, &label, Some(-90.0));
            }
        }

        // Axes, ticks and tick labels.
        out.push_str("<g stroke=\"#333333\" stroke-width=\"1\">\n");
        emit!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(x0),
            num(y1),
            num(x1),
            num(y1)
        );
        emit!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(x0),
            num(y0),
            num(x0),
            num(y1)
        );
        for (v, _) in &x_axis.ticks {
            let x = num(px(*v));
            emit!(
                out,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                num(y1),
                num(y1 + 5.0)
            );
        }
        for (v, _) in &y_axis.ticks {
            let y = num(py(*v));
            emit!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                num(x0 - 5.0),
                num(x0)
            );
        }
        out.push_str("</g>\n");

        // Label every n-th x tick so that labels never overlap.
        let x_label_w = x_axis
            .ticks
            .iter()
            .map(|t| t.1.chars().count())
            .max()
            .unwrap_or(1) as f64
            * cw;
        let spacing = if x_axis.ticks.len() > 1 {
            (x1 - x0) * (x_axis.ticks[1].0 - x_axis.ticks[0].0) / (x_axis.hi - x_axis.lo)
        } else {
            x1 - x0
        };
        let stride = if spacing > 0.0 {
            ((x_label_w + 8.0) / spacing).ceil().clamp(1.0, 8.0) as usize
        } else {
            1
        };
        out.push_str("<g text-anchor=\"middle\">\n");
        for (v, label) in x_axis.ticks.iter().step_by(stride) {
            emit!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                num(px(*v)),
                num(y1 + 19.0),
                esc(label)
            );
        }
        out.push_str("</g>\n<g text-anchor=\"end\">\n");
        for (v, label) in &y_axis.ticks {
            emit!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                num(x0 - 8.0),
                num(py(*v) + 4.0),
                esc(label)
            );
        }
        out.push_str("</g>\n");

        // Axis titles.
        if !self.x_label.is_empty() {
            let max_chars = ((x1 - x0) / (AXIS_TITLE_FONT * CHAR_WIDTH)).max(4.0) as usize;
            emit!(
                out,
                r#"<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text>"#,
                num((x0 + x1) / 2.0),
                num(y1 + 40.0),
                num(AXIS_TITLE_FONT),
                esc(&truncate(&self.x_label, max_chars))
            );
        }
        if !self.y_label.is_empty() {
            let max_chars = ((y1 - y0) / (AXIS_TITLE_FONT * CHAR_WIDTH)).max(4.0) as usize;
            let (ax, ay) = (num(23.0), num((y0 + y1) / 2.0));
            emit!(
                out,
                r#"<text x="{ax}" y="{ay}" font-size="{}" text-anchor="middle" transform="rotate(-90 {ax} {ay})">{}</text>"#,
                num(AXIS_TITLE_FONT),
                esc(&truncate(&self.y_label, max_chars))
            );
        }

        // Legend: beside the plot on the right, or below the x axis title.
        if !legend.entries.is_empty() {
            let (lx, ly) = if legend.beside {
                (x1 + 14.0, y0)
            } else {
                (((w - legend.width) / 2.0).max(4.0), y1 + 31.0 + x_title_h)
            };
            emit!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#bbbbbb" stroke-width="1"/>"##,
                num(lx),
                num(ly),
                num(legend.width),
                num(legend.height)
            );
            for entry in &legend.entries {
                let (ex, cy) = (lx + entry.dx, ly + entry.dy + 9.0);
                let dash = if entry.dashed {
                    format!(r#" stroke-dasharray="{SERIES_DASH}""#)
                } else {
                    String::new()
                };
                emit!(
                    out,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{dash}/>"#,
                    num(ex),
                    num(cy),
                    num(ex + 24.0),
                    num(cy),
                    entry.colour
                );
                emit!(
                    out,
                    r#"<text x="{}" y="{}">{}</text>"#,
                    num(ex + 30.0),
                    num(cy + 4.0),
                    esc(&entry.label)
                );
            }
        }

        if !has_data {
            emit!(
                out,
                r##"<text x="{}" y="{}" font-size="14" font-style="italic" fill="#888888" text-anchor="middle">no data</text>"##,
                num((x0 + x1) / 2.0),
                num((y0 + y1) / 2.0)
            );
        }
        out.push_str("</g>\n");
    }
}

/// Renders several charts as small multiples in one SVG document, `columns`
/// charts per row (at least 1), in the order given.
///
/// Every cell has the size of the largest chart; each chart keeps its own
/// axes, title and legend. An empty slice gives a small blank document.
pub fn grid(charts: &[LineChart], columns: usize) -> String {
    let columns = columns.max(1);
    let cell_w = charts.iter().map(|c| c.size().0).fold(0.0, f64::max);
    let cell_h = charts.iter().map(|c| c.size().1).fold(0.0, f64::max);
    let rows = charts.len().div_ceil(columns);
    let used_columns = charts.len().min(columns);
    let (w, h) = if charts.is_empty() {
        (f64::from(MIN_WIDTH), f64::from(MIN_HEIGHT))
    } else {
        (cell_w * used_columns as f64, cell_h * rows as f64)
    };
    let mut out = String::new();
    document_start(&mut out, w, h);
    emit!(
        out,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        num(w),
        num(h)
    );
    for (i, chart) in charts.iter().enumerate() {
        let (col, row) = (i % columns, i / columns);
        emit!(
            out,
            r#"<g transform="translate({} {})">"#,
            num(col as f64 * cell_w),
            num(row as f64 * cell_h)
        );
        chart.render_into(&mut out, &format!("silkrail-plot-{i}"));
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// Writes the XML declaration and the opening `<svg>` tag.
fn document_start(out: &mut String, w: f64, h: f64) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    emit!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
        w = num(w),
        h = num(h)
    );
}

/// Text with a translucent white box behind it, optionally rotated about the
/// anchor point `(x, y)`, where the text ends (`text-anchor="end"`).
fn label_with_background(
    out: &mut String,
    x: f64,
    y: f64,
    text_width: f64,
    fill: &str,
    text: &str,
    rotate: Option<f64>,
) {
    let (ax, ay) = (num(x), num(y));
    match rotate {
        Some(deg) => emit!(out, r#"<g transform="rotate({} {ax} {ay})">"#, num(deg)),
        None => out.push_str("<g>\n"),
    }
    let rect_x = x - text_width - 3.0;
    emit!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" fill-opacity="0.7"/>"##,
        num(rect_x),
        num(y - TICK_FONT),
        num(text_width + 6.0),
        num(TICK_FONT + 4.0)
    );
    emit!(
        out,
        r#"<text x="{ax}" y="{ay}" fill="{fill}" text-anchor="end">{}</text>"#,
        esc(text)
    );
    out.push_str("</g>\n");
}

/// One legend entry, positioned relative to the legend box.
struct LegendEntry {
    label: String,
    colour: &'static str,
    dashed: bool,
    dx: f64,
    dy: f64,
}

/// Legend placement: a column beside the plot when it is narrow enough,
/// otherwise rows flowing below the plot.
struct LegendLayout {
    entries: Vec<LegendEntry>,
    beside: bool,
    width: f64,
    height: f64,
}

impl LegendLayout {
    const ROW: f64 = 18.0;
    /// Padding, sample line and gap before the label.
    const FIXED: f64 = 8.0 + 24.0 + 6.0 + 8.0;

    fn new(series: &[Series], chart_width: f64, cw: f64) -> Self {
        let labels: Vec<String> = series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if s.label.trim().is_empty() {
                    format!("series {}", i + 1)
                } else {
                    s.label.clone()
                }
            })
            .collect();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let beside = Self::FIXED + longest as f64 * cw <= 0.32 * chart_width;
        let max_chars = (((chart_width - 8.0 - Self::FIXED) / cw).floor() as usize).max(4);
        let mut entries = Vec::with_capacity(labels.len());
        let (mut x, mut y, mut width) = (0.0_f64, 5.0, 0.0_f64);
        for (i, (label, s)) in labels.into_iter().zip(series).enumerate() {
            let label = truncate(&label, max_chars);
            let entry_w = Self::FIXED + label.chars().count() as f64 * cw;
            if beside {
                y = 5.0 + i as f64 * Self::ROW;
                x = 0.0;
            } else if x > 0.0 && x + entry_w > chart_width - 8.0 {
                x = 0.0;
                y += Self::ROW;
            }
            entries.push(LegendEntry {
                label,
                colour: colour(i),
                dashed: s.dashed,
                dx: x + 8.0,
                dy: y,
            });
            width = width.max(x + entry_w);
            if !beside {
                x += entry_w;
            }
        }
        let height = if entries.is_empty() {
            0.0
        } else {
            y + Self::ROW + 5.0
        };
        LegendLayout {
            entries,
            beside,
            width,
            height,
        }
    }
}

/// Accumulates polyline coordinates, dropping consecutive duplicates.
#[derive(Default)]
struct Polyline {
    text: String,
    last: String,
}

impl Polyline {
    fn push(&mut self, x: f64, y: f64) {
        let point = format!("{},{}", num(x), num(y));
        if point != self.last {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(&point);
            self.last = point;
        }
    }
}

/// An axis: its range and its ticks with their labels.
#[derive(Debug)]
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, String)>,
}

/// Minimum and maximum of the values, if any.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Builds an axis from an explicit range (used as is, ticks inside it) or
/// from the data extent (snapped outwards to tick values). With `zero_base`,
/// a data range of non-negative values starts at 0.
fn axis_for(explicit: Option<(f64, f64)>, data: Option<(f64, f64)>, zero_base: bool) -> Axis {
    if let Some((a, b)) = explicit.filter(|(a, b)| a.is_finite() && b.is_finite()) {
        let (lo, hi) = widen(a, b);
        return nice_axis(lo, hi, false);
    }
    let (mut lo, hi) = data.unwrap_or((0.0, 1.0));
    if zero_base && lo >= 0.0 {
        lo = 0.0;
    }
    let (lo, hi) = widen(lo, hi);
    nice_axis(lo, hi, true)
}

/// Orders the bounds and expands a degenerate (empty or numerically
/// negligible) range symmetrically around its midpoint.
fn widen(a: f64, b: f64) -> (f64, f64) {
    let (a, b) = (clamp_value(a), clamp_value(b));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mid = lo / 2.0 + hi / 2.0;
    let scale = mid.abs();
    let span = hi - lo;
    if span > 1e-12 * scale && span > 1e-200 {
        return (lo, hi);
    }
    let d = if scale > 1e-200 { scale * 0.1 } else { 1.0 };
    (mid - d, mid + d)
}

/// Chooses a tick step of 1, 2, 2.5 or 5 × 10^k giving 4–8 ticks (ideally 6)
/// for `lo < hi`. With `snap`, the axis range becomes the outermost ticks
/// around the data; otherwise the range is kept and ticks lie inside it.
fn nice_axis(lo: f64, hi: f64, snap: bool) -> Axis {
    let fallback = || Axis {
        lo,
        hi,
        ticks: Vec::new(),
    };
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return fallback();
    }
    let k0 = span.log10().floor() as i32;
    // (score, mantissa, exponent, first index, last index)
    let mut best: Option<(f64, f64, i32, f64, f64)> = None;
    for k in (k0 - 2)..=(k0 + 1) {
        for m in [1.0, 2.0, 5.0, 2.5] {
            let step = m * 10f64.powi(k);
            if !(step > 0.0 && step.is_finite()) {
                continue;
            }
            let (a, b) = (lo / step, hi / step);
            let (ea, eb) = (1e-9 * (1.0 + a.abs()), 1e-9 * (1.0 + b.abs()));
            let (first, last) = if snap {
                ((a + ea).floor(), (b - eb).ceil())
            } else {
                ((a - ea).ceil(), (b + eb).floor())
            };
            let n = last - first + 1.0;
            let covered = (last - first) * step;
            let mut score = if (4.0..=8.0).contains(&n) {
                (n - 6.0).abs()
            } else if n < 4.0 {
                100.0 + 4.0 - n
            } else {
                100.0 + n - 8.0
            };
            // Prefer tight ranges and the rounder steps 1, 2 and 5.
            score += ((covered - span).abs() / span).min(1.0);
            if m == 2.5 {
                score += 1.0;
            }
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, m, k, first, last));
            }
        }
    }
    let Some((_, m, k, first, last)) = best else {
        return fallback();
    };
    let step = m * 10f64.powi(k);
    let (lo, hi) = if snap {
        (first * step, last * step)
    } else {
        (lo, hi)
    };
    let count = (last - first + 1.0).clamp(0.0, 64.0) as usize;
    let ticks = (0..count)
        .map(|j| {
            let i = first + j as f64;
            let v = i * step + 0.0; // `+ 0.0` turns -0.0 into 0.0
            (v, tick_label(i, m, k))
        })
        .filter(|(v, _)| v.is_finite())
        .collect();
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return fallback();
    }
    Axis { lo, hi, ticks }
}

/// Label of tick `i` for the step `m` × 10^`k`, with exactly as many decimals
/// as the step needs (so 3 × 0.1 prints as "0.3"). Very large or very small
/// steps use the form "2.5e6".
fn tick_label(i: f64, m: f64, k: i32) -> String {
    let extra: i32 = if m == 2.5 { 1 } else { 0 };
    let mantissa = i * m + 0.0;
    if mantissa == 0.0 {
        return "0".to_string();
    }
    if !(-4..=5).contains(&k) {
        return format!("{:.*}e{k}", extra as usize, mantissa);
    }
    let decimals = (extra - k).max(0) as usize;
    let value = mantissa * 10f64.powi(k) + 0.0;
    format!("{value:.decimals$}")
}

/// Clamps a finite data value so that differences of values stay finite.
fn clamp_value(v: f64) -> f64 {
    v.clamp(-VALUE_LIMIT, VALUE_LIMIT)
}

/// Clamps a pixel coordinate; infinite values map to the limits, NaN to 0.
fn clamp_pixel(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(-PIXEL_LIMIT, PIXEL_LIMIT)
    }
}

/// Formats a coordinate with at most two decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{:.2}", clamp_pixel(v));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Shortens `s` to at most `max` characters, ending with "…" when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Escapes XML special characters and drops characters that XML 1.0 does not
/// allow (control characters other than tab, newline and carriage return).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minimal well-formedness check: balanced tags, quoted attributes,
    /// escaped text and a single root element.
    fn check_well_formed(doc: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut rest = doc;
        while let Some(pos) = rest.find(['<', '&']) {
            let text = &rest[..pos];
            if text.contains('>') {
                return Err(format!("stray '>' in text {text:?}"));
            }
            if !text.trim().is_empty() && stack.is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            rest = &rest[pos..];
            if rest.starts_with('&') {
                let end = rest.find(';').ok_or("unterminated entity")?;
                let entity = &rest[1..end];
                if !["amp", "lt", "gt", "quot", "apos"].contains(&entity) {
                    return Err(format!("unknown entity {entity:?}"));
                }
                rest = &rest[end + 1..];
                continue;
            }
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('?') {
                continue;
            }
            if tag.contains('<') || !tag.matches('"').count().is_multiple_of(2) {
                return Err(format!("malformed tag {tag:?}"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name.trim() => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else {
                let name = tag.split([' ', '/', '\n']).next().unwrap_or("").to_string();
                if name.is_empty() {
                    return Err("empty tag name".into());
                }
                if stack.is_empty() {
                    roots += 1;
                }
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
        }
        if !rest.trim().is_empty() {
            return Err("trailing text".into());
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(())
    }

    fn assert_clean(svg: &str) {
        assert!(!svg.contains("NaN"), "NaN in output");
        assert!(!svg.to_lowercase().contains("inf"), "inf in output");
        check_well_formed(svg).unwrap();
    }

    fn sample_chart() -> LineChart {
        LineChart {
            title: "Latency <p99> & \"friends\"".into(),
            x_label: "load 'rps'".into(),
            y_label: "latency (ms)".into(),
            series: vec![
                Series::new("a < b", vec![(0.0, 1.0), (1.0, 2.5), (2.0, 2.0)]),
                Series {
                    label: "b & c".into(),
                    points: vec![(0.0, 0.5), (2.0, 3.0)],
                    step: true,
                    dashed: true,
                },
            ],
            markers: vec![VerticalMarker {
                x: 1.5,
                label: "knee <1.5>".into(),
                series: 1,
            }],
            horizontal_line: Some((2.2, "SLO \"2.2\"".into())),
            ..LineChart::default()
        }
    }

    #[test]
    fn escapes_xml_special_characters() {
        assert_eq!(esc(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(esc("plain µs"), "plain µs");
        assert_eq!(esc("bell\u{7}tab\t"), "belltab\t");
        let svg = sample_chart().to_svg();
        assert!(svg.contains("Latency &lt;p99&gt; &amp; &quot;friends&quot;"));
        assert!(svg.contains("load &apos;rps&apos;"));
        assert!(svg.contains("a &lt; b"));
        assert!(!svg.contains("a < b"));
        assert_clean(&svg);
    }

    fn check_ticks(lo: f64, hi: f64) -> Axis {
        let (wlo, whi) = widen(lo, hi);
        let axis = nice_axis(wlo, whi, true);
        let n = axis.ticks.len();
        assert!((4..=8).contains(&n), "{lo}..{hi}: {n} ticks {axis:?}");
        let first = axis.ticks[0].0;
        let last = axis.ticks[n - 1].0;
        assert!(
            first <= lo.min(hi) && last >= hi.max(lo),
            "{lo}..{hi}: {axis:?}"
        );
        assert_eq!((axis.lo, axis.hi), (first, last));
        for (_, label) in &axis.ticks {
            assert!(label.len() <= 8, "noisy label {label:?}");
            assert!(!label.contains("000000") || label.ends_with("000000"));
            assert!(!label.contains("99999"), "noisy label {label:?}");
            assert!(!label.starts_with("-0") || label.starts_with("-0."));
            assert_ne!(label, "-0");
        }
        axis
    }

    fn labels(axis: &Axis) -> Vec<&str> {
        axis.ticks.iter().map(|t| t.1.as_str()).collect()
    }

    #[test]
    fn nice_ticks() {
        assert_eq!(
            labels(&check_ticks(0.0, 1.0)),
            ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(labels(&check_ticks(0.0, 7.3)), ["0", "2", "4", "6", "8"]);
        assert_eq!(
            labels(&check_ticks(0.8, 2.0)),
            ["0.8", "1.0", "1.2", "1.4", "1.6", "1.8", "2.0"]
        );
        assert_eq!(
            labels(&check_ticks(0.0, 1e5)),
            ["0", "20000", "40000", "60000", "80000", "100000"]
        );
        assert_eq!(
            labels(&check_ticks(-3.0, 3.0)),
            ["-3", "-2", "-1", "0", "1", "2", "3"]
        );
        let equal = check_ticks(5.0, 5.0);
        assert!(equal.lo < 5.0 && equal.hi > 5.0);
        let zero = check_ticks(0.0, 0.0);
        assert!(zero.lo < 0.0 && zero.hi > 0.0);
        // 0.1 + 0.2 must print as 0.3.
        assert_eq!(tick_label(3.0, 1.0, -1), "0.3");
        let axis = check_ticks(0.0, 0.1 + 0.2 + 0.3);
        assert_eq!(
            labels(&axis),
            ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
        );
        let axis = check_ticks(0.1, 0.1 + 0.2);
        assert_eq!(labels(&axis), ["0.10", "0.15", "0.20", "0.25", "0.30"]);
        for (lo, hi) in [
            (0.0, 0.003),
            (1e-7, 3e-7),
            (0.0, 2.5e7),
            (-1e300, 1e300),
            (123.456, 123.457),
            (1e15, 1e15),
            (-0.5, 0.25),
            (0.0, 9.0),
            (17.0, 1093.0),
        ] {
            check_ticks(lo, hi);
        }
        assert_eq!(
            labels(&check_ticks(0.0, 2.5e7)),
            ["0", "5e6", "10e6", "15e6", "20e6", "25e6"]
        );
    }

    #[test]
    fn explicit_range_keeps_bounds() {
        let axis = axis_for(Some((0.0, 7.3)), Some((1.0, 2.0)), true);
        assert_eq!((axis.lo, axis.hi), (0.0, 7.3));
        assert!((4..=8).contains(&axis.ticks.len()));
        assert!(axis.ticks.iter().all(|t| t.0 >= 0.0 && t.0 <= 7.3));
        // Reversed or non-finite explicit ranges do not break anything.
        let axis = axis_for(Some((1.0, 0.0)), None, false);
        assert_eq!((axis.lo, axis.hi), (0.0, 1.0));
        let axis = axis_for(Some((f64::NAN, 1.0)), Some((2.0, 3.0)), false);
        assert!(axis.lo <= 2.0 && axis.hi >= 3.0);
    }

    #[test]
    fn y_axis_starts_at_zero_for_non_negative_data() {
        let axis = axis_for(None, Some((3.0, 7.0)), true);
        assert_eq!(axis.lo, 0.0);
        let axis = axis_for(None, Some((-3.0, 7.0)), true);
        assert!(axis.lo < 0.0);
    }

    #[test]
    fn coordinates_have_at_most_two_decimals() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.005_1), "1.01");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(2.50), "2.5");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "1000000");
        let svg = sample_chart().to_svg();
        for token in svg.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            if let Some((_, frac)) = token.split_once('.') {
                assert!(frac.len() <= 2, "too many decimals in {token}");
            }
        }
    }

    #[test]
    fn non_finite_points_and_empty_charts_render() {
        let mut chart = sample_chart();
        chart.series[0].points.push((f64::NAN, 1.0));
        chart.series[0].points.push((2.0, f64::INFINITY));
        chart.series[1]
            .points
            .insert(0, (f64::NEG_INFINITY, f64::NAN));
        chart.markers.push(VerticalMarker {
            x: f64::NAN,
            label: "nan".into(),
            series: 3,
        });
        chart.markers.push(VerticalMarker {
            x: 100.0,
            label: "outside".into(),
            series: 0,
        });
        let svg = chart.to_svg();
        assert_clean(&svg);
        assert!(!svg.contains("outside"));
        assert!(!svg.contains("no data"));

        let empty = LineChart::default().to_svg();
        assert_clean(&empty);
        assert!(empty.contains("no data"));

        let only_nan = LineChart {
            series: vec![Series::new("nan", vec![(f64::NAN, f64::NAN)])],
            horizontal_line: Some((f64::INFINITY, "inf".into())),
            x_range: Some((f64::NAN, f64::INFINITY)),
            y_range: Some((3.0, 3.0)),
            width: 0,
            height: 0,
            ..LineChart::default()
        };
        let svg = only_nan.to_svg();
        assert_clean(&svg);
        assert!(svg.contains("no data"));

        let extreme = LineChart {
            series: vec![Series::new(
                "huge",
                vec![
                    (-f64::MAX, f64::MIN_POSITIVE),
                    (f64::MAX, 1e-320),
                    (0.0, 5.0),
                ],
            )],
            y_range: Some((0.0, 1.0)),
            ..LineChart::default()
        };
        assert_clean(&extreme.to_svg());

        let single = LineChart {
            series: vec![Series::new("one", vec![(2.0, 2.0)])],
            ..LineChart::default()
        };
        let svg = single.to_svg();
        assert_clean(&svg);
        assert!(svg.contains("<circle"));
    }

    #[test]
    fn step_series_is_post_step() {
        let chart = LineChart {
            series: vec![Series {
                label: "cdf".into(),
                points: vec![(1.0, 0.25), (2.0, 0.5), (4.0, 1.0)],
                step: true,
                dashed: false,
            }],
            x_range: Some((0.0, 4.0)),
            y_range: Some((0.0, 1.0)),
            ..LineChart::default()
        };
        let svg = chart.to_svg();
        let start = svg.find("<polyline points=\"").unwrap() + 18;
        let end = start + svg[start..].find('"').unwrap();
        let pts: Vec<(f64, f64)> = svg[start..end]
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert_eq!(pts.len(), 5);
        // Horizontal, then vertical.
        for pair in pts.windows(2) {
            assert!(pair[0].0 == pair[1].0 || pair[0].1 == pair[1].1);
        }
        assert_eq!(pts[1].1, pts[0].1);
        assert_eq!(pts[2].0, pts[1].0);
    }

    #[test]
    fn grid_renders_small_multiples() {
        let charts = vec![sample_chart(), LineChart::default(), sample_chart()];
        let svg = grid(&charts, 2);
        assert_clean(&svg);
        assert!(svg.contains(r#"width="1440" height="840""#));
        assert!(svg.contains("silkrail-plot-2"));
        assert_clean(&grid(&[], 0));
        assert_clean(&grid(&charts, 0));
    }

    #[test]
    fn palette_cycles() {
        assert_eq!(colour(0), colour(PALETTE.len()));
        assert_ne!(colour(0), colour(1));
    }

    /// Validates sample documents with Python's XML parser when `python3` is
    /// available; skipped otherwise.
    #[test]
    fn python_parses_output() {
        use std::process::{Command, Stdio};
        let available = Command::new("python3")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            eprintln!("python3 not found; skipping XML validation");
            return;
        }
        let docs = [
            sample_chart().to_svg(),
            LineChart::default().to_svg(),
            grid(&[sample_chart(), sample_chart()], 2),
        ];
        for (i, doc) in docs.iter().enumerate() {
            let path = std::env::temp_dir()
                .join(format!("silkrail-svg-test-{}-{i}.svg", std::process::id()));
            std::fs::write(&path, doc).unwrap();
            let status = Command::new("python3")
                .arg("-c")
                .arg("import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])")
                .arg(&path)
                .status()
                .unwrap();
            let _ = std::fs::remove_file(&path);
            assert!(status.success(), "python3 rejected document {i}");
        }
    }
}
