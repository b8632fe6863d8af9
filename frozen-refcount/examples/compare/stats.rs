//! A measured cell of the table (its samples) and the figures drawn from
//! them: median ns per pair, interquartile range, throughput.

use crate::measure::PerOp;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// One measured cell of the table.
pub struct Cell {
    pub row: usize,
    pub threads: usize,
    pub iters: u64,
    /// ns per pair of the clean samples.
    pub ns: Vec<f64>,
    /// Runs discarded (preempted, or threads not started together).
    pub dropped: u64,
    /// Samples of rounds in which no clean run came.
    pub fallback: Vec<f64>,
    /// Fewer than 3 clean samples: the figure is not trustworthy.
    pub unclean: bool,
    pub counts: Option<PerOp>,
}

impl Cell {
    pub fn ns_median(&self) -> f64 {
        median(&mut self.ns.clone())
    }
    /// Interquartile range relative to the median.
    pub fn iqr(&self) -> f64 {
        let mut v = self.ns.clone();
        let m = median(&mut v);
        (quantile(&v, 0.75) - quantile(&v, 0.25)) / m
    }
    pub fn mpairs(&self) -> f64 {
        self.threads as f64 * 1e3 / self.ns_median()
    }
}
