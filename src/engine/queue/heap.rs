//! The binary heap of the pending-event set, and its entries.

use std::cmp::Ordering;

/// One heap entry: the (time, seq) key and the payload.
///
/// What the engine bench chose (`cargo bench --bench engine`, each against a
/// hand-rolled `BinaryHeap` loop in the same run): `std`'s `BinaryHeap`
/// inside the kernel left `pop` as an out-of-line call and made M/M/1 45 %
/// slower than the hand-rolled loop; a 4-ary heap was 13–35 % slower at 16
/// and 1,000 pending events; this small binary heap inlines into the run
/// loop and runs M/M/1 5–15 % faster than the reference, and the hold
/// model from 14 % slower to 9 % faster, depending on size and run.
pub(super) struct Entry<E> {
    pub(super) key: Key,
    pub(super) event: E,
}

/// Total order of entries: time first, then insertion sequence. Keys are
/// unique because the sequence number never repeats.
///
/// Compared as one `u128` (time in the high half), which compiles to a
/// branch-free comparison, while the two `u64` halves keep an entry 8-byte
/// aligned (a `u128` field would pad every entry to 16-byte alignment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) time: u64,
    pub(super) seq: u64,
}

impl Key {
    #[inline]
    pub(super) fn wide(self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

impl PartialOrd for Key {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.wide().cmp(&other.wide())
    }
}

/// Children per node of the heap.
const ARITY: usize = 2;

/// A binary min-heap of entries in safe code, small enough to inline into
/// the run loop.
///
/// Removing the top is split in two, which is what makes replace-top
/// possible without `unsafe` or an `Option` per entry: [`take_top`]
/// (Self::take_top) moves the last entry into the root (`swap_remove`) and
/// only marks the root as out of place. If the handler then schedules an
/// event, [`push`](Self::push) puts the new entry at the root instead and
/// sends the displaced last entry back to the slot it came from, so one
/// sift-down restores the heap where pop-then-push needed a sift-down and a
/// sift-up. If nothing is pushed, the next look at the top sifts the root
/// down first.
pub(super) struct Heap<E> {
    v: Vec<Entry<E>>,
    /// The root may be larger than its children (see [`take_top`](Self::take_top)).
    root_out_of_place: bool,
}

impl<E> Heap<E> {
    pub(super) fn with_capacity(n: usize) -> Self {
        Heap {
            v: Vec::with_capacity(n),
            root_out_of_place: false,
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.v.len()
    }

    /// The smallest entry.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<&Entry<E>> {
        self.settle();
        self.v.first()
    }

    /// Restores the heap below the root if [`take_top`](Self::take_top)
    /// left it out of place.
    #[inline]
    fn settle(&mut self) {
        if self.root_out_of_place {
            self.root_out_of_place = false;
            self.sift_down(0);
        }
    }

    /// Adds an entry; returns whether the heap grew (it does not when the
    /// entry replaces the top taken out by [`take_top`](Self::take_top)).
    #[inline(always)]
    pub(super) fn push(&mut self, e: Entry<E>) -> bool {
        let w = e.key.wide();
        self.v.push(e);
        let last = self.v.len() - 1;
        if self.root_out_of_place {
            // Replace-top: the new entry takes the root; the entry that
            // `take_top` moved up goes back to its old slot (the one `push`
            // just filled), under its old parent, so only the root can be
            // out of place.
            self.root_out_of_place = false;
            self.v.swap(0, last);
            self.sift_down(0);
            return false;
        }
        let mut i = last;
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if w < self.v[parent].key.wide() {
                self.v.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
        true
    }

    /// Adds an entry to a heap that is being filled: it is not ordered
    /// until [`order`](Self::order).
    #[inline]
    pub(super) fn push_unordered(&mut self, e: Entry<E>) {
        self.v.push(e);
    }

    /// Orders the heap bottom-up (Floyd) after entries were added with
    /// [`push_unordered`](Self::push_unordered) to an empty heap: fewer
    /// steps than pushing them one at a time, each of which sifts up and
    /// checks for a top to replace.
    #[inline]
    pub(super) fn order(&mut self) {
        self.root_out_of_place = false;
        // The nodes with children, the last first.
        for i in (0..(self.v.len() + ARITY - 2) / ARITY).rev() {
            self.sift_down(i);
        }
    }

    /// Takes every entry out, in no particular order (the heap keeps its
    /// capacity).
    pub(super) fn drain_all(&mut self) -> std::vec::Drain<'_, Entry<E>> {
        self.root_out_of_place = false;
        self.v.drain(..)
    }

    /// Removes the smallest entry, leaving the root out of place.
    #[inline]
    pub(super) fn take_top(&mut self) -> Option<Entry<E>> {
        self.settle();
        if self.v.is_empty() {
            return None;
        }
        let top = self.v.swap_remove(0);
        self.root_out_of_place = self.v.len() > 1;
        Some(top)
    }

    /// Moves the entry at `i` down until it is no larger than its children.
    #[inline]
    fn sift_down(&mut self, mut i: usize) {
        let n = self.v.len();
        let w = self.v[i].key.wide();
        loop {
            let first = ARITY * i + 1;
            if first >= n {
                break;
            }
            let end = (first + ARITY).min(n);
            let mut m = first;
            let mut mw = self.v[first].key.wide();
            for c in first + 1..end {
                let cw = self.v[c].key.wide();
                if cw < mw {
                    m = c;
                    mw = cw;
                }
            }
            if mw < w {
                self.v.swap(i, m);
                i = m;
            } else {
                break;
            }
        }
    }
}
