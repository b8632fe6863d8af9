//! The markdown report: the machine, one row per (shape, threads) with the
//! two slabs side by side and the floor, then the goals checked
//! against the table's own figures.

use crate::common::{Bench, Shape, LIVE, SHAPES};
use crate::Cell;
use bench_harness::measure::UNCLEAN_NOTE;
use bench_harness::report::{command, machine, Table};
use bench_harness::{cores, Options};
use std::fmt::Write as _;
use std::sync::Arc;

/// The figures of one subject in a row: ns/op, Mops/s, samples, IQR.
fn figures(c: Option<&Cell>) -> [String; 4] {
    match c {
        None => ["-".into(), "-".into(), "-".into(), "-".into()],
        Some(c) => [
            c.ns_figure(),
            format!("{:.1}", c.mops()),
            c.samples_figure(),
            c.iqr_figure(),
        ],
    }
}

/// The table and the goals (markdown).
pub fn report(options: &Options, subjects: &[Arc<dyn Bench>], cells: &[Cell]) -> String {
    let find = |shape: Shape, threads: usize, name: &str| {
        cells.iter().find(|c| {
            c.what.shape == shape && c.threads == threads && subjects[c.what.subject].name() == name
        })
    };
    let ratio = |a: Option<&Cell>, b: Option<&Cell>| a.zip(b).map(|(a, b)| a.mops() / b.mops());
    let over_floor =
        |a: Option<&Cell>, f: Option<&Cell>| a.zip(f).map(|(a, f)| a.ns_median() / f.ns_median());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Machine: {}. Command: `{}`.\n",
        machine(),
        command("cargo run --release -p frozen-slab --example compare_slab")
    );
    let _ = writeln!(
        s,
        "Medians over interleaved rounds of {:.1} ms batches (samples: kept/measured; a run in which a thread was \
         preempted, or the threads did not start together, is measured again). ns/op: wall time for EACH thread to \
         do one operation (get+drop, or insert+remove); Mops/s: all threads. x sharded: frozen-slab's throughput over \
         sharded-slab's (above 1: frozen-slab is faster). x floor: frozen-slab's time over the floor's (bare \
         fetch_add+fetch_sub on an AtomicU64; the random shape: one of {LIVE}). IQR: interquartile range of the \
         samples over their median (f: frozen-slab, s: sharded-slab). {LIVE} live entries; stale keys name an \
         earlier life of a slot that is live again.\n",
        options.batch().as_secs_f64() * 1e3
    );
    let mut table = Table::new()
        .left("shape")
        .right("threads")
        .right("frozen-slab ns/op")
        .right("frozen-slab Mops/s")
        .right("sharded-slab ns/op")
        .right("sharded-slab Mops/s")
        .right("x sharded (throughput)")
        .right("floor ns/op")
        .right("x floor (time)")
        .right("IQR f/s/floor")
        .right("samples f/s/floor");
    for &(shape, t) in SHAPES {
        let (fr, sh, fl) = (
            find(shape, t, "frozen-slab"),
            find(shape, t, "sharded-slab"),
            find(shape, t, "floor"),
        );
        let (f, g, h) = (figures(fr), figures(sh), figures(fl));
        let opt = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.2}"));
        table.row(vec![
            shape.name().to_string(),
            t.to_string(),
            f[0].clone(),
            f[1].clone(),
            g[0].clone(),
            g[1].clone(),
            opt(ratio(fr, sh)),
            h[0].clone(),
            opt(over_floor(fr, fl)),
            format!("{} / {} / {}", f[3], g[3], h[3]),
            format!("{} / {} / {}", f[2], g[2], h[2]),
        ]);
    }
    let _ = write!(s, "{table}");
    if cells.iter().any(|c| c.unclean) {
        let _ = writeln!(s, "\n{UNCLEAN_NOTE}");
    }

    let _ = writeln!(s, "\nGoals, from the table above:\n");
    let fs = |shape, t, a: &str| ratio(find(shape, t, a), find(shape, t, "sharded-slab"));
    // (goal, frozen-slab's figure, bound, whether the figure must be at
    // least the bound (else at most), the floor's figure in its place).
    let goals = [
        (
            "get+drop, hot key, 2 threads: throughput >= 4x sharded-slab",
            Shape::Hot,
            2,
            4.0,
            true,
        ),
        (
            "get+drop, hot key, 1 thread: throughput >= 2x sharded-slab",
            Shape::Hot,
            1,
            2.0,
            true,
        ),
        (
            "get+drop, random keys, 2 threads: throughput >= 1.5x sharded-slab",
            Shape::Random,
            2,
            1.5,
            true,
        ),
        (
            "get+drop, hot key, 1 thread: time <= 1.3x the floor",
            Shape::Hot,
            1,
            1.3,
            false,
        ),
        (
            "insert+remove, local, 1 thread: throughput >= 1x sharded-slab",
            Shape::ChurnLocal,
            1,
            1.0,
            true,
        ),
        (
            "insert+remove, local, 2 threads: throughput >= 1x sharded-slab",
            Shape::ChurnLocal,
            2,
            1.0,
            true,
        ),
        (
            "insert+remove, remote, 2 threads: throughput >= 1x sharded-slab",
            Shape::ChurnRemote,
            2,
            1.0,
            true,
        ),
    ];
    for (what, shape, t, bound, at_least) in goals {
        let x = if at_least {
            fs(shape, t, "frozen-slab")
        } else {
            over_floor(find(shape, t, "frozen-slab"), find(shape, t, "floor"))
        };
        let verdict = match x {
            None => "not measured".to_string(),
            Some(x) if (x >= bound) == at_least || x == bound => format!("{x:.2}x: met"),
            Some(x) => format!("{x:.2}x: MISSED"),
        };
        // What no get+drop of two atomic RMWs can beat: the floor's ratio.
        let ceiling = match fs(shape, t, "floor") {
            Some(f) if at_least => format!(" (the floor itself: {f:.2}x)"),
            _ => String::new(),
        };
        let _ = writeln!(s, "- {what}: {verdict}{ceiling}");
    }
    if cores() < 2 {
        let _ = writeln!(
            s,
            "\nOne hardware thread: the 2-thread rows time-share one core."
        );
    }
    s
}
