//! CSV written per RFC 4180, and the per-replication files as row sinks:
//! `replications.csv` (one row per variant and replication, one column per
//! metric) and `replications_long.csv` (one row per variant, replication
//! and metric, with the metric's scope, labels, measure and unit in
//! columns of their own: the tidy form pandas reads without reshaping).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::metric::{MetricKey, Observation};
use crate::montecarlo::RowSink;
use crate::study::SCHEMA_VERSION;

/// One field quoted per RFC 4180 where it needs to be: fields with a comma,
/// a double quote, a carriage return or a line feed are enclosed in double
/// quotes, with inner quotes doubled.
///
/// # Examples
///
/// ```
/// use silkrail::report::csv_field;
///
/// assert_eq!(csv_field("plain"), "plain");
/// assert_eq!(csv_field("a,b"), "\"a,b\"");
/// assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
/// ```
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Writes one record (fields quoted as needed, CRLF at the end).
pub fn write_record<W: Write, S: AsRef<str>>(out: &mut W, fields: &[S]) -> io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(csv_field(f.as_ref()).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

/// The label names used by `keys`, in order of first use.
fn label_names(keys: &[MetricKey]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for k in keys {
        for l in k.labels() {
            if !names.contains(&l.name) {
                names.push(l.name.clone());
            }
        }
    }
    names
}

/// Streams per-replication rows to a wide and a long CSV file.
pub struct CsvRows<W: Write> {
    wide: W,
    long: W,
    keys: Vec<MetricKey>,
    labels: Vec<String>,
}

impl<W: Write> CsvRows<W> {
    /// Starts both files with their headers; the wide file gets one column
    /// per key of `keys`, in that order.
    ///
    /// # Errors
    ///
    /// The I/O error of writing a header.
    pub fn new(mut wide: W, mut long: W, keys: &[MetricKey]) -> io::Result<Self> {
        let mut header: Vec<String> = [
            "schema_version",
            "variant",
            "replication",
            "events",
            "consistent",
        ]
        .map(String::from)
        .to_vec();
        header.extend(keys.iter().map(ToString::to_string));
        write_record(&mut wide, &header)?;
        let labels = label_names(keys);
        let mut long_header: Vec<String> = [
            "schema_version",
            "variant",
            "replication",
            "metric",
            "scope",
        ]
        .map(String::from)
        .to_vec();
        long_header.extend(labels.iter().cloned());
        long_header.extend(["measure", "unit", "value"].map(String::from));
        write_record(&mut long, &long_header)?;
        Ok(CsvRows {
            wide,
            long,
            keys: keys.to_vec(),
            labels,
        })
    }

    /// Flushes both files and gives them back.
    ///
    /// # Errors
    ///
    /// The I/O error of flushing.
    pub fn finish(mut self) -> io::Result<(W, W)> {
        self.wide.flush()?;
        self.long.flush()?;
        Ok((self.wide, self.long))
    }
}

impl<W: Write> RowSink for CsvRows<W> {
    fn row(&mut self, arm: &str, replication: u64, obs: &Observation) -> io::Result<()> {
        let values: BTreeMap<&MetricKey, f64> = obs.values.iter().map(|(k, v)| (k, *v)).collect();
        let version = SCHEMA_VERSION.to_string();
        let rep = replication.to_string();
        let mut row: Vec<String> = vec![
            version.clone(),
            arm.to_string(),
            rep.clone(),
            obs.events.to_string(),
            obs.consistent.to_string(),
        ];
        row.extend(
            self.keys
                .iter()
                .map(|k| values.get(k).map_or(String::new(), |v| v.to_string())),
        );
        write_record(&mut self.wide, &row)?;
        for k in &self.keys {
            let Some(v) = values.get(k) else { continue };
            let mut rec: Vec<String> = vec![
                version.clone(),
                arm.to_string(),
                rep.clone(),
                k.to_string(),
                k.scope().to_string(),
            ];
            rec.extend(
                self.labels
                    .iter()
                    .map(|name| k.label(name).unwrap_or("").to_string()),
            );
            rec.extend([
                k.measure().to_string(),
                k.unit().suffix().to_string(),
                v.to_string(),
            ]);
            write_record(&mut self.long, &rec)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Unit;

    #[test]
    fn quoting_follows_rfc_4180() {
        let mut out = Vec::new();
        write_record(&mut out, &["a", "b,c", "d\"e", "f\ng", ""]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"d\"\"e\",\"f\ng\",\r\n"
        );
    }

    #[test]
    fn rows_line_up_with_their_keys() {
        let k1 = MetricKey::new("port", "delay_mean", Unit::Hours)
            .with("port", "p")
            .with("direction", "westbound");
        let k2 = MetricKey::new("network", "backlog", Unit::Trains);
        let mut rows = CsvRows::new(Vec::new(), Vec::new(), &[k1.clone(), k2.clone()]).unwrap();
        let mut obs = Observation::new(7);
        obs.put(k2.clone(), Some(3.0));
        rows.row("base", 4, &obs).unwrap();
        let (wide, long) = rows.finish().unwrap();
        let wide = String::from_utf8(wide).unwrap();
        assert_eq!(
            wide,
            "schema_version,variant,replication,events,consistent,port.p.westbound.delay_mean_hours,network.backlog_trains\r\n2,base,4,7,true,,3\r\n"
        );
        let long = String::from_utf8(long).unwrap();
        assert_eq!(
            long,
            "schema_version,variant,replication,metric,scope,port,direction,measure,unit,value\r\n2,base,4,network.backlog_trains,network,,,backlog,trains,3\r\n"
        );
    }
}
