//! `CoreAtomics`: `core::sync::atomic` (loom's atomics under
//! `--cfg frozen_refcount_loom`, through `crate::primitive`).

use super::{impl_backend_by_width, Native};
use crate::word::Word;
use core::sync::atomic::Ordering;

/// The backend on `core::sync::atomic`: whatever the compiler emits for
/// `fetch_add`, `compare_exchange` and friends on the target (on aarch64 that
/// includes rustc's outline atomics). Under `--cfg frozen_refcount_loom` it
/// runs on loom's atomics instead, so the loom models check the real protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CoreAtomics;

macro_rules! impl_core {
    ($($(#[$cfg:meta])* $w:ty;)*) => {$(
        $(#[$cfg])*
        // SAFETY: forwards to the atomic type's own methods.
        unsafe impl Native<$w> for CoreAtomics {
            #[inline(always)]
            fn load(a: &<$w as Word>::Atomic, order: Ordering) -> $w {
                a.load(order)
            }
            #[inline(always)]
            fn store(a: &<$w as Word>::Atomic, v: $w, order: Ordering) {
                a.store(v, order)
            }
            #[inline(always)]
            fn fetch_add(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                a.fetch_add(v, order)
            }
            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                a.fetch_sub(v, order)
            }
            #[inline(always)]
            fn compare_exchange(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                a.compare_exchange(current, new, success, failure)
            }
            #[inline(always)]
            fn compare_exchange_weak(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                a.compare_exchange_weak(current, new, success, failure)
            }
        }
    )*};
}
impl_core! {
    u8;
    u16;
    u32;
    #[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
    u64;
}
impl_backend_by_width!(CoreAtomics, "core");
