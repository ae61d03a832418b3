//! The pending-event set: a binary heap keyed by (time, insertion sequence)
//! with replace-top, buckets of the far future once many events are
//! pending ([`far`]), a first-in, first-out list for events due now, and
//! lazy cancellation.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use crate::time::SimTime;

mod far;
mod heap;
use far::Far;
use heap::{Entry, Heap, Key};

/// Identifies one scheduled event, for [`Scheduler::cancel`](super::Scheduler::cancel).
///
/// A key is only meaningful for the queue (or scheduler) that issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    time: SimTime,
    seq: u64,
}

impl EventKey {
    /// When the event is due.
    pub fn time(self) -> SimTime {
        self.time
    }

    /// Its insertion sequence number: among events due at the same time,
    /// the lower number fires first.
    pub fn seq(self) -> u64 {
        self.seq
    }
}

/// A hasher for sequence numbers, which are unique integers: one multiply
/// spreads them well enough, and nothing ever iterates the set it serves.
#[derive(Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A priority queue of events ordered by (time, insertion sequence).
///
/// Events due at the same time leave in the order they were pushed.
/// Cancellation is lazy: a cancelled event stays where it is and is
/// skipped when it reaches the front, so cancelling many events costs no
/// more than scheduling them (amortised O(1): a cancel also scans the
/// cancelled events dropped from the front since the last cancel and
/// not yet passed by a pop). After warm-up the queue allocates nothing: the heap, the far
/// tiers' slab and lists, the due-now list and the cancelled set reuse
/// their capacity.
///
/// With more than 64 events in the heap, the far future moves out of it
/// into buckets of time (the `far` module), and the heap keeps the nearest
/// few: the hold model at 1,000 pending events costs about 341
/// instructions an event this way, against 512 with the heap alone (434
/// against 780 at 100,000). Up to 64 the tiers cost a few instructions an
/// event (a comparison a push, two when the heap grows): 290 against 286
/// at 16 pending, 258 against 249 on M/M/3 (four pending). (All counted
/// in the release profile before sampled durations converted to ticks
/// through `i64`, before the pushes inlined into the model's handler and
/// before a bucket moved into the heap by a plain loop; since, the tiered
/// queue counts 322 at 1,000 pending, 415 at 100,000, 278 at 16 and 223 on
/// M/M/3 in the release profile; with the far tier's links kept apart from
/// its entries, 332 at 1,000 and 426 at 100,000, the others unchanged, the
/// tiers being off there.)
///
/// An event pushed for the instant of the last event popped (a step of
/// zero length) skips the heap: it goes to the back of a first-in,
/// first-out list of events due now, which costs a few instructions where
/// the heap costs a sift. The order stays exactly (time, sequence): an
/// entry in the heap due at that same instant was pushed before the clock
/// got there, so before every entry of the list, and leaves first.
pub struct EventQueue<E> {
    heap: Heap<E>,
    /// The events due after the heap's horizon, once many are pending.
    far: Far<E>,
    due_now: VecDeque<Entry<E>>,
    cancelled: HashSet<u64, BuildHasherDefault<SeqHasher>>,
    next_seq: u64,
    /// The time of the last entry popped (fired) \[ms\], 0 before the
    /// first; skipped cancelled entries leave it.
    now: u64,
    /// The key of the last entry popped (fired). Every entry still queued
    /// has a larger key.
    last_popped: Option<Key>,
    /// Cancelled entries dropped from the front (by a look at the front
    /// that popped nothing, such as [`peek_time`](Self::peek_time), or on
    /// the way to a pop): an event scheduled afterwards may be due before
    /// them, so `last_popped` may not cover them, and cancelling one again
    /// must still answer `false`. Those `last_popped` covers are dropped
    /// from the list at the next cancel.
    dropped_ahead: Vec<Key>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the next entry leaves from.
enum Front {
    Heap,
    DueNow,
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Heap::with_capacity(0),
            far: Far::new(),
            due_now: VecDeque::new(),
            cancelled: HashSet::default(),
            next_seq: 0,
            now: 0,
            last_popped: None,
            dropped_ahead: Vec::new(),
        }
    }

    /// An empty queue with room for `capacity` pending events (in the
    /// heap, and in the far tiers if that is more than start them).
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Heap::with_capacity(capacity),
            far: Far::with_capacity(capacity),
            ..Self::new()
        }
    }

    /// Adds an event due at `time`. The queue itself does not check the
    /// clock: [`Scheduler`](super::Scheduler) rejects times in the past.
    #[inline(always)]
    pub fn push(&mut self, time: SimTime, event: E) -> EventKey {
        let key = EventKey {
            time,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        debug_assert!(
            time.as_millis() >= self.now,
            "pushed before the last event popped"
        );
        let entry = Entry {
            key: Key {
                time: time.as_millis(),
                seq: key.seq,
            },
            event,
        };
        if entry.key.time == self.now {
            self.due_now.push_back(entry);
        } else if entry.key.time <= self.far.heap_max() {
            // (Replacing the top does not grow the heap.)
            if self.heap.push(entry) && self.heap.len() > self.far.spill_at() {
                self.far.spill(&mut self.heap);
            }
        } else {
            self.far.push(entry);
        }
        key
    }

    /// Cancels a pending event. Returns `false` if it already fired or was
    /// already cancelled.
    pub fn cancel(&mut self, key: EventKey) -> bool {
        let k = Key {
            time: key.time.as_millis(),
            seq: key.seq,
        };
        if self.last_popped.is_some_and(|last| k <= last) || key.seq >= self.next_seq {
            return false;
        }
        if !self.dropped_ahead.is_empty() {
            // Those a pop has passed since are covered by `last_popped`.
            let last = self.last_popped;
            self.dropped_ahead
                .retain(|&d| last.is_none_or(|last| d > last));
            if self.dropped_ahead.contains(&k) {
                return false;
            }
        }
        self.cancelled.insert(key.seq)
    }

    /// Which list holds the earliest live entry, dropping cancelled ones
    /// from the fronts on the way.
    #[inline]
    fn front(&mut self) -> Option<Front> {
        loop {
            let from = match (self.heap.peek(), self.due_now.front()) {
                // A heap entry due now was pushed before the clock got
                // here, before everything in the due-now list.
                (Some(top), _) if top.key.time == self.now => Front::Heap,
                (_, Some(_)) => Front::DueNow,
                (Some(_), None) => Front::Heap,
                // The heap has run dry: the next of the far future
                // moves in (due after now, after the due-now list).
                (None, None) if self.far.len() > 0 => {
                    self.far.refill(&mut self.heap);
                    continue;
                }
                (None, None) => return None,
            };
            if self.cancelled.is_empty() {
                return Some(from);
            }
            let key = match from {
                Front::Heap => self.heap.peek().map(|e| e.key),
                Front::DueNow => self.due_now.front().map(|e| e.key),
            }
            .expect("the front exists");
            if !self.cancelled.remove(&key.seq) {
                return Some(from);
            }
            self.dropped_ahead.push(key);
            match from {
                Front::Heap => drop(self.heap.take_top()),
                Front::DueNow => drop(self.due_now.pop_front()),
            }
        }
    }

    /// When the next live event is due, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        let time = match self.front()? {
            Front::Heap => self.heap.peek().map(|e| e.key.time),
            Front::DueNow => Some(self.now),
        }?;
        Some(SimTime::from_millis(time))
    }

    /// Removes and returns the earliest live event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let from = self.front()?;
        self.take(from)
    }

    /// Removes and returns the earliest live event if it is due at or before
    /// `horizon`.
    #[inline]
    pub fn pop_until(&mut self, horizon: SimTime) -> Option<(SimTime, E)> {
        // One look at the front serves both the horizon check and the pop.
        let from = self.front()?;
        let time = match from {
            Front::Heap => self.heap.peek().map(|e| e.key.time)?,
            Front::DueNow => self.now,
        };
        if time > horizon.as_millis() {
            return None;
        }
        self.take(from)
    }

    /// Removes the entry at the front `from` (as [`front`](Self::front)
    /// found it) and moves the clock to it.
    #[inline]
    fn take(&mut self, from: Front) -> Option<(SimTime, E)> {
        let entry = match from {
            Front::Heap => self.heap.take_top(),
            Front::DueNow => self.due_now.pop_front(),
        }?;
        self.last_popped = Some(entry.key);
        self.now = entry.key.time;
        Some((SimTime::from_millis(entry.key.time), entry.event))
    }

    /// Number of live (scheduled, not yet fired, not cancelled) events.
    /// (A key from another queue would count as cancelled here without
    /// being queued; the count saturates rather than underflow.)
    pub fn len(&self) -> usize {
        (self.heap.len() + self.far.len() + self.due_now.len()).saturating_sub(self.cancelled.len())
    }

    /// Whether no live event remains.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_leave_in_push_order() {
        let mut q = EventQueue::new();
        let t = SimTime::from_hours(1);
        for i in 0..10 {
            q.push(t, i);
        }
        q.push(SimTime::ZERO, 99);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, [99, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn cancel_is_exact() {
        let mut q = EventQueue::new();
        let a = q.push(SimTime::from_hours(1), 'a');
        let b = q.push(SimTime::from_hours(2), 'b');
        let c = q.push(SimTime::from_hours(3), 'c');
        assert!(q.cancel(b));
        assert!(!q.cancel(b), "second cancel of the same event");
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop(), Some((SimTime::from_hours(1), 'a')));
        assert!(!q.cancel(a), "already fired");
        assert_eq!(q.pop(), Some((SimTime::from_hours(3), 'c')));
        assert!(!q.cancel(c));
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
    }

    /// Replace-top and the deferred sift must keep the exact (time, seq)
    /// order: random pushes (many ties), pops, pushes right after a pop
    /// and cancellations, checked against a sorted model of the queue.
    #[test]
    fn interleaved_operations_match_a_sorted_model() {
        match_a_sorted_model(20_000, |next, now, _| now + next() % 5, 3);
    }

    /// The far tiers (buckets and the list beyond them) keep the order
    /// too: thousands pending, so that the heap spills into them, drains
    /// and spills again, at delays from none to years, with clusters of
    /// ties, and a few events at the end of time (scheduled early on and
    /// never popped: they stay pending through every spill and drain).
    #[test]
    fn far_tiers_match_a_sorted_model() {
        let delay = |next: &mut dyn FnMut() -> u64, now: u64, step: u32| match next() % 64 {
            0 if step < 2_000 => END_OF_TIME + next() % 3,
            1..=12 => now + next() % 4,
            13..=40 => now + next() % 3_600_000,
            _ => now + next() % 40_000_000_000,
        };
        let spills = match_a_sorted_model(300_000, delay, 6);
        assert!(spills >= 6, "the tiers started {spills} times");
    }

    /// Pops everything, checking the exact (time, sequence) order (the
    /// events carry their push order, so ties must leave in it).
    fn pop_all_in_order(q: &mut EventQueue<u32>) {
        let mut last: Option<(u64, u32)> = None;
        while let Some((t, e)) = q.pop() {
            let here = (t.as_millis(), e);
            assert!(last.is_none_or(|l| l < here), "{last:?} then {here:?}");
            last = Some(here);
        }
    }

    /// Times that crowd on whole hours (20 events an hour) do not make
    /// the tiers lay out a rung per hour: each rung takes at least the
    /// earlier half of what is beyond the last, so 10,000 events need at
    /// most ⌈log₂ 10,000⌉ = 14 rungs after the first (laid out when the
    /// heap spilled), where buckets cut to the span of the earliest few
    /// would take one hour a rung, 500 in all.
    #[test]
    fn far_tiers_take_crowded_times_in_few_rungs() {
        let mut q = EventQueue::new();
        for i in 0..10_000u32 {
            q.push(SimTime::from_hours(u64::from(i % 500)), i);
        }
        pop_all_in_order(&mut q);
        assert!(q.far.rungs <= 1 + 14, "{} rungs", q.far.rungs);
    }

    /// A crowd at the end of time, beyond a few ordinary events, stops
    /// the tiers when its bucket moves into the heap; they start again
    /// when many more are pending; and a rung laid out from 300,000
    /// entries (capped at `MAX_BUCKETS` buckets, four to a bucket would
    /// take 75,001) keeps the order too.
    #[test]
    fn far_tiers_stop_at_the_end_of_time_and_start_again() {
        let mut q = EventQueue::new();
        for i in 0..40 {
            q.push(SimTime::from_millis(u64::MAX), i);
        }
        for i in 40..70 {
            q.push(SimTime::from_hours(u64::from(i)), i);
        }
        assert_ne!(q.far.heap_max(), u64::MAX, "the tiers started");
        for _ in 40..70 {
            assert!(
                q.pop()
                    .is_some_and(|(t, _)| t < SimTime::from_millis(u64::MAX))
            );
        }
        assert_eq!(q.peek_time(), Some(SimTime::from_millis(u64::MAX)));
        assert_eq!(q.far.heap_max(), u64::MAX, "stopped: all in the heap");
        let now = 70 * 3_600_000;
        for i in 0..300_000u32 {
            // Beyond the rung laid out when the tiers restart (from the
            // first 81), so that the next rung is laid out from them all.
            let scattered = u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) % 100_000_000;
            let t = if i < 100 {
                now + u64::from(i)
            } else {
                now + 1_000_000_000_000 + scattered
            };
            q.push(SimTime::from_millis(t), 100 + i);
        }
        assert_ne!(q.far.heap_max(), u64::MAX, "started again");
        assert_eq!(q.len(), 300_040);
        let rungs = q.far.rungs;
        pop_all_in_order(&mut q);
        assert!(q.is_empty());
        assert!(q.far.rungs > rungs, "a rung was laid out from the bulk");
    }

    /// Events at or after this time \[ms\] are not popped by
    /// [`match_a_sorted_model`].
    const END_OF_TIME: u64 = u64::MAX - 2;

    /// `steps` random operations on a queue and on a sorted model of it:
    /// pushes at `delay(next, now)`, pops (each followed half the time by a
    /// push, as replace-top) unless only events at [`END_OF_TIME`] are
    /// left, cancellations and peeks. Pushes outnumber pops for a phase of
    /// `steps / (2 · cycles)` steps, then pops outnumber pushes, so that
    /// the queue grows and empties again `cycles` times. Returns how many
    /// times the far tiers started.
    fn match_a_sorted_model(
        steps: u32,
        delay: impl Fn(&mut dyn FnMut() -> u64, u64, u32) -> u64,
        cycles: u32,
    ) -> u32 {
        use std::collections::BTreeMap;
        let mut q = EventQueue::new();
        let mut model: BTreeMap<(u64, u64), u32> = BTreeMap::new();
        let mut keys = Vec::new();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut now = 0u64;
        let phase = steps / (2 * cycles);
        let (mut spills, mut tiers_were_on) = (0, false);
        for step in 0..steps {
            let growing = step % (2 * phase) < phase;
            let op = match next() % 8 {
                4 if growing => 0,
                0..=2 if !growing => 3,
                op => op,
            };
            let only_the_end = model.keys().next().is_some_and(|&(t, _)| t >= END_OF_TIME);
            match op {
                3..=5 if only_the_end => {}
                0..=2 => {
                    let t = delay(&mut next, now, step);
                    let key = q.push(SimTime::from_millis(t), step);
                    model.insert((t, key.seq()), step);
                    keys.push(key);
                }
                3..=5 => {
                    let got = q.pop();
                    let want = model.pop_first();
                    assert_eq!(
                        got.map(|(t, e)| (t.as_millis(), e)),
                        want.map(|((t, _), e)| (t, e))
                    );
                    if let Some((t, _)) = got {
                        now = t.as_millis();
                        // Replace-top: schedule straight after the pop.
                        if next() % 2 == 0 {
                            let t = delay(&mut next, now, step);
                            let key = q.push(SimTime::from_millis(t), step);
                            model.insert((t, key.seq()), step);
                            keys.push(key);
                        }
                    }
                }
                6 => {
                    if !keys.is_empty() {
                        let key = keys[(next() % keys.len() as u64) as usize];
                        let live = model.remove(&(key.time().as_millis(), key.seq())).is_some();
                        assert_eq!(q.cancel(key), live);
                    }
                }
                _ => {
                    let want = model.keys().next().map(|&(t, _)| t);
                    assert_eq!(q.peek_time().map(SimTime::as_millis), want);
                }
            }
            assert_eq!(q.len(), model.len());
            let tiers_on = q.far.heap_max() != u64::MAX;
            spills += u32::from(tiers_on && !tiers_were_on);
            tiers_were_on = tiers_on;
        }
        spills
    }

    /// A look at the front that drops a cancelled event without popping
    /// anything must not make events scheduled afterwards, due before it,
    /// look fired; and the dropped one stays cancelled.
    #[test]
    fn cancel_after_a_peek_dropped_a_later_cancelled_event() {
        let mut q = EventQueue::new();
        let late = q.push(SimTime::from_hours(10), 'l');
        assert!(q.cancel(late));
        assert_eq!(q.peek_time(), None, "only a cancelled event is queued");
        let early = q.push(SimTime::from_hours(5), 'e');
        assert!(!q.cancel(late), "already cancelled (and dropped)");
        assert_eq!(q.len(), 1);
        assert!(q.cancel(early), "pending, due before the dropped one");
        assert!(q.is_empty());
        let after = q.push(SimTime::from_hours(7), 'a');
        assert_eq!(q.pop(), Some((SimTime::from_hours(7), 'a')));
        assert!(!q.cancel(after), "fired");
        assert!(!q.cancel(late), "still cancelled after a pop before it");
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn pop_until_respects_horizon() {
        let mut q = EventQueue::new();
        q.push(SimTime::from_hours(5), ());
        assert_eq!(q.pop_until(SimTime::from_hours(4)), None);
        assert!(q.pop_until(SimTime::from_hours(5)).is_some());
    }
}
