//! The domain-free simulation kernel: a clock, a pending-event set and a run
//! loop, generic over the model's event type.
//!
//! A model is any type that implements [`Model`]: it receives one event at a
//! time together with a [`Scheduler`], through which it reads the clock and
//! schedules or cancels future events. [`Simulation`] owns the model and the
//! scheduler and drives the loop. The kernel knows nothing about trains.
//!
//! # Ordering guarantees
//!
//! - Events leave the queue in order of time; events due at the **same
//!   time leave in the order they were scheduled** (an insertion sequence
//!   number breaks every tie, so the order is total and deterministic).
//! - The clock never runs backwards: [`Scheduler::schedule_at`] returns
//!   [`ScheduleError::InPast`] for an instant before now, and
//!   [`Scheduler::schedule_in`] takes a [`SimDuration`], which cannot be
//!   negative.
//! - A cancelled event never fires. Cancellation is O(1) and lazy.
//!
//! The kernel holds no global state, draws no random numbers and uses no
//! `unsafe`; in steady state the run loop does not allocate per event.
//!
//! # Examples
//!
//! A clock that ticks every hour and stops itself after three ticks:
//!
//! ```
//! use silkrail::engine::{Model, Scheduler, Simulation};
//! use silkrail::time::{SimDuration, SimTime};
//!
//! struct Clock { ticks: u32 }
//!
//! impl Model for Clock {
//!     type Event = ();
//!     fn handle(&mut self, _event: (), scheduler: &mut Scheduler<()>) {
//!         self.ticks += 1;
//!         if self.ticks < 3 {
//!             scheduler.schedule_in(SimDuration::from_hours(1), ());
//!         }
//!     }
//! }
//!
//! let mut sim = Simulation::new(Clock { ticks: 0 });
//! sim.scheduler_mut().schedule_at(SimTime::ZERO, ())?;
//! let outcome = sim.run();
//! assert_eq!(outcome.events, 3);
//! assert_eq!(sim.now(), SimTime::from_hours(2));
//! # Ok::<(), silkrail::engine::ScheduleError>(())
//! ```

mod queue;

pub use queue::EventKey;
use queue::EventQueue;

use crate::time::{SimDuration, SimTime};

/// A model driven by the kernel.
pub trait Model {
    /// The events this model schedules and handles.
    type Event;

    /// Handles one event at time `scheduler.now()`.
    fn handle(&mut self, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);
}

/// Scheduling an event failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The requested instant is before the current time.
    #[error("cannot schedule an event at {at}: the clock already reads {now}")]
    InPast {
        /// The requested instant.
        at: SimTime,
        /// The clock when the request was made.
        now: SimTime,
    },
}

/// The clock and the pending events: what a model sees while it handles an
/// event.
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at time zero with nothing pending.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
        }
    }

    /// A scheduler with room for `capacity` pending events before it has to
    /// grow (the due-now list and the cancelled set grow as they need).
    pub fn with_capacity(capacity: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::with_capacity(capacity),
        }
    }

    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` after `delay` from now (zero is allowed: the event
    /// fires after every event already due now).
    ///
    /// # Panics
    ///
    /// If `now + delay` overflows [`SimTime::MAX`] (about 584 million years).
    #[inline(always)]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> EventKey {
        self.queue.push(self.now + delay, event)
    }

    /// Schedules `event` at the instant `at`.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::InPast`] if `at` is before [`now`](Self::now).
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> Result<EventKey, ScheduleError> {
        if at < self.now {
            return Err(ScheduleError::InPast { at, now: self.now });
        }
        Ok(self.queue.push(at, event))
    }

    /// Cancels a scheduled event. Returns `false` if it already fired or was
    /// already cancelled.
    pub fn cancel(&mut self, key: EventKey) -> bool {
        self.queue.cancel(key)
    }

    /// The number of events scheduled and not yet fired or cancelled.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// When the next event is due, if any.
    pub fn next_time(&mut self) -> Option<SimTime> {
        self.queue.peek_time()
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// No events remain.
    Exhausted,
    /// The next event is due after the horizon; the clock was set to the
    /// horizon.
    Horizon,
    /// The caller's predicate asked to stop.
    Predicate,
    /// The event budget given to [`Simulation::run_events`] was used up.
    EventLimit,
}

/// What a call to a run method did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    /// Events handled during this call.
    pub events: u64,
    /// Why the call returned.
    pub stopped: StopReason,
}

/// A model and its scheduler: the run loop.
pub struct Simulation<M: Model> {
    model: M,
    scheduler: Scheduler<M::Event>,
    events: u64,
}

impl<M: Model> Simulation<M> {
    /// A simulation of `model` at time zero with nothing scheduled.
    pub fn new(model: M) -> Self {
        Simulation {
            model,
            scheduler: Scheduler::new(),
            events: 0,
        }
    }

    /// A simulation of `model` whose scheduler has room for `capacity`
    /// pending events.
    pub fn with_capacity(model: M, capacity: usize) -> Self {
        Simulation {
            model,
            scheduler: Scheduler::with_capacity(capacity),
            events: 0,
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.scheduler.now
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably (e.g. to reset statistics after a warm-up).
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// The scheduler, e.g. to seed the first events.
    pub fn scheduler_mut(&mut self) -> &mut Scheduler<M::Event> {
        &mut self.scheduler
    }

    /// The model and the scheduler at once.
    pub fn parts_mut(&mut self) -> (&mut M, &mut Scheduler<M::Event>) {
        (&mut self.model, &mut self.scheduler)
    }

    /// Total events handled since the simulation was created.
    pub fn events_handled(&self) -> u64 {
        self.events
    }

    /// Gives back the model.
    pub fn into_model(self) -> M {
        self.model
    }

    /// Handles the next event, if any, and returns its time.
    pub fn step(&mut self) -> Option<SimTime> {
        let (time, event) = self.scheduler.queue.pop()?;
        self.dispatch(time, event);
        Some(time)
    }

    #[inline]
    fn dispatch(&mut self, time: SimTime, event: M::Event) {
        debug_assert!(time >= self.scheduler.now, "the clock ran backwards");
        self.scheduler.now = time;
        self.events += 1;
        self.model.handle(event, &mut self.scheduler);
    }

    /// Runs until no events remain.
    pub fn run(&mut self) -> RunOutcome {
        let start = self.events;
        while let Some((time, event)) = self.scheduler.queue.pop() {
            self.dispatch(time, event);
        }
        RunOutcome {
            events: self.events - start,
            stopped: StopReason::Exhausted,
        }
    }

    /// Handles every event due at or before `horizon`, then sets the clock
    /// to `horizon` (if it is later than now). Events after the horizon stay
    /// pending, so a later call continues the same run.
    pub fn run_until(&mut self, horizon: SimTime) -> RunOutcome {
        let start = self.events;
        while let Some((time, event)) = self.scheduler.queue.pop_until(horizon) {
            self.dispatch(time, event);
        }
        let stopped = if self.scheduler.queue.is_empty() {
            StopReason::Exhausted
        } else {
            StopReason::Horizon
        };
        if horizon > self.scheduler.now {
            self.scheduler.now = horizon;
        }
        RunOutcome {
            events: self.events - start,
            stopped,
        }
    }

    /// Handles at most `limit` events.
    pub fn run_events(&mut self, limit: u64) -> RunOutcome {
        let start = self.events;
        let end = start.saturating_add(limit);
        while self.events < end {
            match self.scheduler.queue.pop() {
                Some((time, event)) => self.dispatch(time, event),
                None => {
                    return RunOutcome {
                        events: self.events - start,
                        stopped: StopReason::Exhausted,
                    };
                }
            }
        }
        RunOutcome {
            events: self.events - start,
            stopped: StopReason::EventLimit,
        }
    }

    /// Handles events while `keep_going(model, now)` holds, checking before
    /// each event.
    pub fn run_while(&mut self, mut keep_going: impl FnMut(&M, SimTime) -> bool) -> RunOutcome {
        let start = self.events;
        let stopped = loop {
            if !keep_going(&self.model, self.scheduler.now) {
                break StopReason::Predicate;
            }
            match self.scheduler.queue.pop() {
                Some((time, event)) => self.dispatch(time, event),
                None => break StopReason::Exhausted,
            }
        };
        RunOutcome {
            events: self.events - start,
            stopped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder {
        seen: Vec<(SimTime, u32)>,
    }

    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, event: u32, scheduler: &mut Scheduler<u32>) {
            self.seen.push((scheduler.now(), event));
        }
    }

    #[test]
    fn scheduling_into_the_past_is_an_error() {
        let mut sim = Simulation::new(Recorder { seen: vec![] });
        sim.scheduler_mut()
            .schedule_at(SimTime::from_hours(2), 1)
            .unwrap();
        sim.run();
        let err = sim
            .scheduler_mut()
            .schedule_at(SimTime::from_hours(1), 2)
            .unwrap_err();
        assert_eq!(
            err,
            ScheduleError::InPast {
                at: SimTime::from_hours(1),
                now: SimTime::from_hours(2)
            }
        );
    }

    #[test]
    fn run_until_stops_at_horizon_and_resumes() {
        let mut sim = Simulation::new(Recorder { seen: vec![] });
        for h in [1, 2, 3] {
            sim.scheduler_mut()
                .schedule_at(SimTime::from_hours(h), h as u32)
                .unwrap();
        }
        let out = sim.run_until(SimTime::from_hours(2));
        assert_eq!(out.events, 2);
        assert_eq!(out.stopped, StopReason::Horizon);
        assert_eq!(sim.now(), SimTime::from_hours(2));
        let out = sim.run_until(SimTime::from_hours(10));
        assert_eq!(out.events, 1);
        assert_eq!(out.stopped, StopReason::Exhausted);
        assert_eq!(sim.now(), SimTime::from_hours(10));
        assert_eq!(sim.events_handled(), 3);
    }

    #[test]
    fn run_while_checks_before_each_event() {
        let mut sim = Simulation::new(Recorder { seen: vec![] });
        for h in 0..10 {
            sim.scheduler_mut()
                .schedule_at(SimTime::from_hours(h), h as u32)
                .unwrap();
        }
        let out = sim.run_while(|m, _| m.seen.len() < 4);
        assert_eq!(out.events, 4);
        assert_eq!(out.stopped, StopReason::Predicate);
    }
}
