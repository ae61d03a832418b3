//! Progress on standard error for the command line: a bar with the rate
//! and the time left on a terminal, a line every ten seconds otherwise
//! (a log file or a batch scheduler's output).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use silkrail::montecarlo::ProgressFn;

/// How often a progress line is written when standard error is not a
/// terminal.
const LINE_EVERY: Duration = Duration::from_secs(10);

struct State {
    total: u64,
    done: AtomicU64,
    start: Instant,
    last_line: Mutex<Instant>,
    terminal: bool,
}

/// Progress of one run.
pub struct Progress(Arc<State>);

fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

impl Progress {
    /// Progress of `total` units of work.
    pub fn new(total: u64) -> Self {
        Progress(Arc::new(State {
            total: total.max(1),
            done: AtomicU64::new(0),
            start: Instant::now(),
            last_line: Mutex::new(Instant::now()),
            terminal: std::io::stderr().is_terminal(),
        }))
    }

    /// The callback to give the library.
    pub fn callback(&self) -> ProgressFn {
        let state = self.0.clone();
        Arc::new(move |n| state.advance(n))
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if self.0.terminal {
            let _ = write!(std::io::stderr(), "\r{:78}\r", "");
        }
    }
}

impl State {
    fn advance(&self, n: u64) {
        let done = (self.done.fetch_add(n, Ordering::Relaxed) + n).min(self.total);
        let elapsed = self.start.elapsed().as_secs_f64();
        let rate = done as f64 / elapsed.max(1e-9);
        let left = (self.total - done) as f64 / rate.max(1e-9);
        let text = format!(
            "{done}/{} replications, {rate:.1}/s, {} elapsed, about {} left",
            self.total,
            clock(elapsed),
            clock(left)
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let width = 24;
            let filled = (width as u64 * done / self.total) as usize;
            let bar: String = "#".repeat(filled) + &".".repeat(width - filled);
            let _ = write!(err, "\r[{bar}] {text:52}");
            let _ = err.flush();
        } else {
            let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
            if last.elapsed() >= LINE_EVERY || done == self.total {
                *last = Instant::now();
                let _ = writeln!(err, "progress: {text}");
            }
        }
    }
}
