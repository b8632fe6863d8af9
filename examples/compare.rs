//! The comparison report: every encoding on every backend against the
//! baselines (Classic, `Arc::clone`+drop, `Weak::upgrade`+drop, and the bare
//! fetch_add/fetch_sub floor), uncontended and on one counter shared by 2, 4 …
//! threads.
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

#[path = "../benches/common/mod.rs"]
mod common;

use common::{
    contended_job, cores, each_subject, pagecache_job, thread_counts, Counter, PageCache, Pool,
    Run, Subject, Visit, HOT_PAGES,
};
use crossbeam_utils::CachePadded;
use frozen_refcount::{Backend, Counting, Counts, Encoding};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Command-line options.
struct Args {
    quick: bool,
    /// `--callgrind N`: only run `N` uncontended pairs per row, once, for
    /// `benches/callgrind.sh` (instruction counts under valgrind).
    callgrind: Option<u64>,
    /// `--row K`: with `--callgrind`, only the `K`th row (0-based).
    row: Option<usize>,
    max_threads: usize,
    encoding: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: compare [--quick] [--threads N] [--encoding NAME]\n\
         \x20 --quick          a few seconds instead of about a minute\n\
         \x20 --threads N      thread counts 1, 2, 4 … N (default: available_parallelism)\n\
         \x20 --encoding NAME  only this encoding (HighBit, LowBit, ZeroLockedHigh,\n\
         \x20                  ZeroLockedLow, Biased, Tagged); the baselines are always measured\n\
         \x20 --callgrind N [--row K]  list the rows / run N pairs of row K, once\n\
         \x20                  (for benches/callgrind.sh)"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
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

/// RMWs and failed CAS per operation, from `Counting`.
#[derive(Clone, Copy, Default)]
struct PerOp {
    /// The counting run's threads ran side by side (see `Pool::run`).
    clean: bool,
    rmw_try_get: f64,
    rmw_put: f64,
    failed_cas_per_pair: f64,
}

/// One row subject, type-erased once: the loops inside stay monomorphic.
trait Row {
    /// Which table the row belongs to.
    fn section(&self) -> &'static str {
        ONE_COUNTER
    }
    fn encoding(&self) -> &'static str;
    fn backend(&self) -> &'static str;
    /// `threads` threads doing `iters` pairs each.
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run;
    /// Exact step counts (counters of this crate only).
    fn counts(&self, pool: &Pool, threads: usize, iters: u64) -> Option<PerOp>;
}

struct Plain<S: Subject>(Arc<CachePadded<S>>);

impl<S: Subject> Row for Plain<S> {
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        pool.run(threads, contended_job::<S>(&self.0, iters))
    }
    fn counts(&self, _: &Pool, _: usize, _: u64) -> Option<PerOp> {
        None
    }
}

struct Counted<E: Encoding, B: Backend> {
    plain: Plain<Counter<E, B>>,
    counting: Arc<CachePadded<Counter<E, Counting<B>>>>,
}

fn add(a: Counts, b: Counts) -> Counts {
    Counts {
        loads: a.loads + b.loads,
        stores: a.stores + b.stores,
        rmws: a.rmws + b.rmws,
        cas_failures: a.cas_failures + b.cas_failures,
    }
}

impl<E: Encoding, B: Backend> Row for Counted<E, B> {
    fn encoding(&self) -> &'static str {
        self.plain.encoding()
    }
    fn backend(&self) -> &'static str {
        self.plain.backend()
    }
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        self.plain.measure(pool, threads, iters)
    }
    fn counts(&self, pool: &Pool, threads: usize, iters: u64) -> Option<PerOp> {
        // Like the timed runs, a run whose threads did not really run side
        // by side is done again (up to 100 times), so that Classic's retries
        // are those of a contended line.
        let mut per_op = PerOp::default();
        for _ in 0..100 {
            let totals = Arc::new(Mutex::new((Counts::default(), Counts::default())));
            let (c, t) = (self.counting.clone(), totals.clone());
            let run = pool.run(
                threads,
                Arc::new(move |_| {
                    let (mut take, mut put) = (Counts::default(), Counts::default());
                    for _ in 0..iters {
                        let (ok, n) = Counting::<B>::measure(|| c.take());
                        take = add(take, n);
                        assert!(ok, "the benchmark holds a reference: try_get cannot fail");
                        put = add(put, Counting::<B>::measure(|| c.release()).1);
                    }
                    let mut tot = t.lock().unwrap();
                    *tot = (add(tot.0, take), add(tot.1, put));
                }),
            );
            let (take, put) = *totals.lock().unwrap();
            let ops = (iters * threads as u64) as f64;
            per_op = PerOp {
                clean: run.clean,
                rmw_try_get: take.rmws as f64 / ops,
                rmw_put: put.rmws as f64 / ops,
                failed_cas_per_pair: (take.cas_failures + put.cas_failures) as f64 / ops,
            };
            if run.clean {
                break;
            }
        }
        Some(per_op)
    }
}

const ONE_COUNTER: &str = "one counter";
const PC_PACKED: &str = "page cache, packed";
const PC_PADDED: &str = "page cache, padded";

/// The page-cache workload on `S`, counters packed or padded.
struct Pc<S: Subject, const PADDED: bool>(Arc<PageCache<S, PADDED>>);

impl<S: Subject, const PADDED: bool> Row for Pc<S, PADDED> {
    fn section(&self) -> &'static str {
        if PADDED {
            PC_PADDED
        } else {
            PC_PACKED
        }
    }
    fn encoding(&self) -> &'static str {
        S::encoding()
    }
    fn backend(&self) -> &'static str {
        S::backend()
    }
    fn measure(&self, pool: &Pool, threads: usize, iters: u64) -> Run {
        pool.run(threads, pagecache_job(&self.0, iters))
    }
    fn counts(&self, _: &Pool, _: usize, _: u64) -> Option<PerOp> {
        None
    }
}

/// Collects the page-cache rows: HighBit and Classic on every backend, the
/// floor and `Arc`, packed and padded.
struct CollectPc {
    packed: Vec<Box<dyn Row>>,
    padded: Vec<Box<dyn Row>>,
}

impl CollectPc {
    fn push<S: Subject>(&mut self) {
        self.packed
            .push(Box::new(Pc::<S, false>(Arc::new(PageCache::new(
                HOT_PAGES,
            )))));
        self.padded
            .push(Box::new(Pc::<S, true>(Arc::new(PageCache::new(HOT_PAGES)))));
    }
}

impl Visit for CollectPc {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        if E::NAME == "HighBit" || E::NAME == "Classic" {
            self.push::<Counter<E, B>>();
        }
    }
    fn baseline<S: Subject>(&mut self) {
        if S::encoding() == "floor" || S::encoding() == "Arc::clone+drop" {
            self.push::<S>();
        }
    }
}

/// Collects the rows, applying `--encoding`.
struct Collect<'a> {
    rows: Vec<Box<dyn Row>>,
    only: Option<&'a str>,
}

impl Visit for Collect<'_> {
    fn counter<E: Encoding, B: Backend>(&mut self) {
        // Classic always stays: it is a column of the table.
        let keep =
            E::NAME == "Classic" || self.only.map_or(true, |o| o.eq_ignore_ascii_case(E::NAME));
        if keep {
            self.rows.push(Box::new(Counted::<E, B> {
                plain: Plain(Arc::new(CachePadded::new(Counter::new()))),
                counting: Arc::new(CachePadded::new(Counter::new())),
            }));
        }
    }
    fn baseline<S: Subject>(&mut self) {
        self.rows
            .push(Box::new(Plain::<S>(Arc::new(CachePadded::new(S::new())))));
    }
}

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
struct Cell {
    row: usize,
    threads: usize,
    iters: u64,
    /// ns per pair of the clean samples.
    ns: Vec<f64>,
    /// Runs discarded (preempted, or threads not started together).
    dropped: u64,
    /// Samples of rounds in which no clean run came.
    fallback: Vec<f64>,
    /// Fewer than 3 clean samples: the figure is not trustworthy.
    unclean: bool,
    counts: Option<PerOp>,
}

impl Cell {
    fn ns_median(&self) -> f64 {
        median(&mut self.ns.clone())
    }
    /// Interquartile range relative to the median.
    fn iqr(&self) -> f64 {
        let mut v = self.ns.clone();
        let m = median(&mut v);
        (quantile(&v, 0.75) - quantile(&v, 0.25)) / m
    }
    fn mpairs(&self) -> f64 {
        self.threads as f64 * 1e3 / self.ns_median()
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    format!(
        "{model}, {} hardware threads ({}-{})",
        cores(),
        std::env::consts::ARCH,
        std::env::consts::OS
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
        // Print the rows; with `--row K`, run `n` uncontended pairs of the
        // `K`th under `valgrind --tool=callgrind --toggle-collect=...pairs*`.
        let pool = Pool::new(1);
        for (k, r) in rows.iter().enumerate() {
            if args.row == Some(k) {
                r.measure(&pool, 1, n);
            } else if args.row.is_none() {
                println!("{}/{}", r.encoding(), r.backend());
            }
        }
        return;
    }
    let pool = Pool::new(args.max_threads);
    let started = Instant::now();

    let mut cells: Vec<Cell> = threads
        .iter()
        .flat_map(|&t| {
            (0..rows.len()).map(move |row| Cell {
                row,
                threads: t,
                iters: 0,
                ns: vec![],
                dropped: 0,
                fallback: vec![],
                unclean: false,
                counts: None,
            })
        })
        .collect();

    // Short batches, many interleaved rounds: on a shared machine a short
    // batch often runs without being preempted, and one that was (or whose
    // threads did not start together) is measured again; see `Pool::run`.
    let (batch, budget) = if args.quick {
        (0.5e-3, 3.0)
    } else {
        (1.0e-3, 60.0)
    };
    let batch = Duration::from_secs_f64(batch);
    let budget = Duration::from_secs_f64(budget);
    eprintln!(
        "compare: {} rows x threads {:?} = {} cells, {:.1} ms batches, {} s of interleaved rounds",
        rows.len(),
        threads,
        cells.len(),
        batch.as_secs_f64() * 1e3,
        budget.as_secs()
    );

    // Calibrate (and warm up): iterations per batch for each cell.
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcalibrating {}/{}   ", i + 1, threads.len() * rows.len());
        let r = &rows[c.row];
        let mut iters = 100u64;
        let mut best = Duration::MAX;
        for _ in 0..40 {
            let d = r.measure(&pool, c.threads, iters).wall;
            if d >= batch / 4 {
                best = best.min(d);
                if best < Duration::MAX && iters > 100 && c.iters == iters {
                    break; // measured twice at this size
                }
                c.iters = iters;
            } else {
                iters *= 2;
            }
        }
        c.iters = ((iters as f64 * batch.as_secs_f64() / best.as_secs_f64()) as u64).max(100);
    }
    eprintln!();

    // Interleaved rounds: every cell once per round, the order rotated.
    let t0 = Instant::now();
    let mut round = 0;
    while round < 3 || t0.elapsed() < budget {
        if round % 16 == 0 {
            eprint!(
                "\rround {}  ({:.0} s of {} s)   ",
                round + 1,
                t0.elapsed().as_secs_f64(),
                budget.as_secs()
            );
        }
        let n = cells.len();
        for k in 0..n {
            let c = &mut cells[(k + round * 7) % n];
            let mut last = None;
            for _ in 0..20 {
                let run = rows[c.row].measure(&pool, c.threads, c.iters);
                let ns = run.wall.as_nanos() as f64 / c.iters as f64;
                if run.clean {
                    c.ns.push(ns);
                    last = None;
                    break;
                }
                c.dropped += 1;
                last = Some(ns);
            }
            if let Some(ns) = last {
                c.fallback.push(ns); // never clean in 20 tries: kept apart
            }
        }
        round += 1;
    }
    for c in &mut cells {
        if c.ns.len() < 3 {
            // Too few clean samples: use all, and the table marks the cell.
            c.unclean = true;
            c.ns.append(&mut c.fallback);
        }
    }
    eprintln!();

    // Exact counts, untimed, at every thread count.
    let count_iters = if args.quick { 5_000 } else { 10_000 };
    for (i, c) in cells.iter_mut().enumerate() {
        eprint!("\rcounting {}/{}   ", i + 1, threads.len() * rows.len());
        c.counts = rows[c.row].counts(&pool, c.threads, count_iters);
    }
    eprintln!("\rdone in {:.0} s", started.elapsed().as_secs_f64());

    let md = report(&args, &rows, &cells, &threads);
    print!("{md}");
    let dir = target_dir();
    let _ = std::fs::create_dir_all(&dir);
    let md_path = dir.join("compare.md");
    std::fs::write(&md_path, &md).expect("write compare.md");
    let svg_path = dir.join("compare.svg");
    plot(&svg_path, &rows, &cells, &threads).expect("write compare.svg");
    eprintln!("wrote {} and {}", md_path.display(), svg_path.display());
}

fn args_batch_ms(args: &Args) -> f64 {
    if args.quick {
        0.5
    } else {
        1.0
    }
}

/// The table, the targets of the issue, and how to read them (markdown).
fn report(args: &Args, rows: &[Box<dyn Row>], cells: &[Cell], threads: &[usize]) -> String {
    let find_in = |sec: &str, enc: &str, backend: &str, t: usize| {
        cells.iter().find(|c| {
            let r = &rows[c.row];
            c.threads == t && r.section() == sec && r.encoding() == enc && r.backend() == backend
        })
    };
    let find = |enc: &str, backend: &str, t: usize| find_in(ONE_COUNTER, enc, backend, t);
    let mut s = String::new();
    let cmd = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let _ = writeln!(
        s,
        "Machine: {}. Command: `cargo run --release --example compare{}{}`.",
        machine(),
        if cmd.is_empty() { "" } else { " -- " },
        cmd
    );
    let _ = writeln!(
        s,
        "Medians over interleaved rounds of {:.1} ms batches (samples: kept / measured; a run in which a thread \
         was preempted, or the threads did not start together, is measured again). ns/pair is the wall time for each \
         thread to do one try_get+put pair (all threads on ONE counter); time ratios below 1 are faster.\n",
        args_batch_ms(args)
    );
    let mut sections: Vec<&str> = rows.iter().map(|r| r.section()).collect();
    sections.dedup();
    for sec in sections {
        if sec != ONE_COUNTER {
            let _ = writeln!(
            s,
            "\n{sec}: every thread looks up one of {HOT_PAGES} hot pages, takes a reference, reads {} bytes of it \
             and drops the reference; the {HOT_PAGES} counters {}. ns/pair is per lookup.\n",
            common::PAGE_READ,
            if sec == PC_PACKED { "are adjacent (sharing cache lines)" } else { "are each on their own cache line (CachePadded)" }
        );
        }
        let _ = writeln!(
        s,
        "| encoding | backend | threads | ns/pair | Mpairs/s (all threads) | time vs Classic | time vs floor | RMW/try_get | RMW/put | failed CAS/pair | IQR | samples |"
    );
        let _ = writeln!(s, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for &t in threads {
            for c in cells
                .iter()
                .filter(|c| c.threads == t && rows[c.row].section() == sec)
            {
                let r = &rows[c.row];
                let ns = c.ns_median();
                let classic = find_in(sec, "Classic", r.backend(), t)
                    .or_else(|| find_in(sec, "Classic", "core", t))
                    .map(Cell::ns_median);
                let floor = find_in(sec, "floor", "-", t).map(Cell::ns_median);
                let ratio =
                    |b: Option<f64>| b.map_or("-".to_string(), |b| format!("{:.2}", ns / b));
                let (rg, rp, fc) = match c.counts {
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
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {:.2}{} | {:.1} | {} | {} | {} | {} | {} | {:.1}% | {}/{} |",
                    r.encoding(),
                    r.backend(),
                    t,
                    ns,
                    if c.unclean { " (!)" } else { "" },
                    c.mpairs(),
                    ratio(classic),
                    ratio(floor),
                    rg,
                    rp,
                    fc,
                    c.iqr() * 100.0,
                    c.ns.len(),
                    c.ns.len() as u64 + c.dropped
                );
            }
        }
    }

    // The targets of issue 6, checked on every backend that has the rows.
    if cells.iter().any(|c| c.counts.is_some_and(|p| !p.clean)) {
        let _ = writeln!(
            s,
            "\n(!) after failed CAS: no counting run of this cell had its threads side by side; the retries \
             shown are those of a less contended run."
        );
    }
    if cells.iter().any(|c| c.unclean) {
        let _ = writeln!(
            s,
            "\n(!) fewer than 3 clean samples: the machine was too busy for this cell's threads to run side by \
             side; its figure is a median of disturbed runs, not a measurement."
        );
    }
    let _ = writeln!(s, "\nTargets (from the issue), per backend:\n");
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
                    h.mpairs() / c.mpairs(),
                    mark(h.mpairs() / c.mpairs() >= 1.5),
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
            .filter(|c| rows[c.row].backend() == b && rows[c.row].encoding() != "Classic")
            .filter_map(|c| c.counts)
            .all(|p| p.rmw_try_get == 1.0);
        let _ = writeln!(
            s,
            "- {b}: exactly 1 RMW per try_get at every thread count, every frozen encoding: {}",
            mark(one_rmw)
        );
    }
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

/// Throughput (all threads, million pairs per second) against threads.
fn plot(
    path: &std::path::Path,
    rows: &[Box<dyn Row>],
    cells: &[Cell],
    threads: &[usize],
) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let max_t = *threads.iter().max().unwrap() as f64;
    let max_y = cells
        .iter()
        .filter(|c| rows[c.row].section() == ONE_COUNTER)
        .map(Cell::mpairs)
        .fold(0.0, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "try_get+put on one counter: throughput vs threads",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.8f64..max_t + 0.2, 0f64..max_y)?;
    chart
        .configure_mesh()
        .x_desc("threads")
        .y_desc("million pairs / s (all threads)")
        .x_labels(threads.len().max(2))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    for (i, r) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.section() == ONE_COUNTER)
    {
        let color = Palette99::pick(i).stroke_width(2);
        let pts: Vec<(f64, f64)> = cells
            .iter()
            .filter(|c| c.row == i)
            .map(|c| (c.threads as f64, c.mpairs()))
            .collect();
        let label = if r.backend() == "-" {
            r.encoding().to_string()
        } else {
            format!("{}/{}", r.encoding(), r.backend())
        };
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        chart
            .draw_series(LineSeries::new(pts, color))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
