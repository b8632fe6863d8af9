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
    #[inline(always)]
    fn acquire_fence(a: &W::Atomic) {
        let _ = a;
        crate::primitive::fence(Ordering::Acquire);
    }
}

cfg_if::cfg_if! {
    if #[cfg(any(miri, frozen_refcount_loom))] {
        /// The backend used when none is named: under Miri and loom, core's
        /// atomics (loom's, under loom).
        pub type DefaultBackend = CoreAtomics;
    } else {
        /// The backend used when none is named. For now core's atomics on
        /// every target; the arch backends and the benchmark suite confirm or
        /// correct this choice per target from measurements.
        pub type DefaultBackend = CoreAtomics;
    }
}
