//! The allocator demo: a buddy page allocator whose page descriptors are
//! counted by `FrozenRefcount`, under a timed mixed workload of allocator
//! threads (alloc, split, put), speculative PFN walkers and a free-page
//! scanner; then an accounting check that every page is free or held exactly
//! once. The allocator itself is the `page-alloc` workspace member
//! (`demo/page-alloc`).
//!
//! ```sh
//! cargo run --release --example page_allocator                  # every encoding, 4 s each
//! cargo run --release --example page_allocator -- --secs 10 --encoding tagged
//! ```
//!
//! Flags: `--secs S` (per encoding, default 4), `--encoding NAME` (highbit,
//! tagged, zerolockedlow, zerolockedhigh, lowbit, biased, classic, or all: the
//! default), `--pages N` (a multiple of 64, default 4096), `--walkers N`,
//! `--allocators N`, `--deep` (walkers check every tail of every head).
//! Exits with status 1 if any check fails.

use frozen_refcount::{
    Backend, Classic, DefaultBackend, Encoding, FrozenRefcount, HighBit, LowBit, Tagged,
    ZeroLockedHigh, ZeroLockedLow,
};
use page_alloc::workload::{self, Config, Report, Stop};
use page_alloc::{PageAllocator, Walk};
use std::time::{Duration, Instant};

const MAX_ORDER: u8 = 6;

struct Args {
    secs: f64,
    encodings: Vec<String>,
    pages: u32,
    walkers: usize,
    allocators: usize,
    deep: bool,
}

fn parse() -> Args {
    let mut a = Args {
        secs: 4.0,
        encodings: [
            "highbit",
            "tagged",
            "zerolockedlow",
            "zerolockedhigh",
            "lowbit",
            "biased",
            "classic",
        ]
        .map(String::from)
        .to_vec(),
        pages: 4096,
        walkers: 2,
        allocators: 2,
        deep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--secs" => a.secs = val().parse().unwrap_or_else(|_| usage("--secs: a number")),
            "--encoding" => {
                let v = val().to_lowercase();
                if v != "all" {
                    a.encodings = vec![v];
                }
            }
            "--pages" => a.pages = val().parse().unwrap_or_else(|_| usage("--pages: a number")),
            "--walkers" => {
                a.walkers = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--walkers: a number"))
            }
            "--allocators" => {
                a.allocators = val()
                    .parse()
                    .unwrap_or_else(|_| usage("--allocators: a number"))
            }
            "--deep" => a.deep = true,
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    if a.pages == 0 || a.pages % (1 << MAX_ORDER) != 0 {
        usage("--pages: a positive multiple of 64");
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!("page_allocator: {msg}");
    eprintln!("usage: page_allocator [--secs S] [--encoding highbit|tagged|zerolockedlow|zerolockedhigh|lowbit|classic|all] [--pages N] [--walkers N] [--allocators N] [--deep]");
    std::process::exit(2)
}

/// With an encoding whose zero word is frozen, the descriptor array comes
/// from `alloc_zeroed` and is never initialised; show that every page is
/// then frozen and that walkers find nothing.
fn zero_filled_start<E: Encoding, B: Backend>(pages: u32) -> bool {
    let t = Instant::now();
    let Some(a) = PageAllocator::<E, B>::new_zeroed(MAX_ORDER, pages >> MAX_ORDER) else {
        println!(
            "  {:<15} zero is a live count: no zero-filled start (new_zeroed = None)",
            E::NAME
        );
        return true;
    };
    let built = t.elapsed();
    let frozen = (0..a.pages())
        .filter(|&p| a.page(p).refs.is_frozen())
        .count();
    let misses = (0..a.pages())
        .filter(|&p| a.walk(p, false) == Walk::Miss)
        .count();
    let f = a
        .alloc(MAX_ORDER, page_alloc::Kind::Folio)
        .expect("a free block");
    let hit = matches!(a.walk(f.pfn(), true), Walk::Hit { .. });
    let last = a.put(f).is_last();
    let ok = frozen == a.pages() as usize && misses == frozen && hit && last && a.is_fully_merged();
    println!(
        "  {:<15} alloc_zeroed, no init pass ({built:.1?}): {frozen}/{} frozen, {misses} walker misses; \
         alloc+walk+free after: {}",
        E::NAME,
        a.pages(),
        if hit && last { "ok" } else { "FAILED" }
    );
    ok
}

fn run<E: Encoding, B: Backend>(args: &Args) -> (&'static str, Report, bool) {
    let blocks = args.pages >> MAX_ORDER;
    // No init pass where zero is frozen; an explicit frozen init elsewhere.
    let (a, zeroed) = match PageAllocator::<E, B>::new_zeroed(MAX_ORDER, blocks) {
        Some(a) => (a, true),
        None => (PageAllocator::<E, B>::new(MAX_ORDER, blocks), false),
    };
    let cfg = Config {
        alloc_threads: args.allocators,
        walker_threads: args.walkers,
        scanner_threads: 1,
        stop: Stop::After(Duration::from_secs_f64(args.secs)),
        max_alloc_order: 5,
        slab_percent: 20,
        split_percent: 15,
        // Together the allocator threads hold up to ~70% of memory.
        quota_pages: (args.pages as u64 * 7 / 10) / args.allocators.max(1) as u64,
        deep_checks: args.deep,
        seed: 0x5eed,
    };
    (E::NAME, workload::run(&a, &cfg), zeroed)
}

fn main() {
    let args = parse();
    let t0 = Instant::now();
    println!(
        "page_allocator: {} pages (max order {MAX_ORDER}), {} allocator + {} walker + 1 scanner threads, {} s per encoding{}",
        args.pages,
        args.allocators,
        args.walkers,
        args.secs,
        if args.deep { ", deep walker checks" } else { "" }
    );
    println!();
    println!("zero-filled start:");
    let mut ok = zero_filled_start::<ZeroLockedLow, DefaultBackend>(args.pages);
    ok &= zero_filled_start::<ZeroLockedHigh, DefaultBackend>(args.pages);
    ok &= zero_filled_start::<Classic, DefaultBackend>(args.pages);
    ok &= zero_filled_start::<HighBit, DefaultBackend>(args.pages);
    // What a zero-filled HighBit descriptor would be: a live zero count, on
    // which a walker's try_get succeeds.
    // SAFETY: FrozenRefcount is repr(transparent) over an AtomicU32 (plus a
    // zero-sized marker): all-zero bytes are a valid value. For HighBit they
    // mean "live, count 0", which is the hazard shown here.
    let z: FrozenRefcount<HighBit> = unsafe { std::mem::zeroed() };
    let state = z.state();
    println!(
        "  HighBit, mem::zeroed anyway: {state:?}, try_get() = {}: a walker would hold a reference to a free page",
        z.try_get()
    );
    println!();

    let mut reports = Vec::new();
    for e in &args.encodings {
        reports.push(match e.as_str() {
            "highbit" => run::<HighBit, DefaultBackend>(&args),
            "tagged" => run::<Tagged, DefaultBackend>(&args),
            "biased" => run::<frozen_refcount::Biased, DefaultBackend>(&args),
            "zerolockedlow" => run::<ZeroLockedLow, DefaultBackend>(&args),
            "zerolockedhigh" => run::<ZeroLockedHigh, DefaultBackend>(&args),
            "lowbit" => run::<LowBit, DefaultBackend>(&args),
            "classic" => run::<Classic, DefaultBackend>(&args),
            other => usage(&format!("unknown encoding {other}")),
        });
    }

    let w = 15;
    let row = |name: &str, f: &dyn Fn(&Report, bool) -> String| {
        print!("{name:<26}");
        for (_, r, z) in &reports {
            print!("{:>w$}", f(r, *z));
        }
        println!();
    };
    print!("{:<26}", "");
    for (n, _, _) in &reports {
        print!("{n:>w$}");
    }
    println!();
    row("descriptor array", &|_, z| {
        (if z { "zero-filled" } else { "init pass" }).into()
    });
    row("run time", &|r, _| format!("{:.2?}", r.elapsed));
    row("allocations", &|r, _| r.counts.allocs.to_string());
    row("  failed (no block)", &|r, _| {
        r.counts.alloc_failures.to_string()
    });
    row("splits", &|r, _| r.counts.splits.to_string());
    row("  pieces", &|r, _| r.counts.split_pieces.to_string());
    row("  busy (walker held ref)", &|r, _| {
        r.counts.split_busy.to_string()
    });
    row("frees", &|r, _| r.counts.frees().to_string());
    row("  by the owner", &|r, _| r.counts.owner_frees.to_string());
    row("  by a walker (put=Last)", &|r, _| {
        r.counts.walker_frees.to_string()
    });
    row("walker steps", &|r, _| r.counts.walks.to_string());
    row("  per second", &|r, _| {
        format!(
            "{:.2}M",
            r.counts.walks as f64 / r.elapsed.as_secs_f64() / 1e6
        )
    });
    row("  misses (frozen)", &|r, _| {
        r.counts.walk_misses.to_string()
    });
    row("  folio hits", &|r, _| r.counts.walk_folio_hits.to_string());
    row("  non-folio hits, skipped", &|r, _| {
        r.counts.walk_slab_hits.to_string()
    });
    row("scanner: free / stale", &|r, _| {
        format!("{}/{}", r.counts.scans_free, r.counts.scans_stale)
    });
    row("held at end (pages)", &|r, _| {
        r.accounting.as_ref().map_or("-".into(), |a| {
            format!("{} ({})", r.held_at_end, a.allocated_pages)
        })
    });
    row("free at end (pages)", &|r, _| {
        r.accounting
            .as_ref()
            .map_or("-".into(), |a| a.free_pages.to_string())
    });
    row("violations", &|r, _| r.errors.violations.to_string());
    row("order errors", &|r, _| r.errors.order_errors.to_string());
    row("misattributed Last (ABA)", &|r, _| {
        r.errors.misattributed_last.to_string()
    });
    row("lives conserved", &|r, _| yes(r.lives_conserved()));
    row("accounting check", &|r, _| yes(r.accounting.is_ok()));
    row("released, fully merged", &|r, _| yes(r.released_and_merged));
    for (n, r, _) in &reports {
        if let Err(e) = &r.accounting {
            println!("{n}: accounting: {e}");
        }
        if let Some(e) = &r.errors.first {
            println!("{n}: first error: {e}");
        }
        ok &= r.ok();
    }
    println!();
    println!(
        "{} in {:.1?}: every page free or held exactly once: {}",
        if ok { "PASS" } else { "FAIL" },
        t0.elapsed(),
        yes(ok)
    );
    if !ok {
        std::process::exit(1);
    }
}

fn yes(b: bool) -> String {
    (if b { "ok" } else { "FAILED" }).into()
}
