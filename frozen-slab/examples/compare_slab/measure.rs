//! The measurement: calibrate every (shape, threads, subject) cell, time the
//! cells in interleaved rounds (each round in a rotated order), keep the
//! clean runs (no thread preempted, all started together: see `Pool::run`)
//! and measure the others again; the figures of a cell are medians.

use crate::args::Args;
use crate::common::{clean_run, Bench, Pool, Shape, SHAPES};
use std::sync::Arc;
use std::time::Instant;

/// One measured cell of the table.
pub struct Cell {
    pub shape: Shape,
    pub threads: usize,
    /// Index into the subjects.
    pub subject: usize,
    pub iters: u64,
    /// ns per operation (of each thread) of the clean samples.
    pub ns: Vec<f64>,
    /// Runs discarded (preempted, or threads not started together).
    pub dropped: u64,
    /// The last sample of each round in which no run was clean.
    pub fallback: Vec<f64>,
    /// Fewer than 3 clean samples: the figure is a median of disturbed runs.
    pub unclean: bool,
}

impl Cell {
    /// The `q` quantile of the samples (0.5: the median).
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.ns.clone();
        v.sort_by(f64::total_cmp);
        let x = (v.len() - 1) as f64 * q;
        (v[x.floor() as usize] + v[x.ceil() as usize]) / 2.0
    }
    pub fn ns_median(&self) -> f64 {
        self.quantile(0.5)
    }
    /// Interquartile range relative to the median.
    pub fn iqr(&self) -> f64 {
        (self.quantile(0.75) - self.quantile(0.25)) / self.ns_median()
    }
    /// Million operations per second, all threads.
    pub fn mops(&self) -> f64 {
        self.threads as f64 * 1e3 / self.ns_median()
    }
}

fn run(subjects: &[Arc<dyn Bench>], pool: &Pool, c: &Cell, iters: u64) -> (bool, f64) {
    let r = pool.run(c.threads, subjects[c.subject].clone().job(c.shape, iters));
    (r.clean, r.wall.as_nanos() as f64 / iters as f64)
}

/// Every subject on every shape that it has: the cells, in table order.
pub fn measure(args: &Args, subjects: &[Arc<dyn Bench>]) -> Vec<Cell> {
    let pool = Pool::new(2);
    let started = Instant::now();
    let mut cells: Vec<Cell> = SHAPES
        .iter()
        .flat_map(|&(shape, threads)| {
            (0..subjects.len())
                .filter(move |&s| subjects[s].measures(shape))
                .map(move |subject| Cell {
                    shape,
                    threads,
                    subject,
                    iters: 0,
                    ns: vec![],
                    dropped: 0,
                    fallback: vec![],
                    unclean: false,
                })
        })
        .collect();
    let (batch, budget) = (args.batch(), args.budget());
    eprintln!(
        "compare_slab: {} cells, {:.1} ms batches, {} s of interleaved rounds",
        cells.len(),
        batch.as_secs_f64() * 1e3,
        budget.as_secs()
    );

    // Calibrate (and warm up): iterations per batch for each cell, from the
    // fastest of a few runs at the first size that takes batch/4 or more.
    for c in cells.iter_mut() {
        let mut iters = 64u64;
        while run(subjects, &pool, c, iters).1 * (iters as f64) < batch.as_nanos() as f64 / 4.0 {
            iters *= 2;
        }
        let best = (0..5)
            .map(|_| run(subjects, &pool, c, iters).1)
            .fold(f64::MAX, f64::min);
        c.iters = ((batch.as_nanos() as f64 / best) as u64).max(64);
    }

    let t0 = Instant::now();
    let mut round = 0;
    while round < 3 || t0.elapsed() < budget {
        let n = cells.len();
        for k in 0..n {
            let c = &mut cells[(k + round * 7) % n];
            let (run, dropped) =
                clean_run(&pool, &subjects[c.subject], c.shape, c.threads, c.iters);
            let ns = run.wall.as_nanos() as f64 / c.iters as f64;
            c.dropped += dropped + u64::from(!run.clean);
            if run.clean {
                c.ns.push(ns);
            } else {
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
    eprintln!(
        "done: {round} rounds in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    cells
}
