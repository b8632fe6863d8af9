//! The command line: the harness's `--quick` and `--callgrind N`, and this
//! comparison's `--threads N`, `--encoding NAME` and `--row K`.

use bench_harness::{cli, cores, Options};

/// What `--help` (or a wrong flag) prints.
pub const USAGE: &str = "usage: compare [--quick] [--threads N] [--encoding NAME]\n\
     \x20 --quick          a few seconds instead of about a minute\n\
     \x20 --threads N      thread counts 1, 2, 4 … N (default: available_parallelism)\n\
     \x20 --encoding NAME  only this encoding (HighBit, LowBit, ZeroLockedHigh,\n\
     \x20                  ZeroLockedLow, Biased, Tagged); the baselines are always measured\n\
     \x20 --callgrind N [--row K]  list the rows / run N pairs of row K, once\n\
     \x20                  (for cargo xtask callgrind)";

/// Command-line options.
pub struct Args {
    /// `--quick`, `--callgrind N` (the batch length and time budget).
    pub options: Options,
    /// `--row K`: with `--callgrind`, only the `K`th row (0-based).
    pub row: Option<usize>,
    /// `--threads N`: the largest thread count.
    pub max_threads: usize,
    /// `--encoding NAME`: only this encoding (and the baselines).
    pub encoding: Option<String>,
}

/// The process's arguments.
pub fn parse_args() -> Args {
    let (mut row, mut max_threads, mut encoding) = (None, cores(), None);
    let options = cli::parse(USAGE, |flag, rest| {
        match flag {
            "--threads" => {
                max_threads = rest.number();
                if max_threads < 1 {
                    rest.usage()
                }
            }
            "--row" => row = Some(rest.number()),
            "--encoding" => encoding = Some(rest.value()),
            _ => return false,
        }
        true
    });
    Args {
        options,
        row,
        max_threads,
        encoding,
    }
}
