//! The `slab_interleave` target: 2 to 4 real threads, each running a
//! fuzzer-chosen program, on one small `frozen_slab::Slab`, sharing keys
//! through a table of cells (so most operations race a remove or a reuse of
//! the same slot).
//!
//! Unlike the refcount's `interleave` target, which parks each logical thread
//! before every atomic step of a `Stepped` backend, the slab's atomics are
//! fixed (`frozen_refcount::__sync`), so it cannot be driven step by step
//! from outside; the threads run free after a common barrier, and the
//! programs' `Spin` and `Yield` steps shift their timing. A run is therefore
//! not a function of the input alone; what is checked holds in every
//! interleaving:
//!
//! - a `get`, `get_owned` or `take` that succeeds returns the value that
//!   belongs to the key it asked for (each value knows its key), also while
//!   the guard is held across other threads' removes and reuses;
//! - no key is handed out twice, counting the keys of vacant entries dropped
//!   unused (which must never name a value);
//! - at the end (every guard dropped, then the slab), every value was
//!   dropped exactly once: none twice, none leaked.
//!
//! Deadlock is avoided by construction: a thread calls `take` only while it
//! holds no guard, so whoever `take` waits for is not waiting itself.

use arbitrary::{Arbitrary, Unstructured};
use frozen_slab::{Entry, OwnedEntry, Slab};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Barrier};

/// Cells of the shared key table.
pub const CELLS: usize = 4;
/// Threads at most (at least 2).
pub const MAX_THREADS: usize = 4;
/// Steps per thread at most.
pub const MAX_STEPS: usize = 48;
/// A value's key before `insert` has returned it.
const UNSET: usize = usize::MAX;

/// One step of a thread's program; `u8` arguments pick a cell.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum TOp {
    /// `insert`; the key goes to the cell.
    Insert(u8),
    /// `vacant_entry`; the key goes to the cell, and the value is inserted
    /// through the entry (`true`) or the entry dropped unused.
    Vacant(u8, bool),
    /// `get` of the cell's key, dropped at once.
    Get(u8),
    /// `get` (`false`) or `get_owned` (`true`) of the cell's key, held.
    Hold(u8, bool),
    /// Drops this thread's oldest held guard.
    Release,
    /// `remove` of the cell's key.
    Remove(u8),
    /// `take` of the cell's key (skipped while this thread holds a guard).
    Take(u8),
    /// `contains` of the cell's key (a snapshot: only exercised).
    Contains(u8),
    /// Spins `8 * n` times.
    Spin(u8),
    /// `std::thread::yield_now`.
    Yield,
}

/// The slab's size and the threads' programs.
#[derive(Arbitrary, Debug)]
pub struct Input {
    /// `with_max_slots(1 + max_slots % 8)`.
    pub max_slots: u8,
    /// One program per thread (the first `MAX_THREADS`, each cut to
    /// `MAX_STEPS`; fewer than two: an empty second).
    pub programs: Vec<Vec<TOp>>,
}

/// A value: its id (for the drop count) and its key.
struct V {
    id: usize,
    key: AtomicUsize,
    drops: Arc<Vec<AtomicU8>>,
}

impl Drop for V {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Relaxed);
    }
}

/// Asserts that a value reached through `key` is `key`'s (or one whose
/// `insert` has not yet returned its key to the inserting thread).
fn check(v: &V, key: usize, what: &str) {
    let own = v.key.load(Relaxed);
    assert!(
        own == key || own == UNSET,
        "{what}({key:#x}) reached the value of key {own:#x}"
    );
}

/// A held guard.
enum Guard<'a> {
    Borrowed(Entry<'a, V>),
    Owned(OwnedEntry<V>),
}

/// Runs one input; a failed check panics.
pub fn run(input: &Input) {
    let max_slots = 1 + input.max_slots as usize % 8;
    let mut programs: Vec<&[TOp]> = input
        .programs
        .iter()
        .take(MAX_THREADS)
        .map(|p| &p[..p.len().min(MAX_STEPS)])
        .collect();
    while programs.len() < 2 {
        programs.push(&[]);
    }
    let drops: Arc<Vec<AtomicU8>> = Arc::new(
        (0..MAX_THREADS * MAX_STEPS)
            .map(|_| AtomicU8::new(0))
            .collect(),
    );
    let next_id = AtomicUsize::new(0);
    let slab = Arc::new(Slab::with_max_slots(max_slots));
    let table: Vec<AtomicUsize> = (0..CELLS).map(|_| AtomicUsize::new(UNSET)).collect();
    let barrier = Barrier::new(programs.len());

    let keys: Vec<Vec<usize>> = std::thread::scope(|s| {
        let threads: Vec<_> = programs
            .iter()
            .map(|program| {
                let (slab, table, drops, next_id, barrier) =
                    (&slab, &table, &drops, &next_id, &barrier);
                s.spawn(move || {
                    let mut handed_out = Vec::new();
                    let mut guards: Vec<Guard<'_>> = Vec::new();
                    let new_value = || V {
                        id: next_id.fetch_add(1, Relaxed),
                        key: AtomicUsize::new(UNSET),
                        drops: drops.clone(),
                    };
                    let cell = |c: u8| &table[c as usize % CELLS];
                    barrier.wait();
                    for op in program.iter().copied() {
                        match op {
                            TOp::Insert(c) => {
                                let value = new_value();
                                if let Some(k) = slab.insert(value) {
                                    // Set through a guard if the value is
                                    // still there (another thread may
                                    // already have removed it).
                                    if let Some(e) = slab.get(k) {
                                        e.key.store(k, Relaxed);
                                    }
                                    handed_out.push(k);
                                    cell(c).store(k, Relaxed);
                                }
                            }
                            TOp::Vacant(c, use_it) => {
                                if let Some(e) = slab.vacant_entry() {
                                    let k = e.key();
                                    handed_out.push(k);
                                    if use_it {
                                        let value = new_value();
                                        value.key.store(k, Relaxed);
                                        e.insert(value);
                                    }
                                    cell(c).store(k, Relaxed);
                                }
                            }
                            TOp::Get(c) => {
                                let key = cell(c).load(Relaxed);
                                if let Some(e) = slab.get(key) {
                                    check(&e, key, "get");
                                }
                            }
                            TOp::Hold(c, owned) => {
                                let key = cell(c).load(Relaxed);
                                if owned {
                                    if let Some(e) = slab.clone().get_owned(key) {
                                        check(&e, key, "get_owned");
                                        guards.push(Guard::Owned(e));
                                    }
                                } else if let Some(e) = slab.get(key) {
                                    check(&e, key, "get");
                                    guards.push(Guard::Borrowed(e));
                                }
                            }
                            TOp::Release => {
                                if !guards.is_empty() {
                                    let (v, key) = match &guards[0] {
                                        Guard::Borrowed(e) => (&**e, e.key()),
                                        Guard::Owned(e) => (&**e, e.key()),
                                    };
                                    // Still the same value, whatever happened
                                    // to its key meanwhile.
                                    check(v, key, "a held guard");
                                    guards.remove(0);
                                }
                            }
                            TOp::Remove(c) => _ = slab.remove(cell(c).load(Relaxed)),
                            TOp::Take(c) => {
                                let key = cell(c).load(Relaxed);
                                if guards.is_empty() {
                                    if let Some(v) = slab.take(key) {
                                        check(&v, key, "take");
                                    }
                                }
                            }
                            TOp::Contains(c) => _ = slab.contains(cell(c).load(Relaxed)),
                            TOp::Spin(n) => {
                                for _ in 0..8 * n as u32 {
                                    std::hint::spin_loop();
                                }
                            }
                            TOp::Yield => std::thread::yield_now(),
                        }
                    }
                    drop(guards);
                    handed_out
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });

    let mut all = HashSet::new();
    for k in keys.into_iter().flatten() {
        assert!(all.insert(k), "key {k:#x} handed out twice");
    }
    drop(Arc::into_inner(slab).expect("no guard outlives the threads"));
    let n = next_id.load(Relaxed);
    for (id, d) in drops.iter().enumerate() {
        let want = u8::from(id < n);
        assert_eq!(
            d.load(Relaxed),
            want,
            "value {id} dropped {} times",
            d.load(Relaxed)
        );
    }
}

/// Decodes an input from raw bytes (what the target does).
pub fn decode(data: &[u8]) -> Option<Input> {
    Input::arbitrary_take_rest(Unstructured::new(data)).ok()
}
