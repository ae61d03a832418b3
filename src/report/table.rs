//! Plain-text tables.

use std::fmt::Write as _;

use crate::corridor::{Direction, GaugeChange, PlaceId, PlaceKind, ReplicationReport, ms_to_hours};
use crate::scenario::Scenario;

/// A plain-text table with a header row; columns after the first are
/// right-aligned.
#[derive(Clone, Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells print empty).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Renders the table.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut width = vec![0; cols];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(cols) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, r: &[String]| {
            for (i, w) in width.iter().enumerate() {
                let c = r.get(i).map_or("", String::as_str);
                let pad = w - c.chars().count();
                if i == 0 {
                    out.push_str(c);
                    out.extend(std::iter::repeat_n(' ', pad));
                } else {
                    out.push_str("  ");
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(c);
                }
            }
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('\n');
        };
        line(&mut out, &self.header);
        let total: usize = width.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
        out.extend(std::iter::repeat_n('-', total));
        out.push('\n');
        for r in &self.rows {
            line(&mut out, r);
        }
        out
    }
}

impl Table {
    /// The table in Markdown (GitHub's pipe tables), for pasting; `|` in a
    /// cell is escaped.
    pub fn render_markdown(&self) -> String {
        let cell = |c: &str| c.replace('|', "\\|");
        let mut out = String::new();
        let line = |out: &mut String, r: &[String]| {
            out.push('|');
            for i in 0..self.header.len() {
                out.push(' ');
                out.push_str(&cell(r.get(i).map_or("", String::as_str)));
                out.push_str(" |");
            }
            out.push('\n');
        };
        line(&mut out, &self.header);
        out.push('|');
        for i in 0..self.header.len() {
            out.push_str(if i == 0 { "---|" } else { "---:|" });
        }
        out.push('\n');
        for r in &self.rows {
            line(&mut out, r);
        }
        out
    }

    /// The table as an HTML `<table>`, every cell escaped; columns after
    /// the first are right-aligned.
    pub fn render_html(&self) -> String {
        let mut out = String::from("<table>\n<thead><tr>");
        for h in &self.header {
            let _ = write!(out, "<th>{}</th>", escape(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for i in 0..self.header.len() {
                let c = escape(r.get(i).map_or("", String::as_str));
                match i {
                    0 => {
                        let _ = write!(out, "<td>{c}</td>");
                    }
                    _ => {
                        let _ = write!(out, "<td class=\"n\">{c}</td>");
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn f1(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

fn f2(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.2}"))
}

/// The per-port, per-direction report of one replication: throughput, wait
/// before service (mean and quantiles), dwell, queue, upstream hold,
/// utilisation and closures.
pub fn port_table(r: &ReplicationReport) -> String {
    let days = r.measured_days();
    let end = r.end;
    let mut t = Table::new([
        "port", "dir", "trains/d", "wait h", "p50", "p90", "p95", "p99", "max", "dwell h",
        "delay h", "held h", "queue", "peak", "track %", "crane %", "closed h",
    ]);
    for p in &r.ports {
        for dir in Direction::BOTH {
            let s = &p.sides[dir.index()];
            if s.arrivals == 0 {
                continue;
            }
            let q = |x: f64| s.track_wait.quantile(x).map(ms_to_hours);
            let util = |busy: &crate::stats::TimeWeighted, n: u32| {
                (n > 0)
                    .then(|| busy.mean(end).map(|b| 100.0 * b / f64::from(n)))
                    .flatten()
            };
            t.row([
                p.name.clone(),
                dir.name()[..4].to_string(),
                f1((days > 0.0).then(|| s.departed as f64 / days)),
                f2(s.track_wait_hours.mean()),
                f2(q(0.5)),
                f2(q(0.9)),
                f2(q(0.95)),
                f2(q(0.99)),
                f2(s.track_wait.max().map(ms_to_hours)),
                f1(s.dwell_hours.mean()),
                f2(s.delay_hours.mean()),
                f2(s.held_upstream_hours.mean()),
                f2(s.queue.mean(end)),
                s.queue.peak().to_string(),
                f1(util(&s.tracks_busy, s.tracks)),
                f1(util(&s.cranes_busy, s.cranes)),
                if dir == Direction::Westbound {
                    format!(
                        "{:.0}",
                        p.closed.area(end) as f64 / crate::time::TICKS_PER_HOUR as f64
                    )
                } else {
                    String::new()
                },
            ]);
        }
    }
    let mut out = t.render();
    let n = &r.network;
    let _ = writeln!(
        out,
        "\n{days:.0} days measured: {} trains delivered ({:.1}/day), mean transit {:.1} days; \
         {:.1} % of consignments waited over the delay threshold; backlog at the horizon {} trains",
        n.delivered_trains,
        n.delivered_trains as f64 / days.max(f64::MIN_POSITIVE),
        r.ods
            .iter()
            .fold(crate::stats::OnlineStats::new(), |mut acc, od| {
                acc.merge(&od.transit_hours);
                acc
            })
            .mean()
            .unwrap_or(f64::NAN)
            / 24.0,
        100.0 * n.delayed_consignments as f64 / (n.delivered_consignments.max(1)) as f64,
        n.backlog_trains,
    );
    out
}

/// A summary of a scenario's network for people: places, ports with their
/// capacity and the load routed to them, flows and their routes.
pub fn network_summary(s: &Scenario) -> String {
    let net = &s.network;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", s.spec.name, s.source);
    let hubs = net
        .places()
        .iter()
        .filter(|p| p.kind == PlaceKind::Hub)
        .count();
    let _ = writeln!(
        out,
        "{} places ({hubs} hubs), {} border ports, {} line sections, {} flows, {} routes",
        net.places().len(),
        net.ports().len(),
        net.sections().len(),
        net.flows().len(),
        net.routes().len()
    );
    let _ = writeln!(
        out,
        "demand: {:.1} trains/day westbound, {:.1} eastbound; {:.0} days measured after {:.0} days of warm-up, {} replications, seed {}\n",
        // `+ 0.0` shows an empty sum (-0.0) as 0.0.
        net.trains_per_day(Direction::Westbound) + 0.0,
        net.trains_per_day(Direction::Eastbound) + 0.0,
        s.experiment.horizon.as_days_f64(),
        s.experiment.warmup.as_days_f64(),
        s.experiment.replications,
        s.experiment.seed
    );
    // Offered load per port side under each flow's shares (equal shares
    // where routing follows live delays).
    let mut load = vec![[0.0_f64; 2]; net.ports().len()];
    for f in net.flows() {
        for d in &f.destinations {
            for (k, r) in d.routes.iter().enumerate() {
                let share = f.shares.get(k).copied().unwrap_or(0.0);
                for p in &net.route(*r).places {
                    if let PlaceKind::Port(pid) = net.place(*p).kind {
                        load[pid.index()][f.direction.index()] +=
                            f.trains_per_day * d.share * share;
                    }
                }
            }
        }
    }
    let mut t = Table::new([
        "port",
        "dir",
        "change",
        "tracks",
        "cranes",
        "cap/day",
        "offered/day",
        "of cap",
        "processing h",
    ]);
    for (i, p) in net.ports().iter().enumerate() {
        for dir in Direction::BOTH {
            let side = &p.sides[dir.index()];
            let offered = load[i][dir.index()];
            t.row([
                p.name.clone(),
                dir.name()[..4].to_string(),
                match p.change {
                    GaugeChange::Transshipment => "cranes".to_string(),
                    GaugeChange::BogieExchange => "bogies".to_string(),
                    GaugeChange::None => "none".to_string(),
                },
                side.tracks.to_string(),
                side.cranes.to_string(),
                side.handover_cap_per_day
                    .map_or("—".into(), |c| c.to_string()),
                format!("{offered:.1}"),
                side.handover_cap_per_day.map_or("—".into(), |c| {
                    format!("{:.0} %", 100.0 * offered / f64::from(c))
                }),
                format!("{:.1}", p.mean_processing_hours(dir)),
            ]);
        }
    }
    out.push_str(&t.render());
    out.push('\n');
    let mut f = Table::new([
        "flow",
        "origin",
        "dir",
        "trains/day",
        "destinations",
        "routes to the first destination",
    ]);
    for flow in net.flows() {
        let vias: Vec<String> = flow.destinations[0]
            .routes
            .iter()
            .zip(&flow.shares)
            .map(|(r, sh)| {
                let ports: Vec<&str> = net
                    .route(*r)
                    .places
                    .iter()
                    .filter(|p| matches!(net.place(**p).kind, PlaceKind::Port(_)))
                    .map(|p| net.place(*p).id.as_str())
                    .collect();
                format!("{} ({:.0} %)", ports.join(" + "), 100.0 * sh)
            })
            .collect();
        f.row([
            flow.id.clone(),
            net.place(flow.origin).id.clone(),
            flow.direction.name()[..4].to_string(),
            format!("{:.2}", flow.trains_per_day),
            flow.destinations.len().to_string(),
            vias.join(", "),
        ]);
    }
    out.push_str(&f.render());
    if !net.choices().is_empty() {
        let mut c = Table::new([
            "choice on the way",
            "at",
            "dir",
            "destinations",
            "candidates",
        ]);
        for choice in net.choices() {
            let name = |p: &PlaceId| net.place(*p).id.clone();
            // The candidates' ports, from the first place to the first
            // destination.
            let candidates: Vec<String> = choice.routes[0][0]
                .iter()
                .map(|r| match r {
                    None => "stay".to_string(),
                    Some(r) => {
                        let ports: Vec<String> = net
                            .route(*r)
                            .places
                            .iter()
                            .filter(|p| matches!(net.place(**p).kind, PlaceKind::Port(_)))
                            .map(name)
                            .collect();
                        if ports.is_empty() {
                            "no port".to_string()
                        } else {
                            ports.join(" + ")
                        }
                    }
                })
                .collect();
            c.row([
                choice.id.clone(),
                choice.at.iter().map(name).collect::<Vec<_>>().join(", "),
                choice.direction.name()[..4].to_string(),
                choice.destinations.len().to_string(),
                candidates.join(", "),
            ]);
        }
        out.push('\n');
        out.push_str(&c.render());
    }
    out
}
