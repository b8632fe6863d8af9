//! Uncontended: one thread, one counter. A try_get+put pair, and each
//! operation alone, for every encoding on every backend, with the baselines
//! (Classic, `Arc::clone`+drop, `Weak::upgrade`+drop, the bare
//! fetch_add/fetch_sub floor) in every group.
//!
//! `cargo bench --bench uncontended`
// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use common::{each_subject, releases, takes, time_pairs, Counter, Subject, Visit};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Encoding};

#[derive(Clone, Copy)]
enum Op {
    Pair,
    Take,
    Release,
}

struct V<'a, 'c> {
    group: &'a mut BenchmarkGroup<'c, WallTime>,
    op: Op,
}

impl V<'_, '_> {
    fn subject<S: Subject>(&mut self) {
        // Its own cache line: nothing else in the process shares it.
        let s = CachePadded::new(S::new());
        let op = self.op;
        self.group.bench_function(S::label(), |b| {
            b.iter_custom(|n| match op {
                Op::Pair => time_pairs::<S>(&s, n),
                Op::Take => takes::<S>(&s, n),
                Op::Release => releases::<S>(&s, n),
            })
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

fn uncontended(c: &mut Criterion) {
    for (name, op) in [
        ("pair", Op::Pair),
        ("try_get", Op::Take),
        ("put", Op::Release),
    ] {
        let mut group = c.benchmark_group(format!("uncontended/{name}"));
        each_subject(&mut V {
            group: &mut group,
            op,
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = uncontended
}
criterion_main!(benches);
