//! AArch64 only: which path `ArmDetect`'s run-time detection chose (strict
//! when the CI stage says what the emulated CPU has, through
//! `FROZEN_REFCOUNT_EXPECT_LSE=1|0`), and the LSE and LL/SC paths mixed on
//! one word.

use crate::w;
use core::sync::atomic::Ordering::Relaxed;
use frozen_refcount::{ArmDetect, ArmLlsc, Backend, CoreAtomics, Word};

/// Which path `ArmDetect` took. Strict when `FROZEN_REFCOUNT_EXPECT_LSE`
/// is `1` or `0` (set by the CI stage from the emulated CPU); always
/// checked against std's own detection and against compile-time LSE.
#[test]
fn detection_picks_the_expected_path() {
    let lse = ArmDetect::uses_lse();
    println!(
        "ArmDetect::uses_lse() = {lse} (compile-time lse: {})",
        cfg!(target_feature = "lse")
    );
    assert_eq!(lse, ArmDetect::uses_lse(), "cached answer is stable");
    assert_eq!(
        lse,
        std::arch::is_aarch64_feature_detected!("lse"),
        "agrees with std"
    );
    if cfg!(target_feature = "lse") {
        assert!(lse, "compile-time LSE implies the LSE path");
    }
    match std::env::var("FROZEN_REFCOUNT_EXPECT_LSE").as_deref() {
        Ok("1") => assert!(lse, "expected the LSE path on this CPU"),
        Ok("0") => assert!(!lse, "expected the LL/SC path on this CPU"),
        Ok(other) => panic!("FROZEN_REFCOUNT_EXPECT_LSE={other:?}: want 1 or 0"),
        Err(_) => {}
    }
}

/// ArmDetect (LSE where the CPU has it) and ArmLlsc on the same word at
/// the same time: the two kinds of atomics are atomic with each other.
fn mixed_paths<W: Word>() {
    const N: u64 = 3_000;
    let a = W::new_atomic(w(0));
    std::thread::scope(|s| {
        let a = &a;
        s.spawn(move || {
            (0..N).for_each(|_| {
                let _ = ArmLlsc::fetch_add::<W>(a, w(1), Relaxed);
            })
        });
        s.spawn(move || {
            (0..N).for_each(|_| {
                let _ = ArmDetect::fetch_add::<W>(a, w(2), Relaxed);
            })
        });
        s.spawn(move || {
            (0..N).for_each(|_| {
                let _ = CoreAtomics::fetch_add::<W>(a, w(4), Relaxed);
            })
        });
    });
    assert_eq!(ArmLlsc::load::<W>(&a, Relaxed), w(7 * N));
}

#[test]
fn lse_and_llsc_mix_on_one_word() {
    mixed_paths::<u8>();
    mixed_paths::<u16>();
    mixed_paths::<u32>();
    mixed_paths::<u64>();
}
