//! Dependency-free SVG plotting core for the report layer.
//!
//! Every chart is plain data with public fields and renders itself with
//! `to_svg()` into a standalone SVG 1.1 document. One shared core (document,
//! escaped text, nice ticks, axes, legend, palette, number formatting,
//! clipping) carries four short chart kinds: [`XyChart`] (lines with
//! confidence bands, markers and a reference line), [`IntervalChart`] (a
//! forest plot), [`TornadoChart`] (sensitivity) and [`BarChart`] (horizontal
//! bars with whiskers). [`grid`] lays any of them out as small multiples.
//!
//! Output guarantees: well-formed XML, all text escaped with its Unicode kept,
//! no `NaN` or `inf` anywhere, non-finite data skipped, coordinates with at
//! most two decimals, colours from the Okabe–Ito palette ([`PALETTE`]).
//!
//! # Example
//! ```
//! use silkrail::report::plot::{Axis, Band, Line, Marker, XyChart};
//!
//! let chart = XyChart {
//!     title: "Brest–Małaszewicze westbound".into(),
//!     x: Axis { title: "arrivals [trains/day]".into(), ..Default::default() },
//!     y: Axis { title: "mean wait per train [h]".into(), ..Default::default() },
//!     series: vec!["FIFO".into()],
//!     lines: vec![Line {
//!         series: 0,
//!         points: vec![(10.0, 1.2), (14.0, 2.0), (18.0, 5.5)],
//!         ..Default::default()
//!     }],
//!     bands: vec![Band {
//!         series: 0,
//!         points: vec![(10.0, 1.0, 1.4), (14.0, 1.7, 2.3), (18.0, 4.6, 6.4)],
//!         ..Default::default()
//!     }],
//!     markers: vec![Marker { x: 16.0, label: "saturation".into(), series: 0 }],
//!     ..Default::default()
//! };
//! let svg = chart.to_svg();
//! assert!(svg.starts_with("<?xml"));
//! assert!(svg.contains("Brest–Małaszewicze westbound"));
//! ```

mod charts;
mod core;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use self::core::{F, document, fixed, sci, w};

/// Okabe–Ito colour-blind-safe palette, in the order series indices use it.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Colour of a series index (wraps around [`PALETTE`]).
pub fn colour(series: usize) -> &'static str {
    PALETTE[series % PALETTE.len()]
}

// ---------------------------------------------------------------- public data

/// One axis: its title and an optional explicit range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axis {
    /// Title in plain words including the unit, e.g. `"mean wait per train [h]"`.
    pub title: String,
    /// Explicit lower end \[axis unit\]; `None` or non-finite takes it from the data.
    pub min: Option<f64>,
    /// Explicit upper end \[axis unit\]; `None` or non-finite takes it from the data.
    pub max: Option<f64>,
}

/// A polyline of one series in an [`XyChart`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// Series index: picks the colour and the legend label.
    pub series: usize,
    /// Points (x, y) \[axis units\], drawn in the given order; non-finite points break the line.
    pub points: Vec<(f64, f64)>,
    /// Draw as a post-step function (each y holds until the next x), e.g. for an ECDF.
    pub step: bool,
    /// Draw dashed instead of solid.
    pub dashed: bool,
}

/// A translucent area between a lower and an upper curve, e.g. a confidence band.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// Series index: shares colour and legend entry with the series' line.
    pub series: usize,
    /// Points (x, low, high) \[axis units\]; a point with a non-finite value breaks the band.
    pub points: Vec<(f64, f64, f64)>,
    /// Draw both edges as post-step functions, matching a step [`Line`].
    pub step: bool,
}

/// A labelled dashed vertical line in an [`XyChart`], e.g. a saturation point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marker {
    /// Position \[x axis unit\].
    pub x: f64,
    /// Label written beside the line at the top of the plot.
    pub label: String,
    /// Series index for the colour.
    pub series: usize,
}

/// A labelled dashed reference line at a value, e.g. a threshold or full use.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefLine {
    /// Position \[axis unit\].
    pub value: f64,
    /// Label written beside the line.
    pub label: String,
}

/// Line chart with uncertainty bands, vertical markers and a horizontal reference line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XyChart {
    /// Title above the plot.
    pub title: String,
    /// Optional note line under the title, e.g. "the two variants coincide".
    pub note: Option<String>,
    /// Width of the document \[px\]; 0 or invalid selects 720.
    pub width: f64,
    /// Height of the document \[px\]; 0 or invalid selects 450.
    pub height: f64,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis; starts at zero for non-negative data unless `min` is given.
    pub y: Axis,
    /// Legend label per series index; an empty or missing label gets no legend entry.
    pub series: Vec<String>,
    /// Lines, drawn on top of the bands.
    pub lines: Vec<Line>,
    /// Shaded bands.
    pub bands: Vec<Band>,
    /// Vertical markers, labelled in place.
    pub markers: Vec<Marker>,
    /// Horizontal reference line \[y axis unit\], labelled in place.
    pub reference: Option<RefLine>,
}

/// One row of an [`IntervalChart`]; every number may be missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntervalRow {
    /// Row label on the left.
    pub label: String,
    /// Point estimate \[x axis unit\].
    pub estimate: Option<f64>,
    /// Lower end of the interval \[x axis unit\].
    pub low: Option<f64>,
    /// Upper end of the interval \[x axis unit\].
    pub high: Option<f64>,
    /// Series index for the colour.
    pub series: usize,
    /// Value text on the right; `None` formats "est [low, high]" with the chart's decimals.
    pub text: Option<String>,
}

/// Forest plot: one estimate with its interval per row, top to bottom.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntervalChart {
    /// Title above the plot.
    pub title: String,
    /// Optional note line under the title.
    pub note: Option<String>,
    /// Width of the document \[px\]; 0 or invalid selects 720.
    pub width: f64,
    /// Height of the document \[px\]; 0 or invalid fits the rows.
    pub height: f64,
    /// Horizontal axis; a line is drawn at zero when zero is in range.
    pub x: Axis,
    /// Rows, top to bottom.
    pub rows: Vec<IntervalRow>,
    /// Decimals of the generated value texts.
    pub decimals: usize,
    /// Legend label per series index; empty or unused labels get no entry.
    pub series: Vec<String>,
}

/// One row of a [`TornadoChart`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TornadoRow {
    /// Name of the assumption.
    pub label: String,
    /// Output with the assumption at its low setting \[x axis unit\].
    pub low: f64,
    /// Output with the assumption at its high setting \[x axis unit\].
    pub high: f64,
    /// Low setting, printed at the end of the low bar, e.g. "2 tracks".
    pub low_text: String,
    /// High setting, printed at the end of the high bar.
    pub high_text: String,
}

/// Sensitivity chart: bars from a baseline to the low and high outcome of each assumption.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TornadoChart {
    /// Title above the plot.
    pub title: String,
    /// Optional note line under the title.
    pub note: Option<String>,
    /// Width of the document \[px\]; 0 or invalid selects 720.
    pub width: f64,
    /// Height of the document \[px\]; 0 or invalid fits the rows.
    pub height: f64,
    /// Horizontal axis of the output.
    pub x: Axis,
    /// Baseline output \[x axis unit\], drawn as a vertical line.
    pub baseline: f64,
    /// Rows in drawing order (the caller sorts by swing).
    pub rows: Vec<TornadoRow>,
    /// Legend text of the low bars; empty means "low setting".
    pub low_label: String,
    /// Legend text of the high bars; empty means "high setting".
    pub high_label: String,
}

/// One row of a [`BarChart`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarRow {
    /// Row label on the left.
    pub label: String,
    /// Bar length from zero \[x axis unit\]; non-finite draws no bar.
    pub value: f64,
    /// Lower whisker end \[x axis unit\].
    pub low: Option<f64>,
    /// Upper whisker end \[x axis unit\].
    pub high: Option<f64>,
    /// Series index for the colour.
    pub series: usize,
    /// Value text on the right; `None` formats value and whiskers with the chart's decimals.
    pub text: Option<String>,
}

/// Horizontal bars with optional whiskers, e.g. utilisation per resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarChart {
    /// Title above the plot.
    pub title: String,
    /// Optional note line under the title.
    pub note: Option<String>,
    /// Width of the document \[px\]; 0 or invalid selects 720.
    pub width: f64,
    /// Height of the document \[px\]; 0 or invalid fits the rows.
    pub height: f64,
    /// Horizontal axis; always includes zero.
    pub x: Axis,
    /// Rows, top to bottom.
    pub rows: Vec<BarRow>,
    /// Decimals of the generated value texts.
    pub decimals: usize,
    /// Optional vertical reference line \[x axis unit\], e.g. 1.0 = fully used.
    pub reference: Option<RefLine>,
    /// Legend label per series index; empty or unused labels get no entry.
    pub series: Vec<String>,
}

/// A chart that can be drawn alone or as one panel of a [`grid`].
pub trait Panel {
    /// Size of the chart \[px\] as (width, height).
    fn size(&self) -> (f64, f64);
    /// SVG fragment of the chart drawn at the origin; every id in it starts with `id`.
    fn fragment(&self, id: &str) -> String;
}

macro_rules! to_svg {
    ($($t:ty),*) => {$(
        impl $t {
            /// Renders the chart as a standalone SVG document.
            pub fn to_svg(&self) -> String {
                let (w, h) = self.size();
                document(w, h, &self.fragment("plot-"))
            }
        }
    )*};
}
to_svg!(XyChart, IntervalChart, TornadoChart, BarChart);

/// Lays panels out as small multiples, `columns` per row, in one SVG document.
pub fn grid(panels: &[&dyn Panel], columns: usize) -> String {
    let cols = columns.clamp(1, panels.len().max(1));
    let cell_w = panels.iter().map(|p| p.size().0).fold(0.0, f64::max);
    let (mut body, mut y) = (String::new(), 0.0);
    for (r, row) in panels.chunks(cols).enumerate() {
        for (c, p) in row.iter().enumerate() {
            let frag = p.fragment(&format!("p{}-", r * cols + c));
            let (x, y) = (F(c as f64 * cell_w), F(y));
            w!(body, "<g transform=\"translate({x} {y})\">\n{frag}</g>\n");
        }
        y += row.iter().map(|p| p.size().1).fold(0.0, f64::max);
    }
    document(cell_w * cols as f64, y, &body)
}

/// Formats a number with fixed decimals (at most 12), a true minus sign and "—" when non-finite.
pub fn format_number(value: f64, decimals: usize) -> String {
    match (value, decimals.min(12)) {
        (v, _) if !v.is_finite() => "—".into(),
        (v, d) if v.abs() >= 1e15 => sci(v, d),
        (v, d) => fixed(v, d),
    }
}
