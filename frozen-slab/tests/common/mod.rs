//! Values that record their drops, shared by the slab's tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// One drop counter per value id.
#[derive(Clone)]
pub struct Dropped(Arc<Vec<AtomicU8>>);

impl Dropped {
    pub fn new(ids: usize) -> Self {
        Dropped(Arc::new((0..ids).map(|_| AtomicU8::new(0)).collect()))
    }
    pub fn count(&self, id: usize) -> u8 {
        self.0[id].load(Ordering::SeqCst)
    }
    /// Every id was dropped exactly once: nothing leaked, nothing twice.
    pub fn assert_each_once(&self) {
        self.assert_first_once(self.0.len());
    }
    /// Ids `0..n` were dropped exactly once.
    pub fn assert_first_once(&self, n: usize) {
        for (id, n) in self.0.iter().take(n).enumerate() {
            assert_eq!(
                n.load(Ordering::SeqCst),
                1,
                "value {id} dropped {} times",
                n.load(Ordering::SeqCst)
            );
        }
    }
}

/// A value that counts its drop in a `Dropped`, and knows its key.
pub struct Tracked {
    pub id: usize,
    pub key: usize,
    dropped: Dropped,
    /// Its `Drop` panics after counting the drop.
    panics: bool,
}

impl Tracked {
    pub fn new(id: usize, dropped: &Dropped) -> Self {
        Tracked {
            id,
            key: usize::MAX,
            dropped: dropped.clone(),
            panics: false,
        }
    }
    /// A value whose `Drop` counts the drop, then panics.
    pub fn panicking(id: usize, dropped: &Dropped) -> Self {
        Tracked {
            id,
            key: usize::MAX,
            dropped: dropped.clone(),
            panics: true,
        }
    }
    pub fn keyed(id: usize, key: usize, dropped: &Dropped) -> Self {
        Tracked {
            id,
            key,
            dropped: dropped.clone(),
            panics: false,
        }
    }
}

impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl std::fmt::Debug for Tracked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tracked({})", self.id)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.dropped.0[self.id].fetch_add(1, Ordering::SeqCst);
        if self.panics {
            panic!("value {} panics in its drop", self.id);
        }
    }
}

/// A small deterministic RNG (xorshift64*), one per thread.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) % n
    }
}

/// Which key a step of a differential test (`model.rs`, `pool_model.rs`)
/// uses: mostly one handed out before (so most go stale), sometimes any.
#[derive(Clone, Debug)]
pub enum Pick {
    /// The n-th key ever handed out (modulo their number).
    Seen(usize),
    Random(usize),
}

impl Pick {
    pub fn strategy() -> impl proptest::strategy::Strategy<Value = Pick> {
        use proptest::prelude::*;
        prop_oneof![4 => any::<usize>().prop_map(Pick::Seen), 1 => any::<usize>().prop_map(Pick::Random)]
    }

    /// The key, given the keys handed out so far.
    pub fn key(&self, seen: &[usize]) -> usize {
        match *self {
            Pick::Seen(n) if !seen.is_empty() => seen[n % seen.len()],
            Pick::Seen(n) | Pick::Random(n) => n,
        }
    }
}

/// A differential test's program length (Miri: shorter, it is ~1000x
/// slower).
pub const PROGRAM_LEN: usize = if cfg!(miri) { 60 } else { 200 };

/// The differential tests' proptest settings: 512 programs (Miri: 4), and
/// no failure files (Miri's isolation has no working directory).
pub fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: if cfg!(miri) { 4 } else { 512 },
        failure_persistence: None,
        ..Default::default()
    }
}
