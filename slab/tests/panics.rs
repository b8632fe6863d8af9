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
