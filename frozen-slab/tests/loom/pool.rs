//! Loom models of the pool's races (a module of `tests/loom.rs`). The
//! values keep their id in a loom `UnsafeCell`, so loom also checks that
//! every write to a value (its init, its clear) is ordered with every read
//! of it through a guard.

// `V` holds an `Arc<Pool<V>>`: clippy cannot prove the recursive type
// `Send + Sync` and flags every `Arc::new(Pool::<V>::..)`. It is: the
// models move those `Arc`s to loom threads, which needs both.
#![allow(clippy::arc_with_non_send_sync)]

use super::Drops;
use frozen_slab::{Clear, Pool};
use loom::cell::UnsafeCell;
use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;
// The pool's owned guards hold a std `Arc` (its count is not one of the
// pool's atomics, so loom need not model it).
use std::sync::Arc;

/// A pooled value: an id (0 once cleared), and the counters its clears add
/// to (per id).
struct V {
    id: UnsafeCell<usize>,
    clears: Option<Drops>,
    /// A key that this value's clear clears too (a span closing its
    /// parent), and the pool to do it in.
    parent: Option<(usize, Arc<Pool<V>>)>,
}

impl Default for V {
    fn default() -> Self {
        V {
            id: UnsafeCell::new(0),
            clears: None,
            parent: None,
        }
    }
}

impl V {
    fn id(&self) -> usize {
        // SAFETY: read through a guard; loom checks it against the writes.
        self.id.with(|p| unsafe { *p })
    }
    fn set(&mut self, id: usize, clears: &Drops) {
        // SAFETY: `&mut self`.
        self.id.with_mut(|p| unsafe { *p = id });
        self.clears = Some(clears.clone());
    }
}

loom::thread_local! {
    /// Set by the main thread around a `get` whose clears are counted apart.
    static IN_GET: std::cell::Cell<bool> = std::cell::Cell::new(false);
}

impl Clear for V {
    fn clear(&mut self) {
        let id = self.id();
        let clears = self.clears.as_ref().unwrap();
        clears.0[id].fetch_add(1, SeqCst);
        if IN_GET.with(|g| g.get()) {
            // Index 0 is no value's id: it counts clears run by that `get`.
            clears.0[0].fetch_add(1, SeqCst);
        }
        // SAFETY: `&mut self`.
        self.id.with_mut(|p| unsafe { *p = 0 });
        if let Some((parent, pool)) = self.parent.take() {
            // Re-enter the pool: its own key is gone, the parent's clears.
            assert!(pool.clear(parent), "the child closes its parent once");
        }
    }
}

/// A reader with a key races the key's clear and the slot's reuse (one
/// slot: the reuse must take it). The reader sees its value or nothing,
/// never the next one; the reuse finds the value cleared; the value is
/// cleared exactly once.
#[test]
fn pool_get_vs_clear_vs_reuse() {
    loom::model(|| {
        let clears = Drops::new();
        let pool = Arc::new(Pool::<V>::with_max_slots(1));
        let k1 = pool.create_with(|v| v.set(1, &clears)).unwrap();
        let reader = {
            let pool = pool.clone();
            thread::spawn(move || {
                if let Some(v) = pool.get(k1) {
                    assert_eq!(v.id(), 1, "a stale key reached the next value");
                }
            })
        };
        let k2 = {
            let (pool, clears) = (pool.clone(), clears.clone());
            thread::spawn(move || {
                assert!(pool.clear(k1));
                // `None` while the reader still holds the value.
                pool.create_with(|v| {
                    assert_eq!(v.id(), 0, "reused before its clear");
                    v.set(2, &clears);
                })
            })
            .join()
            .unwrap()
        };
        reader.join().unwrap();
        assert_eq!(clears.get(1), 1);
        if let Some(k2) = k2 {
            assert_ne!(k1, k2);
            assert!(pool.get(k1).is_none() && !pool.clear(k1));
            assert_eq!(pool.get(k2).unwrap().id(), 2);
        }
    });
}

/// The last guard's drop and the clear race: exactly one clear, by
/// whichever lets go last, and the slot comes back.
#[test]
fn pool_clear_vs_last_guard() {
    loom::model(|| {
        let clears = Drops::new();
        let pool = Arc::new(Pool::<V>::with_max_slots(1));
        let k = pool.create_with(|v| v.set(1, &clears)).unwrap();
        let guard = pool.clone().get_owned(k).unwrap();
        let holder = thread::spawn(move || {
            assert_eq!(guard.id(), 1);
            drop(guard);
        });
        assert!(pool.clear(k));
        holder.join().unwrap();
        assert_eq!(clears.get(1), 1);
        let again = pool.create().expect("the slot came back");
        assert_eq!(again.id(), 0);
    });
}

/// A clear whose `Clear::clear` clears another key (a child closing its
/// parent) races a guard on the parent and a reader of the child: each is
/// cleared once, by whichever thread lets it go last, no lock is held
/// across the nested clear (loom would report the deadlock), and both
/// slots come back.
#[test]
fn pool_reentrant_clear() {
    loom::model(|| {
        let clears = Drops::new();
        let pool = Arc::new(Pool::<V>::with_max_slots(2));
        let parent = pool.create_with(|v| v.set(1, &clears)).unwrap();
        let child = pool
            .create_with(|v| {
                v.set(2, &clears);
                v.parent = Some((parent, pool.clone()));
            })
            .unwrap();
        let holder = {
            let guard = pool.clone().get_owned(parent).unwrap();
            thread::spawn(move || assert_eq!(guard.id(), 1))
        };
        let closer = {
            let pool = pool.clone();
            thread::spawn(move || assert!(pool.clear(child)))
        };
        if let Some(v) = pool.get(child) {
            assert_eq!(v.id(), 2);
        }
        holder.join().unwrap();
        closer.join().unwrap();
        assert_eq!((clears.get(1), clears.get(2)), (1, 1));
        assert!(pool.get(parent).is_none() && pool.get(child).is_none());
        let (a, b) = (pool.create().unwrap(), pool.create().unwrap());
        assert_eq!((a.id(), b.id()), (0, 0));
    });
}

/// A value held by its `RefMut` is out of the pool: a reader sees nothing
/// or, after the downgrade, the value as written; a clear after the
/// downgrade wins, and the last of the guards clears it once.
#[test]
fn pool_downgrade_vs_get_vs_clear() {
    loom::model(|| {
        let clears = Drops::new();
        let pool = Arc::new(Pool::<V>::new());
        let mut guard = pool.clone().create_owned().unwrap();
        let key = guard.key();
        let reader = {
            let pool = pool.clone();
            thread::spawn(move || pool.get(key).map(|v| v.id()))
        };
        guard.set(1, &clears);
        let shared = guard.downgrade();
        let clearer = {
            let pool = pool.clone();
            thread::spawn(move || assert!(pool.clear(key)))
        };
        assert_eq!(shared.id(), 1);
        drop(shared);
        assert!(matches!(reader.join().unwrap(), None | Some(1)));
        clearer.join().unwrap();
        assert_eq!(clears.get(1), 1);
        assert!(pool.get(key).is_none());
    });
}

/// A `get` that returns `None` can be the one that clears the value: its
/// reference was taken before a concurrent `clear`, the re-check misses,
/// and its put-back is the last put. Asserted to happen in at least one
/// execution; in each the value is cleared exactly once.
#[test]
fn pool_a_missing_get_can_clear_the_value() {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    /// Set (across executions) when the main thread's `get` cleared it.
    static CLEARED_BY_GET: AtomicBool = AtomicBool::new(false);
    loom::model(|| {
        let clears = Drops::new();
        let pool = Arc::new(Pool::<V>::new());
        let k = pool.create_with(|v| v.set(1, &clears)).unwrap();
        let clearer = {
            let pool = pool.clone();
            thread::spawn(move || assert!(pool.clear(k)))
        };
        IN_GET.with(|g| g.set(true));
        let got = pool.get(k);
        IN_GET.with(|g| g.set(false));
        let hit = got.is_some();
        drop(got);
        clearer.join().unwrap();
        assert_eq!(clears.get(1), 1);
        if clears.get(0) == 1 {
            assert!(!hit, "a hit's guard was still held: not its clear");
            CLEARED_BY_GET.store(true, Relaxed);
        }
    });
    assert!(
        CLEARED_BY_GET.load(Relaxed),
        "no execution had the missing get clear the value"
    );
}
