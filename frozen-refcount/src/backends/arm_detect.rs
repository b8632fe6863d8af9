//! `ArmDetect`: AArch64 with LSE chosen at run time, for binaries built for
//! ARMv8.0 (no `target_feature = "lse"`) that must use LSE where the core has
//! it (Graviton 2+, Ampere, Grace, Apple, any ARMv8.1+) and LL/SC elsewhere
//! (Cortex-A53/A72, Raspberry Pi 3/4, Graviton 1).
//!
//! # How it picks
//!
//! The first step that needs it asks the OS once and caches the answer in a
//! static byte:
//! - Linux (glibc, musl) and Android: `getauxval(AT_HWCAP) & HWCAP_ATOMICS`,
//!   through an `extern "C"` declaration (no libc dependency; the symbol is in
//!   every libc these targets link). This is what std's
//!   `is_aarch64_feature_detected!("lse")` and compiler-rt's outline-atomics
//!   constructor read too.
//! - other OSes, with feature `std`: `std::arch::is_aarch64_feature_detected!`.
//! - other OSes without `std`: LL/SC, which is correct on every AArch64 core.
//!
//! With `target_feature = "lse"` at compile time there is nothing to detect:
//! the check is the constant `true` and `ArmDetect` compiles to exactly
//! `ArmLse`.
//!
//! # Cost per operation
//!
//! One `ldrb` of the cached byte (a Relaxed load of a read-mostly line, an L1
//! hit), a compare and one branch that always goes the same way on a given
//! machine, then the inline LSE instruction or LL/SC loop: no call. Rustc's
//! own outline atomics (`CoreAtomics` on `aarch64-unknown-linux-gnu`) instead
//! `bl __aarch64_ldadd4_acq`, a function that loads
//! `__aarch64_have_lse_atomics` and branches.
//! [`guide::backends`](crate::guide::backends) has the executed
//! instruction counts of both.
//!
//! # Mixing LSE and LL/SC
//!
//! Before the cache is filled, two threads may disagree for a moment
//! (both compute the same answer; only the first call pays for it). Even if
//! one thread used LL/SC and another LSE on the same word, each step is still
//! atomic: any store to the granule, an LSE atomic included, clears the
//! exclusive monitors, so the LL/SC loop retries.

use super::arm_llsc::{cas_order, cas_result, Llsc};
use super::arm_lse::Lse;
use super::{impl_backend_by_width, Native};
use crate::word::Word;
#[cfg(not(target_feature = "lse"))]
use core::sync::atomic::AtomicU8;
use core::sync::atomic::Ordering;

/// AArch64 atomics that use LSE (`ldadd*`, `cas*`, inline) when the core has
/// it and LL/SC loops (`ldxr`/`stxr`, inline) when it does not, decided once
/// at first use and cached. Implements `Backend` for `u8`, `u16`, `u32` and
/// `u64`; the `DefaultBackend` on AArch64 Linux and Android builds without
/// compile-time LSE.
///
/// ```
/// # #[cfg(target_arch = "aarch64")] {
/// use frozen_refcount::{ArmDetect, FrozenRefcount, HighBit};
/// let rc = FrozenRefcount::<HighBit, ArmDetect>::new(1);
/// assert!(rc.try_get());
/// println!("LSE: {}", ArmDetect::uses_lse());
/// # let _ = (rc.put(), rc.put());
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ArmDetect;

/// Not detected yet.
#[cfg(not(target_feature = "lse"))]
const UNKNOWN: u8 = 0;
/// Detected: LSE. Bit 0, so that the hot check is one `tbz`/`tbnz`.
#[cfg(not(target_feature = "lse"))]
const LSE: u8 = 1;
/// Detected: no LSE, use LL/SC.
#[cfg(not(target_feature = "lse"))]
const LLSC: u8 = 2;

/// The cached answer: `UNKNOWN` until the first step.
#[cfg(not(target_feature = "lse"))]
static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

impl ArmDetect {
    /// Whether the steps use LSE (`true`) or LL/SC loops (`false`) on this
    /// machine. Detects and caches on the first call, like every step.
    #[inline]
    pub fn uses_lse() -> bool {
        lse()
    }
}

/// The check made by every step.
#[inline(always)]
fn lse() -> bool {
    #[cfg(target_feature = "lse")]
    {
        true
    }
    #[cfg(not(target_feature = "lse"))]
    {
        // Relaxed: the byte is a pure function of the hardware, the same for
        // every thread that computes it, and publishes no other data; a
        // thread that still sees UNKNOWN just detects again.
        // Tested as `s & LSE` first, so that on an LSE machine the step is
        // `ldrb` + one `tbz` + the LSE instruction.
        let s = STATE.load(Ordering::Relaxed);
        if s & LSE != 0 {
            true
        } else if s != UNKNOWN {
            false
        } else {
            detect()
        }
    }
}

#[cfg(not(target_feature = "lse"))]
#[cold]
#[inline(never)]
fn detect() -> bool {
    let lse = hardware_has_lse();
    // Relaxed: see `lse`.
    STATE.store(if lse { LSE } else { LLSC }, Ordering::Relaxed);
    lse
}

#[cfg(not(target_feature = "lse"))]
fn hardware_has_lse() -> bool {
    cfg_if::cfg_if! {
        if #[cfg(any(
            target_os = "android",
            all(target_os = "linux", any(target_env = "gnu", target_env = "musl")),
        ))] {
            use core::ffi::c_ulong;
            extern "C" {
                // glibc >= 2.16, musl >= 1.1.0, bionic >= API 18.
                fn getauxval(kind: c_ulong) -> c_ulong;
            }
            /// `<elf.h>`: the hardware capability word.
            const AT_HWCAP: c_ulong = 16;
            /// `<asm/hwcap.h>` (arm64): FEAT_LSE.
            const HWCAP_ATOMICS: c_ulong = 1 << 8;
            // SAFETY: getauxval has no preconditions; it returns 0 for an
            // unknown type.
            unsafe { getauxval(AT_HWCAP) & HWCAP_ATOMICS != 0 }
        } else if #[cfg(feature = "std")] {
            std::arch::is_aarch64_feature_detected!("lse")
        } else {
            false
        }
    }
}

macro_rules! impl_backend {
    ($($w:ty),*) => {$(
        // SAFETY: each step is `ArmLse`'s (only when the OS reported LSE, so
        // the `unsafe` LSE functions' precondition holds) or `ArmLlsc`'s, both
        // single atomic operations with at least the requested ordering.
        unsafe impl Native<$w> for ArmDetect {
            #[inline(always)]
            fn load(a: &<$w as Word>::Atomic, order: Ordering) -> $w {
                // No LSE instruction involved: no check.
                <$w as Llsc>::load(a, order)
            }
            #[inline(always)]
            fn store(a: &<$w as Word>::Atomic, v: $w, order: Ordering) {
                <$w as Llsc>::store(a, v, order)
            }
            #[inline(always)]
            fn fetch_add(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                if lse() {
                    // SAFETY: the CPU has LSE.
                    unsafe { <$w as Lse>::fetch_add(a, v, order) }
                } else {
                    <$w as Llsc>::fetch_add(a, v, order)
                }
            }
            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                if lse() {
                    // SAFETY: as above.
                    unsafe { <$w as Lse>::fetch_sub(a, v, order) }
                } else {
                    <$w as Llsc>::fetch_sub(a, v, order)
                }
            }
            #[inline(always)]
            fn compare_exchange(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                cas_result(current, success, failure, |order| {
                    if lse() {
                        // SAFETY: as above.
                        unsafe { <$w as Lse>::cas(a, current, new, order) }
                    } else {
                        <$w as Llsc>::cas(a, current, new, order)
                    }
                })
            }
            #[inline(always)]
            fn compare_exchange_weak(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                if lse() {
                    // `cas` never fails spuriously: the strong one.
                    <Self as Native<$w>>::compare_exchange(a, current, new, success, failure)
                } else {
                    let order = cas_order(success, failure);
                    <$w as Llsc>::cas_weak(a, current, new, order)
                }
            }
        }
    )*};
}
impl_backend!(u8, u16, u32, u64);
impl_backend_by_width!(ArmDetect, "arm-detect");
