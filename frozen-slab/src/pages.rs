//! Storage: pages of slots that never move, allocated on first use.
//!
//! Page `p` holds `32 << p` slots, so the first 27 pages hold
//! `32 * (2^27 - 1)` slots, just under the 2^32 that a key's index can name.
//! A slot index maps to its page by one leading-zero count. Pages are freed
//! only when the slab is dropped: every slot is type-stable for the slab's
//! whole life, which is what lets a reader with a stale key touch a slot's
//! atomics safely.
//!
//! A page is one allocation holding two arrays, the slots' refcounts and
//! then their bodies (structure of arrays; `slot.rs` says why).

use crate::slot::{Body, Refs, Slot};
use alloc::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use core::marker::PhantomData;
use core::mem::{align_of, size_of};
use core::ptr;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::AtomicPtr;

const FIRST_SHIFT: u32 = 5;
/// Slots in page 0.
const FIRST_PAGE: usize = 1 << FIRST_SHIFT;
/// Number of pages.
pub(crate) const PAGES: usize = 27;
/// Slots in all pages: the most a slab can hold.
pub(crate) const MAX_SLOTS: usize = FIRST_PAGE * ((1 << PAGES) - 1);

/// The pages, each a pointer to its refcount array (null: not allocated).
pub(crate) struct Pages<T> {
    pages: [AtomicPtr<Refs>; PAGES],
    _values: PhantomData<T>,
}

/// Page and offset of slot `index`.
#[inline(always)]
fn locate(index: u32) -> (usize, usize) {
    let i = index as usize + FIRST_PAGE;
    let page = (usize::BITS - 1 - i.leading_zeros() - FIRST_SHIFT) as usize;
    (page, i - (FIRST_PAGE << page))
}

#[inline(always)]
fn page_len(page: usize) -> usize {
    FIRST_PAGE << page
}

/// Where a page of `len` slots keeps its bodies: after the refcounts,
/// aligned. Arithmetic the compiler folds for a known `T` (`len` is a
/// multiple of 32, so for bodies aligned to at most 256 bytes it is just
/// `len * 8`); `page_layout` checks it against `Layout::extend`.
#[inline(always)]
fn bodies_offset<T>(len: usize) -> usize {
    let align = align_of::<Body<T>>();
    (len * size_of::<Refs>()).next_multiple_of(align)
}

/// A page's refcounts start on a 128-byte boundary, so that a run of 16
/// fresh slots (`free.rs`) has two 64-byte lines of refcounts to itself.
const PAGE_ALIGN: usize = 128;

fn page_layout<T>(len: usize) -> Layout {
    let refs = Layout::array::<Refs>(len)
        .and_then(|refs| refs.align_to(PAGE_ALIGN))
        .expect("page size");
    let (layout, offset) = refs
        .extend(Layout::array::<Body<T>>(len).expect("page size"))
        .expect("page size");
    assert_eq!(offset, bodies_offset::<T>(len));
    layout
}

impl<T> Pages<T> {
    const_fn_unless_loom! {
        /// No page allocated yet: null pointers, nothing else.
        pub(crate) fn new() -> Self {
            Pages {
                pages: array_of!(AtomicPtr::new(ptr::null_mut()); PAGES),
                _values: PhantomData,
            }
        }
    }

    /// Slot `offset` of the page at `base`.
    ///
    /// # Safety
    /// `base` is an allocated page of `page_len(page)` slots and
    /// `offset < page_len(page)`.
    #[inline(always)]
    unsafe fn slot_at(&self, base: *mut Refs, page: usize, offset: usize) -> Slot<'_, T> {
        // SAFETY: both arrays hold `page_len(page)` initialised elements, in
        // one allocation that lives as long as `self`.
        unsafe {
            let bodies = base
                .cast::<u8>()
                .add(bodies_offset::<T>(page_len(page)))
                .cast::<Body<T>>();
            Slot::new(&*base.add(offset), &*bodies.add(offset))
        }
    }

    /// Slot `index`, if its page exists.
    #[inline(always)]
    pub(crate) fn get(&self, index: u32) -> Option<Slot<'_, T>> {
        let (page, offset) = locate(index);
        // Acquire: pairs with the Release that published the page, so its
        // slots are seen initialised.
        let base = self.pages.get(page)?.load(Acquire);
        if base.is_null() {
            return None;
        }
        // SAFETY: allocated; `offset < page_len(page)` by `locate`.
        Some(unsafe { self.slot_at(base, page, offset) })
    }

    /// Slot `index`, allocating its page if needed. `index < MAX_SLOTS`.
    pub(crate) fn get_or_alloc(&self, index: u32) -> Slot<'_, T> {
        let (page, offset) = locate(index);
        let cell = &self.pages[page];
        // Acquire: as in `get`.
        let mut base = cell.load(Acquire);
        if base.is_null() {
            let fresh = alloc_page::<T>(page_len(page));
            // Release: publishes the initialised slots. Acquire on failure:
            // the winner's page is used, and must be seen initialised.
            base = match cell.compare_exchange(ptr::null_mut(), fresh, Release, Acquire) {
                Ok(_) => fresh,
                Err(winner) => {
                    // SAFETY: `fresh` was never shared.
                    unsafe { free_page::<T>(fresh, page_len(page)) };
                    winner
                }
            };
        }
        // SAFETY: as in `get`.
        unsafe { self.slot_at(base, page, offset) }
    }

    /// Every slot of every allocated page, in index order (for `&mut`
    /// walks and `Drop`).
    pub(crate) fn slots(&mut self) -> Slots<'_, T> {
        Slots {
            pages: self,
            page: 0,
            offset: 0,
        }
    }
}

/// The iterator of [`Pages::slots`].
pub(crate) struct Slots<'a, T> {
    pages: &'a Pages<T>,
    page: usize,
    offset: usize,
}

impl<'a, T> Iterator for Slots<'a, T> {
    type Item = Slot<'a, T>;
    fn next(&mut self) -> Option<Slot<'a, T>> {
        while self.page < PAGES {
            // Relaxed: the `&mut` borrow behind this iterator orders every
            // write before it.
            let base = self.pages.pages[self.page].load(Relaxed);
            if !base.is_null() && self.offset < page_len(self.page) {
                // SAFETY: allocated, and `offset` is in the page.
                let slot = unsafe { self.pages.slot_at(base, self.page, self.offset) };
                self.offset += 1;
                return Some(slot);
            }
            self.page += 1;
            self.offset = 0;
        }
        None
    }
}

/// A page of `len` free slots: frozen refcounts, empty bodies.
fn alloc_page<T>(len: usize) -> *mut Refs {
    let layout = page_layout::<T>(len);
    // SAFETY: `layout` has a non-zero size (`len > 0`, refcounts are not ZSTs).
    let base = unsafe { alloc(layout) };
    if base.is_null() {
        handle_alloc_error(layout);
    }
    let refs = base.cast::<Refs>();
    // SAFETY: in bounds of the allocation, laid out by `page_layout`.
    unsafe {
        let bodies = base.add(bodies_offset::<T>(len)).cast::<Body<T>>();
        for i in 0..len {
            refs.add(i).write(Refs::new_frozen());
            bodies.add(i).write(Body::new());
        }
    }
    refs
}

/// # Safety
/// `base` came from `alloc_page::<T>(len)` and is not used after. The
/// values in the bodies are not dropped here (`Slab`'s `Drop` does that).
unsafe fn free_page<T>(base: *mut Refs, len: usize) {
    // SAFETY: the arrays `alloc_page` initialised; then its layout.
    unsafe {
        let bodies = base
            .cast::<u8>()
            .add(bodies_offset::<T>(len))
            .cast::<Body<T>>();
        ptr::drop_in_place(ptr::slice_from_raw_parts_mut(base, len));
        ptr::drop_in_place(ptr::slice_from_raw_parts_mut(bodies, len));
        dealloc(base.cast::<u8>(), page_layout::<T>(len));
    }
}

impl<T> Drop for Pages<T> {
    fn drop(&mut self) {
        for (page, cell) in self.pages.iter().enumerate() {
            let base = cell.load(Relaxed);
            if !base.is_null() {
                // SAFETY: allocated by `alloc_page(page_len(page))`; `&mut`.
                unsafe { free_page::<T>(base, page_len(page)) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_walks_the_pages_in_order() {
        let mut expect = (0usize, 0usize);
        for index in 0..(FIRST_PAGE * 15) as u32 {
            assert_eq!(locate(index), expect, "index {index}");
            expect.1 += 1;
            if expect.1 == page_len(expect.0) {
                expect = (expect.0 + 1, 0);
            }
        }
        assert_eq!(
            locate((MAX_SLOTS - 1) as u32),
            (PAGES - 1, page_len(PAGES - 1) - 1)
        );
        assert!(MAX_SLOTS <= u32::MAX as usize);
        // One past the last slot, and the largest index, fall past the pages.
        assert_eq!(locate(MAX_SLOTS as u32).0, PAGES);
        assert_eq!(locate(u32::MAX).0, PAGES);
    }

    #[test]
    fn bodies_follow_the_refcounts_aligned() {
        #[repr(align(512))]
        struct Big(#[allow(dead_code)] u8);
        for page in 0..6 {
            let len = page_len(page);
            page_layout::<u8>(len);
            page_layout::<u64>(len);
            page_layout::<Big>(len); // rounded up past `len * 8`
            assert_eq!(bodies_offset::<u64>(len), len * 8);
        }
        assert_eq!(bodies_offset::<Big>(32), 512);
    }
}
