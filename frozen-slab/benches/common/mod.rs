//! Shared by the criterion suite (`benches/slab.rs`) and
//! `examples/compare_slab/` (which includes this file with `#[path]`): WHAT
//! is measured (the subjects: frozen-slab, sharded-slab 0.1.7 and the floor;
//! the benchmark's shapes) and the loops that measure it. The threads that
//! run them are the harness's (`bench_harness::Pool`). The shapes are in
//! `shapes.rs`.
// Each user takes a part of this: what it leaves is not dead.
#![allow(dead_code)]

mod shapes;

#[allow(unused_imports)]
pub use shapes::{subjects, Bench, Shape, SHAPES};

use std::hint::black_box;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Release};

/// Live entries in every slab (and counters in the floor); a power of two.
pub const LIVE: usize = 4096;

/// What the shapes need of a slab; the floor answers it with bare atomics.
pub trait Subject: Send + Sync + 'static {
    /// The column's name.
    const NAME: &'static str;
    /// Whether it has keys that can go stale (the floor does not).
    const SLAB: bool = true;
    /// Inserts `value`: its key, or `None` if the slab is full.
    fn insert(&self, value: u64) -> Option<usize>;
    /// `get(key)`, read the value, drop the guard: whether it hit.
    fn get_drop(&self, key: usize) -> bool;
    /// Removes the value at `key`: whether it was there.
    fn remove(&self, key: usize) -> bool;
}

/// Both slabs answer [`Subject`] with the same calls of their own API.
macro_rules! slab_subject {
    ($($slab:ident: $name:literal),*) => {$(
        impl Subject for $slab::Slab<u64> {
            const NAME: &'static str = $name;
            fn insert(&self, value: u64) -> Option<usize> {
                $slab::Slab::insert(self, value)
            }
            // The guard is read and dropped where `get` left it: moved, it
            // was once copied with 16-byte loads of 8-byte stores (a
            // store-forwarding stall that cost sharded-slab 8 ns a pair).
            #[inline(always)]
            fn get_drop(&self, key: usize) -> bool {
                let entry = self.get(key);
                entry.as_deref().map(|v| black_box(*v)).is_some()
            }
            fn remove(&self, key: usize) -> bool {
                $slab::Slab::remove(self, key)
            }
        }
    )*};
}

slab_subject!(frozen_slab: "frozen-slab", sharded_slab: "sharded-slab");

/// The floor: `fetch_add(1)` + `fetch_sub(1)` on an `AtomicU64` (counter
/// `key` of [`LIVE`]), what any refcounted get + drop must pay at least.
pub struct Floor {
    words: Box<[AtomicU64; LIVE]>,
    next: AtomicU64,
}

impl Floor {
    /// Every counter at 1 (live).
    pub fn new() -> Self {
        Floor {
            words: Box::new([const { AtomicU64::new(1) }; LIVE]),
            next: AtomicU64::new(0),
        }
    }
}

impl Subject for Floor {
    const NAME: &'static str = "floor";
    const SLAB: bool = false;
    fn insert(&self, _: u64) -> Option<usize> {
        Some(self.next.fetch_add(1, Acquire) as usize % LIVE)
    }
    #[inline(always)]
    fn get_drop(&self, key: usize) -> bool {
        let word = &self.words[key % LIVE];
        black_box(word.fetch_add(1, Acquire));
        word.fetch_sub(1, Release);
        true
    }
    fn remove(&self, _: usize) -> bool {
        true
    }
}

/// `iters` get + drop on one key; the hits. (Counted by callgrind, the hot
/// shape on one thread.)
#[inline(never)]
pub fn hot<S: Subject>(s: &S, key: usize, iters: u64) -> u64 {
    let mut hits = 0;
    for _ in 0..iters {
        hits += s.get_drop(black_box(key)) as u64;
    }
    hits
}

/// The fixed-seed xorshift of thread `t`: the same key sequence for every
/// subject.
pub fn seed(t: usize) -> u64 {
    0x2545_F491_4F6C_DD1D ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `iters` get + drop on keys drawn by xorshift64 from `keys`; the hits.
#[inline(never)]
pub fn random<S: Subject>(s: &S, keys: &[usize; LIVE], mut x: u64, iters: u64) -> u64 {
    let mut hits = 0;
    for _ in 0..iters {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        hits += s.get_drop(keys[x as usize % LIVE]) as u64;
    }
    hits
}

/// Values inserted and then removed by one thread, in batches of this many
/// (one of sharded-slab's own `insert_remove_local` sizes).
pub const CHURN_BATCH: u64 = 1000;

/// `iters` inserts and as many removes, by this thread, in batches.
#[inline(never)]
pub fn churn_local<S: Subject>(s: &S, iters: u64) {
    let mut keys = Vec::with_capacity(CHURN_BATCH as usize);
    let mut left = iters;
    while left > 0 {
        let n = left.min(CHURN_BATCH);
        keys.extend((0..n).map(|i| s.insert(i).expect("room in the slab")));
        for k in keys.drain(..) {
            assert!(s.remove(k));
        }
        left -= n;
    }
}
