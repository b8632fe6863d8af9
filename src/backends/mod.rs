//! Backends: how one atomic step is done.
//!
//! `FrozenRefcount<E, B>` never touches its word except through
//! `B: Backend<E::Word>`. A backend is a zero-sized marker type with one
//! implementation per word width; it knows nothing of the protocol. See
//! `README.md` in this folder for what is where, and the bottom of this file
//! for the choice of [`DefaultBackend`].

use crate::Word;
use core::sync::atomic::Ordering;

mod core_atomics;
pub use core_atomics::CoreAtomics;

#[cfg(all(feature = "portable-atomic", not(frozen_refcount_loom)))]
mod portable;
#[cfg(all(feature = "portable-atomic", not(frozen_refcount_loom)))]
pub use portable::PortableAtomics;

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    not(miri),
    not(frozen_refcount_loom)
))]
mod x86;
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    not(miri),
    not(frozen_refcount_loom)
))]
pub use x86::X86Asm;

#[cfg(all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom)))]
mod arm_detect;
#[cfg(all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom)))]
mod arm_llsc;
#[cfg(all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom)))]
mod arm_lse;
#[cfg(all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom)))]
pub use arm_detect::ArmDetect;
#[cfg(all(target_arch = "aarch64", not(miri), not(frozen_refcount_loom)))]
pub use arm_llsc::ArmLlsc;
#[cfg(all(
    target_arch = "aarch64",
    target_feature = "lse",
    not(miri),
    not(frozen_refcount_loom)
))]
pub use arm_lse::ArmLse;

#[cfg(feature = "std")]
mod counting;
#[cfg(feature = "std")]
pub use counting::{Counting, Counts};

/// One atomic step on a word of width `W`.
///
/// # Safety
///
/// Implementations must perform each operation as a single atomic operation
/// on the word, with at least the requested memory ordering, exactly as the
/// `core::sync::atomic` method of the same name does. `FrozenRefcount`'s
/// guarantees (one `Last` per life, frozen is sticky) rest on it.
pub unsafe trait Backend<W: Word>: Send + Sync + 'static {
    /// Short name, for benchmark labels.
    const NAME: &'static str;
    /// Atomic load.
    fn load(a: &W::Atomic, order: Ordering) -> W;
    /// Atomic store.
    fn store(a: &W::Atomic, v: W, order: Ordering);
    /// Atomic add, wrapping, returning the previous value.
    fn fetch_add(a: &W::Atomic, v: W, order: Ordering) -> W;
    /// Atomic subtract, wrapping, returning the previous value.
    fn fetch_sub(a: &W::Atomic, v: W, order: Ordering) -> W;
    /// Strong compare-and-exchange: fails only if the value differs.
    fn compare_exchange(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W>;
    /// Weak compare-and-exchange: may fail spuriously (LL/SC), for loops.
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
    /// An acquire barrier after a release RMW on `a` (the last `put` of
    /// `Classic`, like `Arc::drop`'s `fence(Acquire)`).
    ///
    /// Under `--cfg frozen_refcount_tsan` (pass it with
    /// `-Zsanitizer=thread`), an Acquire load of `a` instead, as std's `Arc`
    /// does under `cfg(sanitize = "thread")`: ThreadSanitizer does not model
    /// fences. The load reads our own release RMW or a later one, so it
    /// synchronises with the same release sequences the fence would.
    #[inline(always)]
    fn acquire_fence(a: &W::Atomic) {
        #[cfg(frozen_refcount_tsan)]
        let _ = Self::load(a, Ordering::Acquire);
        #[cfg(not(frozen_refcount_tsan))]
        {
            let _ = a;
            crate::primitive::fence(Ordering::Acquire);
        }
    }
}

// The choice of `DefaultBackend`, per target, from the deterministic
// instruction counts in the README section "Backends" (uncontended
// try_get + put round, HighBit<u32>). The benchmark issue confirms or
// corrects each choice from timed measurements on real hardware.
cfg_if::cfg_if! {
    if #[cfg(any(miri, frozen_refcount_loom))] {
        /// The backend used when none is named: under Miri and loom, core's
        /// atomics (loom's, under loom), the only ones those tools can see.
        pub type DefaultBackend = CoreAtomics;
    } else if #[cfg(all(target_arch = "aarch64", target_feature = "lse"))] {
        /// The backend used when none is named. AArch64 with LSE at compile
        /// time: [`ArmLse`], inline `ldadd*`/`cas*`. `CoreAtomics` emits the
        /// same instructions here (12 instructions per try_get + put round
        /// for both); `ArmLse` pins them down independently of the
        /// compiler's lowering.
        pub type DefaultBackend = ArmLse;
    } else if #[cfg(all(
        target_arch = "aarch64",
        any(target_os = "linux", target_os = "android"),
    ))] {
        /// The backend used when none is named. AArch64 Linux/Android
        /// without compile-time LSE: [`ArmDetect`], which inlines both LSE
        /// and LL/SC and picks one per process (`getauxval`). Against
        /// `CoreAtomics`' outline atomics (`bl __aarch64_ldadd4_acq`, a call
        /// that checks a flag) it runs 16 instead of 26 instructions per
        /// try_get + put round on an LSE core and 26 instead of 34 on an
        /// LL/SC core.
        pub type DefaultBackend = ArmDetect;
    } else {
        /// The backend used when none is named: core's atomics. On x86 and
        /// x86_64 they are the same instructions as `X86Asm` (`lock xadd`,
        /// `lock cmpxchg`; 14 instructions per try_get + put round for both,
        /// callgrind), take the same time (`compare`, one run: `HighBit`
        /// try_get + put 16.25 ns on `CoreAtomics`, 16.19 ns on `X86Asm`),
        /// and leave the compiler free to optimise around `Relaxed` steps;
        /// on other targets they are the only backend. Choices made from
        /// instruction counts and `examples/compare.rs`; re-measure on a new
        /// target before changing them.
        pub type DefaultBackend = CoreAtomics;
    }
}
