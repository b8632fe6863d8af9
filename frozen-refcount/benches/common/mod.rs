//! Shared by the criterion suites (`benches/*.rs`) and `examples/compare/`
//! (which includes this file with `#[path]`): WHAT is measured (one list of
//! backends, one list of encodings, the baselines) and the loops that
//! measure it, with the page-cache workload. Nothing here knows the
//! protocol; it only calls `try_get` and `put`. The threads that run the
//! loops side by side are the harness's (`bench_harness::Pool`).
//!
//! This file holds the loops and re-exports the rest, one job a file:
//! `subjects.rs` (what is measured), `pagecache.rs` (the page-cache
//! workload).
// Each suite uses a part of this: what it leaves is not dead (nor are the
// re-exports below unused).
#![allow(dead_code)]

mod pagecache;
mod subjects;

#[allow(unused_imports)]
pub use pagecache::{pagecache_job, PageCache, HOT_PAGES, PAGE_READ};
#[allow(unused_imports)]
pub use subjects::{
    each_free_path_subject, each_subject, encodings, on_free_path, ArcClone, Counter,
    ExpectingLast, Floor, FloorTested, OptimisticCas, Subject, Visit, WeakUpgrade, FREE_PATH_K,
};

use bench_harness::{spin_until, Job};
use crossbeam_utils::CachePadded;
use std::hint::black_box;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Release};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// How: the loops.
// ---------------------------------------------------------------------------

/// `iters` pairs of take + release, as a reader does.
#[inline(never)]
pub fn pairs<S: Subject>(s: &S, iters: u64) {
    for _ in 0..iters {
        if s.take() {
            s.release();
        }
    }
}

/// At most this many references are outstanding in the one-operation loops,
/// far below every `MAX_COUNT` measured (`2^30 - 1`), so no count saturates.
const CHUNK: u64 = 1 << 20;

/// Times `iters` takes alone; the references are dropped untimed.
#[inline(never)]
pub fn takes<S: Subject>(s: &S, iters: u64) -> Duration {
    let mut timed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(CHUNK);
        let t0 = Instant::now();
        for _ in 0..n {
            black_box(s.take());
        }
        timed += t0.elapsed();
        for _ in 0..n {
            s.release();
        }
        left -= n;
    }
    timed
}

/// Times `iters` releases alone; the references are taken untimed.
#[inline(never)]
pub fn releases<S: Subject>(s: &S, iters: u64) -> Duration {
    let mut timed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(CHUNK);
        for _ in 0..n {
            assert!(s.take());
        }
        let t0 = Instant::now();
        for _ in 0..n {
            s.release();
        }
        timed += t0.elapsed();
        left -= n;
    }
    timed
}

/// Times `pairs` on this thread.
pub fn time_pairs<S: Subject>(s: &S, iters: u64) -> Duration {
    let t0 = Instant::now();
    pairs(s, iters);
    t0.elapsed()
}

/// `threads` threads doing `iters` pairs each on one counter: the job.
pub fn contended_job<S: Subject>(s: &Arc<CachePadded<S>>, iters: u64) -> Job {
    let s = s.clone();
    Arc::new(move |_| pairs::<S>(&s, iters))
}

// ---------------------------------------------------------------------------
// The free path: whole lives of one object.
// ---------------------------------------------------------------------------

/// `iters` whole lives of `s`, which starts and ends dead: `revive(1)`
/// (`unfreeze(1)`), `k` pairs of take + release, and the last release
/// (`put` → `Last`, the word frozen again).
#[inline(never)]
pub fn lives<S: Subject>(s: &S, k: u32, iters: u64) {
    for _ in 0..iters {
        s.revive(1);
        for _ in 0..k {
            if s.take() {
                s.release();
            }
        }
        if !s.release_last() {
            panic!("{}: the only reference's put was not the last", S::label());
        }
    }
}

/// A subject whose first life is over: what the free path starts from.
pub fn dead<S: Subject>() -> S {
    let s = S::new();
    assert!(
        s.release_last(),
        "{}: new() holds one reference",
        S::label()
    );
    s
}

/// One dead object per thread, each on its own cache line.
pub fn dead_objects<S: Subject>(threads: usize) -> Arc<[CachePadded<S>]> {
    (0..threads)
        .map(|_| CachePadded::new(dead::<S>()))
        .collect()
}

/// Every thread runs [`lives`] on its own object (`objects[i]`): the
/// free path with nothing shared.
pub fn own_lives_job<S: Subject>(objects: &Arc<[CachePadded<S>]>, k: u32, iters: u64) -> Job {
    let objects = objects.clone();
    Arc::new(move |i| lives::<S>(&objects[i], k, iters))
}

/// One object whose lives all threads share, and the number of lives it
/// has ended (on its own cache line).
pub struct SharedLives<S: Subject> {
    object: CachePadded<S>,
    ended: CachePadded<AtomicU64>,
}

impl<S: Subject> SharedLives<S> {
    /// Dead, as between two runs.
    pub fn new() -> Self {
        SharedLives {
            object: CachePadded::new(dead::<S>()),
            ended: CachePadded::new(AtomicU64::new(0)),
        }
    }
}

impl<S: Subject> Default for SharedLives<S> {
    fn default() -> Self {
        Self::new()
    }
}

/// `threads` threads racing on the last put of one object, `iters` lives:
/// each life starts with one reference per thread; every thread does `k`
/// pairs, then puts its reference. The one that gets `Last` revives the
/// object for the next life and says so through `ended`; the others wait
/// for that (spinning) before they use their reference of the next life.
/// The object is revived here, before the run, and left dead after its
/// last life, so that runs with other thread counts can follow.
pub fn racing_lives_job<S: Subject>(
    shared: &Arc<SharedLives<S>>,
    threads: usize,
    k: u32,
    iters: u64,
) -> Job {
    shared.object.revive(threads as u32);
    // Nobody runs between two runs: this is the count the run starts from.
    let first = shared.ended.load(Acquire);
    let shared = shared.clone();
    Arc::new(move |_| {
        let s = &*shared.object;
        for life in first..first + iters {
            for _ in 0..k {
                if s.take() {
                    s.release();
                }
            }
            if s.release_last() {
                if life + 1 < first + iters {
                    s.revive(threads as u32);
                }
                // Release: the revive happens-before the others' next use.
                shared.ended.store(life + 1, Release);
            } else {
                spin_until(|| shared.ended.load(Acquire) > life);
            }
        }
    })
}
