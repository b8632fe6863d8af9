//! frozen-slab's `Pool` against sharded-slab 0.1.7's (the real crate, in
//! the same run, same loops), on what tracing-subscriber's `Registry` asks
//! of it: create + clear (a span's life) and get + drop (a lookup), at 1
//! and 2 threads.
//!
//! ```sh
//! cargo run --release -p frozen-slab --example compare_pool              # ~20 s
//! cargo run --release -p frozen-slab --example compare_pool -- --quick   # a few seconds
//! ```
//!
//! The shapes, each thread on its own values:
//! - `create+clear, local`: `create_with` (fills in the value) then
//!   `clear`, by the thread itself, as the Registry does for a span that
//!   nothing else holds;
//! - `create+clear, remote` (2 threads only): thread 0 creates, hands the
//!   key over a ring, and thread 1 clears it (a span closed on another
//!   thread);
//! - `get, own keys N apart`: `get`, read the value, drop the guard, on a
//!   key of the thread's own; the keys were created one after another by
//!   one thread beforehand, and thread `t` uses the `t * N`th: N = 1 puts
//!   the two threads' values in neighbouring slots, N = 32 puts them 32
//!   slots apart.
//!
//! Interleaved rounds and medians, as `compare_slab` (`bench_harness`).
//! Writes `target/compare_pool.md` and the plot `target/compare_pool.svg`.

use bench_harness::callgrind::run_counted;
use bench_harness::measure::{measure, UNCLEAN_NOTE};
use bench_harness::plot::{self, Series};
use bench_harness::report::{command, machine, write_outputs, Table};
use bench_harness::{cli, Job, Pool, Ring};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

const USAGE: &str = "usage: compare_pool [--quick] [--callgrind N [--subject K]]\n\
     \x20 --quick          a few seconds instead of about 25\n\
     \x20 --callgrind N [--subject K]  list the subjects / run N local create+clear\n\
     \x20                  of subject K, once (for cargo xtask callgrind-slab)";

/// A value shaped like the Registry's span data: a reference count, a
/// parent, and a vector whose allocation the clear keeps.
#[derive(Default)]
struct Data {
    refs: AtomicUsize,
    parent: Option<u64>,
    fields: Vec<u64>,
}

macro_rules! clear_impl {
    ($($slab:ident),*) => {$(
        impl $slab::Clear for Data {
            fn clear(&mut self) {
                self.parent = None;
                self.fields.clear();
            }
        }
    )*};
}
clear_impl!(frozen_slab, sharded_slab);

/// What a shape needs of a pool.
trait Subject: Send + Sync + 'static {
    const NAME: &'static str;
    fn new() -> Self;
    fn create(&self, parent: u64) -> usize;
    fn get_drop(&self, key: usize) -> bool;
    fn clear(&self, key: usize) -> bool;
}

/// Both pools answer [`Subject`] with the same calls of their own API.
macro_rules! subject {
    ($($slab:ident: $name:literal),*) => {$(
        impl Subject for $slab::Pool<Data> {
            const NAME: &'static str = $name;
            fn new() -> Self {
                $slab::Pool::new()
            }
            fn create(&self, parent: u64) -> usize {
                self.create_with(|d| {
                    d.refs.store(1, Relaxed);
                    d.parent = Some(parent);
                })
                .expect("the pool is not full")
            }
            #[inline(always)]
            fn get_drop(&self, key: usize) -> bool {
                let data = self.get(key);
                data.as_deref().map(|d| black_box(d.refs.load(Relaxed))).is_some()
            }
            fn clear(&self, key: usize) -> bool {
                $slab::Pool::clear(self, key)
            }
        }
    )*};
}
subject!(frozen_slab: "frozen-slab", sharded_slab: "sharded-slab");

/// What each thread of a shape does.
#[derive(Clone, Copy)]
enum Kind {
    /// create + clear by the thread itself.
    Local,
    /// create by thread 0, clear by thread 1.
    Remote,
    /// get + drop on the thread's own key, the given number of keys apart.
    Get(usize),
}

/// The shapes: (name, what the threads do, the thread counts measured).
const SHAPES: [(&str, Kind, &[usize]); 4] = [
    ("create+clear, local", Kind::Local, &[1, 2]),
    ("create+clear, remote", Kind::Remote, &[2]),
    ("get, own keys 1 apart", Kind::Get(1), &[1, 2]),
    ("get, own keys 32 apart", Kind::Get(32), &[1, 2]),
];

/// One pool, its keys, the ring of the remote shape, and the job of a run
/// on it.
struct Fixture<S> {
    pool: S,
    keys: Vec<usize>,
    ring: Ring,
}

impl<S: Subject> Fixture<S> {
    fn new() -> Arc<Self> {
        let pool = S::new();
        let keys = (0..64).map(|k| pool.create(k)).collect();
        let ring = Ring::default();
        Arc::new(Fixture { pool, keys, ring })
    }

    fn job(self: Arc<Self>, kind: Kind, iters: u64) -> Job {
        Arc::new(move |t| match kind {
            Kind::Local => {
                for i in 0..iters {
                    let key = self.pool.create(i);
                    assert!(self.pool.clear(black_box(key)));
                }
            }
            Kind::Remote if t == 0 => {
                for i in 0..iters {
                    self.ring.send(i, self.pool.create(i));
                }
            }
            Kind::Remote => {
                for i in 0..iters {
                    assert!(self.pool.clear(self.ring.recv(i)));
                }
            }
            Kind::Get(gap) => {
                let key = self.keys[t * gap];
                for _ in 0..iters {
                    assert!(self.pool.get_drop(black_box(key)));
                }
            }
        })
    }
}

/// A subject's fixtures, one per shape (so that the shapes do not share
/// slots), behind one type.
type Jobs = Box<dyn Fn(usize, u64) -> Job>;

fn jobs<S: Subject>() -> (&'static str, Jobs) {
    let fixtures: Vec<Arc<Fixture<S>>> = SHAPES.iter().map(|_| Fixture::new()).collect();
    let jobs = move |shape: usize, iters| fixtures[shape].clone().job(SHAPES[shape].1, iters);
    (S::NAME, Box::new(jobs))
}

fn main() {
    let mut subject = None;
    let options = cli::parse(USAGE, |flag, rest| match flag {
        "--subject" => {
            subject = Some(rest.number::<usize>());
            true
        }
        _ => false,
    });
    let subjects = [
        jobs::<frozen_slab::Pool<Data>>(),
        jobs::<sharded_slab::Pool<Data>>(),
    ];
    if let Some(n) = options.callgrind {
        // List the subjects; with `--subject K`, run `n` local create +
        // clear (shape 0) of the `K`th on this thread, inside the function
        // `cargo xtask callgrind-slab` counts.
        match subject {
            Some(k) => run_counted(&(subjects.get(k).expect("--subject K: K is listed").1)(
                0, n,
            )),
            None => subjects.iter().for_each(|(name, _)| println!("{name}")),
        }
        return;
    }
    // (shape, thread count), in the report's order.
    let rows: Vec<(usize, usize)> = SHAPES
        .iter()
        .enumerate()
        .flat_map(|(shape, (_, _, threads))| threads.iter().map(move |&t| (shape, t)))
        .collect();
    // Each row for each subject.
    let mut cells: Vec<bench_harness::Cell<(usize, usize)>> = rows
        .iter()
        .flat_map(|&(shape, t)| {
            (0..subjects.len()).map(move |s| bench_harness::Cell::new((shape, s), t))
        })
        .collect();
    let pool = Pool::new(2);
    let budget = if options.quick {
        options.budget()
    } else {
        options.budget() / 3
    };
    measure(
        "compare_pool",
        options.batch(),
        budget,
        &mut cells,
        |&(shape, s), threads, iters| pool.run(threads, (subjects[s].1)(shape, iters)),
    );

    let mut md = String::new();
    let _ = writeln!(
        md,
        "Machine: {}. Command: `{}`.\n\nns per operation per thread (median over interleaved rounds; IQR over the \
         median). x: sharded-slab's time over frozen-slab's (above 1: frozen-slab is faster).\n",
        machine(),
        command("cargo run --release -p frozen-slab --example compare_pool")
    );
    let mut table = Table::new()
        .left("shape")
        .right("threads")
        .right("frozen-slab ns")
        .right("sharded-slab ns")
        .right("x")
        .right("IQR f/s");
    let find = |shape: usize, s: usize, t: usize| {
        cells
            .iter()
            .find(|c| c.what == (shape, s) && c.threads == t)
            .expect("every cell is measured")
    };
    for &(shape, t) in &rows {
        let (f, s) = (find(shape, 0, t), find(shape, 1, t));
        table.row(vec![
            SHAPES[shape].0.to_string(),
            t.to_string(),
            f.ns_figure(),
            s.ns_figure(),
            format!("{:.2}", s.ns_median() / f.ns_median()),
            format!("{} / {}", f.iqr_figure(), s.iqr_figure()),
        ]);
    }
    let _ = write!(md, "{table}");
    if cells.iter().any(|c| c.unclean) {
        let _ = writeln!(md, "\n{UNCLEAN_NOTE}");
    }
    // Million operations per second (all threads), a group per (shape,
    // threads), a bar per subject, on a log scale.
    let groups: Vec<String> = rows
        .iter()
        .map(|&(shape, t)| format!("{} {t}t", SHAPES[shape].0))
        .collect();
    let series: Vec<Series> = subjects
        .iter()
        .enumerate()
        .map(|(s, (name, _))| Series {
            label: name.to_string(),
            points: rows
                .iter()
                .enumerate()
                .map(|(g, &(shape, t))| (g as f64, find(shape, s, t).mops()))
                .collect(),
        })
        .collect();
    write_outputs("compare_pool", &md, |svg| {
        plot::bars(
            svg,
            "frozen-slab's Pool vs sharded-slab 0.1.7's: throughput per shape (all threads)",
            "million operations / s (all threads, log scale)",
            &groups,
            &series,
        )
    });
}
