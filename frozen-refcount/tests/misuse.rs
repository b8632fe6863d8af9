//! Misuse: debug builds panic; release builds never turn a frozen counter
//! live and never hand out a second `Last`. `cargo test` runs the debug half,
//! `cargo test --release` the release half (CI runs both).
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

fn panics(f: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_err()
}

/// Out-of-range arguments panic in every build: they could otherwise jump
/// across the margins between live, saturated and frozen.
fn bad_arguments_panic<E: Encoding, B: Backend>() {
    let max = FrozenRefcount::<E, B>::MAX_COUNT;
    let many = FrozenRefcount::<E, B>::MAX_MANY;
    let c = FrozenRefcount::<E, B>::new(1);
    let l = label::<E, B>();
    assert!(panics(|| drop(FrozenRefcount::<E, B>::new(0))), "{l}");
    assert!(panics(|| drop(FrozenRefcount::<E, B>::new(max + 1))), "{l}");
    assert!(
        panics(|| {
            let _ = c.try_get_many(0);
        }),
        "{l}"
    );
    assert!(
        panics(|| {
            let _ = c.try_get_many(many + 1);
        }),
        "{l}"
    );
    assert!(panics(|| c.get_many(many + 1)), "{l}");
    assert!(
        panics(|| {
            let _ = c.put_many(0);
        }),
        "{l}"
    );
    assert!(
        panics(|| {
            let _ = c.freeze(0);
        }),
        "{l}"
    );
    assert!(
        panics(|| {
            let _ = c.freeze(max + 1);
        }),
        "{l}"
    );
    assert!(panics(|| c.unfreeze(0)), "{l}");
    assert_eq!(c.state(), State::Live(1), "{l}: the panics changed nothing");
}

#[test]
fn bad_arguments_panic_all() {
    each_counter!(bad_arguments_panic);
}

#[cfg(debug_assertions)]
mod debug {
    use super::*;

    fn misuse_panics<E: Encoding, B: Backend>() {
        let l = label::<E, B>();
        let frozen = FrozenRefcount::<E, B>::new_frozen();
        assert!(
            panics(|| {
                let _ = frozen.put();
            }),
            "{l}: put on frozen"
        );
        let frozen = FrozenRefcount::<E, B>::new_frozen();
        assert!(
            panics(|| {
                let _ = frozen.put_expecting_last();
            }),
            "{l}: put_expecting_last on frozen"
        );
        let frozen = FrozenRefcount::<E, B>::new_frozen();
        assert!(panics(|| frozen.get()), "{l}: get on frozen");
        let live = FrozenRefcount::<E, B>::new(1);
        assert!(panics(|| live.unfreeze(1)), "{l}: unfreeze of live");
        let many = FrozenRefcount::<E, B>::MAX_MANY;
        let live = FrozenRefcount::<E, B>::new(many - 1);
        assert!(
            panics(|| {
                let _ = live.put_many(many);
            }),
            "{l}: put of more than held"
        );
        if E::SCHEME.frozen_mark() != FrozenMark::ZeroCount {
            // SAFETY: all-zero is a valid word: the live zero here.
            let zero: FrozenRefcount<E, B> = unsafe { std::mem::zeroed() };
            if zero.state() == State::Zero {
                assert!(panics(|| zero.get()), "{l}: get on zero");
                // SAFETY: as above.
                let zero: FrozenRefcount<E, B> = unsafe { std::mem::zeroed() };
                assert!(
                    panics(|| {
                        let _ = zero.put();
                    }),
                    "{l}: put on zero"
                );
            }
        }
    }

    #[test]
    fn misuse_panics_all() {
        each_counter!(misuse_panics);
    }

    #[test]
    #[should_panic(expected = "frozen-refcount misuse: put on a frozen counter")]
    fn put_on_frozen_panics_with_a_message() {
        let _ = FrozenRefcount::<HighBit>::new_frozen().put();
    }
}

#[cfg(not(debug_assertions))]
mod release {
    use super::*;

    /// Puts and gets on a frozen word leave it frozen and never say Last.
    fn misuse_on_frozen_keeps_it_frozen<E: Encoding, B: Backend>() {
        let l = label::<E, B>();
        let frozen = [
            FrozenRefcount::<E, B>::new_frozen(),
            {
                let c = FrozenRefcount::<E, B>::new(1);
                assert_eq!(c.put(), Put::Last);
                c
            },
            // SAFETY: all-zero is a valid word (frozen for the inverted ones).
            unsafe { std::mem::zeroed() },
        ];
        for c in &frozen {
            if !c.is_frozen() {
                continue; // zeroed HighBit/LowBit/Tagged: a live zero
            }
            let mut rng = Rng(3);
            for i in 0..20_000 {
                match rng.below(4) {
                    0 => assert_eq!(c.put(), Put::Kept, "{l} op {i}"),
                    1 => assert_eq!(c.put_many(FrozenRefcount::<E, B>::MAX_MANY), Put::Kept),
                    // Classic's get on its dead zero revives it: documented, tested below.
                    2 if E::SCHEME.frozen_mark() != FrozenMark::ZeroCount => c.get(),
                    2 => {}
                    _ => assert!(!c.try_get(), "{l} op {i}: {c:?}"),
                }
                assert!(c.is_frozen(), "{l} op {i}: {c:?}");
            }
            c.unfreeze(1);
            assert_eq!(c.put(), Put::Last, "{l}: still usable");
        }
    }

    #[test]
    fn misuse_on_frozen_keeps_it_frozen_all() {
        each_counter!(misuse_on_frozen_keeps_it_frozen);
    }

    /// Garbage in every bit pattern: every frozen word of 8 and 16 bits,
    /// whoever wrote it, stays frozen under a misused `put`,
    /// `put_expecting_last`, `put_many` of `MAX_MANY` or `get`, and a `put`
    /// never says `Last` on it. (Failed
    /// `try_get`s are `tests/embed.rs`'s: one increment may cross the top of
    /// the frozen region from its very last word, which `get` skips here.)
    fn every_frozen_pattern_survives_misuse<E: Encoding, B: Backend>() {
        let l = label::<E, B>();
        let bits = <E::Word as Word>::BITS;
        if bits > 16 {
            return;
        }
        let many = FrozenRefcount::<E, B>::MAX_MANY;
        let mut frozen = 0;
        for w in 0..1u64 << bits {
            let w = <E::Word as Word>::from_u64(w);
            if !FrozenRefcount::<E, B>::from_raw(w).is_frozen() {
                continue;
            }
            frozen += 1;
            for op in 0..4 {
                let c = FrozenRefcount::<E, B>::from_raw(w);
                match op {
                    0 => assert_eq!(c.put(), Put::Kept, "{l}: put on {w:?}"),
                    1 => assert_eq!(c.put_many(many), Put::Kept, "{l}: put_many on {w:?}"),
                    2 => assert_eq!(
                        c.put_expecting_last(),
                        Put::Kept,
                        "{l}: put_expecting_last on {w:?}"
                    ),
                    _ if E::SCHEME.frozen_mark() == FrozenMark::ZeroCount => continue, // documented: revives
                    // The last word below a boundary, which one increment
                    // crosses (a `try_get` would succeed too): embed.rs's.
                    _ if FrozenRefcount::<E, B>::from_raw(w).try_get() => continue,
                    _ => c.get(),
                }
                assert!(c.is_frozen(), "{l}: op {op} on {w:?} left {c:?}");
            }
        }
        assert!(frozen > 0, "{l}: no frozen pattern");
    }

    #[test]
    fn every_frozen_pattern_survives_misuse_all() {
        each_counter!(every_frozen_pattern_survives_misuse);
    }

    /// Putting more than is held, and unfreezing a live counter, never hand
    /// out a second Last: the word ends frozen or saturated (a leak), never a
    /// small live count.
    fn over_put_and_double_unfreeze_leak_not_free<E: Encoding, B: Backend>() {
        let l = label::<E, B>();
        // One more than held, at the largest legal n (2 for 8-bit words).
        let many = FrozenRefcount::<E, B>::MAX_MANY;
        let c = FrozenRefcount::<E, B>::new(many - 1);
        assert_eq!(c.put_many(many), Put::Kept, "{l}");
        assert!(c.is_frozen() || c.is_saturated(), "{l}: {c:?}");
        for _ in 0..1_000 {
            assert_eq!(c.put(), Put::Kept, "{l}: {c:?}");
        }

        let c = FrozenRefcount::<E, B>::new(2);
        c.unfreeze(1); // misuse: overwrites the live count
        assert_eq!(c.put(), Put::Last, "{l}");
        for _ in 0..1_000 {
            assert_eq!(c.put(), Put::Kept, "{l}: second Last: {c:?}");
            assert!(c.is_frozen());
        }
    }

    #[test]
    fn over_put_and_double_unfreeze_leak_not_free_all() {
        each_counter!(over_put_and_double_unfreeze_leak_not_free);
    }

    /// Classic cannot tell a get on its dead zero from a real one: the word
    /// turns live, as Linux `folio_get` on a freed page would. This is the
    /// documented weakness the frozen encodings remove.
    #[test]
    fn classic_get_on_dead_zero_revives_it() {
        let c = FrozenRefcount::<Classic>::new(1);
        assert_eq!(c.put(), Put::Last);
        c.get();
        assert_eq!(c.state(), State::Live(1));
        let h = FrozenRefcount::<HighBit>::new(1);
        assert_eq!(h.put(), Put::Last);
        h.get();
        assert!(h.is_frozen(), "HighBit stays frozen");
    }
}

/// A view of a raw word as a counter of `E`, for words no constructor makes
/// (the transient zero, an all-zero word of a zero-locked encoding).
fn at<E: Encoding, B: Backend>(word: &mut E::Word) -> &mut FrozenRefcount<E, B> {
    FrozenRefcount::<E, B>::from_mut(word)
}

/// Runs one misuse, asserts that it panicked exactly in debug builds, and
/// returns the state the word was left in: the caller checks it is the
/// state a release build leaves, so a debug panic never skips the repair.
fn after<E: Encoding, B: Backend>(
    rc: &FrozenRefcount<E, B>,
    what: &str,
    f: impl FnOnce(&FrozenRefcount<E, B>),
) -> State {
    let panicked = panics(|| f(rc));
    assert_eq!(
        panicked,
        cfg!(debug_assertions),
        "{}: {what}: panics iff debug",
        label::<E, B>()
    );
    rc.state()
}

/// Repair, then panic: for every misuse the word, after the (debug) panic is
/// caught, is exactly what the release build leaves, and a `try_get` on it
/// answers as in release. Before the repair moved ahead of the panic, a
/// zeroed `ZeroLockedHigh` read `Saturated` (live) here after a `put`.
fn repair_then_panic<E: Encoding, B: Backend>() {
    let l = label::<E, B>();

    let rc = FrozenRefcount::<E, B>::new_frozen();
    let s = after(&rc, "put on frozen", |rc| {
        let _ = rc.put();
    });
    assert_eq!(s, State::Frozen, "{l}: put on frozen");
    assert!(!rc.try_get(), "{l}: put on frozen thawed it");

    // Classic cannot tell a get on its dead zero from a get on a live one:
    // it revives the object, exactly as Linux `folio_get` on a freed page
    // (documented; what the frozen encodings fix). Everything else stays
    // frozen.
    let rc = FrozenRefcount::<E, B>::new_frozen();
    let s = after(&rc, "get on frozen", |rc| rc.get());
    if E::SCHEME.frozen_mark() == FrozenMark::ZeroCount {
        assert_eq!(s, State::Live(1), "{l}: get on the dead zero");
    } else {
        assert_eq!(s, State::Frozen, "{l}: get on frozen");
        assert!(!rc.try_get(), "{l}: get on frozen thawed it");
    }

    let many = FrozenRefcount::<E, B>::MAX_MANY;
    let rc = FrozenRefcount::<E, B>::new(many - 1);
    let s = after(&rc, "put_many(MAX_MANY) of one less", |rc| {
        let _ = rc.put_many(many);
    });
    assert!(
        matches!(s, State::Frozen | State::Saturated),
        "{l}: over-put left {s:?}"
    );
    assert_eq!(
        rc.try_get(),
        s != State::Frozen,
        "{l}: over-put then try_get"
    );

    let rc = FrozenRefcount::<E, B>::new(2);
    assert_eq!(
        after(&rc, "unfreeze of live", |rc| rc.unfreeze(5)),
        State::Live(5),
        "{l}"
    );

    // The live zero (for Classic: its dead zero), made by hand.
    let mut zero = E::ZERO;
    let rc = at::<E, B>(&mut zero);
    let s = after(rc, "put on zero", |rc| {
        let _ = rc.put();
    });
    assert!(
        matches!(s, State::Frozen | State::Saturated),
        "{l}: put on zero left {s:?}"
    );
    assert_eq!(
        rc.try_get(),
        s != State::Frozen,
        "{l}: put on zero then try_get"
    );

    let mut zero = E::ZERO;
    let rc = at::<E, B>(&mut zero);
    assert_eq!(
        after(rc, "get on zero", |rc| rc.get()),
        State::Live(1),
        "{l}: get on zero"
    );

    // Zeroed memory that nobody unfroze: frozen for the zero-locked
    // encodings, and a put (ZeroLockedHigh: 0 - 1 wraps into the wrap zone
    // at the top of the word) must leave it frozen.
    if matches!(
        E::SCHEME.frozen_mark(),
        FrozenMark::TopBitClear | FrozenMark::LowBitClear
    ) {
        let mut word = <E::Word as Word>::ZERO;
        let rc = at::<E, B>(&mut word);
        let s = after(rc, "put on zeroed memory", |rc| {
            let _ = rc.put();
        });
        assert_eq!(s, State::Frozen, "{l}: put on zeroed memory");
        assert!(!rc.try_get(), "{l}: put on zeroed memory then try_get");
    }
}

#[test]
fn repair_then_panic_all() {
    each_counter!(repair_then_panic);
}
