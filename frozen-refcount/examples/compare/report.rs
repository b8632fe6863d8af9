//! The markdown report: the machine, the tables (one counter, the free path
//! and the page-cache sections), the targets checked per backend, the
//! three shapes of get and the free path's cost in a few lines, and the
//! notes on how to read them.

use crate::args::Args;
use crate::common::{HOT_PAGES, PAGE_READ};
use crate::measure::Cell;
use crate::subjects::{Row, FREE_PATH, ONE_COUNTER, PC_PACKED};
use bench_harness::measure::UNCLEAN_NOTE;
use bench_harness::report::{command, machine, Table};
use std::fmt::Write as _;

/// The tables, the targets, the summaries, and how to read them (markdown).
pub fn report(args: &Args, rows: &[Box<dyn Row>], cells: &[Cell], threads: &[usize]) -> String {
    let find_in = |sec: &str, enc: &str, backend: &str, t: usize| {
        cells.iter().find(|c| {
            let r = &rows[c.what.row];
            c.threads == t && r.section() == sec && r.encoding() == enc && r.backend() == backend
        })
    };
    let find = |enc: &str, backend: &str, t: usize| find_in(ONE_COUNTER, enc, backend, t);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Machine: {} ({}-{}). Command: `{}`.",
        machine(),
        std::env::consts::ARCH,
        std::env::consts::OS,
        command("cargo run --release --example compare")
    );
    let _ = writeln!(
        s,
        "Medians over interleaved rounds of {:.1} ms batches (samples: kept / measured; a run in which a thread \
         was preempted, or the threads did not start together, is measured again). ns/pair is the wall time for each \
         thread to do one try_get+put pair (all threads on ONE counter); time ratios below 1 are faster.\n",
        args.options.batch().as_secs_f64() * 1e3
    );
    let mut sections: Vec<&str> = rows.iter().map(|r| r.section()).collect();
    sections.dedup();
    // A section none of whose rows runs at these thread counts (one object
    // raced on by one thread) is left out.
    sections.retain(|sec| cells.iter().any(|c| rows[c.what.row].section() == *sec));
    for sec in sections {
        let unit = if sec.starts_with(FREE_PATH) {
            "life"
        } else {
            "pair"
        };
        if sec.starts_with(FREE_PATH) {
            let _ = writeln!(
                s,
                "\n{sec}: lives of an object, each an `unfreeze` (`Classic`, the floor and the optimistic \
                 cmpxchg: a store of the count), k try_get+put pairs per thread, and the last put (`Last`: frozen \
                 again; `Classic`: decremented to zero). {} ns/life is the wall time for each thread to do one life.\n",
                if sec.contains("racing") {
                    "Every life starts with one reference per thread (`unfreeze(threads)`); each thread does its \
                     k pairs and puts its reference, the one that gets `Last` unfreezes the next life and the others \
                     wait for it (the hand-over is in every row's time)."
                } else {
                    "Each thread has its own object, on its own cache line, unfrozen with one reference."
                }
            );
        } else if sec != ONE_COUNTER {
            let _ = writeln!(
            s,
            "\n{sec}: every thread looks up one of {HOT_PAGES} hot pages, takes a reference, reads {} bytes of it \
             and drops the reference; the {HOT_PAGES} counters {}. ns/pair is per lookup.\n",
            PAGE_READ,
            if sec == PC_PACKED { "are adjacent (sharing cache lines)" } else { "are each on their own cache line (CachePadded)" }
        );
        }
        let mut table = Table::new()
            .left("encoding")
            .left("backend")
            .right("threads")
            .right(format!("ns/{unit}"))
            .right(format!("M{unit}s/s (all threads)"))
            .right("time vs Classic")
            .right("time vs floor")
            .right("RMW/try_get")
            .right("RMW/put")
            .right("failed CAS/pair")
            .right("IQR")
            .right("samples");
        for &t in threads {
            for c in cells
                .iter()
                .filter(|c| c.threads == t && rows[c.what.row].section() == sec)
            {
                let r = &rows[c.what.row];
                let ns = c.ns_median();
                let classic = find_in(sec, "Classic", r.backend(), t)
                    .or_else(|| find_in(sec, "Classic", "core", t))
                    .map(Cell::ns_median);
                let floor = find_in(sec, "floor", "-", t).map(Cell::ns_median);
                let ratio =
                    |b: Option<f64>| b.map_or("-".to_string(), |b| format!("{:.2}", ns / b));
                let (rg, rp, fc) = match c.what.counts {
                    Some(p) => (
                        format!("{:.2}", p.rmw_try_get),
                        format!("{:.2}", p.rmw_put),
                        format!(
                            "{:.3}{}",
                            p.failed_cas_per_pair,
                            if p.clean { "" } else { " (!)" }
                        ),
                    ),
                    None => ("-".into(), "-".into(), "-".into()),
                };
                table.row(vec![
                    r.encoding().to_string(),
                    r.backend().to_string(),
                    t.to_string(),
                    c.ns_figure(),
                    format!("{:.1}", c.mops()),
                    ratio(classic),
                    ratio(floor),
                    rg,
                    rp,
                    fc,
                    c.iqr_figure(),
                    c.samples_figure(),
                ]);
            }
        }
        let _ = write!(s, "{table}");
    }

    // The targets, checked on every backend that has the rows.
    if cells
        .iter()
        .any(|c| c.what.counts.is_some_and(|p| !p.clean))
    {
        let _ = writeln!(
            s,
            "\n(!) after failed CAS: no counting run of this cell had its threads side by side; the retries \
             shown are those of a less contended run."
        );
    }
    if cells.iter().any(|c| c.unclean) {
        let _ = writeln!(s, "\n{UNCLEAN_NOTE}");
    }
    let _ = writeln!(s, "\nTargets, per backend:\n");
    let mut backends: Vec<&str> = rows
        .iter()
        .map(|r| r.backend())
        .filter(|b| *b != "-")
        .collect();
    // Each table lists the backends again: keep the first of each, in order.
    let mut seen = Vec::new();
    backends.retain(|b| {
        let new = !seen.contains(b);
        seen.push(*b);
        new
    });
    let mark = |ok: bool| if ok { "met" } else { "MISSED" };
    let floor1 = find("floor", "-", 1).map(Cell::ns_median);
    for b in backends {
        let hb1 = find("HighBit", b, 1).map(Cell::ns_median);
        let cl1 = find("Classic", b, 1).map(Cell::ns_median);
        if let (Some(h), Some(f), Some(c)) = (hb1, floor1, cl1) {
            let _ = writeln!(
                s,
                "- {b}: uncontended HighBit = {:.3}x floor (target <= 1.02: {}), {:.3}x Classic (target <= 1: {})",
                h / f,
                mark(h / f <= 1.02),
                h / c,
                mark(h <= c)
            );
        }
        if threads.contains(&2) {
            let hb2 = find("HighBit", b, 2);
            let cl2 = find("Classic", b, 2);
            let fl2 = find("floor", "-", 2);
            if let (Some(h), Some(c), Some(f)) = (hb2, cl2, fl2) {
                if h.unclean || c.unclean || f.unclean {
                    let _ = writeln!(s, "- {b}: 2 threads: not measured (no clean samples: the machine was too busy)");
                } else {
                    let _ = writeln!(
                    s,
                    "- {b}: 2 threads, HighBit throughput = {:.2}x Classic's (target >= 1.5: {}), time = {:.3}x floor (target <= 1.05: {})",
                    h.mops() / c.mops(),
                    mark(h.mops() / c.mops() >= 1.5),
                    h.ns_median() / f.ns_median(),
                    mark(h.ns_median() / f.ns_median() <= 1.05)
                );
                }
            }
        }
        if let Some(h) = hb1 {
            for e in [
                "LowBit",
                "ZeroLockedHigh",
                "ZeroLockedLow",
                "Biased",
                "Tagged",
            ] {
                if let Some(x) = find(e, b, 1) {
                    let r = x.ns_median() / h;
                    let _ = writeln!(
                        s,
                        "- {b}: uncontended {e} = {r:.3}x HighBit (target within 3%: {})",
                        mark((r - 1.0).abs() <= 0.03)
                    );
                }
            }
        }
        let one_rmw = cells
            .iter()
            .filter(|c| {
                let r = &rows[c.what.row];
                r.backend() == b && r.encoding() != "Classic"
            })
            .filter_map(|c| c.what.counts)
            .all(|p| p.rmw_try_get == 1.0);
        let _ = writeln!(
            s,
            "- {b}: exactly 1 RMW per try_get at every thread count, every frozen encoding: {}",
            mark(one_rmw)
        );
    }
    shapes_and_free_path(&mut s, rows, cells, threads);
    if args.max_threads == 1 {
        let _ = writeln!(
            s,
            "\nOne thread only: no contention was measured (`--threads 2` or more for that)."
        );
    } else if args.max_threads <= 2 {
        let _ = writeln!(
            s,
            "\nWith {} hardware thread(s) this run shows the cost of one contended cache line between two \
             cores, not scaling: run `--threads N` on a machine with N cores for the curve.",
            args.max_threads
        );
    }
    s
}

/// The three shapes of get side by side (one counter, `core`), and the free
/// path's cost against `Classic` and the floor, in a few lines.
fn shapes_and_free_path(s: &mut String, rows: &[Box<dyn Row>], cells: &[Cell], threads: &[usize]) {
    let ns = |sec: &str, enc: &str, backend: &str, t: usize| {
        cells
            .iter()
            .find(|c| {
                let r = &rows[c.what.row];
                c.threads == t
                    && r.section() == sec
                    && r.encoding() == enc
                    && r.backend() == backend
            })
            .map(Cell::ns_median)
    };
    let _ = writeln!(
        s,
        "\nThe three shapes of get (one counter, try_get+put, ns/pair): `lock xadd` (HighBit), load + cmpxchg loop \
         (Classic), cmpxchg assuming a count of 1 with the loop behind it (optimistic cmpxchg):\n"
    );
    for &t in threads {
        let x = ns(ONE_COUNTER, "HighBit", "core", t);
        let l = ns(ONE_COUNTER, "Classic", "core", t);
        let o = ns(ONE_COUNTER, "optimistic cmpxchg", "-", t);
        if let (Some(x), Some(l), Some(o)) = (x, l, o) {
            let _ = writeln!(
                s,
                "- {t} thread(s): xadd {x:.2}, load + cmpxchg {l:.2}, optimistic cmpxchg {o:.2}: optimistic = {:.2}x \
                 load + cmpxchg's time, {:.2}x xadd's",
                o / l,
                o / x
            );
        }
    }
    let mut sections: Vec<&str> = rows
        .iter()
        .map(|r| r.section())
        .filter(|sec| sec.starts_with(FREE_PATH))
        .collect();
    sections.dedup();
    if sections.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\nThe free path: HighBit's time per life (core) against Classic's and the floor's, and Tagged's against \
         Classic's:\n"
    );
    for sec in sections {
        for &t in threads {
            let h = ns(sec, "HighBit", "core", t);
            let g = ns(sec, "Tagged", "core", t);
            let c = ns(sec, "Classic", "core", t);
            let f = ns(sec, "floor", "-", t);
            if let (Some(h), Some(c), Some(f)) = (h, c, f) {
                let tagged = g.map_or(String::new(), |g| format!(", Tagged {:.2}x Classic", g / c));
                let _ = writeln!(
                    s,
                    "- {sec}, {t} thread(s): HighBit {h:.2} ns = {:.2}x Classic ({c:.2}), {:.2}x floor ({f:.2}){tagged}",
                    h / c,
                    h / f
                );
            }
        }
    }
}
