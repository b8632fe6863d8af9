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
//! One job a file: `args.rs` (the command line), `measure.rs` (timing,
//! preemption filtering, the figures of a cell), `report.rs` (the markdown
//! and the goals), `plot.rs` (the SVG); this file runs them in turn.
//! `common` is `benches/common/`, shared with the criterion suite; it stays
//! `compare_slab::common` for `cargo xtask callgrind-slab`.

#[path = "../../benches/common/mod.rs"]
mod common;

mod args;
mod measure;
mod plot;
mod report;

use common::{Pool, Shape};
use std::path::PathBuf;

/// The workspace's target directory (the example runs from any directory).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let slab = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            slab.parent()
                .expect("slab/ is in the workspace")
                .join("target")
        })
}

fn main() {
    let args = args::parse_args();
    let subjects = common::subjects();
    if let Some(n) = args.callgrind {
        // List the subjects; with `--subject K`, run `n` hot-key get + drop
        // of the `K`th on this thread (under valgrind's --toggle-collect).
        match args.subject {
            Some(k) => {
                let s = subjects.get(k).expect("--subject K: K is a listed subject");
                Pool::new(1).run(1, s.clone().job(Shape::Hot, n));
            }
            None => subjects.iter().for_each(|s| println!("{}", s.name())),
        }
        return;
    }
    let cells = measure::measure(&args, &subjects);
    let md = report::report(&args, &subjects, &cells);
    print!("{md}");
    let dir = target_dir();
    let _ = std::fs::create_dir_all(&dir);
    let md_path = dir.join("compare_slab.md");
    std::fs::write(&md_path, &md).expect("write compare_slab.md");
    let svg_path = dir.join("compare_slab.svg");
    plot::plot(&svg_path, &subjects, &cells).expect("write compare_slab.svg");
    eprintln!("wrote {} and {}", md_path.display(), svg_path.display());
}
