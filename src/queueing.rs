//! A single-station G/G/c queue written on the public kernel API, and the
//! queueing-theory formulas it is validated against.
//!
//! [`Station`] is what a user's own model looks like: an event enum, a
//! struct that implements [`Model`], and statistics updated as events
//! happen. silkrail uses it to prove that the kernel computes queueing
//! theory right (M/M/c against Erlang C, M/D/1 and M/G/1 against
//! Pollaczek–Khinchine, Little's law on every sample path).
//!
//! Time is in abstract units mapped onto hours: a rate of 2.4 means 2.4
//! arrivals per hour.

use std::collections::VecDeque;

use rand_distr::Distribution;

use crate::engine::{Model, Scheduler, Simulation};
use crate::metric::{MetricKey, Observation, Unit};
use crate::montecarlo::{ModelError, Replicate};
use crate::rng::{SimRng, stream_rng};
use crate::stats::{OnlineStats, TimeWeighted};
use crate::time::{SimDuration, SimTime, TimeError};

/// Stream number of inter-arrival times.
pub const ARRIVAL_STREAM: u64 = 1;
/// Stream number of service times.
pub const SERVICE_STREAM: u64 = 2;

/// Events of a [`Station`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StationEvent {
    /// A customer arrives.
    Arrival,
    /// A customer who arrived at `arrived` finishes service.
    Departure {
        /// When the departing customer arrived.
        arrived: SimTime,
    },
}

/// What a [`Station`] measured after its warm-up.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StationStats {
    /// Waiting time before service of customers who arrived after the
    /// warm-up \[h\].
    pub wait_hours: OnlineStats,
    /// Customers waiting (not in service), time-weighted.
    pub queue_len: TimeWeighted,
    /// Busy servers, time-weighted.
    pub busy: TimeWeighted,
    /// Customers in the system, time-weighted.
    pub in_system: TimeWeighted,
    /// Sum of completed customers' sojourn times since the warm-up \[ms\].
    pub sojourn_ms: u128,
    /// Arrivals since the warm-up.
    pub arrivals: u64,
    /// Departures since the warm-up.
    pub departures: u64,
}

impl StationStats {
    fn new(now: SimTime, queued: u64, busy: u64) -> Self {
        StationStats {
            wait_hours: OnlineStats::new(),
            queue_len: TimeWeighted::new(now, queued),
            busy: TimeWeighted::new(now, busy),
            in_system: TimeWeighted::new(now, queued + busy),
            sojourn_ms: 0,
            arrivals: 0,
            departures: 0,
        }
    }
}

/// A FIFO queue in front of `servers` identical servers, fed by a renewal
/// arrival process.
///
/// Inter-arrival and service times are drawn in hours from `A` and `S`, each
/// from its own random stream, so changing the service distribution leaves
/// the arrival sequence untouched (common random numbers).
pub struct Station<A, S> {
    servers: u32,
    busy: u32,
    waiting: VecDeque<SimTime>,
    interarrival: A,
    service: S,
    arrival_rng: SimRng,
    service_rng: SimRng,
    arrivals_left: u64,
    warmup_left: u64,
    measuring: bool,
    stats: StationStats,
    error: Option<TimeError>,
}

impl<A: Distribution<f64>, S: Distribution<f64>> Station<A, S> {
    /// A station that will admit `warmup` warm-up arrivals, whose waits are
    /// not recorded and during which no statistic accumulates, followed by
    /// `customers` measured arrivals; seeded from `(seed, replication)`.
    ///
    /// With `warmup == 0` and the run driven until no events remain, the
    /// statistics cover the whole sample path, and Little's law holds
    /// exactly: `in_system.area(end) == sojourn_ms`.
    pub fn new(
        servers: u32,
        interarrival: A,
        service: S,
        warmup: u64,
        customers: u64,
        seed: u64,
        replication: u64,
    ) -> Self {
        Station {
            servers,
            busy: 0,
            waiting: VecDeque::new(),
            interarrival,
            service,
            arrival_rng: stream_rng(seed, replication, ARRIVAL_STREAM),
            service_rng: stream_rng(seed, replication, SERVICE_STREAM),
            arrivals_left: warmup + customers,
            warmup_left: warmup,
            measuring: false,
            stats: StationStats::new(SimTime::ZERO, 0, 0),
            error: None,
        }
    }

    /// The statistics gathered so far.
    pub fn stats(&self) -> &StationStats {
        &self.stats
    }

    /// Number of servers.
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// The first sampled time that could not be converted (NaN, negative
    /// or too large), if any. A station that met one stops admitting
    /// customers.
    pub fn sampling_error(&self) -> Option<TimeError> {
        self.error
    }

    #[inline]
    fn draw(&mut self, service: bool) -> Option<SimDuration> {
        let hours = if service {
            self.service.sample(&mut self.service_rng)
        } else {
            self.interarrival.sample(&mut self.arrival_rng)
        };
        match SimDuration::try_from_hours_f64(hours) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error.get_or_insert(e);
                self.arrivals_left = 0;
                None
            }
        }
    }

    /// A server starts on the customer who arrived at `arrived` (the
    /// caller has counted the server busy).
    #[inline(always)]
    fn start_service(&mut self, arrived: SimTime, scheduler: &mut Scheduler<StationEvent>) {
        let now = scheduler.now();
        if self.measuring && arrived >= self.stats.queue_len.start() {
            let wait = now.since(arrived).unwrap_or(SimDuration::ZERO);
            self.stats.wait_hours.push(wait.as_hours_f64());
        }
        if let Some(d) = self.draw(true) {
            scheduler.schedule_in(d, StationEvent::Departure { arrived });
        }
    }

    /// Builds the simulation with the first arrival scheduled at time zero.
    pub fn into_simulation(self) -> Simulation<Self> {
        let mut sim = Simulation::with_capacity(self, 64);
        sim.scheduler_mut()
            .schedule_in(SimDuration::ZERO, StationEvent::Arrival);
        sim
    }
}

impl<A: Distribution<f64>, S: Distribution<f64>> Model for Station<A, S> {
    type Event = StationEvent;

    #[inline]
    fn handle(&mut self, event: StationEvent, scheduler: &mut Scheduler<StationEvent>) {
        let now = scheduler.now();
        match event {
            StationEvent::Arrival => {
                if self.arrivals_left == 0 {
                    return;
                }
                self.arrivals_left -= 1;
                if self.warmup_left > 0 {
                    self.warmup_left -= 1;
                } else if !self.measuring {
                    // Warm-up over: measure from this arrival on.
                    let queued = self.waiting.len() as u64;
                    self.stats = StationStats::new(now, queued, u64::from(self.busy));
                    self.measuring = true;
                }
                self.stats.arrivals += u64::from(self.measuring);
                self.stats.in_system.increment(now);
                if self.busy < self.servers {
                    self.busy += 1;
                    self.stats.busy.set(now, u64::from(self.busy));
                    self.start_service(now, scheduler);
                } else {
                    self.waiting.push_back(now);
                    self.stats.queue_len.increment(now);
                }
                if self.arrivals_left > 0
                    && let Some(d) = self.draw(false)
                {
                    scheduler.schedule_in(d, StationEvent::Arrival);
                }
            }
            StationEvent::Departure { arrived } => {
                self.stats.in_system.decrement(now);
                if self.measuring && arrived >= self.stats.in_system.start() {
                    let sojourn = now.since(arrived).unwrap_or(SimDuration::ZERO);
                    self.stats.sojourn_ms += u128::from(sojourn.as_millis());
                    self.stats.departures += 1;
                }
                if let Some(next) = self.waiting.pop_front() {
                    // The server goes straight on to the next customer: it
                    // stays busy, and the time-weighted count of busy
                    // servers has nothing to record (a decrement and an
                    // increment at one instant leave its area and peak
                    // as they were).
                    self.stats.queue_len.decrement(now);
                    self.start_service(next, scheduler);
                } else {
                    self.busy -= 1;
                    self.stats.busy.set(now, u64::from(self.busy));
                }
            }
        }
    }
}

/// Replications of a [`Station`] for the experiment layer: each
/// replication admits `warmup` warm-up customers and then `customers`
/// measured ones, and runs until the last has left.
///
/// Metrics (scope `station`): `wait_mean` \[h\], `queue_mean` and
/// `in_system_mean` \[count, time-averaged\], `utilisation` \[ratio\] and
/// `departures` \[count\].
///
/// # Examples
///
/// An M/M/3 queue at ρ = 0.8 through the generic runner, against Erlang C:
///
/// ```
/// use rand_distr::Exp;
/// use silkrail::montecarlo::{Arm, NoRows, Runner};
/// use silkrail::queueing::{StationExperiment, erlang_c};
///
/// let mmc = StationExperiment::new(3, Exp::new(2.4)?, Exp::new(1.0)?, 2_000, 20_000);
/// let result = Runner::new(2026, Some(2))?.run(&[Arm::new("M/M/3", &mmc)], 0..10, &mut NoRows)?;
/// let wq = result.arms[0].interval(&StationExperiment::<Exp<f64>, Exp<f64>>::wait_key(), 0.999).unwrap();
/// let theory = erlang_c(3, 2.4, 1.0).unwrap().wq;
/// assert!((wq.mean - theory).abs() <= wq.half_width.unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct StationExperiment<A, S> {
    servers: u32,
    interarrival: A,
    service: S,
    warmup: u64,
    customers: u64,
}

impl<A, S> StationExperiment<A, S> {
    /// Replications of a station with `servers` servers, inter-arrival and
    /// service times in hours from `interarrival` and `service`.
    pub fn new(servers: u32, interarrival: A, service: S, warmup: u64, customers: u64) -> Self {
        StationExperiment {
            servers,
            interarrival,
            service,
            warmup,
            customers,
        }
    }

    /// The key of the mean wait before service \[h\].
    pub fn wait_key() -> MetricKey {
        MetricKey::new("station", "wait_mean", Unit::Hours)
    }

    fn keys() -> [MetricKey; 5] {
        [
            Self::wait_key(),
            MetricKey::new("station", "queue_mean", Unit::Count),
            MetricKey::new("station", "in_system_mean", Unit::Count),
            MetricKey::new("station", "utilisation", Unit::Ratio),
            MetricKey::new("station", "departures", Unit::Count),
        ]
    }
}

impl<A, S> Replicate for StationExperiment<A, S>
where
    A: Distribution<f64> + Clone + Sync,
    S: Distribution<f64> + Clone + Sync,
{
    fn metric_keys(&self) -> Vec<MetricKey> {
        Self::keys().to_vec()
    }

    fn replicate(&self, seed: u64, replication: u64) -> Result<Observation, ModelError> {
        let station = Station::new(
            self.servers,
            self.interarrival.clone(),
            self.service.clone(),
            self.warmup,
            self.customers,
            seed,
            replication,
        );
        let mut sim = station.into_simulation();
        let out = sim.run();
        let end = sim.now();
        let station = sim.into_model();
        if let Some(e) = station.sampling_error() {
            return Err(ModelError::with_source(
                "a sampled time was not a duration",
                e,
            ));
        }
        let st = station.stats();
        let [wait, queue, in_system, utilisation, departures] = Self::keys();
        let mut obs = Observation::new(out.events);
        obs.put(wait, st.wait_hours.mean());
        obs.put(queue, st.queue_len.mean(end));
        obs.put(in_system, st.in_system.mean(end));
        obs.put(
            utilisation,
            st.busy.mean(end).map(|b| b / f64::from(self.servers)),
        );
        obs.put(departures, Some(st.departures as f64));
        Ok(obs)
    }
}

/// Steady-state measures of a queue, from theory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SteadyState {
    /// Probability that an arriving customer waits.
    pub p_wait: f64,
    /// Mean wait in queue, Wq \[h\].
    pub wq: f64,
    /// Mean number waiting, Lq.
    pub lq: f64,
    /// Server utilisation ρ = λ / (c μ).
    pub utilisation: f64,
}

/// Erlang C: the M/M/c queue with arrival rate `lambda` and service rate
/// `mu` per server \[1/h\]. `None` unless `c ≥ 1`, both rates are positive
/// and finite, and the queue is stable (ρ < 1).
///
/// # Examples
///
/// ```
/// use silkrail::queueing::erlang_c;
///
/// let s = erlang_c(3, 2.4, 1.0).unwrap();
/// assert!((s.p_wait - 0.64719).abs() < 1e-5);
/// assert!((s.wq - 1.07865).abs() < 1e-5);
/// ```
pub fn erlang_c(c: u32, lambda: f64, mu: f64) -> Option<SteadyState> {
    if c == 0 || !(lambda > 0.0 && lambda.is_finite() && mu > 0.0 && mu.is_finite()) {
        return None;
    }
    let a = lambda / mu;
    let rho = a / f64::from(c);
    if !(rho < 1.0) {
        return None;
    }
    // Erlang B by its stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let p_wait = b / (1.0 - rho * (1.0 - b));
    let wq = p_wait / (f64::from(c) * mu - lambda);
    Some(SteadyState {
        p_wait,
        wq,
        lq: lambda * wq,
        utilisation: rho,
    })
}

/// Pollaczek–Khinchine: the M/G/1 queue with arrival rate `lambda` \[1/h\]
/// and service time of mean `mean_service` \[h\] and squared coefficient of
/// variation `scv` (0 for deterministic, 1 for exponential). `None` unless
/// the inputs are finite, positive (`scv` ≥ 0) and ρ < 1.
///
/// # Examples
///
/// ```
/// use silkrail::queueing::pollaczek_khinchine;
///
/// // M/D/1 at ρ = 0.8: Wq = ρ / (2 μ (1 − ρ)) = 2.
/// let s = pollaczek_khinchine(0.8, 1.0, 0.0).unwrap();
/// assert!((s.wq - 2.0).abs() < 1e-12);
/// ```
pub fn pollaczek_khinchine(lambda: f64, mean_service: f64, scv: f64) -> Option<SteadyState> {
    let finite_positive = |x: f64| x > 0.0 && x.is_finite();
    if !(finite_positive(lambda) && finite_positive(mean_service) && scv >= 0.0 && scv.is_finite())
    {
        return None;
    }
    let rho = lambda * mean_service;
    if !(rho < 1.0) {
        return None;
    }
    let wq = rho * mean_service * (1.0 + scv) / (2.0 * (1.0 - rho));
    Some(SteadyState {
        p_wait: rho,
        wq,
        lq: lambda * wq,
        utilisation: rho,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_published_values() {
        // Values from the performance anchors (λ = 2.4, c = 3, μ = 1).
        let s = erlang_c(3, 2.4, 1.0).unwrap();
        assert!((s.p_wait - 0.64719).abs() < 5e-6);
        assert!((s.wq - 1.07865).abs() < 5e-6);
        assert!((s.lq - 2.58876).abs() < 5e-6);
        // M/M/1 closed form: Wq = ρ / (μ − λ).
        let m = erlang_c(1, 0.9, 1.0).unwrap();
        assert!((m.wq - 9.0).abs() < 1e-9);
        assert!(erlang_c(2, 2.0, 1.0).is_none(), "ρ = 1 is unstable");
        assert!(erlang_c(2, f64::NAN, 1.0).is_none());
    }

    /// Customers in the system are those queued and those in service at
    /// every instant, so the three time-weighted series, kept apart, must
    /// agree to the tick: a missed or extra change of the busy servers
    /// (which a departure that hands its server straight to the next
    /// customer does not record) breaks the sum.
    #[test]
    fn in_system_is_queue_plus_busy_to_the_tick() {
        let exp = |rate| rand_distr::Exp::new(rate).expect("valid rate");
        let station = Station::new(3, exp(2.4), exp(1.0), 1_000, 50_000, 7, 0);
        let mut sim = station.into_simulation();
        // Checked at points through the run, where servers are busy and
        // customers wait, and at its end.
        let mut checkpoints = 0;
        loop {
            let out = sim.run_events(7_919);
            let now = sim.now();
            let station = sim.model();
            let st = station.stats();
            assert_eq!(
                st.in_system.area(now),
                st.queue_len.area(now) + st.busy.area(now)
            );
            assert_eq!(st.busy.value(), u64::from(station.busy));
            assert_eq!(st.queue_len.value(), station.waiting.len() as u64);
            assert_eq!(st.in_system.value(), st.queue_len.value() + st.busy.value());
            checkpoints += 1;
            if out.stopped == crate::engine::StopReason::Exhausted {
                break;
            }
        }
        assert!(checkpoints > 10, "{checkpoints} checkpoints");
        let st = sim.model().stats();
        assert_eq!(st.busy.peak(), 3, "all three servers were busy at once");
        assert!(st.queue_len.peak() > 0 && st.departures > 49_000);
    }
}
