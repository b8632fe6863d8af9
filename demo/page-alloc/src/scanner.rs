//! The free-page scanner (compaction's `isolate_freepages`): a lock-free
//! hint, trusted only after a re-check under the buddy lock.

use crate::allocator::PageAllocator;
use crate::page::Kind;
use frozen_refcount::{Backend, Encoding};

/// What a free-page scanner found ([`PageAllocator::scan_free`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The lock-free hint said "not free".
    NotFree,
    /// The hint said free, and under the lock the page is on a free list.
    Free,
    /// The hint said free, but under the lock the page was taken meanwhile.
    Stale,
}

impl<E: Encoding, B: Backend> PageAllocator<E, B> {
    /// A free-page scanner (compaction's `isolate_freepages`): a lock-free
    /// read of `kind` as a hint, trusted only after a re-check under the
    /// buddy lock. Under the lock it also checks that `kind == Free` exactly
    /// when the page is on a free list, and that a free page is frozen (a
    /// frozen page under split or being freed must never be on a list).
    pub fn scan_free(&self, pfn: u32) -> Scan {
        let d = &self.pages[pfn as usize];
        // A Relaxed read without a reference or the lock: only a hint, like
        // `PageBuddy()` (it may be stale in either direction).
        if d.kind() != Kind::Free {
            return Scan::NotFree;
        }
        let b = self.buddy.lock().unwrap();
        let listed = b.block_of(pfn);
        // Relaxed, under the lock: every write of `Free` to or from this
        // page was made under the lock (ordering 3), so this read is exact.
        // The counter read is a snapshot, but a free page's counter is
        // frozen and only `alloc` (after taking it off the list, under this
        // lock) makes it live.
        let free = d.kind() == Kind::Free;
        if free != listed.is_some() || (free && !d.refs.is_frozen()) {
            self.errors.violation(format_args!(
                "scanner: page {pfn} is {:?} {:?} but free block {listed:?}",
                d.kind(),
                d.refs
            ));
        }
        if free {
            Scan::Free
        } else {
            Scan::Stale
        }
    }
}
