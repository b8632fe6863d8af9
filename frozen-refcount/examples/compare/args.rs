//! The command line: `--quick`, `--threads N`, `--encoding NAME` and
//! `--callgrind N [--row K]`, and the batch length and time budget that
//! `--quick` chooses.

use crate::common::cores;
use std::time::Duration;

/// Command-line options.
pub struct Args {
    pub quick: bool,
    /// `--callgrind N`: only run `N` uncontended pairs per row, once, for
    /// `cargo xtask callgrind` (instruction counts under valgrind).
    pub callgrind: Option<u64>,
    /// `--row K`: with `--callgrind`, only the `K`th row (0-based).
    pub row: Option<usize>,
    pub max_threads: usize,
    pub encoding: Option<String>,
}

impl Args {
    /// How long one measured batch should take. Short batches, many
    /// interleaved rounds: on a shared machine a short batch often runs
    /// without being preempted, and one that was (or whose threads did not
    /// start together) is measured again; see `Pool::run`.
    pub fn batch(&self) -> Duration {
        Duration::from_secs_f64(if self.quick { 0.5e-3 } else { 1.0e-3 })
    }

    /// How long the interleaved rounds go on (at least 3 rounds).
    pub fn budget(&self) -> Duration {
        Duration::from_secs_f64(if self.quick { 3.0 } else { 60.0 })
    }
}

pub fn usage() -> ! {
    eprintln!(
        "usage: compare [--quick] [--threads N] [--encoding NAME]\n\
         \x20 --quick          a few seconds instead of about a minute\n\
         \x20 --threads N      thread counts 1, 2, 4 … N (default: available_parallelism)\n\
         \x20 --encoding NAME  only this encoding (HighBit, LowBit, ZeroLockedHigh,\n\
         \x20                  ZeroLockedLow, Biased, Tagged); the baselines are always measured\n\
         \x20 --callgrind N [--row K]  list the rows / run N pairs of row K, once\n\
         \x20                  (for cargo xtask callgrind)"
    );
    std::process::exit(2)
}

pub fn parse_args() -> Args {
    let mut a = Args {
        quick: false,
        callgrind: None,
        row: None,
        max_threads: cores(),
        encoding: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--threads" => {
                a.max_threads = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n >= 1)
                    .unwrap_or_else(|| usage())
            }
            "--callgrind" => {
                a.callgrind = Some(
                    it.next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or_else(|| usage()),
                )
            }
            "--row" => {
                a.row = Some(
                    it.next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or_else(|| usage()),
                )
            }
            "--encoding" => a.encoding = Some(it.next().unwrap_or_else(|| usage())),
            "--bench" => {} // passed by `cargo bench`-style runners; ignored
            _ => usage(),
        }
    }
    a
}
