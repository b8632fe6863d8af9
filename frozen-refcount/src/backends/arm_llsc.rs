//! `ArmLlsc`: AArch64 load-exclusive / store-exclusive retry loops (ARMv8.0,
//! every AArch64 core), plus the plain and acquire/release loads and stores
//! that `ArmLse` and [`ArmDetect`](super::ArmDetect) share.
//!
//! # Orderings
//!
//! AArch64's `ldar*` / `stlr*` and the acquire/release exclusives `ldaxr*` /
//! `stlxr*` are RCsc (ARM ARM B2.3: a store-release is never reordered with a
//! later load-acquire), so the mapping LLVM uses is enough for every Rust
//! ordering, SeqCst included:
//!
//! | Ordering | load | store | RMW load half | RMW store half |
//! | --- | --- | --- | --- | --- |
//! | Relaxed | `ldr` | `str` | `ldxr` | `stxr` |
//! | Acquire | `ldar` | — | `ldaxr` | `stxr` |
//! | Release | — | `stlr` | `ldxr` | `stlxr` |
//! | AcqRel / SeqCst | `ldar` | `stlr` | `ldaxr` | `stlxr` |
//!
//! A CAS takes the acquire half if its success *or* failure ordering acquires
//! and the release half if its success ordering releases ([`cas_order`]).
//! An RMW loop is atomic because `stxr` fails (and the loop retries) if any
//! other observer wrote the granule since the `ldxr`.
//!
//! # Asm conventions
//!
//! No block says `nomem`/`readonly`, so each is a compiler barrier for all
//! memory: the compiler half of every ordering, and more than `Relaxed` needs.
//! All are `nostack`. `preserves_flags` where no instruction writes NZCV
//! (`add`/`sub` without `s`, `cbnz`, loads, stores); the CAS loops `cmp` and
//! do not. Loops use local numeric labels (`2:`/`2b`), never named ones,
//! because inline asm may be duplicated by inlining. 8- and 16-bit values live
//! in 32-bit `w` registers whose upper bits are unspecified on input: the
//! exclusive loads zero-extend, the stores ignore the upper bits, and the
//! comparisons use `uxtb`/`uxth` on the expected value.

use super::{impl_backend_by_width, Native};
use crate::word::Word;
use core::arch::asm;
use core::sync::atomic::Ordering::{self, AcqRel, Acquire, Relaxed, Release, SeqCst};

/// AArch64 LL/SC loops: `ldxr`/`ldaxr` + `add`/`sub` + `stxr`/`stlxr` +
/// `cbnz` for `fetch_add`/`fetch_sub`; `ldxr` + `cmp` + `stxr` for CAS (with
/// `clrex` when the comparison fails); `ldr`/`ldar` and `str`/`stlr` for loads
/// and stores. Runs on every AArch64 core; without LSE it is the only way.
/// Implements `Backend` for `u8`, `u16`, `u32` and `u64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ArmLlsc;

/// The one ordering an RMW instruction pair needs to give a CAS both its
/// `success` and its `failure` ordering. `SeqCst` maps to `AcqRel`: the
/// acquire/release forms are RCsc on AArch64.
#[inline(always)]
pub(super) fn cas_order(success: Ordering, failure: Ordering) -> Ordering {
    let acquire =
        matches!(success, Acquire | AcqRel | SeqCst) || matches!(failure, Acquire | SeqCst);
    let release = matches!(success, Release | AcqRel | SeqCst);
    match (acquire, release) {
        (false, false) => Relaxed,
        (true, false) => Acquire,
        (false, true) => Release,
        (true, true) => AcqRel,
    }
}

/// A compare-and-swap as `Backend::compare_exchange` wants it, for the three
/// AArch64 backends: merges the two orderings into the one a `cas*` / LL/SC
/// instruction takes, runs `cas` (which returns the value it found), and
/// reports success iff that value was `current`.
#[inline(always)]
pub(super) fn cas_result<W: Eq + Copy>(
    current: W,
    success: Ordering,
    failure: Ordering,
    cas: impl FnOnce(Ordering) -> W,
) -> Result<W, W> {
    let prev = cas(cas_order(success, failure));
    if prev == current {
        Ok(prev)
    } else {
        Err(prev)
    }
}

/// Expands `$mac!(acquire_suffix, release_suffix, args…)` once per ordering,
/// with `"a"`/`""` and `"l"`/`""` chosen from `$order` (the table in the
/// module docs). Callers concatenate them into mnemonics: `ld{a}xr`,
/// `st{l}xr`, `ldadd{a}{l}`, `cas{a}{l}`.
macro_rules! by_order {
    ($order:expr, $mac:ident!($($args:tt)*)) => {
        match $order {
            ::core::sync::atomic::Ordering::Relaxed => $mac!("", "", $($args)*),
            ::core::sync::atomic::Ordering::Acquire => $mac!("a", "", $($args)*),
            ::core::sync::atomic::Ordering::Release => $mac!("", "l", $($args)*),
            // AcqRel, SeqCst (RCsc, see the module docs).
            _ => $mac!("a", "l", $($args)*),
        }
    };
}
pub(super) use by_order;

/// The LL/SC and plain load/store steps for one width (implemented for
/// `u8`..`u64` below). Shared by `ArmLlsc`, `ArmLse` (loads and stores) and
/// `ArmDetect` (everything, when the CPU has no LSE).
///
/// They take the atomic itself, so that the pointer the asm uses is always
/// `Word::as_ptr` of a live, aligned atomic.
pub(super) trait Llsc: Word {
    fn load(a: &Self::Atomic, order: Ordering) -> Self;
    fn store(a: &Self::Atomic, v: Self, order: Ordering);
    fn fetch_add(a: &Self::Atomic, v: Self, order: Ordering) -> Self;
    fn fetch_sub(a: &Self::Atomic, v: Self, order: Ordering) -> Self;
    /// The value read; the CAS succeeded iff it equals `current`.
    fn cas(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Self;
    fn cas_weak(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Result<Self, Self>;
}

/// `ldr{s}` / `ldar{s}`.
macro_rules! load {
    ($a:literal, $l:literal, $s:literal, $m:literal, $p:ident) => {{
        let v;
        // SAFETY: `$p` is `Word::as_ptr` of a live atomic: valid, aligned,
        // and only ever accessed atomically. Flags: untouched. Memory: compiler barrier.
        unsafe {
            asm!(
                concat!("ld", $a, "r", $s, " {v", $m, "}, [{p}]"),
                p = in(reg) $p,
                v = lateout(reg) v,
                options(nostack, preserves_flags),
            );
        }
        v
    }};
}

/// `str{s}` / `stlr{s}`.
macro_rules! store {
    ($a:literal, $l:literal, $s:literal, $m:literal, $p:ident, $v:ident) => {{
        // SAFETY: as for `load!`. Flags: untouched.
        unsafe {
            asm!(
                concat!("st", $l, "r", $s, " {v", $m, "}, [{p}]"),
                p = in(reg) $p,
                v = in(reg) $v,
                options(nostack, preserves_flags),
            );
        }
    }};
}

/// `ld{a}xr` / `add`|`sub` / `st{l}xr` / `cbnz` retry loop; returns the old
/// value.
macro_rules! rmw_loop {
    ($a:literal, $l:literal, $op:literal, $s:literal, $m:literal, $p:ident, $v:ident) => {{
        let old;
        // SAFETY: as for `load!`. `new` and `fail` are scratch registers
        // (`out`, not `lateout`: they are written before `p` and `v` are last
        // read). Flags: untouched (`add`/`sub`, not `adds`/`subs`).
        unsafe {
            asm!(
                "2:",
                concat!("ld", $a, "xr", $s, " {old", $m, "}, [{p}]"),
                concat!($op, " {new", $m, "}, {old", $m, "}, {v", $m, "}"),
                concat!("st", $l, "xr", $s, " {fail:w}, {new", $m, "}, [{p}]"),
                "cbnz {fail:w}, 2b",
                p = in(reg) $p,
                v = in(reg) $v,
                old = out(reg) old,
                new = out(reg) _,
                fail = out(reg) _,
                options(nostack, preserves_flags),
            );
        }
        old
    }};
}

/// Strong CAS: `ld{a}xr`, compare, on mismatch `clrex` and leave; else
/// `st{l}xr` and retry while the store-exclusive fails. Returns the value
/// read; the CAS succeeded iff it equals `current`.
macro_rules! cas_loop {
    ($a:literal, $l:literal, $s:literal, $m:literal, $ext:literal, $p:ident, $cur:ident, $new:ident) => {{
        let prev;
        // SAFETY: as for `load!`. `clrex` on the mismatch path drops the
        // exclusive monitor we armed, so no later unrelated `stxr` can pair
        // with this `ldxr`. Flags: clobbered by `cmp`.
        unsafe {
            asm!(
                "2:",
                concat!("ld", $a, "xr", $s, " {prev", $m, "}, [{p}]"),
                concat!("cmp {prev", $m, "}, {cur", $m, "}", $ext),
                "b.ne 3f",
                concat!("st", $l, "xr", $s, " {fail:w}, {new", $m, "}, [{p}]"),
                "cbnz {fail:w}, 2b",
                "b 4f",
                "3:",
                "clrex",
                "4:",
                p = in(reg) $p,
                cur = in(reg) $cur,
                new = in(reg) $new,
                prev = out(reg) prev,
                fail = out(reg) _,
                options(nostack),
            );
        }
        prev
    }};
}

/// Weak CAS: one `ld{a}xr` / `cmp` / `st{l}xr` attempt, no retry. `fail` is
/// 0 iff the store-exclusive succeeded; a spurious failure reports the value
/// read (equal to `current`), as `compare_exchange_weak` does.
macro_rules! cas_once {
    ($a:literal, $l:literal, $s:literal, $m:literal, $ext:literal, $p:ident, $cur:ident, $new:ident) => {{
        let prev;
        let fail: u32;
        // SAFETY: as for `cas_loop!`. `fail` starts at 1 (the mismatch path
        // leaves it); `stxr` overwrites it with its status.
        unsafe {
            asm!(
                concat!("ld", $a, "xr", $s, " {prev", $m, "}, [{p}]"),
                concat!("cmp {prev", $m, "}, {cur", $m, "}", $ext),
                "b.ne 3f",
                concat!("st", $l, "xr", $s, " {fail:w}, {new", $m, "}, [{p}]"),
                "b 4f",
                "3:",
                "clrex",
                "4:",
                p = in(reg) $p,
                cur = in(reg) $cur,
                new = in(reg) $new,
                prev = out(reg) prev,
                fail = inout(reg) 1u32 => fail,
                options(nostack),
            );
        }
        (prev, fail)
    }};
}

macro_rules! impl_llsc {
    ($($w:ty: suffix $s:literal, modifier $m:literal, extend $ext:literal;)*) => {$(
        impl Llsc for $w {
            #[inline(always)]
            fn load(a: &Self::Atomic, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                // Relaxed: `ldr`; Acquire, SeqCst: `ldar` (RCsc against `stlr`).
                if let Relaxed = order {
                    load!("", "", $s, $m, p)
                } else {
                    load!("a", "", $s, $m, p)
                }
            }
            #[inline(always)]
            fn store(a: &Self::Atomic, v: Self, order: Ordering) {
                let p = <Self as Word>::as_ptr(a);
                // Relaxed: `str`; Release, SeqCst: `stlr`.
                if let Relaxed = order {
                    store!("", "", $s, $m, p, v)
                } else {
                    store!("", "l", $s, $m, p, v)
                }
            }
            #[inline(always)]
            fn fetch_add(a: &Self::Atomic, v: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                by_order!(order, rmw_loop!("add", $s, $m, p, v))
            }
            #[inline(always)]
            fn fetch_sub(a: &Self::Atomic, v: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                by_order!(order, rmw_loop!("sub", $s, $m, p, v))
            }
            #[inline(always)]
            fn cas(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Self {
                let p = <Self as Word>::as_ptr(a);
                by_order!(order, cas_loop!($s, $m, $ext, p, current, new))
            }
            #[inline(always)]
            fn cas_weak(a: &Self::Atomic, current: Self, new: Self, order: Ordering) -> Result<Self, Self> {
                let p = <Self as Word>::as_ptr(a);
                let (prev, fail): (Self, u32) = by_order!(order, cas_once!($s, $m, $ext, p, current, new));
                if fail == 0 { Ok(prev) } else { Err(prev) }
            }
        }
    )*};
}

// `suffix`: the mnemonic's size; `modifier`: w or x registers; `extend`: how
// the CAS compares the expected value (zero-extending its low 8/16 bits).
impl_llsc! {
    u8: suffix "b", modifier ":w", extend ", uxtb";
    u16: suffix "h", modifier ":w", extend ", uxth";
    u32: suffix "", modifier ":w", extend "";
    u64: suffix "", modifier ":x", extend "";
}

macro_rules! impl_backend {
    ($($w:ty),*) => {$(
        // SAFETY: every step is one LL/SC loop (or one single-copy-atomic load
        // or store) on the word, with the orderings of the module table.
        unsafe impl Native<$w> for ArmLlsc {
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
                <$w as Llsc>::fetch_add(a, v, order)
            }
            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                <$w as Llsc>::fetch_sub(a, v, order)
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
                    <$w as Llsc>::cas(a, current, new, order)
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
                let order = cas_order(success, failure);
                <$w as Llsc>::cas_weak(a, current, new, order)
            }
        }
    )*};
}
impl_backend!(u8, u16, u32, u64);
impl_backend_by_width!(ArmLlsc, "arm-llsc");
