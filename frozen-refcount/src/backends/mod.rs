//! Backends: how one atomic step is done.
//!
//! `FrozenRefcount<E, B>` never touches its word except through
//! `B: Backend`. A backend is a zero-sized marker type, generic over the word
//! width; it knows nothing of the protocol. See
//! `README.md` in this folder for what is where, and the bottom of this file
//! for the choice of [`DefaultBackend`].

use crate::word::Word;
use core::sync::atomic::Ordering;

/// THE list of backends, one line each:
/// `[cfg] module::Type => short, gate;`, where `cfg` is where the backend
/// exists (`[mod also where ..]`: where its module is compiled for others' use
/// besides), `short` the name its assembly dump carries in the repository,
/// and `gate` the hidden macro that holds the cfg: `gate! { items }` keeps
/// them where the backend exists, `gate! { if { A } else { B } }` picks.
///
/// It declares each module, re-exports each type, and exports the hidden
/// [`for_each_backend!`](crate::for_each_backend) that the tests, the
/// benches and the asm probe call: adding a backend is its file and one line
/// here. The cfg of each line is evaluated here, in this crate, through its
/// gate macro, not in the caller: a feature such as `portable-atomic` is this
/// crate's, and a caller's `cfg(feature = ..)` would read its own.
macro_rules! backends {
    ($d:tt $(
        [$($cfg:tt)*] $([mod also where $($mcfg:tt)*])?
        $module:ident :: $ty:ident => $short:ident, $gate:ident;
    )*) => {
        $(
            #[cfg(any($($cfg)*, $($($mcfg)*)?))]
            mod $module;
            #[cfg($($cfg)*)]
            pub use $module::$ty;

            #[cfg($($cfg)*)]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! $gate {
                (if { $d ($d yes:tt)* } else { $d ($d no:tt)* }) => { $d ($d yes)* };
                ($d ($d yes:tt)*) => { $d ($d yes)* };
            }
            #[cfg(not($($cfg)*))]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! $gate {
                (if { $d ($d yes:tt)* } else { $d ($d no:tt)* }) => { $d ($d no)* };
                ($d ($d yes:tt)*) => {};
            }
        )*

        /// `for_each_backend!(m!(args…))` invokes
        /// `m! { @backend Type, short, args… }` once for every backend that
        /// exists on this target with this crate's features; `Type` is a path
        /// to the backend, `short` its dump name (`core`, `x86_asm`, …).
        /// Expands to items or statements, whichever `m!` gives.
        ///
        /// The repository's tests, benches and asm probe go through it; it is
        /// hidden and not part of the semver-stable API.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_backend {
            ($d m:ident ! ( $d ($d args:tt)* )) => {
                $(
                    $d crate::$gate! { $d m! { @backend $d crate::$ty, $short, $d ($d args)* } }
                )*
            };
        }
    };
}

// `CoreAtomics` only where the target's core atomics have read-modify-writes
// at 8, 16 and 32 bits: not on Cortex-M0/M0+ (`thumbv6m`) or RV32 without
// the A extension (`riscv32imc`), where they are loads and stores only. So
// naming it there is a compile error, not a link error, and `DefaultBackend`
// is `PortableAtomics` there (bottom of this file, `__if_backend_core!`).
backends! {
    $
    [any(
        frozen_refcount_loom,
        all(target_has_atomic = "8", target_has_atomic = "16", target_has_atomic = "32")
    )] core_atomics::CoreAtomics => core, __if_backend_core;
    [all(feature = "portable-atomic", not(frozen_refcount_loom))]
        portable::PortableAtomics => portable, __if_backend_portable;
    [all(any(target_arch = "x86", target_arch = "x86_64"), not(miri), not(frozen_refcount_loom))]
        x86::X86Asm => x86_asm, __if_backend_x86_asm;
    [all(target_arch = "aarch64", target_feature = "lse", not(miri), not(frozen_refcount_loom))]
        [mod also where all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom))]
        arm_lse::ArmLse => arm_lse, __if_backend_arm_lse;
    [all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom))]
        arm_llsc::ArmLlsc => arm_llsc, __if_backend_arm_llsc;
    [all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom))]
        arm_detect::ArmDetect => arm_detect, __if_backend_arm_detect;
}

#[cfg(feature = "std")]
mod counting;
#[cfg(feature = "std")]
pub use counting::{Counting, Counts};

/// One atomic step on a counter word, of any width.
///
/// A backend is a zero-sized marker type. Its methods are generic over the
/// [`Word`], so `FrozenRefcount<E, B>` is well-formed for every encoding and
/// every backend with no bound to repeat in generic code: a backend built on
/// per-width instructions does the width dispatch inside (the built-in ones
/// match on the word's width, which the compiler resolves at
/// monomorphisation, leaving one instruction sequence per width).
///
/// The methods are associated functions (no `self`), so call them with the
/// width named when it cannot be inferred: `B::load::<u32>(a, Relaxed)`.
///
/// # Safety
///
/// Implementations must perform each operation as a single atomic operation
/// on the word, with at least the requested memory ordering, exactly as the
/// `core::sync::atomic` method of the same name does. `FrozenRefcount`'s
/// guarantees (one `Last` per life, frozen is sticky) rest on it.
///
/// ```
/// use core::sync::atomic::Ordering;
/// use frozen_refcount::{Backend, CoreAtomics, FrozenRefcount, HighBit, Word};
///
/// /// Logs every RMW, then forwards to core's atomics.
/// struct Logged;
/// // SAFETY: every step is forwarded to `CoreAtomics`.
/// unsafe impl Backend for Logged {
///     const NAME: &'static str = "logged";
///     fn load<W: Word>(a: &W::Atomic, o: Ordering) -> W { CoreAtomics::load(a, o) }
///     fn store<W: Word>(a: &W::Atomic, v: W, o: Ordering) { CoreAtomics::store(a, v, o) }
///     fn fetch_add<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
///         println!("fetch_add {v:?}");
///         CoreAtomics::fetch_add(a, v, o)
///     }
///     fn fetch_sub<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
///         println!("fetch_sub {v:?}");
///         CoreAtomics::fetch_sub(a, v, o)
///     }
///     fn compare_exchange<W: Word>(
///         a: &W::Atomic, current: W, new: W, s: Ordering, f: Ordering,
///     ) -> Result<W, W> {
///         CoreAtomics::compare_exchange(a, current, new, s, f)
///     }
/// }
///
/// let rc = FrozenRefcount::<HighBit<u16>, Logged>::new(1);
/// assert!(rc.try_get()); // prints "fetch_add 1"
/// ```
pub unsafe trait Backend: Send + Sync + 'static {
    /// Short name, for benchmark labels.
    const NAME: &'static str;
    /// Atomic load.
    fn load<W: Word>(a: &W::Atomic, order: Ordering) -> W;
    /// Atomic store.
    fn store<W: Word>(a: &W::Atomic, v: W, order: Ordering);
    /// Atomic add, wrapping, returning the previous value.
    fn fetch_add<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W;
    /// Atomic subtract, wrapping, returning the previous value.
    fn fetch_sub<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W;
    /// Strong compare-and-exchange: fails only if the value differs.
    fn compare_exchange<W: Word>(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W>;
    /// Atomic add, wrapping, reporting only whether the result's top bit is
    /// set (Linux `atomic_add_negative`). Used by [`Biased`](crate::Biased)'s
    /// `try_get`, whose fast path needs nothing more. The default is
    /// [`fetch_add`](Self::fetch_add) and a test of the sum, which LLVM
    /// lowers to `lock add` + `sets` on x86 when nothing else reads the sum;
    /// a backend whose `fetch_add` is opaque (inline asm) overrides it to
    /// get the same.
    #[inline(always)]
    fn add_is_negative<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> bool {
        Self::fetch_add::<W>(a, v, order).wrapping_add(v) >> (W::BITS - 1) != W::ZERO
    }
    /// Weak compare-and-exchange: may fail spuriously (LL/SC), for loops.
    #[inline(always)]
    fn compare_exchange_weak<W: Word>(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W> {
        Self::compare_exchange(a, current, new, success, failure)
    }
    /// An acquire barrier after a release RMW on `a` (the last `put` of
    /// `Classic`, like `Arc::drop`'s `fence(Acquire)`).
    ///
    /// Under `--cfg frozen_refcount_tsan` (pass it with
    /// `-Zsanitizer=thread`), an Acquire load of `a` instead, as std's `Arc`
    /// does under `cfg(sanitize = "thread")`: ThreadSanitizer does not model
    /// fences. The load reads our own release RMW or a later one, so it
    /// synchronises with the same release sequences the fence would.
    #[inline(always)]
    fn acquire_fence<W: Word>(a: &W::Atomic) {
        #[cfg(frozen_refcount_tsan)]
        let _ = Self::load::<W>(a, Ordering::Acquire);
        #[cfg(not(frozen_refcount_tsan))]
        {
            let _ = a;
            crate::primitive::fence(Ordering::Acquire);
        }
    }
}

/// One atomic step on a word of one width: what the built-in backends
/// implement per width, for `u8`, `u16`, `u32` and `u64`.
/// [`impl_backend_by_width!`] turns the four into the generic [`Backend`].
///
/// # Safety
///
/// As for [`Backend`].
pub(crate) unsafe trait Native<W: Word> {
    fn load(a: &W::Atomic, order: Ordering) -> W;
    fn store(a: &W::Atomic, v: W, order: Ordering);
    fn fetch_add(a: &W::Atomic, v: W, order: Ordering) -> W;
    fn fetch_sub(a: &W::Atomic, v: W, order: Ordering) -> W;
    #[inline(always)]
    fn add_is_negative(a: &W::Atomic, v: W, order: Ordering) -> bool {
        Self::fetch_add(a, v, order).wrapping_add(v) >> (W::BITS - 1) != W::ZERO
    }
    fn compare_exchange(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W>;
    #[inline(always)]
    fn compare_exchange_weak(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W> {
        Self::compare_exchange(a, current, new, success, failure)
    }
}

/// `unsafe impl Backend for $b`, each method a `match` on the word's width
/// that calls `$b`'s [`Native`] impl of that width. The match is on a value
/// the sealed `Word::view` builds from a constant variant, so after inlining
/// one arm is left and the `to_u64`/`from_u64` conversions are no-ops: the
/// same instructions as a per-width impl (the asm dumps check it).
macro_rules! impl_backend_by_width {
    ($b:ty, $name:literal) => {
        // SAFETY: every method forwards to `$b`'s `Native` impl of the word's
        // width, which upholds the `Backend` contract for that width.
        unsafe impl $crate::backends::Backend for $b {
            const NAME: &'static str = $name;
            #[inline(always)]
            fn load<W: $crate::word::Word>(a: &W::Atomic, order: Ordering) -> W {
                $crate::backends::by_width!(W, a, |a, T| W::from_u64(
                    <$b as $crate::backends::Native<T>>::load(a, order) as u64
                ))
            }
            #[inline(always)]
            fn store<W: $crate::word::Word>(a: &W::Atomic, v: W, order: Ordering) {
                $crate::backends::by_width!(W, a, |a, T| {
                    <$b as $crate::backends::Native<T>>::store(a, v.to_u64() as T, order)
                })
            }
            #[inline(always)]
            fn fetch_add<W: $crate::word::Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
                $crate::backends::by_width!(W, a, |a, T| W::from_u64(
                    <$b as $crate::backends::Native<T>>::fetch_add(a, v.to_u64() as T, order)
                        as u64
                ))
            }
            #[inline(always)]
            fn fetch_sub<W: $crate::word::Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
                $crate::backends::by_width!(W, a, |a, T| W::from_u64(
                    <$b as $crate::backends::Native<T>>::fetch_sub(a, v.to_u64() as T, order)
                        as u64
                ))
            }
            #[inline(always)]
            fn add_is_negative<W: $crate::word::Word>(
                a: &W::Atomic,
                v: W,
                order: Ordering,
            ) -> bool {
                $crate::backends::by_width!(W, a, |a, T| {
                    <$b as $crate::backends::Native<T>>::add_is_negative(a, v.to_u64() as T, order)
                })
            }
            #[inline(always)]
            fn compare_exchange<W: $crate::word::Word>(
                a: &W::Atomic,
                current: W,
                new: W,
                success: Ordering,
                failure: Ordering,
            ) -> Result<W, W> {
                $crate::backends::by_width!(W, a, |a, T| {
                    let r = <$b as $crate::backends::Native<T>>::compare_exchange(
                        a,
                        current.to_u64() as T,
                        new.to_u64() as T,
                        success,
                        failure,
                    );
                    $crate::backends::widen(r)
                })
            }
            #[inline(always)]
            fn compare_exchange_weak<W: $crate::word::Word>(
                a: &W::Atomic,
                current: W,
                new: W,
                success: Ordering,
                failure: Ordering,
            ) -> Result<W, W> {
                $crate::backends::by_width!(W, a, |a, T| {
                    let r = <$b as $crate::backends::Native<T>>::compare_exchange_weak(
                        a,
                        current.to_u64() as T,
                        new.to_u64() as T,
                        success,
                        failure,
                    );
                    $crate::backends::widen(r)
                })
            }
        }
    };
}
pub(crate) use impl_backend_by_width;

/// `match W::view(a)`: in each arm `$a` is the atomic of width `$t` (a type
/// alias for `u8` … `u64`), and `$body` runs on it.
macro_rules! by_width {
    ($w:ty, $a:expr, |$x:ident, $t:ident| $body:expr) => {{
        use $crate::word::AtomicRef;
        match <$w as $crate::word::Sealed>::view($a) {
            AtomicRef::U8($x) => {
                #[allow(dead_code)]
                type $t = u8;
                $body
            }
            AtomicRef::U16($x) => {
                #[allow(dead_code)]
                type $t = u16;
                $body
            }
            AtomicRef::U32($x) => {
                #[allow(dead_code)]
                type $t = u32;
                $body
            }
            #[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
            AtomicRef::U64($x) => {
                #[allow(dead_code)]
                type $t = u64;
                $body
            }
        }
    }};
}
pub(crate) use by_width;

/// A CAS result of a concrete width, widened back to the generic word.
#[inline(always)]
pub(crate) fn widen<T: Word, W: Word>(r: Result<T, T>) -> Result<W, W> {
    match r {
        Ok(v) => Ok(W::from_u64(v.to_u64())),
        Err(v) => Err(W::from_u64(v.to_u64())),
    }
}

// The choice of `DefaultBackend`, per target, from deterministic executed
// instruction counts of an uncontended try_get + put round on HighBit<u32>
// (the table, and the command that reproduces it, are in `guide::backends`).
// Re-measure on a new target before changing one.
cfg_if::cfg_if! {
    if #[cfg(any(miri, frozen_refcount_loom))] {
        /// The backend used when none is named: under Miri and loom, core's
        /// atomics (loom's, under loom), the only ones those tools can see.
        pub type DefaultBackend = CoreAtomics;
    } else if #[cfg(all(target_arch = "aarch64", target_feature = "lse"))] {
        /// The backend used when none is named. AArch64 with LSE at compile
        /// time: [`ArmLse`], inline `ldadd*`/`cas*`. `CoreAtomics` emits the
        /// same instructions here (12 executed instructions per uncontended
        /// try_get + put round for both); `ArmLse` pins them down
        /// independently of the compiler's lowering. The choice per target:
        /// [`guide::backends`](crate::guide::backends#the-default-per-target).
        pub type DefaultBackend = ArmLse;
    } else if #[cfg(all(
        target_arch = "aarch64",
        any(target_os = "linux", target_os = "android"),
    ))] {
        /// The backend used when none is named. AArch64 Linux/Android
        /// without compile-time LSE: [`ArmDetect`], which inlines both LSE
        /// and LL/SC and picks one per process (`getauxval`). Against
        /// `CoreAtomics`' outline atomics (`bl __aarch64_ldadd4_acq`, a call
        /// that checks a flag) it executes 16 instead of 26 instructions per
        /// uncontended try_get + put round on an LSE core and 26 instead of
        /// 34 on an LL/SC core. The choice per target:
        /// [`guide::backends`](crate::guide::backends#the-default-per-target).
        pub type DefaultBackend = ArmDetect;
    } else {
        __if_backend_core! {
            if {
                /// The backend used when none is named: core's atomics. On x86
                /// and x86-64 they are the same instructions as `X86Asm`, in
                /// the same order (`lock xadd`, `lock cmpxchg`: 14 executed
                /// instructions per uncontended try_get + put round on
                /// either), and they leave the compiler free to optimise
                /// around `Relaxed` steps, which an asm block forbids. On other
                /// targets (riscv64 included: one `amoadd.w` per get or put)
                /// they are the only native backend. The choice per target,
                /// and how to compare backends on your own machine:
                /// [`guide::backends`](crate::guide::backends#the-default-per-target).
                pub type DefaultBackend = CoreAtomics;
            } else {
                cfg_if::cfg_if! {
                    if #[cfg(feature = "portable-atomic")] {
                        /// The backend used when none is named. A core with no
                        /// atomic read-modify-write (Cortex-M0/M0+ `thumbv6m`,
                        /// RV32IMC `riscv32imc`): [`PortableAtomics`], whose RMWs
                        /// take a critical section (portable-atomic's
                        /// `critical-section` feature) or disable interrupts
                        /// (`unsafe-assume-single-core`); what each costs:
                        /// [`guide::backends`](crate::guide::backends#cores-with-no-atomic-read-modify-write).
                        /// There is no `CoreAtomics` there.
                        pub type DefaultBackend = PortableAtomics;
                    } else {
                        compile_error!(
                            "frozen-refcount: this target has no atomic read-modify-write \
                             (no `target_has_atomic = \"32\"`, e.g. thumbv6m, riscv32imc), so \
                             there is no `CoreAtomics`: enable the `portable-atomic` feature, \
                             with portable-atomic's `critical-section` or \
                             `unsafe-assume-single-core` feature (https://docs.rs/frozen-refcount/latest/\
                             frozen_refcount/guide/backends/index.html#cores-with-no-atomic-read-modify-write)"
                        );
                    }
                }
            }
        }
    }
}
