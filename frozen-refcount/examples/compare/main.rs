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
//! `measure.rs` (timing, preemption filtering, exact counts), `stats.rs`
//! (the figures of a cell), `report.rs` (the markdown), `plot.rs` (the SVG);
//! this file runs them in turn. `common` is `benches/common/`, shared with
//! the criterion suites; it stays `compare::common` for `cargo xtask callgrind`.

#[path = "../../benches/common/mod.rs"]
mod common;

mod args;
mod measure;
mod plot;
mod report;
mod stats;
mod subjects;

use args::{parse_args, usage};
use common::{each_subject, thread_counts, Pool};
use std::path::PathBuf;
use subjects::{Collect, CollectFree, CollectPc};

/// The workspace's target directory (the example runs from any directory).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let krate = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            krate
                .parent()
                .expect("the crate is in the workspace")
                .join("target")
        })
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
    each_subject(&mut free);
    rows.append(&mut free.rows());
    if !args.quick && args.callgrind.is_none() {
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
            usage();
        }
    }
    if let Some(n) = args.callgrind {
        // Print the rows that run on one thread; with `--row K`, run `n`
        // uncontended pairs (lives) of the `K`th under `valgrind
        // --tool=callgrind --toggle-collect=...pairs* --toggle-collect=...lives*`.
        let pool = Pool::new(1);
        rows.retain(|r| r.runs_at(1));
        for (k, r) in rows.iter().enumerate() {
            if args.row == Some(k) {
                r.measure(&pool, 1, n);
            } else if args.row.is_none() && r.section() == subjects::ONE_COUNTER {
                println!("{}/{}", r.encoding(), r.backend());
            } else if args.row.is_none() {
                println!("{}/{} ({})", r.encoding(), r.backend(), r.section());
            }
        }
        return;
    }
    let cells = measure::measure(&args, &rows, &threads);

    let md = report::report(&args, &rows, &cells, &threads);
    print!("{md}");
    let dir = target_dir();
    let _ = std::fs::create_dir_all(&dir);
    let md_path = dir.join("compare.md");
    std::fs::write(&md_path, &md).expect("write compare.md");
    let svg_path = dir.join("compare.svg");
    plot::plot(&svg_path, &rows, &cells, &threads).expect("write compare.svg");
    eprintln!("wrote {} and {}", md_path.display(), svg_path.display());
}
