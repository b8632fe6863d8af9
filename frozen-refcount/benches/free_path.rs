//! The free path: whole lives of an object, `unfreeze(1)`, `k` try_get+put
//! pairs and the last `put` (frozen again), for the subjects of
//! `common::on_free_path` (HighBit, Tagged and Classic on every backend, the
//! floor, the optimistic cmpxchg), `k` from `common::FREE_PATH_K`. Groups:
//! `free_path/k{k}/1t`; from 2 threads, `…/{n}t-own` (every thread its own
//! object) and `…/{n}t-racing` (one object, every thread putting one of its
//! references: the threads race on its last put). Criterion's time per
//! iteration is one life per thread.
//!
//! `cargo bench --bench free_path`
// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use bench_harness::{cores, thread_counts, Pool};
use common::{
    dead_objects, each_free_path_subject, on_free_path, own_lives_job, racing_lives_job, Counter,
    SharedLives, Subject, Visit, FREE_PATH_K,
};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use frozen_refcount::{Backend, Encoding};
use std::sync::Arc;

struct V<'a, 'c> {
    group: &'a mut BenchmarkGroup<'c, WallTime>,
    pool: &'a Pool,
    threads: usize,
    racing: bool,
    k: u32,
}

impl V<'_, '_> {
    fn subject<S: Subject>(&mut self) {
        if !on_free_path::<S>() {
            return;
        }
        let (pool, t, k) = (self.pool, self.threads, self.k);
        if self.racing {
            let shared = Arc::new(SharedLives::<S>::new());
            self.group.bench_function(S::label(), |b| {
                b.iter_custom(|n| pool.run(t, racing_lives_job(&shared, t, k, n)).wall)
            });
        } else {
            let objects = dead_objects::<S>(t);
            self.group.bench_function(S::label(), |b| {
                b.iter_custom(|n| pool.run(t, own_lives_job(&objects, k, n)).wall)
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

fn free_path(c: &mut Criterion) {
    let max = cores();
    let pool = Pool::new(max);
    for k in FREE_PATH_K {
        for threads in thread_counts(max) {
            let shapes: &[(bool, &str)] = if threads == 1 {
                &[(false, "")]
            } else {
                &[(false, "-own"), (true, "-racing")]
            };
            for &(racing, suffix) in shapes {
                let mut group = c.benchmark_group(format!("free_path/k{k}/{threads}t{suffix}"));
                each_free_path_subject(&mut V {
                    group: &mut group,
                    pool: &pool,
                    threads,
                    racing,
                    k,
                });
                group.finish();
            }
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = free_path
}
criterion_main!(benches);
