//! The rows of the report: every subject of `common` (and the page-cache
//! workload and the free path on a few of them) type-erased once as a
//! [`Row`], collected by visiting `common::each_subject`, with `--encoding`
//! applied.

use crate::common::{
    contended_job, dead_objects, on_free_path, own_lives_job, pagecache_job, racing_lives_job,
    Counter, PageCache, SharedLives, Subject, Visit, FREE_PATH_K, HOT_PAGES,
};
use crate::measure::{count_steps, PerOp};
use bench_harness::{Job, Pool};
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Counting, Encoding};
use std::sync::Arc;

/// The section of the one-counter rows (try_get + put pairs).
pub const ONE_COUNTER: &str = "one counter";
/// The section of the page-cache rows, counters adjacent.
pub const PC_PACKED: &str = "page cache, packed";
/// The section of the page-cache rows, counters each on its own line.
pub const PC_PADDED: &str = "page cache, padded";
/// The start of every free-path section's name.
pub const FREE_PATH: &str = "free path";

/// One row subject, type-erased once: the loops inside stay monomorphic.
pub trait Row {
    /// Which table the row belongs to.
    fn section(&self) -> &'static str {
        ONE_COUNTER
    }
    /// The encoding column (or the baseline's name).
    fn encoding(&self) -> &'static str;
    /// The backend column (`-` for the baselines).
    fn backend(&self) -> &'static str;
    /// `encoding/backend`, or the baseline's name alone.
    fn label(&self) -> String {
        if self.backend() == "-" {
            self.encoding().to_string()
        } else {
            format!("{}/{}", self.encoding(), self.backend())
        }
    }
    /// Whether the row is measured with `threads` threads.
    fn runs_at(&self, _threads: usize) -> bool {
        true
    }
    /// The job of one run: `threads` threads doing `iters` pairs (lives,
    /// on the free path) each.
    fn job(&self, threads: usize, iters: u64) -> Job;
    /// Exact step counts (counters of this crate only).
    fn counts(&self, _pool: &Pool, _threads: usize, _iters: u64) -> Option<PerOp> {
        None
    }
}

struct Plain<S: Subject>(Arc<CachePadded<S>>);

impl<S: Subject> Row for Plain<S> {
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn job(&self, _threads: usize, iters: u64) -> Job {
        contended_job::<S>(&self.0, iters)
    }
}

struct Counted<E: Encoding, B: Backend> {
    plain: Plain<Counter<E, B>>,
    counting: Arc<CachePadded<Counter<E, Counting<B>>>>,
}

impl<E: Encoding, B: Backend> Row for Counted<E, B> {
    fn encoding(&self) -> &'static str {
        self.plain.encoding()
    }
    fn backend(&self) -> &'static str {
        self.plain.backend()
    }
    fn job(&self, threads: usize, iters: u64) -> Job {
        self.plain.job(threads, iters)
    }
    fn counts(&self, pool: &Pool, threads: usize, iters: u64) -> Option<PerOp> {
        Some(count_steps(&self.counting, pool, threads, iters))
    }
}

/// The page-cache workload on `S`, counters packed or padded.
struct Pc<S: Subject, const PADDED: bool>(Arc<PageCache<S, PADDED>>);

impl<S: Subject, const PADDED: bool> Row for Pc<S, PADDED> {
    fn section(&self) -> &'static str {
        if PADDED {
            PC_PADDED
        } else {
            PC_PACKED
        }
    }
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn job(&self, _threads: usize, iters: u64) -> Job {
        pagecache_job(&self.0, iters)
    }
}

/// Collects the page-cache rows: HighBit and Classic on every backend, the
/// floor and `Arc`, packed and padded.
pub struct CollectPc {
    /// The rows with the counters adjacent.
    pub packed: Vec<Box<dyn Row>>,
    /// The rows with the counters padded.
    pub padded: Vec<Box<dyn Row>>,
}

impl CollectPc {
    fn push<S: Subject>(&mut self) {
        self.packed
            .push(Box::new(Pc::<S, false>(Arc::new(PageCache::new(
                HOT_PAGES,
            )))));
        self.padded
            .push(Box::new(Pc::<S, true>(Arc::new(PageCache::new(HOT_PAGES)))));
    }
}

impl Visit for CollectPc {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        if E::NAME == "HighBit" || E::NAME == "Classic" {
            self.push::<Counter<E, B>>();
        }
    }
    fn baseline<S: Subject>(&mut self) {
        if S::encoding() == "floor" || S::encoding() == "Arc::clone+drop" {
            self.push::<S>();
        }
    }
}

/// Collects the rows, applying `--encoding`.
pub struct Collect<'a> {
    /// The rows so far.
    pub rows: Vec<Box<dyn Row>>,
    /// `--encoding`: only this encoding (and `Classic`, and the baselines).
    pub only: Option<&'a str>,
}

impl Visit for Collect<'_> {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        // Classic always stays: it is a column of the table.
        let keep =
            E::NAME == "Classic" || self.only.map_or(true, |o| o.eq_ignore_ascii_case(E::NAME));
        if keep {
            self.rows.push(Box::new(Counted::<E, B> {
                plain: Plain(Arc::new(CachePadded::new(Counter::new()))),
                counting: Arc::new(CachePadded::new(Counter::new())),
            }));
        }
    }
    fn baseline<S: Subject>(&mut self) {
        self.rows
            .push(Box::new(Plain::<S>(Arc::new(CachePadded::new(S::new())))));
    }
}

/// Where the free path's lives run: every thread on its own object, or all
/// on one, racing on its last `put` (from 2 threads).
enum Objects<S: Subject> {
    Own(Arc<[CachePadded<S>]>),
    One(Arc<SharedLives<S>>),
}

/// The free path on `S`: whole lives (`unfreeze(1)`, `k` pairs, the last
/// `put`).
struct Lives<S: Subject> {
    objects: Objects<S>,
    k: u32,
    section: &'static str,
}

impl<S: Subject> Row for Lives<S> {
    fn section(&self) -> &'static str {
        self.section
    }
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn runs_at(&self, threads: usize) -> bool {
        matches!(self.objects, Objects::Own(_)) || threads >= 2
    }
    fn job(&self, threads: usize, iters: u64) -> Job {
        match &self.objects {
            Objects::Own(o) => own_lives_job(o, self.k, iters),
            Objects::One(o) => racing_lives_job(o, threads, self.k, iters),
        }
    }
}

/// The free-path section for `k` pairs per life, own objects or one.
fn free_path_section(k: u32, racing: bool) -> &'static str {
    let what = if racing {
        "one object, all threads racing on its last put"
    } else {
        "one object per thread"
    };
    // Built once per row at start-up: leaking the few names is the simplest
    // way to give them the `'static` lifetime the other sections have.
    Box::leak(format!("{FREE_PATH}, k = {k}, {what}").into_boxed_str())
}

/// Rows of one section.
pub type Rows = Vec<Box<dyn Row>>;

/// Collects the free-path rows: the subjects of `common::on_free_path`
/// (or, with `--encoding`, that encoding and `Classic`), for every `k` of
/// `FREE_PATH_K`, own objects and one object, grouped by section.
pub struct CollectFree<'a> {
    /// Per `k`: the rows on own objects, then those on one object.
    pub sections: Vec<(Rows, Rows)>,
    /// `--encoding`: only this encoding and `Classic`.
    pub only: Option<&'a str>,
    /// The largest thread count: objects for that many threads.
    pub max_threads: usize,
}

impl CollectFree<'_> {
    /// No rows yet: one section pair per `k`.
    pub fn new(only: Option<&str>, max_threads: usize) -> CollectFree<'_> {
        CollectFree {
            sections: FREE_PATH_K.iter().map(|_| (vec![], vec![])).collect(),
            only,
            max_threads,
        }
    }

    /// The rows, section after section.
    pub fn rows(self) -> Vec<Box<dyn Row>> {
        self.sections
            .into_iter()
            .flat_map(|(own, one)| own.into_iter().chain(one))
            .collect()
    }

    fn push<S: Subject>(&mut self) {
        for (&k, (own, one)) in FREE_PATH_K.iter().zip(&mut self.sections) {
            own.push(Box::new(Lives::<S> {
                objects: Objects::Own(dead_objects(self.max_threads)),
                k,
                section: free_path_section(k, false),
            }));
            one.push(Box::new(Lives::<S> {
                objects: Objects::One(Arc::new(SharedLives::new())),
                k,
                section: free_path_section(k, true),
            }));
        }
    }
}

impl Visit for CollectFree<'_> {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        let keep = match self.only {
            Some(o) => E::NAME == "Classic" || o.eq_ignore_ascii_case(E::NAME),
            None => on_free_path::<Counter<E, B>>(),
        };
        if keep {
            self.push::<Counter<E, B>>();
        }
    }
    fn baseline<S: Subject>(&mut self) {
        if on_free_path::<S>() {
            self.push::<S>();
        }
    }
}
