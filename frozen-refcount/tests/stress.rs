//! Real threads, many lives of one counter. Bounded (a fixed number of
//! operations per thread; about a second in a debug build), not timed.
//!
//! Every thread repeatedly takes a speculative reference, checks the object
//! is alive and consistent, and drops it; whoever gets `Last` checks it was
//! the only owner, kills the object, starts its next life and `unfreeze`s it.
//! Checked: each life ends exactly once, and no `try_get` ever succeeds on a
//! dead (frozen) object.
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::sync::atomic::{
    AtomicBool, AtomicU64,
    Ordering::{Relaxed, SeqCst},
};
use std::sync::Barrier;

struct Obj<E: Encoding, B: Backend> {
    rc: FrozenRefcount<E, B>,
    alive: AtomicBool,
    life: AtomicU64,
    payload: AtomicU64,
    started: AtomicU64,
    ended: AtomicU64,
}

const THREADS: usize = 4;
const OPS: u64 = if cfg!(miri) { 200 } else { 40_000 };

fn stress<E: Encoding, B: Backend>() {
    let o = Obj::<E, B> {
        rc: FrozenRefcount::new(1),
        alive: AtomicBool::new(true),
        life: AtomicU64::new(0),
        payload: AtomicU64::new(0),
        started: AtomicU64::new(1),
        ended: AtomicU64::new(0),
    };
    // Thread 0 starts out holding the allocation's reference.
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (o, barrier) = (&o, &barrier);
            s.spawn(move || {
                let mut rng = Rng(0x1234_5678 + t as u64);
                let mut alloc_ref = t == 0;
                barrier.wait();
                let drop_ref = |o: &Obj<E, B>| {
                    if o.rc.put() == Put::Last {
                        // We own the object. Acquire (in the CAS) ordered
                        // every holder's reads before this.
                        assert!(
                            o.alive.swap(false, Relaxed),
                            "{}: Last twice",
                            label::<E, B>()
                        );
                        // SeqCst (test bookkeeping, not the counter under test):
                        // orders the kill above before any claim of the slot.
                        o.ended.fetch_add(1, SeqCst);
                        true
                    } else {
                        false
                    }
                };
                for _ in 0..OPS {
                    match rng.below(8) {
                        0 if alloc_ref => {
                            alloc_ref = false;
                            drop_ref(o);
                        }
                        _ => {
                            if o.rc.try_get() {
                                // We hold a reference: the object is alive
                                // and its payload matches its life.
                                assert!(
                                    o.alive.load(Relaxed),
                                    "{}: try_get on a dead object",
                                    label::<E, B>()
                                );
                                let life = o.life.load(Relaxed);
                                assert_eq!(o.payload.load(Relaxed), life * 3);
                                drop_ref(o);
                            }
                        }
                    }
                    // Whoever owns a frozen object reuses it.
                    if !alloc_ref && o.rc.is_frozen() && !o.alive.load(Relaxed) && rng.below(2) == 0
                    {
                        // Only the owner may unfreeze: a CAS on `started`
                        // (one claim per ended life) stands in for the
                        // pool's free list.
                        if o.started
                            .compare_exchange(
                                o.ended.load(SeqCst),
                                o.ended.load(SeqCst) + 1,
                                SeqCst,
                                SeqCst,
                            )
                            .is_ok()
                        {
                            let life = o.life.load(Relaxed) + 1;
                            o.life.store(life, Relaxed);
                            o.payload.store(life * 3, Relaxed);
                            o.alive.store(true, Relaxed);
                            o.rc.unfreeze(1); // Release: publishes the above
                            alloc_ref = true;
                        }
                    }
                }
                if alloc_ref {
                    drop_ref(o);
                }
            });
        }
    });
    let (started, ended) = (o.started.load(Relaxed), o.ended.load(Relaxed));
    assert!(o.rc.is_frozen(), "{}: {:?}", label::<E, B>(), o.rc);
    assert_eq!(
        started,
        ended,
        "{}: every life ends exactly once",
        label::<E, B>()
    );
    // How many lives fit depends on scheduling (under qemu-user the threads
    // run in long slices: 7 lives seen); at least one reuse must happen.
    assert!(started > 1, "{}: only {started} lives", label::<E, B>());
}

#[test]
fn stress_many_lives_every_encoding() {
    each_counter!(stress);
}
