//! Real threads on one slab, counting drops: every inserted value is dropped
//! exactly once (nothing leaks, nothing twice), and a `get` never returns a
//! value whose own key differs from the key asked for (a stale key never
//! reaches a new life). Keys are shared through a racy table, so most
//! operations race with a remove or a reuse of the same slot. Miri runs a
//! smaller version (its race detector and weak-memory emulation).

mod common;

use common::{Dropped, Rng, Tracked};
use frozen_slab::Slab;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

const THREADS: usize = 4;
const OPS: usize = if cfg!(miri) { 300 } else { 200_000 };
/// Few table cells and few slots, so that keys go stale and slots are
/// reused all the time.
const CELLS: usize = 16;

fn run(max_slots: usize) {
    let dropped = Dropped::new(THREADS * OPS);
    let next_id = AtomicUsize::new(0);
    let slab = Arc::new(Slab::with_max_slots(max_slots));
    let table: Vec<AtomicUsize> = (0..CELLS).map(|_| AtomicUsize::new(usize::MAX)).collect();
    let (hits, stale) = (AtomicUsize::new(0), AtomicUsize::new(0));

    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (slab, dropped, table, next_id) = (&slab, &dropped, &table, &next_id);
            let (hits, stale) = (&hits, &stale);
            s.spawn(move || {
                let mut rng = Rng::new(t as u64 + 1);
                for _ in 0..OPS {
                    let cell = &table[rng.below(CELLS as u64) as usize];
                    let key = cell.load(Relaxed);
                    match rng.below(8) {
                        0..=1 => {
                            if let Some(v) = slab.vacant_entry() {
                                let id = next_id.fetch_add(1, Relaxed);
                                let k = v.key();
                                v.insert(Tracked::keyed(id, k, dropped));
                                cell.store(k, Relaxed);
                            }
                        }
                        2..=4 => match slab.get(key) {
                            Some(e) => {
                                assert_eq!(e.key, key, "get({key:#x}) reached another life");
                                hits.fetch_add(1, Relaxed);
                            }
                            None => _ = stale.fetch_add(1, Relaxed),
                        },
                        5 => {
                            if let Some(e) = slab.clone().get_owned(key) {
                                assert_eq!(e.key, key);
                                // Held across another thread's remove/take.
                                std::hint::black_box(&*e);
                            }
                        }
                        6 => _ = slab.remove(key),
                        _ => {
                            if let Some(v) = slab.take(key) {
                                assert_eq!(v.key, key, "take({key:#x}) took another life");
                            }
                        }
                    }
                }
            });
        }
    });
    let inserted = next_id.load(Relaxed);
    assert!(
        hits.load(Relaxed) > 0 && stale.load(Relaxed) > 0,
        "both paths ran"
    );
    drop(Arc::into_inner(slab).expect("no guard outlives the threads"));
    dropped.assert_first_once(inserted);
}

#[test]
fn few_slots_heavy_reuse() {
    run(8);
}

#[test]
fn growing_pages() {
    run(1000);
}
