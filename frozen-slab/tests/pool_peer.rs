//! The differences from sharded-slab's `Pool` that the `pool` module's
//! docs state, checked against the real sharded-slab 0.1.7 (a
//! dev-dependency), side by side with frozen-slab on the same steps.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A key still held by its `RefMut`: sharded-slab's `clear` finds a reused
/// slot in the state its previous clear left and clears the value under
/// the guard; ours answers `false`, as `get` answers `None`.
#[test]
fn clear_of_a_key_held_by_its_ref_mut() {
    let peer = sharded_slab::Pool::<String>::new();
    let first = peer.create_with(|s| s.push_str("first")).unwrap();
    assert!(peer.clear(first));
    let mut guard = peer.create().unwrap();
    guard.push_str("held");
    assert!(peer.get(guard.key()).is_none());
    assert!(peer.clear(guard.key()), "sharded-slab: true");
    assert_eq!(*guard, "", "sharded-slab: cleared under the guard");
    // Its guard's drop then finds the slot changed under it.
    let _ = catch_unwind(AssertUnwindSafe(|| drop(guard)));

    let ours = frozen_slab::Pool::<String>::new();
    let first = ours.create_with(|s| s.push_str("first")).unwrap();
    assert!(ours.clear(first));
    let mut guard = ours.create().unwrap();
    guard.push_str("held");
    assert!(ours.get(guard.key()).is_none());
    assert!(!ours.clear(guard.key()), "ours: not in the pool yet");
    assert_eq!(*guard, "held");
    let key = guard.key();
    drop(guard);
    assert_eq!(*ours.get(key).unwrap(), "held");
}

/// A value whose `Mutex` was poisoned: sharded-slab's `Clear` panics in the
/// `clear` that reaches it; ours clears it and the poison (`Clear` for
/// `Mutex` comes with the `std` feature).
#[cfg(feature = "std")]
#[test]
fn clear_of_a_poisoned_mutex() {
    use std::sync::Mutex;
    fn poison(m: &Mutex<Vec<u8>>) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let _lock = m.lock().unwrap();
            panic!("poison it");
        }));
        assert!(m.is_poisoned());
    }

    let peer = sharded_slab::Pool::<Mutex<Vec<u8>>>::new();
    let key = peer.create_with(|m| m.get_mut().unwrap().push(1)).unwrap();
    poison(&peer.get(key).unwrap());
    assert!(
        catch_unwind(AssertUnwindSafe(|| peer.clear(key))).is_err(),
        "sharded-slab: the clear panics"
    );

    let ours = frozen_slab::Pool::<Mutex<Vec<u8>>>::new();
    let key = ours.create_with(|m| m.get_mut().unwrap().push(1)).unwrap();
    poison(&ours.get(key).unwrap());
    assert!(ours.clear(key));
    let again = ours.create().unwrap();
    assert!(!again.is_poisoned() && again.lock().unwrap().is_empty());
}
