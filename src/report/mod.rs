//! Output: tables for the terminal, CSV and JSON writers, SVG charts.

mod table;

pub use table::{Table, port_table};
