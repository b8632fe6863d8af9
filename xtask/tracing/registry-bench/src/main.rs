//! tracing-subscriber's `Registry`, timed on the slab it is built with:
//! sharded-slab 0.1.7 as published, or frozen-slab through the shim
//! (`xtask/tracing/shim/`, `[patch.crates-io] sharded-slab`). Run both by
//! `cargo xtask registry-bench [--quick]`, which builds the two binaries
//! and interleaves their runs.
//!
//! One run measures one shape, at 1 and 2 threads (each thread its own
//! spans), with the subscriber as the global default:
//!
//! - `lifecycle`: `registry().with(NoopLayer)`; new span, enter, exit,
//!   drop (close). The no-op layer is what makes the registry free closed
//!   spans (a bare `Registry` never clears its slots), as real subscribers
//!   do.
//! - `lookup`: the same, with a layer whose `on_enter` looks the span up
//!   (`ctx.span(id)`) and reads its name and extensions.
//!
//! Prints one line per thread count, `<shape> <threads> <ns per span per
//! thread>` (the median of the run's interleaved batches, see
//! `bench_harness::measure`); progress goes to stderr.
//!
//! `--callgrind N`: N lifecycles on this thread, inside the function
//! callgrind is told to count (`bench_harness::callgrind`).

use bench_harness::callgrind::run_counted;
use bench_harness::measure::measure;
use bench_harness::{Cell, Job, Pool};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tracing::span::Id;
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

const USAGE: &str = "usage: registry-bench (lifecycle|lookup) [--budget-ms MS] [--callgrind N]";

/// A layer that does nothing: with it, the registry closes spans.
struct NoopLayer;

impl<S: Subscriber> Layer<S> for NoopLayer {}

/// What the lookup layer looks for in a span's extensions (never there:
/// inserting it would time an allocation per span, not the lookup).
struct Marker(u64);

/// A layer that looks the span up on every enter, as formatting and
/// timing layers do: its name, and its extensions under their lock.
struct LookupLayer;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for LookupLayer {
    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let span = ctx.span(id).expect("an entered span is in the registry");
        black_box(span.name());
        black_box(span.extensions().get::<Marker>().map(|m| m.0));
    }
}

/// `iters` span lifecycles on this thread, through the global default
/// subscriber.
#[inline(never)]
fn lifecycles(iters: u64) {
    for _ in 0..iters {
        let span = tracing::info_span!("bench");
        let entered = span.enter();
        drop(black_box(entered));
        drop(span);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let shape = args.next().unwrap_or_else(|| usage());
    let (mut budget, mut callgrind) = (Duration::from_millis(1500), None);
    while let Some(flag) = args.next() {
        let mut number = || -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match flag.as_str() {
            "--budget-ms" => budget = Duration::from_millis(number()),
            "--callgrind" => callgrind = Some(number()),
            _ => usage(),
        }
    }
    let installed = match shape.as_str() {
        "lifecycle" => tracing_subscriber::registry().with(NoopLayer).try_init(),
        "lookup" => tracing_subscriber::registry()
            .with(NoopLayer)
            .with(LookupLayer)
            .try_init(),
        _ => usage(),
    };
    installed.expect("the first global subscriber");
    if let Some(n) = callgrind {
        lifecycles(1000); // the slab's first page, outside the count
        run_counted(&(Arc::new(move |_| lifecycles(n)) as Job));
        return;
    }
    let mut cells = vec![Cell::new((), 1), Cell::new((), 2)];
    let pool = Pool::new(2);
    let job = |iters: u64| -> Job { Arc::new(move |_| lifecycles(iters)) };
    measure(
        &shape,
        Duration::from_millis(1),
        budget,
        &mut cells,
        |_, threads, iters| pool.run(threads, job(iters)),
    );
    for c in &cells {
        let mark = if c.unclean { " unclean" } else { "" };
        println!("{shape} {} {:.3}{mark}", c.threads, c.ns_median());
    }
}

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}
