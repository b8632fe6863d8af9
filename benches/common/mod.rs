//! Shared by the criterion suites (`benches/*.rs`) and `examples/compare/`
//! (which includes this file with `#[path]`): WHAT is measured (one list of
//! backends, one list of encodings, the baselines) and HOW (the loops, the
//! thread pool, the page-cache workload). Nothing here knows the protocol; it
//! only calls `try_get` and `put`.
//!
//! This file holds the loops and re-exports the rest, one job a file:
//! `subjects.rs` (what is measured), `pool.rs` (the threads that run the
//! loops side by side), `pagecache.rs` (the page-cache workload). `pairs`
//! stays here: `cargo xtask callgrind` counts `compare::common::pairs*`.
// Each suite uses a part of this: what it leaves is not dead (nor are the
// re-exports below unused).
#![allow(dead_code)]

mod pagecache;
mod pool;
mod subjects;

#[allow(unused_imports)]
pub use pagecache::{pagecache_job, PageCache, HOT_PAGES, PAGE_READ};
#[allow(unused_imports)]
pub use pool::{cores, preemptions, thread_counts, Job, Pool, Run};
#[allow(unused_imports)]
pub use subjects::{
    each_subject, encodings, ArcClone, Counter, Floor, FloorTested, Subject, Visit, WeakUpgrade,
};

use crossbeam_utils::CachePadded;
use std::hint::black_box;
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
