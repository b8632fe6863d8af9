//! Criterion: frozen-slab against sharded-slab 0.1.7 (the real crate, same
//! run) and the floor (bare `fetch_add` + `fetch_sub`), one group per shape
//! and thread count (`common::SHAPES`).
//!
//! ```sh
//! cargo bench -p frozen-slab                 # HTML: target/criterion/report/index.html
//! cargo bench -p frozen-slab -- get_hot      # one group
//! ```
//!
//! A sample is runs of the harness's thread pool (`bench_harness::Pool`)
//! of at most [`CHUNK`] operations per thread: the threads are released
//! together by a spinning barrier, a run's time is from the first thread's
//! start to the last one's end, and a run in which a thread was preempted
//! or started late is measured again (up to 20 times;
//! `bench_harness::pool::clean_wall`). The sample is the sum, for `iters`
//! operations by EACH thread: criterion's time is the wall time per
//! operation of each thread, and its throughput (elements = threads) counts
//! the operations of all threads.
//! `examples/compare_slab/` measures the same loops, interleaved, and
//! prints the side-by-side table.

#![allow(missing_docs)]

mod common;

use bench_harness::pool::clean_wall;
use bench_harness::Pool;
use common::SHAPES;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;

/// The operations per thread of one run, at most: criterion asks for long
/// samples; a short run is more often unpreempted on a shared machine.
const CHUNK: u64 = 16_384;

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
                b.iter_custom(|iters| {
                    clean_wall(iters, CHUNK, |n| pool.run(threads, s.clone().job(shape, n)))
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, slab);
criterion_main!(benches);
