//! `PortableAtomics`: the portable-atomic crate (feature `portable-atomic`).

use super::{impl_backend_by_width, Native};
use crate::word::Word;
use core::sync::atomic::Ordering;

/// The backend on the `portable-atomic` crate, whose own per-target
/// implementations (inline asm on many targets, fallbacks where the target
/// has no native atomic of the width) do each step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortableAtomics;

macro_rules! impl_portable {
    ($($(#[$cfg:meta])* $w:ty => $pa:ident;)*) => {$(
        $(#[$cfg])*
        // SAFETY: forwards to portable-atomic's atomic of the same width, which
        // has the same layout as core's and is atomic with it.
        unsafe impl Native<$w> for PortableAtomics {
            #[inline(always)]
            fn load(a: &<$w as Word>::Atomic, order: Ordering) -> $w {
                view::<$w>(a).load(order)
            }
            #[inline(always)]
            fn store(a: &<$w as Word>::Atomic, v: $w, order: Ordering) {
                view::<$w>(a).store(v, order)
            }
            #[inline(always)]
            fn fetch_add(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                view::<$w>(a).fetch_add(v, order)
            }
            #[inline(always)]
            fn fetch_sub(a: &<$w as Word>::Atomic, v: $w, order: Ordering) -> $w {
                view::<$w>(a).fetch_sub(v, order)
            }
            #[inline(always)]
            fn compare_exchange(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                view::<$w>(a).compare_exchange(current, new, success, failure)
            }
            #[inline(always)]
            fn compare_exchange_weak(
                a: &<$w as Word>::Atomic,
                current: $w,
                new: $w,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$w, $w> {
                view::<$w>(a).compare_exchange_weak(current, new, success, failure)
            }
        }
        $(#[$cfg])*
        impl View for $w {
            type Portable = portable_atomic::$pa;
        }
    )*};
}

trait View: Word {
    type Portable;
}

/// Views core's atomic as portable-atomic's atomic of the same width.
#[inline(always)]
fn view<W: View>(a: &W::Atomic) -> &W::Portable {
    // SAFETY: portable-atomic's `AtomicUN` is `repr(C, align(N))` over the
    // same integer as core's `AtomicUN` (same size and alignment, checked by
    // the assertions below), and both access it only atomically, so the
    // reference is valid for the lifetime of `a`.
    unsafe { &*(W::as_ptr(a) as *const W::Portable) }
}

const _: () = {
    use core::mem::{align_of, size_of};
    assert!(size_of::<portable_atomic::AtomicU32>() == size_of::<core::sync::atomic::AtomicU32>());
    assert!(
        align_of::<portable_atomic::AtomicU32>() == align_of::<core::sync::atomic::AtomicU32>()
    );
    assert!(
        align_of::<portable_atomic::AtomicU16>() == align_of::<core::sync::atomic::AtomicU16>()
    );
    assert!(align_of::<portable_atomic::AtomicU8>() == align_of::<core::sync::atomic::AtomicU8>());
    #[cfg(target_has_atomic = "64")]
    assert!(
        align_of::<portable_atomic::AtomicU64>() == align_of::<core::sync::atomic::AtomicU64>()
    );
};

impl_portable! {
    u8 => AtomicU8;
    u16 => AtomicU16;
    u32 => AtomicU32;
    #[cfg(target_has_atomic = "64")]
    u64 => AtomicU64;
}
impl_backend_by_width!(PortableAtomics, "portable");
