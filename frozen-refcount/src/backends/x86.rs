//! `X86Asm`: x86 / x86_64 inline assembly (`lock xadd`, `lock cmpxchg`,
//! `mov`, `xchg`).
//!
//! # Why every `Ordering` is one instruction here
//!
//! x86 is TSO (Intel SDM vol. 3A §9.2.2, AMD APM vol. 2 §7.2): loads are not
//! reordered with other loads, stores not with other stores, and a store is
//! not reordered with an earlier load. The only reordering the hardware does
//! is a later load passing an earlier store to another location (the store
//! buffer). Hence, exactly as the C++11/Rust mapping compilers use:
//!
//! - every load (`Relaxed`, `Acquire`, `SeqCst`) is a plain `mov`: TSO already
//!   gives a load acquire semantics;
//! - a `Relaxed` or `Release` store is a plain `mov`: TSO already gives a
//!   store release semantics;
//! - a `SeqCst` store is `xchg` (implicitly locked), which drains the store
//!   buffer so that no later `SeqCst` load passes it;
//! - every RMW (`lock xadd`, `lock cmpxchg`) is a full barrier whatever the
//!   `Ordering` asked for (SDM §9.2.2: "locked instructions have a total
//!   order"; loads and stores are not reordered with them).
//!
//! The hardware is thus never the problem; the compiler is. None of the blocks
//! below says `nomem` or `readonly`: to the compiler each is an opaque access
//! to arbitrary memory, so no memory access of the caller is moved across it
//! in either direction. That is the compiler half of Acquire, Release and
//! SeqCst, and more than Relaxed needs (the only cost: a `Relaxed` load or
//! `get` cannot be merged with neighbouring accesses, which the protocol never
//! wants anyway).
//!
//! Every block: `nostack` (no push/pop, no red-zone use). `preserves_flags`
//! only on `mov` and `xchg`, which leave EFLAGS alone; `xadd` and `cmpxchg`
//! write the arithmetic flags. No register other than the named operands is
//! touched. The pointer is always `Word::as_ptr` of a live `&Atomic`, so it is
//! valid, aligned to the width (which also keeps `lock` off the split-lock
//! path), and only accessed atomically.
//!
//! # `lock add` + `sets`, and why only there
//!
//! `add_is_negative` (`Biased`'s `try_get`, whose fast path needs only the
//! sign of the sum) is `lock add` + `sets`: the flags of the locked add say
//! it, and no register receives the old word. Everything else needs the
//! word:
//!
//! `lock add`/`lock sub` followed by `sete`/`sets` would do where only the
//! sign or zero of the result matters. The protocol in `frozen.rs`
//! needs more than the sign: a fast-path `try_get` succeeds iff the *new* word
//! has both the state bit and the saturation band clear
//! (`new & CLASS_MASK == CLASS_EXACT`), and for `u32` the band is bit 30,
//! which no flag reports (SF is bit 31, PF only the low byte, ZF all bits).
//! A flags-only `put` would likewise miss a saturated word drifting down to an
//! exact count. So the backend returns the whole old word (`lock xadd`), and
//! LLVM computes `new` and tests the mask: two register instructions
//! (`lea`/`add` + `test`) next to a locked RMW of ~20 cycles.
//! [`guide::backends`](crate::guide::backends) compares it with
//! `CoreAtomics`, instruction for instruction.

use super::{impl_backend_by_width, Native};
use crate::word::Word;
use core::arch::asm;
use core::sync::atomic::Ordering;

/// Inline x86 / x86_64 assembly: `lock xadd` for `fetch_add` / `fetch_sub`
/// (the latter as `xadd` of the negation), `lock cmpxchg` + `sete` for CAS,
/// `mov` for loads and stores (`xchg` for a `SeqCst` store). Implements
/// `Backend` for `u8`, `u16`, `u32` and `u64` (on 32-bit x86 the `u64` steps
/// are `CoreAtomics`' `lock cmpxchg8b` loops; there is no 64-bit `xadd`).
///
/// It emits the same instructions as [`CoreAtomics`](crate::CoreAtomics) on
/// x86; it exists so that the instructions are written down and reviewable,
/// independent of the compiler's lowering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct X86Asm;

macro_rules! impl_x86 {
    ($(
        $w:ty: size $size:literal, class $class:ident, modifier $m:literal, accumulator $acc:tt;
    )*) => {$(
        // SAFETY: each step is one x86 instruction on the word, atomic (aligned
        // `mov`, `xchg`, `lock`-prefixed RMW), and at least as strong as the
        // requested Ordering, for the reasons in the module documentation.
        unsafe impl Native<$w> for X86Asm {

            #[inline(always)]
            fn load(a: &<$w as Word>::Atomic, order: Ordering) -> $w {
                // Every ordering: `mov` (TSO loads are acquire loads; a SeqCst
                // load needs nothing more because SeqCst stores are `xchg`).
                let _ = order;
                let p = <$w as Word>::as_ptr(a);
                let v: $w;
                // SAFETY: `p` is valid and aligned (see module docs).
                // Flags: untouched. Memory: compiler barrier (no `readonly`).
                unsafe {
                    asm!(
                        concat!("mov {v", $m, "}, ", $size, " ptr [{p}]"),
                        p = in(reg) p,
                        v = lateout($class) v,
                        options(nostack, preserves_flags),
                    );
                }
                v
            }

            #[inline(always)]
            fn store(a: &<$w as Word>::Atomic, v: $w, order: Ordering) {
                let p = <$w as Word>::as_ptr(a);
                if let Ordering::SeqCst = order {
                    // SeqCst: `xchg` (implicitly `lock`ed) drains the store
                    // buffer, so no later SeqCst load is satisfied before this
                    // store is globally visible.
                    // SAFETY: as above. Flags: `xchg` writes none. The old
                    // value is discarded.
                    unsafe {
                        asm!(
                            concat!("xchg ", $size, " ptr [{p}], {v", $m, "}"),
                            p = in(reg) p,
                            v = inout($class) v => _,
                            options(nostack, preserves_flags),
                        );
                    }
                } else {
                    // Relaxed, Release: `mov` (TSO stores are release stores).
                    // SAFETY: as above. Flags: untouched.
                    unsafe {
                        asm!(
                            concat!("mov ", $size, " ptr [{p}], {v", $m, "}"),
                            p = in(reg) p,
                            v = in($class) v,
                            options(nostack, preserves_flags),
                        );
                    }
                }
            }

            #[inline(always)]
            fn fetch_add(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                // Every ordering: `lock xadd` is a full barrier.
                let _ = order;
                let p = <$w as Word>::as_ptr(a);
                let mut v = v;
                // SAFETY: as above. `xadd` leaves the old value in `v`.
                // Flags: clobbered (CF, OF, SF, ZF, AF, PF of the sum).
                unsafe {
                    asm!(
                        concat!("lock xadd ", $size, " ptr [{p}], {v", $m, "}"),
                        p = in(reg) p,
                        v = inout($class) v,
                        options(nostack),
                    );
                }
                v
            }

            #[inline(always)]
            fn add_is_negative(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> bool {
                // Every ordering: a `lock`ed add is a full barrier, like
                // `xadd`. The sum stays in memory; only its sign is read.
                let _ = order;
                let p = <$w as Word>::as_ptr(a);
                let neg: u8;
                // SAFETY: as above. `sets` copies SF (the sum's top bit).
                // Flags: clobbered.
                unsafe {
                    asm!(
                        concat!("lock add ", $size, " ptr [{p}], {v", $m, "}"),
                        "sets {neg}",
                        p = in(reg) p,
                        v = in($class) v,
                        neg = lateout(reg_byte) neg,
                        options(nostack),
                    );
                }
                neg != 0
            }

            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                // x86 has no fetch-and-subtract: `xadd` of the two's
                // complement negation is the same modulo 2^BITS.
                <Self as Native<$w>>::fetch_add(a, v.wrapping_neg(), order)
            }

            #[inline(always)]
            fn compare_exchange(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                // Every ordering pair: `lock cmpxchg` is a full barrier on both
                // the success and the failure path (it always performs a
                // locked read-modify-write; on failure it writes back the old
                // value).
                let _ = (success, failure);
                let p = <$w as Word>::as_ptr(a);
                let prev: $w;
                let ok: u8;
                // SAFETY: as above. The accumulator holds `current` in and the
                // word's previous value out; `sete` copies ZF (set iff they
                // were equal, i.e. iff `new` was stored) into `ok`.
                // Flags: clobbered.
                unsafe {
                    asm!(
                        concat!("lock cmpxchg ", $size, " ptr [{p}], {new", $m, "}"),
                        "sete {ok}",
                        p = in(reg) p,
                        new = in($class) new,
                        ok = lateout(reg_byte) ok,
                        inout($acc) current => prev,
                        options(nostack),
                    );
                }
                if ok != 0 {
                    Ok(prev)
                } else {
                    Err(prev)
                }
            }
            // compare_exchange_weak: the trait's default (strong); `cmpxchg`
            // never fails spuriously.
        }
    )*};
}

impl_x86! {
    u8: size "byte", class reg_byte, modifier "", accumulator "al";
    u16: size "word", class reg, modifier ":x", accumulator "ax";
    u32: size "dword", class reg, modifier ":e", accumulator "eax";
}
#[cfg(target_arch = "x86_64")]
impl_x86! {
    u64: size "qword", class reg, modifier ":r", accumulator "rax";
}

/// 32-bit x86 has no 64-bit `xadd` or `mov` into one register: the `u64`
/// steps are core's (`lock cmpxchg8b` loops, SSE/x87 8-byte loads and stores).
#[cfg(all(target_arch = "x86", target_has_atomic = "64"))]
// SAFETY: forwards to `CoreAtomics`, which upholds the contract.
unsafe impl Native<u64> for X86Asm {
    #[inline(always)]
    fn load(a: &<u64 as Word>::Atomic, order: Ordering) -> u64 {
        <super::CoreAtomics as Native<u64>>::load(a, order)
    }
    #[inline(always)]
    fn store(a: &<u64 as Word>::Atomic, v: u64, order: Ordering) {
        <super::CoreAtomics as Native<u64>>::store(a, v, order)
    }
    #[inline(always)]
    fn fetch_add(a: &<u64 as Word>::Atomic, v: u64, order: Ordering) -> u64 {
        <super::CoreAtomics as Native<u64>>::fetch_add(a, v, order)
    }
    #[inline(always)]
    fn fetch_sub(a: &<u64 as Word>::Atomic, v: u64, order: Ordering) -> u64 {
        <super::CoreAtomics as Native<u64>>::fetch_sub(a, v, order)
    }
    #[inline(always)]
    fn compare_exchange(
        a: &<u64 as Word>::Atomic,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        <super::CoreAtomics as Native<u64>>::compare_exchange(a, current, new, success, failure)
    }
}
impl_backend_by_width!(X86Asm, "x86-asm");
