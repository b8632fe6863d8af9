//! The measurement loop of the comparisons: calibrate every cell (a thing
//! measured at a thread count) to a short batch, then time the cells in
//! interleaved rounds, every cell once per round in a rotated order, for a
//! time budget. A run whose threads did not really run side by side (see
//! [`Pool::run`](crate::Pool::run)) is measured again; a cell with fewer
//! than 3 clean samples is marked. Noise from other processes thus hits
//! every cell alike instead of one of them, and a figure is a median.

use crate::pool::{until_clean, Run, TRIES};
use crate::stats;
use std::time::{Duration, Instant};

/// One cell of a comparison: `what` (the caller's: which subject, shape or
/// row, and whatever else it keeps per cell) at `threads` threads, and its
/// samples.
pub struct Cell<K> {
    /// What is measured.
    pub what: K,
    /// Threads running side by side, each doing `iters` operations.
    pub threads: usize,
    /// Operations per thread in one batch (calibrated).
    pub iters: u64,
    /// ns per operation (of each thread) of the clean samples; after
    /// [`measure`], of all samples if the cell is `unclean`.
    pub ns: Vec<f64>,
    /// Runs discarded (a thread preempted, or the threads not started
    /// together).
    pub dropped: u64,
    /// The last sample of each round in which no run was clean.
    pub fallback: Vec<f64>,
    /// Fewer than 3 clean samples: the figure is a median of disturbed runs.
    pub unclean: bool,
}

impl<K> Cell<K> {
    /// A cell not measured yet.
    pub fn new(what: K, threads: usize) -> Self {
        Cell {
            what,
            threads,
            iters: 0,
            ns: vec![],
            dropped: 0,
            fallback: vec![],
            unclean: false,
        }
    }

    /// The median ns per operation.
    pub fn ns_median(&self) -> f64 {
        stats::median(&self.ns)
    }

    /// The interquartile range over the median.
    pub fn iqr(&self) -> f64 {
        stats::iqr(&self.ns)
    }

    /// Million operations per second, all threads.
    pub fn mops(&self) -> f64 {
        self.threads as f64 * 1e3 / self.ns_median()
    }

    /// The median as a report shows it: `12.34`, or `12.34 (!)` if unclean.
    pub fn ns_figure(&self) -> String {
        let mark = if self.unclean { " (!)" } else { "" };
        format!("{:.2}{mark}", self.ns_median())
    }

    /// The spread as a report shows it: `1.2%`.
    pub fn iqr_figure(&self) -> String {
        format!("{:.1}%", self.iqr() * 100.0)
    }

    /// The samples as a report shows them: kept/measured.
    pub fn samples_figure(&self) -> String {
        format!("{}/{}", self.ns.len(), self.ns.len() as u64 + self.dropped)
    }
}

/// The note a report adds under its tables when a cell is `unclean`.
pub const UNCLEAN_NOTE: &str =
    "(!) fewer than 3 clean samples: the machine was too busy for this cell's \
     threads to run side by side; its figure is a median of disturbed runs, not a measurement.";

/// The smallest batch, in operations per thread.
const MIN_ITERS: u64 = 64;

/// Calibrates and measures `cells`: `run(what, threads, iters)` is one run
/// of `iters` operations by each of `threads` threads. Every cell's batch
/// takes about `batch`; the rounds go on for `budget` (at least 3 of them;
/// [`Options::batch`](crate::Options::batch) and
/// [`Options::budget`](crate::Options::budget) are the command line's).
/// `label` starts the line that says on stderr what is measured; progress
/// goes there too.
pub fn measure<K>(
    label: &str,
    batch: Duration,
    budget: Duration,
    cells: &mut [Cell<K>],
    mut run: impl FnMut(&K, usize, u64) -> Run,
) {
    eprintln!(
        "{label}: {} cells, {:.1} ms batches, {} s of interleaved rounds",
        cells.len(),
        batch.as_secs_f64() * 1e3,
        budget.as_secs()
    );
    let batch_ns = batch.as_nanos() as f64;

    // Calibrate (and warm up): the first size that takes a quarter of a
    // batch or more, then the fastest of a few runs at that size.
    let n = cells.len();
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcalibrating {}/{n}   ", i + 1);
        let mut ns =
            |iters: u64| run(&c.what, c.threads, iters).wall.as_nanos() as f64 / iters as f64;
        let mut iters = MIN_ITERS;
        while ns(iters) * (iters as f64) < batch_ns / 4.0 {
            iters *= 2;
        }
        let best = (0..5).map(|_| ns(iters)).fold(f64::MAX, f64::min);
        c.iters = ((batch_ns / best) as u64).max(MIN_ITERS);
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
        for k in 0..n {
            let c = &mut cells[(k + round * 7) % n];
            let (r, unclean) = until_clean(TRIES, || run(&c.what, c.threads, c.iters));
            let ns = r.wall.as_nanos() as f64 / c.iters as f64;
            c.dropped += unclean;
            if r.clean {
                c.ns.push(ns);
            } else {
                c.fallback.push(ns); // never clean in TRIES runs: kept apart
            }
        }
        round += 1;
    }
    for c in cells.iter_mut() {
        if c.ns.len() < 3 {
            // Too few clean samples: use all, and the report marks the cell.
            c.unclean = true;
            c.ns.append(&mut c.fallback);
        }
    }
    eprintln!(
        "\r{round} rounds in {:.0} s                ",
        t0.elapsed().as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_cell() {
        let mut c = Cell::new("x", 2);
        c.ns = vec![4.0, 2.0, 3.0];
        c.dropped = 1;
        assert_eq!(c.ns_figure(), "3.00");
        assert_eq!(c.samples_figure(), "3/4");
        assert_eq!(c.iqr_figure(), "33.3%");
        assert!((c.mops() - 2.0 * 1e3 / 3.0).abs() < 1e-9);
        c.unclean = true;
        assert_eq!(c.ns_figure(), "3.00 (!)");
    }

    #[test]
    fn every_cell_gets_samples() {
        let mut cells = vec![Cell::new(1u64, 1), Cell::new(2u64, 2)];
        // A fake run: `what` ns per operation, every second one unclean.
        let mut k = 0u64;
        let (batch, budget) = (Duration::from_micros(1), Duration::ZERO);
        measure("test", batch, budget, &mut cells, |&what, _, iters| {
            k += 1;
            Run {
                wall: Duration::from_nanos(what * iters),
                clean: k % 2 == 0,
            }
        });
        for c in &cells {
            assert!(!c.unclean);
            assert_eq!(c.ns.len(), 3);
            assert_eq!(c.ns_median(), c.what as f64);
            assert!(c.iters >= MIN_ITERS);
        }
    }
}
