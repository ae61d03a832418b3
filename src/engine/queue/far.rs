//! The far future of the pending-event set: when many events are pending,
//! the heap keeps only the nearest of them, and the rest wait here,
//! sorted only roughly: in buckets of time (one rung of a ladder queue)
//! and, beyond the last bucket, in an unsorted list.
//!
//! A heap of `n` entries costs about `log₂ n` levels of sifting per event;
//! here an event costs a link into a bucket's list and, when the heap has
//! run dry and the bucket's turn comes, a share of one bottom-up heapify
//! of the bucket's few entries. The order does not change: every entry in the heap is due no
//! later than [`Far::heap_max`], and every entry here later than it, so the
//! heap's smallest (time, sequence) key is the queue's.
//!
//! The entries live in one slab, each bucket and the list beyond them a
//! chain of links through it (the links kept beside the entries), so that
//! the tiers reach a working size and then allocate nothing: a slot freed
//! by one entry takes the next.

use super::heap::{Entry, Heap};

/// Entries a bucket is cut to hold, judged from the times pending when the
/// rung is laid out. Since a bucket moves into the heap in one heapify,
/// smaller buckets pay: instructions per event with 1, 2, 4 and 8 were
/// 1,619, 1,634, 1,663 and 1,699 on the reference corridor, 345, 341,
/// 359 and 387 in the hold model at 1,000 pending, and 419, 434, 454 and
/// 485 at 100,000 (counted then in the release profile, an older build
/// than today's); wall times of 1, 2 and 4 were alike within the noise.
/// (With a push per entry, 4 had been best, against 8 and 32.)
const BUCKET_TARGET: usize = 2;
/// Entries in the heap (with the tiers off) above which the tiers start, at
/// least: up to it a heap is as fast as anything. (After a stop with many
/// entries left in the heap, the threshold is twice their number.)
const SPILL_AT: usize = 64;
/// Entries left beyond the rung at or below which the tiers stop and the
/// heap takes everything again (below [`SPILL_AT`], so that a queue near
/// the threshold does not switch back and forth).
const STOP_AT: usize = SPILL_AT / 2;
/// The most buckets of a rung.
const MAX_BUCKETS: usize = 1 << 16;
/// The end of a chain.
const NIL: u32 = u32::MAX;

/// The events due after the heap's horizon.
pub(super) struct Far<E> {
    /// The latest time \[ms\] the heap takes; later events are here.
    /// `u64::MAX` while the tiers are off (and only then: a bucket that
    /// reaches the end of time turns them off).
    heap_max: u64,
    /// While the tiers are off, the heap's size above which they start
    /// ([`SPILL_AT`], or more after [`switch_off`](Self::switch_off));
    /// `usize::MAX` while they run.
    spill_at: usize,
    /// The rung: bucket `j` holds the entries due in `[start + j·width,
    /// start + (j + 1)·width)`, the last one up to `rung_max` inclusive,
    /// with `width = 2^shift` (a shift, not a division, finds the bucket).
    start: u64,
    shift: u32,
    rung_max: u64,
    /// Buckets laid out and the next to move into the heap.
    count: usize,
    next: usize,
    /// The first slot of each bucket's chain (the first `count` are the
    /// rung's).
    heads: Vec<u32>,
    /// The chain of entries due after `rung_max`, unsorted, and its length.
    top: u32,
    top_len: usize,
    /// The slab: each slot's entry (none while the slot is free) and, in
    /// a vector of their own, the next slot of its chain. Kept apart from
    /// the entries, the links of a chain are walked sixteen to a cache
    /// line, and the loads of the entries a walk moves need not wait on
    /// each other. With each link in its entry's slot, the hold model at
    /// 100,000 pending took 1.5 to 1.8 times as long, timed in turns; the
    /// walk's serial loads are the likely reason, not a measured one.
    entries: Vec<Option<Entry<E>>>,
    links: Vec<u32>,
    /// The chain of free slots.
    free: u32,
    /// The times beyond the rung, gathered to lay out the next one.
    times: Vec<u64>,
    /// Entries here.
    len: usize,
    /// Rungs laid out so far (for the tests of the tiers' cost).
    #[cfg(test)]
    pub(super) rungs: u32,
}

impl<E> Far<E> {
    pub(super) fn new() -> Self {
        Far {
            heap_max: u64::MAX,
            spill_at: SPILL_AT,
            start: 0,
            shift: 0,
            rung_max: 0,
            count: 0,
            next: 0,
            heads: Vec::new(),
            top: NIL,
            top_len: 0,
            entries: Vec::new(),
            links: Vec::new(),
            free: NIL,
            times: Vec::new(),
            len: 0,
            #[cfg(test)]
            rungs: 0,
        }
    }

    /// No entries yet, with room for `capacity` if that is more than
    /// start the tiers.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let mut far = Self::new();
        if capacity > SPILL_AT {
            far.entries.reserve(capacity);
            far.links.reserve(capacity);
            far.times.reserve(capacity);
        }
        far
    }

    /// The latest time \[ms\] the heap takes.
    #[inline]
    pub(super) fn heap_max(&self) -> u64 {
        self.heap_max
    }

    /// The heap's size above which the tiers start (never, while they
    /// run).
    #[inline]
    pub(super) fn spill_at(&self) -> usize {
        self.spill_at
    }

    /// Entries here.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Keeps an entry due after [`heap_max`](Self::heap_max).
    #[inline(always)]
    pub(super) fn push(&mut self, e: Entry<E>) {
        debug_assert!(e.key.time > self.heap_max);
        let t = e.key.time;
        let s = self.store(e);
        if t <= self.rung_max && self.next < self.count {
            let j = self.bucket_of(t);
            self.links[s as usize] = self.heads[j];
            self.heads[j] = s;
        } else {
            self.link_top(s);
        }
        self.len += 1;
    }

    /// The bucket of the rung that holds time `t` (at most `rung_max`).
    #[inline]
    fn bucket_of(&self, t: u64) -> usize {
        (((t - self.start) >> self.shift) as usize).min(self.count - 1)
    }

    /// Puts slot `s` at the head of the chain beyond the rung.
    #[inline]
    fn link_top(&mut self, s: u32) {
        self.links[s as usize] = self.top;
        self.top = s;
        self.top_len += 1;
    }

    /// The time \[ms\] of the entry in chained slot `s`.
    #[inline]
    fn time_at(&self, s: u32) -> u64 {
        self.entries[s as usize]
            .as_ref()
            .expect("a chained slot holds an entry")
            .key
            .time
    }

    /// Puts `e` in a free slot (a new one if none is free).
    #[inline(always)]
    fn store(&mut self, e: Entry<E>) -> u32 {
        if self.free == NIL {
            let s = u32::try_from(self.entries.len())
                .ok()
                .filter(|&s| s != NIL)
                .expect("fewer than 2³² - 1 events pending");
            self.entries.push(Some(e));
            self.links.push(NIL);
            s
        } else {
            let s = self.free;
            self.free = self.links[s as usize];
            self.entries[s as usize] = Some(e);
            s
        }
    }

    /// Moves the entries of the chain from slot `s` into the heap, which
    /// is empty, and frees their slots.
    fn drain_chain(&mut self, mut s: u32, heap: &mut Heap<E>) {
        debug_assert_eq!(heap.len(), 0);
        while s != NIL {
            let e = self.entries[s as usize]
                .take()
                .expect("a chained slot holds an entry");
            let next = std::mem::replace(&mut self.links[s as usize], self.free);
            self.free = s;
            self.len -= 1;
            heap.push_unordered(e);
            s = next;
        }
        heap.order();
    }

    /// Starts the tiers (the heap has grown past [`spill_at`]
    /// (Self::spill_at)): everything moves here, and the nearest bucket
    /// back.
    #[cold]
    #[inline(never)]
    pub(super) fn spill(&mut self, heap: &mut Heap<E>) {
        debug_assert_eq!(self.heap_max, u64::MAX);
        self.spill_at = usize::MAX;
        self.count = 0;
        self.next = 0;
        for e in heap.drain_all() {
            let s = self.store(e);
            self.link_top(s);
            self.len += 1;
        }
        self.refill(heap);
    }

    /// Moves the next entries into the heap, which is empty: the next
    /// bucket that holds any, laying out a new rung from the entries
    /// beyond the last one when the rung is used up, or all of them, with
    /// the tiers off, when few are left.
    pub(super) fn refill(&mut self, heap: &mut Heap<E>) {
        debug_assert_eq!(heap.len(), 0);
        while self.len > 0 {
            if self.next == self.count {
                if self.top_len <= STOP_AT {
                    let top = std::mem::replace(&mut self.top, NIL);
                    self.top_len = 0;
                    self.drain_chain(top, heap);
                    self.switch_off(heap.len());
                    return;
                }
                self.lay_out_rung();
            }
            let j = self.next;
            self.next += 1;
            self.heap_max = self.last_of(j);
            let head = std::mem::replace(&mut self.heads[j], NIL);
            self.drain_chain(head, heap);
            if self.heap_max == u64::MAX {
                // The bucket reached the end of time: nothing is left here
                // (no later bucket or entry beyond the rung can hold
                // anything), and the heap takes everything from now on.
                debug_assert_eq!(self.len, 0);
                self.switch_off(heap.len());
                return;
            }
            if heap.len() > 0 {
                return;
            }
        }
    }

    /// Turns the tiers off, everything here having moved into the heap,
    /// which now holds `in_heap` entries: they start again once the heap
    /// grows past [`SPILL_AT`], or past twice its size now if that is
    /// more (so that a crowd of entries at one instant, at the end of time
    /// say, does not start and stop them at every push).
    fn switch_off(&mut self, in_heap: usize) {
        self.heap_max = u64::MAX;
        self.spill_at = SPILL_AT.max(2 * in_heap);
        self.count = 0;
        self.next = 0;
    }

    /// The last time \[ms\] bucket `j` of the rung holds (the end of time
    /// if its end is past it).
    fn last_of(&self, j: usize) -> u64 {
        let end = u128::from(self.start) + ((j as u128 + 1) << self.shift) - 1;
        u64::try_from(end).unwrap_or(u64::MAX)
    }

    /// Spreads the `n` entries beyond the rung over a new one of `n /`
    /// [`BUCKET_TARGET`] `+ 1` buckets (at most [`MAX_BUCKETS`]) from the
    /// earliest, those due after its last bucket staying beyond it. The
    /// buckets together span twice what the earlier half of the entries
    /// spans (each rounded up to a power of two, at least 1 ms): the rung
    /// takes at least that half however the times crowd (ties, a few
    /// entries at the end of time), so that laying out, which visits every
    /// entry beyond the rung, costs a bounded number of steps per entry.
    fn lay_out_rung(&mut self) {
        let n = self.top_len;
        debug_assert!(n > STOP_AT);
        #[cfg(test)]
        {
            self.rungs += 1;
        }
        self.times.clear();
        let mut s = self.top;
        while s != NIL {
            self.times.push(self.time_at(s));
            s = self.links[s as usize];
        }
        let start = self.times.iter().copied().min().unwrap_or(0);
        let middle = *self.times.select_nth_unstable(n / 2).1;
        let count = (n / BUCKET_TARGET + 1).min(MAX_BUCKETS);
        // Twice the earlier half's span over the buckets: the rung covers
        // it, and at an even density holds about BUCKET_TARGET a bucket.
        let width = (2 * u128::from(middle - start) / count as u128).max(1);
        self.shift = width
            .checked_next_power_of_two()
            .map_or(127, u128::trailing_zeros)
            .min(63);
        self.start = start;
        self.count = count;
        self.next = 0;
        self.rung_max = self.last_of(self.count - 1);
        if self.heads.len() < self.count {
            self.heads.resize(self.count.next_power_of_two(), NIL);
        }
        self.heads[..self.count].fill(NIL);
        let mut s = std::mem::replace(&mut self.top, NIL);
        self.top_len = 0;
        while s != NIL {
            let (t, next) = (self.time_at(s), self.links[s as usize]);
            if t <= self.rung_max {
                let j = self.bucket_of(t);
                self.links[s as usize] = std::mem::replace(&mut self.heads[j], s);
            } else {
                self.link_top(s);
            }
            s = next;
        }
    }
}
