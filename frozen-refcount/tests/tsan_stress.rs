//! Real threads cycling one slot through many lives, with the object's data
//! in *non-atomic* memory: the only thing ordering the accesses is the
//! counter. Built for ThreadSanitizer (`.ci/stages/52-tsan.sh`) and Miri
//! (`.ci/stages/51-miri.sh`), whose race detectors report any non-atomic
//! access that is not ordered by a happens-before edge; natively it checks
//! the values only. (`tests/stress.rs` keeps its data in atomics, which race
//! detectors never flag.)
//!
//! Whoever gets `Last` owns the slot: it checks and rewrites the data
//! (a new life), then `unfreeze(1)`s it and keeps that reference for a while.
//! Every `try_get` that succeeds reads the data. The races checked:
//! - a reader's read vs the next owner's rewrite: the reader's `put` is
//!   Release, the last `put` Acquires (a CAS, or `Classic`'s fence);
//! - the owner's rewrite vs the next readers' reads: `unfreeze` is Release,
//!   a successful `try_get` Acquires.
//!
//! Only `CoreAtomics`: ThreadSanitizer does not see inside inline asm, so an
//! asm backend would look unsynchronised to it.
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::cell::UnsafeCell;
use std::sync::Barrier;

const THREADS: usize = 3;
const OPS: u32 = if cfg!(miri) { 60 } else { 20_000 };

struct Slot<E: Encoding, B: Backend> {
    rc: FrozenRefcount<E, B>,
    /// `(life, check)`, `check == life * 3 + 1`: read by every holder,
    /// written only by the owner of a frozen slot.
    data: UnsafeCell<(u64, u64)>,
}

// SAFETY: `data` is written only by the owner of the frozen slot and read
// only by holders of a reference; the counter orders the two (the property
// under test).
unsafe impl<E: Encoding, B: Backend> Sync for Slot<E, B> {}

impl<E: Encoding, B: Backend> Slot<E, B> {
    /// Reads the data; the caller holds a reference or owns the slot.
    fn check(&self) -> u64 {
        // SAFETY: see `Sync`.
        let (life, check) = unsafe { *self.data.get() };
        assert_eq!(
            check,
            life * 3 + 1,
            "{}: torn or stale data",
            label::<E, B>()
        );
        life
    }

    /// Drops a reference. On `Last` the caller owns the slot: if `revive`,
    /// it starts the next life and returns `true` holding its reference.
    fn drop_ref(&self, revive: bool, lives: &mut u64) -> bool {
        if self.rc.put() != Put::Last {
            return false;
        }
        let life = self.check() + 1;
        *lives += 1;
        if !revive {
            return false;
        }
        // SAFETY: we own the frozen slot.
        unsafe { *self.data.get() = (life, life * 3 + 1) };
        self.rc.unfreeze(1);
        true
    }
}

fn stress<E: Encoding, B: Backend>() {
    let slot = Slot::<E, B> {
        rc: FrozenRefcount::new(1),
        data: UnsafeCell::new((0, 1)),
    };
    let barrier = Barrier::new(THREADS);
    let ended: u64 = std::thread::scope(|s| {
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (slot, barrier) = (&slot, &barrier);
                s.spawn(move || {
                    let mut rng = Rng(0x7E57_0000 + t as u64);
                    let mut held = t == 0; // thread 0 holds the first life's reference
                    let mut lives = 0;
                    barrier.wait();
                    for _ in 0..OPS {
                        if held && rng.below(4) == 0 {
                            held = slot.drop_ref(true, &mut lives);
                        }
                        if slot.rc.try_get() {
                            slot.check();
                            held |= slot.drop_ref(true, &mut lives);
                        }
                    }
                    if held {
                        slot.drop_ref(false, &mut lives);
                    }
                    lives
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    // Every life ended exactly once: the last one with the final put, and
    // each earlier one with a Last whose owner started the next.
    let last_life = slot.check();
    assert!(slot.rc.is_frozen(), "{}: {:?}", label::<E, B>(), slot.rc);
    assert_eq!(ended, last_life + 1, "{}: lives ended", label::<E, B>());
}

#[test]
fn tsan_stress_every_encoding() {
    each_counter!(@backend CoreAtomics, core, stress);
}
