//! The differences from sharded-slab that the crate's `implementation` notes
//! state, checked against the real sharded-slab 0.1.7 (a dev-dependency),
//! side by side with frozen-slab on the same steps.

use frozen_slab::Slab;

/// Reuses one slot until the first key comes back: the number of reuses
/// after which a stale key aliases a new value (`None`: not within `limit`).
fn reuses_until_alias(
    insert: impl Fn(u32) -> usize,
    remove: impl Fn(usize),
    limit: u32,
) -> Option<u32> {
    let first = insert(0);
    remove(first);
    for n in 1..=limit {
        let key = insert(n);
        remove(key);
        if key == first {
            return Some(n);
        }
    }
    None
}

#[test]
#[cfg_attr(
    miri,
    ignore = "8191 reuses of two slabs: minutes under Miri, and no unsafe code of ours that the other tests miss"
)]
fn sharded_slab_keys_alias_after_8191_reuses_and_ours_do_not() {
    let peer = sharded_slab::Slab::new();
    let n = reuses_until_alias(
        |v| peer.insert(v).unwrap(),
        |k| assert!(peer.remove(k)),
        20_000,
    );
    assert_eq!(
        n,
        Some(8191),
        "sharded-slab's default config: 13 bits of generation"
    );

    let ours = Slab::new();
    let n = reuses_until_alias(
        |v| ours.insert(v).unwrap(),
        |k| assert!(ours.remove(k)),
        20_000,
    );
    assert_eq!(
        n, None,
        "2^32 - 1 reuses (the unit test at the wrap shows the limit)"
    );
}

#[test]
#[cfg_attr(miri, ignore = "8191 reuses: minutes under Miri; it tests the peer")]
fn a_stale_sharded_slab_key_reaches_the_new_value() {
    // What the aliasing means for a reader: the old key gets the new value.
    let peer = sharded_slab::Slab::new();
    let first = peer.insert(0u32).unwrap();
    assert!(peer.remove(first));
    let mut key = 0;
    for n in 1..=8191 {
        key = peer.insert(n).unwrap();
        if n < 8191 {
            assert!(peer.remove(key));
        }
    }
    assert_eq!(key, first);
    assert_eq!(peer.get(first).map(|e| *e), Some(8191));
}
