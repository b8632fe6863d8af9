//! Every claim of the slab's docs, one test each, single-threaded: what
//! `insert`, `get`, `remove`, `take`, `contains`, `vacant_entry`,
//! `get_owned` and `unique_iter` promise, stale keys, the capacity limit,
//! and that every value is dropped exactly once.

mod common;

use common::{Dropped, Tracked};
use frozen_slab::Slab;
use std::sync::Arc;

#[test]
fn insert_then_get_sees_the_value_and_its_key() {
    let slab = Slab::new();
    let a = slab.insert(10).unwrap();
    let b = slab.insert(20).unwrap();
    assert_ne!(a, b);
    let e = slab.get(a).unwrap();
    assert_eq!(*e, 10);
    assert_eq!(e.key(), a);
    assert_eq!(*slab.get(b).unwrap(), 20);
    assert!(e == 10, "Entry: PartialEq<T>");
    assert_eq!(format!("{e:?}"), "10");
}

#[test]
fn many_guards_on_one_value() {
    let slab = Slab::new();
    let k = slab.insert(String::from("x")).unwrap();
    let guards: Vec<_> = (0..100).map(|_| slab.get(k).unwrap()).collect();
    assert!(guards.iter().all(|g| g.as_str() == "x"));
}

#[test]
fn remove_hides_the_value_but_a_held_entry_keeps_it_alive() {
    let dropped = Dropped::new(1);
    let slab = Slab::new();
    let k = slab.insert(Tracked::new(0, &dropped)).unwrap();
    let held = slab.get(k).unwrap();
    assert!(slab.remove(k));
    assert!(!slab.contains(k));
    assert!(slab.get(k).is_none());
    assert!(!slab.remove(k), "a second remove finds nothing");
    assert_eq!(slab.take(k), None);
    assert_eq!(dropped.count(0), 0, "the held entry keeps the value");
    assert_eq!(held.id, 0);
    drop(held);
    assert_eq!(dropped.count(0), 1, "the last guard dropped it");
}

#[test]
fn remove_without_guards_drops_at_once() {
    let dropped = Dropped::new(1);
    let slab = Slab::new();
    let k = slab.insert(Tracked::new(0, &dropped)).unwrap();
    assert!(slab.remove(k));
    assert_eq!(dropped.count(0), 1);
}

#[test]
fn take_returns_the_value_and_frees_the_slot() {
    let dropped = Dropped::new(1);
    let slab = Slab::new();
    let k = slab.insert(Tracked::new(0, &dropped)).unwrap();
    let v = slab.take(k).unwrap();
    assert_eq!(v.id, 0);
    assert_eq!(dropped.count(0), 0, "moved out, not dropped");
    assert!(!slab.contains(k) && slab.get(k).is_none() && !slab.remove(k));
    assert!(slab.take(k).is_none());
    drop(v);
    assert_eq!(dropped.count(0), 1);
}

#[test]
fn take_waits_for_entries_on_other_threads() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    let slab = Arc::new(Slab::new());
    let k = slab.insert(7u64).unwrap();
    let entry = slab.clone().get_owned(k).unwrap();
    let released = Arc::new(AtomicBool::new(false));
    let taker = {
        let (slab, released) = (slab.clone(), released.clone());
        std::thread::spawn(move || {
            let v = slab.take(k);
            // `take` may only return once the entry below is dropped.
            assert!(
                released.load(SeqCst),
                "take returned while an entry was held"
            );
            v
        })
    };
    // Wait until the taker has cleared the mark: it is now waiting on us.
    while slab.contains(k) {
        std::thread::yield_now();
    }
    assert!(slab.get(k).is_none(), "a new get misses once take began");
    assert_eq!(*entry, 7, "the held guard still reads the value");
    released.store(true, SeqCst);
    drop(entry);
    assert_eq!(taker.join().unwrap(), Some(7));
}

#[test]
fn stale_keys_never_reach_the_new_value() {
    let slab = Slab::new();
    let old = slab.insert(1).unwrap();
    assert!(slab.remove(old));
    let new = slab.insert(2).unwrap();
    assert_eq!(old as u32, new as u32, "the slot is reused");
    assert_ne!(old, new, "under a new generation");
    assert!(slab.get(old).is_none());
    assert!(!slab.contains(old));
    assert!(!slab.remove(old));
    assert_eq!(slab.take(old), None);
    assert_eq!(
        *slab.get(new).unwrap(),
        2,
        "the failed calls left the new life alone"
    );
    let slab = Arc::new(slab);
    assert!(slab.clone().get_owned(old).is_none());
    assert_eq!(*slab.get_owned(new).unwrap(), 2);
}

#[test]
fn random_and_never_inserted_keys_miss() {
    let slab = Slab::new();
    let k = slab.insert(5u8).unwrap();
    for key in [
        0,
        1,
        k + 1,
        k ^ (1 << 32),
        usize::MAX,
        (u32::MAX as usize) << 32,
        1 << 20,
    ] {
        if key == k {
            continue;
        }
        assert!(slab.get(key).is_none(), "{key:#x}");
        assert!(!slab.contains(key));
        assert!(!slab.remove(key));
        assert_eq!(slab.take(key), None);
    }
    assert_eq!(*slab.get(k).unwrap(), 5);
}

#[test]
fn get_owned_outlives_the_borrow_and_keeps_the_slab() {
    let slab = Arc::new(Slab::new());
    let k = slab.insert(vec![1, 2, 3]).unwrap();
    let owned = slab.clone().get_owned(k).unwrap();
    assert_eq!(owned.key(), k);
    assert!(slab.remove(k));
    drop(slab); // the guard holds the last Arc
    assert_eq!(*owned, vec![1, 2, 3]);
    assert!(owned == vec![1, 2, 3]);
    let moved = std::thread::spawn(move || owned.len()).join().unwrap();
    assert_eq!(moved, 3);
}

#[test]
fn vacant_entry_knows_its_key_first() {
    let slab = Slab::new();
    let v = slab.vacant_entry().unwrap();
    let key = v.key();
    assert!(!slab.contains(key), "not visible before insert");
    assert!(slab.get(key).is_none());
    v.insert((key, "self-keyed"));
    assert_eq!(slab.get(key).unwrap().0, key);
}

#[test]
fn an_unused_vacant_entry_returns_its_slot_and_spends_its_key() {
    let slab = Slab::<u8>::with_max_slots(1);
    let v = slab.vacant_entry().unwrap();
    let key = v.key();
    assert!(slab.vacant_entry().is_none(), "the one slot is reserved");
    drop(v);
    let k = slab.insert(1).unwrap();
    assert_eq!(k as u32, key as u32, "the slot came back");
    assert_ne!(k, key, "under a later generation: the dropped key is spent");
    assert!(slab.get(key).is_none() && !slab.contains(key));
}

#[test]
fn full_slab_refuses_then_recycles() {
    let slab = Slab::with_max_slots(40); // more than page 0 (32 slots)
    let keys: Vec<_> = (0..40).map(|i| slab.insert(i).unwrap()).collect();
    assert!(slab.insert(99).is_none());
    assert!(slab.insert(99).is_none(), "repeated refusals do not creep");
    assert!(slab.remove(keys[35]));
    let k = slab.insert(100).unwrap();
    assert_eq!(k as u32, keys[35] as u32);
    assert!(slab.insert(101).is_none());
    for (i, key) in keys.iter().enumerate().filter(|(i, _)| *i != 35) {
        assert_eq!(*slab.get(*key).unwrap(), i);
    }
}

#[test]
fn unique_iter_yields_present_values_only() {
    let mut slab = Slab::new();
    let keys: Vec<_> = (0..100).map(|i| slab.insert(i).unwrap()).collect();
    for k in keys.iter().step_by(3) {
        assert!(slab.remove(*k));
    }
    let mut seen: Vec<i32> = slab.unique_iter().copied().collect();
    seen.sort_unstable();
    let expect: Vec<i32> = (0..100).filter(|i| i % 3 != 0).collect();
    assert_eq!(seen, expect);
}

#[test]
fn dropping_the_slab_drops_every_value_once() {
    let dropped = Dropped::new(300);
    let slab = Slab::new();
    let keys: Vec<_> = (0..300)
        .map(|i| slab.insert(Tracked::new(i, &dropped)).unwrap())
        .collect();
    for k in &keys[..100] {
        assert!(slab.remove(*k));
    }
    for k in &keys[100..150] {
        drop(slab.take(*k));
    }
    // A guard leaked after a remove: its value is still dropped with the slab.
    std::mem::forget(slab.get(keys[200]).unwrap());
    assert!(slab.remove(keys[200]));
    drop(slab);
    dropped.assert_each_once();
}

#[test]
fn reuse_keeps_every_slot_type_stable_and_keys_distinct() {
    let slab = Slab::new();
    let mut seen = std::collections::HashSet::new();
    for round in 0..if cfg!(miri) { 4 } else { 50 } {
        let keys: Vec<_> = (0..70)
            .map(|i| slab.insert(round * 100 + i).unwrap())
            .collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(seen.insert(*k), "key {k:#x} handed out twice");
            assert_eq!(*slab.get(*k).unwrap(), round * 100 + i);
        }
        for k in keys {
            assert!(slab.remove(k));
        }
    }
}

#[test]
fn slots_freed_by_another_thread_are_reused_before_the_slab_grows() {
    let slab = Slab::with_max_slots(4);
    let keys: Vec<_> = (0..4).map(|i| slab.insert(i).unwrap()).collect();
    assert!(slab.insert(9).is_none());
    // Freed on another thread: the slots go back to the shard
    // that took them, this thread's.
    std::thread::scope(|s| {
        s.spawn(|| keys.iter().for_each(|k| assert!(slab.remove(*k))));
    });
    let again: Vec<_> = (0..4)
        .map(|i| slab.insert(10 + i).expect("a freed slot is reused"))
        .collect();
    let mut slots: Vec<u32> = again.iter().map(|k| *k as u32).collect();
    slots.sort_unstable();
    assert_eq!(slots, [0, 1, 2, 3]);
    assert!(slab.insert(99).is_none());
}

#[test]
fn a_producer_and_a_consumer_do_not_grow_the_slab() {
    // One thread inserts, another removes: the slots must come back to the
    // inserting thread, or it would take fresh ones for ever.
    let slab = Slab::new();
    let (send, recv) = std::sync::mpsc::sync_channel::<usize>(8);
    let highest = std::thread::scope(|s| {
        let slab = &slab;
        s.spawn(move || {
            for key in recv {
                assert!(slab.remove(key));
            }
        });
        let mut highest = 0;
        for i in 0..if cfg!(miri) { 200 } else { 20_000 } {
            let key = slab.insert(i).unwrap();
            highest = highest.max(key as u32);
            send.send(key).unwrap();
        }
        drop(send);
        highest
    });
    // At most the channel's 8, one being removed and one being sent are
    // live at once; a few runs of 16 cover them.
    assert!(highest < 64, "slot {highest}: the slab grew");
}

/// Inserts on this thread until the slab is full; how many succeeded.
fn fill(slab: &Slab<usize>) -> usize {
    (0..).take_while(|&i| slab.insert(i).is_some()).count()
}

#[test]
fn every_slot_up_to_the_limit_is_used_whichever_threads_claimed_it() {
    for n in [1, 15, 16, 17, 100, 257] {
        // Threads that take a slot or two and exit leave the rest of their
        // run of fresh slots behind; more threads than shards share some.
        // One after another: at once, a thread's second value could hold
        // the slot another thread's first insert needed.
        let slab = Slab::with_max_slots(n);
        let kept: Vec<usize> = (0..20)
            .filter_map(|t| {
                std::thread::scope(|s| {
                    s.spawn(|| {
                        let key = slab.insert(t)?;
                        if let Some(second) = slab.insert(t) {
                            assert!(slab.remove(second));
                        }
                        Some(key)
                    })
                    .join()
                    .unwrap()
                })
            })
            .collect();
        assert_eq!(kept.len(), n.min(20), "n = {n}");
        assert_eq!(fill(&slab), n - kept.len(), "n = {n}: slots stranded");
        assert!(slab.insert(0).is_none());
        // Several threads filling an empty slab at once: each stops at its
        // first `None`, and a run claimed by one is taken by it, so they
        // take exactly n between them.
        let slab = Slab::with_max_slots(n);
        let filled: usize = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4).map(|_| s.spawn(|| fill(&slab))).collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        assert_eq!(filled, n, "n = {n}");
        assert!(slab.insert(0).is_none());
    }
}
