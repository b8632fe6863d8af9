//! A bounded mixed workload: allocator threads (alloc, split, put), PFN
//! walker threads and an optional free-page scanner, then a quiescent
//! accounting check. Shared by the `page_allocator` example and the tests.

use crate::accounting::Accounting;
use crate::allocator::{Folio, PageAllocator};
use crate::errors::Errors;
use crate::page::Kind;
use crate::rng::Rng;
use crate::scanner::Scan;
use crate::walker::Walk;
use frozen_refcount::{Backend, Encoding};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// When the allocator threads stop.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After this many operations per allocator thread (tests: bounded by
    /// work, not by time). The allocator threads are paced so that the
    /// walkers and scanners make at least [`PACE`] steps per allocator
    /// operation *while they run*, whatever the scheduler does: on a busy
    /// machine the allocator threads could otherwise run all their operations
    /// in one time slice, with no walker running at the same time.
    Ops(u64),
    /// After this long (the example).
    After(Duration),
}

/// Walker (and scanner) steps per allocator operation in [`Stop::Ops`] mode.
pub const PACE: u64 = 4;

/// The workload's parameters.
#[derive(Clone, Debug)]
pub struct Config {
    /// Allocator threads: each allocates, splits and puts its own folios.
    pub alloc_threads: usize,
    /// Speculative PFN walker threads.
    pub walker_threads: usize,
    /// Free-page scanner threads (lock-free hint, re-check under the lock).
    pub scanner_threads: usize,
    /// When to stop.
    pub stop: Stop,
    /// Largest order an allocator thread asks for.
    pub max_alloc_order: u8,
    /// Percentage of allocations that are non-folio (slab) compounds.
    pub slab_percent: u64,
    /// Percentage of operations that try to split a folio.
    pub split_percent: u64,
    /// An allocator thread allocates only while it holds fewer pages than
    /// this (its share of memory).
    pub quota_pages: u64,
    /// Walkers check every tail of every head they get (slower).
    pub deep_checks: bool,
    /// Seed of the threads' generators.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alloc_threads: 2,
            walker_threads: 2,
            scanner_threads: 0,
            stop: Stop::Ops(2_000),
            max_alloc_order: 4,
            slab_percent: 20,
            split_percent: 15,
            quota_pages: 256,
            deep_checks: true,
            seed: 1,
        }
    }
}

/// What the threads of a workload run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Successful allocations.
    pub allocs: u64,
    /// Allocations that found no free block.
    pub alloc_failures: u64,
    /// Owner puts.
    pub owner_puts: u64,
    /// Owner puts that were the last: the owner freed the page.
    pub owner_frees: u64,
    /// Successful splits.
    pub splits: u64,
    /// Folios created by splits.
    pub split_pieces: u64,
    /// Splits refused because a walker held a reference (`freeze(1)` failed).
    pub split_busy: u64,
    /// Walker steps.
    pub walks: u64,
    /// Walker `try_get`s that failed (free, tail or frozen pages).
    pub walk_misses: u64,
    /// Walker hits on folio heads.
    pub walk_folio_hits: u64,
    /// Walker hits on non-folio (slab) heads, dropped unused.
    pub walk_slab_hits: u64,
    /// Walker puts that were the last: the walker freed the page.
    pub walker_frees: u64,
    /// Scanner steps.
    pub scans: u64,
    /// Scanner hints confirmed free under the lock.
    pub scans_free: u64,
    /// Scanner hints found stale under the lock.
    pub scans_stale: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.allocs += o.allocs;
        self.alloc_failures += o.alloc_failures;
        self.owner_puts += o.owner_puts;
        self.owner_frees += o.owner_frees;
        self.splits += o.splits;
        self.split_pieces += o.split_pieces;
        self.split_busy += o.split_busy;
        self.walks += o.walks;
        self.walk_misses += o.walk_misses;
        self.walk_folio_hits += o.walk_folio_hits;
        self.walk_slab_hits += o.walk_slab_hits;
        self.walker_frees += o.walker_frees;
        self.scans += o.scans;
        self.scans_free += o.scans_free;
        self.scans_stale += o.scans_stale;
    }
}

impl Counts {
    /// Frees by anyone: owners and walkers.
    pub fn frees(&self) -> u64 {
        self.owner_frees + self.walker_frees
    }
}

/// What a workload run did, and what the checks at the end found.
#[derive(Clone, Debug)]
pub struct Report {
    /// What the threads did.
    pub counts: Counts,
    /// Compound pages still held when the threads stopped.
    pub held_at_end: u64,
    /// The quiescent accounting check, with every held page.
    pub accounting: Result<Accounting, String>,
    /// After every held page was put: each put was `Last` and the free lists
    /// are back to the initial max-order blocks.
    pub released_and_merged: bool,
    /// The allocator's error counters at the end.
    pub errors: Errors,
    /// Wall time of the threaded part.
    pub elapsed: Duration,
}

impl Report {
    /// Conservation of lives: every allocation or split piece was freed
    /// during the run, consumed by a split, or is still held at the end.
    pub fn lives_conserved(&self) -> bool {
        let c = &self.counts;
        c.allocs + c.split_pieces == c.splits + c.frees() + self.held_at_end
    }

    /// Every check passed: accounting, release, conservation of lives, no
    /// violation or order error. (`misattributed_last` is reported, not
    /// failed: see [`Errors`].)
    pub fn ok(&self) -> bool {
        self.accounting.is_ok()
            && self.released_and_merged
            && self.lives_conserved()
            && self.errors.violations == 0
            && self.errors.order_errors == 0
    }
}

/// Runs the workload on `a` (which must start with every page free), then
/// checks the accounting with every page still held, puts them all, and
/// checks that the free lists are fully merged again.
pub fn run<E: Encoding, B: Backend>(a: &PageAllocator<E, B>, cfg: &Config) -> Report {
    let running = AtomicUsize::new(cfg.alloc_threads);
    // Walker and scanner steps, counted in Ops mode only (for pacing).
    let progress = AtomicU64::new(0);
    let pace = matches!(cfg.stop, Stop::Ops(_)) && cfg.walker_threads + cfg.scanner_threads > 0;
    let start_line = Barrier::new(cfg.alloc_threads + cfg.walker_threads + cfg.scanner_threads);
    let start = Instant::now();
    let (counts, held) = std::thread::scope(|s| {
        let allocators: Vec<_> = (0..cfg.alloc_threads)
            .map(|t| {
                let (running, progress, start_line) = (&running, &progress, &start_line);
                s.spawn(move || {
                    // On return or panic (Relaxed: only a stop signal for the
                    // walkers; the results travel through `join`).
                    let _stop = OnDrop(|| {
                        running.fetch_sub(1, Relaxed);
                    });
                    start_line.wait();
                    let progress = pace.then_some(progress);
                    allocator_thread(a, cfg, cfg.seed ^ (t as u64 + 1) << 32, progress)
                })
            })
            .collect();
        let others: Vec<_> = (0..cfg.walker_threads + cfg.scanner_threads)
            .map(|t| {
                let (running, progress, start_line) = (&running, &progress, &start_line);
                let scanner = t >= cfg.walker_threads;
                s.spawn(move || {
                    // A panicking walker releases the pacing of the allocator
                    // threads, so that the panic reaches the caller instead
                    // of hanging the run.
                    let _release = OnDrop(|| {
                        if std::thread::panicking() {
                            progress.store(u64::MAX / 2, Relaxed);
                        }
                    });
                    start_line.wait();
                    let mut rng = Rng::new(cfg.seed ^ 0xA5A5 ^ (t as u64 + 1) << 40);
                    let mut r = Counts::default();
                    // Relaxed: see above.
                    while running.load(Relaxed) > 0 {
                        if pace {
                            // Relaxed: a progress count for pacing only.
                            progress.fetch_add(1, Relaxed);
                        }
                        let pfn = rng.below(a.pages() as u64) as u32;
                        if scanner {
                            r.scans += 1;
                            match a.scan_free(pfn) {
                                Scan::NotFree => {}
                                Scan::Free => r.scans_free += 1,
                                Scan::Stale => r.scans_stale += 1,
                            }
                            continue;
                        }
                        r.walks += 1;
                        match a.walk(pfn, cfg.deep_checks) {
                            Walk::Miss => r.walk_misses += 1,
                            Walk::Hit { kind, freed } => {
                                if kind == Kind::Slab {
                                    r.walk_slab_hits += 1;
                                } else {
                                    r.walk_folio_hits += 1;
                                }
                                r.walker_frees += freed as u64;
                            }
                        }
                    }
                    r
                })
            })
            .collect();
        let mut tally = Counts::default();
        let mut held = Vec::new();
        for h in allocators {
            let (r, owned) = h.join().unwrap();
            tally += r;
            held.extend(owned);
        }
        for h in others {
            tally += h.join().unwrap();
        }
        (tally, held)
    });
    let elapsed = start.elapsed();
    let held_at_end = held.len() as u64;
    let accounting = a.check_accounting(&held);
    // Quiescent: every held page has exactly its owner's reference, so every
    // put is the last (`all` would stop early; count instead).
    let lasts = held
        .into_iter()
        .map(|f| a.put(f).is_last() as u64)
        .sum::<u64>();
    Report {
        counts,
        held_at_end,
        accounting,
        released_and_merged: lasts == held_at_end && a.is_fully_merged(),
        errors: a.errors(),
        elapsed,
    }
}

fn allocator_thread<E: Encoding, B: Backend>(
    a: &PageAllocator<E, B>,
    cfg: &Config,
    seed: u64,
    progress: Option<&AtomicU64>,
) -> (Counts, Vec<Folio>) {
    let mut rng = Rng::new(seed);
    let mut r = Counts::default();
    let mut owned: Vec<Folio> = Vec::new();
    let mut held_pages = 0u64;
    let deadline = match cfg.stop {
        Stop::After(d) => Some(Instant::now() + d),
        Stop::Ops(_) => None,
    };
    let mut i = 0u64;
    let mut seen = 0;
    loop {
        match (cfg.stop, deadline) {
            (Stop::Ops(n), _) if i >= n => break,
            (_, Some(d)) if i % 64 == 0 && Instant::now() >= d => break,
            _ => {}
        }
        if let (Some(p), 0) = (progress, i % 16) {
            // Ops mode: every 16 operations, wait until the walkers and
            // scanners have made 16 * PACE steps since the last wait, so that
            // they really run between these operations (Relaxed: pacing).
            while p.load(Relaxed) < seen + 16 * PACE {
                std::thread::yield_now();
            }
            seen = p.load(Relaxed);
        }
        i += 1;
        let roll = rng.below(100);
        if roll < 45 && held_pages < cfg.quota_pages {
            let order = rng.below(cfg.max_alloc_order as u64 + 1) as u8;
            let kind = if rng.below(100) < cfg.slab_percent {
                Kind::Slab
            } else {
                Kind::Folio
            };
            match a.alloc(order, kind) {
                Some(f) => {
                    r.allocs += 1;
                    held_pages += 1 << f.order();
                    owned.push(f);
                }
                None => r.alloc_failures += 1,
            }
        } else if roll < 45 + cfg.split_percent {
            let candidates = owned
                .iter()
                .filter(|f| f.kind() == Kind::Folio && f.order() > 0)
                .count();
            if candidates == 0 {
                continue;
            }
            let nth = rng.below(candidates as u64) as usize;
            let idx = owned
                .iter()
                .enumerate()
                .filter(|(_, f)| f.kind() == Kind::Folio && f.order() > 0)
                .nth(nth)
                .map(|(i, _)| i)
                .unwrap();
            let f = owned.swap_remove(idx);
            let new_order = rng.below(f.order() as u64) as u8;
            match a.split(f, new_order) {
                Ok(pieces) => {
                    r.splits += 1;
                    r.split_pieces += pieces.len() as u64;
                    owned.extend(pieces);
                }
                Err(f) => {
                    r.split_busy += 1;
                    owned.push(f);
                }
            }
        } else if !owned.is_empty() {
            let idx = rng.below(owned.len() as u64) as usize;
            let f = owned.swap_remove(idx);
            held_pages -= 1 << f.order();
            r.owner_puts += 1;
            r.owner_frees += a.put(f).is_last() as u64;
        }
    }
    (r, owned)
}

/// Runs a closure when dropped, also during a panic.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}
