//! `Config`, `DefaultConfig` and the `C` parameter: sharded-slab-shaped
//! code compiles, and `RESERVED_BITS` behaves as in sharded-slab (keys
//! leave the top bits clear, lookups ignore them, stale keys are refused).
//!
//! The shared part is written once ([`on_both!`]) and compiled against
//! frozen-slab and against sharded-slab 0.1.7, so that the two are seen to
//! agree. The rest is frozen-slab's own: the largest legal `RESERVED_BITS`,
//! the generation bound (a stale key aliases after exactly
//! `2^(32 - RESERVED_BITS)` lives), `USED_BITS`, and that `C` changes
//! neither size nor `Send`/`Sync`.

/// sharded-slab-shaped code and the reserved-bit behaviour, as a module
/// `$m` on crate `$krate`.
macro_rules! on_both {
    ($m:ident, $krate:ident) => {
        mod $m {
            use ::$krate::{
                pool, Config, DefaultConfig, Entry, OwnedEntry, Pool, Slab, UniqueIter, VacantEntry,
            };
            use std::sync::Arc;

            /// A key's top 5 bits are the user's.
            pub(crate) struct Reserve5;
            impl Config for Reserve5 {
                const RESERVED_BITS: usize = 5;
            }

            /// The reserved bits, and a pattern of flags in them.
            const TOP5: usize = !0 << 59;
            const FLAGS: usize = 0b10110 << 59;

            // Signatures as sharded-slab's users write them.
            fn get_in<C: Config>(s: &Slab<u32, C>, key: usize) -> Option<Entry<'_, u32, C>> {
                s.get(key)
            }
            fn get_owned_in<C: Config>(
                s: Arc<Slab<u32, C>>,
                key: usize,
            ) -> Option<OwnedEntry<u32, C>> {
                s.get_owned(key)
            }
            fn vacant_in<C: Config>(s: &Slab<u32, C>) -> Option<VacantEntry<'_, u32, C>> {
                s.vacant_entry()
            }
            fn iter_in<C: Config>(s: &mut Slab<u32, C>) -> UniqueIter<'_, u32, C> {
                s.unique_iter()
            }
            fn pool_get_in<C: Config>(
                p: &Pool<String, C>,
                key: usize,
            ) -> Option<pool::Ref<'_, String, C>> {
                p.get(key)
            }
            fn pool_create_in<C: Config>(
                p: &Pool<String, C>,
            ) -> Option<pool::RefMut<'_, String, C>> {
                p.create()
            }
            fn pool_get_owned_in<C: Config>(
                p: Arc<Pool<String, C>>,
                key: usize,
            ) -> Option<pool::OwnedRef<String, C>> {
                p.get_owned(key)
            }
            fn pool_create_owned_in<C: Config>(
                p: Arc<Pool<String, C>>,
            ) -> Option<pool::OwnedRefMut<String, C>> {
                p.create_owned()
            }

            /// A struct that names both configurations in field types.
            struct Registry {
                spans: Pool<String, Reserve5>,
                ids: Slab<u32, Reserve5>,
                plain: Slab<u32, DefaultConfig>,
            }

            #[test]
            fn sharded_slab_shaped_code_compiles() {
                let mut slab = Slab::new_with_config::<Reserve5>();
                let key = vacant_in(&slab).map(|v| {
                    let key = v.key();
                    v.insert(7);
                    key
                });
                let key = key.unwrap();
                assert_eq!(*get_in(&slab, key).unwrap(), 7);
                assert_eq!(iter_in(&mut slab).copied().collect::<Vec<_>>(), [7]);
                let slab = Arc::new(slab);
                assert_eq!(*get_owned_in(Arc::clone(&slab), key).unwrap(), 7);

                let pool = Pool::<String>::new_with_config::<Reserve5>();
                let key = {
                    let mut guard = pool_create_in(&pool).unwrap();
                    guard.push_str("span");
                    guard.key()
                };
                assert_eq!(*pool_get_in(&pool, key).unwrap(), "span");
                let pool = Arc::new(pool);
                let other = pool_create_owned_in(Arc::clone(&pool)).unwrap().key();
                assert_eq!(*pool_get_owned_in(Arc::clone(&pool), other).unwrap(), "");

                let annotated: Pool<String, Reserve5> = Pool::new_with_config();
                let registry = Registry {
                    spans: annotated,
                    ids: Slab::new_with_config::<Reserve5>(),
                    plain: Slab::new(),
                };
                assert!(registry.ids.insert(1).is_some());
                assert!(registry.plain.insert(2).is_some());
                assert!(registry.spans.create_with(|s| s.push('x')).is_some());
            }

            #[test]
            fn keys_leave_the_reserved_bits_clear() {
                let slab = Slab::new_with_config::<Reserve5>();
                let keys: Vec<usize> = (0..2000).map(|i| slab.insert(i).unwrap()).collect();
                for (i, &key) in keys.iter().enumerate() {
                    assert_eq!(key & TOP5, 0, "key {key:#x}");
                    assert_eq!(*slab.get(key).unwrap(), i);
                }
                // Reuse too: the keys of later lives leave them clear as well.
                for &key in &keys[..100] {
                    assert!(slab.remove(key));
                    assert_eq!(slab.insert(0).unwrap() & TOP5, 0);
                }
                let pool: Pool<String, Reserve5> = Pool::new_with_config();
                for _ in 0..500 {
                    let key = pool.create_with(|s| s.push('v')).unwrap();
                    assert_eq!(key & TOP5, 0, "pool key {key:#x}");
                    assert!(pool.clear(key));
                }
            }

            #[test]
            fn a_flagged_key_finds_the_same_value() {
                let slab = Arc::new(Slab::new_with_config::<Reserve5>());
                let key = slab.insert(String::from("v")).unwrap();
                let flagged = key | FLAGS;
                let entry = slab.get(flagged).unwrap();
                assert_eq!(*entry, "v");
                assert_eq!(entry.key(), flagged, "the guard's key is the key looked up");
                drop(entry);
                assert_eq!(*Arc::clone(&slab).get_owned(flagged).unwrap(), "v");
                assert!(slab.contains(flagged) && slab.contains(key | TOP5));
                assert!(slab.remove(flagged));
                assert!(!slab.contains(key) && slab.get(key).is_none());

                let key = slab.insert(String::from("w")).unwrap();
                assert_eq!(slab.take(key | FLAGS).as_deref(), Some("w"));
                assert!(slab.get(key).is_none());

                let pool = Arc::new(Pool::<String>::new_with_config::<Reserve5>());
                let key = pool.create_with(|s| s.push_str("p")).unwrap();
                let flagged = key | FLAGS;
                assert_eq!(*pool.get(flagged).unwrap(), "p");
                assert_eq!(pool.get(flagged).unwrap().key(), flagged);
                assert_eq!(*Arc::clone(&pool).get_owned(flagged).unwrap(), "p");
                assert!(pool.clear(flagged));
                assert!(pool.get(key).is_none() && !pool.clear(key));
            }

            #[test]
            fn a_stale_key_is_refused_with_or_without_flags() {
                let slab = Slab::new_with_config::<Reserve5>();
                let old = slab.insert(1).unwrap();
                assert!(slab.remove(old));
                // The next insert on this thread reuses the slot in both crates.
                let new = slab.insert(2).unwrap();
                assert_ne!(new, old);
                for stale in [old, old | FLAGS] {
                    assert!(slab.get(stale).is_none() && !slab.contains(stale));
                    assert!(!slab.remove(stale) && slab.take(stale).is_none());
                }
                assert_eq!(*slab.get(new | FLAGS).unwrap(), 2);

                let pool: Pool<String, Reserve5> = Pool::new_with_config();
                let old = pool.create_with(|s| s.push('a')).unwrap();
                assert!(pool.clear(old));
                let new = pool.create_with(|s| s.push('b')).unwrap();
                assert_ne!(new, old);
                assert!(pool.get(old | FLAGS).is_none() && !pool.clear(old | FLAGS));
                assert_eq!(*pool.get(new | FLAGS).unwrap(), "b");
            }
        }
    };
}

on_both!(on_frozen, frozen_slab);
on_both!(on_sharded, sharded_slab);

use frozen_slab::{Config, DefaultConfig, Entry, OwnedEntry, Pool, Slab};
use std::mem::size_of;

/// A configuration that leaves the top `R` bits of a key to the user; 30
/// is the most (2 generation bits are left).
struct Reserve<const R: usize>;
impl<const R: usize> Config for Reserve<R> {
    const RESERVED_BITS: usize = R;
}

/// The geometry constants set to odd values, which frozen-slab ignores.
struct Geometry;
impl Config for Geometry {
    const MAX_THREADS: usize = 2;
    const MAX_PAGES: usize = 1;
    const INITIAL_PAGE_SIZE: usize = 4;
}

/// A configuration that is neither `Send` nor `Sync` (as a value): as a
/// type parameter it must not change the slab's auto traits.
struct NotSend(#[allow(dead_code)] *const u8);
impl Config for NotSend {}

fn send_sync<T: Send + Sync>() {}

#[test]
fn the_largest_reserved_bits_leave_two_generation_bits() {
    let slab = Slab::new_with_config::<Reserve<30>>();
    let keys: Vec<usize> = (0..1000).map(|i| slab.insert(i).unwrap()).collect();
    for (i, &key) in keys.iter().enumerate() {
        assert_eq!(key >> 34, 0, "key {key:#x}");
        let flagged = key | (!0 << 34);
        assert_eq!(*slab.get(flagged).unwrap(), i);
        assert!(slab.contains(flagged));
    }
    for &key in &keys {
        assert!(slab.remove(key | 1 << 40));
    }
    // The generation of one slot's later lives stays in its 2 bits.
    let one = Slab::with_max_slots_and_config::<Reserve<30>>(1);
    for life in 0..20 {
        let key = one.insert(life).unwrap();
        assert_eq!(key >> 34, 0, "life {life}: key {key:#x}");
        assert!(one.remove(key));
    }
    let pool = Pool::<Option<u64>>::new_with_config::<Reserve<30>>();
    let key = pool.create_with(|v| *v = Some(9)).unwrap();
    assert_eq!(key >> 34, 0);
    assert_eq!(*pool.get(key | 1 << 63).unwrap(), Some(9));
    assert!(pool.clear(key | 1 << 63));
}

/// A slab of one slot: its lives, alternately a removed value, a taken
/// value and a `VacantEntry` dropped unused (each spends one life), until
/// a life's key is the first life's again; returns how many lives later.
/// The first key must be refused in every life before that, and name the
/// value of the life it comes round in: the bound `Config::RESERVED_BITS`
/// documents.
fn slab_lives_until_alias<C: Config>() -> usize {
    let slab = Slab::<u32>::with_max_slots_and_config::<C>(1);
    let first = slab.insert(0).unwrap();
    assert!(slab.remove(first));
    for life in 1usize.. {
        let value = life as u32;
        let vacant = slab.vacant_entry().unwrap();
        let key = vacant.key();
        if key == first {
            vacant.insert(value);
            assert_eq!(*slab.get(first).unwrap(), value);
            return life;
        }
        if life % 3 == 2 {
            drop(vacant);
        } else {
            vacant.insert(value);
            assert!(
                slab.get(first).is_none() && !slab.contains(first),
                "life {life}"
            );
            assert!(!slab.remove(first) && slab.take(first).is_none());
            if life % 3 == 0 {
                assert!(slab.remove(key));
            } else {
                assert_eq!(slab.take(key), Some(value));
            }
        }
    }
    unreachable!()
}

/// As `slab_lives_until_alias`, for a pool of one slot (cleared lives).
fn pool_lives_until_alias<C: Config>() -> usize {
    let pool = Pool::<Option<usize>>::with_max_slots_and_config::<C>(1);
    let first = pool.create_with(|v| *v = Some(0)).unwrap();
    assert!(pool.clear(first));
    for life in 1usize.. {
        let key = pool.create_with(|v| *v = Some(life)).unwrap();
        if key == first {
            assert_eq!(*pool.get(first).unwrap(), Some(life));
            return life;
        }
        assert!(pool.get(first).is_none(), "life {life}");
        assert!(!pool.clear(first));
        assert!(pool.clear(key));
    }
    unreachable!()
}

#[test]
fn a_stale_key_aliases_after_exactly_2_to_the_generation_bits_lives() {
    assert_eq!(slab_lives_until_alias::<Reserve<30>>(), 1 << 2);
    assert_eq!(slab_lives_until_alias::<Reserve<28>>(), 1 << 4);
    assert_eq!(slab_lives_until_alias::<Reserve<24>>(), 1 << 8);
    assert_eq!(slab_lives_until_alias::<Reserve<20>>(), 1 << 12);
    // A pool's lives are numbered from 2, far from the refcount's wrap (where
    // the bound is 2 lives less: the unit test in `src/pool.rs`).
    assert_eq!(pool_lives_until_alias::<Reserve<30>>(), 1 << 2);
    assert_eq!(pool_lives_until_alias::<Reserve<24>>(), 1 << 8);
    assert_eq!(pool_lives_until_alias::<Reserve<20>>(), 1 << 12);
}

#[test]
fn the_geometry_constants_change_nothing() {
    // sharded-slab would hold 4 values per thread here (one page of 4);
    // frozen-slab ignores its page geometry and thread count.
    let slab = Slab::new_with_config::<Geometry>();
    let keys: Vec<usize> = (0..100).map(|i| slab.insert(i).unwrap()).collect();
    assert_eq!(
        keys.iter()
            .filter(|&&k| *slab.get(k).unwrap() < 100)
            .count(),
        100
    );
    assert_eq!(Slab::<u8, Geometry>::USED_BITS, 64);
}

#[test]
fn used_bits_and_max_slots() {
    assert_eq!(Slab::<u8>::USED_BITS, 64);
    assert_eq!(Slab::<u8, Reserve<30>>::USED_BITS, 34);
    assert_eq!(Pool::<String, Reserve<24>>::USED_BITS, 40);
    assert_eq!(Slab::<u8, Reserve<30>>::MAX_SLOTS, Slab::<u8>::MAX_SLOTS);
    assert_eq!(
        Pool::<String, Reserve<30>>::MAX_SLOTS,
        Pool::<String>::MAX_SLOTS
    );
}

#[test]
fn the_config_is_only_a_type() {
    assert_eq!(size_of::<Slab<u64, NotSend>>(), size_of::<Slab<u64>>());
    assert_eq!(
        size_of::<Pool<String, NotSend>>(),
        size_of::<Pool<String>>()
    );
    assert_eq!(
        size_of::<Entry<'_, u64, NotSend>>(),
        size_of::<Entry<'_, u64>>()
    );
    send_sync::<Slab<u64, NotSend>>();
    send_sync::<Pool<String, NotSend>>();
    send_sync::<OwnedEntry<u64, NotSend>>();
    send_sync::<frozen_slab::pool::OwnedRef<String, NotSend>>();
    send_sync::<frozen_slab::pool::OwnedRefMut<String, NotSend>>();
    // `DefaultConfig` is `Copy`, `Clone` and `Debug`, as in sharded-slab.
    fn copy_clone_debug<T: Copy + Clone + std::fmt::Debug>() {}
    copy_clone_debug::<DefaultConfig>();
}

/// `new_with_config` is a `const fn`, as `new` is: configured slabs and
/// pools can be statics (not under loom, whose atomics have no `const`
/// constructor).
#[test]
#[cfg(not(frozen_refcount_loom))]
fn a_configured_static() {
    static SLAB: Slab<u32, Reserve<30>> = Slab::new_with_config::<Reserve<30>>();
    static POOL: Pool<String, Reserve<24>> = Pool::new_with_config::<Reserve<24>>();
    static BOUNDED: Slab<u32, Reserve<24>> = Slab::with_max_slots_and_config::<Reserve<24>>(1);
    static PLAIN_POOL: Pool<String> = Pool::with_max_slots(1);
    let key = SLAB.insert(3).unwrap();
    assert_eq!(*SLAB.get(key | 1 << 63).unwrap(), 3);
    let key = POOL.create_with(|s| s.push('q')).unwrap();
    assert_eq!(*POOL.get(key).unwrap(), "q");
    assert!(BOUNDED.insert(1).is_some() && BOUNDED.insert(2).is_none());
    assert!(PLAIN_POOL.create_with(|_| ()).is_some());
}
