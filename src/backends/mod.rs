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
