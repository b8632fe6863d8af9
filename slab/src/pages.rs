//! Storage: pages of slots that never move, allocated on first use.
//!
//! Page `p` holds `32 << p` slots, so the first 27 pages hold
//! `32 * (2^27 - 1)` slots, just under the 2^32 that a key's index can name.
//! A slot index maps to its page by one leading-zero count. Pages are freed
//! only when the slab is dropped: every slot is type-stable for the slab's
//! whole life, which is what lets a reader with a stale key touch a slot's
//! atomics safely.

use crate::slot::Slot;
use alloc::boxed::Box;
use alloc::vec::Vec;
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

pub(crate) struct Pages<T> {
    pages: [AtomicPtr<Slot<T>>; PAGES],
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

impl<T> Pages<T> {
    pub(crate) fn new() -> Self {
        Pages {
            pages: core::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
        }
    }

    /// Slot `index`, if its page exists.
    #[inline(always)]
    pub(crate) fn get(&self, index: u32) -> Option<&Slot<T>> {
        let (page, offset) = locate(index);
        // Acquire: pairs with the Release that published the page, so its
        // slots are seen initialised.
        let base = self.pages.get(page)?.load(Acquire);
        if base.is_null() {
            return None;
        }
        // SAFETY: `offset < page_len(page)` by `locate`; pages live as long
        // as `self`.
        Some(unsafe { &*base.add(offset) })
    }

    /// Slot `index`, allocating its page if needed. `index < MAX_SLOTS`.
    pub(crate) fn get_or_alloc(&self, index: u32) -> &Slot<T> {
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
                    unsafe { free_page(fresh, page_len(page)) };
                    winner
                }
            };
        }
        // SAFETY: as in `get`.
        unsafe { &*base.add(offset) }
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
    type Item = &'a Slot<T>;
    fn next(&mut self) -> Option<&'a Slot<T>> {
        while self.page < PAGES {
            // Relaxed: the `&mut` borrow behind this iterator orders every
            // write before it.
            let base = self.pages.pages[self.page].load(Relaxed);
            if !base.is_null() && self.offset < page_len(self.page) {
                // SAFETY: an allocated page holds `page_len` initialised slots.
                let slot = unsafe { &*base.add(self.offset) };
                self.offset += 1;
                return Some(slot);
            }
            self.page += 1;
            self.offset = 0;
        }
        None
    }
}

fn alloc_page<T>(len: usize) -> *mut Slot<T> {
    let page: Box<[Slot<T>]> = (0..len)
        .map(|_| Slot::new())
        .collect::<Vec<_>>()
        .into_boxed_slice();
    Box::into_raw(page).cast::<Slot<T>>()
}

/// # Safety
/// `base` came from `alloc_page(len)` and is not used after.
unsafe fn free_page<T>(base: *mut Slot<T>, len: usize) {
    // SAFETY: rebuilds the box `alloc_page` leaked.
    drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(base, len)) });
}

impl<T> Drop for Pages<T> {
    fn drop(&mut self) {
        for (page, cell) in self.pages.iter().enumerate() {
            let base = cell.load(Relaxed);
            if !base.is_null() {
                // SAFETY: allocated by `alloc_page(page_len(page))`; `&mut`.
                unsafe { free_page(base, page_len(page)) };
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
}
