//! Speculative PFN walker throughput on a populated page allocator
//! (`demo/page-alloc`): `try_get` + re-validate + `put`, by encoding.
//!
//! ```sh
//! nice -n 10 cargo bench --bench page_alloc
//! ```
//!
//! Every page of a 4096-page allocator is allocated (orders 0..=3, one in
//! ten a non-folio compound), then:
//! - `random_pfn`: walk arbitrary PFNs, heads (hits) and tails (misses) as
//!   they come, like `do_migrate_range`;
//! - `heads`: walk only heads: every step is a hit (try_get, validate, put);
//! - `tails`: walk only tails: every step is a miss (a failed try_get);
//! - `hot_head_2t`: two threads walk the same 4 heads (contended count);
//! - `*_unless_frozen`: the same walks with `try_get_page_unless_frozen`, which loads the
//!   counter first and skips frozen pages without an RMW.
//!
//! Element = one walker step.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use frozen_refcount::{Classic, CoreAtomics, Encoding, HighBit, Tagged};
use page_alloc::{Folio, Kind, PageAllocator, Rng};
use std::hint::black_box;
use std::time::{Duration, Instant};

const STEPS: usize = 4096;

struct Populated<E: Encoding> {
    alloc: PageAllocator<E, CoreAtomics>,
    held: Vec<Folio>,
}

impl<E: Encoding> Populated<E> {
    fn new() -> Self {
        let alloc = PageAllocator::<E, CoreAtomics>::new(6, 64);
        let mut rng = Rng::new(7);
        let mut held = Vec::new();
        // Random orders until the first failure, then order 0 until full.
        loop {
            let order = rng.below(4) as u8;
            let kind = if rng.below(10) == 0 {
                Kind::Slab
            } else {
                Kind::Folio
            };
            match alloc.alloc(order, kind).or_else(|| alloc.alloc(0, kind)) {
                Some(f) => held.push(f),
                None => break,
            }
        }
        Populated { alloc, held }
    }

    fn pfns(&self, pick: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut rng = Rng::new(9);
        let mut v = Vec::with_capacity(STEPS);
        while v.len() < STEPS {
            let p = rng.below(self.alloc.pages() as u64) as u32;
            if pick(p) {
                v.push(p);
            }
        }
        v
    }

    fn is_head(&self, p: u32) -> bool {
        self.alloc.page(p).kind().is_head()
    }
}

impl<E: Encoding> Drop for Populated<E> {
    fn drop(&mut self) {
        for f in self.held.drain(..) {
            assert!(self.alloc.put(f).is_last());
        }
        assert!(self.alloc.is_fully_merged());
        assert_eq!(self.alloc.errors().violations, 0);
    }
}

fn walk_all<E: Encoding>(a: &PageAllocator<E, CoreAtomics>, pfns: &[u32], peek: bool) -> u32 {
    let mut hits = 0;
    for &p in pfns {
        let p = black_box(p);
        let got = if peek {
            a.try_get_page_unless_frozen(p)
        } else {
            a.try_get_page(p)
        };
        if let Some(r) = got {
            // The walker's re-validation: a folio of the order it expects.
            hits += (r.kind() == Kind::Folio && r.order() <= 3) as u32;
            let _ = r.put();
        }
    }
    hits
}

fn bench_encoding<E: Encoding>(c: &mut Criterion) {
    let pop = Populated::<E>::new();
    let random = pop.pfns(|_| true);
    let heads = pop.pfns(|p| pop.is_head(p));
    let tails = pop.pfns(|p| !pop.is_head(p));
    let mut g = c.benchmark_group("page_alloc_walk");
    g.throughput(Throughput::Elements(STEPS as u64));
    for (name, pfns) in [
        ("random_pfn", &random),
        ("heads", &heads),
        ("tails", &tails),
    ] {
        g.bench_function(BenchmarkId::new(name, E::NAME), |b| {
            b.iter(|| walk_all(&pop.alloc, pfns, false))
        });
        let peek = format!("{name}_unless_frozen");
        g.bench_function(BenchmarkId::new(peek, E::NAME), |b| {
            b.iter(|| walk_all(&pop.alloc, pfns, true))
        });
    }
    let hot: Vec<u32> = heads.iter().copied().take(4).cycle().take(STEPS).collect();
    g.bench_function(BenchmarkId::new("hot_head_2t", E::NAME), |b| {
        b.iter_custom(|iters| {
            std::thread::scope(|s| {
                let t0 = Instant::now();
                let hs: Vec<_> = (0..2)
                    .map(|_| {
                        s.spawn(|| {
                            for _ in 0..iters {
                                black_box(walk_all(&pop.alloc, &hot, false));
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.join().unwrap();
                }
                // Per-thread time: both threads did `iters` batches.
                t0.elapsed()
            })
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_encoding::<HighBit>(c);
    bench_encoding::<Classic>(c);
    bench_encoding::<Tagged>(c);
}

// `criterion_group!` defines an undocumented `pub fn`.
#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group! {
    name = page_alloc;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = benches
    }
}
criterion_main!(group::page_alloc);
