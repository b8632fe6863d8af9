//! The comparison report: every encoding on every backend against the
//! baselines (Classic, `Arc::clone`+drop, `Weak::upgrade`+drop, the
//! optimistic cmpxchg, and the bare fetch_add/fetch_sub floor), uncontended
//! and on one counter shared by 2, 4 … threads; then the free path (whole
//! lives of an object, ending in the last put) and the page-cache workload.
//!
//! ```sh
//! cargo run --release --example compare                  # ~60-90 s
//! cargo run --release --example compare -- --quick       # a few seconds
//! cargo run --release --example compare -- --threads 16 --encoding HighBit
//! ```
//!
//! Every (subject, thread count) cell is measured once per round, the rounds
//! interleaved (each in a rotated order), and the table shows medians: noise
//! from other processes hits every subject alike instead of one of them.
//! RMWs and failed CAS per operation come from a separate, untimed run on the
//! `Counting` backend (exact counts, per thread). Writes the table to
//! `target/compare.md` and the throughput plot to `target/compare.svg`.
//!
//! One job a file: `args.rs` (the command line), `subjects.rs` (the rows),
//! `measure.rs` (the cells, timed by the harness's loop, and the exact
//! counts), `report.rs` (the markdown); this file runs them in turn and
//! draws the plot. `common` is `benches/common/`, what the criterion suites
//! measure too (the subjects, the loops); how it is measured, reported and
//! drawn is `bench_harness`'s (`bench-harness/` at the workspace root).

#[path = "../../benches/common/mod.rs"]
mod common;

mod args;
mod measure;
mod report;
mod subjects;

use args::{parse_args, USAGE};
use bench_harness::callgrind::run_counted;
use bench_harness::plot::{self, Series};
use bench_harness::report::write_outputs;
use bench_harness::{cli, thread_counts};
use common::{each_free_path_subject, each_subject};
use measure::Cell;
use std::path::Path;
use subjects::{Collect, CollectFree, CollectPc, Row, ONE_COUNTER};

/// Throughput (all threads, million pairs per second) against threads,
/// one line per row of the one-counter table.
fn plot(path: &Path, rows: &[Box<dyn Row>], cells: &[Cell]) -> plot::Result {
    let series: Vec<Series> = (0..rows.len())
        .filter(|&i| rows[i].section() == ONE_COUNTER)
        .map(|i| Series {
            label: rows[i].label(),
            points: cells
                .iter()
                .filter(|c| c.what.row == i)
                .map(|c| (c.threads as f64, c.mops()))
                .collect(),
        })
        .collect();
    plot::lines(
        path,
        "try_get+put on one counter: throughput vs threads",
        "threads",
        "million pairs / s (all threads)",
        &series,
    )
}

fn main() {
    let args = parse_args();
    let threads = thread_counts(args.max_threads);
    let mut collect = Collect {
        rows: Vec::new(),
        only: args.encoding.as_deref(),
    };
    each_subject(&mut collect);
    let mut rows = collect.rows;
    let mut free = CollectFree::new(args.encoding.as_deref(), args.max_threads);
    each_free_path_subject(&mut free);
    rows.append(&mut free.rows());
    if !args.options.quick && args.options.callgrind.is_none() {
        let mut pc = CollectPc {
            packed: vec![],
            padded: vec![],
        };
        each_subject(&mut pc);
        rows.append(&mut pc.packed);
        rows.append(&mut pc.padded);
    }
    if let Some(o) = &args.encoding {
        if !rows.iter().any(|r| r.encoding().eq_ignore_ascii_case(o)) {
            eprintln!("unknown encoding {o}");
            cli::usage(USAGE);
        }
    }
    if let Some(n) = args.options.callgrind {
        // Print the rows that run on one thread; with `--row K`, run `n`
        // uncontended pairs (lives) of the `K`th, on this thread, inside the
        // function `cargo xtask callgrind` counts.
        rows.retain(|r| r.runs_at(1));
        for (k, r) in rows.iter().enumerate() {
            if args.row == Some(k) {
                run_counted(&r.job(1, n));
            } else if args.row.is_none() && r.section() == ONE_COUNTER {
                println!("{}/{}", r.encoding(), r.backend());
            } else if args.row.is_none() {
                println!("{}/{} ({})", r.encoding(), r.backend(), r.section());
            }
        }
        return;
    }
    let cells = measure::measure(&args, &rows, &threads);
    let md = report::report(&args, &rows, &cells, &threads);
    write_outputs("compare", &md, |svg| plot(svg, &rows, &cells));
}
