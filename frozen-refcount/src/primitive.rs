//! The loom switch (the crossbeam `primitive` pattern).
//!
//! Every other module takes its atomic types, fences and the `const`-ness of
//! constructors (`const_fn_unless_loom!`) from here. Under
//! `--cfg frozen_refcount_loom` the atomics are loom's model-checked ones;
//! otherwise they are `core::sync::atomic`. Other files name the cfg only to
//! leave out what loom lacks (the arch backends, views over foreign memory,
//! `Word::as_ptr`), and `word::atomic_from_u64` has a non-`const` twin under
//! loom, since loom's atomics cannot be built by a bit pun.
//! The cfg is crate-prefixed on purpose: a plain `--cfg loom` would also flip
//! tokio and every other crate in a user's dependency graph.
//!
//! [`sync`] is the same switch for the workspace's other crates
//! (`frozen-slab`): re-exported, hidden, as `frozen_refcount::__sync`, so that
//! one `--cfg frozen_refcount_loom` runs loom over a slab and its counters
//! together, and no file of theirs names loom.

#[cfg(not(frozen_refcount_loom))]
#[cfg_attr(frozen_refcount_tsan, allow(unused_imports))] // see `Backend::acquire_fence`
pub(crate) use core::sync::atomic::fence;
#[cfg(frozen_refcount_loom)]
pub(crate) use loom::sync::atomic::fence;

/// The atomic integer types behind every counter word.
pub(crate) mod atomic {
    #[cfg(not(frozen_refcount_loom))]
    #[cfg(target_has_atomic = "64")]
    pub(crate) use core::sync::atomic::AtomicU64;
    #[cfg(not(frozen_refcount_loom))]
    pub(crate) use core::sync::atomic::{AtomicU16, AtomicU32, AtomicU8};

    #[cfg(frozen_refcount_loom)]
    pub(crate) use super::loom_atomic::{AtomicU16, AtomicU32, AtomicU64, AtomicU8};
}

/// loom's atomics, with `store` done as a `swap` whose result is dropped.
///
/// loom 0.7.2 lets a plain `store` by one thread land between the read and the
/// write of another thread's RMW (tokio-rs/loom#254, #389; fix proposed in
/// #391, unreleased): a `try_get`'s `fetch_add` could then read the frozen
/// word, `unfreeze` store the live one, and the `fetch_add` still write
/// "frozen plus one" over it, an execution no C++/Rust memory model allows.
/// The models reported exactly that as a garbage reset undoing `unfreeze`.
/// A `swap` is an RMW, for which loom does keep atomicity. It takes the same
/// place in the modification order as the store would and has the same
/// ordering; it differs only in continuing other threads' release
/// sequences, which the protocol never relies on: every `store` in it
/// (`unfreeze`, re-saturation) is made by a thread that already
/// acquired the word's history, or publishes nothing.
#[cfg(frozen_refcount_loom)]
mod loom_atomic {
    use core::sync::atomic::Ordering;

    macro_rules! atomic {
        ($($name:ident($w:ty);)*) => {$(
            /// loom's atomic of this width, `store` done as `swap`.
            #[derive(Debug)]
            pub struct $name(loom::sync::atomic::$name);
            impl $name {
                #[allow(missing_docs)]
                pub fn new(v: $w) -> Self {
                    Self(loom::sync::atomic::$name::new(v))
                }
                #[allow(missing_docs)]
                pub fn load(&self, order: Ordering) -> $w {
                    self.0.load(order)
                }
                #[allow(missing_docs)]
                pub fn store(&self, v: $w, order: Ordering) {
                    let _ = self.0.swap(v, order);
                }
                #[allow(missing_docs)]
                pub fn swap(&self, v: $w, order: Ordering) -> $w {
                    self.0.swap(v, order)
                }
                #[allow(missing_docs)]
                pub fn fetch_add(&self, v: $w, order: Ordering) -> $w {
                    self.0.fetch_add(v, order)
                }
                #[allow(missing_docs)]
                pub fn fetch_sub(&self, v: $w, order: Ordering) -> $w {
                    self.0.fetch_sub(v, order)
                }
                #[allow(missing_docs)]
                pub fn compare_exchange(
                    &self,
                    current: $w,
                    new: $w,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$w, $w> {
                    self.0.compare_exchange(current, new, success, failure)
                }
                #[allow(missing_docs)]
                pub fn compare_exchange_weak(
                    &self,
                    current: $w,
                    new: $w,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$w, $w> {
                    self.0.compare_exchange_weak(current, new, success, failure)
                }
            }
        )*};
    }
    atomic! {
        AtomicU8(u8);
        AtomicU16(u16);
        AtomicU32(u32);
        AtomicU64(u64);
    }
}

/// Declares a function `const` except under loom, whose atomics have no
/// `const` constructor. The body is written once. Exported, hidden, for
/// frozen-slab, which builds on the same loom switch (`__sync`).
#[doc(hidden)]
#[macro_export]
macro_rules! __const_fn_unless_loom {
    ($(#[$meta:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(frozen_refcount_loom))]
        $(#[$meta])* $vis const fn $($rest)*
        #[cfg(frozen_refcount_loom)]
        $(#[$meta])* $vis fn $($rest)*
    };
}
pub(crate) use crate::__const_fn_unless_loom as const_fn_unless_loom;

/// The switch for the workspace's dependents (`frozen-slab`), exported hidden
/// as `frozen_refcount::__sync`: not a public API, no semver promise.
///
/// Under `--cfg frozen_refcount_loom` loom's types, else core's. The cell is
/// crossbeam's shape: `with`/`with_mut` closures, which loom needs to track
/// each access to the cell's contents.
pub mod sync {
    #[cfg(frozen_refcount_loom)]
    pub use super::loom_atomic::{AtomicU32, AtomicU64};
    #[cfg(not(frozen_refcount_loom))]
    #[cfg(target_has_atomic = "64")]
    pub use core::sync::atomic::AtomicU64;
    #[cfg(not(frozen_refcount_loom))]
    pub use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize};
    #[cfg(frozen_refcount_loom)]
    pub use loom::sync::atomic::{AtomicPtr, AtomicUsize};

    /// `core::cell::UnsafeCell` with loom's access API.
    #[cfg(not(frozen_refcount_loom))]
    #[derive(Debug)]
    #[repr(transparent)]
    pub struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

    #[cfg(not(frozen_refcount_loom))]
    impl<T> UnsafeCell<T> {
        /// A cell holding `v`.
        #[inline(always)]
        pub const fn new(v: T) -> Self {
            Self(core::cell::UnsafeCell::new(v))
        }
        /// Runs `f` on a shared pointer to the contents.
        #[inline(always)]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }
        /// Runs `f` on a unique pointer to the contents.
        #[inline(always)]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
    #[cfg(frozen_refcount_loom)]
    pub use loom::cell::UnsafeCell;

    /// One turn of a wait loop: a spin hint (loom: a yield, which its
    /// scheduler needs to leave a loop that waits on another thread).
    #[inline(always)]
    pub fn spin_hint() {
        #[cfg(not(frozen_refcount_loom))]
        core::hint::spin_loop();
        #[cfg(frozen_refcount_loom)]
        loom::thread::yield_now();
    }
}
