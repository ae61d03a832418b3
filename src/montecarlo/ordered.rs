//! An ordered parallel map with a bounded window: the runner's workers
//! take items in order as they free up, and the calling thread consumes
//! the results in item order, with at most `window` items taken and not
//! yet handed to the consumer.
//!
//! What it replaces: chunks of items run with `par_iter`, each chunk
//! waited for as a whole before the next began. Replications differ in
//! length, so at the end of every chunk one thread sat idle while the
//! other finished its last replication: with 8 items a chunk on 2 threads,
//! about half a replication of idle time in every four and a half, which
//! is what held the corridor's replications at 1.74-1.77x on 2 threads.
//! Here a thread that finishes takes the next item at once; only the
//! window (the memory bound) can hold it back, and only if the oldest
//! unconsumed item is still running while the others got `window` items
//! ahead.
//!
//! A worker never waits: one that finds the window full ends its job, and
//! the consumer starts new ones as the window moves. A worker that waited
//! inside the pool could deadlock a model that uses rayon itself: while
//! one of its items waits in a `join`, rayon may run another worker job on
//! the same thread, on top of that item, and a worker waiting there for
//! the window to move would wait for the item beneath it.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};

/// What one item's worker hands back: its value, or the panic it raised
/// (re-raised on the consuming thread).
type Outcome<T> = std::thread::Result<T>;

/// The state the workers and the consumer share, behind one lock (taken
/// twice an item: items are whole replications, milliseconds at least).
struct State<T> {
    /// The next item a worker takes.
    next: u64,
    /// Items consumed so far: the slots start at this item.
    consumed: u64,
    /// The outcomes of items `consumed..consumed + window`, where done.
    slots: VecDeque<Option<Outcome<T>>>,
    /// Worker jobs started and not yet ended.
    active: usize,
    /// Set when the consumer stops (done, an error, a panic): workers take
    /// no more items.
    stop: bool,
}

impl<T> State<T> {
    /// The item a worker may take next, if any: one within the window,
    /// while the consumer has not stopped.
    fn takeable(&self, len: u64, window: u64) -> bool {
        !self.stop && self.next < len && self.next < self.consumed + window
    }
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// Signalled when the oldest unconsumed item is done.
    done: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic never happens while the lock is held (the items run
        // outside it), so a poisoned lock still holds consistent state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Stops the workers when the consumer leaves, however it leaves.
struct StopOnDrop<'a, T>(&'a Shared<T>);

impl<T> Drop for StopOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.lock().stop = true;
    }
}

/// Runs `work(i)` for items `0..len` on `pool`'s threads and calls
/// `consume(i, value)` on the calling thread in item order, stopping at
/// the first error `consume` returns (and returning it). At most `window`
/// items (at least 1) are taken and not yet handed to `consume`, so at most
/// `window + 1` values are alive at once (with the one being consumed). A
/// panic in `work` is re-raised here, in order, once the items before it
/// are consumed. Called from a thread of `pool` itself, it runs the items
/// one after another on that thread.
pub(super) fn for_each_ordered<T, E>(
    pool: &rayon::ThreadPool,
    len: u64,
    window: usize,
    work: &(dyn Fn(u64) -> T + Sync),
    consume: &mut dyn FnMut(u64, T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    if len == 0 {
        return Ok(());
    }
    if pool.current_thread_index().is_some() {
        // Called from one of the pool's own threads (a model whose
        // replication runs another experiment on the same runner): waiting
        // here for the others could leave a one-thread pool with no thread
        // to run the items, so run them here, in order.
        for i in 0..len {
            consume(i, work(i))?;
        }
        return Ok(());
    }
    let window = u64::try_from(window.max(1)).unwrap_or(u64::MAX).min(len);
    let slots = usize::try_from(window).expect("at most the window asked for, a usize");
    let shared = Shared {
        state: Mutex::new(State {
            next: 0,
            consumed: 0,
            slots: (0..slots).map(|_| None).collect(),
            active: 0,
            stop: false,
        }),
        done: Condvar::new(),
    };
    let shared = &shared;
    // Takes items while the window allows, then ends (never waits).
    let worker = move || {
        loop {
            let i = {
                let mut st = shared.lock();
                if !st.takeable(len, window) {
                    st.active -= 1;
                    return;
                }
                st.next += 1;
                st.next - 1
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| work(i)));
            let mut st = shared.lock();
            let at = usize::try_from(i - st.consumed).expect("within the window");
            st.slots[at] = Some(outcome);
            if at == 0 {
                shared.done.notify_one();
            }
        }
    };
    let threads = pool.current_num_threads();
    pool.in_place_scope(|scope| {
        // Starts workers up to the pool's threads while items can be taken.
        let top_up = || {
            let mut st = shared.lock();
            // Workers are never idle (they run an item or end), so a free
            // item wants a new worker while the pool has a thread for it.
            let free = if st.stop {
                0
            } else {
                len.min(st.consumed + window).saturating_sub(st.next)
            };
            let started =
                usize::try_from(free).map_or(threads - st.active, |f| f.min(threads - st.active));
            st.active += started;
            drop(st);
            for _ in 0..started {
                scope.spawn(move |_| worker());
            }
        };
        let _stop = StopOnDrop(shared);
        top_up();
        for i in 0..len {
            let outcome = {
                let mut st = shared.lock();
                while st.slots[0].is_none() {
                    st = shared.done.wait(st).unwrap_or_else(|e| e.into_inner());
                }
                let outcome = st.slots.pop_front().flatten().expect("checked above");
                st.slots.push_back(None);
                st.consumed += 1;
                outcome
            };
            top_up();
            match outcome {
                Ok(value) => consume(i, value)?,
                Err(panic) => resume_unwind(panic),
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool starts")
    }

    /// Items of uneven length come back in order, whatever the threads
    /// and the window, and never more than `window` are out at once
    /// besides the one being consumed (a worker may take the next item
    /// while the consumer holds one, which the count below includes).
    #[test]
    fn consumes_in_order_within_the_window() {
        for threads in [1, 2, 4] {
            for window in [1, 3, 16] {
                let out = AtomicUsize::new(0);
                let most = AtomicUsize::new(0);
                let mut seen = Vec::new();
                let work = |i: u64| {
                    let n = out.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    // Uneven work: later items often finish first.
                    std::thread::sleep(std::time::Duration::from_micros(((i * 7) % 5) * 200));
                    i * i
                };
                let r: Result<(), ()> =
                    for_each_ordered(&pool(threads), 40, window, &work, &mut |i, v| {
                        out.fetch_sub(1, Ordering::SeqCst);
                        assert_eq!(v, i * i);
                        seen.push(i);
                        Ok(())
                    });
                assert_eq!(r, Ok(()));
                assert_eq!(seen, (0..40).collect::<Vec<_>>());
                assert!(
                    most.load(Ordering::SeqCst) <= window + 1,
                    "{} items out with a window of {window}",
                    most.load(Ordering::SeqCst)
                );
            }
        }
    }

    /// The first error stops the run: nothing after it is consumed, and
    /// the workers take no more than the window beyond it.
    #[test]
    fn an_error_stops_the_run() {
        let taken = AtomicUsize::new(0);
        let work = |i: u64| {
            taken.fetch_add(1, Ordering::SeqCst);
            i
        };
        let mut seen = Vec::new();
        let r = for_each_ordered(&pool(2), 1000, 4, &work, &mut |i, _| {
            if i == 10 {
                return Err(i);
            }
            seen.push(i);
            Ok(())
        });
        assert_eq!(r, Err(10));
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert!(taken.load(Ordering::SeqCst) <= 11 + 4);
    }

    /// Called from inside the pool (a one-thread pool, the case that would
    /// otherwise wait forever), the items run in order on that thread.
    #[test]
    fn runs_in_place_when_called_from_the_pool() {
        let p = pool(1);
        let mut seen = Vec::new();
        let r: Result<(), ()> = p.install(|| {
            for_each_ordered(&p, 20, 4, &|i| i + 1, &mut |i, v| {
                assert_eq!(v, i + 1);
                seen.push(i);
                Ok(())
            })
        });
        assert_eq!(r, Ok(()));
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
    }

    /// Items that use rayon themselves (a `join` on the pool they run on)
    /// complete in order: a worker job that rayon runs on top of a waiting
    /// item never waits for the window.
    #[test]
    fn items_that_use_rayon_complete_in_order() {
        for window in [1, 2, 5] {
            let p = pool(2);
            let work = |i: u64| {
                let (a, b) = rayon::join(
                    || {
                        std::thread::sleep(std::time::Duration::from_micros((i % 3) * 300));
                        i
                    },
                    || i + 1,
                );
                a + b
            };
            let mut seen = Vec::new();
            let r: Result<(), ()> = for_each_ordered(&p, 30, window, &work, &mut |i, v| {
                assert_eq!(v, 2 * i + 1);
                seen.push(i);
                Ok(())
            });
            assert_eq!(r, Ok(()));
            assert_eq!(seen, (0..30).collect::<Vec<_>>());
        }
    }

    /// A panicking item re-raises on the consuming thread after the items
    /// before it, and the run does not hang.
    #[test]
    fn a_panic_reaches_the_caller_in_order() {
        let mut seen = Vec::new();
        let work = |i: u64| {
            if i == 5 {
                panic!("item five");
            }
            i
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            for_each_ordered::<_, ()>(&pool(2), 50, 4, &work, &mut |i, _| {
                seen.push(i);
                Ok(())
            })
        }));
        let panic = r.expect_err("the panic comes through");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"item five"));
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }
}
