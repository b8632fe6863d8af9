//! The word widths a counter can live in: `u8`, `u16`, `u32` and `u64`.

use crate::primitive::atomic;
use core::fmt::Debug;
use core::ops::{BitAnd, BitOr, Not, Shl, Shr};

pub(crate) use sealed::Sealed;

mod sealed {
    use super::AtomicRef;

    /// The width dispatch behind [`Backend`](crate::Backend)'s generic
    /// methods: a backend matches on the view, and after inlining only the
    /// arm of the word's own width is left.
    pub trait Sealed: Sized {
        /// `a` as the atomic of its own width.
        fn view(a: &<Self as super::Word>::Atomic) -> AtomicRef<'_>
        where
            Self: super::Word;
    }
}

/// A counter word's atomic, named by its width (the result of the sealed
/// `view`; not nameable outside the crate).
pub enum AtomicRef<'a> {
    /// An 8-bit word.
    U8(&'a atomic::AtomicU8),
    /// A 16-bit word.
    U16(&'a atomic::AtomicU16),
    /// A 32-bit word.
    U32(&'a atomic::AtomicU32),
    /// A 64-bit word.
    #[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
    U64(&'a atomic::AtomicU64),
}

/// An unsigned integer that a counter word is made of (`u8`, `u16`, `u32`,
/// `u64`). Sealed: the `const` constructors rely on the exact layout of these
/// four types and their atomics.
pub trait Word:
    sealed::Sealed
    + Copy
    + Eq
    + Ord
    + Debug
    + Send
    + Sync
    + 'static
    + BitAnd<Output = Self>
    + BitOr<Output = Self>
    + Not<Output = Self>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
{
    /// Width in bits.
    const BITS: u32;
    /// The zero word.
    const ZERO: Self;
    /// The atomic integer of the same width (core's, or loom's under
    /// `--cfg frozen_refcount_loom`).
    type Atomic: Send + Sync;

    /// `self + rhs`, modulo `2^BITS`.
    fn wrapping_add(self, rhs: Self) -> Self;
    /// `self - rhs`, modulo `2^BITS`.
    fn wrapping_sub(self, rhs: Self) -> Self;
    /// The low `BITS` bits of `v`.
    fn from_u64(v: u64) -> Self;
    /// Zero-extended to 64 bits.
    fn to_u64(self) -> u64;
    /// A new atomic holding `v` (non-`const`; see `atomic_from_u64`).
    fn new_atomic(v: Self) -> Self::Atomic;
    /// The address of the atomic's value, for the inline-asm backends.
    #[cfg(not(frozen_refcount_loom))]
    fn as_ptr(a: &Self::Atomic) -> *mut Self;
}

macro_rules! impl_word {
    ($($(#[$cfg:meta])* $w:ty => $atomic:ident, $view:ident;)*) => {$(
        $(#[$cfg])*
        impl sealed::Sealed for $w {
            #[inline(always)]
            fn view(a: &atomic::$atomic) -> AtomicRef<'_> {
                AtomicRef::$view(a)
            }
        }
        $(#[$cfg])*
        impl Word for $w {
            const BITS: u32 = <$w>::BITS;
            const ZERO: Self = 0;
            type Atomic = atomic::$atomic;
            #[inline(always)]
            fn wrapping_add(self, rhs: Self) -> Self { <$w>::wrapping_add(self, rhs) }
            #[inline(always)]
            fn wrapping_sub(self, rhs: Self) -> Self { <$w>::wrapping_sub(self, rhs) }
            #[inline(always)]
            fn from_u64(v: u64) -> Self { v as $w }
            #[inline(always)]
            fn to_u64(self) -> u64 { self as u64 }
            #[inline(always)]
            fn new_atomic(v: Self) -> Self::Atomic { atomic::$atomic::new(v) }
            #[cfg(not(frozen_refcount_loom))]
            #[inline(always)]
            fn as_ptr(a: &Self::Atomic) -> *mut Self { a.as_ptr() }
        }
    )*};
}
impl_word! {
    u8 => AtomicU8, U8;
    u16 => AtomicU16, U16;
    u32 => AtomicU32, U32;
    #[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
    u64 => AtomicU64, U64;
}

/// The low `W::BITS` bits of `value`, as a `W`, in a `const` context.
///
/// Encodings compute their constants as `u64` and narrow them with this: the
/// generic `impl<W: Word> Encoding for HighBit<W>` has no `const` arithmetic on
/// `W` itself.
pub(crate) const fn narrow<W: Word>(value: u64) -> W {
    #[repr(C)]
    union Pun<W: Copy> {
        wide: u64,
        narrow: W,
    }
    let value = if cfg!(target_endian = "big") {
        value << (64 - W::BITS)
    } else {
        value
    };
    // SAFETY: `W` is one of u8..u64 (sealed): at most 8 bytes, every bit
    // pattern valid; `wide` initialises all 8 bytes.
    unsafe { Pun::<W> { wide: value }.narrow }
}

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
pub(crate) const fn atomic_from_u64<W: Word>(value: u64) -> W::Atomic {
    #[repr(C)]
    union Pun<W: Word> {
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
pub(crate) fn atomic_from_u64<W: Word>(value: u64) -> W::Atomic {
    W::new_atomic(W::from_u64(value))
}

/// Bit `n` as a `u64` (a const helper for encodings).
pub(crate) const fn bit(n: u32) -> u64 {
    1u64 << n
}

/// All ones in the low `bits` bits.
pub(crate) const fn ones(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}
