//! The page-cache workload, after the series' pread benchmark: N threads each
//! look up one of `HOT_PAGES` hot pages, try_get it, read a cache line of it,
//! and put it; the counters packed (adjacent, sharing lines) or padded
//! (`CachePadded`). Every subject, baselines included.
//!
//! `cargo bench --bench pagecache`
// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use bench_harness::{cores, thread_counts, Pool};
use common::{each_subject, pagecache_job, Counter, PageCache, Subject, Visit, HOT_PAGES};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use frozen_refcount::{Backend, Encoding};
use std::sync::Arc;

struct V<'a, 'c> {
    group: &'a mut BenchmarkGroup<'c, WallTime>,
    pool: &'a Pool,
    threads: usize,
    padded: bool,
}

impl V<'_, '_> {
    fn subject<S: Subject>(&mut self) {
        let (pool, t) = (self.pool, self.threads);
        if self.padded {
            let pc = Arc::new(PageCache::<S, true>::new(HOT_PAGES));
            self.group.bench_function(S::label(), |b| {
                b.iter_custom(|n| pool.run(t, pagecache_job(&pc, n)).wall)
            });
        } else {
            let pc = Arc::new(PageCache::<S, false>::new(HOT_PAGES));
            self.group.bench_function(S::label(), |b| {
                b.iter_custom(|n| pool.run(t, pagecache_job(&pc, n)).wall)
            });
        }
    }
}

impl Visit for V<'_, '_> {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        self.subject::<Counter<E, B>>();
    }
    fn baseline<S: Subject>(&mut self) {
        self.subject::<S>();
    }
}

fn pagecache(c: &mut Criterion) {
    let max = cores();
    let pool = Pool::new(max);
    for threads in thread_counts(max) {
        for (layout, padded) in [("packed", false), ("padded", true)] {
            let mut group = c.benchmark_group(format!("pagecache/{threads}t/{layout}"));
            group.throughput(Throughput::Elements(threads as u64));
            each_subject(&mut V {
                group: &mut group,
                pool: &pool,
                threads,
                padded,
            });
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = pagecache
}
criterion_main!(benches);
