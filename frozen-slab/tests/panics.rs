//! A value whose `Drop` panics, and a `VacantEntry` dropped unused: what a
//! caller gets back (the panic), and what the slab keeps (every slot, every
//! other value's drop, keys that name one value only).

mod common;

use common::{Dropped, Tracked};
use frozen_slab::Slab;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The last guard's drop runs the value's `Drop`; when it panics, the panic
/// reaches the caller and the slot is still recycled. Four such panics on a
/// slab of four slots (two through a guard, two through `remove`) leave all
/// four usable.
#[test]
fn a_panicking_drop_on_the_last_put_recycles_the_slot() {
    let dropped = Dropped::new(8);
    let slab = Slab::with_max_slots(4);
    for id in 0..4 {
        let key = slab.insert(Tracked::panicking(id, &dropped)).unwrap();
        let panicked = if id % 2 == 0 {
            let guard = slab.get(key).unwrap();
            assert!(slab.remove(key), "not the last put: a guard is held");
            catch_unwind(AssertUnwindSafe(|| drop(guard)))
        } else {
            catch_unwind(AssertUnwindSafe(|| slab.remove(key))).map(|_| ())
        };
        assert!(
            panicked.is_err(),
            "value {id}: the panic reaches the caller"
        );
        assert_eq!(dropped.count(id), 1);
        assert!(slab.get(key).is_none() && !slab.contains(key));
    }
    let keys: Vec<_> = (4..8)
        .map(|id| {
            slab.insert(Tracked::new(id, &dropped)).unwrap_or_else(|| {
                panic!("slot lost to a panicking drop: insert of value {id} refused")
            })
        })
        .collect();
    assert!(slab.insert(Tracked::new(0, &Dropped::new(1))).is_none());
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(slab.get(*key).unwrap().id, 4 + i);
    }
    drop(slab);
    dropped.assert_each_once();
}

/// Dropping the slab drops every value even when one's `Drop` panics, as a
/// `Vec` does: the others are still dropped, then the panic goes on.
#[test]
fn dropping_the_slab_drops_every_value_when_one_panics() {
    let dropped = Dropped::new(10);
    let slab = Slab::new();
    for id in 0..10 {
        let value = if id == 3 {
            Tracked::panicking(id, &dropped)
        } else {
            Tracked::new(id, &dropped)
        };
        slab.insert(value).unwrap();
    }
    assert!(catch_unwind(AssertUnwindSafe(|| drop(slab))).is_err());
    dropped.assert_each_once();
}

/// The key of a `VacantEntry` dropped unused names no value, ever: the next
/// insert into the slot gets another key, and the copy of the old one misses.
#[test]
fn a_dropped_vacant_entry_key_never_reaches_a_later_value() {
    let slab = Slab::with_max_slots(1);
    let vacant = slab.vacant_entry().unwrap();
    let copy = vacant.key();
    drop(vacant);
    let key = slab.insert(7u32).unwrap();
    assert_eq!(key as u32, copy as u32, "the one slot is reused");
    assert_ne!(key, copy, "under a key the dropped entry never had");
    assert!(
        slab.get(copy).is_none(),
        "the old key reached the new value"
    );
    assert!(!slab.contains(copy) && !slab.remove(copy));
    assert_eq!(slab.take(copy), None);
    assert_eq!(*slab.get(key).unwrap(), 7);
}

/// Many threads (more than the slab's 16 free-list shards) race `get`,
/// `remove` and `take` (by thread number, modulo 3, so every key sees all
/// three even with Miri's four threads) over every key of a full slab whose odd values panic
/// in `Drop`, round after round. Per key exactly one `remove` or `take`
/// wins (a `remove` that panics won: only the winner drops); each odd
/// value's panic reaches exactly one caller, whichever dropped it (a guard,
/// a missing `get`, a `remove`, the taker); every value is dropped once; and
/// the next round fills every slot again, so no panic cost a slot.
#[test]
fn many_threads_race_panicking_drops_on_a_full_slab() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    const THREADS: usize = if cfg!(miri) { 4 } else { 40 };
    const ROUNDS: usize = if cfg!(miri) { 2 } else { 200 };
    const SLOTS: usize = 8;
    quiet_drop_panics();
    let dropped = Dropped::new(ROUNDS * (SLOTS + 1));
    let slab = Slab::with_max_slots(SLOTS);
    for round in 0..ROUNDS {
        let base = round * (SLOTS + 1);
        let keys: Vec<usize> = (0..SLOTS)
            .map(|i| {
                let value = if i % 2 == 1 {
                    Tracked::panicking(base + i, &dropped)
                } else {
                    Tracked::new(base + i, &dropped)
                };
                let key = slab.insert(value);
                key.unwrap_or_else(|| panic!("round {round}: slot {i} lost"))
            })
            .collect();
        assert!(slab.insert(Tracked::new(base + SLOTS, &dropped)).is_none());
        let wins: Vec<AtomicUsize> = (0..SLOTS).map(|_| AtomicUsize::new(0)).collect();
        let panics = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let (slab, keys, wins, panics) = (&slab, &keys, &wins, &panics);
                s.spawn(move || {
                    for n in 0..SLOTS {
                        let i = (n + t) % SLOTS;
                        let key = keys[i];
                        let caught = catch_unwind(AssertUnwindSafe(|| match t % 3 {
                            0 => {
                                if let Some(e) = slab.get(key) {
                                    assert_eq!(e.id, base + i, "get reached another value");
                                }
                            }
                            1 => {
                                if slab.remove(key) {
                                    wins[i].fetch_add(1, Relaxed);
                                }
                            }
                            _ => {
                                if let Some(v) = slab.take(key) {
                                    assert_eq!(v.id, base + i, "take took another value");
                                    wins[i].fetch_add(1, Relaxed);
                                }
                            }
                        }));
                        if let Err(payload) = caught {
                            assert!(
                                payload
                                    .downcast_ref::<String>()
                                    .is_some_and(|m| m.ends_with(DROP_PANIC)),
                                "an unexpected panic"
                            );
                            panics.fetch_add(1, Relaxed);
                            // The op that panicked was a `remove` (it won:
                            // only the winner drops), or a `get`/`take` whose
                            // guard or value was the one to drop.
                            if t % 3 == 1 {
                                wins[i].fetch_add(1, Relaxed);
                            }
                        }
                    }
                });
            }
        });
        for (i, w) in wins.iter().enumerate() {
            assert_eq!(w.load(Relaxed), 1, "round {round}, key {i}: winners");
        }
        assert_eq!(
            panics.load(Relaxed),
            SLOTS / 2,
            "round {round}: panics caught"
        );
        dropped.assert_first_once(base + SLOTS + 1);
    }
}

/// The end of the message of `Tracked::panicking`'s panic.
const DROP_PANIC: &str = "panics in its drop";

/// Keeps the values' own panics quiet (thousands of them in the test
/// above); any other panic is reported by the hook that was there.
fn quiet_drop_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|m| m.ends_with(DROP_PANIC));
            if !ours {
                previous(info);
            }
        }));
    });
}
