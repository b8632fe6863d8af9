//! The rows of the report: every subject of `common` (and the page-cache
//! workload on a few of them) type-erased once as a [`Row`], collected by
//! visiting `common::each_subject`, with `--encoding` applied.

use crate::common::{
    contended_job, pagecache_job, Counter, PageCache, Pool, Run, Subject, Visit, HOT_PAGES,
};
use crate::measure::{count_steps, PerOp};
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Counting, Encoding};
use std::sync::Arc;

pub const ONE_COUNTER: &str = "one counter";
pub const PC_PACKED: &str = "page cache, packed";
pub const PC_PADDED: &str = "page cache, padded";

/// One row subject, type-erased once: the loops inside stay monomorphic.
pub trait Row {
    /// Which table the row belongs to.
    fn section(&self) -> &'static str {
        ONE_COUNTER
    }
    fn encoding(&self) -> &'static str;
    fn backend(&self) -> &'static str;
    /// `threads` threads doing `iters` pairs each.
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run;
    /// Exact step counts (counters of this crate only).
    fn counts(&self, pool: &Pool, threads: usize, iters: u64) -> Option<PerOp>;
}

struct Plain<S: Subject>(Arc<CachePadded<S>>);

impl<S: Subject> Row for Plain<S> {
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        pool.run(threads, contended_job::<S>(&self.0, iters))
    }
    fn counts(&self, _: &Pool, _: usize, _: u64) -> Option<PerOp> {
        None
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
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        self.plain.measure(pool, threads, iters)
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
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        pool.run(threads, pagecache_job(&self.0, iters))
    }
    fn counts(&self, _: &Pool, _: usize, _: u64) -> Option<PerOp> {
        None
    }
}

/// Collects the page-cache rows: HighBit and Classic on every backend, the
/// floor and `Arc`, packed and padded.
pub struct CollectPc {
    pub packed: Vec<Box<dyn Row>>,
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
    pub rows: Vec<Box<dyn Row>>,
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
