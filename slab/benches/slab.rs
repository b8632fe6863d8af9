//! Criterion: frozen-slab against sharded-slab 0.1.7 (the real crate, same
//! run) and the floor (bare `fetch_add` + `fetch_sub`), one group per shape
//! of issue 16 and thread count (`common::SHAPES`).
//!
//! ```sh
//! cargo bench -p frozen-slab                 # HTML: target/criterion/report/index.html
//! cargo bench -p frozen-slab -- get_hot      # one group
//! ```
//!
//! Every sample is one run of the repository's thread pool
//! (`benches/common/pool.rs`): the threads are released together by a
//! spinning barrier, and the time is from the first thread's start to the
//! last one's end, for `iters` operations by EACH thread. So criterion's
//! time is the wall time per operation of each thread, and its throughput
//! (elements = threads) counts the operations of all threads.
//! `examples/compare_slab/` measures the same loops, interleaved, and
//! prints the side-by-side table.

#![allow(missing_docs)]

mod common;

use common::{Pool, SHAPES};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;

fn slab(c: &mut Criterion) {
    let pool = Pool::new(2);
    let subjects = common::subjects();
    for &(shape, threads) in SHAPES {
        let mut g = c.benchmark_group(format!("{}/{threads}t", shape.id()));
        g.throughput(Throughput::Elements(threads as u64))
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for s in subjects.iter().filter(|s| s.measures(shape)) {
            g.bench_function(s.name(), |b| {
                b.iter_custom(|iters| pool.run(threads, s.clone().job(shape, iters)).wall)
            });
        }
        g.finish();
    }
}

criterion_group!(benches, slab);
criterion_main!(benches);
