//! Loom models of every race in the protocol, run against the crate's own
//! code (`src/frozen.rs`) on loom's atomics.
//!
//! ```sh
//! RUSTFLAGS="--cfg frozen_refcount_loom" LOOM_MAX_PREEMPTIONS=3 \
//!     cargo test --test loom --release
//! ```
//!
//! Each model is a generic function, instantiated below for every encoding
//! it applies to, at 8 and 32 bits (and `Tagged`). The objects the counter
//! protects are `loom::cell::UnsafeCell`s: loom reports a causality
//! violation (a data race) whenever an access is not ordered after the
//! accesses it must follow, so a missing Acquire or Release fails a model
//! even when no value is wrong.
//!
//! Two models must *fail*: the `fetch_or` counterexample (5) and the put/put
//! ABA on the untagged encodings (6). Those tests run the model under
//! `catch_unwind` and assert that loom reported the violation they expect.
//!
//! This file is the list of what runs: models (1) to (4), (6) and (7) from
//! `models.rs` instantiated per counter, and model (1) on the wrong protocol
//! of `or_freeze.rs`. `harness.rs` is what the models share.
#![cfg(frozen_refcount_loom)]

mod harness;
mod models;
mod or_freeze;

use frozen_refcount::{
    Biased, Classic, CoreAtomics, FrozenRefcount, HighBit, LowBit, Tagged, ZeroLockedHigh,
    ZeroLockedLow,
};
use harness::expect_violation;
use models::increment_vs_free;
use or_freeze::OrFreeze;

#[test]
fn or_freeze_blind_is_caught() {
    // Loom reports the reader's access to the freed object: as a data race
    // with the free, or as the freed value.
    let msg = expect_violation(increment_vs_free::<OrFreeze<true>>);
    assert!(
        msg.contains("Causality violation") || msg.contains("freed"),
        "loom failed for another reason: {msg}"
    );
}

#[test]
fn or_freeze_checked_is_caught() {
    let msg = expect_violation(increment_vs_free::<OrFreeze<false>>);
    assert!(
        msg.contains("exactly one Last"),
        "loom failed for another reason: {msg}"
    );
}

/// Instantiates the models: one module per counter, one `#[test]` per model.
macro_rules! models {
    ($($module:ident: $e:ty => [$($model:ident),* $(,)?] $(+ [$($raw:ident),*])?;)*) => {$(
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $model() {
                    crate::models::$model::<FrozenRefcount<$e, CoreAtomics>>();
                }
            )*
            $($(
                #[test]
                fn $raw() {
                    crate::models::$raw::<$e>();
                }
            )*)?
        }
    )*};
}

models! {
    high_bit_u8: HighBit<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze, readers_on_frozen];
    high_bit_u32: HighBit<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze, readers_on_frozen];
    low_bit_u8: LowBit<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    low_bit_u32: LowBit<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    zero_locked_high_u8: ZeroLockedHigh<u8> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found]
        + [reset_vs_unfreeze, readers_on_frozen, misused_puts_on_zeroed];
    zero_locked_high_u32: ZeroLockedHigh<u32> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found]
        + [reset_vs_unfreeze, readers_on_frozen, misused_puts_on_zeroed];
    zero_locked_low_u8: ZeroLockedLow<u8> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found]
        + [misused_puts_on_zeroed];
    zero_locked_low_u32: ZeroLockedLow<u32> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found];
    // The sign-test slow path re-reads the word: increment_vs_unfreeze is the
    // race that argument must survive.
    biased_u8: Biased<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze, readers_on_frozen];
    biased_u32: Biased<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze, readers_on_frozen];
    biased_u64: Biased<u64> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    // Zero is dead: no try_get resurrects it, so there is no window to race
    // and the ABA cannot happen.
    classic_u8: Classic<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba];
    classic_u32: Classic<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba];
    // The generation closes the ABA: the model passes.
    tagged: Tagged => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba] + [reset_vs_unfreeze, readers_on_frozen];
}
