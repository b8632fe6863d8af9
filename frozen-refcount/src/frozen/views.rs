//! Memory owned elsewhere: counters viewed over words that someone else
//! allocated (a C `atomic_t`, a zero-filled `mmap`, a slice of atomics). A
//! child of `frozen.rs` because the views build `&FrozenRefcount` from the
//! word's address and need its private layout; the protocol is not here.

use super::FrozenRefcount;
use crate::backends::Backend;
use crate::encoding::Encoding;
use crate::word::Word;

impl<E: Encoding, B: Backend> FrozenRefcount<E, B> {
    /// A counter over a word that lives somewhere else: a kernel's
    /// `struct page` field that C code also updates, a frame table in a
    /// zero-filled `mmap`, a slot in shared memory.
    ///
    /// Every bit pattern is a valid counter (see [the table](#bit-patterns)),
    /// so this never reads an invalid value; for the zero-locked encodings a
    /// word nobody has written is frozen.
    ///
    /// # Safety
    ///
    /// As [`AtomicU32::from_ptr`](core::sync::atomic::AtomicU32::from_ptr):
    /// - `ptr` is aligned to `align_of::<FrozenRefcount<E, B>>()` (the
    ///   atomic's alignment: on some 32-bit targets stricter than `u64`'s);
    /// - `ptr` is valid for reads and writes for the whole lifetime `'a`;
    /// - during `'a`, every access to the word is atomic (through this
    ///   counter, another view of it, or foreign code's atomics of the same
    ///   width), never a non-atomic access racing with one of ours.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub unsafe fn from_ptr<'a>(ptr: *mut E::Word) -> &'a Self {
        // SAFETY: `Self` is `repr(transparent)` over `E::Word`'s atomic,
        // which has the size of `E::Word` and accepts every bit pattern; the
        // caller guarantees alignment, validity for `'a` and atomic access.
        unsafe { &*ptr.cast::<Self>() }
    }

    /// The address of the word, for foreign code (C's `atomic_t`, a kernel's
    /// `page_ref_*` helpers) that updates it atomically. Writing it
    /// non-atomically while the counter is shared is a data race.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub fn as_ptr(&self) -> *mut E::Word {
        <E::Word as Word>::as_ptr(&self.word)
    }

    /// A counter over a word the caller holds exclusively (a table it just
    /// allocated, before sharing it).
    ///
    /// A compile-time error where `E::Word`'s alignment is below its
    /// atomic's (`u64` on 32-bit x86): use [`from_ptr`](Self::from_ptr)
    /// with memory aligned for the atomic there.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub fn from_mut(word: &mut E::Word) -> &mut Self {
        const {
            assert!(
                Self::WORD_ALIGN_IS_ATOMIC_ALIGN,
                "word less aligned than its atomic"
            )
        };
        // SAFETY: same size (repr(transparent) over the atomic), same
        // alignment (asserted above), every bit pattern valid, and the
        // exclusive borrow rules out any other access for its lifetime.
        unsafe { &mut *(word as *mut E::Word).cast::<Self>() }
    }

    /// [`from_mut`](Self::from_mut) for a whole table: `&mut [E::Word]` (for
    /// instance zeroed memory, which for the zero-locked encodings is a table
    /// of frozen counters with no initialisation pass) viewed as counters.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub fn from_mut_slice(words: &mut [E::Word]) -> &mut [Self] {
        const {
            assert!(
                Self::WORD_ALIGN_IS_ATOMIC_ALIGN,
                "word less aligned than its atomic"
            )
        };
        let len = words.len();
        // SAFETY: as for `from_mut`, element by element: same size, so the
        // same length covers the same bytes.
        unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<Self>(), len) }
    }

    /// A slice of the word's atomics (core's `AtomicU32` for `u32` words)
    /// viewed as counters: for tables whose storage is typed as atomics, such
    /// as bindings of a C `atomic_t` array.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub fn from_atomic_slice(atomics: &[<E::Word as Word>::Atomic]) -> &[Self] {
        // SAFETY: `Self` is `repr(transparent)` over exactly this atomic type
        // (plus a zero-sized marker), so the layouts are identical.
        unsafe { core::slice::from_raw_parts(atomics.as_ptr().cast::<Self>(), atomics.len()) }
    }

    /// The word, through an exclusive borrow: a plain access, no atomic step.
    #[cfg(not(frozen_refcount_loom))]
    #[inline]
    #[must_use]
    pub fn get_mut(&mut self) -> &mut E::Word {
        // SAFETY: the atomic has the size of `E::Word` and at least its
        // alignment; the exclusive borrow rules out concurrent access.
        unsafe { &mut *self.as_ptr() }
    }

    /// Consumes the counter and returns its raw word.
    #[inline]
    #[must_use]
    pub fn into_raw(self) -> E::Word {
        self.load_raw()
    }

    /// Consumes the counter and returns its atomic word (core's `AtomicU32`
    /// for `u32` words; loom's under loom), for storage typed as atomics.
    #[inline]
    #[must_use]
    pub fn into_atomic(self) -> <E::Word as Word>::Atomic {
        self.word
    }

    #[cfg(not(frozen_refcount_loom))]
    const WORD_ALIGN_IS_ATOMIC_ALIGN: bool =
        core::mem::align_of::<E::Word>() == core::mem::align_of::<Self>();
}
