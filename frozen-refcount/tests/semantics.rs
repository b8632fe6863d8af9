//! The documented semantics, one test per claim, over every encoding, width and
//! backend (`each_counter!`). Small widths reach saturation and the garbage
//! reset within a few hundred steps.
//!
//! One file on purpose, though over 400 lines: its one job is the list of
//! the documented claims, a short test each, to be read in one pass against
//! the docs (docs/verification.md sums them up in file order). Cut by topic,
//! each part would be a piece of that list, not a job of its own.
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::mem;

/// Loop counts are divided by this under Miri (about 50x slower per step);
/// the u8 boundaries are still crossed many times.
const MIRI_DIV: u64 = if cfg!(miri) { 50 } else { 1 };
const fn scaled(n: u64) -> u64 {
    n / MIRI_DIV
}

fn is_tagged<E: Encoding>() -> bool {
    E::SCHEME.has_generation()
}

/// `new(MAX_COUNT)` is exact; one more saturates; a count never wraps.
fn max_count_is_exact_and_the_next_saturates<E: Encoding, B: Backend>() {
    let max = FrozenRefcount::<E, B>::MAX_COUNT;
    let c = FrozenRefcount::<E, B>::new(max);
    assert_eq!(c.state(), State::Live(max), "{}", label::<E, B>());
    assert_eq!(c.count(), max);
    c.get();
    assert!(c.is_saturated(), "{}: {c:?}", label::<E, B>());
    assert_eq!(c.count(), u32::MAX);
    // try_get into saturation succeeds too.
    let c = FrozenRefcount::<E, B>::new(max);
    assert!(c.try_get());
    assert!(c.is_saturated());
    // get_many across the boundary.
    let c = FrozenRefcount::<E, B>::new(max - 1);
    c.get_many(FrozenRefcount::<E, B>::MAX_MANY);
    assert!(c.is_saturated());
}

#[test]
fn max_count_is_exact_and_the_next_saturates_all() {
    each_counter!(max_count_is_exact_and_the_next_saturates);
}

/// The largest legal arguments, end to end: `unfreeze(MAX_COUNT)`, then
/// `put_many(MAX_MANY)` down to the last reference gives exactly one `Last`,
/// at the very end; `freeze(MAX_COUNT)` takes a full counter.
fn largest_arguments_round_trip<E: Encoding, B: Backend>() {
    let (max, many) = (
        FrozenRefcount::<E, B>::MAX_COUNT,
        FrozenRefcount::<E, B>::MAX_MANY,
    );
    let c = FrozenRefcount::<E, B>::new_frozen();
    c.unfreeze(max);
    assert_eq!(c.state(), State::Live(max), "{}", label::<E, B>());
    // At 32 bits and up the walk down is 2^18 steps: skip ahead under Miri.
    let mut held = if cfg!(miri) { many * 3 + 1 } else { max };
    if held != max {
        assert!(c.freeze(max));
        c.unfreeze(held);
    }
    while held > 0 {
        let n = held.min(many);
        held -= n;
        let r = c.put_many(n);
        assert_eq!(r.is_last(), held == 0, "{} at {held}", label::<E, B>());
        assert_eq!(c.count(), held);
    }
    assert!(c.is_frozen());
    c.unfreeze(max);
    assert!(!c.freeze(max - 1) && c.freeze(max), "{}", label::<E, B>());
}

#[test]
fn largest_arguments_round_trip_all() {
    each_counter!(largest_arguments_round_trip);
}

/// Counting up one by one reads back every count exactly (at u8/u16: the
/// whole range), then saturates; never frozen, never small.
fn counts_never_wrap<E: Encoding, B: Backend>() {
    let max = FrozenRefcount::<E, B>::MAX_COUNT;
    let start = max.saturating_sub(scaled(20_000) as u32).max(1);
    let c = FrozenRefcount::<E, B>::new(start);
    for n in start..max {
        assert_eq!(c.count(), n, "{}", label::<E, B>());
        if n % 2 == 0 {
            c.get();
        } else {
            assert!(c.try_get());
        }
    }
    assert_eq!(c.count(), max);
    for _ in 0..scaled(10_000) {
        c.get();
        assert!(
            c.is_saturated() && !c.is_frozen(),
            "{}: {c:?}",
            label::<E, B>()
        );
    }
}

#[test]
fn counts_never_wrap_all() {
    each_counter!(counts_never_wrap);
}

/// Saturation is sticky: gets and puts keep working, no put returns Last,
/// however many puts follow (more than MAX_COUNT: the band is re-centred).
fn saturation_is_sticky<E: Encoding, B: Backend>() {
    let max = FrozenRefcount::<E, B>::MAX_COUNT;
    let c = FrozenRefcount::<E, B>::new(max);
    c.get();
    let puts = (3 * max as u64).min(scaled(30_000)) + 500;
    for i in 0..puts {
        assert_eq!(c.put(), Put::Kept, "{} put {i}", label::<E, B>());
        assert!(c.is_saturated(), "{} put {i}: {c:?}", label::<E, B>());
        if i % 7 == 0 {
            assert!(c.try_get());
            c.get();
            assert!(!c.freeze(1) && !c.freeze(max));
        }
    }
    for _ in 0..100 {
        assert_eq!(c.put_many(FrozenRefcount::<E, B>::MAX_MANY), Put::Kept);
    }
    assert!(c.is_saturated());
}

#[test]
fn saturation_is_sticky_all() {
    each_counter!(saturation_is_sticky);
}

/// 100k failed try_gets (and try_get_many at MAX_MANY) leave a frozen word
/// frozen, from `new_frozen` and after a `Last`; `unfreeze` still works.
/// The reset costs one CAS now and then, never a loop; LowBit and
/// ZeroLockedLow never reset.
fn garbage_never_thaws<E: Encoding, B: Backend>() {
    type C<E, B> = FrozenRefcount<E, Counting<B>>;
    for from_last in [false, true] {
        let c = if from_last {
            let c = C::<E, B>::new(2);
            assert_eq!(c.put_many(2), Put::Last);
            c
        } else {
            C::<E, B>::new_frozen()
        };
        let n = scaled(100_000);
        let ((), counts) = Counting::<B>::measure(|| {
            for i in 0..n {
                assert!(!c.try_get(), "{} try_get {i}: {c:?}", label::<E, B>());
            }
        });
        assert!(c.is_frozen(), "{}: {c:?}", label::<E, B>());
        if E::SCHEME.frozen_mark() == FrozenMark::ZeroCount {
            // The CAS loop never writes a dead word: one load each.
            assert_eq!((counts.loads, counts.rmws), (n, 0));
        } else {
            let resets = counts.rmws - n;
            let limit = E::DRIFT_LIMIT.to_u64();
            if limit == 0 || n <= limit {
                // Low-bit encodings never reset; the others not before
                // DRIFT_LIMIT failures (2^28 for 32-bit words).
                assert_eq!(resets, 0, "{}: {counts:?}", label::<E, B>());
            } else {
                // About one reset per DRIFT_LIMIT failures, each one CAS.
                assert!(
                    resets > 0 && resets <= n / limit + 1,
                    "{}: {counts:?}",
                    label::<E, B>()
                );
            }
        }
        for _ in 0..scaled(10_000) {
            assert!(!c.try_get_many(C::<E, B>::MAX_MANY));
        }
        assert!(c.is_frozen());
        c.unfreeze(1);
        assert_eq!(c.state(), State::Live(1));
        assert_eq!(c.put(), Put::Last);
    }
}

#[test]
fn garbage_never_thaws_all() {
    each_counter!(garbage_never_thaws);
}

/// `mem::zeroed` is a frozen counter for the inverted encodings (and the
/// dead zero of Classic), one reference for Biased; for the others it is a
/// live zero, which is why
/// relying on zeroed memory with them is documented as unsafe.
fn zeroed_memory<E: Encoding, B: Backend>() {
    // SAFETY: a counter is one atomic integer; all-zero is a valid value.
    let c: FrozenRefcount<E, B> = unsafe { mem::zeroed() };
    if E::SCHEME.frozen_mark() == FrozenMark::BiasedZone {
        // `refs - 1`: all zero is one live reference, and no frozen table.
        assert_eq!(c.state(), State::Live(1), "{}", label::<E, B>());
        assert_eq!(c.put(), Put::Last, "{}", label::<E, B>());
    } else if E::SCHEME.zeroed_is_frozen() {
        assert!(c.is_frozen(), "{}: {c:?}", label::<E, B>());
        for _ in 0..scaled(10_000) {
            assert!(!c.try_get(), "{}: {c:?}", label::<E, B>());
        }
        assert!(c.is_frozen());
        c.unfreeze(3);
        assert_eq!(c.count(), 3);
        // A zero-filled array is an array of frozen counters, no init pass.
        // SAFETY: as above.
        let arr: [FrozenRefcount<E, B>; 64] = unsafe { mem::zeroed() };
        assert!(arr.iter().all(|c| c.is_frozen() && !c.try_get()));
    } else {
        assert_eq!(c.state(), State::Zero, "{}", label::<E, B>());
        assert!(
            c.try_get(),
            "zeroed {} is live, not frozen",
            label::<E, B>()
        );
    }
}

#[test]
fn zeroed_memory_all() {
    each_counter!(zeroed_memory);
}

/// `new_frozen` and `Default` are frozen; a frozen word stays frozen under
/// any mix of failed try_gets until `unfreeze`.
fn frozen_is_sticky<E: Encoding, B: Backend>() {
    let c = FrozenRefcount::<E, B>::default();
    assert!(c.is_frozen() && c.state() == State::Frozen && c.count() == 0);
    let mut rng = Rng(7);
    for _ in 0..scaled(20_000) {
        let n = rng.below(FrozenRefcount::<E, B>::MAX_MANY as u64) as u32 + 1;
        assert!(!c.try_get_many(n));
        assert!(!c.freeze(1));
        assert!(c.is_frozen());
    }
}

#[test]
fn frozen_is_sticky_all() {
    each_counter!(frozen_is_sticky);
}

/// The one-RMW claims, as numbers from `Counting`.
fn rmw_counts<E: Encoding, B: Backend>() {
    type C<E, B> = FrozenRefcount<E, Counting<B>>;
    let m = |f: &dyn Fn()| Counting::<B>::measure(f).1;
    let c = C::<E, B>::new(2);
    let classic = E::SCHEME.frozen_mark() == FrozenMark::ZeroCount;
    let l = label::<E, B>();

    let t = m(&|| assert!(c.try_get()));
    if classic {
        // Today's atomic_add_unless: a load, then one CAS when uncontended
        // (a weak CAS may fail spuriously on LL/SC and under Miri: each
        // failure is one more attempt, never a wrong answer).
        assert_eq!(
            (t.loads, t.rmws - t.cas_failures, t.stores),
            (1, 1, 0),
            "{l}"
        );
    } else {
        assert_eq!((t.loads, t.rmws, t.stores), (0, 1, 0), "{l}: try_get");
    }
    let g = m(&|| c.get());
    assert_eq!((g.loads, g.rmws, g.stores), (0, 1, 0), "{l}: get");
    let p = m(&|| assert_eq!(c.put(), Put::Kept));
    assert_eq!(
        (p.loads, p.rmws, p.stores),
        (0, 1, 0),
        "{l}: put (not last)"
    );
    let p = m(&|| assert_eq!(c.put_many(2), Put::Kept));
    assert_eq!((p.loads, p.rmws), (0, 1), "{l}: put_many (not last)");
    let last = m(&|| assert_eq!(c.put(), Put::Last));
    if classic {
        assert_eq!((last.loads, last.rmws), (0, 1), "{l}: last put");
    } else {
        // The subtract, then one CAS from zero to frozen.
        assert_eq!(
            (last.loads, last.rmws, last.cas_failures),
            (0, 2, 0),
            "{l}: last put"
        );
    }
    let f = m(&|| assert!(!c.try_get()));
    if classic {
        assert_eq!((f.loads, f.rmws), (1, 0), "{l}: failed try_get");
    } else if E::SIGN_TEST {
        // The flags-only add leaves the word unknown: the slow path reads it.
        assert_eq!(
            (f.loads, f.rmws, f.stores),
            (1, 1, 0),
            "{l}: failed try_get"
        );
    } else {
        assert_eq!(
            (f.loads, f.rmws, f.stores),
            (0, 1, 0),
            "{l}: failed try_get"
        );
    }
    let u = m(&|| c.unfreeze(2));
    let load = u64::from(is_tagged::<E>() || cfg!(debug_assertions));
    assert_eq!((u.loads, u.stores, u.rmws), (load, 1, 0), "{l}: unfreeze");
    let fr = m(&|| assert!(c.freeze(2)));
    assert_eq!(
        (fr.loads, fr.rmws),
        (u64::from(is_tagged::<E>()), 1),
        "{l}: freeze"
    );
    // put_expecting_last: the last is `freeze(1)`'s one CAS; not the last,
    // that CAS fails and the put's subtract follows.
    for (count, put, rmws, failures) in [(1, Put::Last, 1, 0), (2, Put::Kept, 2, 1)] {
        c.unfreeze(count);
        let e = m(&|| assert_eq!(c.put_expecting_last(), put));
        assert_eq!(
            (e.loads, e.rmws, e.cas_failures),
            (u64::from(is_tagged::<E>()), rmws, failures),
            "{l}: put_expecting_last from {count}"
        );
    }
}

#[test]
fn rmw_counts_all() {
    each_counter!(rmw_counts);
}

/// Exactly one Last per life, sequentially, through many lives, with
/// `freeze` ending some of them.
fn one_last_per_life<E: Encoding, B: Backend>() {
    let c = FrozenRefcount::<E, B>::new_frozen();
    let mut rng = Rng(11);
    for life in 0..scaled(2_000) {
        let n = rng.below(8) as u32 + 1;
        c.unfreeze(n);
        let mut held = n;
        let mut lasts = 0;
        if life % 5 == 0 && c.freeze(n) {
            continue;
        }
        while held > 0 {
            if rng.below(3) == 0 && held < 20 {
                assert!(c.try_get());
                held += 1;
            } else {
                held -= 1;
                if c.put() == Put::Last {
                    lasts += 1;
                    assert_eq!(held, 0, "{}: Last with {held} held", label::<E, B>());
                }
            }
        }
        assert_eq!(lasts, 1, "{}", label::<E, B>());
        assert!(c.is_frozen() && !c.try_get());
    }
}

#[test]
fn one_last_per_life_all() {
    each_counter!(one_last_per_life);
}

/// `freeze(expected)` succeeds only at exactly `expected`.
fn freeze_needs_the_exact_count<E: Encoding, B: Backend>() {
    let c = FrozenRefcount::<E, B>::new(3);
    assert!(!c.freeze(2) && !c.freeze(4));
    assert_eq!(c.count(), 3);
    assert!(c.freeze(3));
    assert!(c.is_frozen() && !c.freeze(3));
    c.unfreeze(1);
    assert!(c.freeze(1));
}

#[test]
fn freeze_needs_the_exact_count_all() {
    each_counter!(freeze_needs_the_exact_count);
}

#[test]
fn tagged_generation_advances_per_unfreeze() {
    let c = FrozenRefcount::<Tagged>::new_frozen();
    for g in 1..=scaled(1000) as u32 {
        c.unfreeze(1);
        assert_eq!(c.generation(), g);
        assert!(c.try_get());
        assert_eq!(c.put(), Put::Kept);
        assert_eq!(c.put(), Put::Last);
        assert_eq!(c.generation(), g, "Last keeps the generation");
    }
}

/// The generation wraps after 2^32 `unfreeze`s into 0, and only the
/// generation: the state field is untouched, the life works as any other,
/// and a failed-`try_get` garbage reset keeps the wrapped generation.
#[test]
fn tagged_generation_wraps_cleanly() {
    let frozen_at_max =
        (u64::from(u32::MAX) << 32) | FrozenRefcount::<Tagged>::new_frozen().into_raw();
    let c = FrozenRefcount::<Tagged>::from_raw(frozen_at_max);
    assert_eq!(c.generation(), u32::MAX);
    assert!(c.is_frozen() && !c.try_get());
    c.unfreeze(2);
    assert_eq!((c.generation(), c.state()), (0, State::Live(2)));
    assert!(c.try_get());
    assert_eq!(c.put_many(2), Put::Kept);
    assert_eq!(c.put(), Put::Last);
    assert_eq!((c.generation(), c.is_frozen()), (0, true));
    // 100k failures of 4096: past the drift limit (2^28) and reset.
    for _ in 0..scaled(100_000) {
        assert!(!c.try_get_many(FrozenRefcount::<Tagged>::MAX_MANY));
    }
    assert_eq!((c.generation(), c.is_frozen()), (0, true), "{c:?}");
}

/// `skip_generation` spends a life with no live moment: the generation
/// advances, the word stays frozen (its garbage discarded), and a `try_get`
/// between never succeeds; on a live counter it changes nothing in release
/// and panics in debug.
#[test]
fn tagged_skip_generation_spends_a_life_frozen() {
    let c = FrozenRefcount::<Tagged>::new_frozen();
    for _ in 0..1000 {
        assert!(!c.try_get_many(FrozenRefcount::<Tagged>::MAX_MANY));
    }
    c.skip_generation();
    assert_eq!((c.generation(), c.state()), (1, State::Frozen));
    assert_eq!(
        c.load_raw(),
        FrozenRefcount::<Tagged>::new_frozen().into_raw() + (1 << 32),
        "garbage kept"
    );
    assert!(!c.try_get());
    c.unfreeze(1);
    assert_eq!((c.generation(), c.state()), (2, State::Live(1)));
    let skipped = std::panic::catch_unwind(|| c.skip_generation());
    assert_eq!(skipped.is_err(), cfg!(debug_assertions), "panics iff debug");
    assert_eq!(
        (c.generation(), c.state()),
        (2, State::Live(1)),
        "a live counter is left alone"
    );
    assert_eq!(c.put(), Put::Last);
}

// `new` and `new_frozen` are const for every encoding and width: statics.
static S_HIGH8: FrozenRefcount<HighBit<u8>> = FrozenRefcount::new(1);
static S_LOW16: FrozenRefcount<LowBit<u16>> = FrozenRefcount::new(2);
static S_ZLH32: FrozenRefcount<ZeroLockedHigh> = FrozenRefcount::new_frozen();
static S_ZLL64: FrozenRefcount<ZeroLockedLow<u64>> = FrozenRefcount::new(3);
static S_TAGGED: FrozenRefcount<Tagged> = FrozenRefcount::new(1);
static S_CLASSIC: FrozenRefcount<Classic<u8>> =
    FrozenRefcount::new(FrozenRefcount::<Classic<u8>>::MAX_COUNT);

#[test]
fn const_new_in_statics() {
    assert_eq!(S_HIGH8.count(), 1);
    assert_eq!(S_LOW16.count(), 2);
    assert!(S_ZLH32.is_frozen());
    assert_eq!(S_ZLL64.count(), 3);
    assert_eq!((S_TAGGED.count(), S_TAGGED.generation()), (1, 0));
    assert_eq!(S_CLASSIC.count(), 63);
    // The encodings' raw layouts, pinned: a change here changes the ABI of
    // every zero-filled or statically initialised counter.
    assert_eq!(FrozenRefcount::<HighBit<u8>>::new(5).load_raw(), 5);
    assert_eq!(FrozenRefcount::<LowBit<u8>>::new(5).load_raw(), 10);
    assert_eq!(
        FrozenRefcount::<ZeroLockedHigh<u8>>::new(5).load_raw(),
        0x85
    );
    assert_eq!(FrozenRefcount::<ZeroLockedLow<u8>>::new(5).load_raw(), 11);
    assert_eq!(FrozenRefcount::<HighBit<u8>>::new_frozen().load_raw(), 0xC0);
    assert_eq!(
        FrozenRefcount::<ZeroLockedLow<u8>>::new_frozen().load_raw(),
        0
    );
    assert_eq!(FrozenRefcount::<HighBit<u8>>::MAX_COUNT, 63);
    assert_eq!(FrozenRefcount::<HighBit>::MAX_COUNT, (1 << 30) - 1);
    assert_eq!(FrozenRefcount::<HighBit<u64>>::MAX_COUNT, (1 << 31) - 1);
    assert_eq!(FrozenRefcount::<Tagged>::MAX_COUNT, (1 << 30) - 1);
    assert_eq!(mem::size_of::<FrozenRefcount<HighBit<u8>>>(), 1);
    assert_eq!(mem::size_of::<FrozenRefcount<Tagged>>(), 8);
}

#[test]
fn debug_shows_the_state() {
    let c = FrozenRefcount::<HighBit>::new(2);
    assert_eq!(format!("{c:?}"), "FrozenRefcount<HighBit>(Live(2))");
    c.put_many(2).is_last().then_some(()).unwrap();
    assert_eq!(format!("{c:?}"), "FrozenRefcount<HighBit>(Frozen)");
    // SAFETY: all-zero is a valid counter word.
    let z: FrozenRefcount<HighBit> = unsafe { mem::zeroed() };
    assert_eq!(format!("{z:?}"), "FrozenRefcount<HighBit>(Zero)");
    let s = FrozenRefcount::<LowBit<u8>>::new(63);
    s.get();
    assert_eq!(format!("{s:?}"), "FrozenRefcount<LowBit>(Saturated)");
    let t = FrozenRefcount::<Tagged>::new_frozen();
    t.unfreeze(4);
    assert_eq!(
        format!("{t:?}"),
        "FrozenRefcount<Tagged>(Live(4), generation 1)"
    );
}

/// The markers are plain values with no bound on their parameter: generic
/// code over any `W: Word` or `B: Backend` can default, compare and hash
/// them, and `Debug` names them without module paths.
#[test]
fn markers_are_plain_values() {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    fn plain<T: Copy + Default + Eq + Hash + std::fmt::Debug>(name: &str) {
        let (a, b) = (T::default(), T::default());
        assert_eq!(a, b);
        let h = |t: T| {
            let mut s = DefaultHasher::new();
            t.hash(&mut s);
            s.finish()
        };
        assert_eq!(h(a), h(b));
        assert_eq!(format!("{a:?}"), name);
    }
    fn generic<W: Word, B: Backend>() {
        plain::<HighBit<W>>(&format!("HighBit<u{}>", W::BITS));
        plain::<Counting<B>>(&format!("{:?}", Counting::<B>::default()));
    }
    generic::<u8, CoreAtomics>();
    generic::<u64, Counting<CoreAtomics>>();
    plain::<HighBit>("HighBit<u32>");
    plain::<LowBit<u8>>("LowBit<u8>");
    plain::<ZeroLockedHigh<u16>>("ZeroLockedHigh<u16>");
    plain::<ZeroLockedLow<u64>>("ZeroLockedLow<u64>");
    plain::<Biased>("Biased<u32>");
    plain::<Classic<u8>>("Classic<u8>");
    plain::<Tagged>("Tagged");
    plain::<CoreAtomics>("CoreAtomics");
    plain::<Counting<CoreAtomics>>("Counting<CoreAtomics>");
    plain::<Counting<Counting<CoreAtomics>>>("Counting<Counting<CoreAtomics>>");
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), not(miri)))]
    plain::<X86Asm>("X86Asm");
}

#[test]
fn send_sync_and_transparent() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FrozenRefcount>();
    assert_send_sync::<FrozenRefcount<Tagged, Counting<CoreAtomics>>>();
    assert_eq!(
        mem::align_of::<FrozenRefcount<Tagged>>(),
        mem::align_of::<u64>()
    );
}

/// `try_get_unless_frozen`: one load and no RMW on a frozen miss; one load
/// and one RMW on a hit (`Classic`: its `try_get`, a load and a CAS).
fn unless_frozen_counts<E: Encoding, B: Backend>() {
    type C<E, B> = FrozenRefcount<E, Counting<B>>;
    let l = label::<E, B>();
    let frozen = C::<E, B>::new_frozen();
    let (got, miss) = Counting::<B>::measure(|| frozen.try_get_unless_frozen());
    assert!(!got, "{l}");
    assert_eq!(
        (miss.loads, miss.rmws, miss.stores),
        (1, 0, 0),
        "{l}: frozen miss"
    );
    assert_eq!(
        frozen.load_raw(),
        C::<E, B>::new_frozen().load_raw(),
        "{l}: the miss wrote"
    );

    let live = C::<E, B>::new(1);
    let (got, hit) = Counting::<B>::measure(|| live.try_get_unless_frozen());
    assert!(got, "{l}");
    assert_eq!(
        (hit.loads, hit.rmws - hit.cas_failures, hit.stores),
        (1, 1, 0),
        "{l}: hit"
    );
    assert_eq!(live.count(), 2, "{l}");
}

#[test]
fn try_get_unless_frozen_counts_all() {
    each_counter!(unless_frozen_counts);
}
