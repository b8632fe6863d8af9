//! A stranger's probes: the smallest capacity, values whose `Drop` or
//! `Clear` re-enter the slab or the pool (on other keys and on their own),
//! odd value types, and an owned guard that outlives everything else. Each
//! checks that every slot is found again afterwards, or that the value is
//! intact.

use frozen_slab::{Clear, Pool, Slab};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// The smallest legal capacity: nothing fits, and nothing panics.
#[test]
fn zero_slots() {
    let s = Slab::<u8>::with_max_slots(0);
    assert!(s.insert(1).is_none());
    assert!(s.vacant_entry().is_none());
    let p = Pool::<String>::with_max_slots(0);
    assert!(p.create().is_none());
}

/// A value whose `Drop` removes another key and inserts and removes a
/// value of its own, inside the `remove` that drops it: every value is
/// dropped once, and all 4 slots are found again afterwards.
#[test]
fn insert_from_drop_and_remove_from_drop() {
    struct D(Arc<Slab<D>>, Option<usize>, Arc<AtomicUsize>);
    impl Drop for D {
        fn drop(&mut self) {
            self.2.fetch_add(1, SeqCst);
            if let Some(k) = self.1.take() {
                assert!(self.0.remove(k));
                // Inside a drop run by `remove`: two fresh slots and the
                // one just freed are free.
                let k2 = self.0.insert(D(self.0.clone(), None, self.2.clone()));
                assert!(self.0.remove(k2.expect("a free slot")));
            }
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let s: Arc<Slab<D>> = Arc::new(Slab::with_max_slots(4));
    let a = s.insert(D(s.clone(), None, drops.clone())).unwrap();
    let b = s.insert(D(s.clone(), Some(a), drops.clone())).unwrap();
    assert!(s.remove(b));
    assert_eq!(drops.load(SeqCst), 3);
    // All 4 slots are free again.
    let keys: Vec<_> = (0..4)
        .map(|_| s.insert(D(s.clone(), None, drops.clone())).unwrap())
        .collect();
    assert!(s.insert(D(s.clone(), None, drops.clone())).is_none());
    for k in keys {
        assert!(s.remove(k));
    }
}

/// A `Clear::clear` that clears and looks up its own key again, from
/// inside its own clear: the key is already gone (`false`, `None`), and
/// both slots are found again afterwards.
#[test]
fn clear_reenters_same_key() {
    #[derive(Default)]
    struct V(Option<(Arc<Pool<V>>, usize)>, usize);
    impl Clear for V {
        fn clear(&mut self) {
            if let Some((p, k)) = self.0.take() {
                // the same key again, from inside its own clear
                assert!(!p.clear(k));
                assert!(p.get(k).is_none());
            }
            self.1 = 0;
        }
    }
    let p: Arc<Pool<V>> = Arc::new(Pool::with_max_slots(2));
    let mut g = p.create().unwrap();
    let k = g.key();
    g.0 = Some((p.clone(), k));
    g.1 = 5;
    drop(g);
    assert!(p.clear(k));
    assert!(p.get(k).is_none());
    let a = p.create_with(|v| v.1 = 1).unwrap();
    let b = p.create_with(|v| v.1 = 2).unwrap();
    assert!(p.create().is_none());
    assert!(p.clear(a) && p.clear(b));
}

/// A zero-sized value, large values in the slot itself, and a pooled
/// `Vec` whose allocation the clear keeps.
#[test]
fn zst_and_big_values() {
    let s = Slab::<()>::new();
    let keys: Vec<_> = (0..if cfg!(miri) { 100 } else { 10_000 })
        .map(|_| s.insert(()).unwrap())
        .collect();
    for k in &keys {
        assert!(s.get(*k).is_some());
    }
    for k in keys {
        assert!(s.remove(k));
    }
    let b = Slab::<Box<[u8; 1 << 16]>>::new();
    let k = b.insert(Box::new([7; 1 << 16])).unwrap();
    assert_eq!(b.get(k).unwrap()[65535], 7);
    let big = Slab::<[u8; 1 << 14]>::new();
    let keys: Vec<_> = (0..if cfg!(miri) { 5 } else { 300 })
        .map(|i| big.insert([i as u8; 1 << 14]).unwrap())
        .collect();
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(big.get(*k).unwrap()[100], i as u8);
    }
    let p = Pool::<Vec<u8>>::new();
    let k = p.create_with(|v| v.extend_from_slice(&[1; 1000])).unwrap();
    assert!(p.clear(k));
    let k2 = p.create().unwrap();
    assert!(
        k2.is_empty() && k2.capacity() >= 1000,
        "the allocation is kept"
    );
}

/// An `OwnedEntry` outlives the slab's last `Arc` and the value's
/// removal, and is read and dropped on another thread.
#[test]
fn owned_entries_outlive_slab_and_cross_threads() {
    let s = Arc::new(Slab::<String>::new());
    let k = s.insert("x".into()).unwrap();
    let e = s.clone().get_owned(k).unwrap();
    assert!(s.remove(k));
    drop(s);
    let h = std::thread::spawn(move || {
        assert_eq!(*e, "x");
        drop(e);
    });
    h.join().unwrap();
}
