//! Which slot an insert takes: recycled slots from a lock-free stack with a
//! tagged head, then never-used slots from a bump counter.
//!
//! **Why a tagged head.** A Treiber stack's pop reads `head`, then the head
//! slot's `next_free`, then CASes `head` from the first to the second. If
//! between the read and the CAS that slot is popped, reused, and pushed back
//! (with another `next_free`), a plain index CAS would succeed and install a
//! stale link: ABA. The head is `tag << 32 | index`, and every push and pop
//! advances the tag, so that CAS fails unless 2^32 operations ran inside the
//! window. Per-page free lists would need the same tag on each list (a page's
//! head has the same ABA), so they buy nothing here against ABA; what they
//! would buy is less contention on one word, which `docs/` weighs against
//! the measurements.
//!
//! Reading `next_free` of a slot that another thread has popped is safe:
//! slots are type-stable (see `pages.rs`) and the link is an atomic.

use crate::pages::Pages;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::{AtomicU64, AtomicUsize};

const NIL: u32 = u32::MAX;

pub(crate) struct FreeList {
    /// `tag << 32 | index` of the top free slot (`NIL`: empty).
    head: AtomicU64,
    /// The next never-used slot index.
    unused: AtomicUsize,
    /// How many slots may be used at all.
    limit: usize,
}

impl FreeList {
    pub(crate) fn new(limit: usize) -> Self {
        FreeList {
            head: AtomicU64::new(NIL as u64),
            unused: AtomicUsize::new(0),
            limit,
        }
    }

    /// A free slot's index, now owned by the caller (its refcount is
    /// frozen), or `None` when every slot up to the limit is in use.
    pub(crate) fn pop<T>(&self, pages: &Pages<T>) -> Option<u32> {
        // Acquire: pairs with the Release of the push that put the slot
        // there, so the caller sees the slot as its last owner left it (the
        // value dropped, the link written).
        let mut head = self.head.load(Acquire);
        while head as u32 != NIL {
            let index = head as u32;
            // Relaxed: the push that wrote this link happens-before our
            // Acquire of its head; a later link (the slot reused and pushed
            // again) comes with a new tag, and the CAS below fails.
            let next = pages
                .get(index)
                .expect("a pushed slot's page exists")
                .next_free
                .load(Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | next as u64;
            // Acquire on both outcomes: on failure `head` is re-read as by
            // the load above.
            match self.head.compare_exchange_weak(head, new, Acquire, Acquire) {
                Ok(_) => return Some(index),
                Err(actual) => head = actual,
            }
        }
        // Relaxed: the counter only hands out distinct indices; the slot's
        // page is published by `Pages::get_or_alloc`.
        let index = self.unused.fetch_add(1, Relaxed);
        if index >= self.limit {
            // Full. Undo, so the counter cannot creep towards overflow under
            // repeated inserts into a full slab.
            self.unused.fetch_sub(1, Relaxed);
            return None;
        }
        pages.get_or_alloc(index as u32);
        Some(index as u32)
    }

    /// Returns slot `index`, owned by the caller, to the free list.
    pub(crate) fn push<T>(&self, pages: &Pages<T>, index: u32) {
        let slot = pages.get(index).expect("a used slot's page exists");
        // Relaxed: a guess, re-checked by the CAS.
        let mut head = self.head.load(Relaxed);
        loop {
            // Relaxed: published by the Release CAS below.
            slot.next_free.store(head as u32, Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | index as u64;
            // Release: everything the caller did to the slot (the value
            // dropped or moved out) happens-before the next pop's Acquire.
            match self.head.compare_exchange_weak(head, new, Release, Relaxed) {
                Ok(_) => return,
                Err(actual) => head = actual,
            }
        }
    }
}
