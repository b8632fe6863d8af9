//! sharded-slab 0.1.7's documentation examples for its `Pool` and guards,
//! each as it stands there but for the crate's name in its imports: the
//! drop-in claim, checked. An example that stands in two places there is
//! here once. The lints allowed here are those a doctest
//! allows and these examples trip: unused items, a doc comment on a
//! statement, `assert_eq!` with a `bool`.
#![allow(unused, unused_doc_comments, clippy::bool_assert_comparison)]

/// In the docs of `Pool`.
#[test]
fn pool_1() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();

    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();
    assert_eq!(pool.get(key).unwrap(), String::from("hello world"));
}

/// In the docs of `Pool`.
#[test]
fn pool_2() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();

    let mut guard = pool.create().unwrap();
    let key = guard.key();
    guard.push_str("hello world");

    drop(guard); // release the guard, allowing immutable access.
    assert_eq!(pool.get(key).unwrap(), String::from("hello world"));
}

/// In the docs of `Pool`.
#[test]
fn pool_3() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();

    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();

    // Mark this entry to be cleared.
    pool.clear(key);

    // The cleared entry is no longer available in the pool
    assert!(pool.get(key).is_none());
}

/// In the docs of `OwnedRef` and `Pool::get_owned`.
#[test]
fn owned_ref_1() {
    use frozen_slab::Pool;
    use std::sync::Arc;

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());
    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();

    // Look up the created `Key`, returning an `OwnedRef`.
    let value = pool.clone().get_owned(key).unwrap();

    // Now, the original `Arc` clone of the pool may be dropped, but the
    // returned `OwnedRef` can still access the value.
    assert_eq!(value, String::from("hello world"));
}

/// In the docs of `OwnedRef` and `Pool::get_owned`.
#[test]
fn owned_ref_2() {
    use frozen_slab::pool::OwnedRef;
    use frozen_slab::Pool;
    use std::sync::Arc;

    pub struct MyStruct {
        pool_ref: OwnedRef<String>,
        // ... other fields ...
    }

    // Suppose this is some arbitrary function which requires a value that
    // lives for the 'static lifetime...
    fn function_requiring_static<T: 'static>(t: &T) {
        // ... do something extremely important and interesting ...
    }

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());
    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();

    // Look up the created `Key`, returning an `OwnedRef`.
    let pool_ref = pool.clone().get_owned(key).unwrap();
    let my_struct = MyStruct {
        pool_ref,
        // ...
    };

    // We can use `my_struct` anywhere where it is required to have the
    // `'static` lifetime:
    function_requiring_static(&my_struct);
}

/// In the docs of `OwnedRef` and `Pool::get_owned`.
#[test]
fn owned_ref_3() {
    use frozen_slab::Pool;
    use std::{sync::Arc, thread};

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());
    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();

    // Look up the created `Key`, returning an `OwnedRef`.
    let value = pool.clone().get_owned(key).unwrap();

    thread::spawn(move || {
        assert_eq!(value, String::from("hello world"));
        // ...
    })
    .join()
    .unwrap();
}

/// In the docs of `OwnedRefMut` and `Pool::create_owned`.
#[test]
fn owned_ref_mut_1() {
    use frozen_slab::Pool;
    use std::sync::Arc;
    use std::thread;

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());

    // Create a new pooled item, returning an owned guard that allows mutable
    // access to the new item.
    let mut item = pool.clone().create_owned().unwrap();
    // Return a key that allows indexing the created item once the guard
    // has been dropped.
    let key = item.key();

    // Mutate the item.
    item.push_str("Hello");
    // Drop the guard, releasing mutable access to the new item.
    drop(item);

    /// Other threads may now (immutably) access the item using the returned key.
    thread::spawn(move || {
        assert_eq!(pool.get(key).unwrap(), String::from("Hello"));
    })
    .join()
    .unwrap();
}

/// In the docs of `OwnedRefMut` and `Pool::create_owned`.
#[test]
fn owned_ref_mut_2() {
    use frozen_slab::Pool;
    use std::sync::Arc;

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());

    // Create a new item, returning an owned, mutable guard.
    let mut value = pool.clone().create_owned().unwrap();

    // Now, the original `Arc` clone of the pool may be dropped, but the
    // returned `OwnedRefMut` can still access the value.
    drop(pool);

    value.push_str("hello world");
    assert_eq!(value, String::from("hello world"));
}

/// In the docs of `OwnedRefMut` and `Pool::create_owned`.
#[test]
fn owned_ref_mut_3() {
    use frozen_slab::pool::OwnedRefMut;
    use frozen_slab::Pool;
    use std::sync::Arc;

    pub struct MyStruct {
        pool_ref: OwnedRefMut<String>,
        // ... other fields ...
    }

    // Suppose this is some arbitrary function which requires a value that
    // lives for the 'static lifetime...
    fn function_requiring_static<T: 'static>(t: &T) {
        // ... do something extremely important and interesting ...
    }

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());

    // Create a new item, returning a mutable owned reference.
    let pool_ref = pool.clone().create_owned().unwrap();

    let my_struct = MyStruct {
        pool_ref,
        // ...
    };

    // We can use `my_struct` anywhere where it is required to have the
    // `'static` lifetime:
    function_requiring_static(&my_struct);
}

/// In the docs of `OwnedRefMut` and `Pool::create_owned`.
#[test]
fn owned_ref_mut_4() {
    use frozen_slab::Pool;
    use std::{sync::Arc, thread};

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());

    let mut value = pool.clone().create_owned().unwrap();
    let key = value.key();

    thread::spawn(move || {
        value.push_str("hello world");
        // ...
    })
    .join()
    .unwrap();

    // Once the `OwnedRefMut` has been dropped by the other thread, we may
    // now access the value immutably on this thread.

    assert_eq!(pool.get(key).unwrap(), String::from("hello world"));
}

/// In the docs of `OwnedRefMut` and `Pool::create_owned`.
#[test]
fn owned_ref_mut_5() {
    use frozen_slab::Pool;
    use std::{sync::Arc, thread};

    let pool: Arc<Pool<String>> = Arc::new(Pool::new());

    let mut value = pool.clone().create_owned().unwrap();
    let key = value.key();
    value.push_str("hello world");

    // Downgrade the mutable owned ref to an immutable owned ref.
    let value = value.downgrade();

    // Once the `OwnedRefMut` has been downgraded, other threads may
    // immutably access the pooled value:
    thread::spawn(move || {
        assert_eq!(pool.get(key).unwrap(), String::from("hello world"));
    })
    .join()
    .unwrap();

    // This thread can still access the pooled value through the
    // immutable owned ref:
    assert_eq!(value, String::from("hello world"));
}

/// In the docs of `Pool::create`.
#[test]
fn create_1() {
    use frozen_slab::Pool;
    use std::thread;
    let pool: Pool<String> = Pool::new();

    // Create a new pooled item, returning a guard that allows mutable
    // access to the new item.
    let mut item = pool.create().unwrap();
    // Return a key that allows indexing the created item once the guard
    // has been dropped.
    let key = item.key();

    // Mutate the item.
    item.push_str("Hello");
    // Drop the guard, releasing mutable access to the new item.
    drop(item);

    /// Other threads may now (immutably) access the item using the returned key.
    thread::spawn(move || {
        assert_eq!(pool.get(key).unwrap(), String::from("Hello"));
    })
    .join()
    .unwrap();
}

/// In the docs of `Pool::create_with`.
#[test]
fn create_with_1() {
    use frozen_slab::Pool;
    use std::thread;
    let pool: Pool<String> = Pool::new();

    // Create a new pooled item, returning its integer key.
    let key = pool.create_with(|s| s.push_str("Hello")).unwrap();

    /// Other threads may now (immutably) access the item using the key.
    thread::spawn(move || {
        assert_eq!(pool.get(key).unwrap(), String::from("Hello"));
    })
    .join()
    .unwrap();
}

/// In the docs of `Pool::get`.
#[test]
fn get_1() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();
    let key = pool
        .create_with(|item| item.push_str("hello world"))
        .unwrap();

    assert_eq!(pool.get(key).unwrap(), String::from("hello world"));
    assert!(pool.get(12345).is_none());
}

/// In the docs of `Pool::clear`.
#[test]
fn clear_1() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();

    // Check out an item from the pool.
    let mut item = pool.create().unwrap();
    let key = item.key();
    item.push_str("hello world");
    drop(item);

    assert_eq!(pool.get(key).unwrap(), String::from("hello world"));

    pool.clear(key);
    assert!(pool.get(key).is_none());
}

/// In the docs of `Pool::clear`.
#[test]
fn clear_2() {
    use frozen_slab::Pool;
    let pool: Pool<String> = Pool::new();

    let key = pool
        .create_with(|item| item.push_str("Hello world!"))
        .unwrap();

    // Clearing a key that doesn't exist in the `Pool` will return `false`
    assert_eq!(pool.clear(key + 69420), false);

    // Clearing a key that does exist returns `true`
    assert!(pool.clear(key));

    // Clearing a key that has previously been cleared will return `false`
    assert_eq!(pool.clear(key), false);
}

/// In the docs of `RefMut::downgrade` and `OwnedRefMut::downgrade`.
#[test]
fn ref_mut_downgrade_1() {
    use frozen_slab::Pool;
    use std::{sync::Arc, thread};
    let pool = Arc::new(Pool::<String>::new());

    let mut guard_mut = pool.clone().create_owned().unwrap();
    let key = guard_mut.key();
    guard_mut.push_str("Hello");

    // The pooled string is currently borrowed mutably, so other threads
    // may not access it.
    let pool2 = pool.clone();
    thread::spawn(move || assert!(pool2.get(key).is_none()))
        .join()
        .unwrap();

    // Downgrade the guard to an immutable reference.
    let guard = guard_mut.downgrade();

    // Now, other threads may also access the pooled value.
    let pool2 = pool.clone();
    thread::spawn(move || {
        let guard = pool2
            .get(key)
            .expect("the item may now be referenced by other threads");
        assert_eq!(guard, String::from("Hello"));
    })
    .join()
    .unwrap();

    // We can still access the value immutably through the downgraded guard.
    assert_eq!(guard, String::from("Hello"));
}
