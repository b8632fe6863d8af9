//! Contended: 1, 2, 4 … `available_parallelism` threads doing try_get+put
//! pairs on ONE counter. Persistent threads released by a barrier
//! (`iter_custom`): no thread spawn is ever timed. The time per iteration is
//! the wall time for every thread to do one pair; criterion's throughput line
//! is pairs per second over all threads.
//!
//! `cargo bench --bench contended`
// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use bench_harness::{cores, thread_counts, Pool};
use common::{contended_job, each_subject, Counter, Subject, Visit};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Encoding};
use std::sync::Arc;

struct V<'a, 'c> {
    group: &'a mut BenchmarkGroup<'c, WallTime>,
    pool: &'a Pool,
    threads: usize,
}

impl V<'_, '_> {
    fn subject<S: Subject>(&mut self) {
        let s = Arc::new(CachePadded::new(S::new()));
        let (pool, t) = (self.pool, self.threads);
        self.group.bench_function(S::label(), |b| {
            b.iter_custom(|n| pool.run(t, contended_job::<S>(&s, n)).wall)
        });
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

fn contended(c: &mut Criterion) {
    let max = cores();
    let pool = Pool::new(max);
    for threads in thread_counts(max) {
        let mut group = c.benchmark_group(format!("contended/{threads}t"));
        group.throughput(Throughput::Elements(threads as u64));
        each_subject(&mut V {
            group: &mut group,
            pool: &pool,
            threads,
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = contended
}
criterion_main!(benches);
