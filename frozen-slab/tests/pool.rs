//! The pool's semantics on one thread: values kept and cleared in place
//! across lives, the exclusive guard, keys, a `Clear::clear` that uses the
//! pool again (the way tracing-subscriber's spans close their parents),
//! panics in `Default`, `init` and `Clear::clear`, and the pool's drop.

use frozen_slab::pool::{OwnedRef, OwnedRefMut, Ref, RefMut};
use frozen_slab::{Clear, Pool};
use std::cell::Cell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock};

#[test]
fn a_cleared_value_is_reused_with_its_allocation() {
    let pool: Pool<String> = Pool::with_max_slots(1);
    let key = pool.create_with(|s| s.push_str("hello world")).unwrap();
    let buffer = pool.get(key).unwrap().as_ptr();
    assert!(pool.clear(key));
    let again = pool.create().unwrap();
    assert_ne!(again.key(), key);
    assert!(again.is_empty(), "cleared before reuse");
    assert!(again.capacity() >= 11);
    assert_eq!(again.as_ptr(), buffer, "the same buffer");
}

#[test]
fn the_last_guard_clears_on_its_drop() {
    let pool: Pool<Vec<u32>> = Pool::with_max_slots(1);
    let key = pool.create_with(|v| v.extend([1, 2, 3])).unwrap();
    let (a, b) = (pool.get(key).unwrap(), pool.get(key).unwrap());
    assert!(pool.clear(key));
    assert!(!pool.clear(key), "once per life");
    assert!(pool.get(key).is_none());
    assert!(pool.create().is_none(), "the slot is still held");
    drop(a);
    assert_eq!(*b, [1, 2, 3], "not cleared while a guard is held");
    drop(b);
    let again = pool
        .create()
        .expect("cleared and recycled by the last drop");
    assert!(again.is_empty() && again.capacity() >= 3);
}

#[test]
fn a_ref_mut_holds_its_key_out_of_the_pool() {
    let pool: Pool<String> = Pool::new();
    let mut guard = pool.create().unwrap();
    let key = guard.key();
    guard.push_str("in progress");
    assert!(pool.get(key).is_none(), "not in the pool yet");
    assert!(!pool.clear(key), "nothing to clear yet");
    assert_eq!(guard, String::from("in progress"));
    let shared = guard.downgrade();
    assert_eq!(*pool.get(key).unwrap(), "in progress");
    assert_eq!(shared.key(), key);
    assert!(pool.clear(key));
    assert_eq!(*shared, "in progress");
    drop(shared);
    assert!(pool.get(key).is_none());
}

#[test]
fn owned_guards_keep_the_pool_alive() {
    let pool: Arc<Pool<String>> = Arc::new(Pool::new());
    let mut owned: OwnedRefMut<String> = pool.clone().create_owned().unwrap();
    let key = owned.key();
    owned.push_str("owned");
    assert!(pool.clone().get_owned(key).is_none());
    let shared: OwnedRef<String> = owned.downgrade();
    let other = pool.clone().get_owned(key).unwrap();
    drop(pool);
    assert_eq!(shared, String::from("owned"));
    assert_eq!(other.key(), key);
    let pool = std::thread::spawn(move || {
        assert_eq!(*other, "owned");
        drop(other);
        shared
    })
    .join()
    .unwrap();
    drop(pool);
}

#[test]
fn keys_are_never_usize_max_and_stale_keys_stay_dead() {
    let pool: Pool<Option<u64>> = Pool::with_max_slots(2);
    let mut seen = Vec::new();
    for n in 0..100u64 {
        let key = pool.create_with(|v| *v = Some(n)).unwrap();
        assert_ne!(key, usize::MAX, "span ids are key + 1");
        assert!(key >> 32 >= 2, "lives are numbered from 2");
        assert!(!seen.contains(&key), "a key handed out twice");
        for &old in &seen {
            assert!(pool.get(old).is_none() && !pool.clear(old));
        }
        assert_eq!(*pool.get(key).unwrap(), Some(n));
        assert!(pool.clear(key));
        seen.push(key);
    }
    // Keys that name no slot, or a slot past the pool's pages.
    for key in [
        usize::MAX,
        u32::MAX as usize,
        Pool::<Option<u64>>::MAX_SLOTS,
    ] {
        assert!(pool.get(key).is_none() && !pool.clear(key));
    }
}

#[test]
fn a_full_pool_refuses_and_recovers() {
    let pool: Pool<Option<u8>> = Pool::with_max_slots(3);
    let keys: Vec<_> = (0..3).map(|_| pool.create_with(|_| ()).unwrap()).collect();
    assert!(pool.create().is_none() && pool.create_with(|_| ()).is_none());
    let mut called = false;
    assert!(pool.create_with(|_| called = true).is_none());
    assert!(!called, "init is not called when full");
    assert!(pool.clear(keys[1]));
    assert!(pool.create_with(|_| ()).is_some());
}

#[test]
fn the_mutable_guard_derefs_and_compares() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut guard: RefMut<'_, Vec<u8>> = pool.create().unwrap();
    guard.push(7);
    assert_eq!(guard, vec![7]);
    assert_eq!(format!("{guard:?}"), "[7]");
    let shared: Ref<'_, Vec<u8>> = guard.downgrade();
    assert_eq!(format!("{shared:?}"), "[7]");
    assert_eq!(format!("{pool:?}"), "Pool { .. }");
}

/// A span-like value: its clear closes its parent (a child holds its
/// parent open) through the pool, and logs its id.
#[derive(Default)]
struct Node {
    id: usize,
    parent: Option<usize>,
    data: HashMap<u32, String>,
    log: Option<Arc<Mutex<Vec<usize>>>>,
}

/// The pool a `Node`'s clear reaches, as tracing-subscriber reaches its
/// registry through the dispatcher.
static NODES: OnceLock<Pool<Node>> = OnceLock::new();

impl Clear for Node {
    fn clear(&mut self) {
        if let Some(log) = &self.log {
            log.lock().unwrap().push(self.id);
        }
        if let Some(parent) = self.parent.take() {
            let pool = NODES.get().unwrap();
            // Re-enter: take a guard on the parent, clear it, and let the
            // guard go, which clears the parent in place if it was the last.
            let guard = pool.get(parent).expect("a parent outlives its children");
            assert!(pool.clear(parent));
            drop(guard);
        }
        self.data.clear();
    }
}

#[test]
fn a_clear_that_clears_its_parent_closes_the_chain() {
    let pool = NODES.get_or_init(|| Pool::with_max_slots(64));
    let log = Arc::new(Mutex::new(Vec::new()));
    // A chain 0 <- 1 <- ... <- 9: clearing the leaf closes the chain, leaf
    // first, each from inside its child's clear.
    let mut parent = None;
    let mut keys = Vec::new();
    for id in 0..10 {
        let key = pool
            .create_with(|n| {
                n.id = id;
                n.parent = parent;
                n.data.insert(id as u32, "x".repeat(100));
                n.log = Some(log.clone());
            })
            .unwrap();
        keys.push(key);
        parent = Some(key);
    }
    // A guard on the middle of the chain defers its clear, and the rest of
    // the chain's below it, to the guard's drop.
    let held = pool.get(keys[5]).unwrap();
    assert!(pool.clear(keys[9]));
    assert_eq!(*log.lock().unwrap(), [9, 8, 7, 6]);
    assert!(pool.get(keys[5]).is_none(), "cleared, pending the guard");
    assert!(pool.get(keys[4]).is_some());
    drop(held);
    assert_eq!(*log.lock().unwrap(), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for key in &keys {
        assert!(pool.get(*key).is_none());
    }
    // All ten slots come back, cleared, with their tables.
    let again: Vec<_> = (0..10).map(|_| pool.create().unwrap()).collect();
    for n in &again {
        assert!(n.parent.is_none() && n.data.is_empty() && n.data.capacity() > 0);
    }
}

/// A clear that uses its own key finds it gone, and a create from inside
/// it takes another slot: the clearing slot is on no free list yet.
#[test]
fn a_clear_that_uses_its_own_key_finds_nothing() {
    /// What the clear saw: its own key's `get` and `clear`, and the slot
    /// index of the value it created.
    type Seen = Arc<Mutex<Vec<(bool, bool, usize)>>>;
    #[derive(Default)]
    struct Probe {
        key: usize,
        seen: Option<Seen>,
    }
    static PROBES: OnceLock<Pool<Probe>> = OnceLock::new();
    impl Clear for Probe {
        fn clear(&mut self) {
            if let Some(seen) = self.seen.take() {
                let pool = PROBES.get().unwrap();
                let got = pool.get(self.key).is_some();
                let cleared = pool.clear(self.key);
                let created = pool.create_with(|_| ()).expect("a second slot");
                seen.lock()
                    .unwrap()
                    .push((got, cleared, created & 0xFFFF_FFFF));
            }
        }
    }
    let pool = PROBES.get_or_init(|| Pool::with_max_slots(2));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut guard = pool.create().unwrap();
    let key = guard.key();
    guard.key = key;
    guard.seen = Some(seen.clone());
    drop(guard);
    assert!(pool.clear(key));
    assert_eq!(*seen.lock().unwrap(), [(false, false, 1)]);
}

#[derive(Default)]
struct Counted {
    clears: Option<Arc<AtomicUsize>>,
    drops: Option<Arc<AtomicUsize>>,
    panic_in_clear: bool,
}

impl Clear for Counted {
    fn clear(&mut self) {
        if let Some(c) = &self.clears {
            c.fetch_add(1, SeqCst);
        }
        if std::mem::take(&mut self.panic_in_clear) {
            panic!("a clear that panics");
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        if let Some(d) = &self.drops {
            d.fetch_add(1, SeqCst);
        }
    }
}

/// A panicking `Clear::clear` propagates to whoever ran it (here `clear`,
/// a guard's drop, and an owned guard's drop) and retires its slot: the
/// others keep working, and the retired values are dropped with the pool.
#[test]
fn a_panicking_clear_retires_its_slot() {
    let (clears, drops) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let pool = Arc::new(Pool::<Counted>::with_max_slots(4));
    let make = |panics| {
        pool.create_with(|c| {
            c.clears = Some(clears.clone());
            c.drops = Some(drops.clone());
            c.panic_in_clear = panics;
        })
        .unwrap()
    };
    let k0 = make(true);
    assert!(catch_unwind(AssertUnwindSafe(|| pool.clear(k0))).is_err());
    let k1 = make(true);
    let guard = pool.get(k1).unwrap();
    assert!(pool.clear(k1));
    assert!(catch_unwind(AssertUnwindSafe(|| drop(guard))).is_err());
    let k2 = make(true);
    let owned = pool.clone().get_owned(k2).unwrap();
    assert!(pool.clear(k2));
    assert!(catch_unwind(AssertUnwindSafe(|| drop(owned))).is_err());
    assert_eq!(clears.load(SeqCst), 3);
    for k in [k0, k1, k2] {
        assert!(pool.get(k).is_none() && !pool.clear(k));
    }
    // One slot left; it cycles as usual.
    for _ in 0..3 {
        let k = make(false);
        assert!(pool.create().is_none(), "three slots retired");
        assert!(pool.clear(k));
    }
    assert_eq!(clears.load(SeqCst), 6);
    assert_eq!(drops.load(SeqCst), 0);
    drop(pool);
    assert_eq!(drops.load(SeqCst), 4, "each slot's value, once");
}

#[test]
fn a_panicking_init_retires_the_slot_and_its_key() {
    let drops = Arc::new(AtomicUsize::new(0));
    let pool = Pool::<Counted>::with_max_slots(2);
    let next = pool.create().unwrap().key();
    assert!(pool.clear(next));
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        pool.create_with(|c| {
            c.drops = Some(drops.clone());
            panic!("init panics");
        })
    }));
    assert!(panicked.is_err());
    // The retired key would have been the slot's next life.
    assert!(pool.get(next + (1 << 32)).is_none());
    let k = pool.create().unwrap().key();
    assert!(pool.create().is_none(), "one slot retired");
    assert!(pool.clear(k));
    drop(pool);
    assert_eq!(
        drops.load(SeqCst),
        1,
        "the retired value is dropped with the pool"
    );
}

#[test]
fn a_panicking_default_gives_the_slot_back() {
    thread_local!(static FAIL: Cell<bool> = const { Cell::new(false) });
    struct Picky(String);
    impl Default for Picky {
        fn default() -> Self {
            if FAIL.with(Cell::get) {
                panic!("no default today");
            }
            Picky(String::from("made"))
        }
    }
    impl Clear for Picky {
        fn clear(&mut self) {
            self.0.clear();
        }
    }
    let pool = Pool::<Picky>::with_max_slots(1);
    FAIL.with(|f| f.set(true));
    assert!(catch_unwind(AssertUnwindSafe(|| pool.create().map(|_| ()))).is_err());
    FAIL.with(|f| f.set(false));
    let guard = pool.create().expect("the slot came back");
    assert_eq!(guard.0, "made", "and its value was made then");
}

/// Every value made is dropped once with the pool: in the pool, cleared
/// and recycled, held by leaked guards, never published, or retired.
#[test]
fn dropping_the_pool_drops_every_value_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let pool = Pool::<Counted>::new();
    let make = |panic_in_clear| {
        pool.create_with(|c| {
            c.drops = Some(drops.clone());
            c.panic_in_clear = panic_in_clear;
        })
        .unwrap()
    };
    let (cleared, leaked, leaked_cleared, _present) =
        (make(false), make(false), make(false), make(false));
    let retired = make(true);
    assert!(pool.clear(cleared));
    std::mem::forget(pool.get(leaked).unwrap());
    std::mem::forget(pool.get(leaked_cleared).unwrap());
    assert!(pool.clear(leaked_cleared));
    assert!(catch_unwind(AssertUnwindSafe(|| pool.clear(retired))).is_err());
    let mut unpublished = pool.create().unwrap();
    unpublished.drops = Some(drops.clone());
    std::mem::forget(unpublished);
    assert_eq!(drops.load(SeqCst), 0);
    drop(pool);
    assert_eq!(drops.load(SeqCst), 5, "five slots, one value each");
}

// `Clear` for the locks comes with the `std` feature.
#[cfg(feature = "std")]
#[test]
fn poisoned_locks_are_cleared_and_unpoisoned() {
    let pool: Pool<Mutex<Vec<u8>>> = Pool::with_max_slots(1);
    let key = pool.create_with(|m| m.get_mut().unwrap().push(1)).unwrap();
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let g = pool.get(key).unwrap();
        let _lock = g.lock().unwrap();
        panic!("poison it");
    }));
    assert!(pool.get(key).unwrap().is_poisoned());
    assert!(pool.clear(key));
    let again = pool.create().unwrap();
    assert!(!again.is_poisoned());
    assert!(again.lock().unwrap().is_empty());

    let pool: Pool<std::sync::RwLock<String>> = Pool::with_max_slots(1);
    let key = pool
        .create_with(|l| l.get_mut().unwrap().push('x'))
        .unwrap();
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let g = pool.get(key).unwrap();
        let _lock = g.write().unwrap();
        panic!("poison it");
    }));
    assert!(pool.clear(key));
    let again = pool.create().unwrap();
    assert!(!again.is_poisoned() && again.read().unwrap().is_empty());
}

#[test]
fn the_clear_implementations_keep_their_allocations() {
    fn check<T: Clear>(mut v: T, len: impl Fn(&T) -> usize, cap: impl Fn(&T) -> usize) {
        let before = cap(&v);
        v.clear();
        assert_eq!(len(&v), 0);
        assert_eq!(cap(&v), before);
    }
    check(vec![1, 2, 3], Vec::len, Vec::capacity);
    check(String::from("abc"), String::len, String::capacity);
    // `HashMap` and `HashSet` are std's.
    #[cfg(feature = "std")]
    {
        check(HashMap::from([(1, 2)]), HashMap::len, HashMap::capacity);
        check(
            std::collections::HashSet::from([1]),
            std::collections::HashSet::len,
            std::collections::HashSet::capacity,
        );
    }
    check(Box::new(vec![1]), |b| b.len(), |b| b.capacity());
    let mut o = Some(1);
    o.clear();
    assert_eq!(o, None);
}

#[test]
fn pools_and_owned_guards_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Pool<String>>();
    send_sync::<OwnedRef<String>>();
    send_sync::<OwnedRefMut<String>>();
}

#[test]
fn values_cleared_on_another_thread_come_back_to_the_creating_thread() {
    // One thread creates, another clears (a span closed elsewhere), in a
    // pool of 32 slots: the cleared slots must come back to the creating
    // thread's free list (through its remote stack), or it runs out.
    let pool: Pool<Vec<u64>> = Pool::with_max_slots(32);
    let (send, recv) = std::sync::mpsc::sync_channel::<usize>(8);
    std::thread::scope(|s| {
        let pool = &pool;
        s.spawn(move || {
            for key in recv {
                assert!(pool.clear(key));
            }
        });
        // Ours, so that a panic here drops it and the clearing thread ends.
        let send = send;
        for i in 0..if cfg!(miri) { 200 } else { 20_000 } {
            let key = pool
                .create_with(|v| v.push(i))
                .unwrap_or_else(|| panic!("create {i}: the pool ran out"));
            send.send(key).unwrap();
        }
    });
}
