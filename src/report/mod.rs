//! Output: tables for the terminal, CSV and JSON writers, SVG charts.

pub mod charts;
mod output;
pub mod svg;
mod table;

pub use output::{Manifest, OutputDir, Study, Sweep, SweepSeries, default_rows, fnv1a_hex};
pub use table::{Table, network_summary, port_table};
