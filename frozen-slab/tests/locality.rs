//! Two threads that each insert and remove their own values get slots a
//! run of 16 apart, so their refcounts (8 bytes each, side by side in a
//! page) never share a cache line that both threads write.
//!
//! The two threads are alive together from the first insert to the last
//! remove: once a thread has exited, another may rightly take over its
//! freed slots.
//!
//! Alone in its test binary: shards are claimed by threads process-wide,
//! so other tests' threads could leave these two none of their own. With
//! the `std` feature only: without it every thread shares one shard.

#![cfg(feature = "std")]

use frozen_slab::Slab;
use std::collections::BTreeSet;
use std::sync::Barrier;

/// Refcounts on one 128-byte pair of cache lines.
const RUN: u32 = 16;

#[test]
fn two_threads_cycling_their_own_values_use_separate_lines() {
    let slab = Slab::new();
    let barrier = Barrier::new(2);
    let slots: Vec<BTreeSet<u32>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                let (slab, barrier) = (&slab, &barrier);
                s.spawn(move || {
                    let mut slots = BTreeSet::new();
                    barrier.wait();
                    for i in 0..if cfg!(miri) { 200 } else { 20_000u32 } {
                        let key = slab.insert(t * 1_000_000 + i).unwrap();
                        assert_eq!(*slab.get(key).unwrap(), t * 1_000_000 + i);
                        slots.insert(key as u32);
                        assert!(slab.remove(key));
                    }
                    // Neither thread exits before the other is done: a
                    // thread that has exited leaves its list to be taken
                    // over, and then sharing its slots is right.
                    barrier.wait();
                    slots
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let lines = |set: &BTreeSet<u32>| set.iter().map(|i| i / RUN).collect::<BTreeSet<_>>();
    let (a, b) = (lines(&slots[0]), lines(&slots[1]));
    assert!(
        a.is_disjoint(&b),
        "slots {:?} and {:?} share a run of {RUN}",
        slots[0],
        slots[1]
    );
}
