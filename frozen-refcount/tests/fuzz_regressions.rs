//! Crashes found by the fuzz targets (`fuzz/`), minimised, as plain tests on
//! every encoding, width and backend. Each names the target and the input it
//! came from (the input is also checked in under `fuzz/corpus/<target>/`,
//! so every fuzz run replays it first).

mod common;
use common::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// `lifecycle`, `fuzz/corpus/lifecycle/regression-put-excess` (minimised:
/// `Tagged`, `Unfreeze { n }` then `PutExcess { k: 0 }`, i.e. `unfreeze(c)`
/// then `put_many(c + 1)`).
///
/// A `put_many` of more than is held took the word below zero, to the top of
/// the frozen half (`0xffff_ffff` for `HighBit<u32>`): frozen, but one
/// increment from a live zero, so the next `try_get` succeeded on it and a
/// frozen word turned live; for `Tagged` the subtract also borrowed from the
/// generation (1 -> 0), so the next `unfreeze` reused a generation. In release
/// builds the word must stay frozen (or saturated), every `try_get` must fail
/// while it is frozen, and the generation must not move. In debug builds the
/// misuse panics.
fn put_excess_never_thaws<E: Encoding, B: Backend>() {
    for held in [1, 2, E::MAX_MANY - 1] {
        for excess in 1..=3u32 {
            let n = held + excess;
            if n > E::MAX_MANY {
                continue;
            }
            let rc = FrozenRefcount::<E, B>::new_frozen();
            rc.unfreeze(held);
            let gen = rc.load_raw().to_u64() >> 32;
            let r = catch_unwind(AssertUnwindSafe(|| rc.put_many(n)));
            if cfg!(debug_assertions) {
                assert!(
                    r.is_err(),
                    "{}: misuse did not panic in debug",
                    label::<E, B>()
                );
                continue;
            }
            let what = format!("{} held {held} put_many({n})", label::<E, B>());
            assert_eq!(r.unwrap(), Put::Kept, "{what}");
            let state = rc.state();
            assert!(
                matches!(state, State::Frozen | State::Saturated),
                "{what}: left {state:?}"
            );
            if E::SCHEME.has_generation() {
                assert_eq!(
                    rc.load_raw().to_u64() >> 32,
                    gen,
                    "{what}: generation moved"
                );
            }
            if state == State::Frozen {
                for i in 0..4 {
                    assert!(
                        !rc.try_get(),
                        "{what}: try_get {i} succeeded on a frozen word"
                    );
                    assert!(rc.is_frozen(), "{what}: try_get {i} thawed the word");
                }
            }
        }
    }
}

#[test]
fn put_of_more_than_held_never_thaws() {
    each_counter!(put_excess_never_thaws);
}
