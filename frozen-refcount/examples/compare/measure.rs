//! The measurement: calibrate every (row, thread count) cell, time the cells
//! in interleaved rounds, keep only the clean runs (no thread preempted, all
//! started together: see `Pool::run`) and measure again the others; then the
//! exact step counts of an untimed run on the `Counting` backend.

use crate::args::Args;
use crate::common::{Counter, Pool, Subject};
use crate::stats::Cell;
use crate::subjects::Row;
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Counting, Counts, Encoding};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// RMWs and failed CAS per operation, from `Counting`.
#[derive(Clone, Copy, Default)]
pub struct PerOp {
    /// The counting run's threads ran side by side (see `Pool::run`).
    pub clean: bool,
    pub rmw_try_get: f64,
    pub rmw_put: f64,
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
    for _ in 0..100 {
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
        if run.clean {
            break;
        }
    }
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
                .map(move |row| Cell {
                    row,
                    threads: t,
                    iters: 0,
                    ns: vec![],
                    dropped: 0,
                    fallback: vec![],
                    unclean: false,
                    counts: None,
                })
        })
        .collect();

    let (batch, budget) = (args.batch(), args.budget());
    eprintln!(
        "compare: {} rows x threads {:?} = {} cells, {:.1} ms batches, {} s of interleaved rounds",
        rows.len(),
        threads,
        cells.len(),
        batch.as_secs_f64() * 1e3,
        budget.as_secs()
    );

    // Calibrate (and warm up): iterations per batch for each cell.
    let n_cells = cells.len();
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcalibrating {}/{}   ", i + 1, n_cells);
        let r = &rows[c.row];
        let mut iters = 100u64;
        let mut best = Duration::MAX;
        for _ in 0..40 {
            let d = r.measure(&pool, c.threads, iters).wall;
            if d >= batch / 4 {
                best = best.min(d);
                if best < Duration::MAX && iters > 100 && c.iters == iters {
                    break; // measured twice at this size
                }
                c.iters = iters;
            } else {
                iters *= 2;
            }
        }
        c.iters = ((iters as f64 * batch.as_secs_f64() / best.as_secs_f64()) as u64).max(100);
    }
    eprintln!();

    // Interleaved rounds: every cell once per round, the order rotated.
    let t0 = Instant::now();
    let mut round = 0;
    while round < 3 || t0.elapsed() < budget {
        if round % 16 == 0 {
            eprint!(
                "\rround {}  ({:.0} s of {} s)   ",
                round + 1,
                t0.elapsed().as_secs_f64(),
                budget.as_secs()
            );
        }
        let n = cells.len();
        for k in 0..n {
            let c = &mut cells[(k + round * 7) % n];
            let mut last = None;
            for _ in 0..20 {
                let run = rows[c.row].measure(&pool, c.threads, c.iters);
                let ns = run.wall.as_nanos() as f64 / c.iters as f64;
                if run.clean {
                    c.ns.push(ns);
                    last = None;
                    break;
                }
                c.dropped += 1;
                last = Some(ns);
            }
            if let Some(ns) = last {
                c.fallback.push(ns); // never clean in 20 tries: kept apart
            }
        }
        round += 1;
    }
    for c in &mut cells {
        if c.ns.len() < 3 {
            // Too few clean samples: use all, and the table marks the cell.
            c.unclean = true;
            c.ns.append(&mut c.fallback);
        }
    }
    eprintln!();

    // Exact counts, untimed, at every thread count.
    let count_iters = if args.quick { 5_000 } else { 10_000 };
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcounting {}/{}   ", i + 1, n_cells);
        c.counts = rows[c.row].counts(&pool, c.threads, count_iters);
    }
    eprintln!("\rdone in {:.0} s", started.elapsed().as_secs_f64());
    cells
}
