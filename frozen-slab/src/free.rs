//! Which slot an insert takes: recycled slots from lock-free stacks with
//! tagged heads, one per thread shard, then never-used slots from a bump
//! counter.
//!
//! **Why a tagged head.** A Treiber stack's pop reads `head`, then the head
//! slot's `next_free`, then CASes `head` from the first to the second. If
//! between the read and the CAS that slot is popped, reused, and pushed back
//! (with another `next_free`), a plain index CAS would succeed and install a
//! stale link: ABA. The head is `tag << 32 | index`, and every push and pop
//! advances the tag, so that CAS fails unless 2^32 operations ran inside the
//! window. Per-page free lists would need the same tag on each list (a page's
//! head has the same ABA), so they buy nothing against ABA.
//!
//! **Why one stack per thread shard** (with `std`; without it, one stack for
//! every thread, see `shard`). With one stack for the slab, two
//! threads that each insert and remove their own values CAS the same head
//! on every operation, and that line bounces between them. A slot is pushed onto the stack of the thread that
//! frees it and an insert pops from its own thread's stack first, so a
//! thread that frees and reuses its own slots touches only its own line.
//! An empty stack steals from the others before the bump counter hands out
//! a never-used slot, so memory is reused before it grows.
//!
//! A slot moves between stacks (popped from one, pushed to another); a
//! stale pop on the first stack then fails its CAS, whose tag has moved.
//! Reading `next_free` of a slot that another thread has popped is safe:
//! slots are type-stable (see `pages.rs`) and the link is an atomic.

use crate::pages::Pages;
use crate::slot::Slot;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::{AtomicU64, AtomicUsize};

const NIL: u32 = u32::MAX;

/// Stacks per slab: threads beyond this many share them.
const SHARDS: usize = 16;

/// A value alone on its cache line pair (adjacent-line prefetch included).
#[repr(align(128))]
struct Padded<T>(T);

pub(crate) struct FreeList {
    /// Per shard, `tag << 32 | index` of the top free slot (`NIL`: empty).
    heads: [Padded<AtomicU64>; SHARDS],
    /// The next never-used slot index.
    unused: Padded<AtomicUsize>,
    /// One more than the highest shard ever pushed to: how many stacks a
    /// pop scans. Read by every pop and push, written once per new shard.
    used: Padded<AtomicUsize>,
    /// How many slots may be used at all.
    limit: usize,
}

impl FreeList {
    const_fn_unless_loom! {
        /// Every stack empty, no slot used yet, at most `limit` slots.
        pub(crate) fn new(limit: usize) -> Self {
            FreeList {
                heads: array_of!(Padded(AtomicU64::new(NIL as u64)); SHARDS),
                unused: Padded(AtomicUsize::new(0)),
                used: Padded(AtomicUsize::new(1)),
                limit,
            }
        }
    }

    /// A free slot and its index, now owned by the caller (its refcount is
    /// frozen), or `None` when every slot up to the limit is in use (or
    /// looked so: a slot freed on another shard during the scan can be
    /// missed).
    pub(crate) fn pop<'a, T>(&self, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let own = shard::current();
        // Relaxed: a policy hint; a stack missed here costs a fresh slot,
        // never a wrong answer.
        let shards = self.used.0.load(Relaxed);
        for i in 0..shards {
            if let Some(popped) = self.pop_from((own + i) % shards, pages) {
                return Some(popped);
            }
        }
        // Relaxed: the counter only hands out distinct indices; the slot's
        // page is published by `Pages::get_or_alloc`.
        let index = self.unused.0.fetch_add(1, Relaxed);
        if index >= self.limit {
            // Full. Undo, so the counter cannot creep towards overflow under
            // repeated inserts into a full slab.
            self.unused.0.fetch_sub(1, Relaxed);
            return None;
        }
        Some((index as u32, pages.get_or_alloc(index as u32)))
    }

    fn pop_from<'a, T>(&self, shard: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let head_word = &self.heads[shard].0;
        // Acquire: pairs with the Release of the push that put the slot
        // there, so the caller sees the slot as its last owner left it (the
        // value dropped, the link written).
        let mut head = head_word.load(Acquire);
        while head as u32 != NIL {
            let index = head as u32;
            // Relaxed: the push that wrote this link happens-before our
            // Acquire of its head; a later link (the slot reused and pushed
            // again) comes with a new tag, and the CAS below fails.
            let slot = pages.get(index).expect("a pushed slot's page exists");
            let next = slot.next_free.load(Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | next as u64;
            // Acquire on both outcomes: on failure `head` is re-read as by
            // the load above.
            match head_word.compare_exchange_weak(head, new, Acquire, Acquire) {
                Ok(_) => return Some((index, slot)),
                Err(actual) => head = actual,
            }
        }
        None
    }

    /// Returns slot `index`, owned by the caller, to the free list (the
    /// calling thread's stack). It looks the slot up again rather than take
    /// it from the caller: a `Slot` argument would be one more register
    /// carried across the hot `get` + drop for its cold last-`put` call
    /// (seen in the x86_64 assembly of `get` + drop).
    pub(crate) fn push<T>(&self, pages: &Pages<T>, index: u32) {
        let slot = pages.get(index).expect("a used slot's page exists");
        let shard = shard::current();
        // Relaxed: the hint above. The CAS loop keeps it monotonic.
        let mut used = self.used.0.load(Relaxed);
        while used <= shard {
            match self
                .used
                .0
                .compare_exchange_weak(used, shard + 1, Relaxed, Relaxed)
            {
                Ok(_) => break,
                Err(actual) => used = actual,
            }
        }
        let head_word = &self.heads[shard].0;
        // Relaxed: a guess, re-checked by the CAS.
        let mut head = head_word.load(Relaxed);
        loop {
            // Relaxed: published by the Release CAS below.
            slot.next_free.store(head as u32, Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | index as u64;
            // Release: everything the caller did to the slot (the value
            // dropped or moved out) happens-before the next pop's Acquire.
            match head_word.compare_exchange_weak(head, new, Release, Relaxed) {
                Ok(_) => return,
                Err(actual) => head = actual,
            }
        }
    }
}

/// The calling thread's shard: a policy only, never needed for soundness.
mod shard {
    /// This thread's shard, fixed for its life (shards are dealt
    /// round-robin as threads first ask).
    #[cfg(feature = "std")]
    #[inline]
    pub(super) fn current() -> usize {
        use core::cell::Cell;
        use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        /// Threads that have asked, process-wide.
        static THREADS: AtomicUsize = AtomicUsize::new(0);
        std::thread_local! {
            static SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
        }
        SHARD.with(|s| {
            if s.get() == usize::MAX {
                // Relaxed: any distinct-enough number will do.
                s.set(THREADS.fetch_add(1, Relaxed) % super::SHARDS);
            }
            s.get()
        })
    }

    /// Without `std` there is no thread identity: one stack for all.
    #[cfg(not(feature = "std"))]
    #[inline]
    pub(super) fn current() -> usize {
        0
    }
}
