//! The buddy free lists behind the allocator's lock: taking a block
//! (splitting larger ones) and giving one back (merging buddies).

use std::collections::BTreeSet;

/// The buddy free lists: one set of block PFNs per order. Under a `Mutex`;
/// the lock-free part of this allocator is the refcount.
pub(crate) struct Buddy {
    /// The free blocks of each order, by the PFN of their first page.
    pub(crate) free: Vec<BTreeSet<u32>>,
    /// Pages on the lists.
    pub(crate) free_pages: u64,
}

impl Buddy {
    pub(crate) fn new(max_order: u8, blocks: u32) -> Self {
        let mut free = vec![BTreeSet::new(); max_order as usize + 1];
        free[max_order as usize] = (0..blocks).map(|b| b << max_order).collect();
        Buddy {
            free,
            free_pages: (blocks as u64) << max_order,
        }
    }

    /// Takes a block of `order`, splitting a larger one if needed.
    pub(crate) fn take(&mut self, order: u8) -> Option<u32> {
        let o = (order as usize..self.free.len()).find(|&o| !self.free[o].is_empty())?;
        let pfn = self.free[o].pop_first()?;
        for lower in (order as usize..o).rev() {
            self.free[lower].insert(pfn + (1 << lower));
        }
        self.free_pages -= 1 << order;
        Some(pfn)
    }

    /// Returns a block, merging it with its buddy as long as that is free.
    pub(crate) fn insert(&mut self, mut pfn: u32, mut order: u8) {
        self.free_pages += 1 << order;
        while (order as usize) + 1 < self.free.len() {
            let buddy = pfn ^ (1 << order);
            if !self.free[order as usize].remove(&buddy) {
                break;
            }
            pfn = pfn.min(buddy);
            order += 1;
        }
        self.free[order as usize].insert(pfn);
    }

    /// The free block containing `pfn`, if any.
    pub(crate) fn block_of(&self, pfn: u32) -> Option<(u32, u8)> {
        (0..self.free.len()).find_map(|o| {
            let start = pfn & !((1u32 << o) - 1);
            self.free[o].contains(&start).then_some((start, o as u8))
        })
    }
}
