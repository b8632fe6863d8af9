//! `ArmLse`: AArch64 Large System Extensions (FEAT_LSE, ARMv8.1) single
//! instruction atomics: `ldadd*` for `fetch_add`/`fetch_sub`, `cas*` for CAS.
//!
//! # Orderings
//!
//! The suffix is chosen from the `Ordering` (ARM ARM C6.2: `ldadda`/`casa`
//! have acquire semantics, `ldaddl`/`casl` release, `ldaddal`/`casal` both,
//! and these are RCsc, so `AcqRel` also gives `SeqCst`):
//!
//! | Ordering | `fetch_add` | CAS (success and failure orderings combined) |
//! | --- | --- | --- |
//! | Relaxed | `ldadd` | `cas` |
//! | Acquire | `ldadda` | `casa` |
//! | Release | `ldaddl` | `casl` |
//! | AcqRel / SeqCst | `ldaddal` | `casal` |
//!
//! with `b`/`h` suffixes and `w` registers for 8 and 16 bits, `w` registers
//! for 32 and `x` registers for 64. `fetch_sub` is `ldadd` of the negation
//! (there is no `ldsub`). A `cas` that fails is a plain load with the
//! instruction's acquire semantics (the failure ordering's Acquire, when
//! asked for, is therefore given by `casa`/`casal`). Loads and stores are
//! `ArmLlsc`'s (`ldr`/`ldar`, `str`/`stlr`: no LSE needed).
//!
//! # Asm conventions
//!
//! No `nomem`/`readonly`: each block is a compiler barrier. `nostack`, and
//! `preserves_flags` (LSE atomics write no NZCV). 8/16-bit operands: the
//! instructions read and compare only the low byte/halfword of `Ws`, and
//! zero-extend the old value they return.
//!
//! # Without compile-time LSE
//!
//! The instructions are assembled with `.arch_extension lse` unless the crate
//! is compiled with `target_feature = "lse"`, so that [`ArmDetect`] can inline
//! them into a build for ARMv8.0. Executing them on a core without LSE raises
//! SIGILL; that is why the public `ArmLse` type exists only when LSE is
//! enabled at compile time (then every core the binary may run on has it), and
//! the `Lse` trait's functions are `unsafe`.
//!
//! [`ArmDetect`]: super::ArmDetect

#[cfg(target_feature = "lse")]
use super::arm_llsc::cas_result;
use super::arm_llsc::{by_order, Llsc};
#[cfg(target_feature = "lse")]
use super::{impl_backend_by_width, Native};
use crate::word::Word;
use core::arch::asm;
use core::sync::atomic::Ordering;

/// Assembler directive that enables LSE mnemonics for one asm block when the
/// crate is not compiled with `+lse`.
#[cfg(not(target_feature = "lse"))]
macro_rules! lse_directive {
    () => {
        ".arch_extension lse\n"
    };
}
#[cfg(target_feature = "lse")]
macro_rules! lse_directive {
    () => {
        ""
    };
}

/// The LSE read-modify-write steps for one width.
pub(super) trait Lse: Llsc {
    /// `ldadd*`: the old value.
    ///
    /// # Safety
    ///
    /// The CPU implements FEAT_LSE.
    unsafe fn fetch_add(a: &Self::Atomic, v: Self, order: Ordering) -> Self;
    /// `ldadd*` of `-v`.
    ///
    /// # Safety
    ///
    /// As [`fetch_add`](Lse::fetch_add).
    unsafe fn fetch_sub(a: &Self::Atomic, v: Self, order: Ordering) -> Self;
    /// `cas*`: the value read; the CAS succeeded iff it equals `current`.
    ///
    /// # Safety
    ///
    /// As [`fetch_add`](Lse::fetch_add).
    unsafe fn cas(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Self;
}

/// `ldadd{a}{l}{s}`.
macro_rules! ldadd {
    ($a:literal, $l:literal, $s:literal, $m:literal, $p:ident, $v:ident) => {{
        let old;
        // SAFETY: the caller guarantees LSE; `$p` is `Word::as_ptr` of a live
        // atomic (valid, aligned, only accessed atomically).
        // Flags: untouched. Memory: compiler barrier.
        unsafe {
            asm!(
                concat!(lse_directive!(), "ldadd", $a, $l, $s, " {v", $m, "}, {old", $m, "}, [{p}]"),
                p = in(reg) $p,
                v = in(reg) $v,
                old = lateout(reg) old,
                options(nostack, preserves_flags),
            );
        }
        old
    }};
}

/// `cas{a}{l}{s}`: `Ws` holds `current` in and the old value out.
macro_rules! cas {
    ($a:literal, $l:literal, $s:literal, $m:literal, $p:ident, $cur:ident, $new:ident) => {{
        let prev;
        // SAFETY: as for `ldadd!`. Flags: untouched.
        unsafe {
            asm!(
                concat!(lse_directive!(), "cas", $a, $l, $s, " {prev", $m, "}, {new", $m, "}, [{p}]"),
                p = in(reg) $p,
                new = in(reg) $new,
                prev = inout(reg) $cur => prev,
                options(nostack, preserves_flags),
            );
        }
        prev
    }};
}

macro_rules! impl_lse {
    ($($w:ty: suffix $s:literal, modifier $m:literal;)*) => {$(
        impl Lse for $w {
            #[inline(always)]
            unsafe fn fetch_add(a: &Self::Atomic, v: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                by_order!(order, ldadd!($s, $m, p, v))
            }
            #[inline(always)]
            unsafe fn fetch_sub(a: &Self::Atomic, v: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                let v = v.wrapping_neg();
                by_order!(order, ldadd!($s, $m, p, v))
            }
            #[inline(always)]
            unsafe fn cas(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                by_order!(order, cas!($s, $m, p, current, new))
            }
        }
    )*};
}

impl_lse! {
    u8: suffix "b", modifier ":w";
    u16: suffix "h", modifier ":w";
    u32: suffix "", modifier ":w";
    u64: suffix "", modifier ":x";
}

/// AArch64 LSE atomics, inline: `ldadd`/`ldadda`/`ldaddl`/`ldaddal` for
/// `fetch_add` and `fetch_sub`, `cas`/`casa`/`casl`/`casal` for CAS (suffix
/// from the `Ordering`), `ldr`/`ldar` and `str`/`stlr` for loads and stores.
/// Implements `Backend` for `u8`, `u16`, `u32` and `u64`.
///
/// Exists only when the crate is compiled with `target_feature = "lse"`
/// (`-C target-feature=+lse`, `-C target-cpu=neoverse-n1`, or a target that
/// implies it such as `aarch64-apple-darwin`): then every core the binary runs
/// on has LSE. Otherwise use [`ArmDetect`](crate::ArmDetect), which picks LSE
/// or LL/SC at run time.
#[cfg(target_feature = "lse")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ArmLse;

#[cfg(target_feature = "lse")]
macro_rules! impl_backend {
    ($($w:ty),*) => {$(
        // SAFETY: each RMW is one LSE instruction on the word with the
        // ordering of the module table; LSE is present (compile-time
        // `target_feature = "lse"`); loads and stores are single-copy atomic.
        unsafe impl Native<$w> for ArmLse {
            #[inline(always)]
            fn load(a: &<$w as Word>::Atomic, order: Ordering) -> $w {
                <$w as Llsc>::load(a, order)
            }
            #[inline(always)]
            fn store(a: &<$w as Word>::Atomic, v: $w, order: Ordering) {
                <$w as Llsc>::store(a, v, order)
            }
            #[inline(always)]
            fn fetch_add(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                // SAFETY: LSE at compile time.
                unsafe { <$w as Lse>::fetch_add(a, v, order) }
            }
            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                // SAFETY: as above.
                unsafe { <$w as Lse>::fetch_sub(a, v, order) }
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
                    // SAFETY: as above.
                    unsafe { <$w as Lse>::cas(a, current, new, order) }
                })
            }
            // compare_exchange_weak: the default (strong); `cas` never fails
            // spuriously.
        }
    )*};
}
#[cfg(target_feature = "lse")]
impl_backend!(u8, u16, u32, u64);
#[cfg(target_feature = "lse")]
impl_backend_by_width!(ArmLse, "arm-lse");
