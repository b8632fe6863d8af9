//! The measurement: every (row, thread count) cell timed by the harness's
//! loop (calibrated batches, interleaved rounds, only clean runs kept: see
//! `bench_harness::measure`); then the exact step counts of an untimed run
//! on the `Counting` backend.

use crate::args::Args;
use crate::common::{Counter, Subject};
use crate::subjects::Row;
use bench_harness::pool::until_clean;
use bench_harness::Pool;
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Counting, Counts, Encoding};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What a cell of the table measures (the `rows` index) and, after the
/// timing, its exact step counts.
pub struct At {
    /// The row's index.
    pub row: usize,
    /// RMWs and failed CAS per operation (counters of this crate only).
    pub counts: Option<PerOp>,
}

/// One measured cell of the table.
pub type Cell = bench_harness::Cell<At>;

/// RMWs and failed CAS per operation, from `Counting`.
#[derive(Clone, Copy, Default)]
pub struct PerOp {
    /// The counting run's threads ran side by side (see `Pool::run`).
    pub clean: bool,
    /// RMWs per `try_get`.
    pub rmw_try_get: f64,
    /// RMWs per `put`.
    pub rmw_put: f64,
    /// Failed CAS per try_get + put pair.
    pub failed_cas_per_pair: f64,
}

fn add(a: Counts, b: Counts) -> Counts {
    Counts {
        loads: a.loads + b.loads,
        stores: a.stores + b.stores,
        rmws: a.rmws + b.rmws,
        cas_failures: a.cas_failures + b.cas_failures,
    }
}

/// `threads` threads doing `iters` pairs each on `counting`, every step
/// counted per operation.
pub fn count_steps<E: Encoding, B: Backend>(
    counting: &Arc<CachePadded<Counter<E, Counting<B>>>>,
    pool: &Pool,
    threads: usize,
    iters: u64,
) -> PerOp {
    // Like the timed runs, a run whose threads did not really run side
    // by side is done again (up to 100 times), so that Classic's retries
    // are those of a contended line.
    let mut per_op = PerOp::default();
    until_clean(100, || {
        let totals = Arc::new(Mutex::new((Counts::default(), Counts::default())));
        let (c, t) = (counting.clone(), totals.clone());
        let run = pool.run(
            threads,
            Arc::new(move |_| {
                let (mut take, mut put) = (Counts::default(), Counts::default());
                for _ in 0..iters {
                    let (ok, n) = Counting::<B>::measure(|| c.take());
                    take = add(take, n);
                    assert!(ok, "the benchmark holds a reference: try_get cannot fail");
                    put = add(put, Counting::<B>::measure(|| c.release()).1);
                }
                let mut tot = t.lock().unwrap();
                *tot = (add(tot.0, take), add(tot.1, put));
            }),
        );
        let (take, put) = *totals.lock().unwrap();
        let ops = (iters * threads as u64) as f64;
        per_op = PerOp {
            clean: run.clean,
            rmw_try_get: take.rmws as f64 / ops,
            rmw_put: put.rmws as f64 / ops,
            failed_cas_per_pair: (take.cas_failures + put.cas_failures) as f64 / ops,
        };
        run
    });
    per_op
}

/// Every row at every thread count: the cells of the table, in the order
/// the report lists them (by thread count, then row).
pub fn measure(args: &Args, rows: &[Box<dyn Row>], threads: &[usize]) -> Vec<Cell> {
    let pool = Pool::new(args.max_threads);
    let started = Instant::now();
    let mut cells: Vec<Cell> = threads
        .iter()
        .flat_map(|&t| {
            (0..rows.len())
                .filter(move |&row| rows[row].runs_at(t))
                .map(move |row| Cell::new(At { row, counts: None }, t))
        })
        .collect();
    let label = format!("compare: {} rows x threads {threads:?}", rows.len());
    let (batch, budget) = (args.options.batch(), args.options.budget());
    bench_harness::measure::measure(&label, batch, budget, &mut cells, |at, t, iters| {
        pool.run(t, rows[at.row].job(t, iters))
    });

    // Exact counts, untimed, at every thread count.
    let count_iters = if args.options.quick { 5_000 } else { 10_000 };
    let n_cells = cells.len();
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcounting {}/{}   ", i + 1, n_cells);
        c.what.counts = rows[c.what.row].counts(&pool, c.threads, count_iters);
    }
    eprintln!("\rdone in {:.0} s", started.elapsed().as_secs_f64());
    cells
}
