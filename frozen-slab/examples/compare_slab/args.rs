//! The command line: `--quick`, and `--callgrind N [--subject K]` for
//! `cargo xtask callgrind-slab`; the batch length and time budget.

use std::time::Duration;

/// Command-line options.
pub struct Args {
    pub quick: bool,
    /// `--callgrind N`: only run `N` hot-key get + drop on one thread, once.
    pub callgrind: Option<u64>,
    /// `--subject K`: with `--callgrind`, only the `K`th subject (0-based);
    /// without it the subjects are listed.
    pub subject: Option<usize>,
}

impl Args {
    /// One measured batch: short, so that on a shared machine many run
    /// unpreempted (a preempted one is measured again; see `Pool::run`).
    pub fn batch(&self) -> Duration {
        Duration::from_secs_f64(if self.quick { 0.5e-3 } else { 1.0e-3 })
    }

    /// How long the interleaved rounds go on (at least 3 rounds).
    pub fn budget(&self) -> Duration {
        Duration::from_secs(if self.quick { 3 } else { 60 })
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: compare_slab [--quick] [--callgrind N [--subject K]]\n\
         \x20 --quick          a few seconds instead of about a minute\n\
         \x20 --callgrind N [--subject K]  list the subjects / run N hot-key get+drop\n\
         \x20                  of subject K, once (for cargo xtask callgrind-slab)"
    );
    std::process::exit(2)
}

pub fn parse_args() -> Args {
    let mut a = Args {
        quick: false,
        callgrind: None,
        subject: None,
    };
    let mut it = std::env::args().skip(1);
    let number = |it: &mut dyn Iterator<Item = String>| {
        it.next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| usage())
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--callgrind" => a.callgrind = Some(number(&mut it)),
            "--subject" => a.subject = Some(number(&mut it) as usize),
            "--bench" => {} // passed by `cargo bench`-style runners; ignored
            _ => usage(),
        }
    }
    a
}
