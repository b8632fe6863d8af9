//! The one place that knows about loom (the crossbeam `primitive` pattern).
//!
//! Every other module takes its atomic types, fences and the `const`-ness of
//! constructors from here. Under `--cfg frozen_refcount_loom` the atomics are
//! loom's model-checked ones; otherwise they are `core::sync::atomic`.
//! The cfg is crate-prefixed on purpose: a plain `--cfg loom` would also flip
//! tokio and every other crate in a user's dependency graph.

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
/// `const` constructor. The body is written once.
macro_rules! const_fn_unless_loom {
    ($(#[$meta:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(frozen_refcount_loom))]
        $(#[$meta])* $vis const fn $($rest)*
        #[cfg(frozen_refcount_loom)]
        $(#[$meta])* $vis fn $($rest)*
    };
}
pub(crate) use const_fn_unless_loom;

/// Builds the atomic for an initial word value given as a `u64`, in a `const`
/// context, for any word width.
///
/// Stable Rust has no `const` trait methods, so a generic `const fn new` cannot
/// call `AtomicU32::new`. Instead the value is written as a `u64` into a union
/// and read back as the atomic type. This is sound because every
/// `Word::Atomic` is one of core's atomic integers, which "have the same
/// in-memory representation as the underlying integer type" (core docs), are
/// at most 8 bytes, and accept every bit pattern; `Word` is sealed, so no other
/// type can be named here. On big-endian targets the narrow value sits in the
/// high-order bytes of the `u64`, hence the shift.
#[cfg(not(frozen_refcount_loom))]
pub(crate) const fn atomic_from_u64<W: crate::word::Word>(value: u64) -> W::Atomic {
    #[repr(C)]
    union Pun<W: crate::word::Word> {
        wide: u64,
        atomic: core::mem::ManuallyDrop<W::Atomic>,
    }
    let value = if cfg!(target_endian = "big") {
        value << (64 - W::BITS)
    } else {
        value
    };
    // SAFETY: see above; `wide` initialises all 8 bytes, `atomic` reads the
    // first `W::BITS / 8` of them, and every bit pattern is a valid atomic.
    core::mem::ManuallyDrop::into_inner(unsafe { Pun::<W> { wide: value }.atomic })
}

/// Under loom the constructor is an ordinary function.
#[cfg(frozen_refcount_loom)]
pub(crate) fn atomic_from_u64<W: crate::word::Word>(value: u64) -> W::Atomic {
    W::new_atomic(W::from_u64(value))
}
