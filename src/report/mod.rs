//! Output: tables for the terminal, `summary.json`, CSV files per RFC 4180,
//! SVG charts, and output folders replaced whole.

mod bottleneck;
pub mod charts;
mod csv;
mod files;
mod folder;
mod html;
pub mod plot;
mod series;
mod summary;
mod table;

pub use bottleneck::{Bottleneck, bottleneck_lines, bottlenecks, capacity_name};
pub use csv::{CsvRows, csv_field, write_record};
pub use files::{MARKER, OutputDir, OutputError};
pub use folder::{FolderError, Written, merge_into_folder, run_into_folder};
pub use html::{Report, answer, report_rows, study_markdown};
pub use series::{
    BATCHES, WarmupCheck, batch_means_intervals, batch_means_text, day_date, series_csv,
    side_series_key, warmup_check,
};
pub use summary::{
    comparison, comparison_table, default_rows, differences, sensitivity_text, study_text,
    summary_json, sweep_text,
};
pub use table::{Table, escape, network_summary, port_table};
