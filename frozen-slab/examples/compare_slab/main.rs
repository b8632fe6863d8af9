//! frozen-slab against sharded-slab 0.1.7 (the real crate, called in the
//! same run, same loops) and the floor, on the benchmark's shapes: get +
//! drop on a hot key (1 and 2 threads) and on random keys, get on stale
//! keys, insert + remove by one thread and across two.
//!
//! ```sh
//! cargo run --release -p frozen-slab --example compare_slab              # ~70 s
//! cargo run --release -p frozen-slab --example compare_slab -- --quick   # a few seconds
//! ```
//!
//! Every cell is measured once per round, the rounds interleaved (each in a
//! rotated order), and the table shows medians: noise from other processes
//! hits every subject alike. Writes the table to `target/compare_slab.md`
//! and the plot to `target/compare_slab.svg`.
//!
//! This file has the command line, the cells and the plot; `report.rs` the
//! markdown and the goals. `common` is `benches/common/`, what the
//! criterion suite measures too (the subjects, the shapes, the loops); how
//! it is measured, reported and drawn is `bench_harness`'s
//! (`bench-harness/` at the workspace root).

#[path = "../../benches/common/mod.rs"]
mod common;

mod report;

use bench_harness::callgrind::run_counted;
use bench_harness::measure::measure;
use bench_harness::plot::{self, Series};
use bench_harness::report::write_outputs;
use bench_harness::{cli, Pool};
use common::{Bench, Shape, SHAPES};
use std::path::Path;
use std::sync::Arc;

const USAGE: &str = "usage: compare_slab [--quick] [--callgrind N [--subject K [--churn]]]\n\
     \x20 --quick          a few seconds instead of about a minute\n\
     \x20 --callgrind N [--subject K [--churn]]  list the subjects / run N hot-key\n\
     \x20                  get+drop (with --churn: N inserts and removes, local) of\n\
     \x20                  subject K, once (for cargo xtask callgrind-slab)";

/// What a cell measures: a shape, on one of the subjects.
pub struct At {
    /// What each thread does.
    pub shape: Shape,
    /// Index into the subjects.
    pub subject: usize,
}

/// One measured cell of the table.
pub type Cell = bench_harness::Cell<At>;

/// Million operations per second (all threads) per (shape, threads), one
/// bar per subject, on a log scale: the shapes span two decades (churn at
/// tens of Mops/s, stale gets near two thousand).
fn plot(path: &Path, subjects: &[Arc<dyn Bench>], cells: &[Cell]) -> plot::Result {
    let group = |c: &Cell| {
        SHAPES
            .iter()
            .position(|&(s, t)| s == c.what.shape && t == c.threads)
            .expect("a cell's shape is listed") as f64
    };
    let series: Vec<Series> = subjects
        .iter()
        .enumerate()
        .map(|(k, subject)| Series {
            label: subject.name().to_string(),
            points: cells
                .iter()
                .filter(|c| c.what.subject == k)
                .map(|c| (group(c), c.mops()))
                .collect(),
        })
        .collect();
    let groups: Vec<String> = SHAPES
        .iter()
        .map(|(shape, t)| format!("{} {t}t", shape.id()))
        .collect();
    plot::bars(
        path,
        "frozen-slab vs sharded-slab 0.1.7: throughput per shape (all threads)",
        "million operations / s (all threads, log scale)",
        &groups,
        &series,
    )
}

fn main() {
    let mut subject = None;
    let mut churn = false;
    let options = cli::parse(USAGE, |flag, rest| match flag {
        "--subject" => {
            subject = Some(rest.number::<usize>());
            true
        }
        "--churn" => {
            churn = true;
            true
        }
        _ => false,
    });
    let subjects = common::subjects();
    if let Some(n) = options.callgrind {
        // List the subjects (and whether each has the local churn); with
        // `--subject K`, run `n` hot-key get + drop (or inserts and removes)
        // of the `K`th on this thread, inside the function `cargo xtask
        // callgrind-slab` counts.
        let shape = if churn { Shape::ChurnLocal } else { Shape::Hot };
        match subject {
            Some(k) => {
                let s = subjects.get(k).expect("--subject K: K is a listed subject");
                run_counted(&s.clone().job(shape, n));
            }
            None => subjects.iter().for_each(|s| {
                let churn = if s.measures(Shape::ChurnLocal) {
                    "\tchurn"
                } else {
                    ""
                };
                println!("{}{churn}", s.name());
            }),
        }
        return;
    }
    // Every subject on every shape that it has, in table order.
    let mut cells: Vec<Cell> = SHAPES
        .iter()
        .flat_map(|&(shape, threads)| {
            let subjects = &subjects;
            (0..subjects.len())
                .filter(move |&k| subjects[k].measures(shape))
                .map(move |subject| Cell::new(At { shape, subject }, threads))
        })
        .collect();
    let pool = Pool::new(2);
    let (batch, budget) = (options.batch(), options.budget());
    measure(
        "compare_slab",
        batch,
        budget,
        &mut cells,
        |at, threads, iters| pool.run(threads, subjects[at.subject].clone().job(at.shape, iters)),
    );
    let md = report::report(&options, &subjects, &cells);
    write_outputs("compare_slab", &md, |svg| plot(svg, &subjects, &cells));
}
